"""The orchestration layer: the only module that knows the order of the stages.

``rehearse`` is the dry run that ``make demo`` performs: it serves the sandbox on loopback,
points both sources at it, and runs each stage that exists so far, in order, recording
every step in the run's event log. How progress is shown is the caller's business: it
passes a ``Progress`` that opens a display per stage and yields the stage's callback.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from transfer import doctor
from transfer.config import Settings
from transfer.cutover.executor import CutoverOutcome, confirm_as, run_cutover
from transfer.cutover.runbook import load_runbook
from transfer.database import create_target_engine, target_url
from transfer.errors import DoctorFailed, ExtractionError, LoadError
from transfer.extractors.online_service import CrawlResult, extract_online_service
from transfer.extractors.partnership import ExportResult, extract_partnership
from transfer.loaders.run import LoadResult, load
from transfer.mappers.stage import MapResult, map_sources
from transfer.redaction import Secret, register_secret
from transfer.runs import Run
from transfer.sandbox import RunningSandbox, SandboxSettings, serve_sandbox
from transfer.schema.versioning import upgrade
from transfer.verification.model import VerificationReport
from transfer.verification.settings import no_go, run_verification

Reporter = Callable[[str, str, str], None]
CUTOVER_RUNBOOK = Path("runbooks") / "cutover.yml"
REHEARSAL_OPERATOR = "migration engineer (rehearsal)"
#: Opens the progress display of a stage ("crawl", "export", ...) and yields its callback.
Progress = Callable[[str], AbstractContextManager[Callable[[Any], None]]]


@contextmanager
def no_progress(stage: str) -> Iterator[Callable[[Any], None]]:
    yield lambda stats: None


@dataclass
class Outcome:
    """What a rehearsal did: its step results and the sandbox's figures."""

    checks: list[doctor.Check] = field(default_factory=list)
    truth_counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    crawl: CrawlResult | None = None
    export: ExportResult | None = None
    mapped: MapResult | None = None
    loaded: LoadResult | None = None
    report: VerificationReport | None = None
    report_path: Path | None = None

    @property
    def failed(self) -> list[doctor.Check]:
        return [check for check in self.checks if check.status == "fail"]

    def summary(self) -> list[str]:
        lines = [f"checks: {len(self.checks) - len(self.failed)} passed, {len(self.failed)} failed"]
        for system, counts in self.truth_counts.items():
            shown = ", ".join(f"{name} {count}" for name, count in counts.items())
            lines.append(f"sandbox {system}: {shown}")
        if self.crawl is not None:
            shown = ", ".join(f"{k} {v}" for k, v in self.crawl.summary.as_dict().items())
            lines.append(f"online service crawl: {shown}")
        if self.export is not None:
            shown = ", ".join(
                f"{kind} {counts['exported']}" for kind, counts in self.export.collections.items()
            )
            lines.append(f"partnership export: {shown}")
            if self.export.source_defects:
                lines.append(
                    f"partnership export: {len(self.export.source_defects)} file(s) the "
                    "platform cannot give (source defects), listed in export-summary.json"
                )
            if self.export.failed_files:
                lines.append(
                    f"partnership export: {len(self.export.failed_files)} file(s) failed to "
                    "download, listed in export-summary.json"
                )
        if self.mapped is not None:
            by_status: dict[str, int] = {"mapped": 0, "skipped": 0, "failed": 0}
            for (_, _, status), number in self.mapped.counts.items():
                by_status[status] = by_status.get(status, 0) + number
            shown = ", ".join(f"{status} {number}" for status, number in by_status.items())
            summary = self.mapped.summary
            groups = sum(summary.get("translation_groups", {}).values())
            redirects = sum(summary.get("redirects", {}).values())
            lines.append(
                f"map: records {shown}; {groups} translation groups, {redirects} redirects, "
                f"{summary.get('unknown_links', 0)} unknown links"
            )
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
        if self.crawl is not None and self.crawl.failures:
            raise ExtractionError(
                f"rehearsal crawl: {len(self.crawl.failures)} URL(s) failed permanently",
                next_step="see crawl-summary.json in the run folder",
            )
        # Files the source cannot give are its state, reported, not a failed run; what
        # `transfer extract partnership` exits 4 on (a collection or a file we failed to
        # fetch) fails the rehearsal too.
        if self.export is not None and self.export.failures:
            names = ", ".join(str(f["url"]) for f in self.export.failures[:5])
            raise ExtractionError(
                f"rehearsal export: {len(self.export.failures)} failed: {names}",
                next_step="see export-summary.json in the run folder; run again to retry them",
            )
        if self.mapped is not None:
            self.mapped.raise_for_failures()
        if self.loaded is not None and self.loaded.stats.failures:
            raise LoadError(
                f"rehearsal load: {len(self.loaded.stats.failures)} record(s) failed",
                next_step="see load-summary.json in the run folder, or `transfer messages`",
            )
        if self.report is not None and self.report_path and not self.report.verdict.go:
            raise no_go(self.report, self.report_path.parent)
        if self.failed:
            raise DoctorFailed(
                f"rehearsal stopped: {', '.join(check.name for check in self.failed)} failed",
                next_step="fix what the failed lines say and run `transfer rehearse` again",
            )


