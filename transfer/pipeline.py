"""The orchestration layer: the only module that knows the order of the stages.

``rehearse`` is the dry run that ``make demo`` performs: it serves the sandbox on loopback,
points both sources at it, and runs each stage that exists so far, in order, recording
every step in the run's event log.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from transfer import doctor
from transfer.config import Settings
from transfer.errors import DoctorFailed, ExtractionError
from transfer.extractors.online_service import CrawlResult, CrawlStats, extract_online_service
from transfer.redaction import Secret, register_secret
from transfer.runs import Run
from transfer.sandbox import RunningSandbox, SandboxSettings, serve_sandbox

Reporter = Callable[[str, str, str], None]


@dataclass
class Outcome:
    """What a rehearsal did: its step results and the sandbox's figures."""

    checks: list[doctor.Check] = field(default_factory=list)
    truth_counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    crawl: CrawlResult | None = None

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
        return lines

    def raise_for_failure(self) -> None:
        if self.crawl is not None and self.crawl.failures:
            raise ExtractionError(
                f"rehearsal crawl: {len(self.crawl.failures)} URL(s) failed permanently",
                next_step="see crawl-summary.json in the run folder",
            )
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
    crawl_progress: Callable[[CrawlStats], None] | None = None,
) -> Outcome:
    """Run every existing stage against a freshly served sandbox, in order: environment
    checks, then the online-service crawl. Stops after the checks when one fails."""
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
        outcome.crawl = extract_online_service(settings, run, progress=crawl_progress)
    return outcome
