"""``load --idlist/--limit/--update``: narrowed loads keep the id map, journal and rollback."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, select

from tests.loaders import factory
from tests.loaders.helpers import prepare, run_load, workspace_of
from transfer.errors import LoadError
from transfer.loaders.dump import canonical_dump
from transfer.loaders.options import LoadOptions
from transfer.loaders.rollback import rollback
from transfer.loaders.selection import Selection
from transfer.schema.bookkeeping import id_map
from transfer.stores.mapped import MappedRecord, Ref

SCALE = 0.02
WRITES = ("create", "update", "unpublish", "delete", "skip", "failed")


def _narrowed(options: LoadOptions, **values: object) -> LoadOptions:
    return replace(options, selection=Selection(**values))  # type: ignore[arg-type]


def _mapped_keys(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(id_map.c.source_system, id_map.c.record_key)).all()
    return {(system, key) for system, key in rows}


def test_limit_writes_at_most_n_records_and_the_next_load_goes_on(
    target: Engine, options: LoadOptions
) -> None:
    records = factory.write_workspace(workspace_of(options), SCALE)
    first = run_load(target, _narrowed(options, limit=7))
    assert sum(first.stats.actions[a] for a in WRITES) == 7
    assert len(_mapped_keys(target)) == 7
    second = run_load(target, _narrowed(options, limit=7))
    assert sum(second.stats.actions[a] for a in WRITES) == 7
    assert len(_mapped_keys(target)) == 14
    rest = run_load(target, options)
    assert rest.stats.actions["unchanged"] == 14  # the first two slices, left alone
    assert len(_mapped_keys(target)) == len(records)


def test_limit_retires_nothing(target: Engine, options: LoadOptions) -> None:
    prepare(options, SCALE)
    run_load(target, options)
    prepare(options, SCALE, epoch=1)
    limited = run_load(target, _narrowed(options, limit=1000))
    assert limited.removals == 0
    assert limited.stats.actions["unpublish"] == limited.stats.actions["delete"] == 0
    full = run_load(target, options)
    assert full.stats.actions["unpublish"] > 0


def test_idlist_loads_only_the_listed_records(target: Engine, options: LoadOptions) -> None:
    records = factory.write_workspace(workspace_of(options), SCALE)
    # Records that refer to no other record's rows: alone, they load.
    chosen = [r for r in records if r.status == "mapped" and not _refers(r)][-2:]
    idlist = (f"{chosen[0].source_system}:{chosen[0].record_key}", chosen[1].record_key)
    result = run_load(target, _narrowed(options, idlist=idlist))
    assert dict(result.stats.actions) == {"create": 2}, result.stats.failures
    assert _mapped_keys(target) == {(r.source_system, r.record_key) for r in chosen}


def _refers(record: MappedRecord) -> bool:
    return any(isinstance(v, Ref) for row in record.rows for v in row.values.values())


def test_idlist_removes_only_a_listed_record_gone_from_the_source(
    target: Engine, options: LoadOptions
) -> None:
    records = factory.write_workspace(workspace_of(options), SCALE)
    run_load(target, options)
    leaving = [r for r in records if r.status == "mapped" and r.kind == "page"][:2]
    factory.write_store(workspace_of(options), [r for r in records if r not in leaving])
    listed = (f"{leaving[0].source_system}:{leaving[0].record_key}",)
    result = run_load(target, _narrowed(options, idlist=listed))
    assert result.removals == 1
    assert result.stats.actions["unpublish"] == 1
    full = run_load(target, options)
    assert full.removals == 1  # the other one, left alone until now


def test_an_unknown_key_in_the_idlist_stops_before_writing(
    target: Engine, options: LoadOptions
) -> None:
    prepare(options, SCALE)
    with pytest.raises(LoadError, match="no record nope:1, missing"):
        run_load(target, _narrowed(options, idlist=("nope:1", "missing")))
    assert _mapped_keys(target) == set()


def test_update_rewrites_unchanged_records_and_rolls_back_exactly(
    target: Engine, options: LoadOptions
) -> None:
    prepare(options, SCALE)
    first = run_load(target, options)
    before = canonical_dump(target)
    again = run_load(target, _narrowed(options, update=True))
    assert dict(again.stats.actions) == {"update": first.stats.actions["create"]}
    assert canonical_dump(target) == before
    rollback(target, again.run_id)
    assert canonical_dump(target) == before
