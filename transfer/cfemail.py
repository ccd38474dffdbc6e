"""Decode e-mail addresses hidden by a CDN's e-mail protection (``data-cfemail``).

The hex string is a key byte followed by the address's bytes, each XOR-ed with the key.
"""

from __future__ import annotations


def decode_cfemail(hex_text: str) -> str | None:
    """The address behind a ``data-cfemail`` value, or None when it is not well formed."""
    try:
        raw = bytes.fromhex(hex_text.strip())
    except ValueError:
        return None
    if len(raw) < 2:
        return None
    key = raw[0]
    try:
        return bytes(byte ^ key for byte in raw[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None


def encode_cfemail(address: str, key: int) -> str:
    """The ``data-cfemail`` form of ``address`` (used by the sandbox and by tests)."""
    return bytes([key, *(byte ^ key for byte in address.encode("utf-8"))]).hex()
