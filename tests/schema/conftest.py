"""A target engine (SQLite and PostgreSQL) with the KEHA schema migrated to head."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from transfer.schema.versioning import upgrade


@pytest.fixture
def keha(engine: Engine) -> Engine:
    upgrade(engine)
    return engine
