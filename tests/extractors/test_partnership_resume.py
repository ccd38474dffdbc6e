"""A real `transfer extract partnership` process, killed (SIGKILL) at several points, resumes
and ends with exactly the records of an uninterrupted export."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.extractors.platform_truth import default_site_memberships
from tests.extractors.test_partnership_export import MAPPINGS, REPO
from transfer.sandbox import Faults, RunningSandbox, SandboxSettings, serve_sandbox
from transfer.stores.staging import StagingStore

TRANSFER = REPO / ".venv" / "bin" / "transfer"


def environment(folder: Path, box: RunningSandbox, **credentials: str) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSFER_")}
    env.update(
        {
            "TRANSFER_WORKSPACE": str(folder / "ws"),
            "TRANSFER_LOGS_DIR": str(folder / "logs"),
            "TRANSFER_MAPPINGS_DIR": str(MAPPINGS),
            "TRANSFER_SOURCES_PARTNERSHIP_FETCH_BASE": box.platform_url,
            "COLUMNS": "160",
        }
    )
    env.update({f"TRANSFER_SOURCES_PARTNERSHIP_{k.upper()}": v for k, v in credentials.items()})
    return env


def start(env: dict[str, str], *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(TRANSFER), "extract", "partnership", *options],
        env=env,
        cwd=env["TRANSFER_WORKSPACE"].rsplit("/", 1)[0],
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def stored_count(database: Path) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM records").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def kill_after(process: subprocess.Popen[str], database: Path, records: int) -> int:
    """SIGKILL ``process`` once the store holds ``records``; returns the count at the kill."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        count = stored_count(database)
        if count >= records:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            return count
        time.sleep(0.005)
    raise AssertionError(f"the export ended before {records} records (exit {process.poll()})")


def snapshot(database: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every record (gone ones too) without fetch times, and the failures."""
    store = StagingStore(database)
    try:
        records = {}
        for record in store.records(include_gone=True):
            data = record.to_dict()
            if data["fetch"]:
                data["fetch"].pop("fetched_at")
            records[record.key] = data
        return records, store.failures()
    finally:
        store.close()


def test_killed_exports_resume_to_the_uninterrupted_result(tmp_path: Path) -> None:
    sandbox = SandboxSettings(scale=0.02, faults=Faults(latency_ms=10))
    with serve_sandbox(sandbox) as box:
        credentials = {"username": sandbox.platform_username, "password": sandbox.platform_password}
        killed = environment(tmp_path / "killed", box, **credentials)
        database = Path(killed["TRANSFER_WORKSPACE"]) / "staging" / "partnership.sqlite"
        at_kill = [
            kill_after(start(killed, "--page-size", "10"), database, threshold)
            for threshold in (20, 130, 250)
        ]
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT count(*), max(state) FROM passes").fetchone() == (
                1,
                "running",
            )  # one pass, never finished, resumed each time
        final = start(killed, "--page-size", "10")
        out, err = final.communicate(timeout=120)
        whole = environment(tmp_path / "whole", box, **credentials)
        uninterrupted = start(whole, "--page-size", "10")
        whole_out, _whole_err = uninterrupted.communicate(timeout=120)
        truth = box.truth()["platform"]
    total = (
        sum(truth["counts"].values())
        + len(truth["memberships_of_missing_workspaces"])
        + len(truth["non_workspace_sites"])
        + len(default_site_memberships(truth))
    )
    assert at_kill == sorted(at_kill) and at_kill[-1] < total, at_kill
    print("killed at", at_kill, "of", total)
    # Exit 0 (a file missing on the platform is a source defect, not a failure); both runs
    # name it.
    missing = f"file:{truth['missing_files'][0]}"
    assert final.returncode == uninterrupted.returncode == 0, err
    assert missing in out and missing in whole_out
    summaries = sorted((tmp_path / "killed" / "logs").glob("*/export-summary.json"))
    assert len(summaries) == 1  # the killed runs never got to write one
    summary = json.loads(summaries[0].read_text(encoding="utf-8"))
    assert summary["resumed"] is True and summary["gone_checked"] is True
    records, failures = snapshot(database)
    expected, expected_failures = snapshot(
        Path(whole["TRANSFER_WORKSPACE"]) / "staging" / "partnership.sqlite"
    )
    assert len(records) == total
    assert records == expected
    assert failures == expected_failures
    assert "Export summary" in out and "Export summary" in whole_out


def test_ctrl_c_stops_the_export_with_130_and_the_next_run_ends_the_same(
    tmp_path: Path,
) -> None:
    """Ctrl-C (SIGINT) in the middle of an export: exit 130 without a traceback, and the
    next run ends with exactly the records of an uninterrupted export (issue 17)."""
    sandbox = SandboxSettings(scale=0.02, faults=Faults(latency_ms=10))
    with serve_sandbox(sandbox) as box:
        credentials = {"username": sandbox.platform_username, "password": sandbox.platform_password}
        stopped = environment(tmp_path / "stopped", box, **credentials)
        database = Path(stopped["TRANSFER_WORKSPACE"]) / "staging" / "partnership.sqlite"
        process = start(stopped, "--page-size", "10")
        deadline = time.monotonic() + 240
        while stored_count(database) < 100:
            assert process.poll() is None, "the export ended before it could be interrupted"
            assert time.monotonic() < deadline, "the export made no progress"
            time.sleep(0.005)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
        assert process.returncode == 130, err
        assert "Traceback" not in err
        final = start(stopped, "--page-size", "10")
        final.communicate(timeout=120)
        whole = environment(tmp_path / "whole", box, **credentials)
        uninterrupted = start(whole, "--page-size", "10")
        uninterrupted.communicate(timeout=120)
    # The platform's missing file is a source defect: listed, no failure.
    assert final.returncode == uninterrupted.returncode == 0
    expected = snapshot(Path(whole["TRANSFER_WORKSPACE"]) / "staging" / "partnership.sqlite")
    assert snapshot(database) == expected
