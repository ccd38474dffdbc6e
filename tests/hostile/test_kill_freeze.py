"""kill -9 of ``transfer freeze-check`` at two points (during its crawl, and during its
export after the crawl finished), each run again: the final delta it lists must be exactly
the one of an uninterrupted freeze check. The sources are the sandbox at epoch 0 (the last
extraction) and epoch 1 (content changed inside the freeze)."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.extractors.test_partnership_export import settings_for
from transfer.extractors.online_service import extract_online_service
from transfer.extractors.partnership import extract_partnership
from transfer.runs import Run
from transfer.sandbox import RunningSandbox, SandboxSettings, serve_sandbox
from transfer.sandbox.rehearsal import sandbox_environment
from transfer.sandbox.settings import Faults

ROOT = Path(__file__).resolve().parents[2]
TRANSFER = ROOT / ".venv" / "bin" / "transfer"
SCALE = 0.02
SINCE = "2025-03-03T00:00:00+00:00"


def _env(folder: Path, box: RunningSandbox) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSFER_")}
    env.update(sandbox_environment(box))
    env.update(
        TRANSFER_WORKSPACE=str(folder / "ws"),
        TRANSFER_LOGS_DIR=str(folder / "logs"),
        TRANSFER_MAPPINGS_DIR=str(ROOT / "mappings"),
    )
    return env


def _running_passes(database: Path) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
            return int(
                db.execute("SELECT count(*) FROM passes WHERE state = 'running'").fetchone()[0]
            )
    except sqlite3.OperationalError:
        return 0


def _changes(folder: Path) -> list[tuple[str, ...]]:
    newest = sorted(folder.glob("logs/*-freeze-check-*/freeze-changes.csv"))[-1]
    with newest.open(encoding="utf-8") as handle:
        return sorted(map(tuple, csv.reader(handle)))


POINTS: dict[str, Callable[[Path], bool]] = {
    "crawling": lambda f: _running_passes(f / "ws" / "staging" / "online_service.sqlite") > 0,
    "exporting": lambda f: _running_passes(f / "ws" / "staging" / "partnership.sqlite") > 0,
}


@pytest.mark.slow
@pytest.mark.parametrize("point", sorted(POINTS))
def test_killed_freeze_check_run_again_lists_the_same_delta(tmp_path: Path, point: str) -> None:
    base = tmp_path / "base"
    with serve_sandbox(SandboxSettings(scale=SCALE)) as box:
        settings = settings_for(base, box)
        with Run("extract", settings.logs_dir) as run:
            extract_online_service(settings, run)
            extract_partnership(settings, run)
    plain, killed = tmp_path / "plain", tmp_path / "killed"
    shutil.copytree(base, plain)
    shutil.copytree(base, killed)
    # A little latency, so that the kill lands inside the extraction it aims at.
    epoch1 = SandboxSettings(scale=SCALE, epoch=1, faults=Faults(latency_ms=3))
    with serve_sandbox(epoch1) as box:
        command = [str(TRANSFER), "freeze-check", "--since", SINCE]
        done = subprocess.run(command, env=_env(plain, box), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        process = subprocess.Popen(
            command, env=_env(killed, box), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            while not POINTS[point](killed):
                assert process.poll() is None, "ended before the kill point"
                time.sleep(0.005)
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait()
        assert process.returncode == -signal.SIGKILL
        again = subprocess.run(command, env=_env(killed, box), capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
    assert _changes(killed) == _changes(plain)
    assert len(_changes(plain)) > 10
