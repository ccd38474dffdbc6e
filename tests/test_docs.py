"""The README is kept honest: every CLI command, option, setting and exit code is in it."""

from __future__ import annotations

import re
from pathlib import Path

import click

from transfer.cli import cli
from transfer.config import OPTIONS
from transfer.errors import EXIT_CODES

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
EXAMPLE = (Path(__file__).parent.parent / "transfer.example.toml").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "transfer") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            found.extend(commands(command, path))
        else:
            found.append((path, command))
    return found


def test_every_command_and_option_is_documented() -> None:
    for path, command in commands(cli):
        rows = [line for line in README.splitlines() if line.startswith(f"| `{path}")]
        assert rows, f"the README's command table lacks {path}"
        assert command.help, f"{path} has no --help text"
        row = rows[0]
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                long_name = max(parameter.opts, key=len)
                assert long_name in row, f"README row of {path} lacks {long_name}"


def test_every_global_option_is_documented() -> None:
    for parameter in cli.params:
        if isinstance(parameter, click.Option):
            assert max(parameter.opts, key=len) in README


def test_every_setting_is_documented() -> None:
    for option in OPTIONS:
        assert f"`{option.key}`" in README or f"`{option.key}` (secret)" in README, option.key
        assert f"`{option.env}`" in README, option.env
        if not option.secret:
            leaf = option.key.rsplit(".", 1)[-1]
            assert re.search(rf"^#? ?{leaf} =", EXAMPLE, re.MULTILINE), f"example lacks {leaf}"


def test_exit_code_table_matches_the_code() -> None:
    rows = re.findall(r"^\| (\d+) \| ([\w-]+) \| (.+) \|$", README, re.MULTILINE)
    assert [(int(code), name, meaning) for code, name, meaning in rows] == [
        (code.code, code.name, code.meaning) for code in EXIT_CODES
    ]
    assert len({code.code for code in EXIT_CODES}) == len(EXIT_CODES)
