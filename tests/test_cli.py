from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, pg_url_with_password
from transfer import __version__
from transfer.cli import COMMANDS, cli


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    runner = CliRunner()
    result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_help_and_version(workspace: Path) -> None:
    code, output = invoke("--help")
    assert code == 0
    for command in ("doctor", "config", "sandbox", "rehearse", "exit-codes"):
        assert command in output
    code, output = invoke("--version")
    assert code == 0
    assert __version__ in output


_ROOT_HELP = """
import sys
from transfer.cli import COMMANDS, cli
cli.main(["--help"], prog_name="transfer", standalone_mode=False)
modules = {entry.where.split(":")[0] for entry in COMMANDS.values()}
print("IMPORTED", sorted(modules & set(sys.modules)))
"""


def _commands_section(output: str) -> str:
    return output[output.index("Commands:") :]


def test_root_help_lists_every_command_without_importing_one() -> None:
    # A fresh interpreter: the test process has imported the commands' modules already.
    output = subprocess.run(
        [sys.executable, "-c", _ROOT_HELP], capture_output=True, text=True, check=True
    ).stdout
    assert "IMPORTED []" in output
    listed = _commands_section(output.split("IMPORTED")[0])
    for name, entry in COMMANDS.items():
        assert f"  {name}  " in listed and entry.summary in listed, name
    # The same listing once every command is imported (its short help is its summary),
    # each on one line and none cut short.
    for name in COMMANDS:
        assert cli.get_command(click.Context(cli), name) is not None
    assert _commands_section(invoke("--help")[1]) == listed
    assert "..." not in listed and len(listed.splitlines()) == 1 + len(COMMANDS)


def test_config_show_says_where_values_come_from(workspace: Path) -> None:
    (workspace / "transfer.toml").write_text("[http]\nconcurrency = 3\n")
    code, output = invoke(
        "--workspace", "ws", "config", "show", "--json", env={"TRANSFER_HTTP_TIMEOUT_S": "12"}
    )
    assert code == 0
    shown = json.loads(output)
    assert shown["http.concurrency"] == {"value": "3", "from": "file transfer.toml"}
    assert shown["http.timeout_s"] == {"value": "12.0", "from": "env TRANSFER_HTTP_TIMEOUT_S"}
    assert shown["workspace"] == {"value": "ws", "from": "flag"}


def test_bad_configuration_exits_3(workspace: Path) -> None:
    (workspace / "transfer.toml").write_text('[target]\npassword = "nope-secret"\n')
    code, output = invoke("config", "show")
    assert code == 3
    assert "transfer.toml:2" in output
    assert "TRANSFER_TARGET_PASSWORD" in output


def test_doctor_passes_on_sqlite(workspace: Path) -> None:
    code, output = invoke("doctor", "--no-sources")
    assert code == 0, output
    assert "[ ok ] target database: sqlite" in output
    events = list((workspace / "logs").glob("*-doctor-*/events.jsonl"))
    assert len(events) == 1
    checks = [json.loads(line) for line in events[0].read_text().splitlines()]
    assert sum(1 for event in checks if event["event"] == "check") == 6


