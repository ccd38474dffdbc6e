"""``transfer runs``: every load run this target has seen, newest first.

The target's ``load_runs`` table is the record (a run's folder may be on another machine);
the run folder under ``logs/`` adds the report's path when this machine has it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Row, Select, select
from sqlalchemy.exc import DBAPIError

from transfer.database import describe_failure
from transfer.schema.bookkeeping import runs
from transfer.schema.versioning import check_current

#: The report a load run writes into its folder.
SUMMARY = "load-summary.json"


@dataclass(frozen=True)
class LoadRun:
    """One row of ``load_runs``: its state, counts per action and the options it took
    (``idlist``, ``limit``, ``update``); ``report`` is its summary file when this machine
    has the run's folder."""

    run_id: str
    command: str
    state: str
    started_at: str
    finished_at: str | None
    counts: dict[str, int] = field(default_factory=dict)
    selection: dict[str, Any] = field(default_factory=dict)
    allow_removals: bool = False
    report: str | None = None


def read_bookkeeping(engine: Engine, query: Select[Any]) -> Sequence[Row[Any]]:
    """The rows of a query on the target's bookkeeping tables, once the schema is current;
    a database failure becomes the project's error."""
    try:
        check_current(engine)
        with engine.connect() as connection:
            return connection.execute(query).all()
    except DBAPIError as exc:
        raise describe_failure(engine.url, exc) from None


def load_runs(engine: Engine, logs_dir: Path, *, limit: int | None = None) -> list[LoadRun]:
    """The target's load runs, newest first (at most ``limit``)."""
    query = select(runs).order_by(runs.c.started_at.desc(), runs.c.run_id.desc())
    if limit is not None:
        query = query.limit(limit)
    rows = read_bookkeeping(engine, query)
    found = []
    for row in rows:
        stats = json.loads(row.stats or "{}")
        summary = logs_dir / row.run_id / SUMMARY
        found.append(
            LoadRun(
                run_id=row.run_id,
                command=row.command,
                state=row.state,
                started_at=row.started_at.isoformat(timespec="seconds"),
                finished_at=(
                    row.finished_at.isoformat(timespec="seconds") if row.finished_at else None
                ),
                counts=dict(stats.get("actions", {})),
                selection=dict(stats.get("selection", {})),
                allow_removals=bool(row.allow_removals),
                report=str(summary) if summary.is_file() else None,
            )
        )
    return found
