"""Loading mapped records: first load, unchanged re-load, delta, on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.loaders.helpers import prepare, run_load, workspace_of
from transfer.database import create_target_engine
from transfer.errors import LoadError
from transfer.loaders import run
from transfer.loaders.dump import canonical_dump
from transfer.loaders.options import LoadOptions
from transfer.loaders.source import MappedSource
from transfer.schema.bookkeeping import id_map, journal
from transfer.schema.content import ContentTranslation
from transfer.schema.versioning import upgrade
from transfer.stores.mapped import Key, SourceEntry

SCALE = 0.02


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_first_load_writes_every_record(target: Engine, options: LoadOptions) -> None:
    prepare(options, SCALE)
    result = run_load(target, options)
    actions = dict(result.stats.actions)
    assert actions.get("failed", 0) == 0, result.stats.failures[:3]
    assert set(actions) == {"create"}
    assert actions["create"] == _count(target, id_map)
    dump = canonical_dump(target)
    assert len(dump["content_translations"]) > len(dump["content_items"]) > 0
    assert all(len(dump[name]) > 0 for name in ("faq_entries", "translation_assets", "redirects"))


def test_unchanged_reload_writes_nothing(target: Engine, options: LoadOptions) -> None:
    prepare(options, SCALE)
    first = run_load(target, options)
    before = canonical_dump(target)
    journal_rows = _count(target, journal)
    again = run_load(target, options)
    assert dict(again.stats.actions) == {"unchanged": first.stats.actions["create"]}
    assert _count(target, journal) == journal_rows
    assert canonical_dump(target) == before


def test_delta_updates_adds_and_unpublishes(target: Engine, options: LoadOptions) -> None:
    prepare(options, SCALE)
    run_load(target, options)
    prepare(options, SCALE, epoch=1)
    result = run_load(target, options)
    actions = result.stats.actions
    assert actions["update"] > 0 and actions["create"] > 0 and actions["unpublish"] > 0
    assert actions["skip"] == 1 and actions["failed"] == 1
    with target.connect() as connection:
        states = dict(
            connection.execute(
                select(ContentTranslation.state, func.count()).group_by(ContentTranslation.state)
            ).all()
        )
    assert states["unpublished"] > 0


def test_unpublished_records_come_back_as_they_were(target: Engine, options: LoadOptions) -> None:
    prepare(options, SCALE)
    run_load(target, options)
    original = canonical_dump(target)
    prepare(options, SCALE, epoch=1)
    run_load(target, options)
    prepare(options, SCALE)  # the edits reverted, the withdrawn pages back
    result = run_load(target, options)
    assert result.stats.actions["update"] > 0
    assert result.stats.actions["unpublish"] == 3  # the pages epoch 1 added are gone again
    after = canonical_dump(target)
    for table, lines in original.items():
        assert set(lines) <= set(after[table]), table  # everything back exactly as it was
    extra = set(after["content_items"]) - set(original["content_items"])
    assert len(extra) == 3 and all('"state": "unpublished"' in line for line in extra)


def test_media_files_are_owner_only(target: Engine, options: LoadOptions) -> None:
    """The media store may hold the platform's members' files: each copy is written
    owner-only, and no temporary copy is left behind."""
    prepare(options, SCALE)
    run_load(target, options)
    files = [path for path in options.media_dir.rglob("*") if path.is_file()]
    assert files
    assert {path.stat().st_mode & 0o777 for path in files} == {0o600}
    assert not [path for path in files if path.name.startswith(".incoming-")]


def test_deferred_records_kept_prepared_load_as_those_read_again(
    tmp_path: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Posts reply to posts later in key order, so many are deferred: kept prepared in
    memory, they load exactly as when every one is read from the store again."""
    prepare(options, 0.03)
    reads: list[int] = []
    real_get_many = MappedSource.get_many

    def get_many(self: MappedSource, keys: list[Key]) -> dict[Key, SourceEntry]:
        reads.append(len(keys))
        return real_get_many(self, keys)

    monkeypatch.setattr(MappedSource, "get_many", get_many)
    dumps, journals = [], []
    for kept_batches in (run.KEPT_BATCHES, 0):
        monkeypatch.setattr(run, "KEPT_BATCHES", kept_batches)
        reads.clear()
        engine = create_target_engine(f"sqlite:///{tmp_path / f'kept-{kept_batches}.db'}")
        upgrade(engine)
        result = run_load(engine, options)
        assert not result.stats.failures
        assert dict(result.stats.actions) == {"create": result.stats.seen}
        dumps.append(canonical_dump(engine))
        with engine.connect() as connection:
            journals.append(
                sorted(connection.execute(select(journal.c.action, journal.c.table_name)).all())
            )
        # Kept prepared, no deferred record is read again; kept as keys, every one is.
        assert (sum(reads) == 0) if kept_batches else (sum(reads) > 50)
        engine.dispose()
    assert dumps[0] == dumps[1]
    assert journals[0] == journals[1]


def test_load_collects_garbage_less_often_and_restores_the_collector(
    target: Engine, options: LoadOptions
) -> None:
    prepare(options, SCALE)
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    artefacts = workspace_of(options) / "logs" / "gc"
    run.load_target(
        target, options, "test-gc", artefacts, progress=lambda _: seen.append(gc.get_threshold())
    )
    assert seen and all(t[0] == run.LOAD_GC_THRESHOLD for t in seen)
    assert gc.get_threshold() == before
    broken = LoadOptions(
        mapped_store=options.mapped_store.parent / "missing.sqlite",
        blob_dir=options.blob_dir,
        media_dir=options.media_dir,
    )
    with pytest.raises(LoadError):
        run.load_target(target, broken, "test-gc-2", artefacts)
    assert gc.get_threshold() == before
