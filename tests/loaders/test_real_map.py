"""The loader on what the real map stage produced from a crawl of a small sandbox."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.loaders.helpers import run_load
from transfer.config import Settings
from transfer.loaders.dump import canonical_dump
from transfer.loaders.options import LoadOptions
from transfer.mappers.stage import map_sources
from transfer.runs import Run
from transfer.sandbox import SandboxSettings, serve_sandbox
from transfer.schema.content import ContentTranslation
from transfer.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "extractors"))
from crawl_helpers import crawl, settings_for


def mapped_path(settings: Settings) -> Path:
    """The workspace's mapped store."""
    return Workspace.from_settings(settings).mapped


@pytest.fixture(scope="module")
def mapped_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sandbox crawled and mapped once for the module; returns its workspace."""
    folder = tmp_path_factory.mktemp("real-map")
    with serve_sandbox(SandboxSettings(scale=0.03)) as box:
        crawl(folder, box.online_url)
        settings = settings_for(folder, box.online_url)
    with Run("map", settings.logs_dir) as run:
        map_sources(settings, run)
    assert mapped_path(settings).is_file()
    return settings.workspace


def test_real_mapped_rows_load_and_reload_unchanged(
    target: Engine, options: LoadOptions, mapped_workspace: Path
) -> None:
    workspace = options.mapped_store.parent.parent
    shutil.copytree(mapped_workspace / "mapped", workspace / "mapped")
    shutil.copytree(mapped_workspace / "blobs", workspace / "blobs")
    first = run_load(target, options)
    assert not first.stats.failures, first.stats.failures[:5]
    assert first.stats.actions["create"] > 0
    with target.connect() as connection:
        translations = connection.execute(
            select(func.count()).select_from(ContentTranslation)
        ).scalar_one()
    assert translations > 0
    dump = canonical_dump(target)
    again = run_load(target, options)
    assert set(again.stats.actions) <= {"unchanged", "skip", "failed"}
    assert again.stats.actions["unchanged"] == first.stats.actions["create"]
    assert canonical_dump(target) == dump
