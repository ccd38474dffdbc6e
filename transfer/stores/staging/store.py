"""The staging store: what an extractor found, kept crash-safe on disk.

One SQLite file per source under ``<workspace>/staging/``. Each extraction is a *pass*;
everything one page or entity changes is written in one transaction, so a process killed at
any moment leaves the store as it was after the last finished item, and the next pass of
the same kind resumes an unfinished one. Records carry the pass that first saw them, last
saw them, last changed them and found them gone: that is what incremental re-extraction
reports as new, changed, unchanged and deleted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transfer.records import SourceRecord
from transfer.stores.passes import PASSES_SCHEMA, PassLedger
from transfer.stores.sqlite import SqliteStore
from transfer.stores.staging.frontier import FRONTIER_SCHEMA, Frontier

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
  key TEXT PRIMARY KEY, kind TEXT NOT NULL, language TEXT, state TEXT NOT NULL,
  record TEXT NOT NULL, record_hash TEXT NOT NULL, etag TEXT, last_modified TEXT,
  validator TEXT, discovered TEXT, identity TEXT, first_pass INTEGER NOT NULL,
  seen_pass INTEGER NOT NULL,
  changed_pass INTEGER NOT NULL, gone_pass INTEGER);
CREATE INDEX IF NOT EXISTS records_identity ON records (identity, state);
CREATE TABLE IF NOT EXISTS aliases (
  alias TEXT PRIMARY KEY, target TEXT NOT NULL, reason TEXT NOT NULL, status INTEGER,
  pass INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS failures (
  url TEXT PRIMARY KEY, reason TEXT NOT NULL, status INTEGER, attempts INTEGER, via TEXT,
  pass INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (
  name TEXT PRIMARY KEY, value TEXT NOT NULL, pass INTEGER NOT NULL);
"""


#: What :meth:`StagingStore.kind_summary` counts per kind.
KIND_COUNTS = ("exported", "new", "changed", "unchanged", "gone")


