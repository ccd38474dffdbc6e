"""``transfer load``, ``rollback``, ``status`` and ``messages``: the target and its load runs."""

from __future__ import annotations

import json

import click

from transfer import ui
from transfer.cli.root import CliState, pass_state, target_engine
from transfer.errors import (
    Interrupted,
    LoadError,
)
from transfer.runs import Run


@click.command("load")
@click.option("--plan", is_flag=True, help="Write nothing; report what a load would do.")
@click.option(
    "--allow-removals",
    is_flag=True,
    help="Let this load remove more than load.max_removal_share of the live records.",
)
@click.option(
    "--idlist",
    metavar="KEYS",
    help="Only these records: comma-separated source keys, each source_system:record_key "
    "(as `transfer messages` and the verification report name them) or a bare record key. "
    "Records not listed are left alone, removals included.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    metavar="N",
    help="Write at most N records (records that need nothing do not count), then stop; "
    "the next load goes on from there. Retires nothing: removals wait for a full load.",
)
@click.option(
    "--update",
    "rewrite",
    is_flag=True,
    help="Rewrite the records (the listed ones with --idlist) even when their mapped rows "
    "are unchanged: repairs target rows edited by hand. Journaled, so rollback undoes it.",
)
@pass_state
def load_command(
    state: CliState,
    plan: bool,
    allow_removals: bool,
    idlist: str | None,
    limit: int | None,
    rewrite: bool,
) -> None:
    """Load the mapped rows into the KEHA target: new and changed records in batches of one
    transaction each, unchanged ones untouched, records gone from the source unpublished
    (content) or deleted. With --plan nothing is written: plan.jsonl in the run folder lists
    every record's action with its reason. Exit 6 when records failed or the removal safety
    stop refused, 7 when the database fails.

    \b
    To repair one record whose target row was edited by hand (verify is NO-GO):
      transfer load --update --idlist online_service:https://kotoutuminen.fi/-/uutinen-2
    To load a first slice:
      transfer load --limit 100"""
    from transfer.loaders.run import load
    from transfer.loaders.selection import Selection

    selection = Selection.parse(idlist, limit, rewrite)
    with Run("load", state.settings().logs_dir) as run:
        with ui.live_report("planning" if plan else "loading") as update:
            result = load(
                state.settings(),
                run,
                plan=plan,
                allow_removals=allow_removals,
                selection=selection,
                progress=update,
            )
        ui.table(
            "Load plan" if plan else "Load summary",
            ("source system", "kind", "action", "records"),
            (
                (system, kind, action, n)
                for (system, kind, action), n in sorted(result.stats.by_migration.items())
            ),
        )
        ui.say(
            ", ".join(f"{action} {n}" for action, n in sorted(result.stats.actions.items()))
            or "nothing to load"
        )
        if result.removals:
            ui.say(
                f"removals: {result.removals} of {result.live_before} live records "
                f"({result.removal_share:.1%})",
                style="yellow" if result.safety_stop else None,
            )
        if plan and result.safety_stop:
            ui.say("a load would stop here: above load.max_removal_share", style="yellow")
        for system, key, message in result.stats.failures[:20]:
            ui.say(f"failed: {system} {key}: {message}", style="red")
        ui.say(f"run {run.run_id}: {'plan.jsonl and ' if plan else ''}summary in {run.dir}")
        if result.stats.failures:
            raise LoadError(
                f"{len(result.stats.failures)} record(s) failed to load",
                where=str(run.dir / "load-summary.json"),
                next_step="`transfer messages --run "
                f"{run.run_id} --level error` lists them; fix and load again",
            )


