"""A small hostile web site on loopback: each path answers exactly as a row of the table
says (status, headers, body, optionally dripped), everything else is 404."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Answer:
    body: bytes = b""
    status: int = 200
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
    drip_s: float = 0.0  # pause between single bytes of the body (a slow-loris answer)
    extra: dict[str, str] = field(default_factory=dict)


def page(title: str, body: str, *, head: str = "") -> str:
    """A page in the online service's markup (title, content scope, body)."""
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>"
        f'<h1 class="kt-title">{title}</h1><main id="main-content">'
        f'<div class="kt-body">{body}</div></main></body></html>'
    )


def front(*paths: str) -> Answer:
    links = "".join(f'<a href="{path}">{path}</a> ' for path in paths)
    return Answer(page("Etusivu", f"<p>{links}</p>").encode())


class _Handler(BaseHTTPRequestHandler):
    server: _Site

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        answer = self.server.answers.get(self.path)
        if answer is None:
            answer = Answer(b"<h1>Not found</h1>", status=404)
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        try:
            if answer.drip_s:
                for index in range(len(answer.body)):
                    if self.server.stopping.is_set():
                        return
                    self.wfile.write(answer.body[index : index + 1])
                    self.wfile.flush()
                    time.sleep(answer.drip_s)
            else:
                self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answers: dict[str, Answer]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers = answers
        self.requests: list[str] = []
        self.stopping = threading.Event()


@contextmanager
def serving(answers: dict[str, Answer]) -> Iterator[tuple[str, _Site]]:
    """Serve ``answers`` on loopback; yields the base URL and the server."""
    site = _Site(answers)
    thread = threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}", site
    finally:
        site.stopping.set()
        site.shutdown()
        site.server_close()
        thread.join(timeout=5)
