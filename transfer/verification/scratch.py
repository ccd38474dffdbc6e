"""The verification's scratch database: what the checks look up, kept on disk.

The mapped store and the staging stores are ATTACHed read-only and read where they are,
in SQL: the mapped records and the staging aliases and failures are views on the stores'
own tables; the mapped rows (one index row per KEHA row, keyed as the target's rows are)
and the source records (their URLs, translation links and warnings out of the records'
JSON) are indexed into the scratch file by one ``INSERT ... SELECT`` each, without a
record passing through Python. The target's paths, redirects and translation groups and
the loader's id map are written there too, so that every lookup is indexed and memory
stays bounded as the source grows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from transfer.records import WARNINGS_FIELD
from transfer.schema import metadata
from transfer.stores.mapped import attached_records_sql as mapped_records_sql
from transfer.stores.mapped import attached_rows_sql
from transfer.stores.staging import (
    attached_aliases_sql,
    attached_failures_sql,
    attached_records_sql,
    attached_warnings_sql,
)
from transfer.verification.target import pair_columns

#: The mapped rows, in a file of their own (see :meth:`Scratch.index_mapped`).
_ROWS_SCHEMA = """
-- vals: the mapped row's values as the mapped store keeps them (references and times
-- tagged, see transfer.stores.mapped.encode_value); pair as target.pair_key makes it.
-- ord: the row's place in its record (rec_system, rec_key), which decides among records
-- naming one row.
CREATE TABLE mrow (tbl TEXT, system TEXT, key TEXT, pair TEXT, rec_system TEXT,
  rec_key TEXT, ord INTEGER, vals TEXT, own INTEGER, PRIMARY KEY (tbl, system, key, pair));
