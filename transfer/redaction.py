"""Keeps secrets out of everything the toolkit writes or prints.

Secrets reach the process only through the environment (see ``config``); every value read
from a secret variable is registered here, and every console line, event-log record and
error message passes through :func:`redact` on its way out. URLs with an inline password,
and credential-like query parameters (``password=``, ``token=``, ``sslpassword=``, …), are
masked even when the value was never registered.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any

MASK = "***"
# Shorter strings would mask innocent text (a one-letter password would blank out words).
_MIN_SECRET_LENGTH = 4
_URL_PASSWORD = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]+)@", re.IGNORECASE
)
#: Query parameter names whose values are credentials (libpq takes ``password`` and
#: ``sslpassword`` from the query string; APIs take tokens and keys).
CREDENTIAL_PARAMETERS = (
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "client_secret",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "sslpassword",
    "api_key",
    "apikey",
)
_QUERY_CREDENTIAL = re.compile(
    r"(?P<head>[?&;](?:" + "|".join(CREDENTIAL_PARAMETERS) + r")=)(?P<value>[^&;#\s'\"]+)",
    re.IGNORECASE,
)
_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


class Secret(str):
    """A string that prints as ``***``; use ``.reveal()`` where the real value is needed."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def reveal(self) -> str:
        return str.__str__(self)


def register_secret(value: str) -> None:
    """Remember a secret value so that every later output masks it."""
    global _pattern
    plain = value.reveal() if isinstance(value, Secret) else value
    if len(plain) < _MIN_SECRET_LENGTH:
        return
    with _lock:
        if plain in _secrets:
            return
        _secrets.add(plain)
        # Longest first, so a secret that contains another is masked whole.
        alternatives = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in alternatives))


def registered_secrets() -> list[str]:
    """Every secret registered so far (to hand to a process of the same run)."""
    with _lock:
        return sorted(_secrets)


def redact(text: str) -> str:
    """Return ``text`` with every registered secret, every URL password and every
    credential-like query parameter masked."""
    # Each pattern needs its one character: most text has neither, and skips both.
    if "@" in text:
        text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)
    if "=" in text:
        text = _QUERY_CREDENTIAL.sub(lambda m: f"{m['head']}{MASK}", text)
    pattern = _pattern
    return pattern.sub(MASK, text) if pattern is not None else text


def redact_value(value: Any) -> Any:
    """Redact strings inside nested dicts, lists and tuples (for structured log fields)."""
    if isinstance(value, Secret):
        return MASK
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {str(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


def is_credential_parameter(name: str) -> bool:
    """Whether a URL query parameter of this name carries a credential."""
    return name.lower() in CREDENTIAL_PARAMETERS
