"""The rehearsal that ``make demo`` performs: the sandbox served, both sources pointed at
it, then the pipeline's stages (:func:`transfer.pipeline.run_stages`) and, after it, the
cutover runbook against the sandbox's next epoch.

This is the only place where product stages meet the sandbox; product code never imports
:mod:`transfer.sandbox`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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
from transfer.sandbox import RunningSandbox, SandboxSettings, serve_sandbox

CUTOVER_RUNBOOK = Path("runbooks") / "cutover.yml"
REHEARSAL_OPERATOR = "migration engineer (rehearsal)"


@dataclass
class Outcome(StageResults):
    """What a rehearsal did: the environment checks, the sandbox's figures and each
    stage's result."""

    checks: list[doctor.Check] = field(default_factory=list)
    truth_counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    name: ClassVar[str] = "rehearsal"

    @property
    def failed(self) -> list[doctor.Check]:
        return [check for check in self.checks if check.status == "fail"]

    def summary(self) -> list[str]:
        lines = [f"checks: {len(self.checks) - len(self.failed)} passed, {len(self.failed)} failed"]
        for system, counts in self.truth_counts.items():
            shown = ", ".join(f"{name} {count}" for name, count in counts.items())
            lines.append(f"sandbox {system}: {shown}")
        return lines + super().summary()

    def raise_for_failure(self) -> None:
        super().raise_for_failure()
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
    report: StatusReporter,
    progress: Progress = no_progress,
    stages: tuple[str, ...] = STAGES,
) -> Outcome:
    """Serve the sandbox, check the environment, then run ``stages`` (all of them by
    default) against it. Stops after the checks when one fails; the verdict is in the
    outcome's ``report``."""
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
        outcome.checks = doctor.run_checks(settings, run, report)
        truth = running.truth()
        run.artefact("sandbox-truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )
        outcome.truth_counts = _truth_counts(truth)
        run.events.emit("sandbox", "truth", counts=outcome.truth_counts)
        if outcome.failed:
            return outcome
        run_stages(settings, run, stages, progress, results=outcome)
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
            output=output,
        )
