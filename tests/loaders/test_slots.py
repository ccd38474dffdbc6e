"""A moved page: the live record takes over the unique slots of the withdrawn one."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, select

from tests.loaders import factory
from tests.loaders.helpers import run_load as _run_load
from tests.loaders.helpers import workspace_of
from transfer.loaders.dump import canonical_dump
from transfer.loaders.options import LoadOptions
from transfer.loaders.rollback import rollback
from transfer.loaders.run import LoadResult
from transfer.loaders.slots import SLOTS
from transfer.schema import metadata
from transfer.schema.bookkeeping import id_map
from transfer.stores.mapped import MappedRecord, MappedRow, Ref

OS = factory.OS
GROUP = "https://kotoutuminen.fi/fi/ryhma"
OLD = "https://kotoutuminen.fi/fi/vanha-osoite"
NEW = "https://kotoutuminen.fi/fi/uusi-osoite"
OTHER = "https://kotoutuminen.fi/fi/toinen"


def _group() -> MappedRecord:
    item = {
        "source_system": OS,
        "source_key": GROUP,
        "kind_id": Ref("content_kinds", "keha", "page"),
    }
    return MappedRecord(OS, GROUP, "page", "mapped", (MappedRow("content_items", item),))


def _translation(key: str, *, title: str = "Sivu", path: str = "/fi/sivu") -> MappedRecord:
    """A Finnish page of the group, with the redirect of the old address to its path."""
    translation = {
        "source_system": OS,
        "source_key": key,
        "item_id": Ref("content_items", OS, GROUP),
        "language": "fi",
        "title": title,
        "new_path": path,
        "old_url": key,
    }
    redirect = {
        "source_system": OS,
        "source_key": key,
        "old_host": "kotoutuminen.fi",
        "old_path": "/fi/vanha-osoite",
        "new_path": path,
        "reason": "moved",
        "translation_id": Ref("content_translations", OS, key),
    }
    rows = (MappedRow("content_translations", translation), MappedRow("redirects", redirect))
    return MappedRecord(OS, key, "page", "mapped", rows)


def run_load(engine: Engine, options: LoadOptions, *, plan: bool = False) -> LoadResult:
    # A store of three records: any removal is past the safety stop's share.
    return _run_load(engine, replace(options, allow_removals=True), plan=plan)


def _store(options: LoadOptions, *records: MappedRecord) -> None:
    path = workspace_of(options) / "mapped" / "mapped.sqlite"
    if path.exists():
        path.unlink()
    factory.write_store(workspace_of(options), [_group(), *records])


def _translations(engine: Engine) -> dict[str, tuple[str, str]]:
    table = metadata.tables["content_translations"]
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.source_key, table.c.language, table.c.state))
        return {key: (language, state) for key, language, state in rows}


def _redirect_owner(engine: Engine) -> list[tuple[str, str]]:
    table = metadata.tables["redirects"]
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(select(table.c.source_key, table.c.new_path))]


def _entry(engine: Engine, key: str) -> tuple[str, str]:
    with engine.connect() as connection:
        row = connection.execute(
            select(id_map.c.status, id_map.c.target_ids).where(id_map.c.record_key == key)
        ).one()
    return row.status, row.target_ids


def test_slots_come_from_the_schema() -> None:
    assert ("item_id", "language") in SLOTS["content_translations"]
    assert ("new_path",) in SLOTS["content_translations"]
    assert SLOTS["redirects"] == (("old_host", "old_path"),)
    assert ("new_path",) in SLOTS["assets"]
    assert all(set(slot) != {"source_system", "source_key"} for s in SLOTS.values() for slot in s)


@pytest.mark.parametrize("removed_first", [False, True], ids=["same-load", "removed-earlier"])
def test_a_moved_page_takes_over_the_slots_of_its_old_record(
    target: Engine, options: LoadOptions, removed_first: bool
) -> None:
    _store(options, _translation(OLD))
    run_load(target, options)
    if removed_first:  # the old record withdrawn by an earlier load
        _store(options)
        assert run_load(target, options).stats.actions["unpublish"] == 1
    before = canonical_dump(target)
    # The page moved: a new record, the same (item, language), path and old address.
    _store(options, _translation(NEW, title="Sivu muutti"))
    planned = run_load(target, options, plan=True)
    result = run_load(target, options)
    assert result.stats.failures == []
    # The old record retired by the takeover counts as the plan said.
    assert result.stats.by_migration == planned.stats.by_migration
    assert _translations(target) == {NEW: ("fi", "published")}  # the old row is gone
    assert _redirect_owner(target) == [(NEW, "/fi/sivu")]
    status, targets = _entry(target, OLD)
    assert status == "unpublished"
    assert "content_translations" not in targets and "redirects" not in targets
    assert _entry(target, NEW)[0] == "imported"
    # A second load has nothing to do, and the rollback restores the target exactly.
    again = run_load(target, options)
    assert set(again.stats.actions) == {"unchanged"}
    rollback(target, result.run_id)
    assert canonical_dump(target) == before


def test_a_withdrawn_page_that_comes_back_takes_its_slots_back(
    target: Engine, options: LoadOptions
) -> None:
    _store(options, _translation(OLD))
    run_load(target, options)
    first = canonical_dump(target)
    _store(options, _translation(NEW))
    run_load(target, options)
    _store(options, _translation(OLD))  # moved back: the new address is gone again
    result = run_load(target, options)
    assert result.stats.failures == []
    assert _translations(target) == {OLD: ("fi", "published")}
    assert _redirect_owner(target) == [(OLD, "/fi/sivu")]
    assert canonical_dump(target) == first


def test_two_live_records_on_one_slot_fail_with_both_named(
    target: Engine, options: LoadOptions
) -> None:
    _store(options, _translation(OLD))
    run_load(target, options)
    # A second live page claims the same language of the group: a mapping error.
    _store(options, _translation(OLD), _translation(OTHER, path="/fi/toinen"))
    result = run_load(target, options)
    assert [key for _, key, _ in result.stats.failures] == [OTHER]
    message = result.stats.failures[0][2]
    assert "content_translations (item_id, language)" in message
    assert f"live record {OS}:{OLD}" in message and f"record {OS}:{OTHER}" in message
    assert _translations(target) == {OLD: ("fi", "published")}
