"""The sandbox's own request and response values, independent of the HTTP server.

Each replica (the online service, the Partnership platform) is a plain object whose
``handle(request)`` returns a :class:`Response` or ``None`` (not mine). The server turns
them into bytes on the wire, answers conditional requests and injects faults, so the
replicas stay pure functions of (seed, scale, epoch, request).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Request:
    """One HTTP request as a replica sees it."""

    method: str
    path: str  # percent-decoded path, without the query string
    raw_path: str  # the request target as sent, with the query string
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # header names lower-cased
    body: bytes = b""

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def param(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def form(self) -> dict[str, str]:
        """The body parsed as ``application/x-www-form-urlencoded``."""
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}


@dataclass
class Response:
    """What a replica answers. ``etag`` and ``last_modified`` enable 304 answers."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    etag: str | None = None  # without quotes; the server quotes it
    last_modified: datetime | None = None  # timezone-aware
    cacheable: bool = True  # False: never answer this one with 304

    @classmethod
    def redirect(cls, location: str, status: int = 301) -> Response:
        return cls(
            status=status,
            headers=[("Location", location)],
            content_type="text/html",
            body=b"",
            cacheable=False,
        )

    @classmethod
    def not_found(cls, body: bytes = b"<html><body><h1>404</h1></body></html>") -> Response:
        return cls(status=404, body=body, cacheable=False)


class Replica(Protocol):
    """A replicated source system served by the sandbox."""

    def handle(self, request: Request) -> Response | None: ...

    def truth(self) -> dict[str, object]: ...