def sandbox_sources(settings: Settings, running: RunningSandbox) -> Settings:
    """``settings`` with both sources fetched from the sandbox, using its rehearsal account."""
    box = running.settings
    for value in (box.platform_username, box.platform_password, box.client_id, box.client_secret):
        register_secret(value)  # rehearsal values, but treated exactly like real credentials
    return replace(
        settings,
        online_service=replace(settings.online_service, fetch_base=running.online_url),
        partnership=replace(
            settings.partnership,
            fetch_base=running.platform_url,
            username=Secret(box.platform_username),
            password=Secret(box.platform_password),
            client_id=Secret(box.client_id),
            client_secret=Secret(box.client_secret),
        ),
    )


def _truth_counts(truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    counts: dict[str, dict[str, Any]] = {}
    for system in ("online_service", "platform"):
        part = truth.get(system, {})
        counts[system] = {
            name: len(value)
            for name, value in sorted(part.items())
            if isinstance(value, list) and name != "changes"
        }
    return counts


def rehearse(
    settings: Settings,
    sandbox: SandboxSettings,
    run: Run,
    report: Reporter,
    progress: Progress = no_progress,
) -> Outcome:
    """Run every existing stage against a freshly served sandbox, in order: environment
    checks, the online-service crawl, the Partnership export, the map stage, the load and
    the verification report. Stops after the checks when one fails, and after a stage that
    failed as a whole; the verdict is in ``report``."""
    outcome = Outcome()
    with serve_sandbox(sandbox) as running:
        run.events.emit(
            "sandbox",
            "serving",
            online=running.online_url,
            platform=running.platform_url,
            seed=sandbox.seed,
            scale=sandbox.scale,
            epoch=sandbox.epoch,
        )
        settings = sandbox_sources(settings, running)
        for check in doctor.checks(settings):
            report(check.status, check.name, check.detail)
            run.events.emit(
                "doctor",
                "check",
                level="error" if check.status == "fail" else "info",
                name=check.name,
                status=check.status,
                detail=check.detail,
            )
            outcome.checks.append(check)
        truth = running.truth()
        run.artefact("sandbox-truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )
        outcome.truth_counts = _truth_counts(truth)
        run.events.emit("sandbox", "truth", counts=outcome.truth_counts)
        if outcome.failed:
            return outcome
        with progress("crawl") as update:
            outcome.crawl = extract_online_service(settings, run, progress=update)
        with progress("export") as update:
            outcome.export = extract_partnership(settings, run, progress=update)
        with progress("map") as update:
            outcome.mapped = map_sources(settings, run, progress=update)
        _upgrade_target(settings)
        with progress("load") as update:
            outcome.loaded = load(settings, run, progress=update)
        outcome.report = run_verification(settings, run)
        outcome.report_path = run.dir / "report.html"
    return outcome


def _upgrade_target(settings: Settings) -> None:
    """Bring the rehearsal target to the newest schema (a production target is upgraded
    by its own runbook step, never as a side effect)."""
    engine = create_target_engine(target_url(settings.target))
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def rehearse_cutover(
    settings: Settings,
    sandbox: SandboxSettings,
    report: Reporter,
    runbook: Path = CUTOVER_RUNBOOK,
) -> CutoverOutcome:
    """Rehearse the cutover runbook after a dry run at ``sandbox``'s epoch: the sandbox is
    served at the next epoch, so the sources changed inside the freeze window, which
    begins at the dry run's sandbox time. Every confirmation is given by the rehearsal
    operator; production-only steps are skipped and recorded as skipped."""
    following = replace(sandbox, epoch=sandbox.epoch + 1)
    book = load_runbook(runbook)
    with serve_sandbox(following) as running:
        return run_cutover(
            book,
            sandbox_sources(settings, running),
            rehearse=True,
            confirmer=confirm_as(REHEARSAL_OPERATOR),
            operator=REHEARSAL_OPERATOR,
            new=True,
            report=report,
            tasks_file=runbook.parent / "tasks.yml",
            env={"TRANSFER_FREEZE_SINCE": sandbox.now.isoformat()},
        )
