"""Alembic environment of the KEHA schema, driven from transfer.schema.versioning.

There is no alembic.ini: versioning builds the Config in code and hands over an open
connection in ``config.attributes["connection"]``. Offline mode (SQL scripts) needs
``sqlalchemy.url`` set on the Config, for the dialect only.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from transfer.schema import metadata
from transfer.schema.bookkeeping import bookkeeping_metadata
from transfer.schema.versioning import include_name


def run_migrations(**where: Any) -> None:
    context.configure(
        target_metadata=[metadata, bookkeeping_metadata],
        include_name=include_name,
        # Later migrations that alter columns must rebuild tables on SQLite.
        render_as_batch=True,
        compare_type=True,
        **where,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations(url=context.config.get_main_option("sqlalchemy.url"), literal_binds=True)
else:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run the migrations through transfer.schema.versioning")
    run_migrations(connection=connection)
