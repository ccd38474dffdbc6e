"""The id map: per source record, its rows in the target, status and the rows' hash."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Engine, select, tuple_

from transfer.loaders.bulk import insert_many
from transfer.loaders.rows import by_provenance, keyed_select
from transfer.schema.bookkeeping import LIVE_STATUSES, id_map

Key = tuple[str, str]
TargetIds = tuple[tuple[str, int], ...]
_CHUNK = 400


@dataclass(frozen=True)
class IdMapEntry:
    """What the target holds for one source record."""

    source_system: str
    record_key: str
    kind: str
    status: str
    rows_hash: str | None
    #: The record's rows as JSON ``[[table, id], ...]``; parsed only when needed, because
    #: deciding that a record is unchanged must stay cheap.
    targets_json: str
    reason: str | None = None
    mapping: str | None = None
    source_hash: str | None = None
    run_id: str = ""
    changed_at: datetime | None = None

    @property
    def key(self) -> Key:
        return (self.source_system, self.record_key)

    @property
    def live(self) -> bool:
        """The record's rows are in the target and published (a removal would touch them)."""
        return self.has_targets and self.status not in ("unpublished", "deleted")

    @property
    def has_targets(self) -> bool:
        return self.targets_json != "[]"

    @cached_property
    def target_ids(self) -> TargetIds:
        if not self.has_targets:
            return ()
        return tuple((str(table), int(row_id)) for table, row_id in json.loads(self.targets_json))

    @property
    def current(self) -> bool:
        return self.status in LIVE_STATUSES

    def as_row(self, run_id: str, now: datetime) -> dict[str, Any]:
        return {
            "source_system": self.source_system,
            "record_key": self.record_key,
            "kind": self.kind,
            "mapping": self.mapping,
            "status": self.status,
            "rows_hash": self.rows_hash,
            "source_hash": self.source_hash,
            "target_ids": self.targets_json,
            "reason": self.reason,
            "run_id": run_id,
            "changed_at": now,
        }


def snapshot(entry: IdMapEntry | None) -> dict[str, Any] | None:
    """The stored row of an entry read from the id map (for the rollback journal)."""
    if entry is None:
        return None
    return entry.as_row(entry.run_id, entry.changed_at or datetime.now(UTC))


def encode_ids(ids: TargetIds) -> str:
    """The JSON form of target ids, as the id map stores it."""
    return json.dumps([list(pair) for pair in ids])


def entry_from_row(row: Any) -> IdMapEntry:
    return IdMapEntry(
        source_system=row.source_system,
        record_key=row.record_key,
        kind=row.kind,
        status=row.status,
        rows_hash=row.rows_hash,
        targets_json=row.target_ids,
        reason=row.reason,
        mapping=row.mapping,
        source_hash=row.source_hash,
        run_id=row.run_id,
        changed_at=row.changed_at,
    )


def lookup(connection: Connection, keys: Iterable[Key]) -> dict[Key, IdMapEntry]:
    """The id-map entries of ``keys`` (records never seen have none)."""
    found: dict[Key, IdMapEntry] = {}
    statement = keyed_select(connection.dialect.name, id_map, "source_system", "record_key")
    for row in by_provenance(connection, statement, keys):
        entry = entry_from_row(row)
        found[entry.key] = entry
    return found


def unchanged(connection: Connection, entries: Iterable[tuple[Key, str]]) -> set[Key]:
    """Of ``entries`` ((key, rows hash) of mapped records), the keys whose id-map entry is
    current with the same rows hash: those a load leaves alone, as :func:`decide` says,
    unless the entry has no target rows. Only a hint (the media helper's), in one lean
    query per source system."""
    hashes = dict(entries)
    statement = keyed_select(
        connection.dialect.name,
        id_map,
        "source_system",
        "record_key",
        ("source_system", "record_key", "rows_hash", "status"),
    )
    return {
        (row.source_system, row.record_key)
        for row in by_provenance(connection, statement, hashes)
        if row.status in LIVE_STATUSES
        and row.rows_hash == hashes[(row.source_system, row.record_key)]
    }


def owners_of(connection: Connection, table: str, row_id: int) -> list[IdMapEntry]:
    """The entries whose target ids hold row ``row_id`` of ``table`` (a scan of the id map:
    for the rare rows that change hands, never per row of a load)."""
    pair = encode_ids(((table, row_id),))[1:-1]  # '["table", id]', as stored
    rows = connection.execute(
        select(id_map).where(id_map.c.target_ids.contains(pair, autoescape=True))
    )
    found = [entry_from_row(row) for row in rows]
    return [entry for entry in found if (table, row_id) in entry.target_ids]


def live_pages(engine: Engine, size: int) -> Iterator[list[IdMapEntry]]:
    """Entries whose rows are live in the target, in key order, ``size`` at a time (each
    page read in its own short transaction)."""
    after: Key = ("", "")
    pair = tuple_(id_map.c.source_system, id_map.c.record_key)
    while True:
        with engine.connect() as connection:
            rows = connection.execute(
                select(id_map)
                .where(
                    pair > tuple_(*after),
                    id_map.c.status.not_in(("unpublished", "deleted")),
                    id_map.c.target_ids != "[]",
                )
                .order_by(id_map.c.source_system, id_map.c.record_key)
                .limit(size)
            ).all()
        if not rows:
            return
        page = [entry_from_row(row) for row in rows]
        after = page[-1].key
        yield [entry for entry in page if entry.live]


def save(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace id-map entries (rows from :meth:`IdMapEntry.as_row`)."""
    insert_many(connection, id_map, rows, conflict=("source_system", "record_key"))


def forget(connection: Connection, key: Key) -> None:
    connection.execute(
        id_map.delete().where(id_map.c.source_system == key[0], id_map.c.record_key == key[1])
    )
