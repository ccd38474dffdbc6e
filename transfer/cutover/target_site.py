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
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine, select

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

    def answer(self, host: str, target: str) -> Answer:
        host = host.split(":")[0].lower()
        with self.engine.connect() as connection:
            redirect = connection.execute(
                select(Redirect.new_path, Redirect.status_code).where(
                    Redirect.old_host == host, Redirect.old_path == target
                )
            ).first()
            if redirect is not None:
                return Answer(redirect.status_code, location=redirect.new_path)
            path = urlsplit(target).path
            page = connection.execute(
                select(
                    ContentTranslation.title,
                    ContentTranslation.body_html,
                    ContentTranslation.language,
                )
                .where(ContentTranslation.new_path == path)
                .where(ContentTranslation.state == "published")
            ).first()
            if page is not None:
                return Answer(200, _page(page.title, page.body_html or "", page.language))
            asset = connection.execute(
                select(Asset.storage_path, Asset.media_type).where(Asset.new_path == path)
            ).first()
        if asset is not None:
            blob = self.media_root / asset.storage_path
            if blob.is_file():
                return Answer(200, blob.read_bytes(), asset.media_type)
        return Answer(404, b"<!doctype html><title>Not found</title><h1>Not found</h1>")


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

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        answer = self.server.site.answer(self.headers.get("Host", ""), self.path)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        if answer.location is not None:
            self.send_header("Location", answer.location)
        self.end_headers()
        if not head:
            self.wfile.write(answer.body)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], site: TargetSite) -> None:
        super().__init__(address, _Handler)
        self.site = site

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
