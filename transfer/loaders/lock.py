"""One writer at a time: a load or a rollback holds the target's writer lock while it runs.

Two loads at once would each take the other for a crashed run, and a rollback between
another load's batches would undo half of what it found. The lock lives where the target
does, so it holds across processes and machines:

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) for the target's
  schema, on a connection kept open for the run; the server releases it when that
  connection ends, a killed process included.
- SQLite: an exclusive ``flock`` on ``<database>.lock`` beside the database file; the
  kernel releases it when the process ends.

The lock is tried, never waited for: the second writer stops at once with a clear error.
A plan (``--plan``) writes nothing and takes no lock.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from transfer.database import display_url
from transfer.errors import LoadError

#: The advisory lock's first key on PostgreSQL ("trnf" in ASCII); the second is the schema's.
ADVISORY_KEY = 0x74726E66


@contextmanager
def writer_lock(engine: Engine, what: str) -> Iterator[None]:
    """Hold the target's writer lock for ``what`` (a load, a rollback); raise LoadError
    naming the target when another writer holds it."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine, what):
            yield
        return
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        with _file_lock(Path(database).with_name(Path(database).name + ".lock"), engine, what):
            yield
        return
    yield


def _busy(engine: Engine, what: str) -> LoadError:
    return LoadError(
        f"another load or rollback is writing to this target; this {what} did not start",
        where=display_url(engine.url),
        next_step="wait for it to finish (`transfer runs` shows the running load), "
        "then run this again",
    )


@contextmanager
def _advisory(engine: Engine, what: str) -> Iterator[None]:
    with engine.connect() as connection:
        taken = connection.execute(
            text("SELECT pg_try_advisory_lock(:key, hashtext(current_schema()))"),
            {"key": ADVISORY_KEY},
        ).scalar()
        connection.commit()
        if not taken:
            raise _busy(engine, what)
        try:
            yield
        finally:
            connection.execute(
                text("SELECT pg_advisory_unlock(:key, hashtext(current_schema()))"),
                {"key": ADVISORY_KEY},
            )
            connection.commit()


@contextmanager
def _file_lock(path: Path, engine: Engine, what: str) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _busy(engine, what) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
