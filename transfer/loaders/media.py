"""The target media store: asset bytes copied from the blob store, checked after copying.

A directory by default (``load.media_dir``, else ``<workspace>/media``). Files sit at the
asset row's ``storage_path`` (``ab/cd/<sha256>`` by default), so the store is
content-addressed; a file is written to a temporary name and renamed into place, then read
back and hashed: bytes that do not hash to the row's sha256 are an error for that record.

**Placed ahead.** Creating thousands of small files is slow on many file systems (up to
half of a load's time at the sandbox's sizes here), so a load gives the store, as it starts,
the files it will place (:meth:`MediaStore.ahead`, in the order the helper should take them), and a
helper process places them while the load goes on. :meth:`MediaStore.place` still decides:
it takes a file the helper placed and checked, checks by its hash one it finds in place,
and places any other itself, as without the helper. The helper checks its own copies by
their hash and leaves out a blob that is missing or damaged, so what it places is what
:meth:`place` would; a record whose blob is bad fails there, with the same message. The
helper is a worker of :mod:`transfer.workers`: it ignores Ctrl-C and SIGTERM and ends when
the load's process is gone.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path, PurePosixPath
from typing import Any

from transfer.stores.blobs import CHUNK, BlobStore
from transfer.workers import context, follow_owner


class MediaProblem(Exception):
    """An asset's bytes could not be placed in the media store."""


def default_storage_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _copy(source: Path, target: Path, serial: int) -> None:
    """Copy ``source`` to ``target`` through a temporary name of this process's own (no
    other process writes it; a killed load may leave one behind, which a later copy of
    the same process id overwrites), owner-only."""
    temporary = target.parent / f".incoming-{os.getpid()}-{serial}"
    try:
        # owner-only, as tempfile.mkstemp made it before (the file keeps the mode)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out, source.open("rb") as data:
            shutil.copyfileobj(data, out, CHUNK)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# The helper process's own media store (see _start_helper).
_helper_store: MediaStore | None = None


def _start_helper(owner: int, root: Path, blobs: Path) -> None:
    """In the helper process, as it starts: follow the load's process, open the store."""
    global _helper_store
    follow_owner(owner, "media-helper-owner-watch")
    _helper_store = MediaStore(root, BlobStore(blobs))


def place_ahead(files: list[tuple[str, str]]) -> list[int]:
    """In the helper process: place each of ``files`` ((sha256, storage path)) that is not
    in place yet, as :meth:`MediaStore.place` does (it checks the copy by its hash and
    removes a bad one); a file it cannot place is left to the load's own ``place``, which
    then says why. The indexes of the files it placed and checked."""
    assert _helper_store is not None, "the helper was not started"
    placed = []
    for index, (sha256, storage_path) in enumerate(files):
        values = {"sha256": sha256, "storage_path": storage_path}
        try:
            if _helper_store.locate(values)[2].is_file():  # in place: the load checks it
                continue
            _helper_store.place(values)
        except (MediaProblem, OSError):
            continue
        placed.append(index)
    return placed


#: Files given to the helper per piece of its work: the load learns what the helper placed
#: a piece at a time, and a load that stops (Ctrl-C) waits for the piece in hand.
AHEAD_CHUNK = 50


class MediaStore:
    """Copies blobs into ``root`` and verifies them."""

    def __init__(self, root: Path, blobs: BlobStore) -> None:
        self.root = root
        self.blobs = blobs
        #: Files this store placed or checked already, as (sha256, path): a record deferred
        #: to a later round is prepared again, and its bytes were hashed the first time.
        self._checked: set[tuple[str, Path]] = set()
        #: Folders known to exist (one ``mkdir`` per folder, not per file).
        self._folders: set[Path] = set()
        self._serial = 0
        #: The helper placing files ahead (see the module), and its pieces of work not
        #: yet taken in (each with its files, as (sha256, path)), in the order given.
        self._helper: ProcessPoolExecutor | None = None
        self._given: deque[tuple[Future[list[int]], list[tuple[str, Path]]]] = deque()
        #: Files the helper placed and checked (taken in by :meth:`_take_in`).
        self.placed_ahead = 0

    def locate(self, values: dict[str, Any]) -> tuple[str, str, Path]:
        """The sha256, storage path and file of an ``assets`` row; raises MediaProblem for
        a row without a valid sha256 or with a path that leaves the store."""
        sha256 = str(values.get("sha256") or "").lower()
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise MediaProblem(f"asset has no valid sha256: {values.get('sha256')!r}")
        relative = str(values.get("storage_path") or default_storage_path(sha256))
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts:
            raise MediaProblem(f"storage_path {relative!r} leaves the media store")
        return sha256, relative, self.root.joinpath(*pure.parts)

    def files_of(self, rows: Iterable[dict[str, Any]]) -> list[tuple[str, str, Path]]:
        """The files of these ``assets`` rows as :meth:`ahead` takes them: (sha256,
        storage path, file) each, as :meth:`locate` finds them; a row :meth:`place` would
        refuse is left out."""
        files = []
        for values in rows:
            try:
                files.append(self.locate(values))
            except MediaProblem:
                continue
        return files

    def ahead(self, files: list[tuple[str, str, Path]]) -> None:
        """Have the helper place ``files`` (:meth:`files_of`), in this order, while the
        load goes on."""
        if not files:
            return
        if self._helper is None:
            self._helper = ProcessPoolExecutor(
                1,
                mp_context=context(),
                initializer=_start_helper,
                initargs=(os.getpid(), self.root, self.blobs.root),
            )
        try:
            for start in range(0, len(files), AHEAD_CHUNK):
                piece = files[start : start + AHEAD_CHUNK]
                answer = self._helper.submit(place_ahead, [(sha, path) for sha, path, _ in piece])
                self._given.append((answer, [(sha, target) for sha, _, target in piece]))
        except (BrokenProcessPool, RuntimeError):
            pass  # the helper is gone: the load places the files itself

    def _take_in(self) -> None:
        """Count the files of the helper's finished pieces of work as checked."""
        while self._given and self._given[0][0].done():
            answer, files = self._given.popleft()
            if answer.cancelled() or answer.exception() is not None:
                continue  # the helper died: the load places those files itself
            for index in answer.result():
                self._checked.add(files[index])
            self.placed_ahead += len(answer.result())

    def close(self) -> int:
        """End the helper: the piece of work in hand is finished (:data:`AHEAD_CHUNK`
        files at most), the rest dropped (the load is over; it placed what it needed
        itself). How many files the helper placed and the load took."""
        if self._helper is not None:
            self._helper.shutdown(wait=True, cancel_futures=True)
            self._helper = None
        self._given.clear()
        return self.placed_ahead

    def place(self, values: dict[str, Any]) -> None:
        """Put the bytes of an ``assets`` row into the store; fills in ``storage_path``
        when the row has none. Raises MediaProblem with the reason."""
        sha256, relative, target = self.locate(values)
        values["storage_path"] = relative
        self._take_in()
        if (sha256, target) in self._checked:
            return
        if target.is_file() and file_sha256(target) == sha256:
            self._checked.add((sha256, target))
            return
        source = self.blobs.path(sha256)
        if not source.is_file():
            raise MediaProblem(
                f"blob {sha256} is not in the blob store {self.blobs.root}; "
                "extract the source again"
            )
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        self._serial += 1
        _copy(source, target, self._serial)
        copied = file_sha256(target)
        if copied != sha256:
            target.unlink(missing_ok=True)
            raise MediaProblem(
                f"the copy of blob {sha256} hashes to {copied}: the blob store is damaged; "
                "extract the source again"
            )
        self._checked.add((sha256, target))
