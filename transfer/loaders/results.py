"""What a load (or plan) did: counts per action and migration, removals, the plan file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transfer.stats import StageStats


@dataclass
class LoadStats(StageStats):
    """Counts of a load (or plan) so far: per action, and per migration and action."""

    seen: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    by_migration: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    #: Media files the media store's helper placed ahead of the load (see
    #: transfer.loaders.media); the load checked each by its hash as it wrote its record.
    media_placed_ahead: int = 0

    def count(self, entry_system: str, kind: str, action: str) -> None:
        self.actions[action] += 1
        self.by_migration[(entry_system, kind, action)] += 1

    def describe(self) -> str:
        shown = ", ".join(f"{action} {n}" for action, n in sorted(self.actions.items()))
        return f"{self.seen} records: {shown}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "actions": dict(sorted(self.actions.items())),
            "migrations": [
                {"source_system": s, "kind": k, "action": a, "records": n}
                for (s, k, a), n in sorted(self.by_migration.items())
            ],
        }


@dataclass(frozen=True)
class LoadResult:
    """What a load or plan did (or would do)."""

    run_id: str
    plan: bool
    stats: LoadStats
    live_before: int
    removals: int
    safety_stop: bool
    plan_path: Path | None = None

    @property
    def removal_share(self) -> float:
        return self.removals / self.live_before if self.live_before else 0.0


Progress = Callable[[LoadStats], None]
