"""Change since the previous dry run, and the trend across dry runs.

The previous run is the newest other ``logs/<run_id>/report.json``; its ``inventory.csv``
(every source record with its outcome and hash) is compared with this run's, both sorted
by (source system, key), in one streaming merge.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from transfer.verification.collect import CheckCollector

TREND_LENGTH = 30


def previous_report(logs_dir: Path, run_id: str) -> Path | None:
    """The newest ``report.json`` of another run under ``logs_dir`` (run ids sort by time)."""
    candidates = sorted(
        (path for path in logs_dir.glob("*/report.json") if path.parent.name != run_id),
        key=lambda path: path.parent.name,
    )
    return candidates[-1] if candidates else None


def load_previous(path: Path | None) -> dict[str, Any]:
    """The previous report's content, or an empty report when unreadable or absent."""
    if path is None:
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


#: Outcomes that are the same for the change check: a record loaded by one run and left
#: alone by the next has not changed.
_SAME_OUTCOME = {"unchanged": "loaded"}


def _rows(path: Path) -> Iterator[tuple[str, str, str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            outcome = _SAME_OUTCOME.get(row["outcome"], row["outcome"])
            yield row["source_system"], row["key"], outcome, row["hash"]


def check_changes(check: CheckCollector, current: Path, previous: Path | None) -> None:
    """List records new, changed (source hash or outcome) and removed since ``previous``."""
    if previous is None or not previous.is_file():
        check.count("no_previous_run")
        return
    old_rows, new_rows = _rows(previous), _rows(current)
    old, new = next(old_rows, None), next(new_rows, None)
    while old is not None or new is not None:
        if new is not None and (old is None or new[:2] < old[:2]):
            check.problem("new", f"{new[0]}:{new[1]}", "new since the previous run", info=True)
            new = next(new_rows, None)
        elif old is not None and (new is None or old[:2] < new[:2]):
            check.problem("removed", f"{old[0]}:{old[1]}", "gone since the previous run", info=True)
            old = next(old_rows, None)
        else:
            assert old is not None and new is not None
            if old[2:] != new[2:]:
                check.problem(
                    "changed",
                    f"{new[0]}:{new[1]}",
                    "changed since the previous run",
                    info=True,
                    previous_outcome=old[2],
                    outcome=new[2],
                    source_changed=old[3] != new[3],
                )
            else:
                check.count("same")
            old, new = next(old_rows, None), next(new_rows, None)


def trend(previous: Mapping[str, Any], point: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    """The previous report's trend with this run's point appended (the last 30 runs)."""
    points = [dict(p) for p in previous.get("trend", []) if isinstance(p, dict)]
    points.append(dict(point))
    return tuple(points[-TREND_LENGTH:])
