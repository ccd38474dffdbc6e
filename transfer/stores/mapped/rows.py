"""The mapped store's values: what one source record became (the contract's data types).

Rows refer to other rows by provenance (:class:`Ref`), never by database id: ids exist only
in the target, and the loader resolves a ``Ref`` through the referenced table's unique
``(source_system, source_key)``. Rows are kept as canonical JSON (:func:`encode_rows`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

STATUSES = ("mapped", "skipped", "failed")

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
        return rows_hash(encode_rows(self.rows))


class EncodedRecord(NamedTuple):
    """A :class:`MappedRecord` as the store writes it, its rows already encoded (made where
    the record was mapped: a worker process of the map stage)."""

    source_system: str
    record_key: str
    kind: str
    status: str
    reason: str | None
    mapping: str | None
    source_hash: str | None
    rows_hash: str
    rows: str


def encode_record(record: MappedRecord) -> EncodedRecord:
    """``record`` as :class:`EncodedRecord` (its rows by :func:`encode_rows`)."""
    encoded = encode_rows(record.rows)
    return EncodedRecord(
        record.source_system,
        record.record_key,
        record.kind,
        record.status,
        record.reason,
        record.mapping,
        record.source_hash,
        rows_hash(encoded),
        encoded,
    )


def rows_hash(encoded: str) -> str:
    """:attr:`MappedRecord.rows_hash` of rows already encoded by :func:`encode_rows`."""
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


#: Row values that are their own JSON form (most of them): no further checks.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def encode_value(value: Any) -> Any:
    """The JSON form of a row value: ``Ref`` and ``datetime`` become tagged objects."""
    if type(value) in _PLAIN:
        return value
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
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    return value


def _decoded(value: Any) -> Any:
    # Most values are plain scalars: skip the call for them (rows decode per record).
    return decode_value(value) if isinstance(value, dict | list) else value


def encode_rows(rows: tuple[MappedRow, ...]) -> str:
    """Canonical JSON of rows (sorted keys, no spaces): stable across runs and machines."""
    payload = [{"table": row.table, "values": encode_value(dict(row.values))} for row in rows]
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _tagged(value: dict[str, Any]) -> Any:
    # json's object hook sees every object, innermost first: the same result as
    # decode_value's walk, without visiting the scalars in Python.
    if len(value) == 1:
        if "$ref" in value:
            table, system, key = value["$ref"]
            return Ref(table, system, key)
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
    return value


#: One decoder for every record (``json.loads`` with a hook builds a new one per call).
_DECODER = json.JSONDecoder(object_hook=_tagged)


def decode_rows(text: str) -> tuple[MappedRow, ...]:
    return tuple(MappedRow(item["table"], item["values"]) for item in _DECODER.decode(text))
