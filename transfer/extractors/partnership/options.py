"""What a Partnership export needs from the settings, read in one place so tests can build
it directly (credentials and the personal-data policy are read at the stage's door)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from transfer.config import HttpSettings, Settings
from transfer.workspace import Workspace


@dataclass(frozen=True)
class ExportOptions:
    """Plain values of one export: where the platform answers (``fetch_url``, its public
    ``base_url`` and ``fetch_base``), how politely to ask, the workspace, and the crawl
    profile of its public pages."""

    fetch_url: str
    base_url: str
    fetch_base: str
    http: HttpSettings
    workspace: Workspace
    public_profile: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> ExportOptions:
        source = settings.partnership
        return cls(
            fetch_url=source.fetch_url,
            base_url=source.base_url,
            fetch_base=source.fetch_base,
            http=settings.http,
            workspace=Workspace.from_settings(settings),
            public_profile=settings.mappings_dir / "partnership" / "profile.yml",
        )