@click.command("rollback")
@click.argument("run_id", required=False)
@click.option(
    "--cutover",
    "cutover_mode",
    type=click.Choice(["rehearsal", "production"]),
    help="Instead of one run: undo every load made since the latest cutover run of this "
    "mode opened, newest first (the target as it was before the cutover).",
)
@click.option(
    "--plan",
    is_flag=True,
    help="Write nothing: show what would be undone (the runs, and per table the rows to "
    "delete, restore and re-insert).",
)
@click.option(
    "--yes",
    "-y",
    is_flag=True,
    help="Do not ask before rolling back (scripts and runbooks). Without it the rollback "
    "shows its plan and asks; with no answer (no terminal, empty input) nothing is written.",
)
@pass_state
def rollback_command(
    state: CliState, run_id: str | None, cutover_mode: str | None, plan: bool, yes: bool
) -> None:
    """Undo load run RUN_ID exactly: rows it created are deleted, rows it updated or
    unpublished get their earlier values back, rows it deleted return. Only the newest
    load that changed the target can be rolled back. With --cutover, undo the loads of
    the latest cutover run instead (what runbooks/rollback.yml runs).

    It first shows what it would undo and asks; --plan stops there, --yes does not ask.
    The answer is read from stdin also without a terminal; no answer or a no writes
    nothing and exits 130. `transfer runs` lists the run ids.

    \b
      transfer rollback --plan 20250501T030000Z-load-3fa2
      transfer rollback --yes 20250501T030000Z-load-3fa2"""
    from transfer.loaders.rollback import rollback

    if (run_id is None) == (cutover_mode is None):
        raise click.UsageError("give a RUN_ID or --cutover MODE (one of them)")
    engine = target_engine(state)
    _show_rollback_plan(state, run_id, cutover_mode)
    if plan:
        return
    if not yes:
        _confirm_rollback(run_id or f"the {cutover_mode} cutover's loads")
    if cutover_mode is not None:
        from transfer.cutover.undo import undo_cutover

        with Run("rollback", state.settings().logs_dir) as run:
            undone = undo_cutover(engine, state.settings().workspace, cutover_mode)
            run.events.emit(
                "load",
                "cutover rolled back",
                cutover_run=undone.cutover_run,
                runs=[result.run_id for result in undone.undone],
            )
        shown = ", ".join(result.run_id for result in undone.undone) or "none"
        ui.say(
            f"cutover {undone.cutover_run} (opened {undone.opened:%Y-%m-%d %H:%M:%S} UTC): "
            f"{len(undone.undone)} load run(s) rolled back: {shown}"
        )
        return
    assert run_id is not None
    with Run("rollback", state.settings().logs_dir) as run:
        result = rollback(engine, run_id)
        run.events.emit("load", "rolled back", **vars(result))
    ui.say(
        f"run {run_id} rolled back: {result.deleted} rows deleted, {result.restored} restored, "
        f"{result.reinserted} re-inserted, {result.id_map_entries} id-map entries reset"
    )


def _show_rollback_plan(state: CliState, run_id: str | None, cutover_mode: str | None) -> None:
    """Print what the rollback would undo; raises what the rollback itself would raise
    (unknown run, rolled back already, a later load first), so nothing is asked in vain."""
    from transfer.loaders.rollback import rollback_plan

    engine = target_engine(state)
    if cutover_mode is not None:
        from transfer.cutover.undo import cutover_loads

        cutover_run, opened, run_ids = cutover_loads(
            engine, state.settings().workspace, cutover_mode
        )
        ui.say(
            f"cutover {cutover_run} (opened {opened:%Y-%m-%d %H:%M:%S} UTC): "
            f"{len(run_ids)} load run(s) to roll back, newest first"
        )
        # The newest is checked as a rollback would; each older one is undone after it.
        plans = [rollback_plan(engine, rid, check=i == 0) for i, rid in enumerate(run_ids)]
    else:
        assert run_id is not None
        plans = [rollback_plan(engine, run_id)]
    for found in plans:
        c = found.counts
        ui.table(
            f"Run {c.run_id}: {c.deleted} rows to delete, {c.restored} to restore, "
            f"{c.reinserted} to re-insert, {c.id_map_entries} id-map entries to reset",
            ("table", "undo", "rows"),
            found.by_table,
        )


def _confirm_rollback(what: str) -> None:
    try:
        confirmed = click.confirm(f"Roll back {what} now?", default=False)
    except click.Abort:
        confirmed = False
    if not confirmed:
        raise Interrupted(
            "rollback not confirmed: nothing was written",
            next_step="answer y to roll back, or give --yes (scripts, runbooks); "
            "--plan only shows what would be undone",
        )


