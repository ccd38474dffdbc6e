"""The runbook executor through the CLI: gates stop the run, a re-run resumes at the failed
step, confirmations are recorded, the closed run writes its sign-off summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfer.cli import cli

#: A gate on a real transfer command: `schema status` exits 6 until the schema exists.
RUNBOOK = """\
runbook: practice
title: Practice cutover
steps:
  - id: codes
    title: Exit codes are listed
    run: transfer exit-codes
  - id: approve
    title: Go-ahead
    confirm: The migration lead approves the practice.
    phrase: GO AHEAD
  - id: schema-gate
    title: The target schema is current
    run: transfer schema status
    gate: schema current
    on_failure: run `transfer schema upgrade`
  - id: marker
    title: Leave a marker in the run folder
    shell: echo "{mode}" > {run_dir}/marker.txt
    preconditions:
      - after: schema-gate
      - path: "{run_dir}"
  - id: production-only
    title: Only in production
    only: production
    shell: exit 1
"""


def journal(logs: Path) -> list[dict[str, object]]:
    (path,) = logs.glob("*/cutover.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines()]


def steps(records: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(r["step"], r["status"]) for r in records if r["event"] == "step"]


@pytest.fixture
def runbook(workspace: Path) -> Path:
    path = workspace / "practice.yml"
    path.write_text(RUNBOOK, encoding="utf-8")
    return path


def invoke(*args: str, input: str | None = None) -> object:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_gate_failure_stops_then_resume_completes(runbook: Path, workspace: Path) -> None:
    first = invoke("cutover", "run", str(runbook), "--rehearse", "--confirm-as", "cutover lead")
    assert first.exit_code == 10  # type: ignore[attr-defined]
    message = first.output  # type: ignore[attr-defined]
    assert "cutover stopped at step 'schema-gate'" in message
    assert "command: transfer schema status" in message
    assert "exit code: 6 (expected 0)" in message
    assert "run `transfer schema upgrade`" in message
    assert f"transfer cutover run {runbook} --rehearse` again: it resumes at step" in message
    assert "schema-gate.1.log" in message
    records = journal(workspace / "logs")
    assert steps(records) == [("codes", "done"), ("approve", "done"), ("schema-gate", "failed")]
    confirmation = next(r for r in records if r.get("step") == "approve")
    assert confirmation["operator"] == "cutover lead"
    assert confirmation["interactive"] is False
    assert confirmation["confirmed_at"]
    assert not (workspace / "logs" / str(records[0]["run_id"]) / "summary.md").exists()

    # The fix, then the same command again: the same run resumes at the failed step.
    assert invoke("schema", "upgrade").exit_code == 0  # type: ignore[attr-defined]
    second = invoke("cutover", "run", str(runbook), "--rehearse", "--confirm-as", "cutover lead")
    assert second.exit_code == 0, second.output  # type: ignore[attr-defined]
    records = journal(workspace / "logs")
    assert {r["run_id"] for r in records} == {records[0]["run_id"]}
    assert steps(records) == [
        ("codes", "done"),
        ("approve", "done"),
        ("schema-gate", "failed"),
        ("schema-gate", "done"),
        ("marker", "done"),
        ("production-only", "skipped"),
    ]
    assert [r["event"] for r in records if r["event"] != "step"] == ["opened", "resumed", "closed"]
    run_dir = workspace / "logs" / str(records[0]["run_id"])
    assert (run_dir / "marker.txt").read_text().strip() == "rehearsal"
    summary = (run_dir / "summary.md").read_text()
    assert "| `schema-gate` | The target schema is current | done | 2 |" in summary
    assert "cutover lead at" in summary
    html = (run_dir / "summary.html").read_text()
    assert 'id="steps"' in html and "Service owner, KEHA Centre" in html

    # A closed run is not run again; --new starts another.
    third = invoke("cutover", "run", str(runbook), "--rehearse", "--confirm-as", "cutover lead")
    assert "already closed" in third.output  # type: ignore[attr-defined]
    assert len(steps(journal(workspace / "logs"))) == 6
    status = invoke("cutover", "status")
    assert "closed" in status.output and "practice" in status.output  # type: ignore[attr-defined]


def test_typed_confirmation_in_production(
    runbook: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSFER_TARGET_ENVIRONMENT", "production")
    wrong = invoke("cutover", "run", str(runbook), input="duty operator\nGO\n")
    assert wrong.exit_code == 10  # type: ignore[attr-defined]
    assert "typed 'GO', not the phrase 'GO AHEAD'" in wrong.output  # type: ignore[attr-defined]
    right = invoke(
        "cutover", "run", str(runbook), "--operator", "duty operator", input="GO AHEAD\n"
    )
    # Past the confirmation, the schema gate stops it (no schema yet).
    assert right.exit_code == 10  # type: ignore[attr-defined]
    records = journal(workspace / "logs")
    approve = [r for r in records if r.get("step") == "approve"]
    assert [r["status"] for r in approve] == ["failed", "done"]
    assert approve[-1]["operator"] == "duty operator" and approve[-1]["interactive"] is True
    status = invoke("cutover", "status", str(runbook))
    assert "schema-gate" in status.output and "failed" in status.output  # type: ignore[attr-defined]


def test_confirm_as_is_for_rehearsals_only(runbook: Path, workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["cutover", "run", str(runbook), "--confirm-as", "x"])
    assert result.exit_code == 2
    assert "--confirm-as is for rehearsals" in result.output


@pytest.mark.parametrize(
    ("environment", "rehearse", "message"),
    [
        ("production", True, "refusing to rehearse against a production target"),
        ("rehearsal", False, "a production cutover needs target.environment = production"),
    ],
)
def test_mode_must_fit_the_target(
    runbook: Path,
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: str,
    rehearse: bool,
    message: str,
) -> None:
    monkeypatch.setenv("TRANSFER_TARGET_ENVIRONMENT", environment)
    args = ["cutover", "run", str(runbook)] + (
        ["--rehearse", "--confirm-as", "x"] if rehearse else []
    )
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3
    assert message in result.output
    assert not (workspace / "logs").exists()


def test_unmet_precondition_names_it_and_says_how_to_make_it_hold(workspace: Path) -> None:
    path = workspace / "pre.yml"
    path.write_text(
        "runbook: pre\ntitle: Pre\nsteps:\n"
        "  - id: needs-file\n    title: Needs a file\n    shell: 'true'\n"
        "    on_failure: read the step's output\n"
        "    preconditions:\n      - path: '{run_dir}/handover.txt'\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["cutover", "run", str(path), "--rehearse", "--confirm-as", "x"]
    )
    assert result.exit_code == 10
    assert "precondition not met: " in result.output
    assert "handover.txt does not exist" in result.output
    assert f"{path}:4 (steps[0])" in result.output
    # The advice is about the precondition, not the command's on_failure.
    assert "next: create it (or fix the step's path precondition)" in result.output
    assert "read the step's output" not in result.output
