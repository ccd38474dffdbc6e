"""The map stage's output: KEHA rows per source record, kept crash-safe on disk.

The contract between ``transfer map`` and the loaders. One SQLite file,
``<workspace>/mapped/mapped.sqlite``, holds one :class:`MappedRecord` per source record:
its outcome (mapped, skipped with the rule, failed with the message) and the KEHA rows it
became. Every row belongs to exactly one record; rows that come from no single record (the
content item of a translation group, a redirect) belong to the record the map stage names
for them (the group's key page, the redirect's target), so the loader's id map stays per
record. Rows refer to other rows by provenance (:class:`Ref`), never by database id: ids
exist only in the target, and the loader resolves a ``Ref`` through the referenced table's
unique ``(source_system, source_key)``.

Each map run is a *pass*; a record is written with its rows in one transaction, so a killed
run leaves every record either as the last pass wrote it or as this pass did. Records the
current pass did not write are removed when it completes (the source no longer has them).

A row that several records produce (a contact person named on many pages) is *shared*:
before the pass completes it is settled on one owner, the record that owned it after the
last pass if that record still produces it, else the first producer in key order; the
others leave it out. Owners are kept in the store, so a record added beside the owner does
not take the row over and nothing changes for the records already loaded.

Beside each record the store keeps its *notes*: what mapping it found for people to look at
(an unmapped value, an unknown link, a stub), in the order the pass met them. The run's
reports are built from the notes of the whole pass, so a resumed pass reports the records
mapped before the interruption too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from transfer.stores.mapped.rows import (
    EncodedRecord,
    MappedRecord,
    MappedRow,
    Note,
    RecordId,
    SharedKey,
    decode_rows,
    encode_record,
    encode_rows,
    rows_hash,
)
from transfer.stores.passes import PASSES_SCHEMA, PassLedger
from transfer.stores.sqlite import SqliteStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
  source_system TEXT NOT NULL, record_key TEXT NOT NULL, kind TEXT NOT NULL,
  status TEXT NOT NULL, reason TEXT, mapping TEXT, source_hash TEXT, rows_hash TEXT NOT NULL,
  rows TEXT NOT NULL, pass INTEGER NOT NULL, PRIMARY KEY (source_system, record_key));
CREATE INDEX IF NOT EXISTS records_pass ON records (pass);
CREATE TABLE IF NOT EXISTS notes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, source_system TEXT NOT NULL,
  record_key TEXT NOT NULL, pass INTEGER NOT NULL, notes TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS notes_record ON notes (source_system, record_key);
CREATE INDEX IF NOT EXISTS notes_pass ON notes (pass);
CREATE TABLE IF NOT EXISTS coverage (pass INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shared_owners (
  tbl TEXT NOT NULL, row_system TEXT NOT NULL, row_key TEXT NOT NULL,
  source_system TEXT NOT NULL, record_key TEXT NOT NULL,
  PRIMARY KEY (tbl, row_system, row_key));
"""


