"""Undo a cutover's loads: the target back to its state before the cutover began.

A cutover may load more than once (a killed load resumed, a delta loaded again after a
fix), so its rollback undoes every load run that started after the cutover run opened,
newest first, each exactly from its journal (``transfer rollback RUN_ID`` one by one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select

from transfer.cutover import journal
from transfer.errors import CutoverError
from transfer.loaders.rollback import RollbackResult, rollback
from transfer.schema.bookkeeping import runs
from transfer.workspace import Workspace


@dataclass(frozen=True)
class CutoverUndone:
    cutover_run: str
    opened: datetime
    undone: tuple[RollbackResult, ...]


def undo_cutover(engine: Engine, workspace: Path, mode: str) -> CutoverUndone:
    """Roll back every load run made since the latest ``mode`` cutover run opened (the
    ``cutover`` runbook's state in ``workspace``). Raises CutoverError when there is no
    such cutover run; a load run that cannot be rolled back raises LoadError."""
    cutover_run, opened, run_ids = cutover_loads(engine, workspace, mode)
    return CutoverUndone(cutover_run, opened, tuple(rollback(engine, rid) for rid in run_ids))


def cutover_loads(engine: Engine, workspace: Path, mode: str) -> tuple[str, datetime, list[str]]:
    """The latest ``mode`` cutover run, when it opened, and the load runs made since that
    are not rolled back yet, newest first: what :func:`undo_cutover` undoes. Writes nothing."""
    states = Workspace.at(workspace)
    state = journal.read_state(states.cutover_state("cutover", mode))
    if state is None:
        raise CutoverError(
            f"no {mode} cutover run is recorded in {states.cutover}",
            next_step="run the rollback with the workspace the cutover ran in",
        )
    opened = datetime.fromisoformat(state.opened)
    with engine.connect() as connection:
        loads = connection.execute(
            select(runs.c.run_id)
            .where(runs.c.command == "load")
            .where(runs.c.started_at >= opened)
            .where(runs.c.state != "rolled_back")
            .order_by(runs.c.started_at.desc(), runs.c.run_id.desc())
        ).scalars()
        run_ids = list(loads)
    return state.run_id, opened, run_ids
