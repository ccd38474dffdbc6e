"""What the crawl's parsing processes, the map's processes and the post-launch check's
processes share: how they are started, how each ends with the process it works for, and
the pools' ``with`` (:class:`Pool`).

Workers are started by the ``forkserver`` method (``spawn`` where there is none), never by
forking a process that runs threads. A worker ignores Ctrl-C and SIGTERM (the process it
works for stops cleanly after the work in hand and still needs the worker for it) and ends
by itself once that process is gone: its parent is the fork server, so a killed stage would
otherwise leave it behind.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from multiprocessing import forkserver
from pathlib import Path
from types import TracebackType
from typing import Self

#: How often a worker checks that the process it works for is still there, in seconds.
OWNER_CHECK_S = 0.5


def context() -> multiprocessing.context.BaseContext:
    """The start method's context for worker pools: forkserver where there is one."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def start_server(preload: Sequence[str]) -> None:
    """Start the fork server now, importing ``preload`` once for every worker forked from
    it. Nothing where there is no fork server, or when one runs already (its imports stay:
    a module it lacks is imported by each worker as it starts)."""
    started = context()
    if not isinstance(started, multiprocessing.context.ForkServerContext):
        return
    started.set_forkserver_preload(list(preload))
    forkserver.ensure_running()


def cpu_seconds_of(pid: int, *, ended_children: bool = False) -> float | None:
    """User and system CPU seconds of a live process, from Linux's ``/proc`` (None
    elsewhere, or when it is gone); with ``ended_children``, those of the children it has
    waited for are added (Linux counts them into their parent once it has)."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
    # utime, stime, cutime and cstime are the 14th to 17th fields (12th to 15th here).
    ticks = sum(int(value) for value in fields[11 : 15 if ended_children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of Linux's ``/proc/<pid>/stat`` after the first two (pid, name): the
    state first. None elsewhere, or when the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()


def server_cpu_s() -> float | None:
    """CPU seconds of the fork server and of every worker it started that has ended: the
    fork server waits for its workers as they end. None where no fork server runs (or
    there is no ``/proc``)."""
    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    return cpu_seconds_of(pid, ended_children=True) if isinstance(pid, int) else None


def follow_owner(owner: int, name: str) -> None:
    """In a worker, as it starts: ignore the stop signals and end with process ``owner``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(owner,), name=name, daemon=True).start()


def _end_with(owner: int) -> None:
    while True:
        time.sleep(OWNER_CHECK_S)
        if not owner_alive(owner):
            os._exit(0)


def owner_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs. A killed process stays a zombie until its
    parent waits for it, and a signal still reaches a zombie; a parent waiting first for
    the pipes it gave the process (``subprocess``'s ``communicate``) would wait forever
    for a worker that holds them, so a zombie counts as gone (read from Linux's
    ``/proc``; elsewhere only a process that is gone does)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or the number reused
        return False
    fields = _stat_fields(pid)
    return fields is None or fields[:1] not in (["Z"], ["X"])


class Pool:
    """A pool of worker processes used in a ``with`` block, which ends in :meth:`close`."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
