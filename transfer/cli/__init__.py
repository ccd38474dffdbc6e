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

from transfer.cli import config, cutover, extract, load, map_stage, sandbox, schema, verify
from transfer.cli.root import cli

for command in (
    config.config,
    config.exit_codes,
    config.doctor_command,
    schema.schema,
    extract.extract,
    map_stage.map_command,
    map_stage.mappings,
    load.load_command,
    load.rollback_command,
    load.status_command,
    load.runs_command,
    load.reset_status_command,
    load.messages_command,
    verify.verify_command,
    sandbox.sandbox,
    sandbox.rehearse,
    cutover.cutover,
    cutover.freeze_check_command,
    cutover.post_launch_check_command,
    cutover.tasks_command,
    cutover.redirects,
):
    cli.add_command(command)

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
