"""The README's by-hand walkthrough, run command by command as the README prints it.

The two fenced blocks after ``<!-- walkthrough: serve -->`` and ``<!-- walkthrough: steps
-->`` are read from README.md and run in bash from the repository's folder, the way a
person runs them in two shells: the first block serves the sandbox; the ``export`` lines it
prints are "pasted" into the second shell, which then runs the second block one line at a
time, keeping its environment from line to line. The only substitutions are the ones the
README names: new folders for the walkthrough's workspace and logs folder, and the load's
run id for ``RUN_ID``. Every command must succeed, ``transfer verify`` must say GO, and the
rollback must leave the target's KEHA tables as the schema upgrade left them.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.sandbox.serve_output import READY, Output

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
STEP_TIMEOUT_S = 900.0
START_TIMEOUT_S = 120.0
# The folders the README's walkthrough names, and says any new folders may replace.
WORKSPACE, LOGS = ".transfer/walkthrough", "logs/walkthrough"
# What the walkthrough must cover, in this order (issue 19: extract both, map, schema
# upgrade, load --plan, load, verify, rollback), whatever else it adds.
COVERED = [
    "transfer extract online-service",
    "transfer extract partnership",
    "transfer map",
    "transfer schema upgrade",
    "transfer load --plan",
    "transfer load",
    "transfer verify",
    "transfer rollback RUN_ID --yes",
]


def sample_output() -> list[str]:
    """The README's sample of what the sandbox prints: the plain fenced block after the
    serve block."""
    serve = re.search(r"^<!-- walkthrough: serve -->\n```sh\n.*?^```$", README, re.M | re.S)
    assert serve, "README.md has no serve block"
    found = re.compile(r"^```\n(.*?)^```$", re.M | re.S).search(README, serve.end() + 1)
    assert found, "README.md shows no output of `transfer sandbox serve`"
    return found.group(1).splitlines()


def without_ports(lines: list[str]) -> list[str]:
    return [re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line) for line in lines]


def block(marker: str) -> list[str]:
    """The lines of the fenced block right after ``<!-- walkthrough: marker -->``."""
    found = re.search(
        rf"^<!-- walkthrough: {marker} -->\n```sh\n(.*?)^```$", README, re.MULTILINE | re.DOTALL
    )
    assert found, f"README.md has no ```sh block after <!-- walkthrough: {marker} -->"
    return [line for line in found.group(1).splitlines() if line.strip()]


class Shell:
    """A bash session in the repository's folder: each line runs in its own bash, which
    starts from the environment the line before left (as one interactive shell would)."""

    def __init__(self, state: Path, env: dict[str, str]) -> None:
        self.state, self.env = state, env
        state.write_text("", encoding="utf-8")

    def run(self, line: str) -> subprocess.CompletedProcess[str]:
        script = f'source "$1"\n{line}\nstatus=$?\nexport -p > "$1"\nexit $status\n'
        return subprocess.run(
            ["bash", "-c", script, "bash", str(self.state)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT_S,
            check=False,
        )


def keha_rows(target: Path) -> dict[str, int]:
    """Rows per KEHA table of the SQLite target (the loader's bookkeeping tables apart)."""
    with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as db:
        tables = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("load_")
        ]
        return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}


def clean_environment(tmp_path: Path) -> dict[str, str]:
    """This process's environment without TRANSFER_* settings, and an empty config file,
    so a developer's own transfer.toml or variables do not take part."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("TRANSFER_") or name.startswith("TRANSFER_TEST_")
    }
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    env["TRANSFER_CONFIG"] = str(config)
    return env


@pytest.mark.slow
def test_the_readme_walkthrough_runs_as_printed_and_ends_go(tmp_path: Path) -> None:
    assert (ROOT / ".venv" / "bin" / "activate").exists(), (
        "the walkthrough activates .venv: run `make .venv/.installed-stamp` first"
    )
    serve, steps = block("serve"), block("steps")
    commands = [line for line in steps if line.startswith("transfer ")]
    positions = [commands.index(command) for command in COVERED]
    assert positions == sorted(positions), f"the walkthrough's order: {commands}"

    env = clean_environment(tmp_path)
    workspace, logs = tmp_path / "workspace", tmp_path / "logs"
    server = subprocess.Popen(
        ["bash", "-c", "\n".join(serve)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        output = Output(server)
        printed = output.until(READY, START_TIMEOUT_S)
        pasted = [line for line in printed if line.startswith("export ")]
        assert len(pasted) == 6, printed
        assert without_ports(printed) == without_ports(sample_output())

        shell = Shell(tmp_path / "shell-state", env)
        target = workspace / "target.db"
        run_id = ""
        after_schema: dict[str, int] = {}
        for line in pasted + steps:
            if line.startswith("export TRANSFER_WORKSPACE="):
                assert f"={WORKSPACE} " in line and line.endswith(f"={LOGS}"), line
                line = line.replace(WORKSPACE, str(workspace)).replace(LOGS, str(logs))
            if "RUN_ID" in line:
                assert run_id, "RUN_ID before any `transfer load` printed its run id"
                line = line.replace("RUN_ID", run_id)
            done = shell.run(line)
            shown = f"$ {line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            assert done.returncode == 0, shown

            if line == "transfer doctor":
                assert "[ ok ] online service:" in done.stdout, shown
                assert "[ ok ] partnership platform:" in done.stdout, shown
            elif line == "transfer schema upgrade":
                after_schema = keha_rows(target)
                assert after_schema, "the schema upgrade created no tables"
            elif line == "transfer load --plan":
                assert keha_rows(target) == after_schema, "a plan wrote to the target"
            elif line == "transfer load":
                found = re.search(r"^run (\S+): summary in ", done.stdout, re.MULTILINE)
                assert found, shown
                run_id = found.group(1)
                loaded = keha_rows(target)
                assert loaded["content_items"] > 0 and loaded["members"] > 0, loaded
            elif line == "transfer verify":
                assert re.search(r"^verdict: GO$", done.stdout, re.MULTILINE), shown
            elif line.startswith("transfer rollback "):
                assert f"run {run_id} rolled back:" in done.stdout, shown

        assert run_id, "the walkthrough ran no `transfer load`"
        assert keha_rows(target) == after_schema, "the rollback left loaded rows behind"
        with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as db:
            states = dict(db.execute("SELECT run_id, state FROM load_runs").fetchall())
        assert states == {run_id: "rolled_back"}
        # Everything the walkthrough wrote went to the folders it was given.
        assert (workspace / "staging").is_dir() and any(logs.iterdir())

        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C in the first shell
        assert output.until("stopped", 30)[-1] == "stopped"
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
