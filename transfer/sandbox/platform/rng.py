"""Seeded randomness for the platform replica, stable across processes and Python versions.

Every random choice is drawn from a :class:`random.Random` seeded with a SHA-256 digest of
(seed, purpose, ...), never from built-in ``hash()`` (salted per process) nor the clock, so
the same settings give the same platform byte for byte.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TypeVar

T = TypeVar("T")


def digest(*parts: object) -> bytes:
    """A SHA-256 digest of the parts' ``repr``-free text form, joined unambiguously."""
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).digest()


def stream(*parts: object) -> random.Random:
    """A random stream for one purpose, e.g. ``stream(seed, "members")``."""
    return random.Random(int.from_bytes(digest(*parts)[:16], "big"))


def stable_uuid(*parts: object) -> str:
    """A version-4-shaped UUID derived from the parts (Liferay uuids are random v4)."""
    return str(uuid.UUID(bytes=digest("uuid", *parts)[:16], version=4))


def token(*parts: object, length: int = 32) -> str:
    """A hexadecimal token derived from the parts."""
    return hashlib.sha256(digest("token", *parts)).hexdigest()[:length]


def moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole-second instant in ``[start, end)`` (Liferay's JSON dates carry no millis)."""
    span = max(1, int((end - start).total_seconds()))
    return start + timedelta(seconds=rng.randrange(span))


def count(target: float, scale: float, minimum: int = 1) -> int:
    """``target`` at scale 1.0, linear in scale, never below ``minimum``."""
    return max(minimum, round(target * scale))


def pick(rng: random.Random, items: Sequence[T], k: int) -> list[T]:
    """Up to ``k`` distinct items in a stable order (the order of ``items``)."""
    if k >= len(items):
        return list(items)
    chosen = set(rng.sample(range(len(items)), k))
    return [item for index, item in enumerate(items) if index in chosen]


class IdSequence:
    """Liferay-like primary keys: one counter shared by every entity kind, with gaps."""

    def __init__(self, rng: random.Random, start: int = 30100) -> None:
        self._rng = rng
        self._next = start

    def __call__(self) -> int:
        value = self._next
        self._next += 1 + self._rng.randrange(4)
        return value
