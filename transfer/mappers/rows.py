"""One source record → its :class:`MappedRecord`: the mappings' rows plus the rows the
stage adds (the translation group's content item, redirects), cleaned so a loader can
write them as they are."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import UniqueConstraint

from transfer.errors import MappingError
from transfer.mappers.context import MapContext, UnknownLink
from transfer.mappers.engine import Skip, map_rows
from transfer.mappers.mapping import Mapping
from transfer.mappers.plan import KIND_CODES, StagePlan
from transfer.records import SourceRecord
from transfer.schema import metadata
from transfer.stores.mapped import MappedRecord, MappedRow, Ref


def unique_sets(table: str) -> list[tuple[str, ...]]:
    """The column sets a table keeps unique (its provenance pair included)."""
    return list(_unique_sets(table))


@cache
def _unique_sets(table: str) -> tuple[tuple[str, ...], ...]:
    # The schema is fixed once imported; rows ask for their table's sets on every record.
    found = metadata.tables.get(table)
    if found is None:
        return ()
    return tuple(
        tuple(column.name for column in constraint.columns)
        for constraint in found.constraints
        if isinstance(constraint, UniqueConstraint)
    )


@cache
def provenance_unique(table: str) -> bool:
    return ("source_system", "source_key") in _unique_sets(table)


def map_one(
    record: SourceRecord, mappings: list[Mapping], context: MapContext, plan: StagePlan
) -> MappedRecord:
    """What ``record`` becomes. Never raises for a bad record: a processor failure gives a
    ``failed`` record with the message, so nothing is lost silently."""
    base: dict[str, Any] = {
        "source_system": record.source,
        "record_key": record.key,
        "kind": record.kind,
        "source_hash": record.record_hash,
        "mapping": ", ".join(m.id for m in mappings) or None,
    }
    if not mappings:
        return MappedRecord(
            **base,
            status="failed",
            reason=f"no mapping file maps {record.source} records of kind {record.kind!r}",
        )
    rows: list[MappedRow] = []
    try:
        for mapping in mappings:
            produced = map_rows(mapping, record, context)
            if isinstance(produced, Skip):
                return MappedRecord(**base, status="skipped", reason=produced.reason)
            assert mapping.target is not None
            rows += [MappedRow(mapping.target, row) for row in produced]
    except MappingError as exc:
        return MappedRecord(**base, status="failed", reason=str(exc))
    rows = _without_dangling(rows, record, context)
    rows += _stage_rows(record, rows, plan)
    return MappedRecord(**base, status="mapped", rows=tuple(_deduplicated(rows)))


def _without_dangling(
    rows: list[MappedRow], record: SourceRecord, context: MapContext
) -> list[MappedRow]:
    """Drop link rows whose required reference is unknown (a listed file that was never
    found), reporting each as an unknown link instead of handing the loader a null."""
    kept = []
    for row in rows:
        missing = [
            column
            for column in ("asset_id", "contact_id", "translation_id")
            if column in row.values and row.values[column] is None
        ]
        if row.table in ("translation_assets", "translation_contacts") and missing:
            context.report.unknown_links.append(
                UnknownLink(record.key, f"{row.table}.{missing[0]}", _href(row, record))
            )
            continue
        kept.append(row)
    return kept


def _href(row: MappedRow, record: SourceRecord) -> str:
    position = row.values.get("position")
    attachments = record.fields.get("attachments")
    if isinstance(position, int) and isinstance(attachments, list) and position <= len(attachments):
        entry = attachments[position - 1]
        if isinstance(entry, dict):
            return str(entry.get("url") or "")
    return ""


def _stage_rows(record: SourceRecord, rows: list[MappedRow], plan: StagePlan) -> list[MappedRow]:
    source = plan.sources.get(record.source)
    if source is None:
        return []
    added: list[MappedRow] = []
    is_translation = any(row.table == "content_translations" for row in rows)
    if is_translation and source.groups.key_of.get(record.key, record.key) == record.key:
        code = KIND_CODES.get(record.kind, record.kind)
        added.append(
            MappedRow(
                "content_items",
                {
                    "source_system": record.source,
                    "source_key": record.key,
                    "kind_id": Ref("content_kinds", "keha", code),
                    "state": "published",
                },
            )
        )
    if source.redirects is not None:
        is_asset = any(row.table == "assets" for row in rows)
        for redirect in source.redirects.by_target().get(record.key, []):
            added.append(
                MappedRow(
                    "redirects",
                    {
                        "source_system": record.source,
                        "source_key": record.key,
                        "old_host": redirect.old_host,
                        "old_path": redirect.old_path,
                        "new_path": redirect.new_path,
                        "status_code": 301,
                        "reason": redirect.reason,
                        "translation_id": Ref("content_translations", record.source, record.key)
                        if is_translation
                        else None,
                        "asset_id": Ref("assets", record.source, record.key) if is_asset else None,
                    },
                )
            )
    return added


def _deduplicated(rows: list[MappedRow]) -> list[MappedRow]:
    """Rows without repeats of a unique column set (a file listed twice on one page)."""
    seen: set[tuple[str, tuple[str, ...], tuple[str, ...]]] = set()
    out = []
    for row in rows:
        keys = []
        for columns in _unique_sets(row.table):
            if columns == ("source_system", "source_key") and not provenance_unique(row.table):
                continue
            if all(column in row.values for column in columns):
                keys.append((row.table, columns, tuple(repr(row.values[c]) for c in columns)))
        if any(key in seen for key in keys):
            continue
        seen.update(keys)
        out.append(row)
    return out
