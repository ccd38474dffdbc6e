"""Reading the mapped store without writing it: what the loaders page through.

Read-only and in key order, a page at a time (keyset pagination), so memory stays bounded;
rows stay undecoded JSON (:class:`SourceEntry`) until a reader asks for them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transfer.stores.mapped.rows import MappedRecord, decode_rows
from transfer.stores.passes import PassLedger

#: A record of the mapped store: (source_system, record_key).
Key = tuple[str, str]
_COLUMNS = "source_system, record_key, kind, status, reason, mapping, source_hash, rows_hash, rows"
#: Keys looked up per query by :meth:`MappedReader.get_many` and ``statuses``.
_KEYS_PER_QUERY = 400


@dataclass(frozen=True)
class SourceEntry:
    """One record of the mapped store as a reader first sees it: rows not yet decoded."""

    source_system: str
    record_key: str
    kind: str
    status: str
    reason: str | None
    mapping: str | None
    source_hash: str | None
    rows_hash: str
    rows_json: str

    @property
    def key(self) -> Key:
        return (self.source_system, self.record_key)

    def record(self) -> MappedRecord:
        return MappedRecord(
            source_system=self.source_system,
            record_key=self.record_key,
            kind=self.kind,
            status=self.status,
            rows=decode_rows(self.rows_json),
            reason=self.reason,
            mapping=self.mapping,
            source_hash=self.source_hash,
        )


class MappedReader:
    """The mapped store at ``path`` (which must exist), opened read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)

    def close(self) -> None:
        self.db.close()

    def last_pass_state(self) -> str | None:
        """The state of the newest map pass (None when none began)."""
        return PassLedger(self.db).last_state()

    def pages(
        self, size: int, kinds: Iterable[tuple[str, str]] | None = None
    ) -> Iterator[list[SourceEntry]]:
        """Every record (of ``kinds``, pairs of source system and kind, when given) in
        (source_system, record_key) order, ``size`` at a time."""
        for rows in self._pages(_COLUMNS, size, kinds):
            yield [SourceEntry(*row) for row in rows]

    def hash_pages(
        self, size: int, kinds: Iterable[tuple[str, str]] | None = None
    ) -> Iterator[list[tuple[Key, str, str]]]:
        """As :meth:`pages`, each record as its key, status and rows hash alone (its rows
        are not read)."""
        for rows in self._pages("source_system, record_key, status, rows_hash", size, kinds):
            yield [((system, key), status, digest) for system, key, status, digest in rows]

    def _pages(
        self, columns: str, size: int, kinds: Iterable[tuple[str, str]] | None
    ) -> Iterator[list[tuple[Any, ...]]]:
        """``columns`` (the first two: the key) of the records of :meth:`pages`."""
        after: Key = ("", "")
        chosen = sorted(set(kinds)) if kinds is not None else None
        only = ""
        if chosen is not None:
            # The unary + keeps SQLite from seeking on this list's source_system (and then
            # scanning the whole system for the keys after ``after``, each page: quadratic
            # in the records): the key range below is the index search.
            only = (
                " AND (+source_system, +kind) IN (VALUES " + ",".join("(?,?)" for _ in chosen) + ")"
            )
        extra = [part for pair in chosen or () for part in pair]
        while True:
            rows = self.db.execute(
                f"SELECT {columns} FROM records WHERE (source_system, record_key) > (?, ?)"  # noqa: S608
                f"{only} ORDER BY source_system, record_key LIMIT ?",
                (*after, *extra, size),
            ).fetchall()
            if not rows:
                return
            after = (rows[-1][0], rows[-1][1])
            yield rows

    def get_many(self, keys: Iterable[Key]) -> dict[Key, SourceEntry]:
        """The entries of ``keys`` that the store holds (looked up on its key)."""
        return {entry.key: entry for entry in self.entries(keys)}

    def entries(self, keys: Iterable[Key]) -> Iterator[SourceEntry]:
        """The entries of ``keys`` that the store holds, in the order of ``keys``."""
        return (SourceEntry(*row) for row in self._by_keys(_COLUMNS, keys))

    def statuses(self, keys: Iterable[Key]) -> dict[Key, str]:
        """The map status of those ``keys`` the store holds (for finding removed records)."""
        return {
            (system, key): status
            for system, key, status in self._by_keys("source_system, record_key, status", keys)
        }

    def _by_keys(self, columns: str, keys: Iterable[Key]) -> Iterator[tuple[Any, ...]]:
        """``columns`` of the records of ``keys``, a few hundred keys a query: the keys as
        bound VALUES rows (``column1``, ``column2``), each looked up on the store's key
        (CROSS JOIN: SQLite walks the keys, never the records)."""
        listed = list(keys)
        for start in range(0, len(listed), _KEYS_PER_QUERY):
            chunk = listed[start : start + _KEYS_PER_QUERY]
            yield from self.db.execute(
                f"SELECT {columns} FROM (VALUES {','.join('(?,?)' for _ in chunk)}) v"  # noqa: S608
                " CROSS JOIN records ON source_system = v.column1 AND record_key = v.column2",
                [part for key in chunk for part in key],
            )

    def tables_by_kind(self, sample: int = 20) -> dict[tuple[str, str], set[str]]:
        """The tables the first ``sample`` mapped records of each (source system, kind)
        write: enough to order the kinds so that referenced rows load first."""
        found: dict[tuple[str, str], set[str]] = {}
        for system, kind in self.counts():
            tables: set[str] = set()
            for (rows,) in self.db.execute(
                "SELECT rows FROM records WHERE source_system = ? AND kind = ?"
                " AND status = 'mapped' LIMIT ?",
                (system, kind, sample),
            ):
                tables.update(row.table for row in decode_rows(rows))
            found[(system, kind)] = tables
        return found

    def counts(self) -> dict[tuple[str, str], int]:
        """How many records per (source_system, kind)."""
        rows = self.db.execute(
            "SELECT source_system, kind, count(*) FROM records GROUP BY source_system, kind"
        )
        return {(system, kind): int(n) for system, kind, n in rows}
