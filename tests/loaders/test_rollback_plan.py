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
from transfer.loaders.journal import encode_row, listed
from transfer.loaders.lock import writer_lock
from transfer.loaders.options import LoadOptions
from transfer.loaders.rollback import RollbackPlan, rollback, rollback_plan
from transfer.schema.bookkeeping import TABLES, journal

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


def _journal(engine: Engine, run_id: str) -> list[dict[str, object]]:
    with engine.connect() as connection:
        return [
            dict(row)
            for row in connection.execute(
                select(journal).where(journal.c.run_id == run_id).order_by(journal.c.id)
            ).mappings()
        ]


def _one_entry_per_item(engine: Engine, run_id: str) -> int:
    """Rewrite a run's journal as earlier versions wrote it, one entry per created row and
    per record without an earlier id-map entry, in the same order; the entries written."""
    old: list[dict[str, object]] = []
    for entry in _journal(engine, run_id):
        items = listed(entry["row_id"], entry["before"])  # type: ignore[arg-type]
        base = {"run_id": run_id, "action": entry["action"], "table_name": entry["table_name"]}
        if items is None:
            old.append({**base, "row_id": entry["row_id"], "before": entry["before"]})
        elif entry["action"] == "created":
            old.extend({**base, "row_id": row_id, "before": None} for row_id in items)
        else:
            old.extend(
                {
                    **base,
                    "row_id": None,
                    "before": encode_row({"source_system": s, "record_key": k}),
                }
                for s, k in items
            )
    with engine.begin() as connection:
        connection.execute(journal.delete().where(journal.c.run_id == run_id))
        connection.execute(journal.insert(), old)
    return len(old)


@pytest.mark.parametrize("epoch", [0, 1])
def test_the_plan_counts_what_the_rollback_undoes_item_by_item(
    target: Engine, options: LoadOptions, epoch: int
) -> None:
    """Created rows and new id-map entries share journal entries; the plan and the rollback
    count them one by one, as older journals (one entry each) still roll back exactly."""
    prepare(options, SCALE)
    if epoch:
        run_load(target, options)
        prepare(options, SCALE, epoch=epoch)
    before, books = canonical_dump(target), _bookkeeping(target)
    result = run_load(target, options)
    created = sum(result.stats.actions.get(a, 0) for a in ("create", "update"))
    entries = len(_journal(target, result.run_id))
    plan = rollback_plan(target, result.run_id)
    assert plan.counts.id_map_entries >= created > 0
    rows_written = sum(n for _, undo, n in plan.by_table if undo == "delete")
    assert rows_written > created  # records write several rows each
    if not epoch:  # a first load: an entry per table and batch, not per row
        assert entries < (rows_written + created) / 10
    # The older form, one entry per item, says and undoes exactly the same.
    assert _one_entry_per_item(target, result.run_id) == _count_items(plan)
    assert rollback_plan(target, result.run_id) == plan
    undone = rollback(target, result.run_id)
    assert (undone.deleted, undone.id_map_entries) == (
        plan.counts.deleted,
        plan.counts.id_map_entries,
    )
    assert canonical_dump(target) == before
    assert _bookkeeping(target)["load_id_map"] == books["load_id_map"]


def _count_items(plan: RollbackPlan) -> int:
    counts = plan.counts
    return counts.deleted + counts.restored + counts.reinserted + counts.id_map_entries
