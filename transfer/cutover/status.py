"""Where the cutover runs stand: every run this workspace knows, or one runbook's steps.

Read from the state files and journals only; it never runs anything, so operations can
look at it while a run is going on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from transfer.config import Settings
from transfer.cutover.executor import DONE, FAILED, SKIPPED, mode_of
from transfer.cutover.journal import CutoverJournal, RunState, all_states, read_state
from transfer.cutover.runbook import Runbook, load_runbook
from transfer.cutover.summary import StepLine, step_lines
from transfer.workspace import Workspace

#: Files in a runbooks folder that are not runbooks.
NOT_RUNBOOKS = frozenset({"tasks.yml"})


@dataclass(frozen=True)
class RunLine:
    """One cutover run: its identity and how far it got."""

    state: RunState
    finished_steps: int
    failed_step: str  # the step whose latest attempt failed, if any

    @property
    def status(self) -> str:
        if self.state.closed:
            return "closed"
        return f"stopped at {self.failed_step}" if self.failed_step else "open"


def list_runs(workspace: Path) -> list[RunLine]:
    """Every cutover run recorded in ``workspace``, newest first."""
    lines = []
    for state in all_states(Workspace.at(workspace).cutover):
        latest = CutoverJournal(Path(state.logs_dir) / state.run_id, state.run_id).latest()
        finished = sum(1 for r in latest.values() if r["status"] in (DONE, SKIPPED))
        failed = next((key for key, r in latest.items() if r["status"] == FAILED), "")
        lines.append(RunLine(state, finished, failed))
    return lines


def runbook_status(
    runbook: Runbook, settings: Settings, rehearse: bool
) -> tuple[RunState | None, list[StepLine]]:
    """The current run of ``runbook`` in this mode (None before the first) and its steps."""
    path = Workspace.from_settings(settings).cutover_state(runbook.name, mode_of(rehearse))
    state = read_state(path)
    if state is None:
        return None, []
    journal = CutoverJournal(Path(state.logs_dir) / state.run_id, state.run_id)
    return state, step_lines(runbook, journal)


def runbook_files(folder: Path) -> list[Path]:
    """The runbooks of a folder (``*.yml`` except the task register)."""
    return [path for path in sorted(folder.glob("*.yml")) if path.name not in NOT_RUNBOOKS]


def validate_runbooks(paths: list[Path], commands: click.Group) -> list[Runbook]:
    """Load every runbook; the first file with problems raises ConfigError listing them."""
    return [load_runbook(path, commands) for path in paths]