def test_doctor_fails_on_unreachable_sources(workspace: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    env = {
        "TRANSFER_SOURCES_ONLINE_SERVICE_FETCH_BASE": f"http://127.0.0.1:{closed}",
        "TRANSFER_SOURCES_PARTNERSHIP_FETCH_BASE": f"http://127.0.0.1:{closed}",
    }
    code, output = invoke("doctor", env=env)
    assert code == 11
    assert "[fail] online service" in output
    assert "2 check(s) failed" in output


def test_doctor_unreachable_database_exits_7_naming_the_url(workspace: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    url = f"postgresql+psycopg://keha@127.0.0.1:{closed}/keha"
    code, output = invoke(
        "--target-url",
        url,
        "doctor",
        "--no-sources",
        env={"TRANSFER_TARGET_PASSWORD": "unreach-pw-77"},
    )
    assert code == 7
    assert f"postgresql+psycopg://keha:***@127.0.0.1:{closed}/keha" in output
    assert "is unreachable" in output
    assert "next:" in output
    assert "unreach-pw-77" not in output


@pytest.mark.postgres
def test_doctor_wrong_password_exits_7(workspace: Path) -> None:
    url = make_url(pg_url_with_password())
    code, output = invoke(
        "--target-url",
        PG_URL,
        "doctor",
        "--no-sources",
        env={"TRANSFER_TARGET_PASSWORD": "wrong-pw-on-pg"},
    )
    assert code == 7
    assert "refused the login" in output
    assert f"{url.host}:{url.port}" in output
    assert "wrong-pw-on-pg" not in output


@pytest.mark.postgres
def test_doctor_passes_on_real_postgres(workspace: Path) -> None:
    url = make_url(pg_url_with_password())
    code, output = invoke(
        "--target-url",
        PG_URL,
        "doctor",
        "--no-sources",
        env={"TRANSFER_TARGET_PASSWORD": str(url.password)},
    )
    assert code == 0, output
    assert "[ ok ] target database: postgresql" in output


def test_no_secret_reaches_console_events_or_config_show(workspace: Path) -> None:
    secrets = {
        "TRANSFER_TARGET_PASSWORD": "tgt-Secret-0001",
        "TRANSFER_SOURCES_PARTNERSHIP_USERNAME": "exporter@secret.example",
        "TRANSFER_SOURCES_PARTNERSHIP_PASSWORD": "plat-Secret-0002",
        "TRANSFER_SOURCES_PARTNERSHIP_CLIENT_ID": "client-Secret-0003",
        "TRANSFER_SOURCES_PARTNERSHIP_CLIENT_SECRET": "client-Secret-0004",
    }
    # A target URL that embeds the password too: it must be masked everywhere.
    env = dict(secrets, TRANSFER_TARGET_URL="sqlite:///inline.db")
    outputs = [
        invoke("config", "show", env=env)[1],
        invoke("config", "show", "--json", env=env)[1],
        invoke("doctor", "--no-sources", env=env)[1],
    ]
    env_pg = dict(
        secrets, TRANSFER_TARGET_URL="postgresql+psycopg://u:url-Secret-0005@127.0.0.1:1/x"
    )
    outputs.append(invoke("doctor", "--no-sources", env=env_pg)[1])
    outputs.append(invoke("config", "show", env=env_pg)[1])
    written = "".join(path.read_text() for path in (workspace / "logs").rglob("*.jsonl"))
    assert written, "doctor must have written events"
    everything = "\n".join(outputs) + written
    for value in [*secrets.values(), "url-Secret-0005"]:
        assert value not in everything, value
    assert "***" in everything


def test_exit_codes_command_lists_the_table(workspace: Path) -> None:
    code, output = invoke("exit-codes")
    assert code == 0
    assert "no-go" in output
    assert "130" in output


def test_config_show_shows_a_broken_file_with_each_bad_key_marked(workspace: Path) -> None:
    (workspace / "transfer.toml").write_text(
        '[http]\ntimout_s = 3\nconcurrency = "many"\nmax_attempts = 7\n'
        '[sources.partnership]\npasword = "hunter2"\n'
    )
    result = CliRunner().invoke(cli, ["config", "show", "--json"], catch_exceptions=False)
    assert result.exit_code == 3
    shown = json.loads(result.stdout)
    assert shown["http.max_attempts"] == {"value": "7", "from": "file transfer.toml"}
    assert shown["http.concurrency"]["value"] == "4"
    assert shown["http.concurrency"]["from"] == "default"
    assert shown["http.concurrency"]["problem"] == (
        "transfer.toml:3: http.concurrency must be a int, got 'many'; not used"
    )
    assert shown["http.timout_s"] == {
        "value": "3",
        "from": "transfer.toml:2",
        "problem": "unknown setting 'http.timout_s' (did you mean 'http.timeout_s'?); ignored",
    }
    assert shown["sources.partnership.pasword"]["value"] == "***"
    assert "hunter2" not in result.output
    assert "3 problem(s) in the configuration, marked above" in result.stderr

    code, output = invoke("config", "show")
    assert code == 3
    assert "problem" in output and "did you mean" in output
    assert "max_attempts" in output and "hunter2" not in output
