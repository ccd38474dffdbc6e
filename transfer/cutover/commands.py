"""Is ``transfer …`` a real command? Checked against the click group itself.

Runbooks name ``transfer`` subcommands; a typo there would only surface in the middle of
the cutover night, so the validator walks the real command tree (and the options of the
command found) before anything runs. The tree is handed in by the CLI, which this package
never imports.
"""

from __future__ import annotations

import re

import click

from transfer.yamlfile import suggest


def _option_names(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            names.update(parameter.opts)
            names.update(parameter.secondary_opts)
    return names


def _takes_value(command: click.Command, name: str) -> bool:
    for parameter in command.params:
        if isinstance(parameter, click.Option) and name in parameter.opts:
            return not parameter.is_flag and not parameter.count
    return False


def _check_options(command: click.Command, words: list[str], path: str) -> tuple[str, int]:
    """Check the leading option words; return (problem, how many words were options)."""
    index = 0
    known = _option_names(command)
    while index < len(words) and words[index].startswith("-") and words[index] != "-":
        name = words[index].split("=", 1)[0]
        if name == "--":
            return "", index + 1
        if name not in known:
            long_names = sorted(n for n in known if n.startswith("--"))
            return f"`{path}` has no option {name}{suggest(name, long_names)}", index
        index += 2 if _takes_value(command, name) and "=" not in words[index] else 1
    return "", index


def subcommand_names(group: click.Group) -> list[str]:
    """The names of ``group``'s commands, sorted (a lazy group's too: through click's API)."""
    return sorted(group.list_commands(click.Context(group)))


def subcommand(group: click.Group, name: str) -> click.Command | None:
    """``group``'s command ``name`` (a lazy group imports it now), or None."""
    return group.get_command(click.Context(group), name)


def check_transfer_command(root: click.Group, words: list[str]) -> str:
    """``""`` when ``transfer <words>`` names an existing command of ``root`` (the CLI's
    command tree, handed over by its caller) with known options, else what is wrong (an
    unknown or not-yet-existing command, an unknown option)."""
    command: click.Command = root
    path = "transfer"
    while True:
        problem, used = _check_options(command, words, path)
        if problem:
            return problem
        words = words[used:]
        if not isinstance(command, click.Group):
            break
        if not words:
            return f"`{path}` needs a subcommand: one of {', '.join(subcommand_names(command))}"
        name = words[0]
        sub = subcommand(command, name)
        if sub is None:
            hint = suggest(name, subcommand_names(command))
            return (
                f"`{path} {name}` is not a command of this version of transfer{hint} "
                "(a typo, or a command that does not exist yet)"
            )
        command, path, words = sub, f"{path} {name}", words[1:]
    for word in words:
        if word.startswith("--"):
            problem, _ = _check_options(command, [word], path)
            if problem:
                return problem
    return ""


def _resolve(root: click.Group, words: list[str]) -> tuple[click.Command, str, list[str]]:
    """The command ``transfer <words>`` names (checked beforehand), its path and the words
    left for it."""
    command: click.Command = root
    path = ""
    while isinstance(command, click.Group):
        _, used = _check_options(command, words, path)
        words = words[used:]
        sub = subcommand(command, words[0]) if words else None
        if sub is None:
            break
        command, path, words = sub, f"{path} {words[0]}".strip(), words[1:]
    return command, path, words


def command_path(root: click.Group, words: list[str]) -> str:
    """The subcommand path of ``transfer <words>``: ``schema upgrade``."""
    return _resolve(root, words)[1]


def required_env(root: click.Group, words: list[str]) -> list[tuple[str, str]]:
    """The environment variables ``transfer <words>`` cannot run without: a required
    option left off the command line that reads a variable instead. Each as (variable,
    what it holds, from the option's help)."""
    command, path, rest = _resolve(root, words)
    given = {word.split("=", 1)[0] for word in rest if word.startswith("-")}
    found: list[tuple[str, str]] = []
    for parameter in command.params:
        if not isinstance(parameter, click.Option) or not parameter.required:
            continue
        if given & set(parameter.opts) or not parameter.envvar:
            continue
        names = [parameter.envvar] if isinstance(parameter.envvar, str) else parameter.envvar
        help_text = re.sub(r"\s*\[env [^\]]*\]\.?$", "", (parameter.help or "").strip())
        option = max(parameter.opts, key=len)
        for name in names:
            found.append((name, f"{option} of `transfer {path}`: {help_text}".rstrip(": ")))
    return found
