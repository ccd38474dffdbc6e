"""The task-transfer register: days to each date, what is overdue, validation."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfer.cli import cli
from transfer.cutover.tasks import load_register, task_table
from transfer.errors import ConfigError

RUNBOOKS = Path(__file__).parent.parent.parent / "runbooks"
TASKS = RUNBOOKS / "tasks.yml"

TASK = """\
  - id: {id}
    task: A task
    effective: {effective}
    owner: KEHA Centre, a role
    continuity: [something]
    evidence:
      - {evidence}
    status: {status}
"""


def register(folder: Path, *tasks: dict[str, str]) -> Path:
    path = folder / "tasks.yml"
    body = "".join(
        TASK.format(
            **{"effective": "2025-05-01", "status": "planned", "evidence": "document: x", **t}
        )
        for t in tasks
    )
    path.write_text("register: Test register\ntasks:\n" + body, encoding="utf-8")
    return path


def test_the_shipped_register_covers_the_seven_tasks() -> None:
    loaded = load_register(TASKS)
    assert len(loaded.tasks) == 7
    assert {task.effective for task in loaded.tasks} == {dt.date(2025, 5, 1)}
    names = " ".join(task.task for task in loaded.tasks)
    for words in ("Integration Act", "Partnership Programme", "kotoutuminen.fi", "Monitoring"):
        assert words in names


def test_days_and_overdue(tmp_path: Path) -> None:
    path = register(
        tmp_path,
        {"id": "late", "effective": "2025-05-01"},
        {"id": "finished", "effective": "2025-05-01", "status": "done"},
        {"id": "soon", "effective": "2025-05-10"},
    )
    rows = {row.task.id: row for row in task_table(load_register(path), dt.date(2025, 5, 3))}
    assert (rows["late"].days, rows["late"].overdue, rows["late"].when) == (-2, True, "2 d ago")
    assert rows["finished"].overdue is False
    assert (rows["soon"].days, rows["soon"].overdue, rows["soon"].when) == (7, False, "in 7 d")
    on_the_day = task_table(load_register(path), dt.date(2025, 5, 1))
    assert [row.when for row in on_the_day] == ["today", "today", "in 9 d"]
    assert not any(row.overdue for row in on_the_day)


@pytest.mark.parametrize(
    ("task", "line", "key", "message"),
    [
        ({"id": "a", "status": "finished"}, 10, "tasks[0].status", "unknown status 'finished'"),
        ({"id": "a", "effective": "2025-13-01"}, 5, "tasks[0].effective", "must be a date"),
        ({"id": "a", "effective": "soon"}, 5, "tasks[0].effective", "must be a date"),
        (
            {"id": "a", "evidence": "step: cutover/no-such-step"},
            9,
            "tasks[0].evidence[0].step",
            "no step 'no-such-step' in a runbook named 'cutover'",
        ),
        ({"id": "A B"}, 3, "tasks[0].id", "lower-case letters"),
    ],
)
def test_problems_name_file_line_and_key(
    tmp_path: Path, task: dict[str, str], line: int, key: str, message: str
) -> None:
    shutil.copy(RUNBOOKS / "cutover.yml", tmp_path / "cutover.yml")
    path = register(tmp_path, task)
    with pytest.raises(ConfigError) as caught:
        load_register(path)
    assert f"{path}:{line} ({key}): " in str(caught.value)
    assert message in str(caught.value)


def test_step_evidence_must_exist(tmp_path: Path) -> None:
    shutil.copy(RUNBOOKS / "cutover.yml", tmp_path / "cutover.yml")
    path = register(tmp_path, {"id": "a", "evidence": "step: cutover/verify-gate"})
    assert str(load_register(path).tasks[0].evidence[0]) == "step cutover/verify-gate"


def test_tasks_command(tmp_path: Path) -> None:
    before = CliRunner().invoke(
        cli, ["tasks", "--file", str(TASKS), "--today", "2025-04-01"], catch_exceptions=False
    )
    assert before.exit_code == 0
    assert "in 30 d" in before.output and "nothing overdue" in before.output
    after = CliRunner().invoke(
        cli, ["tasks", "--file", str(TASKS), "--today", "2025-05-02"], catch_exceptions=False
    )
    assert "7 overdue" in after.output and "OVERDUE" in after.output
    broken = register(tmp_path, {"id": "a", "status": "finished"})
    result = CliRunner().invoke(cli, ["tasks", "--file", str(broken)])
    assert result.exit_code == 3 and f"{broken}:10 (tasks[0].status)" in result.output
