"""Reading the KEHA target row by row, with references turned back into provenance.

Target rows refer to each other by database id; mapped rows by :class:`Ref` (table,
source system, source key). To compare the two, every foreign key is joined to the row it
points at and read as that row's provenance. Rows stream through a server-side cursor
(``yield_per``), so memory stays flat however large the target is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, UniqueConstraint, inspect, select
from sqlalchemy.sql.elements import ColumnElement

from transfer.schema import metadata
from transfer.schema.bookkeeping import id_map, runs
from transfer.stores.mapped import Ref

PROVENANCE = ("source_system", "source_key")
BATCH = 1000


def ref_text(table: str, system: str, key: str) -> str:
    """The printable, comparable form of a reference to another row."""
    return f"-> {table}:{system}:{key}"


def normalise(value: Any) -> Any:
    """A value in the form both sides are compared in: JSON-safe, timestamps in UTC ISO."""
    if isinstance(value, Ref):
        return ref_text(value.table, value.source_system, value.source_key)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return value


@cache
def pair_columns(table: Table) -> tuple[str, ...]:
    """Columns that tell apart rows sharing one provenance (empty for one-row tables)."""
    uniques = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    if any({col.name for col in c.columns} == set(PROVENANCE) for c in uniques):
        return ()
    for constraint in uniques:
        return tuple(col.name for col in constraint.columns)
    return ()


def pair_key(table: Table, values: Mapping[str, Any]) -> str:
    """The JSON key of a row within its provenance group (see :func:`pair_columns`)."""
    columns = pair_columns(table)
    if not columns:
        return ""
    return json.dumps([normalise(values.get(name)) for name in columns], ensure_ascii=False)


def keha_tables() -> list[Table]:
    """The KEHA tables, parents before children."""
    return list(metadata.sorted_tables)


@dataclass(frozen=True)
class TargetRow:
    table: str
    source_system: str
    source_key: str
    pair: str
    values: Mapping[str, Any]  # normalised; foreign keys as reference texts


def stream_rows(
    connection: Connection,
    table: Table,
    columns: tuple[str, ...] | None = None,
    share: tuple[int, int] = (0, 1),
) -> Iterator[TargetRow]:
    """Every row of ``table`` in id order, foreign keys resolved to provenance, in batches;
    with ``share`` (index, of), only the rows whose id leaves ``index`` divided by ``of``."""
    wanted = [
        c for c in table.columns if columns is None or c.name in columns or c.name in PROVENANCE
    ]
    selected: list[ColumnElement[Any]] = []
    joined: Any = table
    refs: dict[str, str] = {}
    for column in wanted:
        fks = list(column.foreign_keys)
        if not fks or column.name == "id":
            selected.append(column.label(column.name))
            continue
        parent = fks[0].column.table.alias(f"ref_{column.name}")
        joined = joined.outerjoin(parent, column == parent.c.id)
        selected += [
            parent.c.source_system.label(f"{column.name}__system"),
            parent.c.source_key.label(f"{column.name}__key"),
        ]
        refs[column.name] = fks[0].column.table.name
    # In id order: the same order on every dialect and in every share (see
    # transfer.verification.records.replay).
    query = select(*selected).select_from(joined).order_by(table.c.id)
    index, of = share
    if of > 1:
        query = query.where(table.c.id % of == index)
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    for row in result.mappings():
        values: dict[str, Any] = {}
        for column in wanted:
            if column.name in refs:
                system, key = row[f"{column.name}__system"], row[f"{column.name}__key"]
                values[column.name] = (
                    None if system is None else ref_text(refs[column.name], system, key)
                )
            else:
                values[column.name] = normalise(row[column.name])
        yield TargetRow(
            table.name,
            str(values["source_system"]),
            str(values["source_key"]),
            pair_key(table, values),
            values,
        )


def id_map_entries(connection: Connection) -> Iterator[tuple[str, str, str, str | None, bool]]:
    """The loader's id map (nothing when the target has none): per record its system, key,
    status, reason, and whether the latest load run wrote the entry. A run that finds a
    record unchanged leaves its entry as an earlier run wrote it."""
    if not inspect(connection).has_table(id_map.name):
        return
    latest = connection.execute(
        select(runs.c.run_id)
        .where(runs.c.command == "load", runs.c.state != "rolled_back")
        .order_by(runs.c.started_at.desc(), runs.c.run_id.desc())
        .limit(1)
    ).scalar()
    query = select(
        id_map.c.source_system,
        id_map.c.record_key,
        id_map.c.status,
        id_map.c.reason,
        id_map.c.run_id,
    )
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    for system, key, status, reason, run_id in result:
        yield system, key, status, reason, latest is None or run_id == latest
