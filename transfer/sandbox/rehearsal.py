"""The rehearsal that ``make demo`` performs: the sandbox served, both sources pointed at
it, then the pipeline's stages (:func:`transfer.pipeline.run_stages`) and, after it, the
cutover runbook against the sandbox's next epoch.

This is the only place where product stages meet the sandbox; product code never imports
:mod:`transfer.sandbox`.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import click

from transfer import doctor
from transfer.config import OPTIONS_BY_KEY, Settings
from transfer.cutover.executor import CutoverOutcome, StatusReporter, confirm_as, run_cutover
from transfer.cutover.runbook import load_runbook
from transfer.errors import DoctorFailed
from transfer.pipeline import STAGES, Progress, StageResults, no_progress, run_stages
from transfer.redaction import Secret, register_secret
from transfer.runs import Run
from transfer.sandbox import (
    RunningSandbox,
    SandboxSettings,
    serve_sandbox,
    truth_counts_path,
    write_served_truth,
)
from transfer.sandbox.process import SandboxProcess, sandbox_process
from transfer.workers import server_cpu_s

CUTOVER_RUNBOOK = Path("runbooks") / "cutover.yml"
REHEARSAL_OPERATOR = "migration engineer (rehearsal)"


@dataclass
class Outcome(StageResults):
    """What a rehearsal did: the environment checks, the sandbox's figures and each
    stage's result."""

    checks: list[doctor.Check] = field(default_factory=list)
    truth_counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Peak resident memory in bytes of this process (the toolkit) and of the sandbox's
    #: own process; None where not measured (in-process sandbox, or no /proc).
    toolkit_peak_rss: int | None = None
    sandbox_peak_rss: int | None = None
    #: CPU seconds of each (the machine may be shared: steadier than wall time); the
    #: toolkit's are this process's and, in ``workers_cpu_s``, those of the processes its
    #: stages ran work in (the export, the crawl's parsers, the map's, verification's).
    toolkit_cpu_s: float | None = None
    workers_cpu_s: float | None = None
    sandbox_cpu_s: float | None = None
    name: ClassVar[str] = "rehearsal"

    @property
    def failed(self) -> list[doctor.Check]:
        return [check for check in self.checks if check.status == "fail"]

    def summary(self) -> list[str]:
        lines = [f"checks: {len(self.checks) - len(self.failed)} passed, {len(self.failed)} failed"]
        for system, counts in self.truth_counts.items():
            shown = ", ".join(f"{name} {count}" for name, count in counts.items())
            lines.append(f"sandbox {system}: {shown}")
        lines += super().summary()
        if self.toolkit_peak_rss is not None:
            sandbox = (
                f"; sandbox {_megabytes(self.sandbox_peak_rss)} (its own process)"
                if self.sandbox_peak_rss is not None
                else " (sandbox included: served in-process)"
            )
            lines.append(
                f"peak memory: toolkit {_megabytes(self.toolkit_peak_rss)} (this process){sandbox}"
            )
        if self.toolkit_cpu_s is not None:
            sandbox_cpu = (
                "" if self.sandbox_cpu_s is None else f"; sandbox {self.sandbox_cpu_s:,.1f} s"
            )
            total, workers = self.toolkit_cpu_s, ""
            if self.workers_cpu_s is not None:
                total += self.workers_cpu_s
                workers = (
                    f" (this process {self.toolkit_cpu_s:,.1f} s, its worker processes "
                    f"{self.workers_cpu_s:,.1f} s)"
                )
            lines.append(f"CPU time: toolkit {total:,.1f} s{workers}{sandbox_cpu}")
        return lines

    def raise_for_failure(self) -> None:
        super().raise_for_failure()
        if self.failed:
            raise DoctorFailed(
                f"rehearsal stopped: {', '.join(check.name for check in self.failed)} failed",
                next_step="fix what the failed lines say and run `transfer rehearse` again",
            )


def _megabytes(size: int | None) -> str:
    return "unknown" if size is None else f"{size / 1e6:,.0f} MB"


