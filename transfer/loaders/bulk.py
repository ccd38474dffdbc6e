"""Plain multi-row writes through the driver's ``executemany``, for the bookkeeping rows.

A load writes two to three bookkeeping rows (journal, id map, messages) per KEHA row.
SQLAlchemy's Core ``executemany`` builds a parameter dict per row through the compiled
statement; here the statement is built once per table and column list and every row
becomes a tuple, with the columns' own bind processors (UTC times, for one), so the
stored values are the same as Core would store. psycopg pipelines the executemany.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect

_Processor = Callable[[Any], Any] | None


@cache
def _statement(
    dialect: Dialect, table: Table, names: tuple[str, ...], conflict: tuple[str, ...]
) -> tuple[str, tuple[_Processor, ...]]:
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(quote(name) for name in names)
    sql = (
        f"INSERT INTO {quote(table.name)} ({columns}) "  # noqa: S608 (schema names only)
        f"VALUES ({', '.join(mark for _ in names)})"
    )
    if conflict:
        keys = ", ".join(quote(name) for name in conflict)
        updates = ", ".join(
            f"{quote(name)} = excluded.{quote(name)}" for name in names if name not in conflict
        )
        sql += f" ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    processors = tuple(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    )
    return sql, processors


def insert_many(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: tuple[str, ...] = (),
) -> None:
    """Insert ``rows`` (dicts with the same keys) in one executemany; with ``conflict``,
    a row whose ``conflict`` columns exist already replaces that row's other columns."""
    if not rows:
        return
    names = tuple(rows[0])
    sql, processors = _statement(connection.dialect, table, names, conflict)
    params: list[Any] = [tuple(row[name] for name in names) for row in rows]
    active = [(index, process) for index, process in enumerate(processors) if process]
    if active:
        for position, values in enumerate(params):
            converted = list(values)
            for index, process in active:
                if converted[index] is not None:
                    converted[index] = process(converted[index])
            params[position] = tuple(converted)
    connection.exec_driver_sql(sql, params)