class MappedStore(SqliteStore):
    """Crash-safe output of the map stage. Use from one thread."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, PASSES_SCHEMA + _SCHEMA)
        self.passes = PassLedger(self.db)

    # passes -------------------------------------------------------------------------
    def begin_pass(self, run_id: str) -> tuple[int, bool]:
        """Resume the newest pass when it is unfinished, else start a new one (the rule of
        :class:`~transfer.stores.passes.PassLedger`); returns the pass id and whether it
        was resumed."""
        return self.passes.begin(run_id)

    def end_pass(self, pass_id: int, *, complete: bool) -> int:
        """Close the pass. A complete pass removes the records it did not write (gone from
        the source) and returns how many; a stopped pass removes nothing."""
        removed = 0
        with self.transaction():
            if complete:
                cursor = self.db.execute("DELETE FROM records WHERE pass != ?", (pass_id,))
                removed = cursor.rowcount
                self.db.execute("DELETE FROM notes WHERE pass != ?", (pass_id,))
                self.db.execute("DELETE FROM coverage WHERE pass != ?", (pass_id,))
            self.passes.end(pass_id, "complete" if complete else "stopped")
        return removed

    def save_coverage(self, pass_id: int, data: Mapping[str, Any]) -> None:
        """Keep the pass's source-field inventory and coverage summary (JSON-ready)."""
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO coverage (pass, data) VALUES (?, ?)",
                (pass_id, json.dumps(data, ensure_ascii=False, sort_keys=True)),
            )

    def coverage(self, pass_id: int | None = None) -> dict[str, Any] | None:
        """The inventory and coverage summary of ``pass_id`` (default: the last complete
        pass), or None when that pass kept none."""
        pass_id = self.last_complete_pass() if pass_id is None else pass_id
        row = self.db.execute("SELECT data FROM coverage WHERE pass = ?", (pass_id,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def last_complete_pass(self) -> int | None:
        return self.passes.last_complete()

    # records ------------------------------------------------------------------------
    def put(self, record: MappedRecord, pass_id: int, notes: Sequence[Note] = ()) -> None:
        """Write ``record`` with its rows and notes, replacing what an earlier pass wrote
        for it (call inside :meth:`transaction`, so the two commit together)."""
        self.put_encoded(encode_record(record), pass_id, encode_notes(notes))

    def put_encoded(self, record: EncodedRecord, pass_id: int, notes: str | None) -> None:
        """:meth:`put` of a record encoded already, its notes by :func:`encode_notes`."""
        self.db.execute(
            "DELETE FROM notes WHERE source_system = ? AND record_key = ?",
            (record.source_system, record.record_key),
        )
        if notes is not None:
            self.db.execute(
                "INSERT INTO notes (source_system, record_key, pass, notes) VALUES (?,?,?,?)",
                (record.source_system, record.record_key, pass_id, notes),
            )
        self.db.execute(
            "INSERT OR REPLACE INTO records (source_system, record_key, kind, status, reason,"
            " mapping, source_hash, rows_hash, rows, pass) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (*record, pass_id),
        )

    def settle_shared(
        self,
        pass_id: int,
        shared_keys: Callable[[MappedRecord], set[SharedKey]],
        *,
        tables: Collection[str] | None = None,
    ) -> int:
        """Give every shared row of pass ``pass_id`` one owner (see the module docstring)
        and remove it from the other records that produced it; returns how many records
        gave rows up. Idempotent, so a pass killed after settling settles again alike.

        ``tables``, when given, says that ``shared_keys`` finds keys only in rows of these
        tables keyed apart from their record (``source_key`` not the record's key): the
        records without such a row are then not read at all."""
        previous = self.shared_owners()
        producers: dict[SharedKey, list[RecordId]] = {}
        candidates = (
            self.records(pass_id=pass_id)
            if tables is None
            else self._keyed_apart(pass_id, sorted(tables))
        )
        for record in candidates:
            for key in shared_keys(record):
                producers.setdefault(key, []).append((record.source_system, record.record_key))
        owners: dict[SharedKey, RecordId] = {}
        gives_up: dict[RecordId, set[SharedKey]] = {}
        for key, records in producers.items():
            kept = previous.get(key)
            owner = kept if kept in records else records[0]
            owners[key] = owner
            for other in records:
                if other != owner:
                    gives_up.setdefault(other, set()).add(key)
        with self.transaction():
            for (system, record_key), keys in gives_up.items():
                held = self.get(system, record_key)
                assert held is not None  # listed above, in this transaction's snapshot
                rows = tuple(row for row in held.rows if _row_key(row) not in keys)
                self.db.execute(
                    "UPDATE records SET rows = ?, rows_hash = ?"
                    " WHERE source_system = ? AND record_key = ?",
                    (encoded := encode_rows(rows), rows_hash(encoded), system, record_key),
                )
            self.db.execute("DELETE FROM shared_owners")
            self.db.executemany(
                "INSERT INTO shared_owners (tbl, row_system, row_key, source_system, record_key)"
                " VALUES (?,?,?,?,?)",
                [(*key, *owner) for key, owner in owners.items()],
            )
        return len(gives_up)

    def _keyed_apart(self, pass_id: int, tables: list[str]) -> Iterator[MappedRecord]:
        """:meth:`records` of ``pass_id`` with a row of ``tables`` whose ``source_key`` is
        not the record's own, in the same order."""
        marks = ",".join("?" * len(tables))
        sql = (
            "SELECT source_system, record_key, kind, status, reason, mapping, source_hash, rows"  # noqa: S608
            " FROM records r WHERE pass = ? AND EXISTS (SELECT 1 FROM json_each(r.rows) j"
            f" WHERE json_extract(j.value, '$.table') IN ({marks})"
            " AND json_extract(j.value, '$.values.source_key') IS NOT r.record_key)"
            " ORDER BY source_system, record_key"
        )
        for row in self.db.execute(sql, (pass_id, *tables)):
            yield _record(row)

    def shared_owners(self) -> dict[SharedKey, RecordId]:
        """The record each shared row was settled on by the last settled pass."""
        return {
            (tbl, system, key): (owner_system, owner_key)
            for tbl, system, key, owner_system, owner_key in self.db.execute(
                "SELECT tbl, row_system, row_key, source_system, record_key FROM shared_owners"
            )
        }

    def skip_reasons(self) -> list[tuple[str, str, str, int]]:
        """(source_system, kind, reason, records) of every skipped record, by rule."""
        rows = self.db.execute(
            "SELECT source_system, kind, coalesce(reason, ''), count(*) FROM records"
            " WHERE status = 'skipped' GROUP BY 1, 2, 3 ORDER BY 1, 2, 4 DESC"
        )
        return [(system, kind, reason, int(n)) for system, kind, reason, n in rows]

    def written_in(self, pass_id: int) -> set[tuple[str, str]]:
        """(source_system, record_key) of the records pass ``pass_id`` wrote (for resuming)."""
        rows = self.db.execute(
            "SELECT source_system, record_key FROM records WHERE pass = ?", (pass_id,)
        )
        return {(system, key) for system, key in rows}

    def notes(self, pass_id: int) -> Iterator[tuple[str, Note]]:
        """(record_key, note) of every record pass ``pass_id`` wrote, in the order the pass
        wrote them (a resumed pass continues where the interrupted one stopped)."""
        rows = self.db.execute(
            "SELECT record_key, notes FROM notes WHERE pass = ? ORDER BY seq", (pass_id,)
        )
        for key, text in rows:
            for note in json.loads(text):
                yield key, tuple(str(part) for part in note)

    def get(self, source_system: str, record_key: str) -> MappedRecord | None:
        row = self.db.execute(
            "SELECT source_system, record_key, kind, status, reason, mapping, source_hash, rows"
            " FROM records WHERE source_system = ? AND record_key = ?",
            (source_system, record_key),
        ).fetchone()
        return None if row is None else _record(row)

    def records(
        self,
        *,
        source_system: str | None = None,
        status: str | None = None,
        pass_id: int | None = None,
    ) -> Iterator[MappedRecord]:
        """Stream records in (source_system, record_key) order, optionally filtered."""
        sql = (
            "SELECT source_system, record_key, kind, status, reason, mapping, source_hash, rows"
            " FROM records WHERE (? IS NULL OR source_system = ?) AND (? IS NULL OR status = ?)"
            " AND (? IS NULL OR pass = ?) ORDER BY source_system, record_key"
        )
        parameters = (source_system, source_system, status, status, pass_id, pass_id)
        for row in self.db.execute(sql, parameters):
            yield _record(row)

    def counts(self) -> dict[tuple[str, str, str], int]:
        """How many records per (source_system, kind, status)."""
        rows = self.db.execute(
            "SELECT source_system, kind, status, count(*) FROM records"
            " GROUP BY source_system, kind, status"
        )
        return {(system, kind, status): int(n) for system, kind, status, n in rows}


def encode_notes(notes: Sequence[Note]) -> str | None:
    """A record's notes as the store keeps them (None: none to keep)."""
    return json.dumps([list(note) for note in notes], ensure_ascii=False) if notes else None


def _row_key(row: MappedRow) -> SharedKey:
    values = row.values
    return (row.table, str(values.get("source_system")), str(values.get("source_key")))


def _record(row: tuple[Any, ...]) -> MappedRecord:
    system, key, kind, status, reason, mapping, source_hash, rows = row
    return MappedRecord(
        source_system=system,
        record_key=key,
        kind=kind,
        status=status,
        rows=decode_rows(rows),
        reason=reason,
        mapping=mapping,
        source_hash=source_hash,
    )


# reading the store in place -------------------------------------------------------------
# Verification ATTACHes the store read-only to its scratch database and reads it there,
# in SQL; these queries are the store's own SQL for that. ``schema`` is its attached name.


def attached_records_sql(schema: str) -> str:
    """(source_system, record_key, kind, status, reason, source_hash) of every record."""
    return (
        f"SELECT source_system, record_key, kind, status, reason, source_hash FROM {schema}.records"  # noqa: S608
    )


def attached_rows_sql(schema: str) -> str:
    """(source_system, record_key, ord, tbl, vals) of every row of every record, in no
    particular order: ``ord`` is the row's place in its record (from 0), so (source_system,
    record_key, ord) orders the rows as the records keep them; ``vals``, the row's values,
    is the row's JSON object as stored (see :func:`~transfer.stores.mapped.rows.encode_value`
    for references and times)."""
    # Not sorted here: sorting every row with its values (72 MB at sandbox scale 10) costs
    # more than a reader that needs the order spends comparing (source_system, record_key,
    # ord) where rows collide (see transfer.verification.scratch.Scratch.index_mapped).
    return (
        "SELECT r.source_system, r.record_key, j.key AS ord,"  # noqa: S608
        " json_extract(j.value, '$.table') AS tbl, json_extract(j.value, '$.values') AS vals"
        f" FROM {schema}.records r, json_each(r.rows) j"
    )
