"""What a map run needs from the settings, read in one place so tests can build it directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from transfer.config import Settings
from transfer.mappers.pool import default_workers
from transfer.workspace import Workspace


@dataclass(frozen=True)
class MapOptions:
    """Plain values of one map run: the mapping files, the target environment (whose
    personal-data policy applies), the workspace holding the staging and mapped stores, and
    how many processes map records (one per core; 0 or 1: the stage's own process)."""

    mappings_dir: Path
    environment: str
    workspace: Workspace
    workers: int = field(default_factory=default_workers)

    @classmethod
    def from_settings(cls, settings: Settings) -> MapOptions:
        workers = settings.values.get("map.workers")
        return cls(
            mappings_dir=settings.mappings_dir,
            environment=settings.target.environment,
            workspace=Workspace.from_settings(settings),
            workers=default_workers() if workers is None else int(workers),
        )