def restrict(path: Path) -> None:
    """chmod 600 a store and its WAL and shared-memory files, where they exist."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists():
            name.chmod(0o600)


@dataclass(frozen=True)
class Stored:
    """What the store knows of one key."""

    record: SourceRecord
    record_hash: str
    state: str  # live or gone
    etag: str | None
    last_modified: str | None
    validator: str | None
    seen_pass: int
    discovered: tuple[str, ...]


@dataclass(frozen=True)
class PassSummary:
    pass_id: int
    new: int
    changed: int
    unchanged: int
    gone: int
    moved: int
    failed: int
    broken: int = 0  # 404/410 answers: links to what does not exist, not extraction failures

    def as_dict(self) -> dict[str, int]:
        return {
            name: getattr(self, name)
            for name in ("new", "changed", "unchanged", "gone", "moved", "failed", "broken")
        }


class StagingStore(SqliteStore):
    """Crash-safe state of one source's extraction. Use from one thread."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, PASSES_SCHEMA + _SCHEMA + FRONTIER_SCHEMA)
        self.passes = PassLedger(self.db)
        self.frontier = Frontier(self.db)

    @classmethod
    def open_private(cls, path: Path) -> StagingStore:
        """The store, its file created owner-only (0600) before SQLite opens it, so its
        journal files inherit that mode: for a store holding personal data."""
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        path.chmod(0o600)
        store = cls(path)
        restrict(path)
        return store

    # passes -------------------------------------------------------------------------
    def begin_pass(self, run_id: str, *, fresh_checkpoints: bool = False) -> tuple[int, bool]:
        """Resume the newest pass when it is unfinished, else start a new one (the rule of
        :class:`~transfer.stores.passes.PassLedger`). Returns (pass id, resumed).

        ``fresh_checkpoints``: a new pass starts without the checkpoints of the passes
        before it, in the same transaction, so a process killed just after the pass began
        cannot resume it with an earlier pass's checkpoints (which would say that every
        collection was already walked)."""
        with self.transaction():
            pass_id, resumed = self.passes.begin(run_id)
            if fresh_checkpoints and not resumed:
                self.clear_checkpoints()
        return pass_id, resumed

    def end_pass(self, pass_id: int, state: str) -> None:
        """Mark the pass ``complete`` or ``stopped`` (a stopped pass is resumed next time)."""
        self.passes.end(pass_id, state)

    def last_complete_pass(self) -> int | None:
        """The newest complete pass (None when there is none)."""
        return self.passes.last_complete()

    def changes_after(self, after: int) -> dict[str, list[str]]:
        """Keys new, changed and gone in any pass after ``after``, and moved ones: the
        changes since a baseline, however many passes (a killed one included) came since."""

        def keys(sql: str, *params: Any) -> list[str]:
            return [row[0] for row in self.db.execute(sql, params)]

        return {
            "new": keys(
                "SELECT key FROM records WHERE first_pass > ? AND state = 'live' ORDER BY key",
                after,
            ),
            "changed": keys(
                "SELECT key FROM records WHERE changed_pass > ? AND first_pass <= ? "
                "AND state = 'live' ORDER BY key",
                after,
                after,
            ),
            "gone": keys(
                "SELECT key FROM records WHERE gone_pass > ? AND first_pass <= ? "
                "AND state != 'live' ORDER BY key",
                after,
                after,
            ),
            "moved": keys(
                "SELECT a.alias || ' -> ' || a.target FROM aliases a JOIN records r "
                "ON r.key = a.alias WHERE a.pass > ? AND a.reason = 'redirect' "
                "AND r.gone_pass > ? AND r.first_pass <= ? ORDER BY a.alias",
                after,
                after,
                after,
            ),
        }

    # records ------------------------------------------------------------------------
    def get(self, key: str) -> Stored | None:
        row = self.db.execute(
            "SELECT record, record_hash, state, etag, last_modified, validator, seen_pass, "
            "discovered FROM records WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        return Stored(
            SourceRecord.from_json(row[0]),
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            tuple(json.loads(row[7] or "[]")),
        )

    def save(
        self,
        record: SourceRecord,
        pass_id: int,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        validator: str | None = None,
        discovered: Iterable[str] = (),
        identity: str | None = None,
        encoded: tuple[str, str] | None = None,
    ) -> str:
        """Store a freshly extracted record; returns ``new``, ``changed`` or ``unchanged``.

        ``identity`` says what makes two keys the same thing (a content hash, a document id);
        see :meth:`deduplicate`. ``encoded``: the record's ``to_json()`` and ``record_hash``
        when they were already computed (by the process that parsed the page).
        """
        text, digest = encoded if encoded is not None else (record.to_json(), record.record_hash)
        row = self.db.execute(
            "SELECT record_hash, state, changed_pass FROM records WHERE key = ?", (record.key,)
        ).fetchone()
        if row is None:
            outcome, changed = "new", pass_id
        elif row[0] != digest or row[1] != "live":
            outcome, changed = "changed", pass_id
        else:
            outcome, changed = "unchanged", row[2]
        self.db.execute(
            "INSERT INTO records (key, kind, language, state, record, record_hash, etag, "
            "last_modified, validator, discovered, identity, first_pass, seen_pass, "
            "changed_pass) VALUES (?, ?, ?, 'live', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, language = excluded.language,"
            " state = 'live', record = excluded.record, record_hash = excluded.record_hash,"
            " etag = excluded.etag, last_modified = excluded.last_modified,"
            " validator = excluded.validator, discovered = excluded.discovered,"
            " identity = excluded.identity,"
            " seen_pass = excluded.seen_pass,"
            " changed_pass = ?, gone_pass = NULL",
            (
                record.key,
                record.kind,
                record.language,
                text,
                digest,
                etag,
                last_modified,
                validator,
                json.dumps(list(discovered)),
                identity,
                pass_id,
                pass_id,
                changed,
                changed,
            ),
        )
        return outcome

    def deduplicate(
        self, key: str, pass_id: int, prefer: Callable[[str], Any] | None = None
    ) -> str:
        """If another live key has the same identity, keep the first key in ``prefer``
        order (default: the smallest key) and make the others aliases of it
        (order-independent, so resumed passes agree). Returns the key that stays live."""
        row = self.db.execute("SELECT identity FROM records WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] is None:
            return key
        keys = [
            r[0]
            for r in self.db.execute(
                "SELECT key FROM records WHERE identity = ? AND state IN ('live', 'duplicate') "
                "ORDER BY key",
                (row[0],),
            )
        ]
        keys.sort(key=prefer)
        canonical = str(keys[0])
        for other in keys[1:]:
            self.db.execute(
                "UPDATE records SET state = 'duplicate', seen_pass = ? WHERE key = ?",
                (pass_id, other),
            )
            self.add_alias(other, canonical, "duplicate", pass_id)
        self.db.execute("UPDATE records SET state = 'live' WHERE key = ?", (canonical,))
        self.db.execute("DELETE FROM aliases WHERE alias = ?", (canonical,))
        return canonical

    def find_identity(self, identity: str, pass_id: int) -> SourceRecord | None:
        """A record with this identity already fetched in this pass, if any."""
        row = self.db.execute(
            "SELECT record FROM records WHERE identity = ? AND seen_pass = ? "
            "AND state IN ('live', 'duplicate') ORDER BY key LIMIT 1",
            (identity, pass_id),
        ).fetchone()
        return SourceRecord.from_json(row[0]) if row else None

    def touch(self, key: str, pass_id: int) -> None:
        """The record was confirmed unchanged (304, same validator) in this pass."""
        self.db.execute("UPDATE records SET seen_pass = ? WHERE key = ?", (pass_id, key))

    def mark_gone(self, key: str, pass_id: int) -> bool:
        """The source no longer has ``key``; returns whether it was live until now."""
        cursor = self.db.execute(
            "UPDATE records SET state = 'gone', gone_pass = ?, "
            "seen_pass = ? WHERE key = ? AND state = 'live'",
            (pass_id, pass_id, key),
        )
        return cursor.rowcount > 0

    def records(
        self, *, kinds: Iterable[str] | None = None, include_gone: bool = False
    ) -> Iterator[SourceRecord]:
        """Stream records in key order (deterministic), live ones unless asked otherwise."""
        for text in self._column("record", kinds=kinds, include_gone=include_gone):
            yield SourceRecord.from_json(text)

    def record_texts(self) -> Iterator[tuple[str, str]]:
        """(key, stored JSON) of the live records in key order: :meth:`records` for a reader
        that decodes them elsewhere (the map stage's workers; ``SourceRecord.from_json``)."""
        rows = self.db.execute("SELECT key, record FROM records WHERE state = 'live' ORDER BY key")
        for key, text in rows:
            yield str(key), str(text)

    def live_keys(self, *, kinds: Iterable[str] | None = None) -> list[str]:
        # The key column is the record's own key (save writes both): no JSON to decode.
        return list(self._column("key", kinds=kinds))

    def _column(
        self, column: str, *, kinds: Iterable[str] | None = None, include_gone: bool = False
    ) -> Iterator[str]:
        assert column in ("key", "record")
        sql = f"SELECT {column} FROM records WHERE (state = 'live' OR ?)"  # noqa: S608
        params: list[Any] = [include_gone]
        if kinds is not None:
            kinds = list(kinds)
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params += kinds
        for (value,) in self.db.execute(sql + " ORDER BY key", params):
            yield value

    def count(self, state: str = "live") -> int:
        return int(
            self.db.execute("SELECT count(*) FROM records WHERE state = ?", (state,)).fetchone()[0]
        )

    def seen_ids(self, kind: str, pass_id: int) -> set[str]:
        """Ids (the part of the key after ``kind:``) of live records of ``kind`` seen in
        the pass."""
        prefix = len(kind) + 1
        rows = self.db.execute(
            "SELECT key FROM records WHERE kind = ? AND seen_pass = ? AND state = 'live'",
            (kind, pass_id),
        )
        return {row[0][prefix:] for row in rows}

    def mark_unseen_gone(self, pass_id: int) -> int:
        """Mark every live record the pass did not see as gone, in one transaction;
        returns how many."""
        with self.transaction():
            keys = [
                row[0]
                for row in self.db.execute(
                    "SELECT key FROM records WHERE state = 'live' AND seen_pass < ?", (pass_id,)
                ).fetchall()
            ]
            return sum(self.mark_gone(key, pass_id) for key in keys)

    def records_with_state(self) -> Iterator[tuple[SourceRecord, str]]:
        """Every record, live or not, with its state, streamed in store order."""
        for text, state in self.db.execute("SELECT record, state FROM records"):
            yield SourceRecord.from_json(text), state

    # aliases and failures ------------------------------------------------------------
    def add_alias(
        self, alias: str, target: str, reason: str, pass_id: int, status: int | None = None
    ) -> None:
        self.db.execute(
            "INSERT INTO aliases (alias, target, reason, status, pass) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (alias) DO UPDATE SET "
            "target = excluded.target, reason = excluded.reason, "
            "status = excluded.status, pass = excluded.pass",
            (alias, target, reason, status, pass_id),
        )

    def aliases(self) -> dict[str, tuple[str, str, int | None]]:
        """alias → (target, reason, status)."""
        return {
            row[0]: (row[1], row[2], row[3])
            for row in self.db.execute(
                "SELECT alias, target, reason, status FROM aliases ORDER BY alias"
            )
        }

    def resolve(self, url: str, limit: int = 20) -> str:
        """Follow aliases to the final target (chains collapsed; loops stop at ``limit``)."""
        seen = {url}
        for _ in range(limit):
            row = self.db.execute("SELECT target FROM aliases WHERE alias = ?", (url,)).fetchone()
            if row is None or row[0] in seen:
                return url
            url = row[0]
            seen.add(url)
        return url

    def alias_loop(self, url: str, limit: int = 20) -> list[str]:
        """The redirect loop through ``url`` (``[url, …, url]``), or ``[]`` when following
        the aliases from ``url`` ends somewhere (or takes more than ``limit`` steps)."""
        chain = [url]
        for _ in range(limit):
            row = self.db.execute(
                "SELECT target FROM aliases WHERE alias = ?", (chain[-1],)
            ).fetchone()
            if row is None:
                return []
            chain.append(row[0])
            if row[0] == url:
                return chain
            if row[0] in chain[:-1]:
                return []  # a loop further on; it is reported when its own member commits
        return []

    def alias_rows(self) -> Iterator[tuple[str, str, str, int | None]]:
        """(alias, target, reason, status) of every alias, streamed (not built in memory)."""
        yield from self.db.execute("SELECT alias, target, reason, status FROM aliases")

    def remove_alias(self, alias: str) -> None:
        self.db.execute("DELETE FROM aliases WHERE alias = ?", (alias,))

    def add_failure(
        self,
        url: str,
        reason: str,
        pass_id: int,
        *,
        status: int | None = None,
        attempts: int = 1,
        via: str | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO failures (url, reason, status, attempts, via, pass) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
            "reason = excluded.reason, status = excluded.status, "
            "attempts = excluded.attempts, via = excluded.via, pass = excluded.pass",
            (url, reason, status, attempts, via, pass_id),
        )

    def clear_failure(self, url: str) -> None:
        self.db.execute("DELETE FROM failures WHERE url = ?", (url,))

    def failures(self, pass_id: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT url, reason, status, attempts, via FROM failures"
        rows = self.db.execute(
            sql + (" WHERE pass = ?" if pass_id else "") + " ORDER BY url",
            (pass_id,) if pass_id else (),
        )
        return [
            dict(zip(("url", "reason", "status", "attempts", "via"), row, strict=True))
            for row in rows
        ]

    def failure_rows(self) -> Iterator[tuple[str, str, int | None]]:
        """(url, reason, status) of every failure, streamed (not built in memory)."""
        yield from self.db.execute("SELECT url, reason, status FROM failures")

    # checkpoints (for paged exports) -------------------------------------------------
    def checkpoint(self, name: str) -> Any:
        row = self.db.execute("SELECT value FROM checkpoints WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_checkpoint(self, name: str, value: Any, pass_id: int) -> None:
        self.db.execute(
            "INSERT INTO checkpoints (name, value, pass) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
            "pass = excluded.pass",
            (name, json.dumps(value), pass_id),
        )

    def clear_checkpoints(self) -> None:
        self.db.execute("DELETE FROM checkpoints")

    # summaries -----------------------------------------------------------------------
    def summary(self, pass_id: int) -> PassSummary:
        def scalar(sql: str, *params: Any) -> int:
            return int(self.db.execute(sql, params).fetchone()[0])

        return PassSummary(
            pass_id=pass_id,
            new=scalar(
                "SELECT count(*) FROM records WHERE first_pass = ? AND state = 'live'", pass_id
            ),
            changed=scalar(
                "SELECT count(*) FROM records WHERE changed_pass = ? AND "
                "first_pass < ? AND state = 'live'",
                pass_id,
                pass_id,
            ),
            unchanged=scalar(
                "SELECT count(*) FROM records WHERE seen_pass = ? AND "
                "changed_pass < ? AND state = 'live'",
                pass_id,
                pass_id,
            ),
            gone=scalar("SELECT count(*) FROM records WHERE gone_pass = ?", pass_id),
            moved=scalar(
                "SELECT count(*) FROM aliases a JOIN records r ON r.key = a.alias "
                "WHERE a.pass = ? AND a.reason = 'redirect' AND r.gone_pass = ?",
                pass_id,
                pass_id,
            ),
            failed=scalar(
                "SELECT count(*) FROM failures WHERE pass = ? AND "
                "coalesce(status, 0) NOT IN (404, 410)",
                pass_id,
            ),
            broken=scalar(
                "SELECT count(*) FROM failures WHERE pass = ? AND status IN (404, 410)", pass_id
            ),
        )

    def kind_summary(self, pass_id: int, kinds: tuple[str, ...]) -> dict[str, dict[str, int]]:
        """Per kind: exported (live and seen in the pass), new, changed, unchanged, gone."""
        out = {kind: dict.fromkeys(KIND_COUNTS, 0) for kind in kinds}
        rows = self.db.execute(
            "SELECT kind,"
            " sum(state = 'live' AND seen_pass = :p),"
            " sum(state = 'live' AND seen_pass = :p AND first_pass = :p),"
            " sum(state = 'live' AND seen_pass = :p AND first_pass < :p AND changed_pass = :p),"
            " sum(state = 'live' AND seen_pass = :p AND changed_pass < :p),"
            " sum(gone_pass = :p)"
            " FROM records GROUP BY kind",
            {"p": pass_id},
        )
        for kind, *values in rows:
            out[kind] = {
                name: int(value or 0) for name, value in zip(KIND_COUNTS, values, strict=True)
            }
        return out

    def changes(self, pass_id: int) -> dict[str, list[str]]:
        """Keys that are new, changed and gone in this pass, and moved ones (old → new)."""

        def keys(sql: str, *params: Any) -> list[str]:
            return [row[0] for row in self.db.execute(sql, params)]

        return {
            "new": keys(
                "SELECT key FROM records WHERE first_pass = ? AND state = 'live' ORDER BY key",
                pass_id,
            ),
            "changed": keys(
                "SELECT key FROM records WHERE changed_pass = ? AND first_pass < ? "
                "AND state = 'live' ORDER BY key",
                pass_id,
                pass_id,
            ),
            "gone": keys("SELECT key FROM records WHERE gone_pass = ? ORDER BY key", pass_id),
            "moved": keys(
                "SELECT a.alias || ' -> ' || a.target FROM aliases a JOIN records r "
                "ON r.key = a.alias WHERE a.pass = ? AND a.reason = 'redirect' "
                "AND r.gone_pass = ? ORDER BY a.alias",
                pass_id,
                pass_id,
            ),
        }


# reading a store in place ---------------------------------------------------------------
# Verification ATTACHes a staging store read-only to its scratch database and reads it
# there, in SQL, instead of copying it through Python; these queries are the store's own
# SQL for that, so its tables stay its business. ``schema`` is the name it is attached as.


def attached_records_sql(schema: str) -> str:
    """(key, kind, language, url, state, translations, links) of every record, live or
    gone; ``language`` '' when none, ``translations`` and ``links`` JSON array texts."""
    return (
        "SELECT json_extract(record, '$.key'), json_extract(record, '$.kind'),"  # noqa: S608
        " coalesce(json_extract(record, '$.language'), ''), json_extract(record, '$.url'),"
        " state,"
        " CASE json_type(record, '$.fields.translations') WHEN 'array'"
        " THEN json_extract(record, '$.fields.translations') ELSE '[]' END,"
        " CASE json_type(record, '$.links') WHEN 'array'"
        f" THEN json_extract(record, '$.links') ELSE '[]' END FROM {schema}.records"
    )


def attached_warnings_sql(schema: str, field: str) -> str:
    """(key, code, detail) of every entry of the live records' ``fields[field]`` list."""
    return (
        "SELECT json_extract(r.record, '$.key'),"  # noqa: S608
        " coalesce(CAST(json_extract(w.value, '$.code') AS TEXT), 'None'),"
        " coalesce(CAST(json_extract(w.value, '$.detail') AS TEXT), 'None')"
        f" FROM {schema}.records r, json_each(r.record, '$.fields.\"{field}\"') w"
        f" WHERE r.state = 'live' AND json_type(r.record, '$.fields.\"{field}\"') = 'array'"
    )


def attached_aliases_sql(schema: str) -> str:
    """(alias, target, reason, status) of every alias."""
    return f"SELECT alias, target, reason, status FROM {schema}.aliases"  # noqa: S608


def attached_failures_sql(schema: str) -> str:
    """(url, reason, status) of every failure."""
    return f"SELECT url, reason, status FROM {schema}.failures"  # noqa: S608
