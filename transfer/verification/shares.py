"""The verification's work shared among the cores, for a large target.

**Fidelity in shares.** Share ``k`` of ``n`` compares the rows whose id leaves ``k``
divided by ``n``, in every table. The verifying process does share 0 itself; the others run
in worker processes (:mod:`transfer.workers`), each on its own connection to the target
(opened as the verification's engine was: :func:`transfer.database.engine_recipe`) and a
read-only one to the mapped rows' file. A share writes what it notes into a side file and
what it finds into a CSV file of its own; once every share has ended, the side files are
merged into the scratch database and the findings told to the check in the order of one
pass (:func:`transfer.verification.records.replay`), so the report is the same.

**Links beside the rest.** Then the first worker checks the links and the translation
groups (:data:`HANDED`, reading the scratch database read-only) while the verifying process
checks completeness and redirects; its findings are told to each check in the order found.

A worker that dies leaves its work to the verifying process (a warning in the log); one
that cannot read the target stops the verification, as the verifying process would.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing.connection
import os
import resource
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from transfer.database import create_target_engine, engine_recipe
from transfer.errors import VerificationError
from transfer.verification.collect import CheckCollector, Collects
from transfer.verification.records import Findings, compare_share, replay
from transfer.verification.scratch import Readable, Scratch, ScratchReader, Side
from transfer.verification.web import Hosts, check_links, check_translations
from transfer.workers import Pool, context, follow_owner, start_server

log = logging.getLogger(__name__)

#: Mapped records from which the work is shared among the cores (below, a worker's start
#: costs more than it saves).
SHARE_FROM = 10_000
#: Shares at most, whatever the number of cores.
MAX_SHARES = 4


def share_count(engine: Engine, mapped_records: int, wanted: int | None) -> int:
    """How many shares to compare in: ``wanted`` when given, else one per core for a
    target of :data:`SHARE_FROM` mapped records or more; one for an engine another
    process cannot open (an in-memory database)."""
    if engine_recipe(engine) is None:
        return 1
    if wanted is not None:
        return max(1, wanted)
    if mapped_records < SHARE_FROM:
        return 1
    return max(1, min(MAX_SHARES, len(os.sched_getaffinity(0))))


def prepare(shares: int) -> None:
    """Get the workers' fork server going (it imports this module once, beside the work
    still to be done before the shares start); nothing for one share."""
    if shares > 1:
        start_server([__name__])


@dataclass(frozen=True)
class ShareJob:
    """One share of the fidelity pass: which rows, and the files it reads and writes."""

    index: int
    of: int
    #: The mapped rows' file (:meth:`Scratch.index_mapped`), read-only.
    rows: Path
    side: Path
    findings: Path
    production: bool


#: The checks a worker takes after the fidelity pass, in this order (they read the scratch
#: database and the target; the verifying process checks completeness and redirects).
HANDED = ("links", "translations")


@dataclass(frozen=True)
class ReadJob:
    """One of the :data:`HANDED` checks: its name, the scratch database and the staging
    stores it reads, where its findings go."""

    check: str
    scratch: Path
    staged: list[tuple[str, Path]]
    hosts: Hosts
    findings: Path


def run_share(connection: Connection, job: ShareJob) -> Counter[str]:
    """Compare ``job``'s share of the target; its counts (the rest is in its files)."""
    lookup = sqlite3.connect(job.rows.resolve().as_uri() + "?mode=ro", uri=True)
    side = Side(job.side)
    findings = Findings(job.findings)
    try:
        compare_share(
            connection,
            lookup,
            side,
            findings,
            production=job.production,
            share=(job.index, job.of),
        )
    finally:
        lookup.close()
        side.done()
        findings.close()
    return findings.counts


def run_read(connection: Connection, job: ReadJob) -> Counter[str]:
    """Run ``job``'s check into its findings file; its counts."""
    reader = ScratchReader(job.scratch, job.staged)
    findings = Findings(job.findings)
    try:
        run_check(job.check, connection, reader, findings, job.hosts)
    finally:
        reader.close()
        findings.close()
    return findings.counts


def run_check(
    name: str, connection: Connection, scratch: Readable, check: Collects, hosts: Hosts
) -> None:
    """Run the :data:`HANDED` check ``name`` (where it runs: a worker or this process)."""
    if name == "links":
        check_links(connection, scratch, check, hosts)
    else:
        check_translations(scratch, check)


def _work(
    job: ShareJob,
    recipe: tuple[str, dict[str, Any]],
    owner: int,
    channel: multiprocessing.connection.Connection,
) -> None:
    """A worker: compare one share, then do what it is sent (a :class:`ReadJob`, or
    None to end). Each piece of work is answered ("done", counts, seconds, CPU seconds
    so far, peak RSS in MiB) or ("failed", message)."""
    follow_owner(owner, "verify-share-owner-watch")
    url, connect_args = recipe
    engine = create_target_engine(url, connect_args=connect_args)
    work: ShareJob | ReadJob | None = job
    try:
        with engine.connect() as connection:
            while work is not None:
                started = time.perf_counter()
                if isinstance(work, ShareJob):
                    counts = run_share(connection, work)
                else:
                    counts = run_read(connection, work)
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                seconds = time.perf_counter() - started
                channel.send(("done", dict(counts), seconds, time.process_time(), peak))
                work = channel.recv()
    except SQLAlchemyError as exc:
        channel.send(("failed", f"{type(exc).__name__}: {exc.args[:1]}"))
    except EOFError:  # the verifying process is gone or done with this worker
        pass
    finally:
        engine.dispose()


