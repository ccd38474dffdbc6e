"""Deterministic randomness: every random choice derives from a digest of its purpose.

Python's ``hash()`` is salted per process and the wall clock differs per run, so neither may
feed a choice; a keyed BLAKE2 digest of ``(seed, purpose, ...)`` gives the same stream in
every process on every machine.
"""

from __future__ import annotations

import hashlib
import random

_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def digest(*parts: object) -> bytes:
    """A 16-byte digest of the parts' string forms, stable across processes."""
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def rng(*parts: object) -> random.Random:
    """A random stream that depends only on the parts (typically seed, purpose, ids)."""
    return random.Random(int.from_bytes(digest(*parts), "big"))


def hex_token(*parts: object, length: int = 16) -> str:
    """A lower-case hex string of ``length`` characters derived from the parts."""
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:length]


def alnum_token(*parts: object, length: int = 12) -> str:
    """A Liferay-like alphanumeric token (portlet instance ids, auth tokens)."""
    raw = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=length).digest()
    return "".join(_ALNUM[byte % len(_ALNUM)] for byte in raw)


def uuid_for(*parts: object) -> str:
    """A version-4-shaped UUID string derived from the parts (Liferay document uuids)."""
    raw = bytearray(digest(*parts))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def body_etag(body: bytes) -> str:
    """The entity tag of a response body: a digest of exactly those bytes."""
    return hashlib.blake2b(body, digest_size=12).hexdigest()
