"""Shared pieces of the hostile-input table: a workspace folder inside a fence, and the
check that nothing was written beside it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfer.cli import cli


@pytest.fixture
def fenced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working folder ``tmp_path/ws`` (the current folder, with no TRANSFER_* variables);
    after the test, nothing may exist in ``tmp_path`` beside it."""
    for name in list(os.environ):
        if name.startswith("TRANSFER_") and not name.startswith("TRANSFER_TEST_"):
            monkeypatch.delenv(name)
    inside = tmp_path / "ws"
    inside.mkdir()
    monkeypatch.chdir(inside)
    yield inside
    beside = sorted(path.name for path in tmp_path.iterdir() if path.name != "ws")
    assert beside == [], f"written outside the workspace: {beside}"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def events_text(folder: Path) -> str:
    """Every events.jsonl of the runs under ``folder/logs``."""
    return "".join(path.read_text("utf-8") for path in sorted(folder.glob("logs/*/events.jsonl")))
