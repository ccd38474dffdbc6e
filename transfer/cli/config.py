"""``transfer config``, ``exit-codes`` and ``doctor``: the settings; is this machine ready?"""

from __future__ import annotations

import json

import click

from transfer import doctor, ui
from transfer.cli.root import CliState, pass_state
from transfer.errors import (
    EXIT_CODES,
    ConfigError,
)
from transfer.runs import Run


@click.group()
def config() -> None:
    """Inspect the configuration."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def config_show(state: CliState, as_json: bool) -> None:
    """Print the effective settings, secrets redacted, with where each value came from.

    With problems (an unknown key, a bad value, a file that cannot be read) it still shows
    the settings in effect, each problem marked beside its key, and then exits 3.
    """
    from transfer.config import inspect_settings

    settings, problems = inspect_settings(state.config, overrides=state.overrides)
    marks: dict[str, list[str]] = {}
    for problem in problems:
        if problem.known and problem.key:
            marks.setdefault(problem.key, []).append(f"{problem}; not used")
    rows = [
        (key, value, origin, "; ".join(marks.get(key, [])))
        for key, value, origin in settings.describe()
    ]
    # Unknown keys, and a file that cannot be read at all, have no setting to stand beside.
    rows += [
        (
            p.key or p.where,
            p.value,
            p.where,
            f"{p.message}; ignored" + (f" ({p.hint})" if p.hint else ""),
        )
        for p in problems
        if not p.known or not p.key
    ]
    if as_json:
        shown: dict[str, dict[str, str]] = {}
        for key, value, origin, mark in rows:
            shown[key] = {"value": value, "from": origin} | ({"problem": mark} if mark else {})
        ui.say(json.dumps(shown, indent=2, ensure_ascii=False))
    elif problems:
        ui.table("Effective settings", ("setting", "value", "from", "problem"), rows)
    else:
        ui.table("Effective settings", ("setting", "value", "from"), (row[:3] for row in rows))
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise ConfigError(
            f"{len(problems)} problem(s) in the configuration, marked above:\n{listed}",
            where=problems[0].where,
            next_step="fix them; until then every command stops with exit 3",
        )


@click.command("exit-codes")
def exit_codes() -> None:
    """List the exit codes that runbooks can gate on."""
    ui.table(
        "Exit codes",
        ("code", "name", "meaning"),
        ((code.code, code.name, code.meaning) for code in EXIT_CODES),
    )


@click.command("doctor")
@click.option("--no-sources", is_flag=True, help="Skip the checks that call the sources.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON instead of lines.")
@pass_state
def doctor_command(state: CliState, no_sources: bool, as_json: bool) -> None:
    """Check Python, dependencies, configuration, folders, target database and sources.

    Prints one line per check. Exits 7 when the target database fails its check, 11 when
    any other check fails, 0 when all pass.
    """
    settings = state.settings()
    with Run("doctor", settings.logs_dir) as run:
        report = _no_lines if as_json else ui.status_line
        results = doctor.run_checks(settings, run, report, sources=not no_sources)
        if as_json:
            checks = [{"name": c.name, "status": c.status, "detail": c.detail} for c in results]
            payload = {
                "run_id": run.run_id,
                "ok": all(c.status != "fail" for c in results),
                "checks": checks,
                "events": str(run.dir / "events.jsonl"),
            }
            ui.say(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            ui.say(f"run {run.run_id}: events in {run.dir / 'events.jsonl'}")
        doctor.verdict(results)


def _no_lines(status: str, name: str, detail: str) -> None:
    return None
