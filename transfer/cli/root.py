"""The root of the ``transfer`` command: its global options, the state every command
reads its settings from, and the group that turns library errors into exit codes.

Errors from the library (``TransferError``) become click exceptions carrying the
documented exit code; nothing below the CLI prints.
"""

from __future__ import annotations

import importlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import click
from sqlalchemy.exc import SQLAlchemyError

from transfer import __version__, ui
from transfer.config import Settings, load_settings
from transfer.diskfull import disk_full_error
from transfer.errors import (
    Interrupted,
    TransferError,
)
from transfer.redaction import redact


class TransferException(click.ClickException):
    """A library error on its way out: redacted message, the error's exit code."""

    def __init__(self, error: TransferError) -> None:
        super().__init__(redact(str(error)))
        # click reads the code from the instance; each TransferError brings its own.
        self.exit_code = error.exit_code  # type: ignore[misc]


class LazyCommand(NamedTuple):
    """A command named before it is imported: where it lives and its line in the listing."""

    #: ``module:attribute``
    where: str
    #: Its short help: the line ``transfer --help`` lists it with (set on the command as
    #: it is imported, so both say the same).
    summary: str


class TransferGroup(click.Group):
    """A click group that turns library errors and Ctrl-C into documented exit codes.

    Its commands may be named lazily (``lazy_commands``: name → :class:`LazyCommand`), as
    click's documentation shows for large command sets: a command's module is imported when
    click asks for that command, so a run imports only what it uses, and ``--help`` lists
    the commands by their summaries without importing any.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, LazyCommand] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            lazy = self.lazy_commands[cmd_name]
            module, attribute = lazy.where.split(":")
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{lazy.where} is not a click command")
            command.short_help = lazy.summary
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their summaries; the lazy ones without importing them."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is None:
                rows.append((name, self.lazy_commands[name].summary))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str(limit=formatter.width)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TransferError as error:
            raise TransferException(error) from None
        except BrokenPipeError:
            # The reader of our output went away (Ctrl-C under `| tee` stops both): an
            # interruption, not a crash.
            raise TransferException(
                Interrupted(
                    "stopped: the output pipe was closed",
                    next_step="run the same command again to continue",
                )
            ) from None
        except (OSError, sqlite3.Error, SQLAlchemyError) as error:
            full = disk_full_error(error, ctx.invoked_subcommand or "", _workspace_of(ctx))
            if full is None:
                raise
            raise TransferException(full) from None
        except KeyboardInterrupt:
            raise TransferException(
                Interrupted(
                    "stopped by the operator", next_step="run the same command again to continue"
                )
            ) from None


def _workspace_of(ctx: click.Context) -> Path:
    state = ctx.obj
    if isinstance(state, CliState):
        try:
            return state.settings().workspace
        except TransferError:
            pass
    return Path(".transfer")


@dataclass
class CliState:
    config: Path | None
    overrides: dict[str, Any]
    _settings: Settings | None = field(default=None)

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config, overrides=self.overrides)
        return self._settings


pass_state = click.make_pass_decorator(CliState)


@click.group(
    cls=TransferGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="transfer")
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Configuration file (default: $TRANSFER_CONFIG or ./transfer.toml).",
)
@click.option(
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for stage state and the default SQLite target [.transfer].",
)
@click.option(
    "--logs-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where runs write logs/<run_id>/ [logs].",
)
@click.option(
    "--target-url",
    help="SQLAlchemy URL of the KEHA target (no password: use TRANSFER_TARGET_PASSWORD).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Only warnings, errors and results: no progress lines, no lines of passed checks.",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Debug logging on stderr: every event of the run as it is written (redacted).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    config: Path | None,
    workspace: Path | None,
    logs_dir: Path | None,
    target_url: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Move kotoutuminen.fi and the Partnership platform to the KEHA Centre.

    Settings come from defaults, then transfer.toml, then TRANSFER_* environment variables,
    then these flags. Secrets come only from the environment. Every command that does work
    writes logs/<run_id>/events.jsonl.

    \b
    First steps:
      transfer doctor          is this machine ready?
      transfer config show     the effective settings and where each came from
      transfer rehearse        a full dry run against the built-in sandbox

    In a terminal, long steps show a live progress line; otherwise (CI, a pipe, a cutover
    step's log) plain lines, with a heartbeat every TRANSFER_HEARTBEAT_S seconds [5].
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")
    ui.configure(quiet=quiet, verbose=verbose)
    ctx.obj = CliState(
        config, {"workspace": workspace, "logs_dir": logs_dir, "target.url": target_url}
    )


def target_engine(state: CliState) -> Any:
    """The engine of the configured KEHA target."""
    from transfer.database import create_target_engine, target_url

    return create_target_engine(target_url(state.settings().target))


def command_tree() -> click.Group:
    """The ``transfer`` command tree of the running command, for the runbook checker."""
    root = click.get_current_context().find_root().command
    assert isinstance(root, click.Group)
    return root
