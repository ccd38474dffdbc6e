"""The runbook executor: one step after another, gated, confirmed, resumable.

A cutover run keeps its identity across invocations (see ``journal``): running a runbook
again continues after the last completed step, and a failed step is tried again. A command
whose exit code is not expected stops the run with a message that names the step, the
command, the exit code, the output and what to do next. Confirmations are typed by the
operator and recorded with their name and the time. When the last step is done, the run
closes with a sign-off summary (``summary.md`` and ``summary.html`` in the run's folder).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from transfer.config import Settings
from transfer.cutover.journal import (
    CutoverJournal,
    RunState,
    locked,
    now_iso,
    read_state,
    write_state,
)
from transfer.cutover.preflight import run_preflight
from transfer.cutover.runbook import Runbook, Step
from transfer.cutover.steps import StepContext, advice, run_command, unmet
from transfer.errors import CutoverError
from transfer.runs import Run, new_run_id
from transfer.workspace import Workspace

DONE, FAILED, SKIPPED = "done", "failed", "skipped"
#: Reported when a command step starts (never journaled: the journal records endings).
RUNNING = "run"


@dataclass(frozen=True)
class Confirmed:
    """What the operator typed for a confirmation step, and who they are."""

    operator: str
    typed: str
    interactive: bool


#: Asks the operator to confirm a step; None means they declined.
Confirmer = Callable[[Step], Confirmed | None]
#: Told of each step as it ends: (status, step id, detail).
StatusReporter = Callable[[str, str, str], None]


def confirm_as(operator: str) -> Confirmer:
    """A non-interactive confirmer for rehearsals and tests: ``operator`` confirms all."""

    def confirmer(step: Step) -> Confirmed:
        return Confirmed(operator, step.phrase, interactive=False)

    return confirmer


@dataclass(frozen=True)
class CutoverOutcome:
    """How one invocation of a runbook ended (a failure raises CutoverError instead)."""

    run_id: str
    run_dir: Path
    mode: str
    resumed: bool
    already_closed: bool
    ran: tuple[str, ...]
    summary_md: Path | None
    summary_html: Path | None


def mode_of(rehearse: bool) -> str:
    return "rehearsal" if rehearse else "production"


def _open_state(
    runbook: Runbook, settings: Settings, mode: str, new: bool
) -> tuple[RunState, bool]:
    path = Workspace.from_settings(settings).cutover_state(runbook.name, mode)
    state = read_state(path)
    if state is not None and not new:
        return state, True
    state = RunState(
        run_id=new_run_id(f"cutover {runbook.name} {mode}"),
        runbook=runbook.name,
        runbook_path=str(runbook.path),
        mode=mode,
        logs_dir=str(settings.logs_dir),
        opened=now_iso(),
    )
    write_state(path, state)
    return state, False


def run_cutover(
    runbook: Runbook,
    settings: Settings,
    *,
    rehearse: bool,
    confirmer: Confirmer,
    operator: str = "",
    new: bool = False,
    report: StatusReporter | None = None,
    tasks_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    output: Callable[[str, str], None] | None = None,
) -> CutoverOutcome:
    """Run ``runbook`` from where its current run stopped to its end. ``env`` adds
    variables to every step's environment (and to what ``env:`` preconditions see);
    ``output`` is told each line of a step's output as it comes (step id, line), while the
    same lines go to the step's log. ``report`` is told when a command step starts
    (status ``run``) and how each step ends.

    First the preflight checks every precondition of the steps to run (PreflightFailed,
    a ConfigError, lists all that fail, before any step runs or is confirmed). Raises
    CutoverError at the first failed step or gate (after recording it). A run that already
    closed is not run again unless ``new`` starts another one.
    """
    again = f"transfer cutover run {runbook.path}" + (" --rehearse" if rehearse else "")
    run_preflight(runbook, settings, rehearse=rehearse, new=new, env=env).raise_if_failed(again)
    mode = mode_of(rehearse)
    path = Workspace.from_settings(settings).cutover_state(runbook.name, mode)
    with locked(path):
        state, resumed = _open_state(runbook, settings, mode, new)
        run_dir = Path(state.logs_dir) / state.run_id
        if state.closed is not None:
            return CutoverOutcome(
                state.run_id,
                run_dir,
                mode,
                resumed,
                True,
                (),
                run_dir / "summary.md",
                run_dir / "summary.html",
            )
        journal = CutoverJournal(run_dir, state.run_id)
        context = StepContext(
            state.run_id, run_dir, mode, runbook.path.parent, settings, dict(env or {}), output
        )
        command = f"cutover run {runbook.name}" + (" --rehearse" if rehearse else "")
        with Run(command, Path(state.logs_dir), run_id=state.run_id) as run:
            journal.append(
                "resumed" if resumed else "opened",
                runbook=runbook.name,
                runbook_path=str(runbook.path),
                mode=mode,
                operator=operator,
            )
            ran = _run_steps(runbook, context, journal, confirmer, report or _silent, rehearse)
            from transfer.cutover.summary import write_summary

            closed = now_iso()
            md, html = write_summary(runbook, state, journal, tasks_file, closed)
            journal.append("closed", summary_md=str(md), summary_html=str(html))
            write_state(path, replace(state, closed=closed))
            run.events.emit("cutover", "closed", steps=len(runbook.steps), summary=str(html))
    return CutoverOutcome(state.run_id, run_dir, mode, resumed, False, ran, md, html)


def _silent(status: str, step_id: str, detail: str) -> None:
    return None


def _run_steps(
    runbook: Runbook,
    context: StepContext,
    journal: CutoverJournal,
    confirmer: Confirmer,
    report: StatusReporter,
    rehearse: bool,
) -> tuple[str, ...]:
    latest = journal.latest()
    done = {key for key, record in latest.items() if record["status"] in (DONE, SKIPPED)}
    attempts: dict[str, int] = {}
    for record in journal.step_records():
        attempts[record["step"]] = attempts.get(record["step"], 0) + 1
    ran: list[str] = []
    for step in runbook.steps:
        if step.id in done:
            continue
        attempt = attempts.get(step.id, 0) + 1
        base: dict[str, Any] = {
            "step": step.id,
            "title": step.title,
            "action": step.action,
            "attempt": attempt,
            "started": now_iso(),
        }
        if not step.applies_to(context.mode):
            journal.append("step", **base, status=SKIPPED, detail=f"{step.only} only")
            report(SKIPPED, step.id, f"{step.only} only")
            done.add(step.id)
            continue
        started = time.monotonic()
        log = context.run_dir / "steps" / f"{step.id}.{attempt}.log"
        unmet_conditions = [
            (c, problem)
            for c in step.preconditions
            if (problem := unmet(c, context, done, step, log))
        ]
        outcome: dict[str, Any]
        if unmet_conditions:
            outcome = {
                "status": FAILED,
                "detail": "precondition not met: " + "; ".join(p for _, p in unmet_conditions),
                "next": "; ".join(advice(c) for c, _ in unmet_conditions),
            }
        elif step.action == "confirm":
            outcome = _confirm(step, confirmer)
        else:
            report(RUNNING, step.id, step.title)
            outcome = _command(step, context, log)
        outcome["duration_s"] = round(time.monotonic() - started, 3)
        record = journal.append("step", **base, **outcome, finished=now_iso())
        report(record["status"], step.id, record.get("detail", ""))
        ran.append(step.id)
        if record["status"] != DONE:
            raise _failure(runbook, step, record, context, rehearse)
        done.add(step.id)
    return tuple(ran)


def _confirm(step: Step, confirmer: Confirmer) -> dict[str, Any]:
    answer = confirmer(step)
    if answer is None:
        return {"status": FAILED, "detail": "the operator did not confirm"}
    recorded = {
        "operator": answer.operator,
        "confirmed_at": now_iso(),
        "interactive": answer.interactive,
        "statement": step.text,
    }
    if answer.typed.strip() != step.phrase:
        detail = f"typed {answer.typed.strip()!r}, not the phrase {step.phrase!r}"
        return {"status": FAILED, "detail": detail, **recorded}
    return {"status": DONE, "detail": f"confirmed by {answer.operator}", **recorded}


def _command(step: Step, context: StepContext, log: Path) -> dict[str, Any]:
    result = run_command(step.action, step.text, context, step.id, log, step.timeout_s)
    passed = result.exit_code in step.expect_exit and not result.timed_out
    if result.timed_out:
        detail = f"timed out after {step.timeout_s:g} s"
    else:
        detail = f"exit {result.exit_code}" + (f" ({step.gate})" if step.gate and passed else "")
    return {
        "status": DONE if passed else FAILED,
        "command": result.shown,
        "exit_code": result.exit_code,
        "expect_exit": list(step.expect_exit),
        "log": str(log.relative_to(context.run_dir)),
        "tail": list(result.tail),
        "detail": detail,
    }


def _failure(
    runbook: Runbook, step: Step, record: dict[str, Any], context: StepContext, rehearse: bool
) -> CutoverError:
    again = f"transfer cutover run {runbook.path}" + (" --rehearse" if rehearse else "")
    what = f"cutover stopped at step {step.id!r} ({step.title}): {record['detail']}"
    if "command" in record:
        expected = ", ".join(str(code) for code in step.expect_exit)
        what += (
            f"\ncommand: {record['command']}\nexit code: {record['exit_code']} "
            f"(expected {expected})"
        )
        if record.get("tail"):
            what += "\nlast output:\n" + "\n".join(f"  | {line}" for line in record["tail"])
    where = f"{step.where}; run {context.run_id}"
    if "log" in record:
        where += f"; output in {context.run_dir / record['log']}"
    # A precondition that does not hold is fixed by making it hold, not by the step's
    # on_failure advice, which is about the step's command.
    fix = record.get("next") or step.on_failure or "read the output above, fix the cause"
    return CutoverError(
        what,
        where=where,
        next_step=f"{fix.rstrip('.')}; then run `{again}` again: it resumes at step {step.id!r}",
    )
