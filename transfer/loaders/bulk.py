"""Plain multi-row writes through the driver, for the bookkeeping rows and the KEHA rows.

A load writes two to three bookkeeping rows (journal, id map, messages) per KEHA row.
SQLAlchemy's Core ``executemany`` builds a parameter dict per row through the compiled
statement; here the statement is built once per table and column list and every row
becomes a tuple, with the columns' own bind processors (UTC times, for one), so the
stored values are the same as Core would store. psycopg pipelines the executemany.

Rows whose ids the load needs back (:func:`insert_returning`) go as multi-row
``INSERT ... VALUES (...), (...) RETURNING``, as many rows per statement as the
driver's parameter limit allows: one round trip per few hundred rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import StatementError

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


def _tuples(
    rows: Sequence[dict[str, Any]], names: tuple[str, ...], processors: tuple[_Processor, ...]
) -> list[tuple[Any, ...]]:
    # itemgetter picks the values in C (a tuple for two names or more, one value for one)
    params: list[Any]
    if len(names) > 1:
        picked = itemgetter(*names)
        params = [picked(row) for row in rows]
    else:
        params = [tuple(row[name] for name in names) for row in rows]
    active = [(index, process) for index, process in enumerate(processors) if process]
    if active:
        for position, values in enumerate(params):
            converted = list(values)
            for index, process in active:
                if converted[index] is not None:
                    converted[index] = process(converted[index])
            params[position] = tuple(converted)
    return params


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
    connection.exec_driver_sql(sql, _tuples(rows, names, processors))


#: Bound parameters per statement: SQLite's limit (32,766 since 3.32) and PostgreSQL's
#: (65,535), with room to spare.
_MAX_PARAMETERS = {"sqlite": 32_000, "postgresql": 60_000}
#: Rows per statement at most (a few hundred rows already make the round trips rare).
_MAX_ROWS = 500


@cache
def _returning_statement(
    dialect: Dialect,
    table: Table,
    names: tuple[str, ...],
    conflict: tuple[str, ...],
    returning: tuple[str, ...],
    count: int,
) -> str:
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    row = f"({', '.join(mark for _ in names)})"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "  # noqa: S608
        f"VALUES {', '.join(row for _ in range(count))}"
    )
    if conflict:
        updates = ", ".join(
            f"{quote(name)} = excluded.{quote(name)}" for name in names if name not in conflict
        )
        sql += f" ON CONFLICT ({', '.join(quote(n) for n in conflict)}) DO UPDATE SET {updates}"
    return sql + f" RETURNING {', '.join(quote(name) for name in returning)}"


def insert_returning(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    returning: tuple[str, ...],
    *,
    conflict: tuple[str, ...] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (dicts with the same keys; with ``conflict``, update the rows with
    the same ``conflict`` columns instead) and return the ``returning`` columns of every
    row written, in the database's order (not necessarily the rows' order). A value that
    its column's bind processor refuses raises StatementError, as Core's execute would."""
    if not rows:
        return []
    names = tuple(rows[0])
    dialect = connection.dialect
    _, processors = _statement(dialect, table, names, ())
    try:
        params = _tuples(rows, names, processors)
    except (TypeError, ValueError) as exc:
        raise StatementError(str(exc), str(table.insert()), None, exc) from None
    limit = _MAX_PARAMETERS.get(dialect.name, 900)
    size = max(1, min(_MAX_ROWS, limit // max(1, len(names))))
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(params), size):
        chunk = params[start : start + size]
        sql = _returning_statement(dialect, table, names, conflict, returning, len(chunk))
        flat = tuple(value for values in chunk for value in values)
        found.extend(tuple(row) for row in connection.exec_driver_sql(sql, flat))
    return found
