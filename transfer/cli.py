"""The ``transfer`` command: parses options, calls one library function, prints.

Errors from the library (``TransferError``) become click exceptions carrying the
documented exit code; nothing below this module prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from transfer import __version__, doctor, ui
from transfer.config import Settings, load_settings
from transfer.errors import EXIT_CODES, Interrupted, TransferError
from transfer.redaction import redact
from transfer.runs import Run


class TransferException(click.ClickException):
    """A library error on its way out: redacted message, the error's exit code."""

    def __init__(self, error: TransferError) -> None:
        super().__init__(redact(str(error)))
        # click reads the code from the instance; each TransferError brings its own.
        self.exit_code = error.exit_code  # type: ignore[misc]


class TransferGroup(click.Group):
    """A click group that turns library errors and Ctrl-C into documented exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TransferError as error:
            raise TransferException(error) from None
        except KeyboardInterrupt:
            raise TransferException(
                Interrupted(
                    "stopped by the operator", next_step="run the same command again to continue"
                )
            ) from None


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
@click.pass_context
def cli(
    ctx: click.Context,
    config: Path | None,
    workspace: Path | None,
    logs_dir: Path | None,
    target_url: str | None,
) -> None:
    """Move kotoutuminen.fi and the Partnership platform to the KEHA Centre.

    Settings come from defaults, then transfer.toml, then TRANSFER_* environment variables,
    then these flags. Secrets come only from the environment. Every command that does work
    writes logs/<run_id>/events.jsonl.

    \b
    First steps:
      transfer doctor          is this machine ready?
      transfer config show     the effective settings and where each came from
    """
    ctx.obj = CliState(
        config, {"workspace": workspace, "logs_dir": logs_dir, "target.url": target_url}
    )


@cli.group()
def config() -> None:
    """Inspect the configuration."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def config_show(state: CliState, as_json: bool) -> None:
    """Print the effective settings, secrets redacted, with where each value came from."""
    rows = state.settings().describe()
    if as_json:
        ui.say(
            json.dumps(
                {key: {"value": value, "from": origin} for key, value, origin in rows},
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    ui.table("Effective settings", ("setting", "value", "from"), rows)


@cli.command("exit-codes")
def exit_codes() -> None:
    """List the exit codes that runbooks can gate on."""
    ui.table(
        "Exit codes",
        ("code", "name", "meaning"),
        ((code.code, code.name, code.meaning) for code in EXIT_CODES),
    )


@cli.command("doctor")
@click.option("--no-sources", is_flag=True, help="Skip the checks that call the sources.")
@pass_state
def doctor_command(state: CliState, no_sources: bool) -> None:
    """Check Python, dependencies, configuration, folders, target database and sources.

    Prints one line per check. Exits 7 when the target database fails its check, 11 when
    any other check fails, 0 when all pass.
    """
    settings = state.settings()
    with Run("doctor", settings.logs_dir) as run:
        results = []
        for check in doctor.checks(settings, sources=not no_sources):
            ui.status_line(check.status, check.name, check.detail)
            run.events.emit(
                "doctor",
                "check",
                level="error" if check.status == "fail" else "info",
                name=check.name,
                status=check.status,
                detail=check.detail,
            )
            results.append(check)
        ui.say(f"run {run.run_id}: events in {run.dir / 'events.jsonl'}")
        doctor.verdict(results)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="transfer")