def own_peak_rss() -> int | None:
    """Peak resident memory of this process in bytes (None where the platform has no
    ``resource`` module)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux or macOS
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux


def sandbox_sources(settings: Settings, running: RunningSandbox | SandboxProcess) -> Settings:
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


def sandbox_environment(running: RunningSandbox) -> dict[str, str]:
    """The ``TRANSFER_*`` variables that point ``transfer`` at ``running``: both sources'
    fetch bases and the platform's rehearsal account, the very values
    :func:`sandbox_sources` sets (what ``transfer sandbox serve`` prints to export)."""
    box = running.settings
    values = {
        "sources.online_service.fetch_base": running.online_url,
        "sources.partnership.fetch_base": running.platform_url,
        "sources.partnership.username": box.platform_username,
        "sources.partnership.password": box.platform_password,
        "sources.partnership.client_id": box.client_id,
        "sources.partnership.client_secret": box.client_secret,
    }
    return {OPTIONS_BY_KEY[key].env: value for key, value in values.items()}


@contextmanager
def _served(
    sandbox: SandboxSettings, own_process: bool, truth: Path
) -> Iterator[RunningSandbox | SandboxProcess]:
    """The sandbox for a rehearsal, its ground truth written to ``truth``."""
    if own_process:
        with sandbox_process(sandbox, truth=truth) as child:
            yield child
        return
    with serve_sandbox(sandbox) as running:
        write_served_truth(running, truth)
        yield running


def rehearse(
    settings: Settings,
    sandbox: SandboxSettings,
    run: Run,
    report: StatusReporter,
    progress: Progress = no_progress,
    stages: tuple[str, ...] = STAGES,
    own_process: bool = True,
) -> Outcome:
    """Serve the sandbox, check the environment, then run ``stages`` (all of them by
    default) against it. Stops after the checks when one fails; the verdict is in the
    outcome's ``report``. The sandbox is served by a child process, so the replicas and
    the crawler do not share a core, unless ``own_process`` is false."""
    outcome = Outcome()
    workers_before = server_cpu_s() or 0.0  # a fork server may have worked for others before
    truth_file = run.artefact("sandbox-truth.json")
    with _served(sandbox, own_process, truth_file) as running:
        run.events.emit(
            "sandbox",
            "serving",
            online=running.online_url,
            platform=running.platform_url,
            seed=sandbox.seed,
            scale=sandbox.scale,
            epoch=sandbox.epoch,
            process="own" if own_process else "this",
        )
        settings = sandbox_sources(settings, running)
        outcome.checks = doctor.run_checks(settings, run, report)
        counts = truth_counts_path(truth_file).read_text(encoding="utf-8")
        outcome.truth_counts = json.loads(counts)
        run.events.emit("sandbox", "truth", counts=outcome.truth_counts)
        if not outcome.failed:
            run_stages(settings, run, stages, progress, results=outcome)
    outcome.toolkit_peak_rss = own_peak_rss()
    outcome.toolkit_cpu_s = time.process_time()
    workers_after = server_cpu_s()
    outcome.workers_cpu_s = (
        None if workers_after is None else max(0.0, workers_after - workers_before)
    )
    if isinstance(running, SandboxProcess):
        outcome.sandbox_peak_rss = running.peak_rss_bytes
        outcome.sandbox_cpu_s = running.cpu_s
    run.events.emit(
        "sandbox",
        "resources",
        toolkit_peak_rss=outcome.toolkit_peak_rss,
        sandbox_peak_rss=outcome.sandbox_peak_rss,
        toolkit_cpu_s=outcome.toolkit_cpu_s,
        workers_cpu_s=outcome.workers_cpu_s,
        sandbox_cpu_s=outcome.sandbox_cpu_s,
    )
    return outcome


def rehearse_cutover(
    settings: Settings,
    sandbox: SandboxSettings,
    report: StatusReporter,
    commands: click.Group,
    runbook: Path = CUTOVER_RUNBOOK,
    output: Callable[[str, str], None] | None = None,
) -> CutoverOutcome:
    """Rehearse the cutover runbook after a dry run at ``sandbox``'s epoch: the sandbox is
    served at the next epoch, so the sources changed inside the freeze window, which
    begins at the dry run's sandbox time. Every confirmation is given by the rehearsal
    operator; production-only steps are skipped and recorded as skipped. ``commands`` is
    the ``transfer`` command tree the runbook's steps are checked against; ``output`` is
    told each line of the steps' output as it comes."""
    following = replace(sandbox, epoch=sandbox.epoch + 1)
    book = load_runbook(runbook, commands)
    with sandbox_process(following) as running:
        outcome = run_cutover(
            book,
            sandbox_sources(settings, running),
            rehearse=True,
            confirmer=confirm_as(REHEARSAL_OPERATOR),
            operator=REHEARSAL_OPERATOR,
            new=True,
            report=report,
            tasks_file=runbook.parent / "tasks.yml",
            env={"TRANSFER_FREEZE_SINCE": sandbox.now.isoformat()},
            output=output,
        )
    cpu = "unknown" if running.cpu_s is None else f"{running.cpu_s:,.1f} s"
    report(
        "info",
        "sandbox",
        f"peak memory {_megabytes(running.peak_rss_bytes)}, CPU time {cpu} (its own process)",
    )
    return outcome