@dataclass
class _Worker:
    process: Any
    channel: multiprocessing.connection.Connection
    #: How many pieces of its work have their answer still to come.
    busy: int = 1
    #: Its CPU seconds and peak RSS (MiB), as it last said.
    cpu_s: float = 0.0
    peak_mb: float = 0.0


@dataclass
class ShareStats:
    """How the work was shared, and what its workers cost: CPU seconds in all, and the
    largest one's peak RSS (MiB)."""

    shares: int = 1
    workers_cpu_s: float = 0.0
    workers_peak_mb: float = 0.0


class Shares(Pool):
    """The worker processes of one verification (none for one share), in a ``with``."""

    def __init__(self, engine: Engine, scratch: Scratch, shares: int, *, production: bool):
        self.engine = engine
        self.scratch = scratch
        folder = scratch.path.parent
        self.jobs = [
            ShareJob(
                index,
                shares,
                scratch.rows_path,
                folder / f".verify-share-{index}.sqlite",
                folder / f".verify-share-{index}.csv",
                production,
            )
            for index in range(shares)
        ]
        self.handed_findings = {name: folder / f".verify-{name}.csv" for name in HANDED}
        #: The workers started, and those of them still alive, by share.
        self.started: list[_Worker] = []
        self.workers: dict[int, _Worker] = {}
        self._handed_to: int | None = None

    def stats(self) -> ShareStats:
        return ShareStats(
            shares=len(self.jobs),
            workers_cpu_s=sum(worker.cpu_s for worker in self.started),
            workers_peak_mb=max((worker.peak_mb for worker in self.started), default=0),
        )

    # fidelity ------------------------------------------------------------------------
    def check_fidelity(self, connection: Connection, check: CheckCollector) -> None:
        """Compare every target row with its mapped row (see the module); mark the mapped
        rows found and note the target's paths, redirects and groups in the scratch."""
        recipe = engine_recipe(self.engine)
        if recipe is not None:
            ctx = context()
            for job in self.jobs[1:]:
                channel, theirs = ctx.Pipe()
                process = ctx.Process(  # type: ignore[attr-defined]
                    target=_work,
                    args=(job, recipe, os.getpid(), theirs),
                    name=f"verify-share-{job.index}",
                )
                process.start()
                theirs.close()
                self.workers[job.index] = _Worker(process, channel)
                self.started.append(self.workers[job.index])
        counts = {0: run_share(connection, self.jobs[0])}
        for job in self.jobs[1:]:
            answer = self._answer(job.index, f"fidelity share {job.index}")
            counts[job.index] = (
                Counter(answer[0]) if answer is not None else run_share(connection, job)
            )
        for job in self.jobs:
            self.scratch.merge(job.side)
        replay(check, ((job.findings, counts[job.index]) for job in self.jobs))

    def _answer(self, index: int | None, what: str) -> tuple[dict[str, int], float] | None:
        """The counts and seconds the worker of share ``index`` answers for ``what``; None
        when there is no such worker, or it died (said in the log); raises
        VerificationError for a worker that could not read the target."""
        worker = self.workers.get(index) if index is not None else None
        if worker is None or index is None:
            return None
        try:
            answer = worker.channel.recv()
        except (EOFError, OSError):  # OSError: it died with work sent to it unread
            worker.process.join()
            log.warning(
                "%s: its worker ended (exit %s) without its result; doing it here",
                what,
                worker.process.exitcode,
            )
            del self.workers[index]
            return None
        worker.busy -= 1
        if answer[0] == "failed":
            raise VerificationError(
                f"the target could not be read ({what}): {answer[1]}",
                next_step="check `transfer doctor` and `transfer schema status`, then verify again",
            )
        _, counts, seconds, worker.cpu_s, worker.peak_mb = answer
        return counts, seconds

    # the checks handed over ---------------------------------------------------------
    def hand_over(self, hosts: Hosts) -> bool:
        """Send the :data:`HANDED` checks to the first worker; whether there was one to
        take them."""
        if not self.workers:
            return False
        index = min(self.workers)
        worker = self.workers[index]
        staged = list(self.scratch.staged)
        for name in HANDED:
            job = ReadJob(name, self.scratch.path, staged, hosts, self.handed_findings[name])
            try:
                worker.channel.send(job)
            except (BrokenPipeError, OSError):
                break
            worker.busy += 1
        self._handed_to = index
        return True

    def finish(
        self, name: str, connection: Connection, check: CheckCollector, hosts: Hosts
    ) -> float:
        """Tell ``check`` what the worker found for the handed check ``name`` (or run the
        check here, when the worker died before it answered); the seconds it took. Called
        for each of :data:`HANDED` in its order."""
        started = time.perf_counter()
        answer = self._answer(self._handed_to, name)
        if answer is None:
            run_check(name, connection, self.scratch, check, hosts)
            return time.perf_counter() - started
        replay(check, [(self.handed_findings[name], Counter(answer[0]))])
        return answer[1]

    def close(self) -> None:
        for worker in self.workers.values():
            if worker.busy:  # the verification stopped mid-way: its work is not wanted
                worker.process.kill()  # a worker ignores SIGTERM (transfer.workers)
            else:
                with contextlib.suppress(OSError):
                    worker.channel.send(None)  # the end
            worker.channel.close()
            worker.process.join()
        for job in self.jobs:
            job.side.unlink(missing_ok=True)
            job.findings.unlink(missing_ok=True)
        for path in self.handed_findings.values():
            path.unlink(missing_ok=True)
