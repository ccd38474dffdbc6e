"""The orchestration layer: the one owner of the order of the stages.

``run_stages(settings, run, stages)`` runs the named stages of any sources, in the order of
:data:`STAGES`, recording each in the run's event log and keeping each stage's result in a
:class:`StageResults`. The rehearsal (:mod:`transfer.sandbox.rehearsal`), ``freeze-check``
and the CLI all call it; none of them knows the order itself. How progress is shown is the
caller's business: it passes a ``Progress`` that opens a display per stage and yields the
stage's callback.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from transfer.config import Settings
from transfer.database import create_target_engine, target_url
from transfer.errors import ConfigError, ExtractionError, LoadError, TransferError
from transfer.extractors.online_service import CrawlResult, extract_online_service
from transfer.extractors.partnership import ExportResult, extract_partnership
from transfer.extractors.partnership.apart import extract_partnership_apart
from transfer.loaders.run import LoadResult, load
from transfer.mappers.pool import PRELOAD as MAP_PRELOAD
from transfer.mappers.stage import MapResult, map_sources
from transfer.runs import Run
from transfer.schema.versioning import upgrade
from transfer.stats import ProgressReport
from transfer.verification.model import VerificationReport
from transfer.verification.settings import no_go, run_verification
from transfer.workers import start_server

#: Every stage, in the one order they run: the online-service crawl, the Partnership
#: export, the map stage, a schema upgrade of a non-production target, the load and the
#: verification report.
STAGES = ("crawl", "export", "map", "schema", "load", "verify")
#: What the crawl's parsing processes and the export's process import.
EXTRACT_PRELOAD = (
    "transfer.extractors.online_service.pool",
    "transfer.extractors.partnership.apart",
)
#: Opens the progress display of a stage ("crawl", "export", ...) and yields its callback.
Progress = Callable[[str], AbstractContextManager[Callable[[ProgressReport], None]]]


@contextmanager
def no_progress(stage: str) -> Iterator[Callable[[ProgressReport], None]]:
    yield lambda stats: None


def parse_stages(text: str) -> tuple[str, ...]:
    """``"crawl,export,map"`` → the stages in their run order; unknown names raise."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in STAGES]
    if unknown or not names:
        raise ConfigError(
            f"unknown stage(s): {', '.join(unknown) or '(none given)'}",
            next_step=f"name stages from: {', '.join(STAGES)}",
        )
    return tuple(stage for stage in STAGES if stage in names)


@dataclass
class StageResults:
    """What the stages of one run gave: each stage's result, ``None`` when not run."""

    crawl: CrawlResult | None = None
    export: ExportResult | None = None
    mapped: MapResult | None = None
    loaded: LoadResult | None = None
    report: VerificationReport | None = None
    report_path: Path | None = None
    #: How errors name the run ("rehearsal export: …").
    name: ClassVar[str] = "pipeline"

    def summary(self) -> list[str]:
        lines: list[str] = []
        if self.crawl is not None:
            shown = ", ".join(f"{k} {v}" for k, v in self.crawl.summary.as_dict().items())
            lines.append(f"online service crawl: {shown}")
        if self.export is not None:
            lines += _export_lines(self.export)
        if self.mapped is not None:
            lines.append(_map_line(self.mapped))
        if self.loaded is not None:
            actions = self.loaded.stats.actions
            shown = ", ".join(f"{action} {n}" for action, n in sorted(actions.items()))
            lines.append(f"load: {shown or 'nothing to load'}")
        if self.report is not None:
            verdict = self.report.verdict
            lines.append(f"verdict: {verdict.decision}")
            lines += [f"  {reason}" for reason in verdict.reasons]
            lines.append(f"report: {self.report_path}")
        return lines

    def raise_for_failure(self) -> None:
        """The error of the first stage that failed as a whole, if any."""
        if self.crawl is not None and self.crawl.failures:
            raise ExtractionError(
                f"{self.name} crawl: {len(self.crawl.failures)} URL(s) failed permanently",
                next_step="see crawl-summary.json in the run folder",
            )
        # Files the source cannot give are its state, reported, not a failed run; what
        # `transfer extract partnership` exits 4 on (a collection or a file we failed to
        # fetch) fails the run too.
        if self.export is not None and self.export.failures:
            names = ", ".join(str(f["url"]) for f in self.export.failures[:5])
            raise ExtractionError(
                f"{self.name} export: {len(self.export.failures)} failed: {names}",
                next_step="see export-summary.json in the run folder; run again to retry them",
            )
        if self.mapped is not None:
            self.mapped.raise_for_failures()
        if self.loaded is not None and self.loaded.stats.failures:
            raise LoadError(
                f"{self.name} load: {len(self.loaded.stats.failures)} record(s) failed",
                next_step="see load-summary.json in the run folder, or `transfer messages`",
            )
        if self.report is not None and self.report_path and not self.report.verdict.go:
            raise no_go(self.report, self.report_path.parent)


def _export_lines(export: ExportResult) -> list[str]:
    shown = ", ".join(f"{kind} {counts['exported']}" for kind, counts in export.collections.items())
    lines = [f"partnership export: {shown}"]
    if export.source_defects:
        lines.append(
            f"partnership export: {len(export.source_defects)} file(s) the "
            "platform cannot give (source defects), listed in export-summary.json"
        )
    if export.failed_files:
        lines.append(
            f"partnership export: {len(export.failed_files)} file(s) failed to "
            "download, listed in export-summary.json"
        )
    return lines


