"""The rehearsal target site (``target_site.py``) served by a child process.

The post-launch check makes tens of thousands of requests; a site served from the
checker's own interpreter shares its lock, so one core does the work of both sides. Here
the site runs in ``python -m transfer.cutover.site_process``: the parent writes the
database URL (which may hold a password, so never on the command line) and the media
folder to the child's stdin, and reads the site's base URL from its stdout. The child
serves until its stdin closes, which also happens when the parent dies: no orphans.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy.engine import URL

STOP_TIMEOUT_S = 10.0


@contextmanager
def serve_target_site_process(url: URL, media_root: Path, connections: int = 8) -> Iterator[str]:
    """Serve the target at ``url`` as the rehearsal site from a child process until the
    block ends; yields its base URL. ``connections`` is how many requests it expects at
    once (its database pool is sized to them)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "transfer.cutover.site_process"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        config = {
            "url": url.render_as_string(hide_password=False),
            "media": str(media_root),
            "connections": connections,
        }
        child.stdin.write(json.dumps(config) + "\n")
        child.stdin.flush()
        base = child.stdout.readline().strip()
        if not base.startswith("http://"):
            raise RuntimeError(
                f"the rehearsal site did not start (exit code {child.wait(STOP_TIMEOUT_S)})"
            )
        yield base
    finally:
        with contextlib.suppress(OSError):
            child.stdin.close()  # the child's signal to stop
        try:
            child.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        child.stdout.close()


def _serve(stdin: IO[str], stdout: IO[str]) -> None:
    from transfer.cutover.target_site import TargetSite, site_server
    from transfer.database import create_target_engine

    config = json.loads(stdin.readline())
    connections = int(config["connections"])
    engine = create_target_engine(config["url"], pool_size=connections, max_overflow=connections)
    server = site_server(TargetSite(engine, Path(config["media"])))

    def stop_at_end_of_input() -> None:
        stdin.read()  # returns when the parent closes the pipe or dies
        server.shutdown()

    threading.Thread(target=stop_at_end_of_input, name="parent-watch", daemon=True).start()
    stdout.write(server.url + "\n")
    stdout.flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        engine.dispose()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C reaches the whole process group
        _serve(sys.stdin, sys.stdout)
