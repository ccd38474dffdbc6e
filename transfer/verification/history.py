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


#: Severities that make a problem open: info (what changed) is not a problem to fix.
_OPEN = frozenset({"error", "warning", "accepted"})
#: Examples kept per list of the "since last run" section.
SINCE_EXAMPLES = 20


def _open_problems(run_dir: Path) -> set[tuple[str, str, str]]:
    """(check, kind, key) of every open problem in a run's ``problems-<check>.csv``.

    Held as a set: a dry run has thousands of problems at most (the records themselves
    are never held), and the comparison needs both sides."""
    found: set[tuple[str, str, str]] = set()
    for path in sorted(run_dir.glob("problems-*.csv")):
        with path.open(encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                if row.get("severity") in _OPEN:
                    found.add((row["check"], row["kind"], row["key"]))
    return found


def since_last(previous_dir: Path | None, current_dir: Path) -> dict[str, Any]:
    """Problems new, fixed (gone) and still open since the previous run, with counts and
    the first examples of each; empty when there is no previous run."""
    if previous_dir is None or not previous_dir.is_dir():
        return {}
    old, new = _open_problems(previous_dir), _open_problems(current_dir)
    lists = {"new": new - old, "fixed": old - new, "still_open": new & old}
    result: dict[str, Any] = {"previous_run": previous_dir.name}
    for name, items in lists.items():
        result[name] = len(items)
        result[f"{name}_examples"] = [
            {"check": check, "kind": kind, "key": key}
            for check, kind, key in sorted(items)[:SINCE_EXAMPLES]
        ]
    return result


def run_index(logs_dir: Path) -> list[dict[str, Any]]:
    """Every verification run under ``logs_dir``, oldest first: run id, when, verdict,
    source and loaded records, errors, warnings and accepted problems, and the files to
    link to (report languages, problem CSV files); cutover sign-off summaries too."""
    runs: list[dict[str, Any]] = []
    for run_dir in sorted(path for path in logs_dir.iterdir() if path.is_dir()):
        summary = run_dir / "summary.html"
        if summary.is_file():
            runs.append({"run_id": run_dir.name, "kind": "cutover", "summary": summary.name})
        report = load_previous(run_dir / "report.json")
        if not report:
            continue
        checks = [c for c in report.get("checks", []) if isinstance(c, dict)]
        inventory = [row for row in report.get("inventory", []) if isinstance(row, dict)]
        runs.append(
            {
                "run_id": run_dir.name,
                "kind": "verification",
                "generated_at": report.get("generated_at", ""),
                "environment": report.get("environment", ""),
                "verdict": (report.get("verdict") or {}).get("decision", ""),
                "source": sum(int(row.get("source", 0)) for row in inventory),
                "loaded": sum(int(row.get("target", 0)) for row in inventory),
                "errors": sum(int(c.get("errors", 0)) for c in checks),
                "warnings": sum(int(c.get("warnings", 0)) for c in checks),
                "accepted": sum(int(c.get("accepted", 0)) for c in checks),
                "reports": sorted(path.name for path in run_dir.glob("report*.html")),
                "csv": sorted(path.name for path in run_dir.glob("*.csv")),
            }
        )
    return runs