"""

_SCHEMA = """
-- Per record (mrow's rec_system, rec_key): its mapped rows, those not seen, and those of
-- them that are its own (own = 1); filled by completeness once fidelity has marked them.
CREATE TABLE reccount (rec_system TEXT, rec_key TEXT, owned INTEGER, unseen INTEGER,
  own_unseen INTEGER, PRIMARY KEY (rec_system, rec_key)) WITHOUT ROWID;
CREATE TABLE src (system TEXT, key TEXT, kind TEXT, language TEXT, url TEXT, state TEXT,
  translations TEXT, links TEXT, PRIMARY KEY (system, key));
-- src's indexes on url and key are made by Scratch.staging_done, after the bulk insert.
-- What extraction reported about a record (fields._warnings): charset, control-chars, ...
CREATE TABLE srcwarn (system TEXT, key TEXT, code TEXT, detail TEXT);
-- The loader's id map (load_id_map), when the target has one; loaded_now: the entry was
-- written by the latest load run (else that run found the record unchanged).
CREATE TABLE idmap (system TEXT, key TEXT, status TEXT, reason TEXT, loaded_now INTEGER,
  PRIMARY KEY (system, key)) WITHOUT ROWID;
"""

#: What the fidelity pass notes as it streams the target: in the scratch database, and in
#: the side file of each of its shares (see :class:`Side`).
_NOTED = """
-- The mapped rows the fidelity pass found in the target (mrow rowids): a table of their
-- own, so that marking one does not rewrite the row and its values.
CREATE TABLE seen (id INTEGER PRIMARY KEY);
-- The lookup tables without a rowid: a row is kept in its key's index, written and found
-- in one B-tree instead of two (their keys are never NULL: the target's columns are NOT
-- NULL, an asset without a path is not noted).
CREATE TABLE path (path TEXT PRIMARY KEY, what TEXT, key TEXT) WITHOUT ROWID;
CREATE TABLE redirect (host TEXT, path TEXT, new_path TEXT, PRIMARY KEY (host, path))
  WITHOUT ROWID;
CREATE TABLE tr (key TEXT PRIMARY KEY, item TEXT, language TEXT) WITHOUT ROWID;
"""

BATCH = 2000
#: The page size of the scratch files, in bytes.
PAGE_SIZE = 16384
#: How long a :class:`ScratchReader` waits for the verifying process's write, in seconds.
READ_WAIT_S = 3600.0


class Readable:
    """A SQLite connection that the checks look things up in."""

    db: sqlite3.Connection

    def scalar(self, sql: str, *params: Any) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return None if row is None else row[0]


class _File(Readable):
    """A temporary SQLite file written in batches (deleted by :meth:`close`)."""

    def __init__(self, path: Path, schema: str, *, cache_kib: int = 16_000) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        # uri=True: the stores are ATTACHed by read-only URIs (mode=ro).
        self.db = sqlite3.connect(path.resolve().as_uri(), uri=True, isolation_level=None)
        # Pages of 16 KiB, not 4: a quarter of the reads and writes for the same rows (the
        # mapped rows' index, 90 MB at sandbox scale 10, was built 12 % faster).
        self.db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        # A small page cache, sorts and temporary indexes in files, no memory mapping: the
        # point is bounded memory, not speed at any price.
        self.db.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
        self.db.execute("PRAGMA temp_store=FILE")
        self.db.execute("PRAGMA mmap_size=0")
        self.db.executescript(schema)

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


class Side(_File):
    """What one share of the fidelity pass noted (the target's paths, redirects and
    translation groups, and the mapped rows it found), kept apart while the shares run and
    merged into the scratch database afterwards (:meth:`Scratch.merge`)."""

    def __init__(self, path: Path) -> None:
        # Written in batches and read once by the merge: SQLite's default page cache.
        super().__init__(path, _NOTED, cache_kib=2_000)

    def done(self) -> None:
        """Close the file, keeping it for the merge."""
        self.db.close()


class Scratch(_File):
    """A temporary SQLite database for one verification (deleted by :meth:`close`)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA + _NOTED)
        self._staging: list[tuple[str, str]] = []  # (source system, attached name)
        #: The staging stores loaded: (source system, path), for :class:`ScratchReader`.
        self.staged: list[tuple[str, Path]] = []
        self._attached = 0
        #: The mapped rows' file (:meth:`index_mapped`), read by the fidelity pass's shares.
        self.rows_path = path.with_name(path.stem + "-rows" + path.suffix)
        self._indexing: sqlite3.Connection | None = None

    def close(self) -> None:
        super().close()
        self.rows_path.unlink(missing_ok=True)

    def _attach(self, path: Path) -> str:
        name = f"store{self._attached}"
        self._attached += 1
        self.db.execute("ATTACH DATABASE ? AS " + name, (path.resolve().as_uri() + "?mode=ro",))
        return name

    # loading ------------------------------------------------------------------------
    def index_mapped(self, store: Path) -> None:
        """Index the rows of the mapped store at ``store`` into their own file, ``mrow``
        (one SQL statement; a row several records name is kept once, under the first of
        them in the store's key order). It opens its own connection, so it may run in a
        thread of its own while this one loads the rest; :meth:`stop_indexing` cuts it
        short."""
        rows = _File(self.rows_path, _ROWS_SCHEMA)
        self._indexing = rows.db
        try:
            rows.db.execute("ATTACH DATABASE ? AS mapped", (store.resolve().as_uri() + "?mode=ro",))
            pairs = " ".join(
                f"WHEN '{table.name}' THEN {_pair_sql(pair_columns(table))}"
                for table in metadata.sorted_tables
                if pair_columns(table)
            )
            single = ", ".join(
                f"'{table.name}'" for table in metadata.sorted_tables if not pair_columns(table)
            )
            columns = "rec_system, rec_key, ord, vals, own"
            rows.db.execute("BEGIN")
            # The rows come unsorted; where two name one row, the one first in key order
            # (source system, record key, place in the record) replaces the other. The
            # store's rows are a co-routine (LIMIT -1): flattened into this statement, each
            # ``vals`` below would extract the values from the row's JSON again. "WHERE
            # true" tells SQLite's parser that ON CONFLICT belongs to the INSERT.
            rows.db.execute(
                "INSERT INTO mrow (tbl, system, key, pair, rec_system, rec_key, ord, vals, own)"  # noqa: S608
                " SELECT tbl,"
                " coalesce(CAST(json_extract(vals, '$.source_system') AS TEXT), 'None'),"
                " coalesce(CAST(json_extract(vals, '$.source_key') AS TEXT), 'None'),"
                f" CASE tbl {pairs} ELSE '' END, source_system, record_key, ord, vals,"
                # The record's own rows: one-row-per-record tables under its own key.
                f" tbl IN ({single}) AND json_extract(vals, '$.source_key') IS record_key"
                f" FROM ({attached_rows_sql('mapped')} LIMIT -1) WHERE true"
                f" ON CONFLICT (tbl, system, key, pair) DO UPDATE SET ({columns}) ="
                f" ({', '.join('excluded.' + c for c in columns.split(', '))})"
                " WHERE (excluded.rec_system, excluded.rec_key, excluded.ord)"
                " < (mrow.rec_system, mrow.rec_key, mrow.ord)"
            )
            # Covering for completeness's counts per record (own, and the rowid for seen).
            rows.db.execute("CREATE INDEX mrow_rec ON mrow (rec_system, rec_key, own)")
            rows.db.execute("COMMIT")
        finally:
            self._indexing = None
            rows.db.close()

    def stop_indexing(self) -> None:
        """Interrupt :meth:`index_mapped` running in another thread (nothing when none)."""
        indexing = self._indexing
        if indexing is not None:
            indexing.interrupt()

    def load_mapped(self, store: Path) -> None:
        """Attach the mapped store at ``store`` (its records as the view ``mrec``) and the
        mapped rows that :meth:`index_mapped` indexed (``mrow``)."""
        name = self._attach(store)
        self.db.execute(
            "CREATE TEMP VIEW mrec (system, key, kind, status, reason, source_hash) AS "
            + mapped_records_sql(name)
        )
        self._attach(self.rows_path)

    def load_staging(self, system: str, path: Path) -> None:
        """Attach a staging store: its records (live and gone) and their warnings indexed
        into ``src`` and ``srcwarn``; its aliases and failures read in place (the views
        ``alias`` and ``failure``, made by :meth:`staging_done`)."""
        name = self._attach(path)
        self._staging.append((system, name))
        self.staged.append((system, path))
        self.db.execute("BEGIN")
        self.db.execute(
            "INSERT OR REPLACE INTO src SELECT ?, * FROM (" + attached_records_sql(name) + ")",  # noqa: S608
            (system,),
        )
        self.db.execute(
            "INSERT INTO srcwarn SELECT ?, * FROM ("  # noqa: S608
            + attached_warnings_sql(name, WARNINGS_FIELD)
            + ")",
            (system,),
        )
        self.db.execute("COMMIT")

    def staging_done(self) -> None:
        """The views over every attached staging store's aliases and failures, and the
        indexes on the source records (built once, after every store is in)."""
        self.db.execute("CREATE INDEX src_url ON src (url)")
        # Translation links name pages by key or URL, without the source system.
        self.db.execute("CREATE INDEX src_key ON src (key)")
        _staging_views(self.db, self._staging)

    def merge(self, side: Path) -> None:
        """Add what a share of the fidelity pass noted in its side file (shares merged in
        their order: a path first noted is kept, a redirect or group noted later wins, as
        when one pass notes them all)."""
        self.db.execute("ATTACH DATABASE ? AS side", (side.resolve().as_uri() + "?mode=ro",))
        self.db.execute("BEGIN")
        self.db.execute("INSERT OR IGNORE INTO path SELECT * FROM side.path")
        self.db.execute("INSERT OR REPLACE INTO redirect SELECT * FROM side.redirect")
        self.db.execute("INSERT OR REPLACE INTO tr SELECT * FROM side.tr")
        self.db.execute("INSERT OR IGNORE INTO seen SELECT * FROM side.seen")
        self.db.execute("COMMIT")
        self.db.execute("DETACH DATABASE side")

    def load_id_map(self, rows: Iterable[tuple[str, str, str, str | None, bool]]) -> None:
        """Copy the loader's id map: (system, key, status, reason, written by the latest run)."""
        self.many(
            "INSERT OR REPLACE INTO idmap VALUES (?,?,?,?,?)",
            ((system, key, status, reason, int(now)) for system, key, status, reason, now in rows),
        )


