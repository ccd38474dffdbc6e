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

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transfer.sqlitestore import SqliteStore

STATUSES = ("mapped", "skipped", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS passes (
  id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
  state TEXT NOT NULL);
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

#: A row shared by several records, by provenance: (table, source_system, source_key).
SharedKey = tuple[str, str, str]
#: A record: (source_system, record_key).
RecordId = tuple[str, str]

#: One note: its kind (``unmapped``, ``unknown_link``, ``stub``) followed by its strings.
Note = tuple[str, ...]


@dataclass(frozen=True, order=True)
class Ref:
    """Another KEHA row, named by its provenance; the loader turns it into that row's id."""

    table: str
    source_system: str
    source_key: str


@dataclass(frozen=True)
class MappedRow:
    """One KEHA row: the target table and its column values (``source_system`` and
    ``source_key`` included; values are JSON values, :class:`Ref` or ``datetime``)."""

    table: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class MappedRecord:
    """What one source record became.

    ``status`` is ``mapped`` (``rows`` holds its rows, possibly none), ``skipped`` (``reason``
    names the rule) or ``failed`` (``reason`` holds the message). ``mapping`` names the
    mapping file(s) used; ``source_hash`` is the source record's hash.
    """

    source_system: str
    record_key: str
    kind: str
    status: str
    rows: tuple[MappedRow, ...] = ()
    reason: str | None = None
    mapping: str | None = None
    source_hash: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")

    @property
    def rows_hash(self) -> str:
        """sha256 of the rows (what a loader compares to decide whether to write again)."""
        return hashlib.sha256(encode_rows(self.rows).encode("utf-8")).hexdigest()


def encode_value(value: Any) -> Any:
    """The JSON form of a row value: ``Ref`` and ``datetime`` become tagged objects."""
    if isinstance(value, Ref):
        return {"$ref": [value.table, value.source_system, value.source_key]}
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the map stage writes UTC times")
        return {"$datetime": value.astimezone(UTC).isoformat()}
    if isinstance(value, list | tuple):
        return [encode_value(item) for item in value]
    if isinstance(value, dict):
        return {str(k): encode_value(v) for k, v in value.items()}
    return value


def decode_value(value: Any) -> Any:
    """The inverse of :func:`encode_value`."""
    if isinstance(value, dict):
        if set(value) == {"$ref"}:
            table, system, key = value["$ref"]
            return Ref(table, system, key)
        if set(value) == {"$datetime"}:
            return datetime.fromisoformat(value["$datetime"])
        return {k: decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    return value


def encode_rows(rows: tuple[MappedRow, ...]) -> str:
    """Canonical JSON of rows (sorted keys, no spaces): stable across runs and machines."""
    payload = [{"table": row.table, "values": encode_value(dict(row.values))} for row in rows]
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def decode_rows(text: str) -> tuple[MappedRow, ...]:
    return tuple(
        MappedRow(item["table"], decode_value(item["values"])) for item in json.loads(text)
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class MappedStore(SqliteStore):
    """Crash-safe output of the map stage. Use from one thread."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    # passes -------------------------------------------------------------------------
    def begin_pass(self, run_id: str) -> tuple[int, bool]:
        """Resume the unfinished pass if there is one, else start a new one; returns the
        pass id and whether it was resumed."""
        row = self.db.execute(
            "SELECT id FROM passes WHERE state = 'running' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is not None:
            return int(row[0]), True
        cursor = self.db.execute(
            "INSERT INTO passes (run_id, started_at, state) VALUES (?, ?, 'running')",
            (run_id, _now()),
        )
        return int(cursor.lastrowid or 0), False

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
            self.db.execute(
                "UPDATE passes SET state = ?, finished_at = ? WHERE id = ?",
                ("complete" if complete else "stopped", _now(), pass_id),
            )
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
        row = self.db.execute("SELECT max(id) FROM passes WHERE state = 'complete'").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    # records ------------------------------------------------------------------------
    def put(self, record: MappedRecord, pass_id: int, notes: Sequence[Note] = ()) -> None:
        """Write ``record`` with its rows and notes, replacing what an earlier pass wrote
        for it (call inside :meth:`transaction`, so the two commit together)."""
        self.db.execute(
            "DELETE FROM notes WHERE source_system = ? AND record_key = ?",
            (record.source_system, record.record_key),
        )
        if notes:
            self.db.execute(
                "INSERT INTO notes (source_system, record_key, pass, notes) VALUES (?,?,?,?)",
                (
                    record.source_system,
                    record.record_key,
                    pass_id,
                    json.dumps([list(note) for note in notes], ensure_ascii=False),
                ),
            )
        self.db.execute(
            "INSERT OR REPLACE INTO records (source_system, record_key, kind, status, reason,"
            " mapping, source_hash, rows_hash, rows, pass) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                record.source_system,
                record.record_key,
                record.kind,
                record.status,
                record.reason,
                record.mapping,
                record.source_hash,
                record.rows_hash,
                encode_rows(record.rows),
                pass_id,
            ),
        )

    def settle_shared(
        self, pass_id: int, shared_keys: Callable[[MappedRecord], set[SharedKey]]
    ) -> int:
        """Give every shared row of pass ``pass_id`` one owner (see the module docstring)
        and remove it from the other records that produced it; returns how many records
        gave rows up. Idempotent, so a pass killed after settling settles again alike."""
        previous = self.shared_owners()
        producers: dict[SharedKey, list[RecordId]] = {}
        for record in self.records(pass_id=pass_id):
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
                    (encode_rows(rows), replace(held, rows=rows).rows_hash, system, record_key),
                )
            self.db.execute("DELETE FROM shared_owners")
            self.db.executemany(
                "INSERT INTO shared_owners (tbl, row_system, row_key, source_system, record_key)"
                " VALUES (?,?,?,?,?)",
                [(*key, *owner) for key, owner in owners.items()],
            )
        return len(gives_up)

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
