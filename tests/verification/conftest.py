"""Fixtures for verification tests: a loaded world on the target engine(s)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.verification.world import World, build_world, load_target
from transfer.verification import VerificationReport, VerifyInputs, verify


@dataclass
class Loaded:
    world: World
    engine: Engine
    logs: Path

    def verify(self, run_id: str, **options: object) -> VerificationReport:
        inputs = VerifyInputs(
            engine=self.engine,
            mapped_store=self.world.mapped_store,
            staging_dir=self.world.staging_dir,
            media_dir=self.world.media_dir,
            out_dir=self.logs / run_id,
            logs_dir=self.logs,
            run_id=run_id,
            target_label="test target",
            **options,  # type: ignore[arg-type]
        )
        return verify(inputs)


@pytest.fixture
def loaded(tmp_path: Path, engine: Engine) -> Loaded:
    """A clean migration loaded into the target (SQLite and PostgreSQL)."""
    world = build_world(tmp_path / "world")
    load_target(engine, world)
    return Loaded(world, engine, tmp_path / "logs")


@pytest.fixture
def loaded_sqlite(tmp_path: Path, sqlite_engine: Engine) -> Loaded:
    world = build_world(tmp_path / "world")
    load_target(sqlite_engine, world)
    return Loaded(world, sqlite_engine, tmp_path / "logs")
