"""``transfer doctor``: is this machine ready to run a migration?

Each check returns one line (ok, warn or fail). A failed target-database check makes the
doctor exit with the database's own exit code, any other failure with DoctorFailed's, so a
runbook can tell "fix the database" from "fix the machine".
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

import requests
from packaging.requirements import Requirement

from transfer.config import Settings, SourceSettings
from transfer.database import create_target_engine, display_url, ping, target_url
from transfer.errors import DoctorFailed, TargetDatabaseError, TransferError
from transfer.extractors.http.classify import Verdict, classify
from transfer.runs import Run

SOURCE_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "ok", "warn" or "fail"
    detail: str
    error: TransferError | None = None


def check_python() -> Check:
    return Check(
        "python", "ok", f"Python {'.'.join(map(str, sys.version_info[:3]))} at {sys.executable}"
    )


def check_dependencies() -> Check:
    missing: list[str] = []
    found: list[str] = []
    for line in requires("transfer") or []:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue  # development extras are not needed to run
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            missing.append(str(requirement))
            continue
        if installed not in requirement.specifier:
            missing.append(f"{requirement} (found {installed})")
        else:
            found.append(f"{requirement.name} {installed}")
    if missing:
        return Check(
            "dependencies",
            "fail",
            f"missing or too old: {', '.join(missing)}; run `make demo` or "
            "`pip install -e .` to install them",
        )
    return Check("dependencies", "ok", f"{len(found)} installed")


def check_configuration(settings: Settings) -> Check:
    source = f"file {settings.config_file}" if settings.config_file else "defaults and environment"
    return Check(
        "configuration", "ok", f"valid ({source}); target is {settings.target.environment}"
    )


def check_writable(name: str, folder: Path) -> Check:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(
            name,
            "fail",
            f"{folder} is not writable ({exc.strerror}); fix its "
            "permissions or choose another folder",
        )
    return Check(name, "ok", f"{folder} is writable")


def check_target(settings: Settings) -> Check:
    try:
        url = target_url(settings.target)
        engine = create_target_engine(url)
        try:
            server = ping(engine)
        finally:
            engine.dispose()
    except TargetDatabaseError as exc:
        return Check("target database", "fail", str(exc), exc)
    except TransferError as exc:
        return Check("target database", "fail", str(exc), exc)
    return Check("target database", "ok", f"{server} answers at {display_url(url)}")


def check_source(name: str, source: SourceSettings, probe_path: str = "/") -> Check:
    """Does the source answer? A GET of ``probe_path``, judged by the one classification of
    HTTP answers: what an extraction would retry (no connection, a timeout, 5xx) fails; a
    429 warns (the source is there, throttling); any other answer, even a 404, means the
    source is there."""
    address = source.fetch_url + probe_path
    try:
        answer = requests.get(address, timeout=SOURCE_TIMEOUT_S, allow_redirects=False)
    except requests.RequestException as exc:
        reason = classify(error=exc).reason
        return Check(
            name,
            "fail",
            f"{address} does not answer ({reason}, {type(exc).__name__}); check the network "
            "or set the source's fetch_base",
        )
    judged = classify(response=answer)
    if judged.throttled:
        wait = "" if judged.retry_after_s is None else f" (Retry-After {judged.retry_after_s:g} s)"
        return Check(
            name,
            "warn",
            f"{address} answers {judged.reason}{wait}: it is there but asks for fewer "
            "requests; an extraction waits and retries, and a lower http.concurrency "
            "helps if it goes on",
        )
    if judged.verdict is Verdict.RETRY:
        return Check(name, "fail", f"{address} answers {judged.reason}: down or overloaded")
    return Check(name, "ok", f"{address} answers {judged.reason}")


def checks(settings: Settings, *, sources: bool = True) -> Iterator[Check]:
    """Run every check in order, yielding each result as soon as it is known."""
    plan: list[Callable[[], Check]] = [
        check_python,
        check_dependencies,
        lambda: check_configuration(settings),
        lambda: check_writable("workspace", settings.workspace),
        lambda: check_writable("logs", settings.logs_dir),
        lambda: check_target(settings),
    ]
    if sources:
        plan.append(lambda: check_source("online service", settings.online_service))
        plan.append(lambda: check_source("partnership platform", settings.partnership))
    for run_check in plan:
        yield run_check()


def verdict(results: list[Check]) -> None:
    """Raise the error that the doctor's exit code should reflect, if any check failed."""
    failed = [check for check in results if check.status == "fail"]
    if not failed:
        return
    for check in failed:
        if isinstance(check.error, TargetDatabaseError):
            raise check.error
    names = ", ".join(check.name for check in failed)
    raise DoctorFailed(
        f"{len(failed)} check(s) failed: {names}",
        next_step="fix what the failed lines say and run `transfer doctor` again",
    )


def run_checks(
    settings: Settings,
    run: Run,
    report: Callable[[str, str, str], None],
    *,
    sources: bool = True,
) -> list[Check]:
    """Run every check, reporting each as it ends (status, name, detail) and recording it
    in the run's event log."""
    results = []
    for check in checks(settings, sources=sources):
        report(check.status, check.name, check.detail)
        run.events.emit(
            "doctor",
            "check",
            level="error" if check.status == "fail" else "info",
            name=check.name,
            status=check.status,
            detail=check.detail,
        )
        results.append(check)
    return results
