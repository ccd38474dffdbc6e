"""kill -9 at points the older kill tests do not reach (verify, rollback, schema upgrade):
each killed command, run again, ends exactly as an uninterrupted run of it does.

Every scenario starts from one prepared folder (a world of staged, mapped and loaded
records on SQLite, built by tests/verification/world.py), copied twice: one copy runs the
command uninterrupted, the other is killed at the named point and run again.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.verification.world import build_world, load_target
from transfer.database import create_target_engine
from transfer.loaders.dump import canonical_dump

ROOT = Path(__file__).resolve().parents[2]
TRANSFER = ROOT / ".venv" / "bin" / "transfer"
LOAD_RUN = "20250101T000000Z-load-test"
#: Report keys that name the run or time it; everything else must match.
VOLATILE = frozenset({"run_id", "generated_at", "timings_s", "previous_run", "trend", "target"})


def _env(folder: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSFER_")}
    env.update(
        TRANSFER_WORKSPACE=str(folder),
        TRANSFER_LOGS_DIR=str(folder / "logs"),
        TRANSFER_TARGET_URL=f"sqlite:///{folder / 'target.db'}",
        TRANSFER_MAPPINGS_DIR=str(ROOT / "mappings"),
    )
    env.update(extra or {})
    return env


def run(
    folder: Path, *args: str, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TRANSFER), *args],
        env=_env(folder, extra),
        capture_output=True,
        text=True,
        timeout=300,
    )


def kill_at(
    folder: Path,
    args: tuple[str, ...],
    ready: Callable[[], bool],
    sig: signal.Signals = signal.SIGKILL,
    extra: dict[str, str] | None = None,
) -> None:
    """Start ``transfer args`` (``extra``: more environment) and send ``sig`` as soon as
    ``ready()`` holds (SIGINT is Ctrl-C: the command must then stop with exit 130)."""
    process = subprocess.Popen(
        [str(TRANSFER), *args],
        env=_env(folder, extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while not ready():
            if process.poll() is not None:
                raise AssertionError(f"ended (exit {process.returncode}) before the kill point")
            time.sleep(0.002)
        process.send_signal(sig)
    finally:
        _, stderr = process.communicate(timeout=120)
    if sig == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 130, stderr
        assert "Traceback" not in stderr


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kill-points") / "prepared"
    world = build_world(root, groups=120, members=40)
    engine = create_target_engine(f"sqlite:///{root / 'target.db'}")
    try:
        load_target(engine, world)
    finally:
        engine.dispose()
    # A first verification, so that both copies compare against the same previous run.
    assert run(root, "verify").returncode == 0
    return root


def copies(prepared: Path, tmp_path: Path) -> tuple[Path, Path]:
    plain, killed = tmp_path / "plain", tmp_path / "killed"
    shutil.copytree(prepared, plain)
    shutil.copytree(prepared, killed)
    return plain, killed


def _report(folder: Path) -> dict[str, Any]:
    """The newest verification's report.json, CSV files and inventory, without run ids."""
    newest = sorted(folder.glob("logs/*-verify-*/report.json"))[-1].parent
    data = json.loads((newest / "report.json").read_text("utf-8"))
    found: dict[str, Any] = {k: v for k, v in data.items() if k not in VOLATILE}
    for name in sorted(p.name for p in newest.glob("*.csv")):
        with (newest / name).open(encoding="utf-8") as handle:
            found[name] = sorted(map(tuple, csv.reader(handle)))
    return found


def _newest_run(folder: Path, command: str) -> Path | None:
    runs = sorted(folder.glob(f"logs/*-{command}-*"))
    return runs[-1] if len(runs) > 1 else None  # the prepared first verify is runs[0]


VERIFY_POINTS: dict[str, Callable[[Path], bool]] = {
    # Reading the inputs into the scratch database.
    "scratch": lambda f: (
        any(f.glob("logs/*-verify-*/.verify-scratch.sqlite"))
        and _newest_run(f, "verify") is not None
    ),
    # The checks write their problem CSVs as they go.
    "checks": lambda f: (
        (run_dir := _newest_run(f, "verify")) is not None
        and (run_dir / "problems-links.csv").exists()
    ),
    # The inventory is written by the completeness check, near the end.
    "inventory": lambda f: (
        (run_dir := _newest_run(f, "verify")) is not None and (run_dir / "inventory.csv").exists()
    ),
}