@click.command("reset-status")
@click.argument("run_id")
@pass_state
def reset_status_command(state: CliState, run_id: str) -> None:
    """Mark load run RUN_ID, left `running` by a machine that was lost, as `interrupted`.

    It takes the target's writer lock first: while the run's process (or its database
    session) may still be alive, it refuses with exit 6 and names the lock's holder where
    the database can. What the run committed stays: the next `transfer load` goes on from
    there, or `transfer rollback` undoes it. A run killed on this machine needs no reset
    (the next load marks it interrupted itself). `transfer runs` lists the run ids."""
    from transfer.loaders.reset import reset_status

    with Run("reset-status", state.settings().logs_dir) as run:
        result = reset_status(target_engine(state), run_id)
        run.events.emit("load", "run reset", run_id=run_id, state=result.state)
    ui.say(
        f"run {run_id} (started {result.started_at:%Y-%m-%d %H:%M:%S} UTC) is now "
        f"{result.state}; `transfer load` goes on from what it committed"
    )


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def status_command(state: CliState, as_json: bool) -> None:
    """Per migration (source system and kind): total, imported, updated, unchanged,
    skipped, failed, pending and removed records, from the mapped store, the id map and the
    last load, and the per-record messages of the load runs (`transfer messages` lists
    them)."""
    from dataclasses import asdict

    from transfer.loaders.options import LoadOptions
    from transfer.loaders.report import STATUS_COLUMNS, status

    settings = state.settings()
    found = status(target_engine(state), LoadOptions.from_settings(settings).mapped_store)
    if as_json:
        payload = {"last_run": found.last_run, "migrations": [asdict(m) for m in found.migrations]}
        ui.say(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    ui.table(
        "Migrations",
        ("source system", "kind", *STATUS_COLUMNS),
        (
            (m.source_system, m.kind, *(getattr(m, name) for name in STATUS_COLUMNS))
            for m in found.migrations
        ),
    )
    last = found.last_run
    ui.say(f"last load: {last['run_id']} ({last['state']})" if last else "no load yet")


@click.command("runs")
@click.option(
    "--all",
    "every_folder",
    is_flag=True,
    help="Also every other run folder in logs/ (extract, map, verify, cutover, plans...), "
    "with its outcome from events.jsonl.",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def runs_command(state: CliState, every_folder: bool, limit: int | None, as_json: bool) -> None:
    """Every load run of the target, newest first: its state (running, complete, failed,
    interrupted, rolled_back), counts per action, the options it took and its
    load-summary.json (when this machine has the run folder). The run ids are what
    `transfer rollback`, `transfer messages --run` and `transfer reset-status` take."""
    from dataclasses import asdict

    from transfer.loaders.history import load_runs
    from transfer.runs import run_folders

    logs_dir = state.settings().logs_dir
    loads = load_runs(target_engine(state), logs_dir, limit=limit)
    known = {run.run_id for run in loads}
    others = [f for f in run_folders(logs_dir) if f.run_id not in known] if every_folder else []
    if limit is not None:
        others = others[:limit]
    if as_json:
        payload: dict[str, object] = {"load_runs": [asdict(run) for run in loads]}
        if every_folder:
            payload["run_folders"] = [asdict(folder) for folder in others]
        ui.say(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    ui.table(
        f"Load runs ({len(loads)})",
        ("run", "state", "started", "finished", "counts", "options", "report"),
        (
            (
                run.run_id,
                run.state,
                run.started_at,
                run.finished_at or "",
                ", ".join(f"{action} {n}" for action, n in sorted(run.counts.items())),
                " ".join(_option_text(name, value) for name, value in run.selection.items()),
                run.report or "",
            )
            for run in loads
        ),
    )
    if every_folder:
        ui.table(
            f"Other run folders ({len(others)})",
            ("run", "command", "started", "outcome", "folder"),
            (
                (
                    f.run_id,
                    f.command,
                    f.started_at,
                    f.outcome if f.exit_code is None else f"{f.outcome} (exit {f.exit_code})",
                    f.path,
                )
                for f in others
            ),
        )


def _option_text(name: str, value: object) -> str:
    if value is True:
        return f"--{name}"
    if isinstance(value, list):
        return f"--{name} {','.join(map(str, value))}"
    return f"--{name} {value}"


@click.command("messages")
@click.option("--run", "run_id", help="Only this load run.")
@click.option("--source-system", help="Only this source system.")
@click.option("--kind", help="Only this kind of record.")
@click.option("--level", type=click.Choice(["info", "warning", "error"]), help="Only this level.")
@click.option("--key", "key_contains", help="Only records whose key contains this text.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many, newest first.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@pass_state
def messages_command(
    state: CliState,
    run_id: str | None,
    source_system: str | None,
    kind: str | None,
    level: str | None,
    key_contains: str | None,
    limit: int | None,
    fmt: str,
) -> None:
    """Per-record messages of load runs (failures, skips, removals), newest first."""
    from transfer.loaders.report import read_messages, render_messages

    found = read_messages(
        target_engine(state),
        run_id=run_id,
        source_system=source_system,
        kind=kind,
        level=level,
        key_contains=key_contains,
        limit=limit,
    )
    if fmt != "table":
        ui.say(render_messages(found, fmt).rstrip("\n"))
        return
    ui.table(
        f"Messages ({len(found)})",
        ("run", "source system", "record", "kind", "level", "message"),
        ((m.run_id, m.source_system, m.record_key, m.kind, m.level, m.message) for m in found),
    )
