"""Running loads in tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.loaders import factory
from transfer.loaders.options import LoadOptions
from transfer.loaders.run import LoadResult, load_target

_COUNTER = iter(range(1, 10_000))


def run_load(engine: Engine, options: LoadOptions, *, plan: bool = False) -> LoadResult:
    run_id = f"test-load-{next(_COUNTER):04d}"
    artefacts = options.mapped_store.parent.parent / "logs" / run_id
    return load_target(engine, options, run_id, artefacts, plan=plan)


def workspace_of(options: LoadOptions) -> Path:
    return options.mapped_store.parent.parent


def prepare(options: LoadOptions, scale: float, epoch: int = 0) -> None:
    factory.write_workspace(workspace_of(options), scale, epoch)
