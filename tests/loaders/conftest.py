"""Load tests run on SQLite and on the real PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from transfer.loaders.options import LoadOptions
from transfer.schema.versioning import upgrade


@pytest.fixture
def target(engine: Engine) -> Engine:
    """A target engine (SQLite and PostgreSQL) at the newest schema."""
    upgrade(engine)
    return engine


@pytest.fixture
def options(tmp_path: Path) -> LoadOptions:
    workspace = tmp_path / "ws"
    return LoadOptions(
        mapped_store=workspace / "mapped" / "mapped.sqlite",
        blob_dir=workspace / "blobs",
        media_dir=workspace / "media",
        batch_size=50,
    )
