"""Records mapped in worker processes give the mapped store and the reports of a pass in the
stage's own process: the same rows, notes in the same order, the same shared owners, and a
pass stopped between batches resumes to the same end."""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.mappers.conftest import Staged, map_settings, mappings_with_static_maps
from transfer.config import load_settings
from transfer.errors import MappingError
from transfer.mappers import stage
from transfer.mappers.context import MapContext
from transfer.mappers.options import MapOptions
from transfer.mappers.plan import StagePlan
from transfer.mappers.pool import MapPool, MapWork, default_workers
from transfer.mappers.stage import MapProgress, MapResult, map_with
from transfer.runs import Run

REPORTS = (
    "map-summary.json",
    "source-fields.json",
    "unmapped-values.json",
    "unmapped-values.csv",
    "unknown-links.json",
    "failed-records.json",
    "translation-issues.json",
    "url-collisions.json",
)


def _map(
    folder: Path,
    mappings: Path,
    workers: int,
    stop: threading.Event | None = None,
    stop_after: int = 0,
) -> MapResult:
    settings = map_settings(folder, mappings=mappings)
    options = replace(MapOptions.from_settings(settings), workers=workers)

    def progress(state: MapProgress) -> None:
        if stop is not None and state.done >= stop_after:
            stop.set()

    with Run("map", settings.logs_dir) as run:
        return map_with(options, run, progress=progress, stop=stop)


def _store(folder: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the mapped store in a canonical order (notes in the pass's order)."""
    with sqlite3.connect(folder / "ws" / "mapped" / "mapped.sqlite") as db:
        return {
            "records": db.execute(
                "SELECT source_system, record_key, kind, status, reason, mapping, source_hash,"
                " rows_hash, rows FROM records ORDER BY source_system, record_key"
            ).fetchall(),
            "notes": db.execute(
                "SELECT source_system, record_key, notes FROM notes ORDER BY seq"
            ).fetchall(),
            "coverage": db.execute("SELECT data FROM coverage").fetchall(),
            "owners": db.execute(
                "SELECT * FROM shared_owners ORDER BY tbl, row_system, row_key"
            ).fetchall(),
        }


def _reports(folder: Path) -> dict[str, str]:
    summary = max((folder / "logs").glob("*/map-summary.json"), key=lambda p: p.stat().st_mtime)
    return {
        name: (summary.parent / name).read_text(encoding="utf-8").replace(summary.parent.name, "")
        for name in REPORTS
    }


@pytest.fixture
def small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers even for the small sandbox, and batches small enough for several of them."""
    monkeypatch.setattr(stage, "POOL_MIN_RECORDS", 1)
    monkeypatch.setattr(stage, "BATCH", 50)


@pytest.mark.usefixtures("small_pool")
def test_workers_map_exactly_as_the_stage_alone(tmp_path: Path, staged_sandbox: Staged) -> None:
    mappings = mappings_with_static_maps(tmp_path)
    alone, pooled = tmp_path / "alone", tmp_path / "pooled"
    staged_sandbox.workspace(alone)
    staged_sandbox.workspace(pooled)
    by_itself = _map(alone, mappings, workers=0)
    with_workers = _map(pooled, mappings, workers=2)
    assert by_itself.counts == with_workers.counts
    expected = _store(alone)
    assert expected["notes"], "the static maps leave values unknown: notes to compare"
    assert expected["owners"], "contact people named on several pages: owners to compare"
    assert _store(pooled) == expected
    assert _reports(pooled) == _reports(alone)


@pytest.mark.usefixtures("small_pool")
def test_a_pooled_pass_stopped_between_batches_resumes_to_the_same_end(
    tmp_path: Path, staged_sandbox: Staged
) -> None:
    mappings = mappings_with_static_maps(tmp_path)
    alone, stopped = tmp_path / "alone", tmp_path / "stopped"
    staged_sandbox.workspace(alone)
    staged_sandbox.workspace(stopped)
    _map(alone, mappings, workers=0)
    first = _map(stopped, mappings, workers=2, stop=threading.Event(), stop_after=120)
    assert first.stopped and 0 < first.progress.done < first.progress.total
    assert first.progress.done % stage.BATCH == 0  # whole batches written, no more
    finished = _map(stopped, mappings, workers=2)
    assert finished.resumed and not finished.stopped
    assert _store(stopped) == _store(alone)
    assert _reports(stopped)["unmapped-values.json"] == _reports(alone)["unmapped-values.json"]


def test_the_pool_needs_two_workers_to_start_processes() -> None:
    work = MapWork([], MapContext(), StagePlan({}, {}, {}), {})
    with MapPool(work, 1) as one:
        assert one.workers == 0
    with MapPool(work, 0) as none:
        assert none.workers == 0


def test_the_map_workers_setting_reaches_the_map_options(tmp_path: Path) -> None:
    base = {"TRANSFER_WORKSPACE": str(tmp_path / "ws"), "TRANSFER_LOGS_DIR": str(tmp_path)}
    default = MapOptions.from_settings(load_settings(env=base))
    alone = MapOptions.from_settings(load_settings(env={**base, "TRANSFER_MAP_WORKERS": "0"}))
    three = MapOptions.from_settings(load_settings(env={**base, "TRANSFER_MAP_WORKERS": "3"}))
    assert (default.workers, alone.workers, three.workers) == (default_workers(), 0, 3)


class _EndsTheWorker:
    """Unpickled in a worker as it starts, ends it there (a worker killed)."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (os._exit, (3,))


def test_a_worker_that_dies_is_a_mapping_error_that_says_to_run_again() -> None:
    work = MapWork([], MapContext(lookups={"ends": _EndsTheWorker()}), StagePlan({}, {}, {}), {})
    with MapPool(work, 2) as pooled, pytest.raises(MappingError, match="run `transfer map` again"):
        list(pooled.map([[("online_service", "{}")]]))
