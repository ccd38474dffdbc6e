"""The cutover preflight: every precondition known up front is checked before the first
step, all failures are listed at once, and nothing is confirmed or run until they hold."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfer.cli import cli
from transfer.config import load_settings
from transfer.cutover.preflight import FAIL, OK, run_preflight
from transfer.cutover.runbook import load_runbook
from transfer.sandbox import SandboxSettings, serve_sandbox

RUNBOOKS = Path(__file__).parent.parent.parent / "runbooks"

#: A confirmation first, then steps that need a variable and a path.
RUNBOOK = """\
runbook: practice
title: Practice cutover
steps:
  - id: go-ahead
    title: Go-ahead
    confirm: The migration lead approves the practice.
    phrase: GO AHEAD
  - id: handover
    title: Copy the handover file
    shell: cp {runbook_dir}/handover.txt {run_dir}/
    needs:
      env:
        PRACTICE_TICKET: the change ticket of the practice, e.g. `export PRACTICE_TICKET=CHG-1`
      paths: ["{runbook_dir}/handover.txt"]
  - id: stop
    title: A gate that fails
    shell: exit 1
"""


def invoke(*args: str, input: str | None = None) -> object:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def runbook(workspace: Path) -> Path:
    path = workspace / "practice.yml"
    path.write_text(RUNBOOK, encoding="utf-8")
    return path


def test_run_lists_two_missing_preconditions_before_any_confirmation(
    runbook: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSFER_TARGET_ENVIRONMENT", "production")
    monkeypatch.delenv("PRACTICE_TICKET", raising=False)
    result = invoke("cutover", "run", str(runbook), input="duty operator\nGO AHEAD\n")
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 3, output  # type: ignore[attr-defined]
    assert "2 precondition(s) of runbook practice (production) not met" in output
    assert "PRACTICE_TICKET: not set (needed by handover)" in output
    assert (
        "next: set PRACTICE_TICKET in the environment of `transfer cutover run`: the change "
        "ticket of the practice, e.g. `export PRACTICE_TICKET=CHG-1`" in output
    )
    assert f"{workspace / 'handover.txt'}: does not exist (needed by handover)" in output
    # Nothing was asked, confirmed, opened or run.
    assert "Operator name" not in output and "GO AHEAD" not in output
    assert not (workspace / "logs").exists()
    assert not (workspace / ".transfer" / "cutover").exists()

    # Once both hold, the run goes ahead: confirmed, copied, stopped at the failing gate.
    monkeypatch.setenv("PRACTICE_TICKET", "CHG-1")
    (workspace / "handover.txt").write_text("notes\n", encoding="utf-8")
    second = invoke("cutover", "run", str(runbook), input="duty operator\nGO AHEAD\n")
    assert second.exit_code == 10, second.output  # type: ignore[attr-defined]
    assert "cutover stopped at step 'stop'" in second.output  # type: ignore[attr-defined]
    assert list((workspace / "logs").glob("*/handover.txt"))

    # Resumed, the done steps need nothing: without the variable it goes on to the gate.
    monkeypatch.delenv("PRACTICE_TICKET")
    third = invoke("cutover", "run", str(runbook))
    assert third.exit_code == 10, third.output  # type: ignore[attr-defined]
    assert "cutover stopped at step 'stop'" in third.output  # type: ignore[attr-defined]


def test_the_cutover_runbook_lists_every_failure_at_once(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped runbook: no freeze time, an unreachable source, no schema, a target in
    the wrong mode, all found before the go-ahead is asked for."""
    port = closed_port()
    monkeypatch.setenv("TRANSFER_SOURCES_ONLINE_SERVICE_FETCH_BASE", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("TRANSFER_SOURCES_PARTNERSHIP_FETCH_BASE", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("TRANSFER_FREEZE_SINCE", raising=False)
    result = invoke("cutover", "run", str(RUNBOOKS / "cutover.yml"), input="lead\nSTART CUTOVER\n")
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 3, output  # type: ignore[attr-defined]
    assert "5 precondition(s) of runbook cutover (production) not met" in output
    assert "a production cutover needs target.environment = production" in output
    assert "TRANSFER_FREEZE_SINCE: not set (needed by freeze-check)" in output
    assert "export TRANSFER_FREEZE_SINCE=2025-04-24T18:00" in output
    assert f"online service: http://127.0.0.1:{port}/ does not answer (connection error" in output
    assert "needed by doctor, freeze-check" in output
    assert "partnership platform: " in output
    assert "target schema: " in output and "is at revision none" in output
    assert "run `transfer schema upgrade` against the target" in output
    assert "Operator name" not in output and "Type 'START CUTOVER'" not in output
    assert not (workspace / "logs").exists()


def test_preflight_passes_on_the_rehearsal_path(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `transfer rehearse` meets: sandbox sources, a freeze time, a current schema."""
    assert invoke("schema", "upgrade").exit_code == 0  # type: ignore[attr-defined]
    monkeypatch.setenv("TRANSFER_FREEZE_SINCE", "2025-04-24T18:00")
    with serve_sandbox(SandboxSettings(scale=0.02)) as box:
        monkeypatch.setenv("TRANSFER_SOURCES_ONLINE_SERVICE_FETCH_BASE", box.online_url)
        monkeypatch.setenv("TRANSFER_SOURCES_PARTNERSHIP_FETCH_BASE", box.platform_url)
        result = invoke("cutover", "preflight", str(RUNBOOKS / "cutover.yml"), "--rehearse")
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 0, output  # type: ignore[attr-defined]
    assert "[fail]" not in output
    for name in ("target mode", "TRANSFER_FREEZE_SINCE", "target schema", "online service"):
        assert f"[ ok ] {name}: " in output
    assert "14 step(s) to run in rehearsal" in output


def test_a_schema_upgrade_step_in_the_run_stands_for_a_current_schema(workspace: Path) -> None:
    settings = load_settings()
    found = run_preflight(load_runbook(RUNBOOKS / "dry-run.yml", cli), settings, rehearse=True)
    assert found.failed == []
    assert "target schema" not in {finding.name for finding in found.findings}
    # The rollback has no upgrade step: its schema gate needs the schema now.
    rollback = run_preflight(load_runbook(RUNBOOKS / "rollback.yml", cli), settings, rehearse=True)
    assert [(f.name, f.steps) for f in rollback.failed] == [
        ("target schema", ("target-rollback", "schema-gate"))
    ]


def test_disk_space_threshold_is_a_setting(workspace: Path) -> None:
    book = load_runbook(RUNBOOKS / "dry-run.yml", cli)
    lots = load_settings(env={"TRANSFER_CUTOVER_MIN_FREE_MB": str(10**12)})
    (disk,) = [
        f for f in run_preflight(book, lots, rehearse=True).findings if f.name == "disk space"
    ]
    assert disk.status == FAIL and "cutover.min_free_mb" in disk.next_step
    none = load_settings(env={"TRANSFER_CUTOVER_MIN_FREE_MB": "0"})
    (disk,) = [
        f for f in run_preflight(book, none, rehearse=True).findings if f.name == "disk space"
    ]
    assert disk.status == OK


def test_preflight_command_lists_and_exits_3(runbook: Path, workspace: Path) -> None:
    result = invoke("cutover", "preflight", str(runbook), "--rehearse")
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 3
    assert "[fail] PRACTICE_TICKET: not set" in output
    assert "[ ok ] target mode" in output
    assert "3 step(s) to run in rehearsal: go-ahead, handover, stop" in output
