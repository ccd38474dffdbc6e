"""``transfer reset-status RUN_ID``: a load run left ``running`` by a lost machine.

A run whose process died on this machine needs nothing: the next load marks it
``interrupted`` and continues. One whose machine was lost may leave its database session
open a while, and with it the writer lock; and whoever looks at ``transfer runs`` sees it
running. Resetting takes the writer lock first, the proof that no process of the run is
still writing, and only then marks the run ``interrupted``: what it committed stays (the
next load goes on from there, or ``transfer rollback`` undoes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import DBAPIError

from transfer.database import describe_failure, display_url
from transfer.errors import LoadError
from transfer.loaders.lock import ADVISORY_KEY, writer_lock
from transfer.schema.bookkeeping import runs
from transfer.schema.versioning import check_current


@dataclass(frozen=True)
class ResetResult:
    run_id: str
    started_at: datetime
    state: str = "interrupted"


def reset_status(engine: Engine, run_id: str) -> ResetResult:
    """Mark load run ``run_id``, still ``running`` in the target, ``interrupted``. Raises
    LoadError when the run is unknown or not running, or when the writer lock is held (the
    run's process may still be alive), naming the lock's holder where the database can."""
    where = display_url(engine.url)
    try:
        check_current(engine)
        with engine.connect() as connection:
            row = connection.execute(select(runs).where(runs.c.run_id == run_id)).first()
        if row is None or row.command != "load":
            raise LoadError(
                f"no load run {run_id!r} in this target",
                where=where,
                next_step="`transfer runs` lists the load runs and their states",
            )
        if row.state != "running":
            raise LoadError(f"run {run_id} is {row.state}, not running: nothing to reset")
        try:
            with writer_lock(engine, "reset-status"), engine.begin() as connection:
                connection.execute(
                    update(runs)
                    .where(runs.c.run_id == run_id, runs.c.state == "running")
                    .values(state="interrupted", finished_at=datetime.now(UTC))
                )
        except LoadError:
            raise LoadError(
                f"run {run_id} may still be alive: the target's writer lock is held"
                + _holder(engine),
                where=where,
                next_step="if it is running, let it finish; if its machine is really gone, "
                "end its database session (PostgreSQL: `SELECT pg_terminate_backend(PID)` "
                "as the target's owner; the lock goes with the session) and run this again",
            ) from None
    except DBAPIError as exc:
        raise describe_failure(engine.url, exc) from None
    return ResetResult(run_id, row.started_at)


def _holder(engine: Engine) -> str:
    """Who holds the writer lock, as far as the database tells (PostgreSQL only)."""
    if engine.dialect.name != "postgresql":
        return " (by another process on this machine)"
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT a.pid, a.client_addr, a.backend_start FROM pg_locks l"
                " JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted"
                " AND l.classid = :key AND l.objid = hashtext(current_schema())::oid"
            ),
            {"key": ADVISORY_KEY},
        ).first()
    if found is None:
        return ""
    return (
        f" (by PostgreSQL session PID {found.pid} from {found.client_addr or 'a local socket'}, "
        f"connected {found.backend_start:%Y-%m-%d %H:%M:%S %Z})"
    )
