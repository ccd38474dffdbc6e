"""`transfer verify` through the CLI: exit 0 on GO, 9 on NO-GO, 8 when it cannot run."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.verification import plant
from tests.verification.conftest import Loaded
from tests.verification.world import build_world, load_target
from transfer.cli import cli
from transfer.database import create_target_engine


def test_verify_exits_0_on_go_and_9_on_no_go(workspace: Path) -> None:
    ws = workspace / ".transfer"
    world = build_world(ws)
    engine = create_target_engine(f"sqlite:///{ws / 'target.db'}")
    load_target(engine, world)
    runner = CliRunner()

    clean = runner.invoke(cli, ["verify"], catch_exceptions=False)
    assert clean.exit_code == 0, clean.output
    assert "verdict: GO" in clean.output
    report_line = next(line for line in clean.output.splitlines() if line.startswith("report: "))
    assert Path(report_line.removeprefix("report: ")).is_file()

    plant.plant_all(Loaded(world, engine, workspace / "logs"))
    engine.dispose()
    planted = runner.invoke(cli, ["verify"], catch_exceptions=False)
    assert planted.exit_code == 9, planted.output
    assert "verdict: NO-GO" in planted.output
    assert "personal_data:" in planted.output


def test_verify_without_a_mapped_store_exits_8(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["verify"], catch_exceptions=False)
    assert result.exit_code == 8
    assert "mapped store" in result.output


def test_verify_lang_all_writes_three_reports_and_reads_the_waivers(workspace: Path) -> None:
    ws = workspace / ".transfer"
    world = build_world(ws)
    engine = create_target_engine(f"sqlite:///{ws / 'target.db'}")
    load_target(engine, world)
    engine.dispose()
    accepted = workspace / "mappings" / "accepted.yml"
    accepted.parent.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()

    accepted.write_text("accepted:\n  - check: links\n    key: x\n", encoding="utf-8")
    broken = runner.invoke(cli, ["verify"], catch_exceptions=False)
    assert broken.exit_code == 3, broken.output
    assert (
        "mappings/accepted.yml:2 (accepted[0])" in broken.output
        and "reason: must be non-empty text" in broken.output
    )

    accepted.write_text(
        "accepted:\n  - check: links\n    key: https://kotoutuminen.fi/gone\n"
        "    reason: r\n    who: Maija Meikäläinen\n    until: 2099-12-31\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["verify", "--lang", "all"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report_line = next(line for line in result.output.splitlines() if line.startswith("report: "))
    run_dir = Path(report_line.removeprefix("report: ")).parent
    for name in ("report.html", "report.fi.html", "report.sv.html", "report.en.html"):
        assert (run_dir / name).is_file(), name
    assert "Tarkistusraportti" in (run_dir / "report.fi.html").read_text(encoding="utf-8")
    assert (run_dir.parent / "index.html").is_file()
    # The waiver matches nothing in a clean migration: stale.
    assert 'id="waivers-stale"' in (run_dir / "report.html").read_text(encoding="utf-8")


def test_verify_json_and_its_progress(workspace: Path) -> None:
    ws = workspace / ".transfer"
    world = build_world(ws)
    engine = create_target_engine(f"sqlite:///{ws / 'target.db'}")
    load_target(engine, world)
    engine.dispose()
    runner = CliRunner()

    shown = runner.invoke(cli, ["verify"], catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    # Not a terminal: the progress ends on a plain line with the final figures.
    assert "verifying finished: 12/12 steps, done, " in shown.output

    result = runner.invoke(cli, ["verify", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["verdict"] == "GO", found["reasons"]
    assert {check["name"] for check in found["checks"]} >= {"completeness", "fidelity", "links"}
    assert Path(found["report"]).is_file()

    quiet = runner.invoke(cli, ["-q", "verify"], catch_exceptions=False)
    assert quiet.exit_code == 0
    assert "verifying" not in quiet.output and "verdict: GO" in quiet.output
