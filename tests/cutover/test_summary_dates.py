"""The sign-off summary: a rehearsal counts task dates against the planned cutover day of
the runbook, a production run against the day it closed; links to verification reports."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from transfer.cli import cli
from transfer.cutover.journal import CutoverJournal, RunState
from transfer.cutover.runbook import load_runbook
from transfer.cutover.summary import write_summary
from transfer.errors import ConfigError

RUNBOOKS = Path(__file__).parent.parent.parent / "runbooks"
#: Long after the cutover day: a replayed rehearsal, as in the issue's "580 d ago".
CLOSED = "2026-12-02T10:00:00.000+00:00"


def _summary(tmp_path: Path, mode: str) -> tuple[str, str]:
    logs = tmp_path / "logs"
    (logs / "20261202T090000Z-verify-0001").mkdir(parents=True)
    (logs / "20261202T090000Z-verify-0001" / "report.html").write_text("report")
    (logs / "index.html").write_text("index")
    run_id = f"20261202T093000Z-cutover-{mode}"
    (logs / run_id).mkdir()
    runbook = load_runbook(RUNBOOKS / "cutover.yml", cli)
    state = RunState(run_id, runbook.name, str(runbook.path), mode, str(logs), CLOSED)
    md, html = write_summary(
        runbook, state, CutoverJournal(logs / run_id, run_id), RUNBOOKS / "tasks.yml", CLOSED
    )
    return md.read_text(encoding="utf-8"), html.read_text(encoding="utf-8")


def test_a_rehearsal_counts_task_dates_to_the_planned_cutover_day(tmp_path: Path) -> None:
    assert load_runbook(RUNBOOKS / "cutover.yml", cli).cutover_date == dt.date(2025, 5, 1)
    md, html = _summary(tmp_path, "rehearsal")
    assert "Days counted to 2025-05-01, the planned cutover day of the runbook" in html
    assert "d ago" not in html and "(overdue)" not in html
    assert "| today |" in md
    assert 'href="../20261202T090000Z-verify-0001/report.html"' in html
    assert 'href="../index.html"' in html


def test_a_production_run_counts_to_the_day_it_closed(tmp_path: Path) -> None:
    _md, html = _summary(tmp_path, "production")
    assert "Days counted to 2026-12-02, the day the run closed" in html
    assert "580 d ago" in html and "(overdue)" in html


def test_cutover_date_must_be_a_date(tmp_path: Path) -> None:
    text = (RUNBOOKS / "cutover.yml").read_text(encoding="utf-8")
    path = tmp_path / "cutover.yml"
    path.write_text(text.replace("cutover_date: 2025-05-01", "cutover_date: May Day"))
    shutil.copy(RUNBOOKS / "tasks.yml", tmp_path / "tasks.yml")
    with pytest.raises(ConfigError, match=r"cutover\.yml:\d+ \(cutover_date\): cutover_date: must"):
        load_runbook(path, cli)
