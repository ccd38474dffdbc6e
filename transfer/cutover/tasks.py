"""The task-transfer register (``runbooks/tasks.yml``): what moves to the KEHA Centre, when.

Each task has an effective date, an owner role (a role, never a person), what must go on
without a break, the evidence that shows it done (a cutover step such as
``cutover/verify-gate``, or a named document) and a status. :func:`task_table` computes
the days to each date and what is overdue on a given day. Problems name the file, line
and key, all at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transfer import yamlfile
from transfer.errors import ConfigError
from transfer.yamlfile import KeyTable, Problems, suggest

STATUSES = ("planned", "in_progress", "done", "blocked")
TOP_KEYS = KeyTable.of("register", "description", "tasks")
TASK_KEYS = KeyTable.of("id", "task", "effective", "owner", "continuity", "evidence", "status")
EVIDENCE_KINDS = ("step", "document")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_STEP_REF = re.compile(r"^([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*)$")

KeyPath = yamlfile.KeyPath
AddProblem = Callable[[KeyPath, str], None]


@dataclass(frozen=True)
class Evidence:
    """What shows a task done: a runbook step (``runbook/step``) or a named document."""

    kind: str
    ref: str

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}"


@dataclass(frozen=True)
class Task:
    id: str
    task: str
    effective: dt.date
    owner: str
    continuity: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    status: str


@dataclass(frozen=True)
class Register:
    path: Path
    title: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class TaskRow:
    """One task as seen on one day."""

    task: Task
    days: int  # to the effective date; negative once it has passed
    overdue: bool

    @property
    def when(self) -> str:
        if self.days == 0:
            return "today"
        return f"in {self.days} d" if self.days > 0 else f"{-self.days} d ago"


def task_table(register: Register, today: dt.date) -> list[TaskRow]:
    """Every task with its days to the effective date; overdue: the date has passed and the
    task is not done. Ordered by date, then id."""
    rows = [
        TaskRow(
            task, (task.effective - today).days, task.effective < today and task.status != "done"
        )
        for task in register.tasks
    ]
    return sorted(rows, key=lambda row: (row.task.effective, row.task.id))


def load_register(path: Path) -> Register:
    """Read and validate the register; step evidence must name a step of a runbook in the
    same folder. Raises ConfigError listing every problem."""
    data, located = yamlfile.load(path)
    problems = Problems(located)
    problem = problems.add
    tasks: list[Task] = []
    title = ""
    if not isinstance(data, dict):
        problem((), "the register must be a mapping with register: and tasks:")
    else:
        problems.table(data, (), TOP_KEYS)
        title = str(data.get("register") or "")
        if not title.strip():
            problem(("register",), "register: must be the register's title")
        raw = data.get("tasks")
        if not isinstance(raw, list) or not raw:
            problem(("tasks",), "tasks: must be a non-empty list")
            raw = []
        steps = _runbook_steps(path.parent)
        seen: set[str] = set()
        for index, item in enumerate(raw):
            task = _task(item, ("tasks", index), problems, steps)
            if task is not None:
                if task.id in seen:
                    problem(("tasks", index, "id"), f"task id {task.id!r} is used twice")
                seen.add(task.id)
                tasks.append(task)
    problems.raise_if_any(f"the task register {path}", "fix the register at those lines")
    return Register(path, title.strip(), tuple(tasks))


def _runbook_steps(folder: Path) -> dict[str, set[str]] | None:
    """Step ids per runbook name in ``folder``, read without full validation."""
    found: dict[str, set[str]] = {}
    for runbook in sorted(folder.glob("*.yml")):
        try:
            data, _ = yamlfile.load(runbook)
        except ConfigError:
            continue
        if isinstance(data, dict) and isinstance(data.get("steps"), list):
            found[str(data.get("runbook"))] = {
                str(step.get("id")) for step in data["steps"] if isinstance(step, dict)
            }
    return found


def _text(item: dict[str, Any], at: KeyPath, key: str, problem: AddProblem) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        problem((*at, key), f"{key}: must be non-empty text")
        return ""
    return value.strip()


def _task(
    item: Any, at: KeyPath, problems: Problems, steps: dict[str, set[str]] | None
) -> Task | None:
    problem = problems.add
    if not isinstance(item, dict):
        problem(at, "a task must be a mapping with id, task, effective, owner, … status")
        return None
    problems.table(item, at, TASK_KEYS)
    for key in sorted(TASK_KEYS.allowed - set(item)):
        problem(at, f"{key}: is missing")
    task_id = _text(item, at, "id", problem)
    if task_id and not _ID.match(task_id):
        problem((*at, "id"), "id: lower-case letters, digits and - only")
    effective = item.get("effective")
    if isinstance(effective, dt.datetime) or not isinstance(effective, dt.date):
        problem((*at, "effective"), f"effective: must be a date like 2025-05-01, got {effective!r}")
        effective = None
    status = item.get("status")
    if status not in STATUSES:
        hint = suggest(str(status), list(STATUSES))
        problem((*at, "status"), f"unknown status {status!r}{hint}; one of {', '.join(STATUSES)}")
    continuity = item.get("continuity")
    if not isinstance(continuity, list) or not all(
        isinstance(entry, str) and entry.strip() for entry in continuity
    ):
        problem((*at, "continuity"), "continuity: a list of what must go on without a break")
        continuity = []
    evidence = _evidence(item.get("evidence"), (*at, "evidence"), problem, steps)
    fields = (task_id, _text(item, at, "task", problem), _text(item, at, "owner", problem))
    if not all(fields) or effective is None or status not in STATUSES or evidence is None:
        return None
    return Task(
        fields[0],
        fields[1],
        effective,
        fields[2],
        tuple(entry.strip() for entry in continuity),
        evidence,
        str(status),
    )


def _evidence(
    raw: Any, at: KeyPath, problem: AddProblem, steps: dict[str, set[str]] | None
) -> tuple[Evidence, ...] | None:
    if not isinstance(raw, list) or not raw:
        problem(at, "evidence: a list like `- step: cutover/verify-gate` or `- document: …`")
        return None
    found = []
    for index, entry in enumerate(raw):
        where = (*at, index)
        if not isinstance(entry, dict) or len(entry) != 1:
            problem(where, f"evidence is one of {', '.join(EVIDENCE_KINDS)}: a single key")
            continue
        ((kind, ref),) = entry.items()
        if kind not in EVIDENCE_KINDS or not isinstance(ref, str) or not ref.strip():
            problem(where, f"evidence is one of {', '.join(EVIDENCE_KINDS)}, with text")
            continue
        if kind == "step":
            match = _STEP_REF.match(ref.strip())
            if match is None:
                problem((*where, kind), "step: give runbook/step-id, e.g. cutover/verify-gate")
                continue
            runbook, step_id = match.groups()
            if steps is not None and step_id not in steps.get(runbook, set()):
                problem((*where, kind), f"no step {step_id!r} in a runbook named {runbook!r}")
                continue
        found.append(Evidence(str(kind), ref.strip()))
    return tuple(found) if len(found) == len(raw) else None
