"""``--json`` prints the facts of the table as JSON that parses (nothing else on stdout),
and ``-q`` keeps the lines of passed checks off the console."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from transfer.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_doctor_json(workspace: Path) -> None:
    code, output = invoke("doctor", "--no-sources", "--json")
    assert code == 0, output
    found = json.loads(output)
    assert found["ok"] is True
    statuses = {check["name"]: check["status"] for check in found["checks"]}
    assert statuses["python"] == statuses["workspace"] == "ok", statuses
    assert Path(found["events"]).is_file()


def test_quiet_doctor_prints_no_passed_check(workspace: Path) -> None:
    code, loud = invoke("doctor", "--no-sources")
    assert code == 0 and "[ ok ] python" in loud
    code, quiet = invoke("-q", "doctor", "--no-sources")
    assert code == 0
    assert "[ ok ]" not in quiet and "events in" in quiet


def test_tasks_json(workspace: Path) -> None:
    code, output = invoke(
        "tasks", "--file", str(ROOT / "runbooks" / "tasks.yml"), "--today", "2025-04-01", "--json"
    )
    assert code == 0, output
    found = json.loads(output)
    assert found["as_of"] == "2025-04-01"
    assert found["tasks"] and {"id", "effective", "days", "overdue", "owner"} <= set(
        found["tasks"][0]
    )


def test_cutover_status_json(workspace: Path) -> None:
    runbook = workspace / "practice.yml"
    runbook.write_text(
        "runbook: practice\ntitle: Practice\nsteps:\n"
        "  - id: codes\n    title: Exit codes\n    run: transfer exit-codes\n",
        encoding="utf-8",
    )
    assert json.loads(invoke("cutover", "status", "--json")[1]) == {"runs": []}
    code, output = invoke("cutover", "run", str(runbook), "--rehearse", "--confirm-as", "t")
    assert code == 0, output
    # The step's own output streamed through, each line under the step's id.
    assert "  codes | Exit codes" in output
    runs = json.loads(invoke("cutover", "status", "--json")[1])["runs"]
    assert [(r["runbook"], r["mode"], r["status"], r["finished_steps"]) for r in runs] == [
        ("practice", "rehearsal", "closed", 1)
    ]
    steps = json.loads(invoke("cutover", "status", str(runbook), "--rehearse", "--json")[1])
    assert steps["run"]["run_id"] == runs[0]["run_id"]
    assert [(s["id"], s["status"]) for s in steps["steps"]] == [("codes", "done")]