SIGNALS = {"kill": signal.SIGKILL, "ctrl-c": signal.SIGINT}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("point", "how"), [(p, "kill") for p in sorted(VERIFY_POINTS)] + [("checks", "ctrl-c")]
)
def test_killed_verify_run_again_reports_the_same(
    prepared: Path, tmp_path: Path, point: str, how: str
) -> None:
    plain, killed = copies(prepared, tmp_path)
    assert run(plain, "verify").returncode == 0
    kill_at(killed, ("verify",), lambda: VERIFY_POINTS[point](killed), SIGNALS[how])
    again = run(killed, "verify")
    assert again.returncode == 0, again.stderr
    assert _report(killed) == _report(plain)


def _processes_of(folder: Path) -> list[int]:
    """The processes whose environment names ``folder``: a command run on it and every
    process it started (its fork server and workers inherit the environment)."""
    marker = str(folder).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:  # ended meanwhile, or not ours to read
                continue
    return found


def _sharing(folder: Path) -> bool:
    """The verification's workers compare their shares (the second share's side file)."""
    run_dir = _newest_run(folder, "verify")
    return run_dir is not None and (run_dir / ".verify-share-1.sqlite").exists()


@pytest.mark.slow
@pytest.mark.parametrize("how", sorted(SIGNALS))
def test_a_verify_stopped_while_its_workers_compare_leaves_no_process_and_runs_again_the_same(
    prepared: Path, tmp_path: Path, how: str
) -> None:
    """Verification shared among processes (verify.shares = 2), killed or interrupted
    while its worker compares: no worker or fork server is left behind, and the run again
    reports what an uninterrupted one does."""
    plain, killed = copies(prepared, tmp_path)
    shared = {"TRANSFER_VERIFY_SHARES": "2"}
    assert run(plain, "verify").returncode == 0
    kill_at(killed, ("verify",), lambda: _sharing(killed), SIGNALS[how], extra=shared)
    deadline = time.monotonic() + 10  # a worker looks for its owner twice a second
    while _processes_of(killed) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_of(killed) == []
    again = run(killed, "verify", extra=shared)
    assert again.returncode == 0, again.stderr
    assert _report(killed) == _report(plain)
    newest = sorted(killed.glob("logs/*-verify-*/report.json"))[-1]
    assert json.loads(newest.read_text("utf-8"))["timings_s"]["shares"] == 2


def _locked(path: Path) -> bool:
    """Whether another process holds the flock on ``path`` (the loader's writer lock)."""
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def _dump(folder: Path) -> dict[str, list[str]]:
    engine: Engine = create_target_engine(f"sqlite:///{folder / 'target.db'}")
    try:
        return canonical_dump(engine)
    finally:
        engine.dispose()


ROLLBACK_POINTS: dict[str, Callable[[Path], bool]] = {
    # The writer lock taken: the rollback is checking the run.
    "lock": lambda f: _locked(f / "target.db.lock"),
    # Its transaction has written (SQLite's rollback journal exists).
    "writing": lambda f: (f / "target.db-journal").exists() or (f / "target.db-wal").exists(),
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("point", "how"), [(p, "kill") for p in sorted(ROLLBACK_POINTS)] + [("writing", "ctrl-c")]
)
def test_killed_rollback_run_again_ends_the_same(
    prepared: Path, tmp_path: Path, point: str, how: str
) -> None:
    plain, killed = copies(prepared, tmp_path)
    assert run(plain, "rollback", "--yes", LOAD_RUN).returncode == 0
    kill_at(
        killed,
        ("rollback", "--yes", LOAD_RUN),
        lambda: ROLLBACK_POINTS[point](killed),
        SIGNALS[how],
    )
    again = run(killed, "rollback", "--yes", LOAD_RUN)
    assert again.returncode == 0, again.stderr
    assert _dump(killed) == _dump(plain)


