"""``reset-status``: a load run left running is marked interrupted, never while it may live."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, update

from tests.loaders.helpers import prepare, run_load
from transfer.errors import LoadError
from transfer.loaders.lock import writer_lock
from transfer.loaders.options import LoadOptions
from transfer.loaders.reset import reset_status
from transfer.loaders.rollback import rollback
from transfer.schema.bookkeeping import runs


def _left_running(target: Engine, options: LoadOptions) -> str:
    prepare(options, 0.01)
    run_id = run_load(target, options).run_id
    with target.begin() as connection:  # as a lost machine leaves it
        connection.execute(
            update(runs).where(runs.c.run_id == run_id).values(state="running", finished_at=None)
        )
    return run_id


def _state(target: Engine, run_id: str) -> str:
    with target.connect() as connection:
        return str(
            connection.execute(select(runs.c.state).where(runs.c.run_id == run_id)).scalar_one()
        )


def test_a_run_whose_lock_is_held_is_not_reset(target: Engine, options: LoadOptions) -> None:
    run_id = _left_running(target, options)
    with writer_lock(target, "load"), pytest.raises(LoadError) as refused:
        reset_status(target, run_id)
    assert "may still be alive" in str(refused.value)
    if target.dialect.name == "postgresql":
        assert "PostgreSQL session PID" in str(refused.value)
    assert _state(target, run_id) == "running"


def test_a_lost_run_is_reset_and_can_then_be_rolled_back(
    target: Engine, options: LoadOptions
) -> None:
    run_id = _left_running(target, options)
    result = reset_status(target, run_id)
    assert result.state == "interrupted" and _state(target, run_id) == "interrupted"
    with pytest.raises(LoadError, match="is interrupted, not running"):
        reset_status(target, run_id)
    with pytest.raises(LoadError, match="no load run 'nope'"):
        reset_status(target, "nope")
    rollback(target, run_id)
    assert _state(target, run_id) == "rolled_back"