def _map_line(mapped: MapResult) -> str:
    by_status: dict[str, int] = {"mapped": 0, "skipped": 0, "failed": 0}
    for (_, _, status), number in mapped.counts.items():
        by_status[status] = by_status.get(status, 0) + number
    shown = ", ".join(f"{status} {number}" for status, number in by_status.items())
    summary = mapped.summary
    groups = sum(summary.get("translation_groups", {}).values())
    redirects = sum(summary.get("redirects", {}).values())
    return (
        f"map: records {shown}; {groups} translation groups, {redirects} redirects, "
        f"{summary.get('unknown_links', 0)} unknown links"
    )


def run_stages(
    settings: Settings,
    run: Run,
    stages: Iterable[str],
    progress: Progress = no_progress,
    results: StageResults | None = None,
) -> StageResults:
    """Run ``stages`` (names from :data:`STAGES`) in their order, into ``results``. A stage
    that fails as a whole raises or leaves its failures in its result; the caller decides
    with :meth:`StageResults.raise_for_failure`. ``schema`` upgrades only a non-production
    target (a production target is upgraded by its own runbook step, never as a side
    effect)."""
    wanted = set(stages)
    results = results if results is not None else StageResults()
    both = {"crawl", "export"} <= wanted
    for stage in STAGES:
        if stage not in wanted or (both and stage == "export"):
            continue
        if both and stage == "crawl":
            # The crawl's parsers, the export's process and the map's workers all fork
            # from one server: started here with their modules imported once.
            start_server([*EXTRACT_PRELOAD, *(MAP_PRELOAD if "map" in wanted else ())])
            _extract_both(settings, run, progress, results)
            continue
        started = time.monotonic()
        run.events.emit("pipeline", "stage started", name=stage)
        if stage == "crawl":
            with progress("crawl") as update:
                results.crawl = extract_online_service(settings, run, progress=update)
        elif stage == "export":
            with progress("export") as update:
                results.export = extract_partnership(settings, run, progress=update)
        elif stage == "map":
            with progress("map") as update:
                results.mapped = map_sources(settings, run, progress=update)
        elif stage == "schema":
            _upgrade_target(settings)
        elif stage == "load":
            with progress("load") as update:
                results.loaded = load(settings, run, progress=update)
        elif stage == "verify":
            with progress("verify") as update:
                results.report = run_verification(settings, run, progress=update)
            results.report_path = run.dir / "report.html"
        _finished(run, stage, started)
    return results


def _finished(run: Run, stage: str, started: float) -> None:
    seconds = round(time.monotonic() - started, 3)
    run.events.emit("pipeline", "stage finished", name=stage, seconds=seconds)


def _extract_both(settings: Settings, run: Run, progress: Progress, results: StageResults) -> None:
    """The crawl and the export at once: they read independent sources into their own
    staging stores, so the export runs beside the crawl, in a process of its own (see
    :mod:`transfer.extractors.partnership.apart`: sharing the crawl's interpreter lock
    made it the longer of the two) relayed by a thread of this one. The crawl keeps this
    thread, where Ctrl-C stops it cleanly as when it runs alone. A stage that fails is
    named in the event log (``stage failed``) and in its error; when the crawl fails, the
    export is stopped cleanly (its committed work resumes next time) before the crawl's
    error is raised; when the export fails, the crawl is left to finish and the export's
    error is raised after."""
    stop_export = threading.Event()
    export_failure: list[BaseException] = []
    export_started = time.monotonic()

    def export() -> None:
        try:
            with progress("export") as update:
                results.export = extract_partnership_apart(
                    settings, run, progress=update, stop=stop_export
                )
        except BaseException as exc:  # raised in the calling thread, see below
            export_failure.append(exc)
            _failed(run, "export", exc)
        else:
            _finished(run, "export", export_started)

    started = time.monotonic()
    run.events.emit("pipeline", "stage started", name="crawl")
    run.events.emit("pipeline", "stage started", name="export", beside="crawl")
    worker = threading.Thread(target=export, name="transfer-export", daemon=True)
    worker.start()
    try:
        with progress("crawl") as update:
            results.crawl = extract_online_service(settings, run, progress=update)
    except BaseException as exc:
        _failed(run, "crawl", exc)
        stop_export.set()
        _wait(worker, stop_export)
        _name("crawl", exc)
        raise
    _finished(run, "crawl", started)
    _wait(worker, stop_export)
    if export_failure:
        raise _name("export", export_failure[0])


def _wait(worker: threading.Thread, stop: threading.Event) -> None:
    """Join ``worker``; Ctrl-C meanwhile stops it cleanly first, then stops the run."""
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        stop.set()
        worker.join()
        raise


def _failed(run: Run, stage: str, exc: BaseException) -> None:
    what = "stopped by the operator" if isinstance(exc, KeyboardInterrupt) else str(exc)
    run.events.emit(
        "pipeline", "stage failed", level="error", name=stage, error=type(exc).__name__, what=what
    )


def _name(stage: str, exc: BaseException) -> BaseException:
    """``exc``, made to name the stage it ended (the crawl and the export ran at once)."""
    if isinstance(exc, TransferError) and not exc.what.startswith(f"{stage}: "):
        exc.what = f"{stage}: {exc.what}"
        exc.args = (exc.what, *exc.args[1:])
    elif not isinstance(exc, TransferError | KeyboardInterrupt):
        exc.add_note(f"in the {stage} stage")
    return exc


def _upgrade_target(settings: Settings) -> None:
    if settings.target.is_production:
        raise ConfigError(
            "the pipeline does not upgrade a production target's schema",
            next_step="run `transfer schema upgrade` as its own runbook step",
        )
    engine = create_target_engine(target_url(settings.target))
    try:
        upgrade(engine)
    finally:
        engine.dispose()
