"""The target database: an SQLAlchemy engine from the configured URL.

SQLite under the workspace by default, PostgreSQL through ``postgresql+psycopg://``. The
password comes from ``TRANSFER_TARGET_PASSWORD`` (or an inline password in an environment
URL) and is never shown: every URL this module hands out for display is redacted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from transfer.config import TargetSettings
from transfer.errors import ConfigError, TargetDatabaseError

CONNECT_TIMEOUT_S = 5


def target_url(target: TargetSettings) -> URL:
    """The configured URL with the password from the environment filled in."""
    try:
        url = make_url(target.url)
    except ArgumentError:
        raise ConfigError(
            f"target.url is not a database URL: {target.url!r}",
            next_step="use sqlite:///path/target.db or postgresql+psycopg://user@host:5432/keha",
        ) from None
    if target.password is not None and url.password is None:
        url = url.set(password=target.password.reveal())
    return url


def display_url(url: URL | str) -> str:
    """The URL as it may be printed: password masked."""
    return (make_url(url) if isinstance(url, str) else url).render_as_string(hide_password=True)


def create_target_engine(url: URL | str, **kwargs: Any) -> Engine:
    """An engine for the target; SQLite gets its folder, WAL and foreign keys switched on."""
    url = make_url(url) if isinstance(url, str) else url
    backend = url.get_backend_name()
    connect_args: dict[str, Any] = {}
    if backend == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    elif backend == "postgresql":
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    connect_args.update(kwargs.pop("connect_args", {}))
    try:
        engine = create_engine(url, connect_args=connect_args, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(
            f"cannot use the target database URL {display_url(url)}: {exc}",
            next_step="install the driver or fix the URL's dialect",
        ) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if backend != "sqlite" or (url.database and url.database != ":memory:"):
        # An absolute file: a worker process may have another working directory.
        shared = (
            url.set(database=str(Path(str(url.database)).resolve())) if backend == "sqlite" else url
        )
        _RECIPES[engine] = (shared.render_as_string(hide_password=False), connect_args)
    return engine


#: How each engine of :func:`create_target_engine` was made: its URL (password included)
#: and connect arguments, so that a worker process can open the same database.
_RECIPES: WeakKeyDictionary[Engine, tuple[str, dict[str, Any]]] = WeakKeyDictionary()


def engine_recipe(engine: Engine) -> tuple[str, dict[str, Any]] | None:
    """What another process needs to open ``engine``'s database as this one does (to be
    handed over a pipe, never shown: the URL carries the password); None for an engine
    :func:`create_target_engine` did not make."""
    return _RECIPES.get(engine)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the verification read while a load writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def describe_failure(url: URL, exc: DBAPIError) -> TargetDatabaseError:
    """Turn a driver error into a TargetDatabaseError that names the URL and the next step."""
    shown = display_url(url)
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    lowered = detail.lower()
    if (
        "password authentication failed" in lowered
        or "authentication failed" in lowered
        or "no password supplied" in lowered
    ):
        next_step = (
            "check the user in target.url and the password in TRANSFER_TARGET_PASSWORD, "
            "then run `transfer doctor` again"
        )
        what = f"the target database refused the login: {detail}"
    elif "does not exist" in lowered:
        next_step = "create the database (createdb) or fix the name in target.url"
        what = f"the target database does not exist: {detail}"
    elif "unable to open database file" in lowered:
        next_step = "check that the SQLite file's folder exists and is writable"
        what = f"cannot open the SQLite target: {detail}"
    else:
        next_step = (
            "check that the server runs and listens at the host and port of target.url, "
            "then run `transfer doctor` again"
        )
        what = f"the target database is unreachable: {detail}"
    return TargetDatabaseError(what, where=shown, next_step=next_step)


def ping(engine: Engine) -> str:
    """Connect and run a trivial query; return the server's dialect and version."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            version = ".".join(str(part) for part in engine.dialect.server_version_info or ())
    except DBAPIError as exc:
        raise describe_failure(engine.url, exc) from None
    return f"{engine.dialect.name} {version}".strip()
