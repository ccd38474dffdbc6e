"""Machine-readable runbooks (``runbooks/*.yml``): read, validate, and hand out as values.

A runbook is a name, a title and a list of steps. Each step does exactly one thing: runs a
``transfer …`` command (``run:``), runs a shell command (``shell:``) or asks the operator
to type a confirmation phrase (``confirm:``). Commands are gates: an exit code outside
``expect_exit`` (default ``[0]``) stops the cutover. Steps may be limited to rehearsals or
to production (``only:``) and may carry preconditions: ``preconditions:`` are checked as
the step starts, ``needs:`` before the run's first step (the preflight: variables, paths,
the target schema, the sources). Every problem in a file is reported at once, each with
its file, line and key.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from transfer import yamlfile
from transfer.cutover.commands import check_transfer_command, command_path, required_env
from transfer.yamlfile import KeyTable, Problems, suggest

KeyPath = yamlfile.KeyPath

MODES = ("rehearsal", "production")
#: Values a command may name in braces; the executor fills them in.
PLACEHOLDERS = ("run_id", "run_dir", "workspace", "logs_dir", "mode", "runbook_dir")
ACTIONS = ("run", "shell", "confirm")
TOP_KEYS = KeyTable.of("runbook", "title", "description", "cutover_date", "steps")
STEP_KEYS = KeyTable.of(
    "id",
    "title",
    *ACTIONS,
    "phrase",
    "expect_exit",
    "on_failure",
    "only",
    "preconditions",
    "timeout_s",
    "gate",
    "needs",
)
NEEDS_KEYS = KeyTable.of(
    "env", "paths", "schema", "sources", types={"env": dict, "paths": list, "sources": list}
)
#: The sources a step can need to answer, by their settings' names.
SOURCES = ("online_service", "partnership")
#: Placeholders known before a run opens (a new run has no id yet).
BEFORE_RUN = ("workspace", "logs_dir", "mode", "runbook_dir")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PRECONDITION_KINDS = ("after", "env", "path", "check")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELD = re.compile(r"{([^{}]*)}")


@dataclass(frozen=True)
class Precondition:
    """Must hold before a step runs: ``after`` a step is done, ``env`` is set, ``path``
    exists, or the ``check`` command exits 0."""

    kind: str
    value: str


@dataclass(frozen=True)
class EnvNeed:
    """A variable a step needs, and what it holds (said when it is missing)."""

    name: str
    what: str


@dataclass(frozen=True)
class Needs:
    """What a step needs that is known before the run starts, checked all at once by the
    preflight: variables set, paths that exist, the target schema at the newest revision
    (``schema: current``), sources that answer."""

    env: tuple[EnvNeed, ...] = ()
    paths: tuple[str, ...] = ()
    schema: bool = False
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One step of a runbook, validated."""

    id: str
    title: str
    action: str  # run, shell or confirm
    text: str  # the command line, or the statement the operator confirms
    phrase: str = ""
    expect_exit: tuple[int, ...] = (0,)
    on_failure: str = ""
    only: str | None = None
    preconditions: tuple[Precondition, ...] = ()
    timeout_s: float | None = None
    gate: str = ""  # what passing this step proves, e.g. "verification GO"
    where: str = ""
    #: Declared (``needs:``) and derived from the command (a required option that reads
    #: a variable, like ``freeze-check --since`` and TRANSFER_FREEZE_SINCE).
    needs: Needs = Needs()
    #: The ``transfer`` subcommand a ``run:`` step runs, e.g. ``schema upgrade``.
    command: str = ""

    def applies_to(self, mode: str) -> bool:
        return self.only is None or self.only == mode


@dataclass(frozen=True)
class Runbook:
    """A validated runbook file."""

    path: Path
    name: str
    title: str
    description: str
    steps: tuple[Step, ...]
    #: The planned cutover day: a rehearsal's sign-off counts task dates against it.
    cutover_date: dt.date | None = None

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


def load_runbook(path: Path, commands: click.Group) -> Runbook:
    """Read and validate ``path`` against ``commands`` (the ``transfer`` command tree that
    its ``run:`` steps must name); every problem raises one ConfigError listing them all
    (file, line, key, what is wrong)."""
    data, located = yamlfile.load(path)
    check = _RunbookCheck(path, located, commands)
    runbook = check.run(data)
    check.problems.raise_if_any(
        f"runbook {path}", "fix the runbook at those lines; `transfer cutover validate` checks it"
    )
    assert runbook is not None  # no problem means a runbook
    return runbook


