"""Schema versions: run the Alembic migrations of the KEHA schema, and check the version.

The migrations live inside the package (``transfer/schema/migrations``), found from this
file's path, so they run the same from a checkout and from an installed package; the Alembic
``Config`` is built here, without an alembic.ini. The database records its version in the
``alembic_version`` table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from transfer.database import describe_failure, display_url
from transfer.errors import LoadError
from transfer.schema import metadata
from transfer.schema.bookkeeping import bookkeeping_metadata

if TYPE_CHECKING:
    from alembic.runtime.environment import NameFilterParentNames, NameFilterType

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
UPGRADE_STEP = "run `transfer schema upgrade`"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config for the KEHA migrations, optionally bound to an open connection."""
    config = Config()
    # The Config is a ConfigParser: a % in the path would start an interpolation.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def include_name(
    name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames
) -> bool:
    """Compare only the KEHA tables and the load bookkeeping: other tables in the same
    database (a DBA's own) are not ours to create or drop."""
    if type_ == "table":
        return name in metadata.tables or name in bookkeeping_metadata.tables
    return True


@contextmanager
def _migrating(engine: Engine) -> Iterator[Config]:
    try:
        with engine.begin() as connection:
            yield alembic_config(connection)
    except DBAPIError as exc:
        raise describe_failure(engine.url, exc) from None
    except (CommandError, ResolutionError) as exc:
        raise LoadError(
            f"cannot migrate the KEHA schema: {exc}",
            where=display_url(engine.url),
            next_step="give a revision listed in transfer/schema/REFERENCE.md, or `head`",
        ) from None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the KEHA schema up to ``revision`` (default: the newest), in one transaction
    where the database allows transactional DDL (PostgreSQL does)."""
    with _migrating(engine) as config:
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the KEHA schema back to ``revision``; ``"base"`` drops every KEHA table."""
    with _migrating(engine) as config:
        command.downgrade(config, revision)


def head_revision() -> str:
    """The newest revision this toolkit knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise LoadError(
            "this installation of transfer ships no KEHA migrations",
            where=str(MIGRATIONS_DIR),
            next_step="reinstall transfer",
        )
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has no KEHA schema yet."""
    try:
        with engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
    except DBAPIError as exc:
        raise describe_failure(engine.url, exc) from None
    if len(heads) > 1:
        raise LoadError(
            f"the database records several schema revisions: {', '.join(sorted(heads))}",
            where=f"{display_url(engine.url)} ({VERSION_TABLE})",
            next_step="merge the branches with a migration, then " + UPGRADE_STEP,
        )
    return heads[0] if heads else None


def check_current(engine: Engine) -> str:
    """Return the database's revision if it is the newest; raise LoadError otherwise.

    Loaders call this first, so that rows are never written into an older or unknown schema.
    """
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return head
    where = display_url(engine.url)
    if current is None:
        raise LoadError(
            "the target database has no KEHA schema (no schema version recorded)",
            where=where,
            next_step=UPGRADE_STEP,
        )
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(current)
    except (CommandError, ResolutionError):
        raise LoadError(
            f"the target database is at schema revision {current}, unknown to this toolkit "
            f"(its newest is {head}); a newer transfer may have migrated it",
            where=where,
            next_step=f"{UPGRADE_STEP} with the transfer version that knows {current}",
        ) from None
    raise LoadError(
        f"the target database is at schema revision {current}, behind the newest, {head}",
        where=where,
        next_step=UPGRADE_STEP,
    )
