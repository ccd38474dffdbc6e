"""The sandbox in a process of its own, so the replicas and the crawler do not share a core.

In-process serving (``serve_sandbox``) is simplest, but the crawler and the replicas then
share one interpreter lock; ``transfer rehearse``, the benchmarks and the large tests serve
from a child process. The child stops with the block, on Ctrl-C (it is in the terminal's
process group) and, on Linux, when the process that started it dies.
"""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from transfer.sandbox.settings import SandboxSettings
from transfer.workers import cpu_seconds_of

#: Seconds the child may take to build the replicas (and write its truth), per unit of
#: scale, at least one unit: scale 1 takes about 5 s on a quiet machine, far more on a
#: shared one.
START_TIMEOUT_S = 120.0
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


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


@dataclass
class SandboxProcess:
    """A sandbox served by a child process: its addresses and its peak memory."""

    settings: SandboxSettings
    online_url: str
    platform_url: str
    pid: int
    peak_rss_bytes: int | None = None  # read when the block ends
    cpu_s: float | None = None  # CPU time it used (user and system), read then too

    def current_peak_rss(self) -> int | None:
        """The child's peak resident memory so far (``VmHWM``; None where unknown)."""
        return peak_rss_of(self.pid)


def peak_rss_of(pid: int) -> int | None:
    """Peak resident memory of a live process, from ``/proc`` (None off Linux)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` asking Linux to stop the child when its parent dies (no orphans
    after a ``kill -9``); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:  # looked up here: between fork and exec, the child only makes the call
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def arrange() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return arrange


@contextmanager
def sandbox_process(
    settings: SandboxSettings, faults: str = "", truth: Path | None = None
) -> Iterator[SandboxProcess]:
    """Run ``transfer sandbox serve`` in a child process until the block ends.

    ``faults`` is the ``--faults`` text; token lifetime and credentials are the defaults.
    With ``truth``, the child writes its ground truth there before the block begins.
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
    if truth is not None:
        truth.unlink(missing_ok=True)
        command += ["--truth", str(truth)]
    server = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        preexec_fn=_die_with_parent(),
    )
    running = SandboxProcess(
        settings, f"http://127.0.0.1:{online}", f"http://127.0.0.1:{platform}", server.pid
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S * max(1.0, settings.scale)
        while not (_answers(online) and _answers(platform) and (truth is None or truth.is_file())):
            if server.poll() is not None:
                raise RuntimeError(
                    f"the sandbox exited with {server.returncode}: {' '.join(command)}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox did not start in time: {' '.join(command)}")
            time.sleep(0.05)
        yield running
    finally:
        running.peak_rss_bytes = peak_rss_of(server.pid)
        running.cpu_s = cpu_seconds_of(server.pid)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def serve_in_subprocess(settings: SandboxSettings, faults: str = "") -> Iterator[tuple[str, str]]:
    """:func:`sandbox_process`, yielding (online URL, platform URL)."""
    with sandbox_process(settings, faults) as running:
        yield running.online_url, running.platform_url
