"""A real `transfer map` process, killed (SIGKILL) at several points, resumes and ends with
exactly the mapped store and the reports of an uninterrupted map."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.mappers.conftest import MAPPINGS, Staged, mappings_with_static_maps
from transfer.stores.mapped import MappedStore

ROOT = Path(__file__).resolve().parents[2]
TRANSFER = ROOT / ".venv" / "bin" / "transfer"
REPORTS = ("unmapped-values.json", "unmapped-values.csv", "unknown-links.json")


def environment(folder: Path, mappings: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSFER_")}
    env.update(
        {
            "TRANSFER_WORKSPACE": str(folder / "ws"),
            "TRANSFER_LOGS_DIR": str(folder / "logs"),
            "TRANSFER_MAPPINGS_DIR": str(mappings),
            "COLUMNS": "160",
        }
    )
    return env


def start(folder: Path, mappings: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(TRANSFER), "map"],
        env=environment(folder, mappings),
        cwd=folder,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def kill_after(process: subprocess.Popen[str], database: Path, records: int) -> int:
    """SIGKILL ``process`` once its pass has written ``records``; returns the count then.

    The check holds the store's write lock, so the process cannot finish its pass between
    the check and the kill: every kill lands inside a running pass.
    """
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if database.exists():
            db = sqlite3.connect(database, isolation_level=None, timeout=10)
            try:
                db.execute("BEGIN IMMEDIATE")
                found = _written(db)
                if found is not None and found >= records:
                    process.send_signal(signal.SIGKILL)
                    process.communicate()
                    return found
                db.execute("ROLLBACK")
            except sqlite3.OperationalError:  # the schema is not there yet
                pass
            finally:
                db.close()
        time.sleep(0.005)
    raise AssertionError(f"the map ended before {records} records (exit {process.poll()})")


def _written(db: sqlite3.Connection) -> int | None:
    """Records written by the running pass, or None while no pass runs."""
    row = db.execute("SELECT max(id) FROM passes WHERE state = 'running'").fetchone()
    if row[0] is None:
        return None
    return int(db.execute("SELECT count(*) FROM records WHERE pass = ?", row).fetchone()[0])


def snapshot(database: Path) -> dict[tuple[str, str], tuple[Any, ...]]:
    with MappedStore(database) as store:
        return {
            (r.source_system, r.record_key): (
                r.kind, r.status, r.reason, r.mapping, r.source_hash, r.rows_hash
            )
            for r in store.records()
        }  # fmt: skip


def reports(logs: Path) -> dict[str, str]:
    """The reports of the one run in ``logs`` that finished (wrote its summary)."""
    (summary,) = sorted(logs.glob("*/map-summary.json"))
    return {name: (summary.parent / name).read_text(encoding="utf-8") for name in REPORTS}


@pytest.mark.slow
def test_killed_maps_resume_to_the_uninterrupted_store_and_reports(
    tmp_path: Path, staged_sandbox: Staged
) -> None:
    mappings = mappings_with_static_maps(tmp_path)
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    staged_sandbox.workspace(whole)
    staged_sandbox.workspace(killed)
    uninterrupted = start(whole, mappings)
    out, err = uninterrupted.communicate(timeout=120)
    assert uninterrupted.returncode == 0, out + err
    expected = snapshot(whole / "ws" / "mapped" / "mapped.sqlite")
    total = len(expected)

    database = killed / "ws" / "mapped" / "mapped.sqlite"
    at_kill = [
        kill_after(start(killed, mappings), database, threshold)
        for threshold in (1, total // 2, total - 250)
    ]
    print("killed at", at_kill, "of", total)
    assert at_kill == sorted(at_kill) and at_kill[0] > 0 and at_kill[-1] <= total
    with sqlite3.connect(database) as db:  # one pass, never finished, resumed each time
        assert db.execute("SELECT count(*), max(state) FROM passes").fetchone() == (1, "running")
    final = start(killed, mappings)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, out + err
    assert "Map summary" in out

    assert snapshot(database) == expected
    summary = json.loads(next((killed / "logs").glob("*/map-summary.json")).read_text())
    assert summary["resumed"] is True and summary["removed"] == 0
    got, want = reports(killed / "logs"), reports(whole / "logs")
    assert json.loads(want["unmapped-values.json"])  # the static maps left values unknown
    assert json.loads(want["unknown-links.json"])
    assert got == want


def test_ctrl_c_stops_the_map_with_130_and_the_next_run_ends_the_same(
    tmp_path: Path, staged_sandbox: Staged
) -> None:
    """Ctrl-C (SIGINT) in the middle of a map: exit 130 without a traceback, and the next
    run ends with the mapped store of an uninterrupted map (issue 17)."""
    mappings = MAPPINGS
    whole, stopped = tmp_path / "whole", tmp_path / "stopped"
    staged_sandbox.workspace(whole)
    staged_sandbox.workspace(stopped)
    uninterrupted = start(whole, mappings)
    out, err = uninterrupted.communicate(timeout=120)
    assert uninterrupted.returncode == 0, out + err
    expected = snapshot(whole / "ws" / "mapped" / "mapped.sqlite")

    database = stopped / "ws" / "mapped" / "mapped.sqlite"
    process = start(stopped, mappings)
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        if database.exists():
            try:
                with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
                    written = _written(db)
            except sqlite3.OperationalError:
                written = None
            # the first batch written: the rest of the map is the margin for the signal
            if written:
                break
        time.sleep(0.005)
    assert process.poll() is None, "the map ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, out + err
    assert "Traceback" not in err
    final = start(stopped, mappings)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, out + err
    assert snapshot(database) == expected
