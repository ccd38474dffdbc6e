"""A batch's rows, table by table: references resolved, upserts and child inserts.

Tables are written in dependency order. One-record-one-row tables are upserted by
provenance (rows that refer to rows of the same table wait for them); child tables are
inserted. Every created id and every earlier row goes to the journal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, Table, insert

from transfer.loaders.decide import Decision
from transfer.loaders.idmap import IdMapEntry
from transfer.loaders.journal import LoadJournal
from transfer.loaders.rows import (
    UNIQUE_TABLES,
    complete,
    ids_by_provenance,
    provenance,
    refs_in,
    rows_by_provenance,
    table_of,
    upsert,
)
from transfer.stores.mapped import MappedRow, Ref, SourceEntry


class RecordProblem(Exception):
    """A record cannot be written as mapped; the message says why."""


@dataclass(eq=False)
class Work:
    """A record on its way through a batch (compared by identity)."""

    entry: SourceEntry
    known: IdMapEntry | None
    decision: Decision
    rows: tuple[MappedRow, ...] = ()
    #: Per row, its references (column, Ref): found once, asked for in every round.
    refs: tuple[tuple[tuple[str, Ref], ...], ...] = ()
    #: Whether ``rows`` are read, checked and their media placed (once per load: a
    #: deferred record keeps them for the next round).
    prepared: bool = False

    @property
    def action(self) -> str:
        return self.decision.action

    def set_rows(
        self, rows: tuple[MappedRow, ...], refs: tuple[tuple[tuple[str, Ref], ...], ...]
    ) -> None:
        self.rows, self.refs, self.prepared = rows, refs, True


def resolve(connection: Connection, writes: list[Work], ids: dict[Ref, int]) -> dict[Work, str]:
    """Fill ``ids`` with the target ids of every reference the batch makes; return the
    works whose references lead nowhere (neither in the target nor written by this batch)."""
    wanted: dict[str, set[tuple[str, str]]] = defaultdict(set)
    produced: dict[Ref, Work] = {}
    for work in writes:
        for row, refs in zip(work.rows, work.refs, strict=True):
            if row.table in UNIQUE_TABLES:
                produced[Ref(row.table, *provenance(row.values))] = work
            for _, ref in refs:
                wanted[ref.table].add((ref.source_system, ref.source_key))
    for name, keys in wanted.items():
        for key, row_id in ids_by_provenance(connection, table_of(name), keys).items():
            ids[Ref(name, *key)] = row_id
    deferred: dict[Work, str] = {}
    changed = True
    while changed:
        changed = False
        for work in writes:
            if work in deferred:
                continue
            missing = _missing_ref(work, ids, produced, deferred)
            if missing is not None:
                deferred[work] = missing
                changed = True
    return deferred


def _missing_ref(
    work: Work, ids: dict[Ref, int], produced: dict[Ref, Work], deferred: dict[Work, str]
) -> str | None:
    for row, refs in zip(work.rows, work.refs, strict=True):
        for column, ref in refs:
            if ref in ids:
                continue
            owner = produced.get(ref)
            if owner is not None and owner not in deferred:
                continue
            return (
                f"{row.table}.{column} refers to {ref.table} row "
                f"{ref.source_system}:{ref.source_key}, which is not in the target"
            )
    return None


def upsert_rows(
    connection: Connection,
    log: LoadJournal,
    table: Table,
    items: list[tuple[Work, MappedRow]],
    ids: dict[Ref, int],
    targets: dict[Work, list[tuple[str, int]]],
) -> None:
    existing = rows_by_provenance(connection, table, [provenance(r.values) for _, r in items])
    for before in existing.values():
        log.updated(table.name, before)
    pending = list(items)
    refs = {id(item): [ref for _, ref in refs_in(item[1].values)] for item in items}
    # Rows may refer to rows of the same table (a parent organisation, a replied-to post):
    # write those whose references are known, then the rows that refer to them.
    while pending:
        ready = [item for item in pending if all(ref in ids for ref in refs[id(item)])]
        if not ready:
            raise RecordProblem(f"{table.name} rows refer to each other in a cycle")
        found = upsert(connection, table, [complete(table, row.values, ids) for _, row in ready])
        keys = [provenance(row.values) for _, row in ready]
        for (work, _), key in zip(ready, keys, strict=True):
            row_id = found[key]
            ids[Ref(table.name, *key)] = row_id
            targets[work].append((table.name, row_id))
            if key not in existing:
                log.created(table.name, row_id)
        chosen = {id(item) for item in ready}
        pending = [item for item in pending if id(item) not in chosen]


def insert_rows(
    connection: Connection,
    log: LoadJournal,
    table: Table,
    items: list[tuple[Work, MappedRow]],
    ids: dict[Ref, int],
    targets: dict[Work, list[tuple[str, int]]],
) -> None:
    rows = [complete(table, row.values, ids) for _, row in items]
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    new_ids = connection.execute(statement, rows).scalars().all()
    for (work, _), row_id in zip(items, new_ids, strict=True):
        targets[work].append((table.name, int(row_id)))
        log.created(table.name, int(row_id))
