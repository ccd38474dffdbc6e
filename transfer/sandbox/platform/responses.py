"""API responses: JSON bodies and vulcan ``Problem`` errors (LIFERAY-API.md §8).

A Problem's ``status`` is the JAX-RS status name (``NOT_FOUND``), never the number. A
missing entity prints ``{"status": "NOT_FOUND", "title": null}``; a path no resource serves
prints the JAX-RS message as title. API JSON is never answered with 304 (``cacheable`` off):
Liferay's headless layer declares no validators.
"""

from __future__ import annotations

from transfer.sandbox.platform.serial import encode
from transfer.sandbox.wire import Response

JSON = "application/json"
_NAMES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    500: "INTERNAL_SERVER_ERROR",
}


def json_response(body: bytes, status: int = 200, language: str | None = None) -> Response:
    headers = [
        ("Cache-Control", "private, no-cache, no-store, must-revalidate"),
        ("X-Frame-Options", "SAMEORIGIN"),
    ]
    if language:
        headers.append(("Content-Language", language))
    return Response(status=status, body=body, content_type=JSON, headers=headers, cacheable=False)


def problem(status: int, title: str | None, **extra: str) -> Response:
    """A vulcan Problem with HTTP ``status`` and ``title`` (``None`` prints as null)."""
    return json_response(encode({"status": _NAMES[status], "title": title, **extra}), status)


def not_found() -> Response:
    """What Liferay answers for an id that names nothing (or nothing the caller may see)."""
    return problem(404, None)


def no_route(method: str = "GET") -> Response:
    if method not in ("GET", "HEAD"):
        return problem(405, "HTTP 405 Method Not Allowed")
    return problem(404, "HTTP 404 Not Found")
