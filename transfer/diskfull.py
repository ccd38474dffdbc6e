"""A full disk is an operator's problem with a clear next step, never an internal error.

:func:`disk_full_error` recognises a failed write for lack of space (``ENOSPC``, a quota,
a file-size limit, SQLite's "database or disk is full") anywhere in an exception's chain
and turns it into the error of the stage that was writing (exit 4 for extraction, 5 for
mapping, …), naming the folder, the space left and the space to free. Stages write
crash-safely (SQLite transactions, blobs renamed into place), so nothing is half-written
and the same command resumes once there is room.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
import traceback
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from transfer.errors import (
    CutoverError,
    ExtractionError,
    LoadError,
    MappingError,
    TransferError,
    VerificationError,
)

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_SQLITE_FULL = "database or disk is full"
#: The package that raised the error decides the stage (and so the exit code).
_STAGES: tuple[tuple[str, type[TransferError]], ...] = (
    ("transfer/extractors/", ExtractionError),
    ("transfer/mappers/", MappingError),
    ("transfer/loaders/", LoadError),
    ("transfer/verification/", VerificationError),
    ("transfer/cutover/", CutoverError),
)
_COMMANDS: dict[str, type[TransferError]] = {
    "extract": ExtractionError,
    "freeze-check": ExtractionError,
    "map": MappingError,
    "mappings": MappingError,
    "load": LoadError,
    "rollback": LoadError,
    "schema": LoadError,
    "verify": VerificationError,
    "cutover": CutoverError,
    "post-launch-check": CutoverError,
    "redirects": CutoverError,
}


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        if isinstance(current, DBAPIError) and isinstance(current.orig, BaseException):
            found.append(current.orig)
        current = current.__cause__ or current.__context__
    return found


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a write that failed for lack of space."""
    for item in _chain(exc):
        if isinstance(item, OSError) and item.errno in FULL_ERRNOS:
            return True
        if isinstance(item, sqlite3.Error) and _SQLITE_FULL in str(item):
            return True
    return False


def _failed_path(exc: BaseException) -> Path | None:
    for item in _chain(exc):
        if isinstance(item, OSError) and item.filename:
            return Path(str(item.filename))
    return None


def _stage_of(exc: BaseException, command: str) -> type[TransferError]:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = frame.filename.replace("\\", "/")
        for part, error in _STAGES:
            if part in path:
                return error
    return _COMMANDS.get(command, TransferError)


def _size(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        try:
            total += path.stat().st_size if path.is_file() else 0
        except OSError:
            continue
    return total


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def disk_full_error(exc: BaseException, command: str, workspace: Path) -> TransferError | None:
    """The stage's error for a full disk, or ``None`` when ``exc`` is something else."""
    if not is_disk_full(exc):
        return None
    failed = _failed_path(exc)
    folder = failed.parent if failed is not None else workspace
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        free = 0
    held = _size(workspace) if workspace.is_dir() else 0
    # The stage's output so far is the best measure of what it still needs: ask for as much
    # again (at least 100 MB), since SQLite may also need a copy of a database to commit.
    needed = max(held, 100_000_000)
    error = _stage_of(exc, command)(
        f"the disk is full: a write to {folder} failed ({_mb(free)} free there)",
        where=str(folder),
        next_step=f"free at least {_mb(needed)} on that file system (the workspace holds "
        f"{_mb(held)}), then run the same command again: nothing was half-written, and it "
        "resumes where it stopped",
    )
    return error
