"""The load commands through the CLI, on the default SQLite target of a workspace."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from tests.loaders import factory
from transfer.cli import cli
from transfer.stores.mapped import MappedRecord, MappedRow

SCALE = 0.01


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--workspace", "ws", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_load_status_messages_and_rollback(workspace: Path) -> None:
    assert _invoke("schema", "upgrade")[0] == 0
    assert _invoke("load")[0] == 6  # no mapped store yet: a load error that names the step
    records = factory.write_workspace(workspace / "ws", SCALE, epoch=1)

    code, out = _invoke("load", "--plan")
    assert code == 0 and "Load plan" in out
    plans = list((workspace / "logs").glob("*-load-*/plan.jsonl"))
    assert len(plans) == 1 and len(plans[0].read_text().splitlines()) == len(records)

    code, out = _invoke("load")
    assert code == 0, out
    summary = json.loads(next((workspace / "logs").glob("*/load-summary.json")).read_text())
    assert summary["actions"]["create"] == len(records) - 2

    code, out = _invoke("status", "--json")
    status = json.loads(out)
    pages = next(m for m in status["migrations"] if m["kind"] == "page")
    assert pages["pending"] == 0 and pages["failed"] == 1 and pages["imported"] > 0
    # The skipped and the failed page: a message each (the skip's shown below).
    assert pages["skipped"] == 1 and pages["messages"] == 2
    assert _invoke("status")[0] == 0

    code, out = _invoke("messages", "--format", "csv", "--level", "info")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["message"] for row in rows] == ["skipped: rule: frozen"]
    code, out = _invoke("messages", "--format", "json", "--key", "broken")
    assert [m["level"] for m in json.loads(out)] == ["error"]

    run_id = status["last_run"]["run_id"]
    code, out = _invoke("rollback", "--yes", run_id)
    assert code == 0 and "rolled back" in out
    assert _invoke("rollback", "--yes", run_id)[0] == 6


def test_failed_records_make_the_load_exit_6(workspace: Path) -> None:
    assert _invoke("schema", "upgrade")[0] == 0
    bad = MappedRecord("partnership", "org:x", "organisation", "mapped", (MappedRow("nope", {}),))
    factory.write_store(workspace / "ws", [bad])
    code, out = _invoke("load")
    assert code == 6
    assert "1 record(s) failed to load" in out
    assert "transfer messages --run" in out


def test_load_against_a_missing_schema_says_upgrade(workspace: Path) -> None:
    factory.write_store(workspace / "ws", [])
    code, out = _invoke("load")
    assert code == 6 and "transfer schema upgrade" in out


def test_status_and_messages_without_schema_say_upgrade(workspace: Path) -> None:
    for command in (["status"], ["messages"], ["rollback", "nope"]):
        code, out = _invoke(*command)
        assert code == 6 and "transfer schema upgrade" in out, command


def test_load_idlist_limit_and_update_through_the_cli(workspace: Path) -> None:
    assert _invoke("schema", "upgrade")[0] == 0
    records = factory.write_workspace(workspace / "ws", SCALE, epoch=1)
    code, out = _invoke("load", "--limit", "3")
    assert code == 0, out
    assert "create 3" in out
    first = next(r for r in records if r.status == "mapped")
    key = f"{first.source_system}:{first.record_key}"
    code, out = _invoke("load", "--update", "--idlist", key)
    assert code == 0 and "update 1" in out, out
    summaries = (workspace / "logs").glob("*-load-*/load-summary.json")
    selections = [json.loads(path.read_text())["selection"] for path in summaries]
    assert sorted(map(str, selections)) == sorted(
        map(str, [{"limit": 3}, {"idlist": [key], "update": True}])
    )
    code, out = _invoke("load", "--idlist", "nope:1")
    assert code == 6 and "no record nope:1" in out
    assert _invoke("load", "--idlist", " , ")[0] == 3


def test_runs_lists_every_load_run_and_with_all_every_run_folder(workspace: Path) -> None:
    assert _invoke("schema", "upgrade")[0] == 0
    factory.write_workspace(workspace / "ws", SCALE)
    assert _invoke("load", "--limit", "2")[0] == 0
    assert _invoke("load", "--plan")[0] == 0
    assert _invoke("load")[0] == 0

    code, out = _invoke("runs", "--json")
    assert code == 0, out
    loads = json.loads(out)["load_runs"]
    assert [run["state"] for run in loads] == ["complete", "complete"]
    assert loads[1]["counts"] == {"create": 2} and loads[1]["selection"] == {"limit": 2}
    assert loads[0]["counts"]["unchanged"] == 2
    assert loads[0]["report"].endswith(f"{loads[0]['run_id']}/load-summary.json")
    assert "run_folders" not in json.loads(out)

    _invoke("rollback", "--yes", loads[0]["run_id"])
    code, out = _invoke("runs", "--all", "--json")
    found = json.loads(out)
    assert [run["state"] for run in found["load_runs"]] == ["rolled_back", "complete"]
    outcomes = {(f["command"], f["outcome"]) for f in found["run_folders"]}
    assert ("load", "ok") in outcomes  # the plan: a folder, no load run
    assert ("rollback", "ok") in outcomes

    code, out = _invoke("runs", "--all", "--limit", "1")
    assert code == 0 and "Load runs (1)" in out and "Other run folders (1)" in out


def test_rollback_plan_writes_nothing_and_rollback_asks_unless_yes(workspace: Path) -> None:
    assert _invoke("schema", "upgrade")[0] == 0
    factory.write_workspace(workspace / "ws", SCALE)
    assert _invoke("load", "--limit", "3")[0] == 0
    run_id = json.loads(_invoke("runs", "--json")[1])["load_runs"][0]["run_id"]
    folders = set((workspace / "logs").iterdir())

    code, out = _invoke("rollback", "--plan", run_id)
    assert code == 0 and f"Run {run_id}:" in out and "to delete" in out
    assert "rolled back" not in out
    assert set((workspace / "logs").iterdir()) == folders  # no run, no folder

    def ask(answer: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            cli, ["--workspace", "ws", "rollback", run_id], input=answer, catch_exceptions=False
        )
        return result.exit_code, result.output

    for answer in ("", "n\n"):  # no answer (no terminal, empty input), or a no
        code, out = ask(answer)
        assert code == 130 and "nothing was written" in out and "--yes" in out
    assert json.loads(_invoke("runs", "--json")[1])["load_runs"][0]["state"] == "complete"

    code, out = ask("y\n")
    assert code == 0 and f"run {run_id} rolled back" in out
    assert _invoke("rollback", "--plan", run_id)[0] == 6  # already rolled back


def test_reset_status_through_the_cli(workspace: Path) -> None:
    assert _invoke("schema", "upgrade")[0] == 0
    factory.write_workspace(workspace / "ws", SCALE)
    assert _invoke("load", "--limit", "2")[0] == 0
    run_id = json.loads(_invoke("runs", "--json")[1])["load_runs"][0]["run_id"]
    code, out = _invoke("reset-status", run_id)
    assert code == 6 and "complete, not running" in out
    assert _invoke("reset-status", "nope")[0] == 6
