"""The verification's scratch database: what the checks look up, kept on disk.

The mapped rows, the staging stores' records, aliases and failures, and the target's paths
and redirects are copied into one temporary SQLite file with the indexes the checks need,
so that lookups are indexed and memory stays bounded as the source grows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from transfer.records import WARNINGS_FIELD
from transfer.schema import metadata
from transfer.stores.mapped import MappedStore
from transfer.stores.staging import StagingStore
from transfer.verification.target import normalise, pair_columns, pair_key

_SCHEMA = """
CREATE TABLE mrec (system TEXT, key TEXT, kind TEXT, status TEXT, reason TEXT,
  source_hash TEXT, nrows INTEGER, PRIMARY KEY (system, key));
CREATE TABLE mrow (tbl TEXT, system TEXT, key TEXT, pair TEXT, rec_system TEXT,
  rec_key TEXT, vals TEXT, own INTEGER, seen INTEGER DEFAULT 0,
  PRIMARY KEY (tbl, system, key, pair));
CREATE INDEX mrow_rec ON mrow (rec_system, rec_key);
CREATE TABLE src (system TEXT, key TEXT, kind TEXT, language TEXT, url TEXT, state TEXT,
  translations TEXT, links TEXT, PRIMARY KEY (system, key));
CREATE INDEX src_url ON src (url);
-- Translation links name pages by key or URL, without the source system.
CREATE INDEX src_key ON src (key);
CREATE TABLE alias (system TEXT, alias TEXT PRIMARY KEY, target TEXT, reason TEXT,
  status INTEGER);
-- What extraction reported about a record (fields._warnings): charset, control-chars, ...
CREATE TABLE srcwarn (system TEXT, key TEXT, code TEXT, detail TEXT);
CREATE TABLE failure (system TEXT, url TEXT PRIMARY KEY, reason TEXT, status INTEGER);
CREATE TABLE path (path TEXT PRIMARY KEY, what TEXT, key TEXT);
CREATE TABLE redirect (host TEXT, path TEXT, new_path TEXT, PRIMARY KEY (host, path));
CREATE TABLE tr (key TEXT PRIMARY KEY, item TEXT, language TEXT);
-- The loader's id map (load_id_map), when the target has one; loaded_now: the entry was
-- written by the latest load run (else that run found the record unchanged).
CREATE TABLE idmap (system TEXT, key TEXT, status TEXT, reason TEXT, loaded_now INTEGER,
  PRIMARY KEY (system, key));
"""

BATCH = 2000


class Scratch:
    """A temporary SQLite database for one verification (deleted by :meth:`close`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        # A small page cache, sorts and temporary indexes in files, no memory mapping: the
        # point is bounded memory, not speed at any price.
        self.db.execute("PRAGMA cache_size=-16000")
        self.db.execute("PRAGMA temp_store=FILE")
        self.db.execute("PRAGMA mmap_size=0")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)

    def many(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Insert ``rows`` in batches, each batch in one transaction."""
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self._write(sql, batch)
                batch = []
        if batch:
            self._write(sql, batch)

    def _write(self, sql: str, batch: list[tuple[Any, ...]]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany(sql, batch)
        self.db.execute("COMMIT")

    def scalar(self, sql: str, *params: Any) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # loading ------------------------------------------------------------------------
    def load_mapped(self, store: MappedStore) -> None:
        """Copy the mapped records and their rows (values normalised for comparison)."""
        tables = metadata.tables

        def records() -> Iterable[tuple[Any, ...]]:
            for record in store.records():
                yield (
                    "r",
                    record.source_system,
                    record.record_key,
                    record.kind,
                    record.status,
                    record.reason,
                    record.source_hash,
                    len(record.rows),
                )
                for row in record.rows:
                    values = {name: normalise(value) for name, value in row.values.items()}
                    table = tables.get(row.table)
                    pair = pair_key(table, values) if table is not None else ""
                    # The record's own rows: one-row-per-record tables under its own key.
                    own = table is not None and not pair_columns(table)
                    own = own and values.get("source_key") == record.record_key
                    yield (
                        "w",
                        row.table,
                        str(values.get("source_system")),
                        str(values.get("source_key")),
                        pair,
                        record.source_system,
                        record.record_key,
                        json.dumps(values, ensure_ascii=False, sort_keys=True),
                        int(own),
                    )

        rec_sql = "INSERT OR REPLACE INTO mrec VALUES (?,?,?,?,?,?,?)"
        # A row several records name (a contact person on many pages) is kept once.
        row_sql = "INSERT OR IGNORE INTO mrow (tbl, system, key, pair, rec_system, rec_key, vals,"
        row_sql += " own) VALUES (?,?,?,?,?,?,?,?)"
        batch: list[tuple[Any, ...]] = []
        for item in records():
            batch.append(item)
            if len(batch) >= BATCH:
                self._split(batch, rec_sql, row_sql)
                batch = []
        self._split(batch, rec_sql, row_sql)

    def _split(self, batch: list[tuple[Any, ...]], rec_sql: str, row_sql: str) -> None:
        self.db.execute("BEGIN")
        self.db.executemany(rec_sql, [item[1:] for item in batch if item[0] == "r"])
        self.db.executemany(row_sql, [item[1:] for item in batch if item[0] == "w"])
        self.db.execute("COMMIT")

    def load_staging(self, system: str, store: StagingStore) -> None:
        """Copy a staging store's records (live and gone), aliases and failures."""

        warnings: list[tuple[str, str, str, str]] = []

        def records() -> Iterable[tuple[Any, ...]]:
            for record, state in store.records_with_state():
                if state == "live":
                    for entry in record.fields.get(WARNINGS_FIELD) or ():
                        warnings.append(
                            (system, record.key, str(entry.get("code")), str(entry.get("detail")))
                        )
                yield (
                    system,
                    record.key,
                    record.kind,
                    record.language or "",
                    record.url,
                    state,
                    json.dumps(record.fields.get("translations") or []),
                    json.dumps(list(record.links)),
                )

        self.many("INSERT OR REPLACE INTO src VALUES (?,?,?,?,?,?,?,?)", records())
        self.many("INSERT INTO srcwarn VALUES (?,?,?,?)", warnings)
        # Streamed: StagingStore.aliases() and failures() build the whole table in memory.
        self.many(
            "INSERT OR REPLACE INTO alias VALUES (?,?,?,?,?)",
            ((system, *row) for row in store.alias_rows()),
        )
        self.many(
            "INSERT OR REPLACE INTO failure VALUES (?,?,?,?)",
            ((system, *row) for row in store.failure_rows()),
        )

    def load_id_map(self, rows: Iterable[tuple[str, str, str, str | None, bool]]) -> None:
        """Copy the loader's id map: (system, key, status, reason, written by the latest run)."""
        self.many(
            "INSERT OR REPLACE INTO idmap VALUES (?,?,?,?,?)",
            ((system, key, status, reason, int(now)) for system, key, status, reason, now in rows),
        )
