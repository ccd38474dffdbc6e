"""What a load needs from the settings, read in one place so tests can build it directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from transfer.config import Settings
from transfer.loaders.selection import Selection
from transfer.workspace import Workspace


@dataclass(frozen=True)
class LoadOptions:
    """Plain values of one load: where the mapped rows and the blobs are, where media go,
    the batch size, the share of live records one run may remove before it stops, and which
    records this load takes (all by default)."""

    mapped_store: Path
    blob_dir: Path
    media_dir: Path
    batch_size: int = 200
    max_removal_share: float = 0.1
    allow_removals: bool = False
    selection: Selection = field(default_factory=Selection)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        allow_removals: bool = False,
        selection: Selection | None = None,
    ) -> LoadOptions:
        values = settings.values
        workspace = Workspace.from_settings(settings)
        return cls(
            mapped_store=workspace.mapped,
            blob_dir=workspace.blobs,
            media_dir=workspace.media,
            batch_size=int(values.get("load.batch_size") or 200),
            max_removal_share=float(values.get("load.max_removal_share") or 0.1),
            allow_removals=allow_removals,
            selection=selection or Selection(),
        )
