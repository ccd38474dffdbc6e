"""Plans write nothing; a rollback returns the target exactly to before its run."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import Engine, func, select

from tests.loaders import factory
from tests.loaders.helpers import prepare, run_load, workspace_of
from transfer.errors import LoadError
from transfer.loaders.dump import canonical_dump
from transfer.loaders.lock import writer_lock
from transfer.loaders.options import LoadOptions
from transfer.loaders.rollback import rollback
from transfer.schema.bookkeeping import TABLES

SCALE = 0.02


def _bookkeeping(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: int(
                connection.execute(select(func.count()).select_from(table)).scalar_one()
            )
            for table in TABLES
        }


def test_plan_writes_nothing_and_lists_every_record(target: Engine, options: LoadOptions) -> None:
    prepare(options, SCALE)
    run_load(target, options)
    prepare(options, SCALE, epoch=1)
    before, books = canonical_dump(target), _bookkeeping(target)
    result = run_load(target, options, plan=True)
    assert canonical_dump(target) == before
    assert _bookkeeping(target) == books
    assert result.plan_path is not None
    lines = [json.loads(line) for line in result.plan_path.read_text().splitlines()]
    actions = {line["action"] for line in lines}
    assert {"create", "update", "unchanged", "unpublish", "skip", "fail"} <= actions
    assert len(lines) == sum(result.stats.actions.values())
    assert all(line["reason"] for line in lines if line["action"] != "unchanged")
    # and the load then does what the plan said
    loaded = run_load(target, options)
    assert loaded.stats.actions == result.stats.actions


@pytest.mark.parametrize("epoch", [0, 1])
def test_rollback_restores_the_target_exactly(
    target: Engine, options: LoadOptions, epoch: int
) -> None:
    prepare(options, SCALE)
    if epoch:
        run_load(target, options)
        prepare(options, SCALE, epoch=epoch)
    before, books = canonical_dump(target), _bookkeeping(target)
    result = run_load(target, options)
    assert canonical_dump(target) != before
    undone = rollback(target, result.run_id)
    assert undone.deleted > 0
    assert canonical_dump(target) == before
    after = _bookkeeping(target)
    assert after["load_id_map"] == books["load_id_map"]
    # loading again after the rollback reaches the same target as the first time
    run_load(target, options)
    with pytest.raises(LoadError, match="already rolled back"):
        rollback(target, result.run_id)


def test_only_the_newest_changing_run_can_be_rolled_back(
    target: Engine, options: LoadOptions
) -> None:
    prepare(options, SCALE)
    empty = canonical_dump(target)
    first = run_load(target, options)
    prepare(options, SCALE, epoch=1)
    second = run_load(target, options)
    with pytest.raises(LoadError, match=second.run_id):
        rollback(target, first.run_id)
    rollback(target, second.run_id)
    rollback(target, first.run_id)
    assert canonical_dump(target) == empty


def test_safety_stop_refuses_before_writing(target: Engine, options: LoadOptions) -> None:
    prepare(options, SCALE)
    run_load(target, options)
    # The map stage now has only the attachments: most live records would go.
    records = [r for r in factory.build(SCALE) if r.kind == "attachment"]
    (workspace_of(options) / "mapped" / "mapped.sqlite").unlink()
    factory.write_store(workspace_of(options), records)
    before = canonical_dump(target)
    with pytest.raises(LoadError, match="max_removal_share") as raised:
        run_load(target, options)
    assert "--allow-removals" in raised.value.next_step
    assert canonical_dump(target) == before
    plan = run_load(target, options, plan=True)
    assert plan.safety_stop and plan.removal_share > 0.5
    allowed = run_load(target, replace(options, allow_removals=True))
    assert allowed.stats.actions["unpublish"] > 0 and allowed.stats.actions["delete"] > 0


def test_a_second_writer_is_refused_while_another_holds_the_target(
    target: Engine, options: LoadOptions
) -> None:
    prepare(options, SCALE)
    before = canonical_dump(target)
    with writer_lock(target, "load"):  # another load, in the middle of its run
        with pytest.raises(LoadError, match="another load or rollback is writing"):
            run_load(target, options)
        assert canonical_dump(target) == before
        planned = run_load(target, options, plan=True)  # a plan writes nothing: no lock
    loaded = run_load(target, options)
    assert loaded.stats.actions == planned.stats.actions
    with writer_lock(target, "load"), pytest.raises(LoadError, match="this rollback did not"):
        rollback(target, loaded.run_id)
    rollback(target, loaded.run_id)  # once the other writer is done
    assert canonical_dump(target) == before
