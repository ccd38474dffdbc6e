"""Every KEHA table follows the schema's conventions; checked on the metadata alone."""

from __future__ import annotations

import pytest
from sqlalchemy import Table, UniqueConstraint

from transfer.schema import metadata

TABLES = sorted(metadata.tables.values(), key=lambda table: table.name)

#: Tables whose rows come many from one source record: provenance indexed, not unique.
SHARED_SOURCE = {
    "faq_entries",
    "content_item_terms",
    "translation_assets",
    "translation_contacts",
    "redirects",
    "discussion_post_assets",
}


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_table_has_key_provenance_and_comment(table: Table) -> None:
    assert [column.name for column in table.primary_key.columns] == ["id"]
    assert not table.c.source_system.nullable
    assert not table.c.source_key.nullable
    assert table.comment, f"{table.name} needs a docstring"
    unique_source = any(
        isinstance(constraint, UniqueConstraint)
        and {column.name for column in constraint.columns} == {"source_system", "source_key"}
        for constraint in table.constraints
    )
    indexed_source = any(
        [column.name for column in index.columns] == ["source_system", "source_key"]
        for index in table.indexes
    )
    if table.name in SHARED_SOURCE:
        assert indexed_source and not unique_source
    else:
        assert unique_source


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_names_fit_postgresql(table: Table) -> None:
    # PostgreSQL silently truncates identifiers past 63 bytes; truncated names would break
    # later migrations that drop constraints by name.
    names = [table.name, *(str(c.name) for c in table.constraints)]
    names += [str(index.name) for index in table.indexes]
    assert all(len(name.encode()) <= 63 for name in names), names
    assert all(name and name != "None" for name in names)


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_foreign_keys_say_what_happens_on_delete(table: Table) -> None:
    for foreign_key in table.foreign_keys:
        assert foreign_key.ondelete in {"CASCADE", "SET NULL", "RESTRICT"}, foreign_key
        if foreign_key.ondelete == "SET NULL":
            assert foreign_key.parent.nullable, foreign_key
