"""The fork server's CPU account: the workers a stage ran count in the toolkit's CPU time
(the rehearsal's summary line), once they have ended."""

from __future__ import annotations

import sys
import time

import pytest

from transfer.workers import context, cpu_seconds_of, server_cpu_s, start_server

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
