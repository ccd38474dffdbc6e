"""The Markdown reference of the KEHA schema, generated from the models' metadata.

``python -m transfer.schema.reference > transfer/schema/REFERENCE.md`` writes it; a test
fails when the committed file and the models disagree, so the reference cannot go stale.
"""

from __future__ import annotations

import inspect
import sys
from types import ModuleType

from sqlalchemy import CheckConstraint, Column, ForeignKeyConstraint, Table, UniqueConstraint
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.schema import ColumnCollectionConstraint, DefaultClause

from transfer.schema import SECTIONS, Base, metadata
from transfer.schema.base import LANGUAGES, NAMING_CONVENTION, SOURCE_SYSTEMS
from transfer.schema.content import CONTENT_KINDS
from transfer.schema.versioning import VERSION_TABLE, head_revision

REGENERATE = "python -m transfer.schema.reference > transfer/schema/REFERENCE.md"
_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def tables_of(module: ModuleType) -> list[Table]:
    """The tables of the models defined in ``module``, in the order the module defines them."""
    found = []
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Base):
            table = value.__dict__.get("__table__")
            if value.__module__ == module.__name__ and isinstance(table, Table):
                found.append(table)
    return found


def _type(column: Column[object]) -> str:
    return str(column.type.compile(dialect=_DIALECT))


def _default(column: Column[object]) -> str:
    default = column.server_default
    if not isinstance(default, DefaultClause):
        return ""
    if isinstance(default.arg, str):
        return f"`{default.arg}`"
    return f"`{default.arg.compile(dialect=_DIALECT)}`"


def _key(column: Column[object], table: Table) -> str:
    keys = []
    if column.primary_key:
        keys.append("PK")
    single_unique = any(
        isinstance(constraint, UniqueConstraint) and list(constraint.columns) == [column]
        for constraint in table.constraints
    )
    if single_unique:
        keys.append("UQ")
    if any(list(index.columns) == [column] for index in table.indexes):
        keys.append("IX")
    if column.foreign_keys:
        keys.append("FK")
    return ", ".join(keys)


def _references(column: Column[object]) -> str:
    shown = []
    for foreign_key in sorted(column.foreign_keys, key=lambda fk: fk.target_fullname):
        rule = f" (on delete {foreign_key.ondelete})" if foreign_key.ondelete else ""
        shown.append(f"`{foreign_key.target_fullname}`{rule}")
    return ", ".join(shown)


def _constraints(table: Table) -> list[str]:
    lines = []
    for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
        if not isinstance(constraint, ColumnCollectionConstraint):
            continue
        columns = ", ".join(column.name for column in constraint.columns)
        if isinstance(constraint, UniqueConstraint):
            lines.append(f"- unique ({columns}): `{constraint.name}`")
        elif isinstance(constraint, CheckConstraint):
            lines.append(f"- check `{constraint.sqltext}`: `{constraint.name}`")
        elif isinstance(constraint, ForeignKeyConstraint):
            lines.append(
                f"- foreign key ({columns}) → `{constraint.referred_table.name}`: "
                f"`{constraint.name}`"
            )
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        columns = ", ".join(column.name for column in index.columns)
        kind = "unique index" if index.unique else "index"
        lines.append(f"- {kind} ({columns}): `{index.name}`")
    return lines


def render_table(table: Table) -> str:
    """The reference of one table: its comment, columns, keys, constraints and indexes."""
    lines = [f"### `{table.name}`", "", _cell(table.comment), ""]
    lines += [
        "| Column | Type | Null | Default | Key | References | Comment |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for column in table.columns:
        lines.append(
            f"| `{column.name}` | {_type(column)} | {'yes' if column.nullable else 'no'} "
            f"| {_default(column)} | {_key(column, table)} | {_references(column)} "
            f"| {_cell(column.comment)} |"
        )
    lines += ["", "Constraints and indexes:", "", *_constraints(table), ""]
    if table.name == "content_kinds":
        lines += ["Seeded kinds (code: label):", ""]
        lines += [f"- `{code}`: {label}" for code, label in CONTENT_KINDS]
        lines.append("")
    return "\n".join(lines)


def render_reference() -> str:
    """The whole reference as Markdown, identical for identical models."""
    lines = [
        "# KEHA schema reference",
        "",
        f"Generated from the models by `{REGENERATE}`; do not edit by hand.",
        "",
        f"- Schema revision: `{head_revision()}`, recorded in the database's "
        f"`{VERSION_TABLE}` table; upgrade with `transfer schema upgrade`.",
        "- Every table has an integer surrogate key `id` and its provenance: `source_system` "
        f"({', '.join(f'`{name}`' for name in SOURCE_SYSTEMS)}) and `source_key`. Tables whose "
        "rows each come from one source record make the pair unique; link and child tables "
        "index it.",
        f"- Languages of translations: {', '.join(f'`{tag}`' for tag in LANGUAGES)}.",
        "- Timestamps are timezone-aware and stored in UTC. Types are shown as PostgreSQL "
        "names them; SQLite stores the same columns with its own affinities.",
        "- Constraint names follow one convention on every database: "
        + ", ".join(f"`{pattern}`" for pattern in NAMING_CONVENTION.values())
        + ".",
        "- Migration bookkeeping (runs, id map, messages) lives in its own tables, "
        "not listed here.",
        "",
        "## Contents",
        "",
    ]
    for title, module in SECTIONS:
        lines.append(f"- {title}: " + ", ".join(f"`{t.name}`" for t in tables_of(module)))
    lines.append("")
    for title, module in SECTIONS:
        summary = inspect.cleandoc(module.__doc__ or "").split("\n\n")[0]
        lines += [f"## {title}", "", " ".join(summary.split()), ""]
        lines += [render_table(table) for table in tables_of(module)]
    listed = {table.name for _, module in SECTIONS for table in tables_of(module)}
    missing = sorted(set(metadata.tables) - listed)
    if missing:
        raise RuntimeError(f"tables in no section of the reference: {', '.join(missing)}")
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_reference())
