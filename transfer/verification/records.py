"""Fidelity and completeness: every target row against its mapped row, every source record
accounted for.

Fidelity streams each KEHA table once, finds the mapped row by provenance in the scratch
database and compares column by column; on the way it notes the target's paths, redirects
and translation groups for the later checks. Completeness then walks every source record
and names its outcome: loaded (by the latest load run), unchanged (left alone by it, per
the loader's id map), skipped (rule), failed (message, of the map stage or the load),
missing or not mapped.
"""

from __future__ import annotations

import csv
import heapq
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from transfer.privacy.policy import MASK
from transfer.schema.bookkeeping import LIVE_STATUSES
from transfer.stores.mapped import decode_value
from transfer.verification.collect import CheckCollector
from transfer.verification.data import shape_of_personal
from transfer.verification.scratch import Scratch, Side
from transfer.verification.target import (
    PROVENANCE,
    TargetRow,
    keha_tables,
    normalise,
    ref_text,
    stream_rows,
)

INVENTORY_COLUMNS = ("source_system", "key", "kind", "language", "outcome", "detail", "hash")
ERROR_OUTCOMES = ("not_mapped", "failed", "missing", "partial")


class _Buffer:
    """Batched writes into a share's side file while the target streams."""

    def __init__(self, scratch: Side, sql: str) -> None:
        self.scratch, self.sql, self.rows = scratch, sql, list[tuple[Any, ...]]()

    def extend(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= 2000:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.scratch.many(self.sql, self.rows)
            self.rows = []


def _note(batch: list[TargetRow], paths: _Buffer, redirects: _Buffer, groups: _Buffer) -> None:
    """Note the paths, redirects and translation groups of a batch of one table's rows."""
    table = batch[0].table
    if table == "content_translations":
        paths.extend((row.values["new_path"], "translation", row.source_key) for row in batch)
        groups.extend(
            (row.source_key, row.values["item_id"], row.values["language"]) for row in batch
        )
    elif table == "assets":
        paths.extend(
            (row.values["new_path"], "asset", row.source_key)
            for row in batch
            if row.values.get("new_path")
        )
    elif table == "redirects":
        redirects.extend(
            (str(row.values["old_host"]).lower(), row.values["old_path"], row.values["new_path"])
            for row in batch
        )


#: Target rows looked up in the scratch database per query.
LOOKUP_BATCH = 1000


@cache
def _lookup_sql(rows: int) -> str:
    """The mapped rows of a batch of ``rows`` target rows of one table, by the batch's
    index: the batch's (index, system, key, pair) go in as bound VALUES rows, then the
    table's name (CROSS JOIN: SQLite then walks the batch and looks each row up by mrow's
    key, never the other way round)."""
    batch = ",".join(("(?,?,?,?)",) * rows)
    return (
        f"SELECT v.column1, m.rowid, m.vals FROM (VALUES {batch}) v CROSS JOIN mrow m"  # noqa: S608
        " ON m.tbl = ? AND m.system = v.column2 AND m.key = v.column3 AND m.pair = v.column4"
    )


class Findings:
    """What one share of the fidelity pass found, told to the check's collector once every
    share has ended (:func:`replay`): its counts, and its problems in a CSV file, in the
    order found, each with the index of its table and the id of its row."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.counts: Counter[str] = Counter()
        #: The index of the table being compared (in :func:`keha_tables`), and the id of
        #: the row.
        self.table = 0
        self.row_id = 0
        self._file = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def problem(
        self, kind: str, key: str, detail: str, *, warning: bool = False, **values: Any
    ) -> None:
        self._csv.writerow(
            (
                self.table,
                self.row_id,
                kind,
                int(warning),
                key,
                detail,
                json.dumps(values, default=str),
            )
        )

    def close(self) -> None:
        self._file.close()


_Found = tuple[tuple[int, int], str, bool, str, str, dict[str, Any]]


def _found(path: Path) -> Iterator[_Found]:
    with path.open(encoding="utf-8", newline="") as handle:
        for table, row_id, kind, warning, key, detail, values in csv.reader(handle):
            position = (int(table), int(row_id))
            yield position, kind, warning == "1", key, detail, json.loads(values)


def replay(check: CheckCollector, shares: Iterable[tuple[Path, Counter[str]]]) -> None:
    """Tell ``check`` what the shares found (their files and counts): the problems in
    the order one pass meets them (table by table, each table's rows by id)."""
    files, totals = [], Counter[str]()
    for path, counts in shares:
        files.append(path)
        totals.update(counts)
    merged = heapq.merge(*(_found(path) for path in files), key=lambda found: found[0])
    for _position, kind, warning, key, detail, values in merged:
        check.problem(kind, key, detail, warning=warning, **values)
    for name, n in sorted(totals.items()):
        check.count(name, n)


def compare_share(
    connection: Connection,
    lookup: sqlite3.Connection,
    side: Side,
    findings: Findings,
    *,
    production: bool,
    share: tuple[int, int] = (0, 1),
) -> None:
    """Compare the target rows of ``share`` (see :func:`stream_rows`) with their mapped
    rows (looked up in the scratch database through ``lookup``); note the mapped rows
    found and the target's paths, redirects and translation groups in ``side``."""
    paths = _Buffer(side, "INSERT OR IGNORE INTO path VALUES (?,?,?)")
    redirects = _Buffer(side, "INSERT OR REPLACE INTO redirect VALUES (?,?,?)")
    groups = _Buffer(side, "INSERT OR REPLACE INTO tr VALUES (?,?,?)")
    seen = _Buffer(side, "INSERT OR IGNORE INTO seen VALUES (?)")
    for index, table in enumerate(keha_tables()):
        findings.table = index
        batch: list[TargetRow] = []
        for row in stream_rows(connection, table, share=share):
            batch.append(row)
            if len(batch) >= LOOKUP_BATCH:
                _note(batch, paths, redirects, groups)
                _compare_batch(batch, lookup, findings, seen, production=production)
                batch = []
        if batch:
            _note(batch, paths, redirects, groups)
            _compare_batch(batch, lookup, findings, seen, production=production)
    for buffer in (paths, redirects, groups, seen):
        buffer.flush()


def _compare_batch(
    batch: list[TargetRow],
    lookup: sqlite3.Connection,
    check: Findings,
    seen: _Buffer,
    *,
    production: bool,
) -> None:
    """Look up the mapped rows of ``batch`` (rows of one table) in one query, then compare
    each row in the batch's order."""
    keys = [
        value
        for index, row in enumerate(batch)
        for value in (index, row.source_system, row.source_key, row.pair)
    ]
    found = {
        index: (rowid, vals)
        for index, rowid, vals in lookup.execute(_lookup_sql(len(batch)), (*keys, batch[0].table))
    }
    check.count("target_rows", len(batch))
    compared = fields = 0
    found_ids: list[tuple[int]] = []
    for index, row in enumerate(batch):
        check.row_id = row.values["id"]
        match = found.get(index)
        if match is None:
            if row.source_system != "keha":
                check.problem(
                    "unexpected_row",
                    f"{row.table}:{row.source_system}:{row.source_key}",
                    "a target row that no mapped record produced",
                    warning=True,
                    table=row.table,
                )
            continue
        found_ids.append((match[0],))
        compared += 1
        fields += _compare(row, match[1], check, production=production)
    seen.extend(found_ids)
    if compared:
        check.count("rows_compared", compared)
    if fields:
        check.count("fields_compared", fields)


def _compare(row: TargetRow, vals: str, check: Findings, *, production: bool) -> int:
    """Compare the target row with its mapped row's values (JSON as the scratch keeps them);
    return the number of fields compared."""
    compared = 0
    values = row.values
    for column, stored in json.loads(vals).items():
        target = values.get(column, _ABSENT)
        if target is _ABSENT or column in PROVENANCE:
            continue
        compared += 1
        # The target's values are normalised (never a dict or a list): one equal to the
        # stored value as it is equals its normalised form, since plain JSON values are
        # already in compared form.
        if target == stored:
            continue
        source = _source_value(stored)
        if target == source or (type(source) is int and target == str(source)):
            continue  # (a whole number in a text column: the loader stores its digits)
        if not production and target == MASK and source not in (None, MASK):
            # The target's personal-data policy masked it: expected, not a mismatch.
            check.count("fields_masked")
            continue
        key = f"{row.table}:{row.source_system}:{row.source_key}" + (
            f":{row.pair}" if row.pair else ""
        )
        check.problem(
            "field_mismatch",
            key,
            f"{row.table}.{column} differs from the mapped source",
            table=row.table,
            column=column,
            source=shape_of_personal(source),
            target=shape_of_personal(target),
        )
    return compared


#: A column the target row does not have (None is a value).
_ABSENT: Any = object()


def _source_value(stored: Any) -> Any:
    """A mapped value in compared form: references, times and structures decoded and
    normalised like the target's (a reference without the call to decode it: the most
    common of them)."""
    if type(stored) is dict:
        ref = stored.get("$ref")
        if ref is not None and len(stored) == 1 and type(ref) is list and len(ref) == 3:
            return ref_text(*ref)
        return normalise(decode_value(stored))
    if type(stored) is list:
        return normalise(decode_value(stored))
    return stored


def _outcomes(scratch: Scratch) -> Iterator[tuple[Any, ...]]:
    # Per record, its mapped rows, those the fidelity pass did not find (see Scratch:
    # ``seen``), and those of them that are its own: counted in one pass over mrow's index
    # by record (one count per record instead of three lookups each).
    scratch.db.execute("BEGIN")
    scratch.db.execute(
        "INSERT INTO reccount SELECT w.rec_system, w.rec_key, count(*),"
        " count(CASE WHEN s.id IS NULL THEN 1 END),"
        " count(CASE WHEN w.own = 1 AND s.id IS NULL THEN 1 END)"
        " FROM mrow w LEFT JOIN seen s ON s.id = w.rowid GROUP BY w.rec_system, w.rec_key"
    )
    scratch.db.execute("COMMIT")
    counts = "coalesce(c.owned, 0), coalesce(c.unseen, 0), coalesce(c.own_unseen, 0)"
    joined = "LEFT JOIN reccount c ON c.rec_system = {a}.system AND c.rec_key = {a}.key"
    sql = f"""
      SELECT s.system, s.key, s.kind, s.language, m.status, m.reason, m.source_hash,
             {counts}, i.status, i.reason, i.loaded_now
        FROM src s LEFT JOIN mrec m ON m.system = s.system AND m.key = s.key
             LEFT JOIN idmap i ON i.system = s.system AND i.key = s.key
             {joined.format(a="s")}
       WHERE s.state = 'live'
      UNION ALL
      SELECT m.system, m.key, m.kind, '', m.status, m.reason, m.source_hash,
             {counts}, i.status, i.reason, i.loaded_now
        FROM mrec m LEFT JOIN idmap i ON i.system = m.system AND i.key = m.key
             {joined.format(a="m")}
       WHERE NOT EXISTS (SELECT 1 FROM src s WHERE s.system = m.system AND s.key = m.key)
      ORDER BY 1, 2"""  # noqa: S608 (only the fixed fragments above, no input)
    yield from scratch.db.execute(sql)


def check_completeness(
    scratch: Scratch, check: CheckCollector, inventory_path: Path
) -> dict[tuple[str, str, str], Counter[str]]:
    """Name every source record's outcome (also written to ``inventory.csv``) and return
    counts by (source system, kind, language)."""
    groups: dict[tuple[str, str, str], Counter[str]] = {}
    with inventory_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(INVENTORY_COLUMNS)
        for row in _outcomes(scratch):
            system, key, kind, language, status, reason, digest, owned, unseen, own = row[:10]
            load_status, load_reason, loaded_now = row[10:]
            if status is None:
                outcome, detail = "not_mapped", "the map stage has no outcome for this record"
            elif status in ("failed", "skipped"):
                outcome, detail = status, reason or ""
            elif load_status == "failed":
                # The loader's id map: the map stage delivered it, the load failed.
                outcome, detail = "failed", f"load failed: {load_reason or 'no message'}"
            elif unseen == 0:
                # Without an id map (a target not loaded by transfer) every found record
                # counts as loaded; with one, a record the latest load left alone is unchanged.
                unchanged = load_status in LIVE_STATUSES and not loaded_now
                outcome, detail = ("unchanged", "") if unchanged else ("loaded", "")
            elif own:
                outcome, detail = "missing", f"{unseen} of its {owned} row(s) not in the target"
            else:
                outcome, detail = "partial", f"{unseen} of its {owned} row(s) missing"
            counts = groups.setdefault((system, kind, language or ""), Counter())
            counts["source"] += 1
            counts[outcome] += 1
            if outcome in ("loaded", "unchanged"):
                counts["target"] += 1
            check.count(outcome)
            writer.writerow((system, key, kind, language, outcome, detail, digest or ""))
            if outcome in ERROR_OUTCOMES:
                check.problem(
                    f"{outcome}_record",
                    f"{system}:{key}",
                    detail,
                    source_system=system,
                    record_kind=kind,
                    language=language,
                )
    _source_warnings(scratch, check)
    return groups


def _source_warnings(scratch: Scratch, check: CheckCollector) -> None:
    """What extraction repaired or guessed in a record (a declared charset that did not
    decode, control characters removed, nesting flattened): a warning each, never quiet."""
    rows = scratch.db.execute(
        "SELECT system, key, code, detail FROM srcwarn ORDER BY system, key, code"
    )
    for system, key, code, detail in rows:
        check.count(f"source_warning:{code}")
        check.problem(
            "source_warning",
            f"{system}:{key}",
            detail,
            warning=True,
            code=code,
            source_system=system,
        )
