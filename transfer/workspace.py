"""Where every store of a workspace lives: the one module that knows the workspace's layout.

```
<workspace>/
  staging/<source>.sqlite      staging store per source (transfer.stores.staging)
  blobs/                       raw bodies and attachments by sha256 (transfer.stores.blobs)
  mapped/mapped.sqlite         the map stage's output (transfer.stores.mapped)
  media/                       the target's media store, unless load.media_dir names one
  cutover/                     cutover runs' state files and the freeze-check baseline
  target.db                    the default SQLite target, when target.url is empty
```

Run folders are not here: they live under ``logs_dir`` (``logs/<run_id>/``), which is not
inside the workspace. A stage builds its :class:`Workspace` once at its door
(:meth:`Workspace.from_settings`) and passes it, or the paths it needs, down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

STAGING_SUFFIX = ".sqlite"


class _Configured(Protocol):
    """What :meth:`Workspace.from_settings` reads of :class:`transfer.config.Settings`."""

    @property
    def workspace(self) -> Path: ...

    @property
    def values(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Workspace:
    """Every path of one workspace (a value: build it with :meth:`at` or
    :meth:`from_settings`)."""

    root: Path
    staging_dir: Path
    blobs: Path
    mapped: Path
    media: Path
    cutover: Path
    target_db: Path

    @classmethod
    def at(cls, root: Path, *, media: Path | None = None) -> Workspace:
        """The workspace under ``root``; ``media`` replaces ``<root>/media`` when given."""
        return cls(
            root=root,
            staging_dir=root / "staging",
            blobs=root / "blobs",
            mapped=root / "mapped" / "mapped.sqlite",
            media=media if media is not None else root / "media",
            cutover=root / "cutover",
            target_db=root / "target.db",
        )

    @classmethod
    def from_settings(cls, settings: _Configured) -> Workspace:
        """The configured workspace (``workspace``), its media store ``load.media_dir``
        when set."""
        configured = str(settings.values.get("load.media_dir") or "")
        return cls.at(settings.workspace, media=Path(configured) if configured else None)

    def staging(self, source: str) -> Path:
        """The staging store of ``source`` (``online_service``, ``partnership``, ...)."""
        return self.staging_dir / f"{source}{STAGING_SUFFIX}"

    def staged_sources(self) -> dict[str, Path]:
        """The staging stores that exist, by source, in source order."""
        return staged_sources(self.staging_dir)

    def cutover_state(self, runbook: str, mode: str) -> Path:
        """The state file of ``runbook``'s cutover run in ``mode``."""
        return self.cutover / f"{runbook}.{mode}.json"

    @property
    def freeze_baseline(self) -> Path:
        """The freeze check's baseline, kept until a freeze check ends whole."""
        return self.cutover / "freeze-baseline.json"

    @property
    def default_target_url(self) -> str:
        """The SQLAlchemy URL of the default target: SQLite in the workspace."""
        return f"sqlite:///{self.target_db}"


def staged_sources(staging_dir: Path) -> dict[str, Path]:
    """The staging stores in ``staging_dir``, by source, in source order."""
    return {path.stem: path for path in sorted(staging_dir.glob(f"*{STAGING_SUFFIX}"))}
