"""The migrations create exactly the models' schema, record their version, and go back."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, inspect, select, text

from transfer.errors import LoadError
from transfer.schema import metadata
from transfer.schema.bookkeeping import bookkeeping_metadata
from transfer.schema.content import CONTENT_KINDS, ContentKind
from transfer.schema.versioning import (
    VERSION_TABLE,
    check_current,
    current_revision,
    downgrade,
    head_revision,
    include_name,
    upgrade,
)


def schema_differences(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_name, "compare_type": True}
        )
        return list(compare_metadata(context, [metadata, bookkeeping_metadata]))  # type: ignore[arg-type]


def test_upgrade_creates_exactly_the_models_schema(engine: Engine) -> None:
    assert current_revision(engine) is None
    upgrade(engine)
    assert schema_differences(engine) == []
    assert current_revision(engine) == head_revision()
    assert check_current(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) == {
        *metadata.tables,
        *bookkeeping_metadata.tables,
        VERSION_TABLE,
    }


def test_check_constraints_and_server_defaults_are_created(keha: Engine) -> None:
    # compare_metadata does not look at check constraints or server defaults; this does.
    inspector = inspect(keha)
    for table in metadata.tables.values():
        created = {check["name"] for check in inspector.get_check_constraints(table.name)}
        declared = {
            constraint.name
            for constraint in table.constraints
            if isinstance(constraint, CheckConstraint)
        }
        assert created == declared, table.name
        defaults = {
            column["name"]
            for column in inspector.get_columns(table.name)
            if column.get("default") is not None and column["name"] != "id"
        }
        assert defaults == {c.name for c in table.columns if c.server_default}, table.name


def test_downgrade_to_base_removes_every_table(keha: Engine) -> None:
    downgrade(keha, "base")
    assert inspect(keha).get_table_names() == [VERSION_TABLE]
    assert current_revision(keha) is None
    upgrade(keha)  # and the way back up works on the emptied database
    assert schema_differences(keha) == []


def test_upgrade_is_idempotent_at_head(keha: Engine) -> None:
    upgrade(keha)
    assert current_revision(keha) == head_revision()


def test_other_tables_in_the_database_are_left_alone(engine: Engine) -> None:
    # The migration bookkeeping will live beside the KEHA tables, outside this metadata.
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE transfer_runs (id INTEGER PRIMARY KEY)"))
    upgrade(engine)
    assert schema_differences(engine) == []
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) == {"transfer_runs", VERSION_TABLE}


def test_content_kinds_are_seeded_as_the_models_list_them(keha: Engine) -> None:
    with keha.connect() as connection:
        rows = connection.execute(
            select(ContentKind.code, ContentKind.label, ContentKind.source_system).order_by(
                ContentKind.id
            )
        ).all()
    assert [(code, label) for code, label, _ in rows] == list(CONTENT_KINDS)
    assert {system for _, _, system in rows} == {"keha"}


def test_check_current_refuses_a_database_without_schema(engine: Engine) -> None:
    with pytest.raises(LoadError) as raised:
        check_current(engine)
    assert "no KEHA schema" in raised.value.what
    assert "run `transfer schema upgrade`" in raised.value.next_step


def test_check_current_refuses_an_unknown_revision(keha: Engine) -> None:
    with keha.begin() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = 'f00dfeed'"))
    with pytest.raises(LoadError) as raised:
        check_current(keha)
    assert "f00dfeed" in raised.value.what
    assert "run `transfer schema upgrade`" in raised.value.next_step


def test_an_unknown_target_revision_is_a_load_error(engine: Engine) -> None:
    with pytest.raises(LoadError) as raised:
        upgrade(engine, "nosuchrevision")
    assert "nosuchrevision" in str(raised.value)
