"""The ``transfer`` command: parses options, calls one library function, prints.

One module per command group (``extract``, ``map``, ``load``, ``verify``, ``cutover``,
``sandbox``, ``schema``, ``config``); :mod:`transfer.cli.root` holds the root group, its
global options and the translation of library errors into exit codes. Nothing outside
this package imports it: the runbook checker is handed the command tree.
"""

from __future__ import annotations

import logging
import os
import sys

from transfer.cli.root import LazyCommand, cli

#: Every command of the root: its name, where it lives (``module:attribute``) and its line in
#: ``transfer --help``. A command's module, and the library behind it, is imported only when
#: that command runs: ``transfer map`` does not pay for the cutover's, the sandbox's or the
#: schema migrations' imports, which matters to every step a runbook starts, and ``--help``
#: lists them all from here. Each summary fits the listing's 80 columns uncut.
COMMANDS = {
    "config": LazyCommand("transfer.cli.config:config", "Inspect the configuration."),
    "exit-codes": LazyCommand(
        "transfer.cli.config:exit_codes", "List the exit codes that runbooks can gate on."
    ),
    "doctor": LazyCommand(
        "transfer.cli.config:doctor_command", "Check this machine, the settings and sources."
    ),
    "schema": LazyCommand(
        "transfer.cli.schema:schema", "The KEHA target schema: versions and migrations."
    ),
    "extract": LazyCommand(
        "transfer.cli.extract:extract", "Extract the sources into staging (resumable)."
    ),
    "map": LazyCommand(
        "transfer.cli.map_stage:map_command", "Map the staged records to KEHA rows."
    ),
    "mappings": LazyCommand(
        "transfer.cli.map_stage:mappings", "The mapping files: check them before a run."
    ),
    "load": LazyCommand(
        "transfer.cli.load:load_command", "Load the mapped rows into the KEHA target."
    ),
    "rollback": LazyCommand("transfer.cli.load:rollback_command", "Undo one load run exactly."),
    "status": LazyCommand(
        "transfer.cli.load:status_command", "Records per migration: loaded, failed, pending."
    ),
    "runs": LazyCommand(
        "transfer.cli.load:runs_command", "Every load run of the target, newest first."
    ),
    "reset-status": LazyCommand(
        "transfer.cli.load:reset_status_command", "Mark a load run left running as interrupted."
    ),
    "messages": LazyCommand(
        "transfer.cli.load:messages_command", "Per-record messages of load runs, newest first."
    ),
    "verify": LazyCommand(
        "transfer.cli.verify:verify_command", "Verify the target against the sources: GO or NO-GO."
    ),
    "sandbox": LazyCommand(
        "transfer.cli.sandbox:sandbox", "The rehearsal sandbox: both sources on loopback."
    ),
    "rehearse": LazyCommand(
        "transfer.cli.sandbox:rehearse", "The whole rehearsal against the built-in sandbox."
    ),
    "cutover": LazyCommand(
        "transfer.cli.cutover:cutover", "Executable runbooks: steps, gates, confirmations."
    ),
    "freeze-check": LazyCommand(
        "transfer.cli.cutover:freeze_check_command", "What changed in the sources since the freeze."
    ),
    "post-launch-check": LazyCommand(
        "transfer.cli.cutover:post_launch_check_command",
        "Request every old and new URL after the launch.",
    ),
    "tasks": LazyCommand(
        "transfer.cli.cutover:tasks_command", "The tasks moving to the KEHA Centre: dates, owners."
    ),
    "redirects": LazyCommand(
        "transfer.cli.cutover:redirects", "The old addresses' redirect map, for the web server."
    ),
}
cli.lazy_commands.update(COMMANDS)

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    # As Python's logging documentation advises for production: a logging failure while
    # the interpreter shuts down (a handler half-built when Ctrl-C arrived) prints no
    # traceback; the run's own outcome and exit code are already decided by then.
    logging.raiseExceptions = False
    try:
        cli(prog_name="transfer")
    finally:
        _release_closed_stdout()


def _release_closed_stdout() -> None:
    """When the reader of stdout went away (``| tee`` stopped by the same Ctrl-C), point
    stdout at /dev/null, as Python's signal documentation advises: the flush at exit would
    otherwise print a BrokenPipeError after the run already ended as interrupted."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
