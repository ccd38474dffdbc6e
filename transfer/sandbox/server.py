"""The sandbox's HTTP server: replicas on loopback ports, with 304s and faults.

Each replica (online service, Partnership platform) gets its own port, as the real
systems have their own hosts. The server answers conditional requests from the replica's
ETag and Last-Modified, and injects the configured faults; the replicas never see either.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from datetime import UTC
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from transfer.sandbox.faults import FaultPlan, drip_chunks, malform
from transfer.sandbox.wire import Replica, Request, Response

_MAX_BODY = 10 * 1024 * 1024


class ReplicaServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one replica."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], replica: Replica, plan: FaultPlan) -> None:
        super().__init__(address, _Handler)
        self.replica = replica
        self.plan = plan
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def count(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1


def _not_modified(request: Request, response: Response) -> bool:
    if not response.cacheable or response.status != 200:
        return False
    tags = request.header("if-none-match")
    if tags and response.etag:
        wanted = {tag.strip().removeprefix("W/").strip('"') for tag in tags.split(",")}
        return response.etag in wanted or "*" in wanted
    since = request.header("if-modified-since")
    if since and response.last_modified is not None:
        try:
            return response.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ReplicaServer
    server_version = "sandbox"
    sys_version = ""
    # Headers and body go out in separate writes; with Nagle's algorithm on, the body would
    # wait for the client's delayed ACK (about 40 ms a response on loopback).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the sandbox serves thousands of requests a second in benchmarks."""

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _request(self) -> Request:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, _MAX_BODY)) if length else b""
        parts = urlsplit(self.path)
        return Request(
            method=self.command,
            path=unquote(parts.path),
            raw_path=self.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )

    def _serve(self, head: bool = False) -> None:
        request = self._request()
        decision = self.server.plan.decide(self.command, self.path)
        if decision.delay_s:
            time.sleep(decision.delay_s)
        if decision.kind == "reset":
            self.server.count(0)
            self._reset()
            return
        if decision.kind in ("error", "throttle"):
            response = Response(
                status=decision.status,
                content_type="text/html; charset=utf-8",
                body=b"<html><body><h1>Service unavailable</h1></body></html>",
                cacheable=False,
            )
            if decision.kind == "throttle":
                retry_after = str(self.server.plan.faults.retry_after_s)
                response.headers.append(("Retry-After", retry_after))
        else:
            try:
                response = self.server.replica.handle(request) or Response.not_found()
            except Exception:  # a replica bug answers 500, as a real server would
                traceback.print_exc()
                response = Response(
                    status=500, body=b"<h1>Internal Server Error</h1>", cacheable=False
                )
        self._send(request, response, decision.kind, head)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _send(self, request: Request, response: Response, fault: str, head: bool) -> None:
        status, body, content_type = response.status, response.body, response.content_type
        if _not_modified(request, response):
            status, body = 304, b""
        elif fault == "malformed" and content_type.startswith("text/html"):
            body = malform(body)
        elif fault == "charset" and content_type.startswith("text/html"):
            content_type = "text/html; charset=ISO-8859-1"
        self.server.count(status)
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", content_type)
        declared = len(body) + (max(64, len(body) // 3) if fault == "truncate" else 0)
        self.send_header("Content-Length", str(declared))
        if response.etag:
            self.send_header("ETag", f'"{response.etag}"')
        if response.last_modified is not None:
            modified = response.last_modified.astimezone(UTC)
            self.send_header("Last-Modified", format_datetime(modified, usegmt=True))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in response.headers:
            self.send_header(name, value)
        if fault == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if head or status == 304:
            return
        if fault == "truncate":
            self._write(body[: len(body) * 2 // 3])
        elif fault == "drip":
            size, pause = drip_chunks(body, self.server.plan.faults.drip_delay_ms / 1000.0)
            for start in range(0, len(body), size):
                self._write(body[start : start + size])
                time.sleep(pause)
        else:
            self._write(body)

    def _write(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def start_server(
    replica: Replica, plan: FaultPlan, host: str = "127.0.0.1", port: int = 0
) -> tuple[ReplicaServer, Callable[[], None]]:
    """Serve ``replica`` in a background thread; returns the server and its stop function."""
    server = ReplicaServer((host, port), replica, plan)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name=f"sandbox-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return server, stop
