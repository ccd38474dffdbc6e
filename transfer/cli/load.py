"""``transfer load``, ``rollback``, ``status`` and ``messages``: the target and its load runs."""

from __future__ import annotations

import json

import click

from transfer import ui
from transfer.cli.root import CliState, pass_state, target_engine
from transfer.errors import (
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
@pass_state
def load_command(state: CliState, plan: bool, allow_removals: bool) -> None:
    """Load the mapped rows into the KEHA target: new and changed records in batches of one
    transaction each, unchanged ones untouched, records gone from the source unpublished
    (content) or deleted. With --plan nothing is written: plan.jsonl in the run folder lists
    every record's action with its reason. Exit 6 when records failed or the removal safety
    stop refused, 7 when the database fails."""
    from transfer.loaders.run import load

    with Run("load", state.settings().logs_dir) as run:
        with ui.live_report("planning" if plan else "loading") as update:
            result = load(
                state.settings(), run, plan=plan, allow_removals=allow_removals, progress=update
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
@pass_state
def rollback_command(state: CliState, run_id: str | None, cutover_mode: str | None) -> None:
    """Undo load run RUN_ID exactly: rows it created are deleted, rows it updated or
    unpublished get their earlier values back, rows it deleted return. Only the newest
    load that changed the target can be rolled back. With --cutover, undo the loads of
    the latest cutover run instead (what runbooks/rollback.yml runs)."""
    from transfer.loaders.rollback import rollback

    if (run_id is None) == (cutover_mode is None):
        raise click.UsageError("give a RUN_ID or --cutover MODE (one of them)")
    engine = target_engine(state)
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


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def status_command(state: CliState, as_json: bool) -> None:
    """Per migration (source system and kind): total, imported, updated, unchanged, failed,
    pending and removed records, from the mapped store, the id map and the last load."""
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