def command_fields(text: str) -> list[str]:
    """The placeholder names a command uses (``{run_dir}`` → ``run_dir``)."""
    return _FIELD.findall(text)


class _RunbookCheck:
    def __init__(self, path: Path, located: yamlfile.Located, commands: click.Group) -> None:
        self.path, self.located, self.commands = path, located, commands
        self.problems = Problems(located)
        self.problem = self.problems.add

    def text(self, block: dict[str, Any], at: KeyPath, key: str, *, required: bool) -> str:
        value = block.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem((*at, key), f"{key}: must be non-empty text")
            return ""
        return value.strip()

    def run(self, data: Any) -> Runbook | None:
        if not isinstance(data, dict):
            self.problem((), "a runbook must be a mapping with runbook, title and steps")
            return None
        self.problems.table(data, (), TOP_KEYS)
        name = self.text(data, (), "runbook", required=True)
        if name and not _ID.match(name):
            self.problem(("runbook",), "runbook: a name of lower-case letters, digits and -")
        title = self.text(data, (), "title", required=True)
        description = self.text(data, (), "description", required=False)
        cutover_date = self.date(data, "cutover_date")
        raw_steps = data.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            self.problem(("steps",), "steps: must be a non-empty list of steps")
            return None
        steps = [self.step(("steps", index), raw) for index, raw in enumerate(raw_steps)]
        found = [step for step in steps if step is not None]
        seen: set[str] = set()
        for index, step in enumerate(found):
            at: KeyPath = ("steps", index, "id")
            if step.id in seen:
                self.problem(at, f"step id {step.id!r} is used twice")
            for condition in step.preconditions:
                if condition.kind == "after" and condition.value not in seen:
                    self.problem(
                        ("steps", index, "preconditions"),
                        f"after: {condition.value!r} is not an earlier step of this runbook",
                    )
            seen.add(step.id)
        if len(found) != len(steps):
            return None
        return Runbook(self.path, name, title, description, tuple(found), cutover_date)

    def date(self, block: dict[str, Any], key: str) -> dt.date | None:
        value = block.get(key)
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        self.problem((key,), f"{key}: must be a date, YYYY-MM-DD (the planned cutover day)")
        return None

    def step(self, at: KeyPath, raw: Any) -> Step | None:
        if not isinstance(raw, dict):
            self.problem(at, "a step must be a mapping with id, title and run/shell/confirm")
            return None
        self.problems.table(raw, at, STEP_KEYS)
        before = len(self.problems)
        step_id = self.text(raw, at, "id", required=True)
        if step_id and not _ID.match(step_id):
            self.problem((*at, "id"), "id: lower-case letters, digits and - only")
        title = self.text(raw, at, "title", required=True)
        actions = [key for key in ACTIONS if key in raw]
        if len(actions) != 1:
            self.problem(at, "a step needs exactly one of run:, shell: or confirm:")
            return None
        action = actions[0]
        text = self.text(raw, at, action, required=True)
        if text and action != "confirm":
            self.command(text, action, (*at, action))
        phrase = self.text(raw, at, "phrase", required=False)
        if action == "confirm":
            phrase = phrase or step_id
        elif "phrase" in raw:
            self.problem((*at, "phrase"), "phrase: belongs to confirm: steps only")
        expect = self.expect_exit(raw, at, action)
        only = raw.get("only")
        if only is not None and only not in MODES:
            self.problem((*at, "only"), f"only: must be one of {', '.join(MODES)}, got {only!r}")
            only = None
        timeout = raw.get("timeout_s")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
        ):
            self.problem((*at, "timeout_s"), "timeout_s: must be a positive number of seconds")
            timeout = None
        conditions = self.preconditions(raw.get("preconditions"), (*at, "preconditions"))
        needs = self.needs(raw.get("needs"), (*at, "needs"))
        if len(self.problems) != before:
            return None
        command = ""
        if action == "run":
            words = shlex.split(text)[1:]
            command = command_path(self.commands, words)
            declared = {need.name for need in needs.env}
            derived = [
                EnvNeed(name, what)
                for name, what in required_env(self.commands, words)
                if name not in declared
            ]
            needs = replace(needs, env=(*needs.env, *derived))
        return Step(
            id=step_id,
            title=title,
            action=action,
            text=text,
            phrase=phrase,
            expect_exit=expect,
            on_failure=self.text(raw, at, "on_failure", required=False),
            only=only,
            preconditions=conditions,
            timeout_s=float(timeout) if timeout is not None else None,
            gate=self.text(raw, at, "gate", required=False),
            where=self.located.where(at),
            needs=needs,
            command=command,
        )

    def expect_exit(self, raw: dict[str, Any], at: KeyPath, action: str) -> tuple[int, ...]:
        value = raw.get("expect_exit", [0])
        if action == "confirm" and "expect_exit" in raw:
            self.problem((*at, "expect_exit"), "expect_exit: belongs to commands only")
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(code, int) and 0 <= code <= 255 for code in value)
        ):
            self.problem((*at, "expect_exit"), "expect_exit: exit codes 0-255, e.g. [0]")
            return (0,)
        return tuple(value)

    def command(self, text: str, action: str, at: KeyPath) -> None:
        for name in command_fields(text):
            if name not in PLACEHOLDERS:
                self.problem(
                    at,
                    f"unknown placeholder {{{name}}}{suggest(name, list(PLACEHOLDERS))}; "
                    f"known: {', '.join(PLACEHOLDERS)}",
                )
        if action != "run":
            return
        try:
            words = shlex.split(text)
        except ValueError as exc:
            self.problem(at, f"cannot split the command line: {exc}")
            return
        if not words or words[0] != "transfer":
            self.problem(at, "run: takes a `transfer …` command; use shell: for anything else")
            return
        trouble = check_transfer_command(self.commands, words[1:])
        if trouble:
            self.problem(at, trouble)

    def preconditions(self, raw: Any, at: KeyPath) -> tuple[Precondition, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(at, "preconditions: must be a list like `- env: NAME`")
            return ()
        found = []
        for index, item in enumerate(raw):
            where = (*at, index)
            if not isinstance(item, dict) or len(item) != 1:
                self.problem(where, f"a precondition is one of {', '.join(PRECONDITION_KINDS)}")
                continue
            ((kind, value),) = item.items()
            if kind not in PRECONDITION_KINDS:
                hint = suggest(str(kind), list(PRECONDITION_KINDS))
                self.problem(where, f"unknown precondition {kind!r}{hint}")
                continue
            if not isinstance(value, str) or not value.strip():
                self.problem((*where, kind), f"{kind}: must be non-empty text")
                continue
            if kind == "check":
                self.command(value.strip(), "run", (*where, kind))
            found.append(Precondition(kind, value.strip()))
        return tuple(found)

    def needs(self, raw: Any, at: KeyPath) -> Needs:
        if raw is None:
            return Needs()
        table = self.problems.table(raw, at, NEEDS_KEYS)
        env: list[EnvNeed] = []
        for name, what in table.get("env", {}).items():
            if not isinstance(name, str) or not _ENV_NAME.match(name):
                self.problem((*at, "env", name), f"env: {name!r} is not a variable name")
            elif not isinstance(what, str) or not what.strip():
                self.problem((*at, "env", name), f"{name}: say what it holds and how to set it")
            else:
                env.append(EnvNeed(name, " ".join(what.split())))
        paths: list[str] = []
        for index, path in enumerate(table.get("paths", [])):
            where = (*at, "paths", index)
            if not isinstance(path, str) or not path.strip():
                self.problem(where, "paths: each must be non-empty text")
                continue
            for name in command_fields(path):
                if name not in BEFORE_RUN:
                    self.problem(
                        where,
                        f"paths: {{{name}}} is not known before the run; "
                        f"known: {', '.join(BEFORE_RUN)}",
                    )
            paths.append(path.strip())
        schema = table.get("schema")
        if schema is not None and schema != "current":
            self.problem((*at, "schema"), f"schema: the one value is current, got {schema!r}")
        sources: list[str] = []
        for index, source in enumerate(table.get("sources", [])):
            if source not in SOURCES:
                hint = suggest(str(source), list(SOURCES))
                self.problem(
                    (*at, "sources", index),
                    f"sources: {source!r} is not a source{hint}; known: {', '.join(SOURCES)}",
                )
                continue
            sources.append(source)
        return Needs(tuple(env), tuple(paths), schema == "current", tuple(sources))
