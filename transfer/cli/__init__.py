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

from transfer.cli.root import cli

#: Every command of the root: its name and where it lives (``module:attribute``). A command's
#: module, and the library behind it, is imported only when that command runs (or when
#: ``--help`` lists them all): ``transfer map`` does not pay for the cutover's, the sandbox's
#: or the schema migrations' imports, which matters to every step a runbook starts.
COMMANDS = {
    "config": "transfer.cli.config:config",
    "exit-codes": "transfer.cli.config:exit_codes",
    "doctor": "transfer.cli.config:doctor_command",
    "schema": "transfer.cli.schema:schema",
    "extract": "transfer.cli.extract:extract",
    "map": "transfer.cli.map_stage:map_command",
    "mappings": "transfer.cli.map_stage:mappings",
    "load": "transfer.cli.load:load_command",
    "rollback": "transfer.cli.load:rollback_command",
    "status": "transfer.cli.load:status_command",
    "runs": "transfer.cli.load:runs_command",
    "reset-status": "transfer.cli.load:reset_status_command",
    "messages": "transfer.cli.load:messages_command",
    "verify": "transfer.cli.verify:verify_command",
    "sandbox": "transfer.cli.sandbox:sandbox",
    "rehearse": "transfer.cli.sandbox:rehearse",
    "cutover": "transfer.cli.cutover:cutover",
    "freeze-check": "transfer.cli.cutover:freeze_check_command",
    "post-launch-check": "transfer.cli.cutover:post_launch_check_command",
    "tasks": "transfer.cli.cutover:tasks_command",
    "redirects": "transfer.cli.cutover:redirects",
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
