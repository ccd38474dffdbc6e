"""Run every check and write the reports: the one entry point of verification."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from transfer.errors import VerificationError
from transfer.stats import StageStats
from transfer.stores.mapped import MappedStore
from transfer.stores.staging import StagingStore
from transfer.verification.collect import CheckCollector
from transfer.verification.coverage import check_coverage
from transfer.verification.data import (
    check_attachments,
    check_personal_data,
    list_source_defects,
)
from transfer.verification.history import (
    check_changes,
    load_previous,
    previous_report,
    since_last,
    trend,
)
from transfer.verification.model import CHECK_NAMES, Check, VerificationReport, decide
from transfer.verification.records import check_completeness
from transfer.verification.render import LANGUAGES, write_index, write_reports
from transfer.verification.scratch import Scratch
from transfer.verification.shares import HANDED, Shares, prepare, share_count
from transfer.verification.target import id_map_entries
from transfer.verification.waivers import Waiver, WaiverBook
from transfer.verification.web import Hosts, check_links, check_redirects, check_translations
from transfer.workspace import staged_sources

DEFAULT_HOSTS = Hosts(
    canonical="kotoutuminen.fi",
    aliases=frozenset({"www.kotoutuminen.fi"}),
    legacy=frozenset(
        {"kotouttaminen.fi", "www.kotouttaminen.fi", "integration.fi", "www.integration.fi"}
    ),
)


@dataclass(frozen=True)
class VerifyInputs:
    """What verification reads, and the thresholds it holds each check to.

    ``max_errors`` maps a check name to the errors it may find and still pass (absent: 0).
    ``waivers`` accept listed problems until their date (``today``, else the UTC date);
    ``languages`` are the report's languages, the first one written as ``report.html``.
    """

    engine: Engine
    mapped_store: Path
    staging_dir: Path
    media_dir: Path
    out_dir: Path
    logs_dir: Path
    run_id: str
    environment: str = "rehearsal"
    target_label: str = ""
    hosts: Hosts = DEFAULT_HOSTS
    max_errors: dict[str, int] = field(default_factory=dict)
    problem_cap: int = 1000
    waivers: tuple[Waiver, ...] = ()
    today: date | None = None
    languages: tuple[str, ...] = ("en",)
    #: Shares of the fidelity pass (processes); None: one per core for a large target.
    shares: int | None = None


def _staging_stores(staging_dir: Path) -> Iterator[tuple[str, StagingStore]]:
    for source, path in staged_sources(staging_dir).items():
        store = StagingStore(path)
        try:
            yield source, store
        finally:
            store.close()


#: What verification does, in order: the steps its progress line counts.
STEPS = (
    "load_inputs",
    "coverage",
    "attachments",
    "personal_data",
    "source_defects",
    "fidelity",
    "links",
    "completeness",
    "redirects",
    "translations",
    "changes",
    "reports",
)


@dataclass(kw_only=True)
class VerifyProgress(StageStats):
    """How far a verification has got: the step it is in, and how many have ended."""

    step: str = "starting"
    done: int = 0
    total: int = len(STEPS)
    #: Told of every change (the progress callback of :func:`verify`).
    report: Callable[[VerifyProgress], None] | None = field(default=None, repr=False)

    def begin(self, step: str) -> None:
        self.step = step
        self._tell()

    def end(self) -> None:
        self.done += 1
        self._tell()

    def _tell(self) -> None:
        if self.report is not None:
            self.report(self)

    def describe(self) -> str:
        now = "done" if self.done == self.total else self.step
        return f"{self.done}/{self.total} steps, {now}, {self.elapsed_s:.0f}s"


@contextmanager
def _timed(
    timings: dict[str, float], name: str, state: VerifyProgress | None = None
) -> Iterator[None]:
    started = time.perf_counter()
    if state is not None:
        state.begin(name)
    try:
        yield
    finally:
        timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - started, 3)
        if state is not None:
            state.end()


def verify(
    inputs: VerifyInputs, progress: Callable[[VerifyProgress], None] | None = None
) -> VerificationReport:
    """Check the target against the mapped store and the staging stores, write
    ``report.html``, ``report.json``, ``inventory.csv`` and ``problems-<check>.csv`` into
    ``inputs.out_dir``, and return the report (its verdict decides GO or NO-GO).
    ``progress`` is told as each step (:data:`STEPS`) begins and ends.

    Raises :class:`VerificationError` when an input is missing or the target cannot be read.
    """
    if not inputs.mapped_store.is_file():
        raise VerificationError(
            "there is no mapped store to verify against",
            where=str(inputs.mapped_store),
            next_step="run the map stage first (transfer rehearse runs every stage)",
        )
    inputs.out_dir.mkdir(parents=True, exist_ok=True)
    if not inputs.languages or set(inputs.languages) - set(LANGUAGES):
        raise VerificationError(
            f"unknown report language in {', '.join(inputs.languages) or '(none)'}",
            next_step=f"use {', '.join(LANGUAGES)} or all",
        )
    timings: dict[str, float] = {}
    state = VerifyProgress(report=progress)
    book = WaiverBook(inputs.waivers, inputs.today or datetime.now(UTC).date())
    collectors = {
        name: CheckCollector(
            name,
            inputs.out_dir,
            cap=inputs.problem_cap,
            max_errors=None if name == "changes" else inputs.max_errors.get(name, 0),
            waivers=None if name == "changes" else book,
        )
        for name in CHECK_NAMES
    }
    scratch = Scratch(inputs.out_dir / ".verify-scratch.sqlite")
    # The mapped rows are indexed in a thread of their own (SQLite's work, outside the
    # interpreter's lock), started first: it is the longest of the loading, and this thread
    # loads the rest and runs the checks that do not need them meanwhile.
    indexing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify-mapped-rows")
    inventory_csv = inputs.out_dir / "inventory.csv"
    try:
        with _timed(timings, "load_inputs", state):
            mapped_path = inputs.mapped_store
            indexed = indexing.submit(scratch.index_mapped, mapped_path)
            previous_path = previous_report(inputs.logs_dir, inputs.run_id)
            previous = load_previous(previous_path)
            with MappedStore(inputs.mapped_store) as store:
                shares = share_count(inputs.engine, sum(store.counts().values()), inputs.shares)
                production = inputs.environment == "production"
                with _timed(timings, "coverage", state):
                    coverage = check_coverage(store, collectors["coverage"])
            for system, staging in _staging_stores(inputs.staging_dir):
                scratch.load_staging(system, staging.path)
            scratch.staging_done()
            with inputs.engine.connect() as connection:
                scratch.load_id_map(id_map_entries(connection))
        with inputs.engine.connect() as connection:
            with _timed(timings, "attachments", state):
                check_attachments(connection, collectors["attachments"], inputs.media_dir)
            with _timed(timings, "personal_data", state):
                check_personal_data(connection, collectors["personal_data"], inputs.environment)
        with _timed(timings, "source_defects", state):
            for system, staging in _staging_stores(inputs.staging_dir):
                list_source_defects(system, staging, collectors["attachments"])
        with _timed(timings, "load_inputs"):  # the rest of it: the mapped rows
            # The workers' fork server starts (its imports) while this thread waits for
            # the index: started earlier, it would take the indexing thread's core.
            prepare(shares)
            indexed.result()
            scratch.load_mapped(mapped_path)
        with (
            Shares(inputs.engine, scratch, shares, production=production) as shared,
            inputs.engine.connect() as connection,
        ):
            with _timed(timings, "fidelity", state):
                shared.check_fidelity(connection, collectors["fidelity"])
            # The links and the translation groups are checked by a worker, when there is
            # one, beside completeness and redirects (see transfer.verification.shares).
            handed = shared.hand_over(inputs.hosts)
            if not handed:
                with _timed(timings, "links", state):
                    check_links(connection, scratch, collectors["links"], inputs.hosts)
            with _timed(timings, "completeness", state):
                groups = check_completeness(scratch, collectors["completeness"], inventory_csv)
            with _timed(timings, "redirects", state):
                check_redirects(scratch, collectors["redirects"], inputs.hosts)
            if not handed:
                with _timed(timings, "translations", state):
                    check_translations(scratch, collectors["translations"])
            else:
                for name in HANDED:
                    state.begin(name)
                    timings[name] = round(
                        shared.finish(name, connection, collectors[name], inputs.hosts), 3
                    )
                    state.end()
            stats = shared.stats()
        previous_inventory = previous_path.parent / "inventory.csv" if previous_path else None
        with _timed(timings, "changes", state):
            check_changes(collectors["changes"], inventory_csv, previous_inventory)
        if stats.shares > 1:
            timings["shares"] = stats.shares
            timings["workers_cpu"] = round(stats.workers_cpu_s, 3)
            timings["workers_peak_mb"] = round(stats.workers_peak_mb, 1)
    except SQLAlchemyError as exc:
        raise VerificationError(
            f"the target could not be read: {type(exc).__name__}: {exc.args[:1]}",
            where=inputs.target_label or "target database",
            next_step="check `transfer doctor` and `transfer schema status`, then verify again",
        ) from None
    finally:
        scratch.stop_indexing()
        indexing.shutdown()
        checks: tuple[Check, ...] = tuple(c.finish() for c in collectors.values())
        scratch.close()
    report = replace(
        _report(inputs, checks, groups, previous, timings, coverage),
        waivers=book.summary(),
        since_last_run=since_last(previous_path.parent if previous_path else None, inputs.out_dir),
    )
    with _timed({}, "reports", state):
        write_reports(report, inputs.out_dir, inputs.languages)
        write_index(inputs.logs_dir, inputs.languages[0])
    state.finish("finished")
    return report


def _report(
    inputs: VerifyInputs,
    checks: tuple[Check, ...],
    groups: dict[tuple[str, str, str], Counter[str]],
    previous: dict[str, Any],
    timings: dict[str, float],
    coverage: dict[str, Any],
) -> VerificationReport:
    verdict = decide(checks)
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    totals: Counter[str] = Counter()
    for counts in groups.values():
        totals.update(counts)
    point = {
        "run_id": inputs.run_id,
        "generated_at": generated,
        "verdict": verdict.decision,
        "source": totals["source"],
        "loaded": totals["target"],
        "errors": {check.name: check.errors for check in checks},
    }
    return VerificationReport(
        run_id=inputs.run_id,
        generated_at=generated,
        environment=inputs.environment,
        target=inputs.target_label,
        verdict=verdict,
        checks=checks,
        inventory=tuple(
            (system, kind, language, dict(sorted(counts.items())))
            for (system, kind, language), counts in sorted(groups.items())
        ),
        trend=trend(previous, point),
        previous_run=str(previous.get("run_id") or "") or None,
        timings=timings,
        coverage=coverage,
    )
