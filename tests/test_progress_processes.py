"""Progress of real ``transfer`` processes whose stdout is a pipe, not a terminal (CI,
``| tee``, a cutover step): heartbeat lines arrive while a long step runs, a cutover
streams them from its step as they come, and Ctrl-C through a closed pipe ends the run as
``interrupted`` (exit 130), without a traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from transfer.runs import run_folders
from transfer.sandbox import Faults, RunningSandbox, SandboxSettings, serve_sandbox
from transfer.sandbox.rehearsal import sandbox_environment

ROOT = Path(__file__).resolve().parents[1]
TRANSFER = ROOT / ".venv" / "bin" / "transfer"
#: Enough latency that an export of the small sandbox spans several heartbeats.
SLOW = SandboxSettings(scale=0.02, faults=Faults(latency_ms=20))


def _env(folder: Path, box: RunningSandbox) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSFER_")}
    env.update(sandbox_environment(box))
    env.update(
        TRANSFER_WORKSPACE=str(folder / "ws"),
        TRANSFER_LOGS_DIR=str(folder / "logs"),
        TRANSFER_MAPPINGS_DIR=str(ROOT / "mappings"),
        TRANSFER_HEARTBEAT_S="0.2",
    )
    return env


def _lines(process: subprocess.Popen[str]) -> Iterator[str]:
    assert process.stdout is not None
    for line in process.stdout:
        yield line.rstrip("\n")


def test_a_cutover_streams_the_heartbeat_of_a_long_step_before_it_ends(tmp_path: Path) -> None:
    runbook = tmp_path / "practice.yml"
    runbook.write_text(
        """\
runbook: practice
title: Practice cutover
steps:
  - id: export
    title: Export the platform
    run: transfer extract partnership --page-size 10
""",
        encoding="utf-8",
    )
    with serve_sandbox(SLOW) as box:
        process = subprocess.Popen(
            [str(TRANSFER), "cutover", "run", str(runbook), "--rehearse", "--confirm-as", "t"],
            env=_env(tmp_path, box),
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        seen: list[str] = []
        try:
            for line in _lines(process):
                seen.append(line)
                if line.startswith("[done] export"):
                    break
        finally:
            _, err = process.communicate(timeout=300)
    assert process.returncode == 0, "\n".join(seen) + err
    heartbeats = [i for i, line in enumerate(seen) if line.startswith("  export | exporting: ")]
    (end,) = [i for i, line in enumerate(seen) if line.startswith("  export | exporting finished")]
    assert heartbeats and heartbeats[0] < end, seen
    assert seen.index("[run ] export: Export the platform") < heartbeats[0]
    # The last progress line carries the final figures; the step log holds every line.
    (log,) = tmp_path.glob("logs/*/steps/export.1.log")
    logged = log.read_text(encoding="utf-8").splitlines()
    assert logged[0] == "$ transfer extract partnership --page-size 10"
    assert [f"  export | {line}" for line in logged[1:]] == seen[
        seen.index("[run ] export: Export the platform") + 1 : seen.index(seen[-1])
    ]


def test_ctrl_c_under_a_closed_pipe_ends_the_run_as_interrupted(tmp_path: Path) -> None:
    """``transfer extract partnership | tee``: Ctrl-C stops both, so the export's reader is
    gone when it stops; the run is interrupted, not crashed."""
    with serve_sandbox(SLOW) as box:
        process = subprocess.Popen(
            [str(TRANSFER), "extract", "partnership", "--page-size", "10"],
            env=_env(tmp_path, box),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        try:
            # A heartbeat with figures: the export is under way, its own Ctrl-C handling on.
            heartbeat = "starting"
            while "starting" in heartbeat:
                heartbeat = process.stdout.readline()
                assert heartbeat.startswith("exporting: "), heartbeat
            process.stdout.close()  # tee is gone
            process.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 120
            while process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            if process.poll() is None:
                process.kill()
            assert process.stderr is not None
            err = process.stderr.read()
            process.wait()
    assert process.returncode == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    (folder,) = run_folders(tmp_path / "logs")
    assert folder.outcome == "interrupted"
    events = Path(folder.path, "events.jsonl").read_text(encoding="utf-8").splitlines()
    last = json.loads(events[-1])
    assert (last["stage"], last["event"]) == ("run", "interrupted")
