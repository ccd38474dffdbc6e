"""A step's output reaches the console callback and the step log line by line as the
child prints it, redacted; a step's timeout still stops it; a background grandchild that
keeps the output open does not hold the step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from transfer.config import load_settings
from transfer.cutover.steps import StepContext, run_command
from transfer.redaction import register_secret


def _context(folder: Path, seen: list[tuple[str, str]]) -> StepContext:
    return _context_with(folder, lambda step, line: seen.append((step, line)))


def _context_with(folder: Path, output: Callable[[str, str], None]) -> StepContext:
    settings = load_settings(None, env={"TRANSFER_WORKSPACE": str(folder / "ws")})
    return StepContext("run-1", folder / "run", "rehearsal", folder, settings, output=output)


def test_lines_arrive_while_the_step_runs_and_go_to_the_log_redacted(workspace: Path) -> None:
    register_secret("s3cr3t-token-9")
    seen: list[tuple[str, str]] = []
    go = workspace / "go"

    def output(step: str, line: str) -> None:
        seen.append((step, line))
        if line == "waiting":
            go.touch()  # the child goes on only once its first line has arrived

    context = _context_with(workspace, output)
    log = workspace / "run" / "steps" / "wait.1.log"
    script = (
        f"echo waiting; while [ ! -f {go} ]; do sleep 0.02; done; "
        "echo token s3cr3t-token-9 >&2; printf 'no newline'"
    )
    result = run_command("shell", script, context, "wait", log, timeout_s=60)
    assert not result.timed_out and result.exit_code == 0
    assert seen == [("wait", "waiting"), ("wait", "token ***"), ("wait", "no newline")]
    assert log.read_text().splitlines()[1:] == ["waiting", "token ***", "no newline"]
    assert result.tail[-1] == "no newline"


def test_a_step_past_its_timeout_is_stopped(workspace: Path) -> None:
    seen: list[tuple[str, str]] = []
    log = workspace / "run" / "steps" / "slow.1.log"
    result = run_command(
        "shell", "echo begun; sleep 60", _context(workspace, seen), "slow", log, timeout_s=0.5
    )
    assert result.timed_out
    assert seen == [("slow", "begun")]


def test_a_grandchild_holding_the_output_does_not_hold_the_step(workspace: Path) -> None:
    release = workspace / "release"
    seen: list[tuple[str, str]] = []
    log = workspace / "run" / "steps" / "bg.1.log"
    script = f"(while [ ! -f {release} ]; do sleep 0.05; done) & echo started"
    try:
        result = run_command("shell", script, _context(workspace, seen), "bg", log)
    finally:
        release.touch()
    assert result.exit_code == 0
    assert seen == [("bg", "started")]
