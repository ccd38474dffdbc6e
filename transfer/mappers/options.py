"""What a map run needs from the settings, read in one place so tests can build it directly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from transfer.config import Settings
from transfer.workspace import Workspace


@dataclass(frozen=True)
class MapOptions:
    """Plain values of one map run: the mapping files, the target environment (whose
    personal-data policy applies) and the workspace holding the staging and mapped stores."""

    mappings_dir: Path
    environment: str
    workspace: Workspace

    @classmethod
    def from_settings(cls, settings: Settings) -> MapOptions:
        return cls(
            mappings_dir=settings.mappings_dir,
            environment=settings.target.environment,
            workspace=Workspace.from_settings(settings),
        )
