"""`transfer verify` through the CLI: exit 0 on GO, 9 on NO-GO, 8 when it cannot run."""

from __future__ import annotations

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