class ScratchReader(Readable):
    """The scratch database opened read-only, by another process: its tables, and the
    staging stores' aliases and failures as the views :meth:`Scratch.staging_done` made
    (``staged``: :attr:`Scratch.staged`)."""

    def __init__(self, path: Path, staged: list[tuple[str, Path]]) -> None:
        # The verifying process may be writing the scratch database meanwhile (the
        # completeness counts): a read waits for its transaction, however long.
        self.db = sqlite3.connect(
            path.resolve().as_uri() + "?mode=ro", uri=True, timeout=READ_WAIT_S
        )
        attached = []
        for index, (system, store) in enumerate(staged):
            name = f"store{index}"
            self.db.execute(
                "ATTACH DATABASE ? AS " + name, (store.resolve().as_uri() + "?mode=ro",)
            )
            attached.append((system, name))
        _staging_views(self.db, attached)

    def close(self) -> None:
        self.db.close()


def _staging_views(db: sqlite3.Connection, staging: list[tuple[str, str]]) -> None:
    """The temporary views ``alias`` and ``failure`` over the attached staging stores
    (``staging``: source system, attached name)."""
    # The systems are staging file names, the schemas this connection's own names.
    aliases = [
        f"SELECT {_literal(s)}, * FROM ({attached_aliases_sql(n)})"  # noqa: S608
        for s, n in staging
    ]
    failures = [
        f"SELECT {_literal(s)}, * FROM ({attached_failures_sql(n)})"  # noqa: S608
        for s, n in staging
    ]
    empty_alias = "SELECT NULL, NULL, NULL, NULL, NULL WHERE 0"
    empty_failure = "SELECT NULL, NULL, NULL, NULL WHERE 0"
    db.execute(
        "CREATE TEMP VIEW alias (system, alias, target, reason, status) AS "
        + (" UNION ALL ".join(aliases) or empty_alias)
    )
    db.execute(
        "CREATE TEMP VIEW failure (system, url, reason, status) AS "
        + (" UNION ALL ".join(failures) or empty_failure)
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _value_sql(column: str) -> str:
    """SQL for the JSON text of a mapped value as :func:`target.normalise` turns it: a
    reference as its reference text, a time as its ISO text, anything else as it is."""
    path = f"'$.\"{column}\"'"
    ref = f'json_extract(vals, \'$."{column}"."$ref"\')'
    return (
        f"CASE json_type(vals, {path})"
        f" WHEN 'object' THEN CASE WHEN {ref} IS NOT NULL THEN json_quote('-> '"
        f" || json_extract({ref}, '$[0]') || ':' || json_extract({ref}, '$[1]') || ':'"
        f" || json_extract({ref}, '$[2]'))"
        f' ELSE json_quote(json_extract(vals, \'$."{column}"."$datetime"\')) END'
        f" WHEN 'text' THEN json_quote(json_extract(vals, {path}))"
        f" WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'"
        f" ELSE coalesce(json_extract(vals, {path}), 'null') END"
    )


def _pair_sql(columns: tuple[str, ...]) -> str:
    """SQL for :func:`target.pair_key` of a mapped row (``json.dumps`` of the list)."""
    return "'[' || " + " || ', ' || ".join(_value_sql(c) for c in columns) + " || ']'"
