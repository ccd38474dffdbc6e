"""The engine: applies a mapping's chains to one source record.

Each column's chain runs in file order, so a later column can read an earlier one through
``row.<column>``. A processor may skip the record (``SkipRecord``); the engine then returns
a :class:`Skip` with the reason. Any other failure becomes a :class:`MappingError` that
names the record key, the mapping file and line, and the column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transfer.errors import MappingError
from transfer.mappers.context import Context, LostValue, MapContext
from transfer.mappers.mapping import Chain, Mapping
from transfer.mappers.paths import resolve
from transfer.mappers.registry import ProcessorError, SkipRecord, StopChain


@dataclass(frozen=True)
class Skip:
    """A record the mapping left out on purpose, and why (for the report)."""

    record_key: str
    mapping: str
    reason: str


Row = dict[str, object]


def map_record(mapping: Mapping, record: Any, context: MapContext) -> Row | Skip:
    """The target row of ``record`` under a single-row ``mapping``, or a :class:`Skip`.

    The row holds ``source_system``, ``source_key`` and every mapped column. Raises
    :class:`MappingError` (record key, file, line, column) when a processor fails, and for
    mappings with ``each:``, which give many rows (use :func:`map_rows`).
    """
    if mapping.each is not None:
        raise MappingError(
            f"{mapping.id} gives one row per element of {mapping.each}",
            where=mapping.where,
            next_step="call map_rows for mappings with each:",
        )
    rows = map_rows(mapping, record, context)
    return rows if isinstance(rows, Skip) else rows[0]


def map_rows(mapping: Mapping, record: Any, context: MapContext) -> list[Row] | Skip:
    """All target rows of ``record`` under ``mapping``: one, or one per ``each`` element
    (with ``item`` and a 1-based ``position``). A skip of any element skips the record."""
    if mapping.skip is not None:
        return Skip(record.key, mapping.id, mapping.skip)
    if mapping.each is None:
        items: list[tuple[Any, int | None]] = [(None, None)]
    else:
        probe = Context(record, {}, context, mapping.id)
        found = resolve(mapping.each, probe)
        elements = found if isinstance(found, list) else [] if found is None else [found]
        items = [(element, index) for index, element in enumerate(elements, start=1)]
    rows: list[Row] = []
    for item, position in items:
        row: Row = {"source_system": record.source}
        state = Context(record, row, context, mapping.id, item=item, position=position)
        try:
            if mapping.key is not None:
                row["source_key"] = _run(mapping, mapping.key, state)
            for chain in mapping.columns:
                row[chain.column] = _run(mapping, chain, state)
        except SkipRecord as skip:
            return Skip(record.key, mapping.id, skip.reason)
        rows.append(row)
    return rows


def _source_read(chain: Chain) -> str | None:
    """The source path a chain starts by reading (``get: fields.…`` or ``get: item…``)."""
    first = chain.steps[0] if chain.steps else None
    if first is None or first.name != "get":
        return None
    path = str(first.processor.config.get("path", ""))
    return path if path.split(".", 1)[0].split("[", 1)[0] in ("fields", "item") else None


def _is_empty(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}


def _run(mapping: Mapping, chain: Chain, context: Context) -> object:
    value = _chain(mapping, chain, context)
    source = _source_read(chain)
    if source is not None and _is_empty(value):
        found = resolve(source, context)
        if not _is_empty(found):
            # The source had a value here and the column has none: a loss the coverage
            # check reports unless the mapping declares it (allow_empty:).
            context.report.lost.append(
                LostValue(context.record.key, mapping.id, chain.column, source)
            )
    return value


def _chain(mapping: Mapping, chain: Chain, context: Context) -> object:
    context.column = chain.column
    value: Any = None
    for step in chain.steps:
        processor = step.processor
        try:
            if value is None and not processor.takes_none:
                continue
            if isinstance(value, list) and not processor.takes_lists:
                value = [v if v is None else processor(v, context) for v in value]
            else:
                value = processor(value, context)
        except StopChain:
            return None
        except SkipRecord:
            raise
        except (ProcessorError, MappingError) as exc:
            raise MappingError(
                f"{context.record.key}: {chain.column}: {step.name}: {exc.what}",
                where=f"{step.where} in {mapping.id}",
                next_step=exc.next_step or "fix the record's value or the mapping step",
            ) from exc
        except Exception as exc:  # any processor bug is named, not swallowed
            raise MappingError(
                f"{context.record.key}: {chain.column}: {step.name} failed: {exc!r}",
                where=f"{step.where} in {mapping.id}",
                next_step="report this with the record key; the processor has a bug",
            ) from exc
    return value
