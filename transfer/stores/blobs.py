"""A content-addressed blob store: raw bodies and attachments by their sha256.

Blobs are written to a temporary file in the store and renamed into place, so a killed
process never leaves a partial blob under a real name (``durable=True`` also fsyncs, to
survive a power loss, at a cost per file); writing the same content twice is a no-op.
Files holding personal data can be written owner-only.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from transfer.errors import ExtractionError

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int


class BlobTooLarge(ExtractionError):
    """A body passed the size cap while it was being stored."""


class BlobStore:
    """Blobs under ``root/ab/cd/<sha256>``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def put(self, data: bytes, *, private: bool = False, durable: bool = False) -> Blob:
        digest = hashlib.sha256(data).hexdigest()
        if self.exists(digest):
            return Blob(digest, len(data))
        return self.put_stream([data], private=private, durable=durable)

    def put_stream(
        self,
        chunks: Iterable[bytes],
        *,
        max_size: int | None = None,
        private: bool = False,
        durable: bool = False,
    ) -> Blob:
        """Store a stream of bytes, hashing as it goes; refuse it past ``max_size``."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if max_size is not None and size > max_size:
                        raise BlobTooLarge(
                            f"body larger than the cap of {max_size} bytes",
                            next_step="raise the size cap in the source profile "
                            "if this file is wanted",
                        )
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                if durable:
                    os.fsync(out.fileno())
            final = self.path(digest.hexdigest())
            if final.is_file():
                Path(temporary).unlink()
            else:
                Path(temporary).chmod(0o600 if private else 0o644)
                final.parent.mkdir(parents=True, exist_ok=True)
                Path(temporary).replace(final)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return Blob(digest.hexdigest(), size)
