"""Verification inputs from the settings: where the stores are, and the thresholds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from transfer.config import Settings
from transfer.database import create_target_engine, display_url, target_url
from transfer.errors import NoGo
from transfer.extractors.online_service.profile import load_profile
from transfer.runs import Run
from transfer.verification.language import parse_languages
from transfer.verification.model import CHECK_NAMES, VerificationReport
from transfer.verification.run import DEFAULT_HOSTS, VerifyInputs, VerifyProgress, verify
from transfer.verification.waivers import load_waivers
from transfer.verification.web import Hosts
from transfer.workspace import Workspace


def thresholds(settings: Settings) -> dict[str, int]:
    """Errors each check may find and still pass (``verify.<check>_max_errors``)."""
    found: dict[str, int] = {}
    for name in CHECK_NAMES:
        value = settings.values.get(f"verify.{name}_max_errors")
        if value is not None:
            found[name] = int(value)
    return found


def accepted_file(settings: Settings) -> Path:
    """The waivers file: ``verify.accepted_file``, else ``<mappings_dir>/accepted.yml``."""
    configured = str(settings.values.get("verify.accepted_file") or "")
    return Path(configured) if configured else settings.mappings_dir / "accepted.yml"


def inputs_from_settings(
    settings: Settings,
    *,
    run_id: str,
    out_dir: Path,
    media: Path | None = None,
    language: str | None = None,
) -> VerifyInputs:
    """Everything :func:`transfer.verification.verify` needs, as the settings name it;
    ``language`` (``--lang``) overrides ``verify.report_language``. The waivers file is
    read here, so a mistake in it stops verification before the target is touched."""
    languages = parse_languages(
        language or str(settings.values.get("verify.report_language") or "en")
    )
    waivers = load_waivers(accepted_file(settings))
    url = target_url(settings.target)
    workspace = Workspace.from_settings(settings)
    return VerifyInputs(
        engine=create_target_engine(url),
        mapped_store=workspace.mapped,
        staging_dir=workspace.staging_dir,
        media_dir=media or workspace.media,
        out_dir=out_dir,
        logs_dir=settings.logs_dir,
        run_id=run_id,
        environment=settings.target.environment,
        target_label=display_url(url),
        max_errors=thresholds(settings),
        problem_cap=int(settings.values.get("verify.problem_cap") or 1000),
        shares=int(settings.values.get("verify.shares") or 0) or None,
        waivers=waivers,
        languages=languages,
    )


def hosts_from_profile(settings: Settings) -> Hosts:
    """The online service's canonical, alias and legacy hosts, from its source profile."""
    path = settings.mappings_dir / "online_service" / "profile.yml"
    if not path.is_file():
        return DEFAULT_HOSTS
    rules = load_profile(path).urls
    return Hosts(rules.canonical_host, rules.host_aliases, rules.legacy_hosts)


def run_verification(
    settings: Settings,
    run: Run,
    *,
    media: Path | None = None,
    language: str | None = None,
    progress: Callable[[VerifyProgress], None] | None = None,
) -> VerificationReport:
    """Verify the configured target into ``run``'s folder; the report says GO or NO-GO.
    ``language``: fi, sv, en or all (else ``verify.report_language``); ``progress`` is
    told as each step begins and ends."""
    inputs = replace(
        inputs_from_settings(
            settings, run_id=run.run_id, out_dir=run.dir, media=media, language=language
        ),
        hosts=hosts_from_profile(settings),
    )
    try:
        report = verify(inputs, progress)
    finally:
        inputs.engine.dispose()
    run.events.emit(
        "verify",
        "verdict",
        decision=report.verdict.decision,
        reasons=list(report.verdict.reasons),
        report=str(run.dir / "report.html"),
    )
    return report


def no_go(report: VerificationReport, out_dir: Path) -> NoGo:
    """The error a NO-GO verdict exits with (exit code 9), naming the reasons and report."""
    return NoGo(
        "verification verdict NO-GO: " + "; ".join(report.verdict.reasons),
        where=str(out_dir / "report.html"),
        next_step="read the report's problem tables (CSV beside it), fix, and run again",
    )
