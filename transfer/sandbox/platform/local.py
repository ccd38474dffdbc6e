"""Calling the replica in-process, without a server: for tests and benchmarks.

:func:`request` builds a :class:`~transfer.sandbox.wire.Request` exactly as the sandbox's
HTTP server does (percent-decoded path, raw target, parsed query). :class:`LocalClient` adds
credentials and walks paged collections.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from transfer.sandbox.settings import SandboxSettings
from transfer.sandbox.wire import Request, Response


class _Handles(Protocol):
    def handle(self, request: Request) -> Response | None: ...


def request(
    target: str, headers: Mapping[str, str] | None = None, method: str = "GET", body: bytes = b""
) -> Request:
    """The request the server would hand the replica for ``method target``."""
    parts = urlsplit(target)
    return Request(
        method=method,
        path=unquote(parts.path),
        raw_path=target,
        query=parse_qs(parts.query, keep_blank_values=True),
        headers={name.lower(): value for name, value in (headers or {}).items()},
        body=body,
    )


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def export_basic(settings: SandboxSettings) -> dict[str, str]:
    """The export account's Basic credentials as a header."""
    return basic(settings.platform_username, settings.platform_password)


class LocalClient:
    """A replica with fixed headers (credentials, languages) on every call."""

    def __init__(self, replica: _Handles, headers: Mapping[str, str] | None = None) -> None:
        self.replica = replica
        self.headers = dict(headers or {})

    def get(
        self,
        target: str,
        headers: Mapping[str, str] | None = None,
        method: str = "GET",
        body: bytes = b"",
    ) -> Response:
        response = self.replica.handle(
            request(target, {**self.headers, **(headers or {})}, method, body)
        )
        if response is None:
            raise LookupError(f"the replica declined {target}")
        return response

    def json(self, target: str, headers: Mapping[str, str] | None = None) -> Any:
        """The JSON body of a 200 answer (anything else raises AssertionError)."""
        response = self.get(target, headers)
        if response.status != 200:
            raise AssertionError(f"{target}: {response.status} {response.body[:300]!r}")
        return json.loads(response.body)

    def walk(
        self, path: str, page_size: int = 500, headers: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a paged collection, following ``lastPage``."""
        separator = "&" if "?" in path else "?"
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self.json(f"{path}{separator}page={page}&pageSize={page_size}", headers)
            items.extend(body["items"])
            if page >= body["lastPage"]:
                return items
            page += 1
