"""The cutover preflight: every precondition that can be known before the first step, checked
at once, so nothing is confirmed or run until all of them hold.

For the steps one invocation will run (the steps of a resumed run that are done, and the
steps of the other mode, need nothing), it checks what their ``needs:`` declare and what
their commands need: variables set, paths that exist, the target fitting the mode, the
target schema at the newest revision (unless an earlier step of the run upgrades it), the
sources answering, and free disk space for the workspace. Each failure names what is wrong,
the steps that need it and what to do next.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from transfer.config import Settings
from transfer.cutover.journal import CutoverJournal, read_state
from transfer.cutover.runbook import Runbook, Step
from transfer.cutover.steps import fill
from transfer.errors import ConfigError, TransferError
from transfer.workspace import Workspace

OK, FAIL = "ok", "fail"
#: The ``transfer`` command whose step brings the target schema to the newest revision.
SCHEMA_UPGRADE = "schema upgrade"
MB = 1024 * 1024


@dataclass(frozen=True)
class Finding:
    """One precondition checked: ``ok`` or ``fail``, for which steps, and what to do."""

    status: str
    name: str  # what was checked: a variable, a path, "target schema", a source …
    detail: str
    steps: tuple[str, ...] = ()  # the steps that need it; () for the whole run
    next_step: str = ""

    def line(self) -> str:
        needed = f" (needed by {', '.join(self.steps)})" if self.steps else ""
        text = f"{self.name}: {self.detail}{needed}"
        return text + (f"\n    next: {self.next_step}" if self.next_step else "")


@dataclass(frozen=True)
class Preflight:
    """What the preflight found for one invocation of a runbook."""

    runbook: Runbook
    mode: str
    steps: tuple[str, ...]  # the steps this invocation will run
    findings: tuple[Finding, ...]

    @property
    def failed(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.status == FAIL]

    def raise_if_failed(self, again: str) -> None:
        """Raise :class:`PreflightFailed` listing every failure, if any; ``again`` is the
        command to run once they are fixed."""
        if self.failed:
            raise PreflightFailed(self, again)


class PreflightFailed(ConfigError):
    """Preconditions of the run are not met; nothing was confirmed or run (exit 3)."""

    def __init__(self, preflight: Preflight, again: str) -> None:
        self.preflight = preflight
        failed = preflight.failed
        listed = "\n".join(f"  - {finding.line()}" for finding in failed)
        super().__init__(
            f"{len(failed)} precondition(s) of runbook {preflight.runbook.name} "
            f"({preflight.mode}) not met; nothing was confirmed or run:\n{listed}",
            where=str(preflight.runbook.path),
            next_step=f"fix each of them as its next: says, then run `{again}` again",
        )


def pending_steps(runbook: Runbook, settings: Settings, mode: str, new: bool) -> list[Step]:
    """The steps the next invocation will run: those of ``mode`` not yet done in the run
    it resumes (none when that run is closed; all with ``new``)."""
    done: set[str] = set()
    if not new:
        state = read_state(Workspace.from_settings(settings).cutover_state(runbook.name, mode))
        if state is not None:
            if state.closed is not None:
                return []
            latest = CutoverJournal(Path(state.logs_dir) / state.run_id, state.run_id).latest()
            done = {key for key, r in latest.items() if r["status"] in ("done", "skipped")}
    return [step for step in runbook.steps if step.id not in done and step.applies_to(mode)]


def target_mode_problem(settings: Settings, rehearse: bool) -> ConfigError | None:
    """Rehearsals never touch production; a production cutover needs a production target."""
    environment = settings.target.environment
    if rehearse and settings.target.is_production:
        return ConfigError(
            "refusing to rehearse against a production target",
            where="target.environment = production",
            next_step="point target.url at the sandbox or staging target and set "
            "target.environment to rehearsal or staging",
        )
    if not rehearse and not settings.target.is_production:
        return ConfigError(
            f"a production cutover needs target.environment = production, not {environment!r}",
            where="target.environment",
            next_step="add --rehearse to practise, or set TRANSFER_TARGET_ENVIRONMENT=production "
            "for the real cutover",
        )
    return None


def run_preflight(
    runbook: Runbook,
    settings: Settings,
    *,
    rehearse: bool,
    new: bool = False,
    env: Mapping[str, str] | None = None,
) -> Preflight:
    """Check every precondition of the steps the next ``transfer cutover run`` will run;
    ``env`` is what the run adds to every step's environment. Reads the sources, the target
    and the disk; writes nothing."""
    mode = "rehearsal" if rehearse else "production"
    steps = pending_steps(runbook, settings, mode, new)
    environment = {**os.environ, **(env or {})}
    findings = [
        _target_mode(settings, rehearse),
        *_variables(steps, environment),
        *_paths(steps, settings, mode, runbook.path.parent),
        *_schema(steps, settings),
        *_sources(steps, settings),
        _disk(settings),
    ]
    return Preflight(runbook, mode, tuple(step.id for step in steps), tuple(findings))


def _by_need(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """(need, step id) pairs as need -> the steps needing it, in runbook order."""
    found: dict[str, tuple[str, ...]] = {}
    for need, step_id in pairs:
        if step_id not in found.get(need, ()):
            found[need] = (*found.get(need, ()), step_id)
    return found


def _target_mode(settings: Settings, rehearse: bool) -> Finding:
    problem = target_mode_problem(settings, rehearse)
    if problem is None:
        return Finding(OK, "target mode", f"target.environment is {settings.target.environment}")
    return Finding(FAIL, "target mode", problem.what, (), problem.next_step)


def _variables(steps: list[Step], environment: Mapping[str, str]) -> list[Finding]:
    what: dict[str, str] = {}
    pairs = []
    for step in steps:
        for need in step.needs.env:
            what.setdefault(need.name, need.what)
            pairs.append((need.name, step.id))
        for condition in step.preconditions:
            if condition.kind == "env":  # the run's environment cannot change mid-run
                what.setdefault(condition.value, "")
                pairs.append((condition.value, step.id))
    findings = []
    for name, needed_by in _by_need(pairs).items():
        if environment.get(name):
            findings.append(Finding(OK, name, "set", needed_by))
            continue
        how = what[name] or f"e.g. `export {name}=…`"
        findings.append(
            Finding(
                FAIL,
                name,
                "not set",
                needed_by,
                f"set {name} in the environment of `transfer cutover run`: {how}",
            )
        )
    return findings


def _paths(steps: list[Step], settings: Settings, mode: str, runbook_dir: Path) -> list[Finding]:
    fields = {
        "workspace": str(settings.workspace),
        "logs_dir": str(settings.logs_dir),
        "mode": mode,
        "runbook_dir": str(runbook_dir),
    }
    pairs = [
        (fill(path, fields, quote=False), step.id) for step in steps for path in step.needs.paths
    ]
    findings = []
    for path, needed_by in _by_need(pairs).items():
        if Path(path).exists():
            findings.append(Finding(OK, path, "exists", needed_by))
        else:
            findings.append(
                Finding(
                    FAIL,
                    path,
                    "does not exist",
                    needed_by,
                    "create it or put it there (or fix the path in the runbook's needs:)",
                )
            )
    return findings


def _schema(steps: list[Step], settings: Settings) -> list[Finding]:
    """The target schema must be current for the steps that need it before an earlier
    step of the run upgrades it."""
    needed_by: list[str] = []
    for step in steps:
        if step.command == SCHEMA_UPGRADE:
            break
        if step.needs.schema:
            needed_by.append(step.id)
    if not needed_by:
        return []
    from transfer.database import create_target_engine, display_url, target_url
    from transfer.schema.versioning import UPGRADE_STEP, current_revision, head_revision

    name = "target schema"
    try:
        url = target_url(settings.target)
        where, head = display_url(url), head_revision()
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
            current = None  # no database yet; opening it would create it
        else:
            engine = create_target_engine(url)
            try:
                current = current_revision(engine)
            finally:
                engine.dispose()
    except TransferError as exc:
        return [Finding(FAIL, name, exc.what, tuple(needed_by), exc.next_step)]
    if current == head:
        return [Finding(OK, name, f"{where} is at the newest revision {head}", tuple(needed_by))]
    return [
        Finding(
            FAIL,
            name,
            f"{where} is at revision {current or 'none'}, the newest is {head}",
            tuple(needed_by),
            f"{UPGRADE_STEP} against the target, then check it with `transfer schema status`",
        )
    ]


def _sources(steps: list[Step], settings: Settings) -> list[Finding]:
    from transfer.doctor import check_source

    labels = {"online_service": "online service", "partnership": "partnership platform"}
    pairs = [(source, step.id) for step in steps for source in step.needs.sources]
    findings = []
    for source, needed_by in _by_need(pairs).items():
        check = check_source(labels[source], getattr(settings, source))
        if check.status == "fail":
            findings.append(
                Finding(
                    FAIL,
                    check.name,
                    check.detail.split("; ")[0],
                    needed_by,
                    f"make the {labels[source]} answer, or point sources.{source}.fetch_base "
                    "at where it does; `transfer doctor` checks it",
                )
            )
        else:
            findings.append(Finding(OK, check.name, check.detail, needed_by))
    return findings


def _disk(settings: Settings) -> Finding:
    """Free space where the workspace is (or will be)."""
    minimum_mb = int(settings.values["cutover.min_free_mb"])
    folder = settings.workspace.resolve()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free_mb = shutil.disk_usage(folder).free // MB
    detail = f"{free_mb:,} MB free at {folder} (at least {minimum_mb:,} MB wanted)"
    if free_mb >= minimum_mb:
        return Finding(OK, "disk space", detail)
    return Finding(
        FAIL,
        "disk space",
        detail,
        (),
        "free space on that disk or move the workspace (--workspace); "
        "cutover.min_free_mb sets the threshold",
    )
