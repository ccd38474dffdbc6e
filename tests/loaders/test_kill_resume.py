"""A killed ``transfer load`` (kill -9, or its database connection cut) resumes and ends
identical to an uninterrupted load, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_PASSWORD, PG_URL
from tests.loaders.helpers import prepare, run_load, workspace_of
from transfer.loaders.dump import canonical_dump
from transfer.loaders.options import LoadOptions
from transfer.schema.bookkeeping import journal
from transfer.schema.versioning import downgrade, upgrade

SCALE = 0.02
#: Times a run stamps differ between two runs by nature; everything else must match.
STAMPS = frozenset({"content_items.unpublished_at"})


def _journal_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(journal)).scalar_one())


def _reset(engine: Engine) -> None:
    downgrade(engine, "base")
    upgrade(engine)


def _subprocess_url(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    url = make_url(PG_URL).set(
        query={"options": f"-csearch_path={schema}", "application_name": "transfer-load-test"}
    )
    return url.render_as_string(hide_password=False)


def _start_load(engine: Engine, options: LoadOptions, logs: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSFER_")}
    env.update(
        TRANSFER_WORKSPACE=str(workspace_of(options)),
        TRANSFER_TARGET_URL=_subprocess_url(engine),
        TRANSFER_LOGS_DIR=str(logs),
        TRANSFER_LOAD_BATCH_SIZE="4",
    )
    if engine.dialect.name == "postgresql":
        env["TRANSFER_TARGET_PASSWORD"] = PG_PASSWORD
    return subprocess.Popen(
        [sys.executable, "-m", "transfer.cli", "load"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(engine: Engine, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 240
    while _journal_rows(engine) < count:
        assert process.poll() is None, "the load ended before it could be killed"
        assert time.monotonic() < deadline, "the load made no progress"
        # A short look: on a fast machine the last tenth of this small load and its
        # closing bookkeeping take a few milliseconds.
        time.sleep(0.001)


@pytest.mark.parametrize(
    ("scenario", "share"),
    [("first", 0.1), ("first", 0.5), ("first", 0.9), ("delta", 0.5)],
)
def test_killed_load_resumes_to_the_same_target(
    target: Engine, options: LoadOptions, tmp_path: Path, scenario: str, share: float
) -> None:
    prepare(options, SCALE)
    if scenario == "delta":
        run_load(target, options)
        prepare(options, SCALE, epoch=1)
    baseline = _journal_rows(target)
    run_load(target, options)
    expected = canonical_dump(target, ignore=STAMPS)
    work = _journal_rows(target) - baseline

    _reset(target)
    prepare(options, SCALE)
    if scenario == "delta":
        run_load(target, options)
        prepare(options, SCALE, epoch=1)
    process = _start_load(target, options, tmp_path / "logs")
    _wait_for(target, baseline + int(work * share), process)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    assert _journal_rows(target) - baseline < work, "killed too late to test anything"

    resumed = run_load(target, options)
    assert not resumed.stats.failures
    assert canonical_dump(target, ignore=STAMPS) == expected
    again = run_load(target, options)
    assert set(again.stats.actions) <= {"unchanged", "skip", "failed"}


@pytest.mark.postgres
def test_a_cut_connection_stops_the_load_and_it_resumes(
    pg_engine: Engine, options: LoadOptions, tmp_path: Path
) -> None:
    upgrade(pg_engine)
    prepare(options, SCALE)
    run_load(pg_engine, options)
    expected = canonical_dump(pg_engine)
    _reset(pg_engine)
    process = _start_load(pg_engine, options, tmp_path / "logs")
    _wait_for(pg_engine, 200, process)
    with pg_engine.begin() as connection:
        cut = connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'transfer-load-test'"
            )
        ).all()
    assert cut
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 7, stderr.decode()
    assert b"target database" in stderr
    # psycopg's "error ignored terminating <psycopg.Pipeline [BAD]>" goes to events.jsonl.
    assert b"Pipeline" not in stderr and b"[BAD]" not in stderr, stderr.decode()
    run_load(pg_engine, options)
    assert canonical_dump(pg_engine) == expected
