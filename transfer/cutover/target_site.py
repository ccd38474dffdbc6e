"""A rehearsal target: a minimal KEHA site served from the target database, on loopback.

It answers what the new site and the redirect layer will answer after the cutover, so the
post-launch check runs end to end in rehearsal: published translations at their new paths,
public assets from the media store, and a 301 (or the stored status) for every old address.
Requests whose ``Host`` is an old host are answered from the redirect map only, as the old
hosts will be after the cutover; any other host is the new site, which also redirects old
paths that collide with nothing of its own. Reads go to the database per request, so a
change in the target shows at once.
"""

from __future__ import annotations

import html
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from transfer.schema.assets import Asset
from transfer.schema.content import ContentTranslation
from transfer.schema.redirects import Redirect


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None


class TargetSite:
    """What the site answers for a host and a path (with its query string)."""

    def __init__(self, engine: Engine, media_root: Path) -> None:
        self.engine = engine
        self.media_root = media_root
        self._sql = {name: _DriverSQL(statement, engine) for name, statement in _LOOKUPS.items()}

    def answer(self, host: str, target: str) -> Answer:
        """One answer, on a connection of its own (see :meth:`reader` for many)."""
        with self.reader() as read:
            return read(host, target)

    @contextmanager
    def reader(self) -> Iterator[Callable[[str, str], Answer]]:
        """Answers on one database connection, held until the block ends: a server thread
        holds one for its client's kept-alive connection. The connection reads in
        autocommit, each statement on its own, so a change in the target shows at once."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as held:
            dbapi = held.connection

            def first(name: str, values: dict[str, str]) -> Any:
                sql = self._sql[name]
                cursor = dbapi.cursor()
                try:
                    cursor.execute(sql.text, sql.parameters(values))
                    return cursor.fetchone()
                finally:
                    cursor.close()

            yield lambda host, target: self._answer(first, host, target)

    def _answer(
        self, first: Callable[[str, dict[str, str]], Any], host: str, target: str
    ) -> Answer:
        host = host.split(":")[0].lower()
        redirect = first("redirect", {"host": host, "target": target})
        if redirect is not None:
            return Answer(redirect[1], location=redirect[0])
        path = urlsplit(target).path
        page = first("page", {"path": path, "state": "published"})
        if page is not None:
            return Answer(200, _page(page[0], page[1] or "", page[2]))
        asset = first("asset", {"path": path})
        if asset is not None:
            blob = self.media_root / asset[0]
            if blob.is_file():
                return Answer(200, blob.read_bytes(), asset[1])
        return Answer(404, b"<!doctype html><title>Not found</title><h1>Not found</h1>")


# Built once: building a statement per request cost more than the rest of the answer.
_LOOKUPS: dict[str, ClauseElement] = {
    "redirect": select(Redirect.new_path, Redirect.status_code).where(
        Redirect.old_host == bindparam("host"), Redirect.old_path == bindparam("target")
    ),
    "page": select(
        ContentTranslation.title, ContentTranslation.body_html, ContentTranslation.language
    ).where(
        ContentTranslation.new_path == bindparam("path"),
        ContentTranslation.state == bindparam("state"),
    ),
    "asset": select(Asset.storage_path, Asset.media_type).where(
        Asset.new_path == bindparam("path")
    ),
}


class _DriverSQL:
    """A statement compiled once for the engine's dialect, run on the driver's own cursor:
    SQLAlchemy's execution costs several times the SQLite look-up itself."""

    def __init__(self, statement: ClauseElement, engine: Engine) -> None:
        compiled = statement.compile(dialect=engine.dialect)
        assert isinstance(compiled, SQLCompiler)
        self.text = compiled.string
        self._order = compiled.positiontup if engine.dialect.positional else None

    def parameters(self, values: dict[str, str]) -> tuple[str, ...] | dict[str, str]:
        return values if self._order is None else tuple(values[name] for name in self._order)


def _page(title: str, body_html: str, language: str) -> bytes:
    # body_html was sanitised by the map stage; the title is plain text and escaped here.
    text = (
        f'<!doctype html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}</h1>"
        f"{body_html}</main></body></html>"
    )
    return text.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _SiteServer
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the post-launch check makes thousands of requests."""

    def handle(self) -> None:
        # One database connection per client connection, for all the requests it keeps
        # alive, instead of a checkout from the pool per request.
        with self.server.site.reader() as self._read:
            super().handle()

    def do_GET(self) -> None:
        self._serve(head_only=False)

    def do_HEAD(self) -> None:
        self._serve(head_only=True)

    def _serve(self, *, head_only: bool) -> None:
        answer = self._read(self.headers.get("Host", ""), self.path)
        self.log_request(answer.status)
        # The status line, headers and body in one write (one segment for most answers),
        # with the headers ``send_response`` and ``send_header`` would have written.
        head = (
            f"{self.protocol_version} {answer.status} {_REASONS.get(answer.status, '')}\r\n"
            f"Server: {self.version_string()}\r\nDate: {self.date_time_string()}\r\n"
            f"Content-Type: {answer.content_type}\r\nContent-Length: {len(answer.body)}\r\n"
        )
        if answer.location is not None:
            head += f"Location: {answer.location}\r\n"
        # An HTTP/0.9 request gets the body alone, as from ``send_response``.
        sent = b"" if self.request_version == "HTTP/0.9" else (head + "\r\n").encode("latin-1")
        self.wfile.write(sent + (b"" if head_only else answer.body))


_REASONS = {status.value: status.phrase for status in HTTPStatus}


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], site: TargetSite) -> None:
        super().__init__(address, _Handler)
        self.site = site

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone mid-request (a checking process that ended, a stopped check) is
        no error of the site's: only other errors get the server's traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


def site_server(site: TargetSite, host: str = "127.0.0.1", port: int = 0) -> _SiteServer:
    """The site's HTTP server, bound to ``host:port`` (a free port by default), not yet
    serving."""
    return _SiteServer((host, port), site)


@contextmanager
def serve_target_site(
    engine: Engine, media_root: Path, host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Serve the target as a site on ``host:port`` (a free port by default) in a background
    thread; yields its base URL and stops the server on exit. (The post-launch check
    serves it from a process of its own: ``site_process.py``.)"""
    server = site_server(TargetSite(engine, media_root), host, port)
    thread = threading.Thread(target=server.serve_forever, name="target-site", daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
