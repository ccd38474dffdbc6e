"""``transfer cutover``, ``freeze-check``, ``post-launch-check``, ``tasks`` and ``redirects``:
the cutover night."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from transfer import ui
from transfer.cli.root import CliState, command_tree, pass_state, target_engine
from transfer.runs import Run
from transfer.stats import ProgressReport


@click.group()
def cutover() -> None:
    """Executable runbooks: steps, gates, typed confirmations; resumable."""


def _prompting_confirmer(operator: str | None) -> Any:
    from transfer.cutover.executor import Confirmed

    name = [operator or ""]

    def confirmer(step: Any) -> Confirmed | None:
        try:
            while not name[0].strip():
                name[0] = click.prompt("Operator name (recorded with each confirmation)")
            ui.say(f"step {step.id}: {step.title}", style="bold")
            ui.say(step.text)
            typed = click.prompt(
                f"Type {step.phrase!r} to confirm (anything else stops)",
                default="",
                show_default=False,
            )
        except click.Abort:
            return None
        return Confirmed(name[0].strip(), typed, interactive=True)

    return confirmer


@cutover.command("run")
@click.argument("runbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--rehearse", is_flag=True, help="A rehearsal: refuses a production target.")
@click.option("--operator", help="Your name, recorded with the run and every confirmation.")
@click.option(
    "--confirm-as",
    metavar="NAME",
    help="Rehearsals only: confirm every step as NAME without asking.",
)
@click.option("--new", "new_run", is_flag=True, help="Start a new run instead of resuming.")
@click.option(
    "--tasks",
    "tasks_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Task register for the summary [tasks.yml beside the runbook].",
)
@pass_state
def cutover_run(
    state: CliState,
    runbook: Path,
    rehearse: bool,
    operator: str | None,
    confirm_as: str | None,
    new_run: bool,
    tasks_file: Path | None,
) -> None:
    """Run a runbook step by step; running it again resumes where it stopped.

    A command whose exit code is not expected stops the run (exit 10) naming the step, the
    command and what to do next. Confirmations are typed and recorded with your name. The
    closed run leaves summary.md and summary.html in logs/<run_id>/.
    """
    from transfer.cutover.executor import confirm_as as auto_confirm
    from transfer.cutover.executor import run_cutover
    from transfer.cutover.runbook import load_runbook

    if confirm_as and not rehearse:
        raise click.UsageError("--confirm-as is for rehearsals: add --rehearse, or type them")
    book = load_runbook(runbook, command_tree())
    outcome = run_cutover(
        book,
        state.settings(),
        rehearse=rehearse,
        confirmer=auto_confirm(confirm_as) if confirm_as else _prompting_confirmer(operator),
        operator=confirm_as or operator or "",
        new=new_run,
        report=ui.status_line,
        tasks_file=tasks_file or runbook.parent / "tasks.yml",
        output=ui.output_line,
    )
    if outcome.already_closed:
        ui.say(f"run {outcome.run_id} of {book.name} ({outcome.mode}) is already closed")
        ui.say("pass --new to start another run")
    else:
        verb = "resumed and closed" if outcome.resumed else "closed"
        ui.say(f"run {outcome.run_id} {verb}: {len(outcome.ran)} step(s) run this time")
    ui.say(f"sign-off summary: {outcome.summary_html} and {outcome.summary_md}")


@cutover.command("preflight")
@click.argument("runbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--rehearse", is_flag=True, help="Check for a rehearsal run.")
@click.option("--new", "new_run", is_flag=True, help="Check every step, as for a new run.")
@pass_state
def cutover_preflight(state: CliState, runbook: Path, rehearse: bool, new_run: bool) -> None:
    """Check what `cutover run` checks before its first step: every variable, path, the
    target's mode and schema, the sources and the disk space the steps still to run need.

    Prints one line per check and exits 3 listing every failure; runs and confirms nothing.
    """
    from transfer.cutover.preflight import run_preflight
    from transfer.cutover.runbook import load_runbook

    book = load_runbook(runbook, command_tree())
    found = run_preflight(book, state.settings(), rehearse=rehearse, new=new_run)
    for finding in found.findings:
        needed = f" (needed by {', '.join(finding.steps)})" if finding.steps else ""
        ui.status_line(finding.status, finding.name, finding.detail + needed)
    ui.say(f"{len(found.steps)} step(s) to run in {found.mode}: {', '.join(found.steps) or 'none'}")
    found.raise_if_failed(f"transfer cutover run {runbook}" + (" --rehearse" if rehearse else ""))


@cutover.command("status")
@click.argument("runbook", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option("--rehearse", is_flag=True, help="With RUNBOOK: its rehearsal run.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def cutover_status(state: CliState, runbook: Path | None, rehearse: bool, as_json: bool) -> None:
    """Every cutover run of this workspace, or the steps of one runbook's current run."""
    from dataclasses import asdict

    from transfer.cutover.runbook import load_runbook
    from transfer.cutover.status import list_runs, runbook_status

    settings = state.settings()
    if runbook is None and as_json:
        runs = [
            {**asdict(r.state), "finished_steps": r.finished_steps, "status": r.status}
            for r in list_runs(settings.workspace)
        ]
        ui.say(json.dumps({"runs": runs}, indent=2, ensure_ascii=False))
        return
    if runbook is None:
        ui.table(
            "Cutover runs",
            ("runbook", "mode", "run", "opened", "steps finished", "status"),
            (
                (
                    r.state.runbook,
                    r.state.mode,
                    r.state.run_id,
                    r.state.opened,
                    r.finished_steps,
                    r.status,
                )
                for r in list_runs(settings.workspace)
            ),
        )
        return
    run_state, lines = runbook_status(load_runbook(runbook, command_tree()), settings, rehearse)
    if as_json:
        payload = {
            "run": None if run_state is None else asdict(run_state),
            "steps": [asdict(line) for line in lines],
        }
        ui.say(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if run_state is None:
        ui.say(f"no run of {runbook} yet; `transfer cutover run {runbook}` starts one")
        return
    ui.table(
        f"Run {run_state.run_id} ({run_state.mode})"
        + (f", closed {run_state.closed}" if run_state.closed else ""),
        ("step", "status", "attempts", "seconds", "outcome"),
        ((s.id, s.status, s.attempts, s.seconds, s.detail) for s in lines),
    )


@cutover.command("validate")
@click.argument("runbooks", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
def cutover_validate(runbooks: tuple[Path, ...]) -> None:
    """Check runbooks (default: runbooks/*.yml) and the task register; exit 3 on problems."""
    from transfer.cutover.status import runbook_files, validate_runbooks
    from transfer.cutover.tasks import load_register

    paths = list(runbooks) or runbook_files(Path("runbooks"))
    for book in validate_runbooks(paths, command_tree()):
        ui.status_line("ok", str(book.path), f"{len(book.steps)} steps")
    register = (paths[0].parent if paths else Path("runbooks")) / "tasks.yml"
    if not runbooks and register.is_file():
        ui.status_line("ok", str(register), f"{len(load_register(register).tasks)} tasks")


@click.command("freeze-check")
@click.option(
    "--since",
    required=True,
    envvar="TRANSFER_FREEZE_SINCE",
    help="When the content freeze began, ISO 8601, e.g. 2025-04-24T18:00 (a time without "
    "an offset is Helsinki time) [env TRANSFER_FREEZE_SINCE].",
)
@click.option(
    "--fail-on-change",
    is_flag=True,
    help="Exit 10 when anything changed after the freeze (or without a stamp to tell).",
)
@pass_state
def freeze_check_command(state: CliState, since: str, fail_on_change: bool) -> None:
    """List every page, attachment and platform entity changed in the sources since the
    freeze began.

    Extracts both sources incrementally (an unchanged page costs no body), so the staging
    stores then hold exactly the final delta that `transfer map` and `transfer load` carry.
    Each change is listed with the source's own modification stamp and whether it falls
    after --since; the list is in freeze-changes.csv in the run folder.
    """
    from transfer.cutover.freeze import freeze_check, parse_since

    settings = state.settings()
    with Run("freeze-check", settings.logs_dir) as run:
        with ui.live_counter("checking the sources", _stage_line) as update:
            report = freeze_check(
                settings,
                run,
                parse_since(since),
                progress=lambda stage, stats: update((stage, stats)),
                fail_on_change=fail_on_change,
            )
        ui.table(
            "Changes since the freeze",
            ("source", "change", "count"),
            [[source, change, str(n)] for (source, change), n in sorted(report.counts().items())],
        )
        ui.say(
            f"{len(report.after_freeze)} change(s) after {report.since.isoformat()} or without "
            f"a stamp; every change listed in {run.artefact('freeze-changes.csv')}"
        )


def _stage_line(stage_and_stats: tuple[str, ProgressReport]) -> str:
    stage, stats = stage_and_stats
    return f"{stage}: {stats.describe()}"


@click.command("post-launch-check")
@click.option(
    "--base",
    help="Address of the launched KEHA site, e.g. https://keha.example.fi. Without it, the "
    "target database is served as the rehearsal site on loopback and checked.",
)
@click.option(
    "--old-base",
    help="Send the old addresses here, with the old host in the Host header (a redirect "
    "layer not yet in DNS). Default: each old host itself, over https.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=16,
    show_default=True,
    help="Requests at once (kept-alive connections per host).",
)
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    help="Checking processes, sharing the requests at once between them. Default: one per "
    "core (one for fewer than 4,000 URLs); 1 checks in this process.",
)
@pass_state
def post_launch_check_command(
    state: CliState,
    base: str | None,
    old_base: str | None,
    concurrency: int,
    processes: int | None,
) -> None:
    """Request every old and new URL of the target and report each failure.

    Every redirect must answer its status with the right Location and lead to a page that
    answers 200; every published page its new path with 200; every public asset its bytes
    with the stored sha256. Failures go to post-launch-failures.csv in the run folder.
    Exits 10 when any URL failed.
    """
    from transfer.cutover.post_launch import check_launch

    settings = state.settings()
    with Run("post-launch-check", settings.logs_dir) as run:
        with ui.live_report("checking") as update:
            result = check_launch(
                settings,
                run,
                base_url=base,
                old_base=old_base,
                concurrency=concurrency,
                progress=update,
                processes=processes,
            )
        ui.table(
            "Post-launch check",
            ("kind", "checked"),
            [[kind, str(number)] for kind, number in sorted(result.checked.items())],
        )
        ui.say(f"run {run.run_id}: every URL answered as planned; details in {run.dir}")


@click.command("tasks")
@click.option(
    "--file",
    "register_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("runbooks/tasks.yml"),
    show_default=True,
    help="The task-transfer register.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Count days from this date instead of today.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def tasks_command(register_file: Path, today: Any, as_json: bool) -> None:
    """The tasks moving to the KEHA Centre: dates, days left, owner roles, overdue ones."""
    import datetime as dt

    from transfer.cutover.tasks import load_register, task_table

    register = load_register(register_file)
    day = today.date() if today else dt.date.today()
    rows = task_table(register, day)
    if as_json:
        tasks = [
            {
                "id": r.task.id,
                "task": r.task.task,
                "effective": r.task.effective.isoformat(),
                "days": r.days,
                "overdue": r.overdue,
                "owner": r.task.owner,
                "continuity": list(r.task.continuity),
                "status": r.task.status,
                "evidence": [{"kind": e.kind, "ref": e.ref} for e in r.task.evidence],
            }
            for r in rows
        ]
        payload = {"title": register.title, "as_of": day.isoformat(), "tasks": tasks}
        ui.say(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    ui.table(
        f"{register.title} (as of {day})",
        ("task", "effective", "when", "owner", "status", "evidence"),
        (
            (
                r.task.task,
                r.task.effective,
                r.when + (" OVERDUE" if r.overdue else ""),
                r.task.owner,
                r.task.status,
                ", ".join(str(e) for e in r.task.evidence),
            )
            for r in rows
        ),
    )
    overdue = [r.task.id for r in rows if r.overdue]
    ui.say(f"{len(overdue)} overdue: {', '.join(overdue)}" if overdue else "nothing overdue")


@click.group()
def redirects() -> None:
    """The redirect map of the old addresses, for the web server."""


@redirects.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nginx", "apache", "csv"]),
    default="nginx",
    show_default=True,
    help="nginx map (plus a server snippet), Apache RewriteMap txt, or CSV.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write it [logs/<run_id>/redirects.<format>].",
)
@click.option(
    "--base",
    help="The new site's address that paths lead to [sources.online_service.base_url].",
)
@pass_state
def redirects_export(state: CliState, fmt: str, out: Path | None, base: str | None) -> None:
    """Export the target's redirects table for the web server: host-aware keys, absolute
    targets; nginx and Apache answer 301."""
    from transfer.cutover.redirect_export import export_redirects

    settings = state.settings()
    with Run("redirects export", settings.logs_dir) as run:
        suffix = {"nginx": "nginx.conf", "apache": "apache.txt", "csv": "csv"}[fmt]
        with ui.live_report("exporting redirects") as update:
            result = export_redirects(
                target_engine(state),
                fmt,
                out or run.artefact(f"redirects.{suffix}"),
                base or settings.online_service.base_url,
                progress=update,
            )
        run.events.emit("redirects", "exported", format=fmt, count=result.count, files=result.files)
    for conflict in result.conflicts:
        ui.say(f"conflict (keys differ only in case): {conflict}", style="yellow")
    if result.other_status:
        ui.say(f"{result.other_status} redirect(s) are not 301 in the table; exported as 301")
    ui.say(f"{result.count} redirects written to " + ", ".join(str(f) for f in result.files))
