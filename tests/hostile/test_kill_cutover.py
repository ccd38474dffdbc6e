"""kill -9 of the cutover executor in the middle of a step, at two points: run again, it
resumes the same cutover run at the interrupted step and ends with the same steps done and
the same effects as a run that was never interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRANSFER = ROOT / ".venv" / "bin" / "transfer"


def _runbook(folder: Path) -> Path:
    """Four steps; the second and fourth wait for a ``go-<step>`` file in ``folder``, so a
    kill lands inside them; every step leaves an effect (idempotent, as runbook steps are)."""

    def waiting(step: str) -> str:
        return (
            f"touch {folder}/started-{step} && "
            f"while [ ! -f {folder}/go-{step} ]; do sleep 0.02; done && "
            f"echo {step} > {folder}/effect-{step}"
        )

    text = f"""\
runbook: practice
title: Practice cutover
steps:
  - id: one
    title: First effect
    shell: echo one > {folder}/effect-one
  - id: two
    title: Waits for go-two
    shell: {waiting("two")}
  - id: approve
    title: Go-ahead
    confirm: The migration lead approves the practice.
    phrase: GO AHEAD
  - id: four
    title: Waits for go-four
    shell: {waiting("four")}
"""
    path = folder / "practice.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _start(folder: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSFER_")}
    env.update(TRANSFER_WORKSPACE=str(folder / "ws"), TRANSFER_LOGS_DIR=str(folder / "logs"))
    return subprocess.Popen(
        [
            str(TRANSFER),
            "cutover",
            "run",
            str(folder / "practice.yml"),
            "--rehearse",
            "--confirm-as",
            "cutover lead",
        ],
        env=env,
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _outcome(folder: Path) -> tuple[list[tuple[str, str]], dict[str, str], int]:
    (journal,) = folder.glob("logs/*/cutover.jsonl")
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    steps = [(r["step"], r["status"]) for r in records if r["event"] == "step"]
    effects = {p.name: p.read_text() for p in sorted(folder.glob("effect-*"))}
    return steps, effects, len({r["run_id"] for r in records})


@pytest.mark.slow
@pytest.mark.parametrize("step", ["two", "four"])
def test_killed_cutover_resumes_at_the_interrupted_step(tmp_path: Path, step: str) -> None:
    plain, killed = tmp_path / "plain", tmp_path / "killed"
    for folder in (plain, killed):
        folder.mkdir()
        _runbook(folder)
    for name in ("two", "four"):
        (plain / f"go-{name}").touch()
    done = _start(plain)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, out + err

    if step == "four":
        (killed / "go-two").touch()
    process = _start(killed)
    try:
        while not (killed / f"started-{step}").exists():
            assert process.poll() is None, process.communicate()
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    for name in ("two", "four"):
        (killed / f"go-{name}").touch()  # the orphaned step command ends too
    again = _start(killed)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, out + err
    assert "resum" in (out + err).lower()
    steps, effects, runs = _outcome(killed)
    assert (steps, effects) == _outcome(plain)[:2]
    assert runs == 1  # the same cutover run, resumed
    assert effects == {"effect-four": "four\n", "effect-one": "one\n", "effect-two": "two\n"}
