"""The post-launch check's requests over several processes, so that the checker uses every
core.

A request through urllib3 and ``http.client`` costs the checker more CPU than the
rehearsal site spends answering it, and threads share one interpreter lock: one checking
process keeps one core busy and no more. Here each of ``processes`` workers has a
:class:`~transfer.cutover.url_check.Checker` of its own (its threads and kept-alive
connections, the check's concurrency shared out between them). The check's own process
reads the probes, splits each batch between the workers and takes the answers back in the
order of the probes, so failures, counts and reports are those of a check in one process.
Every page and asset has answered before the first redirect is sent; the probes that lead
to one redirect target that is no page or asset go to one worker, which requests that
target once.

Workers are started by the ``forkserver`` method (``spawn`` where there is none), never by
forking a process that runs threads. They ignore Ctrl-C and SIGTERM (the check stops after
the batches in hand, and reports nothing) and end by themselves when the check's process is
gone (:mod:`transfer.workers`). A worker that dies ends the check with a
:class:`~transfer.errors.CutoverError` and no report: never a partial one that looks
complete.
"""

from __future__ import annotations

import os
import time
import zlib
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from transfer.cutover.url_check import Checker, Failure, Probe
from transfer.errors import CutoverError
from transfer.workers import Pool, context, follow_owner, start_server

#: What the fork server imports once for every worker it forks: the command line (a
#: worker runs the ``transfer`` script's imports again) and what checking a URL needs.
PRELOAD = ("transfer.cli", "transfer.cutover.check_processes")
#: Batches in flight at once: the next batch waits in each worker while it checks one.
IN_FLIGHT = 3


def default_processes() -> int:
    """One checking process per core."""
    return os.cpu_count() or 1


# worker processes -------------------------------------------------------------------------
_checker: Checker | None = None  # a worker's own (set by _start_worker)


def _start_worker(concurrency: int, timeout_s: float, owner: int) -> None:
    global _checker
    _checker = Checker(concurrency, timeout_s)
    follow_owner(owner, "check-watch")


def _check_part(part: list[Probe], unreachable: dict[str, str]) -> list[Failure | None]:
    assert _checker is not None, "the worker was not initialised"
    return _checker.check(part, unreachable)


def _cpu_s() -> float:
    """The worker's CPU seconds since it started (its start and imports included)."""
    return time.process_time()


# the check's process ----------------------------------------------------------------------
@dataclass
class _Sent:
    """A batch sent out: which worker checks each probe, and each worker's future."""

    batch: list[Probe]
    where: list[int]
    futures: list[Future[list[Failure | None]] | None]


class CheckProcesses(Pool):
    """``processes`` checking processes with ``concurrency`` requests at once between them
    (each keeps at least one)."""

    def __init__(self, processes: int, concurrency: int, timeout_s: float) -> None:
        start_server(PRELOAD)
        self.processes = max(1, processes)
        self.concurrency = max(1, -(-concurrency // self.processes))  # each one's share
        self._executors = [
            ProcessPoolExecutor(
                1,
                mp_context=context(),
                initializer=_start_worker,
                initargs=(self.concurrency, timeout_s, os.getpid()),
            )
            for _ in range(self.processes)
        ]
        #: CPU seconds the workers spent, known once :meth:`results` has ended
        self.cpu_s = 0.0

    def results(
        self, batches: Iterable[list[Probe]], unreachable: Mapping[str, str]
    ) -> Iterator[tuple[list[Probe], list[Failure | None]]]:
        """Each batch with its probes' failures (``None`` for a probe that answered as
        planned), in the order of ``batches``. Batches are of one kind each (pages,
        assets, redirects, in that order); ``unreachable`` is the caller's record of the
        pages and assets that did not answer 200, complete once the last of them is
        yielded, and read when the redirects are sent."""
        pending: deque[_Sent] = deque()
        try:
            for batch in batches:
                last = pending[-1].batch[0].kind if pending else None
                if batch[0].kind == "redirect" and last not in (None, "redirect"):
                    while pending:  # every page and asset answered before any redirect
                        yield self._taken(pending.popleft())
                pending.append(self._send(batch, unreachable))
                if len(pending) >= IN_FLIGHT:
                    yield self._taken(pending.popleft())
            while pending:
                yield self._taken(pending.popleft())
            cpu = [executor.submit(_cpu_s) for executor in self._executors]
            self.cpu_s = sum(future.result() for future in cpu)
        except BrokenProcessPool as exc:  # a worker died (killed, out of memory)
            raise CutoverError(
                "post-launch check: a checking process ended before its URLs were checked; "
                "nothing was reported",
                where="the post-launch check's worker processes",
                next_step="run `transfer post-launch-check` again (`--processes 1` checks "
                "in one process)",
            ) from exc
        finally:
            for sent in pending:
                for future in sent.futures:
                    if future is not None:
                        future.cancel()

    def _send(self, batch: list[Probe], unreachable: Mapping[str, str]) -> _Sent:
        workers = self.processes
        parts: list[list[Probe]] = [[] for _ in range(workers)]
        where = []
        for index, probe in enumerate(batch):
            if probe.follow is not None and not probe.follow_checked:
                # one worker for each such target, so that it is requested once
                worker = zlib.crc32(probe.follow.encode()) % workers
            else:
                worker = index * workers // len(batch)
            parts[worker].append(probe)
            where.append(worker)
        futures: list[Future[list[Failure | None]] | None] = []
        for executor, part in zip(self._executors, parts, strict=True):
            answered = {
                probe.follow: unreachable[probe.follow]
                for probe in part
                if probe.follow is not None and probe.follow_checked
                if probe.follow in unreachable
            }
            futures.append(executor.submit(_check_part, part, answered) if part else None)
        return _Sent(batch, where, futures)

    def _taken(self, sent: _Sent) -> tuple[list[Probe], list[Failure | None]]:
        answers: list[Iterator[Failure | None]] = []
        for future in sent.futures:
            part: list[Failure | None] = [] if future is None else future.result()
            answers.append(iter(part))
        return sent.batch, [next(answers[worker]) for worker in sent.where]

    def close(self) -> None:
        for executor in self._executors:
            executor.shutdown(wait=True, cancel_futures=True)