def _schema(path: Path) -> list[tuple[str, ...]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        found = [tuple(str(v) for v in row) for row in rows]
        if any(row[1] == "alembic_version" for row in found):
            found += [tuple(r) for r in db.execute("SELECT version_num FROM alembic_version")]
    return found


SCHEMA_POINTS: dict[str, Callable[[Path], bool]] = {
    "first-write": lambda f: (f / "fresh.db-journal").exists() or (f / "fresh.db-wal").exists(),
    "file-created": lambda f: (f / "fresh.db").exists() and (f / "fresh.db").stat().st_size > 0,
}


@pytest.mark.slow
@pytest.mark.parametrize("point", sorted(SCHEMA_POINTS))
def test_killed_schema_upgrade_run_again_ends_the_same(tmp_path: Path, point: str) -> None:
    plain, killed = tmp_path / "plain", tmp_path / "killed"
    plain.mkdir()
    killed.mkdir()
    url = ("--target-url", "")
    assert (
        run(plain, url[0], f"sqlite:///{plain / 'fresh.db'}", "schema", "upgrade").returncode == 0
    )
    kill_at(
        killed,
        (url[0], f"sqlite:///{killed / 'fresh.db'}", "schema", "upgrade"),
        lambda: SCHEMA_POINTS[point](killed),
    )
    again = run(killed, url[0], f"sqlite:///{killed / 'fresh.db'}", "schema", "upgrade")
    assert again.returncode == 0, again.stderr
    assert _schema(killed / "fresh.db") == _schema(plain / "fresh.db")


@pytest.mark.slow
@pytest.mark.parametrize(
    "args", [("load",), ("rollback", "--yes", LOAD_RUN)], ids=["load", "rollback"]
)
def test_a_second_writer_is_refused_and_changes_nothing(
    prepared: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Two writers at once: while one holds the target's writer lock, the other stops at
    once with exit 6 and a clear message, and the target is untouched."""
    plain, busy = copies(prepared, tmp_path)
    before = _dump(busy)
    with (busy / "target.db.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        second = run(busy, *args)
    assert second.returncode == 6, second.stderr
    assert "another load or rollback is writing to this target" in second.stderr
    assert "Traceback" not in second.stderr
    assert _dump(busy) == before == _dump(plain)


def _post_launch(folder: Path) -> dict[str, Any]:
    newest = sorted(folder.glob("logs/*-post-launch-check-*/post-launch.json"))[-1].parent
    # The rehearsal site is served on a free port: the same site under another number.
    text = re.sub(
        r"http://127\.0\.0\.1:\d+",
        "http://rehearsal-site",
        (newest / "post-launch-failures.csv").read_text(encoding="utf-8"),
    )
    failures = sorted(map(tuple, csv.reader(text.splitlines())))
    return {"summary": json.loads((newest / "post-launch.json").read_text()), "failures": failures}


@pytest.mark.slow
@pytest.mark.parametrize("how", sorted(SIGNALS))
def test_killed_post_launch_check_run_again_finds_the_same(
    prepared: Path, tmp_path: Path, how: str
) -> None:
    plain, killed = copies(prepared, tmp_path)
    for folder in (plain, killed):  # one asset file lost, so that there is a failure to find
        lost = sorted((folder / "media").rglob("*"))
        next(path for path in lost if path.is_file()).unlink()
    assert run(plain, "post-launch-check").returncode == 10
    kill_at(
        killed,
        ("post-launch-check",),
        lambda: any(killed.glob("logs/*-post-launch-check-*/events.jsonl")),
        SIGNALS[how],
    )
    assert not any(killed.glob("logs/*-post-launch-check-*/post-launch.json"))
    again = run(killed, "post-launch-check")
    assert again.returncode == 10, again.stderr
    found = _post_launch(killed)
    assert found == _post_launch(plain)
    assert len(found["failures"]) == 3  # the header, the lost asset and its old address


def _journal_rows(folder: Path) -> int:
    try:
        with sqlite3.connect(f"file:{folder / 'target.db'}?mode=ro", uri=True, timeout=0.2) as db:
            return int(db.execute("SELECT count(*) FROM load_journal").fetchone()[0])
    except sqlite3.OperationalError:
        return -1  # locked for a commit, or the table is not there yet


@pytest.mark.slow
@pytest.mark.parametrize("how", sorted(SIGNALS))
def test_interrupted_load_run_again_ends_the_same(prepared: Path, tmp_path: Path, how: str) -> None:
    """A load into an empty target, stopped once its journal has rows (kill -9 or Ctrl-C,
    which must exit 130 after the batch in hand), run again: the same target."""
    plain, killed = copies(prepared, tmp_path)
    for folder in (plain, killed):
        (folder / "target.db").unlink()
        assert run(folder, "schema", "upgrade").returncode == 0
    assert run(plain, "load").returncode == 0
    kill_at(killed, ("load",), lambda: _journal_rows(killed) > 50, SIGNALS[how])
    assert _dump(killed) != _dump(plain), "stopped too late to test anything"
    again = run(killed, "load")
    assert again.returncode == 0, again.stderr
    assert _dump(killed) == _dump(plain)
