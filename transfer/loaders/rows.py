"""KEHA rows on their way in: checks, default values, references, and dialect upserts.

The same code runs on SQLite and PostgreSQL: the upsert comes from the dialect's own
``insert`` (``ON CONFLICT (source_system, source_key) DO UPDATE``), ids are looked up by
provenance with a tuple ``IN``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    Connection,
    Integer,
    Row,
    Select,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    any_,
    bindparam,
    func,
    select,
)

from transfer.loaders.bulk import insert_returning
from transfer.schema import metadata
from transfer.stores.mapped import MappedRow, Ref

Provenance = tuple[str, str]
_CHUNK = 400

#: Tables in dependency order: a table comes after every table it refers to.
ORDER: dict[str, int] = {table.name: index for index, table in enumerate(metadata.sorted_tables)}


def _has_unique_source(table: Table) -> bool:
    return any(
        isinstance(constraint, UniqueConstraint)
        and {column.name for column in constraint.columns} == {"source_system", "source_key"}
        for constraint in table.constraints
    )


#: One-record-one-row tables, upserted by provenance; the others are replaced per record.
UNIQUE_TABLES = frozenset(
    name for name, table in metadata.tables.items() if _has_unique_source(table)
)
#: Tables whose rows are unpublished, not deleted, when their record leaves the source.
STATEFUL_TABLES = frozenset(name for name, table in metadata.tables.items() if "state" in table.c)
#: Child tables served on their own, without a state: when their record is unpublished
#: their rows are deleted (a redirect to a withdrawn page would answer 301 and then 404);
#: a comeback writes them again with the record's other child rows.
WITHDRAWN_CHILD_TABLES = frozenset({"redirects"})


#: Per table, its column names (what :func:`row_problem` checks against).
_COLUMNS = {name: frozenset(table.c.keys()) for name, table in metadata.tables.items()}


def _default(column: Any) -> Any:
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


#: Per table, every column but ``id`` with its scalar default (None without one), in
#: column order.
_DEFAULTS = {
    name: {c.name: _default(c) for c in table.columns if c.name != "id"}
    for name, table in metadata.tables.items()
}


def table_of(name: str) -> Table:
    return metadata.tables[name]


def refs_in(values: Mapping[str, Any]) -> tuple[tuple[str, Ref], ...]:
    """The references among ``values``: (column, Ref) in column order."""
    return tuple((column, value) for column, value in values.items() if isinstance(value, Ref))


#: Per table, the columns that hold a foreign key (where a Ref may go).
_FOREIGN = {
    name: frozenset(c.name for c in table.columns if c.foreign_keys)
    for name, table in metadata.tables.items()
}


#: What PostgreSQL's ``BIGINT``, ``INTEGER`` and ``SMALLINT`` hold (SQLite's integers are
#: all 64-bit, and its driver cannot even bind a larger one).
_INT64 = range(-(2**63), 2**63)
_INT32 = range(-(2**31), 2**31)
_INT16 = range(-(2**15), 2**15)
#: How a message names what a column takes, by the Python type its values have.
_TAKES = {str: "text", int: "an integer", bool: "true or false", datetime: "a date and time"}


@dataclass(frozen=True)
class _Kind:
    """What a column takes: values of one Python type, within a limit PostgreSQL enforces
    and SQLite does not (a ``String(n)``'s length in characters, an integer column's range)."""

    python: type
    limit: int | range | None = None


def _kind(column: Column[Any]) -> _Kind:
    kind = column.type
    python = kind.impl_instance.python_type if isinstance(kind, TypeDecorator) else kind.python_type
    if isinstance(kind, String) and kind.length:
        return _Kind(python, kind.length)
    if isinstance(kind, BigInteger):
        return _Kind(python, _INT64)
    if isinstance(kind, Integer):
        return _Kind(python, _INT16 if isinstance(kind, SmallInteger) else _INT32)
    return _Kind(python)


#: Per table, what each column takes. A value of another type or beyond a limit fails its
#: record on every target: SQLite stores a string in an integer column or a 40-character
#: code in a ``String(32)`` that the cutover's PostgreSQL refuses (and rounds a float in an
#: integer column, stores a list as an array's text), and a dry run must fail what the
#: cutover would; a list or a map would otherwise stop the load as a database failure.
_KINDS = {
    name: {column.name: _kind(column) for column in table.columns}
    for name, table in metadata.tables.items()
}


def _value_problem(table: str, column: str, value: Any, kind: _Kind) -> str | None:
    python = type(value)
    if python is int and kind.python is str:
        value = str(value)  # a number in a text column: both targets store its digits
    elif python is float and kind.python is int and value.is_integer():
        value = int(value)  # 2.0 (a JSON number of a double field): both store 2
    elif python is int and kind.python is bool and value in (0, 1):
        pass  # SQLAlchemy's Boolean takes 0 and 1 on both targets
    elif python is not kind.python and not (isinstance(value, kind.python) and python is not bool):
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        takes = _TAKES.get(kind.python, kind.python.__name__)
        return f"{table}.{column} takes {takes}, not {shown} ({python.__name__})"
    limit = kind.limit
    if isinstance(limit, range):
        # compared, not `in`: for anything but an int, `in` walks the whole range
        if not limit.start <= value < limit.stop:
            return (
                f"{table}.{column} is {value}, beyond what its column holds "
                f"({limit.start} to {limit.stop - 1})"
            )
    elif limit is not None and len(value) > limit:
        return (
            f"{table}.{column} has {len(value)} characters, more than the {limit} its column "
            f"holds: {value[:60]!r}"
        )
    return None


def row_problem(row: MappedRow, refs: tuple[tuple[str, Ref], ...]) -> str | None:
    """Why ``row`` cannot be written whatever the target holds, or None (``refs``: its
    :func:`refs_in`, which the caller keeps)."""
    columns = _COLUMNS.get(row.table)
    if columns is None:
        return f"unknown KEHA table {row.table!r}"
    values = row.values
    if not columns.issuperset(values):
        unknown = sorted(values.keys() - columns)
        return f"{row.table} has no column(s) {', '.join(unknown)}"
    if "id" in values:
        return f"{row.table} row sets its id; ids exist only in the target"
    for column in ("source_system", "source_key"):
        value = values.get(column)
        if not isinstance(value, str) or not value:
            return f"{row.table} row lacks its provenance ({column})"
    foreign = _FOREIGN[row.table]
    for column, ref in refs:
        if ref.table not in UNIQUE_TABLES:
            return f"{row.table}.{column} refers to {ref.table!r}, which has no unique provenance"
        if column not in foreign:
            return f"{row.table}.{column} is not a reference but holds {ref}"
    kinds = _KINDS[row.table]
    for column, value in values.items():
        kind = kinds[column]
        if value is None or (type(value) is kind.python and kind.limit is None):
            continue  # the common case, at once
        if not isinstance(value, Ref):
            problem = _value_problem(row.table, column, value, kind)
            if problem is not None:
                return problem
    return None


def provenance(values: Mapping[str, Any]) -> Provenance:
    return (str(values["source_system"]), str(values["source_key"]))


def complete(table: Table, values: Mapping[str, Any], ids: Mapping[Ref, int]) -> dict[str, Any]:
    """All columns but ``id``: given values with references resolved, defaults for the rest
    (so a column the mapping stopped giving returns to its default on update)."""
    row = dict(_DEFAULTS[table.name])  # every column, in column order
    for name, value in values.items():
        row[name] = ids[value] if isinstance(value, Ref) else value
    return row


def upsert(
    connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]
) -> dict[Provenance, int]:
    """Insert ``rows`` or update the rows with the same provenance, a few hundred rows per
    statement (``ON CONFLICT (source_system, source_key) DO UPDATE``); returns the rows'
    ids by provenance (RETURNING: no second look-up)."""
    returned = insert_returning(
        connection,
        table,
        [dict(row) for row in rows],
        ("id", "source_system", "source_key"),
        conflict=("source_system", "source_key"),
    )
    return {(system, key): int(row_id) for row_id, system, key in returned}


def by_provenance(
    connection: Connection,
    statement: Select[Any],
    pairs: Iterable[Provenance],
) -> Iterator[Row[Any]]:
    """The rows of ``statement`` (from :func:`keyed_select`) for ``pairs``: one execution
    per source system."""
    by_system: dict[str, list[str]] = {}
    for system, key in sorted(set(pairs)):
        by_system.setdefault(system, []).append(key)
    postgresql = connection.dialect.name == "postgresql"
    for system, keys in by_system.items():
        listed: Any = keys if postgresql else json.dumps(keys)
        yield from connection.execute(statement, {"system": system, "keys": listed})


@cache
def keyed_select(
    dialect: str, table: Table, system: str, key: str, columns: tuple[str, ...] = ()
) -> Select[Any]:
    """``SELECT columns (all without) FROM table WHERE system = :system AND key IN :keys``,
    built once: the keys are bound as ONE parameter (SQLite: a JSON array read by
    ``json_each``; PostgreSQL: ``= ANY`` of an array), so SQLAlchemy compiles the
    statement once, whatever the number of keys (an expanding ``IN`` is rendered again on
    every call). A row-value ``IN`` would need no grouping by system, but SQLite does not
    use the unique index for it; this form is an index lookup on both dialects."""
    chosen = [table.c[name] for name in columns] if columns else [table]
    system_column, key_column = table.c[system], table.c[key]
    if dialect == "postgresql":
        keys = bindparam("keys", type_=ARRAY(Text()))
        wanted = key_column == any_(keys)
    else:
        listed = func.json_each(bindparam("keys", type_=Text()))
        wanted = key_column.in_(select(listed.table_valued("value").c.value))
    return select(*chosen).where(system_column == bindparam("system"), wanted)


_ID_COLUMNS = ("id", "source_system", "source_key")


def ids_by_provenance(
    connection: Connection, table: Table, keys: Iterable[Provenance]
) -> dict[Provenance, int]:
    """The ids of the rows of a unique-provenance table that exist for ``keys``."""
    statement = keyed_select(
        connection.dialect.name, table, "source_system", "source_key", _ID_COLUMNS
    )
    found: dict[Provenance, int] = {}
    for row in by_provenance(connection, statement, keys):
        values: Sequence[Any] = row
        found[(values[1], values[2])] = int(values[0])
    return found


def rows_by_provenance(
    connection: Connection, table: Table, keys: Iterable[Provenance]
) -> dict[Provenance, dict[str, Any]]:
    """Whole rows (id included) of a unique-provenance table for ``keys``."""
    statement = keyed_select(connection.dialect.name, table, "source_system", "source_key")
    found: dict[Provenance, dict[str, Any]] = {}
    for row in by_provenance(connection, statement, keys):
        values = dict(row._mapping)
        found[(values["source_system"], values["source_key"])] = values
    return found


def rows_by_id(connection: Connection, table: Table, ids: Iterable[int]) -> list[dict[str, Any]]:
    wanted = sorted(set(ids))
    found: list[dict[str, Any]] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        result = connection.execute(select(table).where(table.c.id.in_(chunk)))
        found.extend(dict(row) for row in result.mappings())
    return found
