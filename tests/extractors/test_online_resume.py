"""Crash safety of the crawler: kill -9 at several points, Ctrl-C, and the WARC archive."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.extractors.crawl_helpers import canonical_dump
from transfer.sandbox import SandboxSettings
from transfer.sandbox.process import serve_in_subprocess

ROOT = Path(__file__).parent.parent.parent
TRANSFER = ROOT / ".venv" / "bin" / "transfer"
SCALE = 0.1


@pytest.fixture(scope="module")
def online_url() -> Iterator[str]:
    with serve_in_subprocess(SandboxSettings(scale=SCALE)) as (url, _):
        yield url


def command(workspace: Path, online_url: str, *extra: str) -> list[str]:
    return [
        str(TRANSFER),
        "--workspace",
        str(workspace / "ws"),
        "--logs-dir",
        str(workspace / "logs"),
        "extract",
        "online-service",
        "--fetch-base",
        online_url,
        *extra,
    ]


def environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("TRANSFER_")}


def records_in(workspace: Path) -> int:
    path = workspace / "ws" / "staging" / "online_service.sqlite"
    if not path.exists():
        return -1
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM records").fetchone()[0])
    except sqlite3.OperationalError:
        return -1  # the schema is not there yet


def start_and_wait(workspace: Path, online_url: str, at_least: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command(workspace, online_url),
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while records_in(workspace) < at_least:
        assert process.poll() is None, "the crawl ended before the kill point"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return process


def run_to_end(workspace: Path, online_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(workspace, online_url),
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_killed_crawl_resumes_to_the_same_records(tmp_path: Path, online_url: str) -> None:
    reference = tmp_path / "reference"
    finished = run_to_end(reference, online_url)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    expected = canonical_dump(reference)
    assert len(expected["records"]) > 300

    interrupted = tmp_path / "interrupted"
    for kill_point in (0, 40, 250):  # while seeding, early in the crawl, late in the crawl
        process = start_and_wait(interrupted, online_url, kill_point)
        process.send_signal(signal.SIGKILL)
        process.wait()
    resumed = run_to_end(interrupted, online_url)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert canonical_dump(interrupted) == expected


def test_ctrl_c_stops_cleanly_and_the_next_run_continues(tmp_path: Path, online_url: str) -> None:
    process = start_and_wait(tmp_path, online_url, 60)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    path = tmp_path / "ws" / "staging" / "online_service.sqlite"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT state FROM passes").fetchall() == [("stopped",)]
    resumed = run_to_end(tmp_path, online_url)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT state FROM passes").fetchall() == [("complete",)]
    assert len(canonical_dump(tmp_path)["records"]) > 300


def test_warc_archive_holds_every_response(tmp_path: Path, online_url: str) -> None:
    warc = tmp_path / "archive.warc.gz"
    done = subprocess.run(
        [*command(tmp_path, online_url, "--warc", str(warc))],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    uris, pdfs = set(), 0
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                uris.add(record.rec_headers.get_header("WARC-Target-URI"))
                body = record.content_stream().read()
                pdfs += body.startswith(b"%PDF-")
    dump = canonical_dump(tmp_path)
    assert len(uris) >= len(dump["records"])
    assert not any("127.0.0.1" in uri for uri in uris)  # archived under the site's addresses
    assert set(dump["records"]) <= uris
    assert pdfs > 0
