"""KEHA rows on their way in: checks, default values, references, and dialect upserts.

The same code runs on SQLite and PostgreSQL: the upsert comes from the dialect's own
``insert`` (``ON CONFLICT (source_system, source_key) DO UPDATE``), ids are looked up by
provenance with a tuple ``IN``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, UniqueConstraint, and_, select
from sqlalchemy.dialects import postgresql, sqlite

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


#: Per table, every column but ``id`` with its scalar default (None without one).
_DEFAULTS = {
    name: tuple((c.name, _default(c)) for c in table.columns if c.name != "id")
    for name, table in metadata.tables.items()
}


def table_of(name: str) -> Table:
    return metadata.tables[name]


def refs_in(values: Mapping[str, Any]) -> Iterator[tuple[str, Ref]]:
    for column, value in values.items():
        if isinstance(value, Ref):
            yield column, value


def row_problem(row: MappedRow) -> str | None:
    """Why ``row`` cannot be written whatever the target holds, or None."""
    table = metadata.tables.get(row.table)
    if table is None:
        return f"unknown KEHA table {row.table!r}"
    unknown = sorted(row.values.keys() - _COLUMNS[row.table])
    if unknown:
        return f"{row.table} has no column(s) {', '.join(unknown)}"
    if "id" in row.values:
        return f"{row.table} row sets its id; ids exist only in the target"
    for column in ("source_system", "source_key"):
        if not isinstance(row.values.get(column), str) or not row.values[column]:
            return f"{row.table} row lacks its provenance ({column})"
    for column, ref in refs_in(row.values):
        if ref.table not in UNIQUE_TABLES:
            return f"{row.table}.{column} refers to {ref.table!r}, which has no unique provenance"
        if not table.c[column].foreign_keys:
            return f"{row.table}.{column} is not a reference but holds {ref}"
    return None


def provenance(values: Mapping[str, Any]) -> Provenance:
    return (str(values["source_system"]), str(values["source_key"]))


def complete(table: Table, values: Mapping[str, Any], ids: Mapping[Ref, int]) -> dict[str, Any]:
    """All columns but ``id``: given values with references resolved, defaults for the rest
    (so a column the mapping stopped giving returns to its default on update)."""
    row: dict[str, Any] = {}
    for name, default in _DEFAULTS[table.name]:
        if name in values:
            value = values[name]
            row[name] = ids[value] if isinstance(value, Ref) else value
        else:
            row[name] = default
    return row


def upsert(
    connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]
) -> dict[Provenance, int]:
    """Insert ``rows`` or update the rows with the same provenance, in one statement;
    returns the rows' ids by provenance (RETURNING: no second look-up)."""
    if not rows:
        return {}
    dialect = sqlite if connection.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(table)
    keys = ("source_system", "source_key")
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: statement.excluded[name] for name in rows[0] if name not in keys},
    ).returning(table.c.id, table.c.source_system, table.c.source_key)
    return {
        (system, key): int(row_id)
        for row_id, system, key in connection.execute(statement, list(rows))
    }


def pair_filters(
    system_column: ColumnElement[str], key_column: ColumnElement[str], pairs: Iterable[Provenance]
) -> Iterator[ColumnElement[bool]]:
    """WHERE clauses that together select ``pairs``: ``system = ? AND key IN (...)``, in
    chunks. A row-value ``IN`` would do in one clause, but SQLite does not use the unique
    index for it, and this form is an index lookup on every dialect."""
    by_system: dict[str, list[str]] = {}
    for system, key in sorted(set(pairs)):
        by_system.setdefault(system, []).append(key)
    for system, keys in by_system.items():
        for start in range(0, len(keys), _CHUNK):
            yield and_(system_column == system, key_column.in_(keys[start : start + _CHUNK]))


def ids_by_provenance(
    connection: Connection, table: Table, keys: Iterable[Provenance]
) -> dict[Provenance, int]:
    """The ids of the rows of a unique-provenance table that exist for ``keys``."""
    found: dict[Provenance, int] = {}
    columns = select(table.c.id, table.c.source_system, table.c.source_key)
    for clause in pair_filters(table.c.source_system, table.c.source_key, keys):
        for row_id, system, key in connection.execute(columns.where(clause)):
            found[(system, key)] = int(row_id)
    return found


def rows_by_provenance(
    connection: Connection, table: Table, keys: Iterable[Provenance]
) -> dict[Provenance, dict[str, Any]]:
    """Whole rows (id included) of a unique-provenance table for ``keys``."""
    found: dict[Provenance, dict[str, Any]] = {}
    for clause in pair_filters(table.c.source_system, table.c.source_key, keys):
        for row in connection.execute(select(table).where(clause)).mappings():
            found[(row["source_system"], row["source_key"])] = dict(row)
    return found


def rows_by_id(connection: Connection, table: Table, ids: Iterable[int]) -> list[dict[str, Any]]:
    wanted = sorted(set(ids))
    found: list[dict[str, Any]] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        result = connection.execute(select(table).where(table.c.id.in_(chunk)))
        found.extend(dict(row) for row in result.mappings())
    return found
