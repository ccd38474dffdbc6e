"""The README and docs/ are kept honest: every CLI command, option, setting and exit code is
in the README; every link between them resolves; what moved to docs/ (the crawler's warning
codes, the verification checks, the sandbox's knobs, the benchmarks) matches the code."""

from __future__ import annotations

import dataclasses
import re
import shlex
from pathlib import Path

import click
import pytest

from transfer.cli import cli
from transfer.config import OPTIONS
from transfer.cutover.commands import check_transfer_command, subcommand, subcommand_names
from transfer.errors import EXIT_CODES
from transfer.extractors import hygiene
from transfer.sandbox.settings import VARIANTS, Faults
from transfer.verification.model import CHECK_NAMES

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = (ROOT / "transfer.example.toml").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", *DOCS]
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
SHELL_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# A path of the repository named in backticks: `bench/load_throughput.py`, `tests/hostile/`.
# Files the docs name as where a person puts them, absent until someone does.
CREATED_BY_PEOPLE = {"mappings/accepted.yml"}
REPO_PATH = re.compile(r"`((?:transfer|tests|bench|mappings|runbooks|docs)/[\w./-]*)`")


def commands(group: click.Group, prefix: str = "transfer") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name in subcommand_names(group):
        command = subcommand(group, name)
        assert command is not None, name
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


def prose(page: Path) -> str:
    """A Markdown page without its fenced blocks (a `# comment` in a shell block is no
    heading, an example's `[x](y)` no link)."""
    return FENCE.sub("", page.read_text(encoding="utf-8"))


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the page's headings."""
    headings = re.findall(r"^#+ (.+)$", prose(page), re.MULTILINE)
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings
    }


def section(page: Path, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    text = prose(page)
    level = heading.split(" ", 1)[0]
    start = text.index(f"\n{heading}\n")
    end = re.compile(rf"^#{{1,{len(level)}}} ", re.MULTILINE).search(text, start + len(heading) + 2)
    return text[start : end.start() if end else len(text)]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_resolves(page: Path) -> None:
    for target in LINK.findall(prose(page)):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto: not this repository's
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name} links to {target}, which does not exist"
        if anchor:
            assert linked.suffix == ".md", f"{page.name}: an anchor into {target}"
            assert anchor in anchors(linked), f"{page.name} links to {target}: no such heading"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_repository_path_named_exists(page: Path) -> None:
    for path in set(REPO_PATH.findall(page.read_text(encoding="utf-8"))) - CREATED_BY_PEOPLE:
        assert (ROOT / path).exists(), f"{page.name} names `{path}`, which does not exist"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_transfer_command_shown_exists_with_its_options(page: Path) -> None:
    """Each `transfer …` line of a shell block is checked against the real command tree,
    as `transfer cutover validate` checks a runbook's commands."""
    shown = 0
    for block in SHELL_BLOCK.findall(page.read_text(encoding="utf-8")):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            while words and re.match(r"^[A-Z_]+=", words[0]):
                words = words[1:]  # VAR=value before the command
            if words and words[0] == "transfer":
                shown += 1
                assert check_transfer_command(cli, words[1:]) == "", f"{page.name}: {line}"
    assert shown or page.name not in ("README.md", "stages.md"), f"{page.name}: none found"


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {target.partition("#")[0] for target in LINK.findall(prose(ROOT / "README.md"))}
    for page in DOCS:
        assert f"docs/{page.name}" in linked, f"the README does not link docs/{page.name}"


def test_the_crawler_warning_codes_are_the_codes_of_the_code() -> None:
    table = section(ROOT / "docs" / "stages.md", "## Extracting the online service")
    documented = re.findall(r"^\| `([\w-]+)` \|", table, re.MULTILINE)
    codes = [
        hygiene.CHARSET,
        hygiene.CONTROL_CHARS,
        hygiene.LONE_SURROGATES,
        hygiene.DEEP_NESTING,
        hygiene.UNPARSABLE,
    ]
    assert sorted(documented) == sorted(codes)


def test_the_verification_checks_are_the_checks_of_the_code() -> None:
    table = section(ROOT / "docs" / "stages.md", "## Verification report")
    documented = re.findall(r"^\| (\w+) \|", table, re.MULTILINE)
    assert tuple(name for name in documented if name != "check") == CHECK_NAMES


def test_every_sandbox_fault_and_variant_is_documented() -> None:
    text = (ROOT / "docs" / "sandbox.md").read_text(encoding="utf-8")
    for fault in dataclasses.fields(Faults):
        assert f"`{fault.name}`" in text, fault.name
    for variant in VARIANTS:
        assert f"`{variant}`" in text, variant


def test_every_benchmark_has_its_figures_in_the_benchmarks_page() -> None:
    text = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for bench in sorted((ROOT / "bench").glob("*.py")):
        if bench.name != "run.py":
            assert f"`bench/{bench.name}`" in text, bench.name
