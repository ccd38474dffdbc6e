"""The target media store: asset bytes copied from the blob store, checked after copying.

A directory by default (``load.media_dir``, else ``<workspace>/media``). Files sit at the
asset row's ``storage_path`` (``ab/cd/<sha256>`` by default), so the store is
content-addressed; a file is written to a temporary name and renamed into place, then read
back and hashed: bytes that do not hash to the row's sha256 are an error for that record.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

from transfer.stores.blobs import CHUNK, BlobStore


class MediaProblem(Exception):
    """An asset's bytes could not be placed in the media store."""


def default_storage_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


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

    def place(self, values: dict[str, Any]) -> None:
        """Put the bytes of an ``assets`` row into the store; fills in ``storage_path``
        when the row has none. Raises MediaProblem with the reason."""
        sha256 = str(values.get("sha256") or "").lower()
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise MediaProblem(f"asset has no valid sha256: {values.get('sha256')!r}")
        relative = str(values.get("storage_path") or default_storage_path(sha256))
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts:
            raise MediaProblem(f"storage_path {relative!r} leaves the media store")
        values["storage_path"] = relative
        target = self.root.joinpath(*pure.parts)
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
        # A name of this process's own: no other process writes it (a killed load may
        # leave one behind, which a later copy of the same process id overwrites).
        self._serial += 1
        temporary = target.parent / f".incoming-{os.getpid()}-{self._serial}"
        try:
            # owner-only, as tempfile.mkstemp made it before (the file keeps the mode)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out, source.open("rb") as data:
                shutil.copyfileobj(data, out, CHUNK)
            temporary.replace(target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        copied = file_sha256(target)
        if copied != sha256:
            target.unlink(missing_ok=True)
            raise MediaProblem(
                f"the copy of blob {sha256} hashes to {copied}: the blob store is damaged; "
                "extract the source again"
            )
        self._checked.add((sha256, target))
