"""The fork server's CPU account: the workers a stage ran count in the toolkit's CPU time
(the rehearsal's summary line), once they have ended."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from transfer.workers import context, cpu_seconds_of, owner_alive, server_cpu_s, start_server

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")


def _burn(seconds: float) -> None:
    ends = time.process_time() + seconds
    while time.process_time() < ends:
        pass


def test_an_ended_worker_counts_in_the_fork_servers_cpu() -> None:
    start_server(["tests.test_workers"])
    before = server_cpu_s()
    assert before is not None
    worker = context().Process(target=_burn, args=(0.5,))  # type: ignore[attr-defined]
    worker.start()
    worker.join()
    assert worker.exitcode == 0
    after = server_cpu_s()
    assert after is not None
    assert after - before >= 0.4  # the worker's 0.5 s, less a tick of rounding each side


def test_a_process_gone_has_no_cpu_figure() -> None:
    assert cpu_seconds_of(2**22 + 12345) is None


def test_a_killed_owner_not_yet_waited_for_counts_as_gone() -> None:
    """A killed process is a zombie until its parent waits for it; a worker following it
    must end all the same (a parent reading the worker's inherited pipes first would
    otherwise wait forever)."""
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert owner_alive(owner.pid)
        owner.kill()
        deadline = time.monotonic() + 10
        while owner_alive(owner.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not owner_alive(owner.pid)
        assert owner.poll() is not None  # waited for only now
    finally:
        owner.kill()
        owner.wait()
    assert not owner_alive(owner.pid)
