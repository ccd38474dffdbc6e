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
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from transfer.stores.blobs import CHUNK, BlobStore


class MediaProblem(Exception):
    """An asset's bytes could not be placed in the media store."""


def default_storage_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class MediaStore:
    """Copies blobs into ``root`` and verifies them."""

    def __init__(self, root: Path, blobs: BlobStore) -> None:
        self.root = root
        self.blobs = blobs

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
        if target.is_file() and file_sha256(target) == sha256:
            return
        source = self.blobs.path(sha256)
        if not source.is_file():
            raise MediaProblem(
                f"blob {sha256} is not in the blob store {self.blobs.root}; "
                "extract the source again"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out, source.open("rb") as data:
                shutil.copyfileobj(data, out, CHUNK)
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        copied = file_sha256(target)
        if copied != sha256:
            target.unlink(missing_ok=True)
            raise MediaProblem(
                f"the copy of blob {sha256} hashes to {copied}: the blob store is damaged; "
                "extract the source again"
            )
