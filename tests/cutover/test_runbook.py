"""Runbook validation: every problem with its file, line and key; the shipped runbooks pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from transfer.cli import cli
from transfer.cutover.commands import check_transfer_command
from transfer.cutover.runbook import load_runbook
from transfer.cutover.status import runbook_files
from transfer.errors import ConfigError

RUNBOOKS = Path(__file__).parent.parent.parent / "runbooks"
HEAD = "runbook: broken\ntitle: Broken\nsteps:\n"


@pytest.mark.parametrize(
    ("steps", "line", "key", "message"),
    [
        (
            "  - id: a\n    title: A\n    run: transfer verifyy\n",
            6,
            "steps[0].run",
            "`transfer verifyy` is not a command of this version of transfer "
            "(did you mean 'verify'?)",
        ),
        (
            "  - id: a\n    title: A\n    run: transfer announce-launch --channel intranet\n",
            6,
            "steps[0].run",
            "a command that does not exist yet",
        ),
        (
            "  - id: a\n    title: A\n    run: transfer schema upgrade --revsion head\n",
            6,
            "steps[0].run",
            "`transfer schema upgrade` has no option --revsion (did you mean '--revision'?)",
        ),
        (
            "  - id: a\n    title: A\n    run: transfer schema\n",
            6,
            "steps[0].run",
            "`transfer schema` needs a subcommand",
        ),
        ("  - id: a\n    title: A\n    run: ls -l\n", 6, "steps[0].run", "use shell:"),
        (
            "  - id: a\n    title: A\n    shell: cp x {run_dri}\n",
            6,
            "steps[0].shell",
            "unknown placeholder {run_dri} (did you mean 'run_dir'?)",
        ),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n    on_fail: x\n",
            7,
            "steps[0].on_fail",
            "unknown key 'on_fail' (did you mean 'on_failure'?)",
        ),
        ("  - id: a\n    title: A\n", 4, "steps[0]", "exactly one of run:, shell: or confirm:"),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n    only: staging\n",
            7,
            "steps[0].only",
            "only: must be one of rehearsal, production",
        ),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n    expect_exit: [0, 300]\n",
            7,
            "steps[0].expect_exit",
            "exit codes 0-255",
        ),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n    preconditions:\n      - after: b\n"
            "  - id: b\n    title: B\n    shell: 'true'\n",
            7,
            "steps[0].preconditions",
            "after: 'b' is not an earlier step",
        ),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n"
            "  - id: a\n    title: Again\n    shell: 'true'\n",
            7,
            "steps[1].id",
            "step id 'a' is used twice",
        ),
        (
            "  - id: a\n    title: A\n    confirm: Ready.\n    expect_exit: 0\n",
            7,
            "steps[0].expect_exit",
            "belongs to commands only",
        ),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n"
            "    preconditions:\n      - check: transfer nope\n",
            8,
            "steps[0].preconditions[0].check",
            "`transfer nope` is not a command",
        ),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n    needs:\n      source: [partnership]\n",
            8,
            "steps[0].needs.source",
            "unknown key 'source' (did you mean 'sources'?)",
        ),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n    needs:\n      sources: [partnershp]\n",
            8,
            "steps[0].needs.sources[0]",
            "'partnershp' is not a source (did you mean 'partnership'?)",
        ),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n    needs:\n"
            "      paths: ['{run_dir}/x']\n",
            8,
            "steps[0].needs.paths[0]",
            "{run_dir} is not known before the run",
        ),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n    needs:\n      schema: newest\n",
            8,
            "steps[0].needs.schema",
            "schema: the one value is current",
        ),
        (
            "  - id: a\n    title: A\n    shell: 'true'\n    needs:\n      env:\n"
            "        FREEZE: ''\n",
            9,
            "steps[0].needs.env.FREEZE",
            "FREEZE: say what it holds and how to set it",
        ),
    ],
)
def test_problems_name_file_line_and_key(
    tmp_path: Path, steps: str, line: int, key: str, message: str
) -> None:
    path = tmp_path / "broken.yml"
    path.write_text(HEAD + steps, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_runbook(path, cli)
    assert f"{path}:{line} ({key}): " in str(caught.value)
    assert message in str(caught.value)


def test_all_problems_at_once(tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text(
        "runbook: Bad Name\ntitle: ''\nsteps:\n  - id: a\n    title: A\n    run: transfer x\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_runbook(path, cli)
    text = str(caught.value)
    assert "3 problem(s)" in text
    assert ":1 (runbook)" in text and ":2 (title)" in text and ":6 (steps[0].run)" in text


@pytest.mark.parametrize(
    "words",
    [
        ["verify"],
        ["schema", "upgrade", "--revision", "head"],
        ["--target-url", "sqlite:///x.db", "schema", "status"],
        ["tasks", "--today=2025-05-01"],
        ["cutover", "run", "runbooks/cutover.yml", "--rehearse"],
    ],
)
def test_real_commands_pass(words: list[str]) -> None:
    assert check_transfer_command(cli, words) == ""


def test_shipped_runbooks_are_valid() -> None:
    paths = runbook_files(RUNBOOKS)
    assert {path.name for path in paths} == {"dry-run.yml", "cutover.yml", "rollback.yml"}
    for path in paths:
        runbook = load_runbook(path, cli)
        assert runbook.name == path.stem
        assert (RUNBOOKS / f"{path.stem}.md").is_file(), f"{path.stem}.md for people is missing"
    gates = [step.id for step in load_runbook(RUNBOOKS / "cutover.yml", cli).steps if step.gate]
    assert "verify-gate" in gates


def test_validate_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["cutover", "validate", str(RUNBOOKS / "cutover.yml")], catch_exceptions=False
    )
    assert result.exit_code == 0 and "cutover.yml" in result.output
    broken = tmp_path / "broken.yml"
    broken.write_text(HEAD + "  - id: a\n    title: A\n    run: transfer verifyy\n")
    result = CliRunner().invoke(cli, ["cutover", "validate", str(broken)])
    assert result.exit_code == 3 and f"{broken}:6 (steps[0].run)" in result.output


def test_needs_declared_and_derived_from_the_command(tmp_path: Path) -> None:
    path = tmp_path / "needs.yml"
    path.write_text(
        HEAD + "  - id: freeze\n    title: Freeze check\n    run: transfer freeze-check\n"
        "  - id: given\n    title: Freeze check, time given\n"
        "    run: transfer freeze-check --since 2025-04-24T18:00\n"
        "  - id: upgrade\n    title: Upgrade\n    run: transfer schema upgrade\n"
        "    needs:\n      env:\n        TICKET: the change ticket\n      schema: current\n",
        encoding="utf-8",
    )
    book = load_runbook(path, cli)
    (derived,) = book.step("freeze").needs.env
    assert derived.name == "TRANSFER_FREEZE_SINCE"
    assert derived.what.startswith("--since of `transfer freeze-check`: When the content freeze")
    assert book.step("given").needs.env == ()
    upgrade = book.step("upgrade")
    assert upgrade.command == "schema upgrade" and upgrade.needs.schema
    assert [(n.name, n.what) for n in upgrade.needs.env] == [("TICKET", "the change ticket")]


def test_shipped_cutover_declares_the_freeze_time_with_its_example() -> None:
    book = load_runbook(RUNBOOKS / "cutover.yml", cli)
    (freeze,) = book.step("freeze-check").needs.env
    assert freeze.name == "TRANSFER_FREEZE_SINCE" and "2025-04-24T18:00" in freeze.what
    assert set(book.step("freeze-check").needs.sources) == {"online_service", "partnership"}
    assert {s.id for s in book.steps if s.needs.schema} >= {"schema-gate", "load", "verify-gate"}
