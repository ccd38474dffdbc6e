"""``transfer rollback RUN_ID``: undo exactly one load run from its journal.

Entries are undone newest first, in one transaction: rows the run created are deleted,
rows it updated or unpublished get their earlier values back, rows it deleted are inserted
again with their old ids, and the id map returns to what it was. Only the newest load that
wrote anything and is not rolled back yet can be undone (a later run may have built on it):
roll back the later runs first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, and_, func, or_, select, update
from sqlalchemy.exc import DBAPIError

from transfer.database import describe_failure, display_url
from transfer.errors import LoadError
from transfer.loaders import idmap
from transfer.loaders.journal import decode_row
from transfer.loaders.lock import writer_lock
from transfer.loaders.rows import table_of
from transfer.schema.bookkeeping import journal, runs
from transfer.schema.versioning import check_current

_PAGE = 1000


@dataclass(frozen=True)
class RollbackResult:
    run_id: str
    deleted: int
    restored: int
    reinserted: int
    id_map_entries: int


@dataclass(frozen=True)
class RollbackPlan:
    """What rolling back a run would undo (``transfer rollback --plan``): the counts a
    rollback would report, and per KEHA table the rows to delete, restore and re-insert."""

    counts: RollbackResult
    by_table: tuple[tuple[str, str, int], ...]


#: The journal's action, and what a rollback does to such a row.
UNDO = {"created": "delete", "updated": "restore", "deleted": "re-insert"}


def rollback_plan(engine: Engine, run_id: str, *, check: bool = True) -> RollbackPlan:
    """What ``rollback(engine, run_id)`` would undo, writing nothing (no lock taken).
    ``check`` refuses, as the rollback would, a run that is unknown, rolled back or
    followed by a later load; a cutover's plan turns it off for the runs it undoes first."""
    try:
        check_current(engine)
        with engine.connect() as connection:
            if check:
                _check(connection, run_id, display_url(engine.url))
            rows = connection.execute(
                select(journal.c.table_name, journal.c.action, func.count())
                .where(journal.c.run_id == run_id)
                .group_by(journal.c.table_name, journal.c.action)
                .order_by(journal.c.table_name, journal.c.action)
            ).all()
    except DBAPIError as exc:
        raise describe_failure(engine.url, exc) from None
    totals = dict.fromkeys((*UNDO, "idmap"), 0)
    by_table = []
    for table, action, n in rows:
        totals[action] += int(n)
        if action in UNDO:
            by_table.append((table, UNDO[action], int(n)))
    counts = RollbackResult(
        run_id, totals["created"], totals["updated"], totals["deleted"], totals["idmap"]
    )
    return RollbackPlan(counts, tuple(by_table))


def rollback(engine: Engine, run_id: str) -> RollbackResult:
    """Undo load run ``run_id``; raises LoadError when it is unknown, already rolled back
    or followed by a later load that changed the target."""
    try:
        check_current(engine)
        with writer_lock(engine, "rollback"), engine.begin() as connection:
            _check(connection, run_id, display_url(engine.url))
            counts = _undo(connection, run_id)
            connection.execute(
                update(runs)
                .where(runs.c.run_id == run_id)
                .values(state="rolled_back", finished_at=datetime.now(UTC))
            )
    except DBAPIError as exc:
        raise describe_failure(engine.url, exc) from None
    return RollbackResult(run_id, *counts)


def _check(connection: Connection, run_id: str, where: str) -> None:
    row = connection.execute(select(runs).where(runs.c.run_id == run_id)).first()
    if row is None or row.command != "load":
        raise LoadError(
            f"no load run {run_id!r} in this target",
            where=where,
            next_step="`transfer runs` lists the load runs; give a run id from it",
        )
    if row.state == "rolled_back":
        raise LoadError(f"run {run_id} is already rolled back", where=where)
    later = (
        connection.execute(
            select(runs.c.run_id)
            .where(
                runs.c.command == "load",
                runs.c.state != "rolled_back",
                or_(
                    runs.c.started_at > row.started_at,
                    and_(runs.c.started_at == row.started_at, runs.c.run_id > run_id),
                ),
                select(journal.c.id).where(journal.c.run_id == runs.c.run_id).exists(),
            )
            .order_by(runs.c.started_at.desc())
        )
        .scalars()
        .all()
    )
    if later:
        raise LoadError(
            f"run {run_id} was followed by load run(s) that changed the target: "
            + ", ".join(later),
            where=where,
            next_step=f"roll those back first, newest first: `transfer rollback {later[0]}`",
        )


def _undo(connection: Connection, run_id: str) -> tuple[int, int, int, int]:
    deleted = restored = reinserted = entries = 0
    below: int | None = None
    while True:
        query = select(journal).where(journal.c.run_id == run_id)
        if below is not None:
            query = query.where(journal.c.id < below)
        page = connection.execute(query.order_by(journal.c.id.desc()).limit(_PAGE)).all()
        if not page:
            break
        below = page[-1].id
        for entry in page:
            if entry.action == "idmap":
                before = decode_row(entry.before)
                key = (before["source_system"], before["record_key"])
                idmap.forget(connection, key)
                if entry.row_id is not None:
                    idmap.save(connection, [before])
                entries += 1
                continue
            table = table_of(entry.table_name)
            if entry.action == "created":
                connection.execute(table.delete().where(table.c.id == entry.row_id))
                deleted += 1
            elif entry.action == "updated":
                values = decode_row(entry.before)
                connection.execute(table.update().where(table.c.id == entry.row_id).values(values))
                restored += 1
            else:
                connection.execute(table.insert().values(decode_row(entry.before)))
                reinserted += 1
    return deleted, restored, reinserted, entries
