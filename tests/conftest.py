"""Shared fixtures: a temporary workspace, and target engines on SQLite and PostgreSQL.

The PostgreSQL engine uses the throw-away cluster that `make test` starts
(tests/services/with-postgres.sh). Run outside `make test`, the PostgreSQL cases skip;
under `make test` (TRANSFER_TEST_REQUIRE_PG=1) a missing server is a failure.
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from transfer.database import create_target_engine

PG_URL = os.environ.get("TRANSFER_TEST_PG_URL", "")
PG_PASSWORD = os.environ.get("TRANSFER_TEST_PG_PASSWORD", "")
REQUIRE_PG = os.environ.get("TRANSFER_TEST_REQUIRE_PG") == "1"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working directory with no transfer.toml and no TRANSFER_* variables."""
    for name in list(os.environ):
        if name.startswith("TRANSFER_") and not name.startswith("TRANSFER_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pg_url_with_password() -> str:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("TRANSFER_TEST_REQUIRE_PG=1 but TRANSFER_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL: run through `make test`")
    return make_url(PG_URL).set(password=PG_PASSWORD).render_as_string(hide_password=False)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on the real PostgreSQL, confined to a fresh schema that is dropped after."""
    url = pg_url_with_password()
    schema = f"test_{secrets.token_hex(4)}"
    admin = create_target_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_target_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_target_engine(f"sqlite:///{tmp_path / 'target.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The same test on both target engines."""
    name = "sqlite_engine" if request.param == "sqlite" else "pg_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


#: pytest-timeout's limit for a test marked slow (a whole dry run, a rehearsed cutover, a
#: killed and resumed process) that sets none itself: the global 300 s is a hang guard for
#: unit tests; on a machine shared with other work a whole-system run can take longer.
SLOW_TIMEOUT_S = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    slow_in_file: Counter[str] = Counter()
    for item in items:
        if item.get_closest_marker("slow"):
            slow_in_file[item.nodeid.split("::")[0]] += 1
            if not item.get_closest_marker("timeout"):
                item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT_S))
    # Longest first: `make test` hands whole files to its xdist workers (--dist loadfile) in
    # this order, so files with whole-system tests start early and the short ones fill the
    # end, instead of one worker running a minute-long test alone at the end. The sort is
    # stable and keeps each file's tests together and in their own order.
    items.sort(key=lambda item: -slow_in_file[item.nodeid.split("::")[0]])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran against the real PostgreSQL (make test must show it)."""
    passed = terminalreporter.stats.get("passed", [])
    on_pg = sum(
        1 for report in passed if "[postgresql" in report.nodeid or "postgres" in report.keywords
    )
    where = make_url(PG_URL).render_as_string(hide_password=True) if PG_URL else "not started"
    terminalreporter.write_line(f"PostgreSQL ({where}): {on_pg} tests passed against it")
