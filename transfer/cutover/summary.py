"""The sign-off summary of a closed cutover run: ``summary.md`` and ``summary.html``.

Built from the run's journal alone: each step's final status, attempts, first start, last
end and time spent (all attempts together), the confirmations with who typed them and
when, and the task-transfer register as it stood on the closing day. The HTML is rendered
with autoescaping, so command output and typed text stay inert; it needs nothing beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from transfer.cutover.journal import CutoverJournal, RunState
from transfer.cutover.runbook import Runbook
from transfer.cutover.tasks import TaskRow, load_register, task_table

#: Who signs the cutover off: roles, never names.
SIGN_OFF_ROLES = (
    "Cutover lead (operations)",
    "Migration lead (engineering)",
    "Service owner, KEHA Centre",
)


def _markdown_cell(value: Any) -> str:
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _environment(autoescape: bool) -> Environment:
    environment = Environment(
        loader=PackageLoader("transfer.cutover", "templates"),
        autoescape=select_autoescape(default=autoescape, default_for_string=autoescape),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["cell"] = _markdown_cell
    return environment


@dataclass(frozen=True)
class StepLine:
    """One step as the summary shows it."""

    id: str
    title: str
    status: str
    attempts: int
    started: str
    finished: str
    seconds: float
    detail: str
    operator: str
    confirmed_at: str


def step_lines(runbook: Runbook, journal: CutoverJournal) -> list[StepLine]:
    """Each step of the runbook with its journal records folded together."""
    records: dict[str, list[dict[str, Any]]] = {}
    for record in journal.step_records():
        records.setdefault(record["step"], []).append(record)
    lines = []
    for step in runbook.steps:
        mine = records.get(step.id, [])
        last = mine[-1] if mine else {}
        lines.append(
            StepLine(
                step.id,
                step.title,
                last.get("status", "not run"),
                len(mine),
                mine[0]["started"] if mine else "",
                last.get("finished", ""),
                round(sum(float(r.get("duration_s", 0)) for r in mine), 3),
                last.get("detail", ""),
                last.get("operator", ""),
                last.get("confirmed_at", ""),
            )
        )
    return lines


def _task_day(runbook: Runbook, state: RunState, closed: str) -> dt.date:
    """The day task dates count against: in a rehearsal, the runbook's planned cutover day
    (a rehearsal runs weeks before it, or long after in a replay, and "580 d ago (overdue)"
    would tell nothing); otherwise, and without one, the day the run closed."""
    if state.mode == "rehearsal" and runbook.cutover_date is not None:
        return runbook.cutover_date
    return dt.datetime.fromisoformat(closed).date()


def _verification_reports(run_dir: Path) -> list[str]:
    """Links (relative to the summary) to the three newest verification reports in the same
    logs folder when the run closes: the gate step's report is the first."""
    found = sorted(
        run_dir.parent.glob("*/report.html"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    return [f"../{p.parent.name}/report.html" for p in found[:3]]


def write_summary(
    runbook: Runbook, state: RunState, journal: CutoverJournal, tasks_file: Path | None, closed: str
) -> tuple[Path, Path]:
    """Write ``summary.md`` and ``summary.html`` into the run's folder; return both."""
    tasks: list[TaskRow] = []
    register_title = ""
    if tasks_file is not None and tasks_file.is_file():
        register = load_register(tasks_file)
        register_title = register.title
        tasks = task_table(register, _task_day(runbook, state, closed))
    records = journal.records()
    operators = sorted(
        {
            str(r.get("operator"))
            for r in records
            if r.get("operator") and r.get("event") in ("opened", "resumed", "step")
        }
    )
    lines = step_lines(runbook, journal)
    opened = dt.datetime.fromisoformat(state.opened)
    run_dir = journal.path.parent
    values = {
        "task_day": _task_day(runbook, state, closed),
        "task_day_planned": state.mode == "rehearsal" and runbook.cutover_date is not None,
        "reports": _verification_reports(run_dir),
        "index": "../index.html" if (run_dir.parent / "index.html").is_file() else "",
        "runbook": runbook,
        "state": state,
        "closed": closed,
        "elapsed_min": round((dt.datetime.fromisoformat(closed) - opened).total_seconds() / 60, 1),
        "steps": lines,
        "busy_s": round(sum(line.seconds for line in lines), 1),
        "operators": operators,
        "resumes": sum(1 for r in records if r.get("event") == "resumed"),
        "tasks": tasks,
        "register_title": register_title,
        "roles": SIGN_OFF_ROLES,
    }
    md = run_dir / "summary.md"
    html = run_dir / "summary.html"
    md.write_text(
        _environment(False).get_template("summary.md.j2").render(**values), encoding="utf-8"
    )
    html.write_text(
        _environment(True).get_template("summary.html.j2").render(**values), encoding="utf-8"
    )
    return md, html
