"""The fidelity pass in shares, one per core, for a large target.

Share ``k`` of ``n`` compares the rows whose id leaves ``k`` divided by ``n``, in every
table. The verifying process does share 0 itself; the others run in worker processes
(:mod:`transfer.workers`), each on its own connection to the target (opened as the
verification's engine was: :func:`transfer.database.engine_recipe`) and a read-only one to
the scratch database. A share writes what it notes into a side file and what it finds into
a CSV file of its own; once every share has ended, the side files are merged into the
scratch database and the findings told to the check, table by table, so the report is the
same as from one pass. A worker that dies leaves its share to the verifying process; one
that cannot read the target stops the verification, as the verifying process would.
"""

from __future__ import annotations

import logging
import multiprocessing.connection
import os
import resource
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from transfer.database import create_target_engine, engine_recipe
from transfer.errors import VerificationError
from transfer.verification.collect import CheckCollector
from transfer.verification.records import Findings, compare_share, replay
from transfer.verification.scratch import Scratch, Side
from transfer.workers import context, follow_owner, start_server

log = logging.getLogger(__name__)

#: Mapped records from which the pass is shared among the cores (below, a worker's start
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
    """One share: which rows, and the files it reads and writes."""

    index: int
    of: int
    #: The mapped rows' file (:meth:`Scratch.index_mapped`), read-only.
    rows: Path
    side: Path
    findings: Path
    production: bool


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


def _work(
    job: ShareJob,
    recipe: tuple[str, dict[str, Any]],
    owner: int,
    answer: multiprocessing.connection.Connection,
) -> None:
    """A worker: compare one share, then send ("done", counts, CPU seconds, peak RSS in
    MiB) or ("failed", message)."""
    follow_owner(owner, "verify-share-owner-watch")
    started = time.process_time()
    url, connect_args = recipe
    engine = create_target_engine(url, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            counts = run_share(connection, job)
    except SQLAlchemyError as exc:
        answer.send(("failed", f"{type(exc).__name__}: {exc.args[:1]}"))
        return
    finally:
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    answer.send(("done", dict(counts), time.process_time() - started, peak))


@dataclass
class ShareStats:
    """How the pass was shared, and what its workers cost: CPU seconds in all, and the
    largest one's peak RSS (MiB)."""

    shares: int = 1
    workers_cpu_s: float = 0.0
    workers_peak_mb: float = 0.0
    #: Per share, its counts.
    counts: dict[int, Counter[str]] = field(default_factory=dict)


def check_fidelity(
    connection: Connection,
    engine: Engine,
    scratch: Scratch,
    check: CheckCollector,
    *,
    production: bool,
    shares: int,
) -> ShareStats:
    """Compare every target row with its mapped row in ``shares`` shares (see the module);
    mark the mapped rows found and note the target's paths, redirects and groups in
    ``scratch``."""
    folder = scratch.path.parent
    jobs = [
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
    stats = ShareStats(shares=shares)
    recipe = engine_recipe(engine)
    started: list[tuple[ShareJob, Any, multiprocessing.connection.Connection]] = []
    try:
        _share_out(connection, jobs, recipe, started, stats)
        for job in jobs:
            scratch.merge(job.side)
        replay(check, ((job.findings, stats.counts[job.index]) for job in jobs))
    finally:
        for _job, process, _answer in started:
            if process.is_alive():  # the verification stopped before it needed the share
                process.kill()  # a worker ignores SIGTERM (transfer.workers)
                process.join()
        for job in jobs:
            job.side.unlink(missing_ok=True)
            job.findings.unlink(missing_ok=True)
    return stats


def _share_out(
    connection: Connection,
    jobs: list[ShareJob],
    recipe: tuple[str, dict[str, Any]] | None,
    started: list[tuple[ShareJob, Any, multiprocessing.connection.Connection]],
    stats: ShareStats,
) -> None:
    """Start the workers, compare share 0 here, then collect the workers' results."""
    if recipe is not None:
        ctx = context()
        for job in jobs[1:]:
            answer, sender = ctx.Pipe(duplex=False)
            process = ctx.Process(  # type: ignore[attr-defined]
                target=_work,
                args=(job, recipe, os.getpid(), sender),
                name=f"verify-share-{job.index}",
            )
            process.start()
            sender.close()
            started.append((job, process, answer))
    stats.counts[0] = run_share(connection, jobs[0])
    for job, process, answer in started:
        try:
            result = answer.recv()
        except EOFError:
            result = ("died",)
        finally:
            answer.close()
            process.join()
        if result[0] == "done":
            stats.counts[job.index] = Counter(result[1])
            stats.workers_cpu_s += result[2]
            stats.workers_peak_mb = max(stats.workers_peak_mb, result[3])
        elif result[0] == "failed":
            raise VerificationError(
                f"the target could not be read (fidelity share {job.index}): {result[1]}",
                next_step="check `transfer doctor` and `transfer schema status`, then verify again",
            )
        else:
            log.warning(
                "fidelity share %d: its worker ended (exit %s) without its result; "
                "comparing it here",
                job.index,
                process.exitcode,
            )
            stats.counts[job.index] = run_share(connection, job)
    for job in jobs[1 + len(started) :]:  # no worker could be started for them
        stats.counts[job.index] = run_share(connection, job)
