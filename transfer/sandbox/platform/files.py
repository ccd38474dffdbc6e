"""The document store: bodies made on request, a bounded cache, sizes and digests remembered.

Sizes and SHA-256 digests are small and asked for often (every listing prints
``sizeInBytes``), so they are kept for every version generated; the bodies themselves are
kept only up to a byte budget, least recently used first out.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from transfer.sandbox.platform import bodies
from transfer.sandbox.platform.model import Document


class FileStore:
    """Bodies, sizes and digests of every document version, generated deterministically."""

    def __init__(self, seed: int, budget_bytes: int = 64 * 1024 * 1024) -> None:
        self._seed = seed
        self._budget = budget_bytes
        self._bodies: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        self._held = 0
        self._facts: dict[tuple[int, int], tuple[int, str]] = {}
        self._lock = threading.Lock()

    def body(self, document: Document, version: int | None = None) -> bytes:
        """The bytes of a version (index into ``document.versions``; default the latest)."""
        key = (document.id, len(document.versions) - 1 if version is None else version)
        with self._lock:
            cached = self._bodies.get(key)
            if cached is not None:
                self._bodies.move_to_end(key)
                return cached
        data = bodies.generate(self._seed, document, key[1])
        with self._lock:
            self._facts[key] = (len(data), hashlib.sha256(data).hexdigest())
            if len(data) <= self._budget and key not in self._bodies:
                self._bodies[key] = data
                self._held += len(data)
                while self._held > self._budget:
                    _, dropped = self._bodies.popitem(last=False)
                    self._held -= len(dropped)
        return data

    def facts(self, document: Document, version: int | None = None) -> tuple[int, str]:
        """(size in bytes, SHA-256 hex) of a version, generating it once if needed."""
        key = (document.id, len(document.versions) - 1 if version is None else version)
        with self._lock:
            known = self._facts.get(key)
        if known is None:
            self.body(document, key[1])
            with self._lock:
                known = self._facts[key]
        return known

    def size(self, document: Document) -> int:
        return self.facts(document)[0]
