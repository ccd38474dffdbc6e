"""Defect 6: a full disk ended the crawl with exit 1 and a traceback. On a real, small
file system (tmpfs) it is the stage's exit code with a message naming the folder and the
space to free; nothing is half-written, and after freeing space the same command resumes
and ends with exactly the records of an uninterrupted crawl. Needs root (mount); skips
elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.extractors.crawl_helpers import canonical_dump
from tests.mappers.test_map_resume import snapshot
from transfer.sandbox import SandboxSettings
from transfer.sandbox.process import serve_in_subprocess

ROOT = Path(__file__).resolve().parents[2]
TRANSFER = ROOT / ".venv" / "bin" / "transfer"


def _mount_small(folder: Path, size: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """``tmp_path/full``: a 300 kB tmpfs (unmounted afterwards)."""
    folder = tmp_path / "full"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def crawl(folder: Path, online_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSFER_")}
    env["TRANSFER_MAPPINGS_DIR"] = str(ROOT / "mappings")
    env["COLUMNS"] = "200"
    return subprocess.run(
        [
            str(TRANSFER),
            "--workspace",
            str(folder / "ws"),
            "--logs-dir",
            str(folder.parent / f"logs-{folder.name}"),
            "extract",
            "online-service",
            "--fetch-base",
            online_url,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_a_full_disk_stops_the_crawl_cleanly_and_it_resumes(
    tmp_path: Path, small_disk: Path
) -> None:
    with serve_in_subprocess(SandboxSettings(scale=0.02)) as (url, _):
        free = tmp_path / "free"
        free.mkdir()
        assert crawl(free, url).returncode == 0
        expected = canonical_dump(free)

        stopped = crawl(small_disk, url)
        assert stopped.returncode == 4, stopped.stderr  # the extract stage's code, not 1
        assert "Traceback" not in stopped.stderr
        assert f"the disk is full: a write to {small_disk}" in stopped.stderr
        assert "free at least" in stopped.stderr and "run the same command again" in stopped.stderr
        assert not list(small_disk.glob("ws/blobs/**/.incoming-*")), "a blob was half-written"

        subprocess.run(
            ["mount", "-o", "remount,size=64m", str(small_disk)], check=True, capture_output=True
        )
        resumed = crawl(small_disk, url)
        assert resumed.returncode == 0, resumed.stderr
    assert canonical_dump(small_disk) == expected


@pytest.mark.slow
def test_a_full_disk_stops_the_map_cleanly_and_it_resumes(tmp_path: Path) -> None:
    """The same for the map stage (exit 5): its store's folder is a small file system."""
    with serve_in_subprocess(SandboxSettings(scale=0.02)) as (url, _):
        assert crawl(tmp_path / "plain", url).returncode == 0
    shutil.copytree(tmp_path / "plain", tmp_path / "full")
    assert map_stage(tmp_path / "plain").returncode == 0
    expected = snapshot(tmp_path / "plain" / "ws" / "mapped" / "mapped.sqlite")

    mapped = tmp_path / "full" / "ws" / "mapped"
    _mount_small(mapped, "100k")
    try:
        stopped = map_stage(tmp_path / "full")
        assert stopped.returncode == 5, stopped.stderr  # the map stage's code, not 1
        assert "Traceback" not in stopped.stderr
        assert "the disk is full" in stopped.stderr and "free at least" in stopped.stderr
        subprocess.run(["mount", "-o", "remount,size=64m", str(mapped)], check=True)
        resumed = map_stage(tmp_path / "full")
        assert resumed.returncode == 0, resumed.stderr
        assert snapshot(mapped / "mapped.sqlite") == expected
    finally:
        subprocess.run(["umount", "-l", str(mapped)], check=False)


def map_stage(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSFER_")}
    env.update(
        TRANSFER_WORKSPACE=str(folder / "ws"),
        TRANSFER_LOGS_DIR=str(folder / "logs-map"),
        TRANSFER_MAPPINGS_DIR=str(ROOT / "mappings"),
        COLUMNS="200",
    )
    return subprocess.run(
        [str(TRANSFER), "map"], env=env, capture_output=True, text=True, timeout=600
    )
