"""The sandbox in a process of its own, for tests and benchmarks that must not share a core.

In-process serving (``serve_sandbox``) is simplest, but the crawler and the replicas then
share one interpreter lock; a benchmark or a large test serves from a child process.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from transfer.sandbox.settings import SandboxSettings

START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@contextmanager
def serve_in_subprocess(settings: SandboxSettings, faults: str = "") -> Iterator[tuple[str, str]]:
    """Run ``transfer sandbox serve`` in a child process; yields (online URL, platform URL).

    ``faults`` is the ``--faults`` text; token lifetime and credentials are the defaults.
    """
    online, platform = free_port(), free_port()
    command = [
        sys.executable,
        "-m",
        "transfer.cli",
        "sandbox",
        "serve",
        "--seed",
        str(settings.seed),
        "--scale",
        str(settings.scale),
        "--epoch",
        str(settings.epoch),
        "--faults",
        faults,
        "--variant",
        ",".join(sorted(settings.variants)),
        "--port",
        str(online),
        "--platform-port",
        str(platform),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (_answers(online) and _answers(platform)):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"the sandbox did not start: {' '.join(command)}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{online}", f"http://127.0.0.1:{platform}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
