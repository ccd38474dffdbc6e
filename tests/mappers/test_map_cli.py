"""`transfer mappings check` and `transfer map` through the CLI: a broken mapping file is
named with file, line and key, and nothing runs."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from transfer.cli import cli

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"


def _broken(tmp_path: Path) -> Path:
    copy = tmp_path / "mappings"
    shutil.copytree(MAPPINGS, copy)
    news = copy / "online_service" / "news.yml"
    news.write_text(news.read_text().replace("- html_clean: {}", "- html_claen: {}", 1))
    return copy


def test_shipped_mappings_check_clean(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--workspace", str(tmp_path / "ws"), "mappings", "check"],
        env={"TRANSFER_MAPPINGS_DIR": str(MAPPINGS)}, catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_a_broken_mapping_file_names_file_line_key_and_nothing_runs(tmp_path: Path) -> None:
    mappings = _broken(tmp_path)
    workspace = tmp_path / "ws"
    (workspace / "staging").mkdir(parents=True)
    env = {"TRANSFER_MAPPINGS_DIR": str(mappings), "TRANSFER_LOGS_DIR": str(tmp_path / "logs")}
    for args in (["mappings", "check"], ["map"]):
        result = CliRunner().invoke(
            cli, ["--workspace", str(workspace), *args], env=env, catch_exceptions=False
        )
        assert result.exit_code == 5, result.output
        assert "news.yml:" in result.output and "html_claen" in result.output
        assert "targets[0].columns.body_html[1]" in result.output
        assert "did you mean 'html_clean'" in result.output
    assert not (workspace / "mapped").exists()
