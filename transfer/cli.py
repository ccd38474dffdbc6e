"""The ``transfer`` command: parses options, calls one library function, prints.

Errors from the library (``TransferError``) become click exceptions carrying the
documented exit code; nothing below this module prints.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from transfer import __version__, doctor, ui
from transfer.config import Settings, load_settings
from transfer.diskfull import disk_full_error
from transfer.errors import (
    EXIT_CODES,
    ConfigError,
    ExtractionError,
    Interrupted,
    LoadError,
    MappingError,
    TransferError,
)
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
      transfer rehearse        a full dry run against the built-in sandbox
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


@cli.group()
def schema() -> None:
    """The KEHA target schema: versions and migrations (Alembic)."""


def _target_engine(state: CliState) -> Any:
    from transfer.database import create_target_engine, target_url

    return create_target_engine(target_url(state.settings().target))


@schema.command("upgrade")
@click.option(
    "--revision", default="head", show_default=True, help="Schema revision to migrate to."
)
@pass_state
def schema_upgrade(state: CliState, revision: str) -> None:
    """Create or migrate the KEHA tables in the target database."""
    from transfer.database import display_url
    from transfer.schema.versioning import current_revision, upgrade

    engine = _target_engine(state)
    with Run("schema upgrade", state.settings().logs_dir) as run:
        before = current_revision(engine)
        upgrade(engine, revision)
        after = current_revision(engine)
        run.events.emit(
            "schema", "upgraded", before=before, after=after, target=display_url(engine.url)
        )
    ui.say(f"{display_url(engine.url)}: schema {before or 'empty'} -> {after}")


@schema.command("status")
@pass_state
def schema_status(state: CliState) -> None:
    """Show the target's schema revision beside the newest one; exit 6 when behind."""
    from transfer.database import display_url
    from transfer.schema.versioning import check_current, current_revision, head_revision

    engine = _target_engine(state)
    ui.say(
        f"target {display_url(engine.url)}: revision {current_revision(engine) or 'none'}, "
        f"newest {head_revision()}"
    )
    check_current(engine)


@schema.command("reference")
def schema_reference() -> None:
    """Print the schema reference (Markdown): every table, column and key."""
    from transfer.schema.reference import render_reference

    click.echo(render_reference(), nl=False)


@cli.group()
def extract() -> None:
    """Extract the sources into the staging store (resumable, incremental)."""


def _crawl_line(stats: Any) -> str:
    return (
        f"{stats.done} done ({stats.fetched} fetched, {stats.not_modified} unchanged), "
        f"{stats.queued} queued, {stats.rate:.1f}/s, {stats.failed} failed, "
        f"{stats.broken} broken links"
    )


@extract.command("online-service")
@click.option(
    "--profile",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Source profile [<mappings_dir>/online_service/profile.yml].",
)
@click.option(
    "--warc",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also append every response to this WARC file (gzip).",
)
@click.option(
    "--concurrency", type=click.IntRange(1, 64), help="Parallel requests [http.concurrency]."
)
@click.option(
    "--fetch-base",
    help="Fetch from this address instead of the site, e.g. the "
    "sandbox at http://127.0.0.1:8700 [fetch_base setting].",
)
@pass_state
def extract_online_service_command(
    state: CliState,
    profile: Path | None,
    warc: Path | None,
    concurrency: int | None,
    fetch_base: str | None,
) -> None:
    """Crawl kotoutuminen.fi: pages, attachments, redirects and broken links.

    Runs again where it stopped after a crash or Ctrl-C; a later run is an incremental
    re-crawl (conditional requests) that reports new, changed, deleted and moved pages.
    Exits 4 when pages failed permanently (listed with their reasons).
    """
    from transfer.extractors.online_service import extract_online_service, load_profile

    settings = state.settings()
    if fetch_base:
        settings = replace(
            settings, online_service=replace(settings.online_service, fetch_base=fetch_base)
        )
    with Run("extract online-service", settings.logs_dir) as run:
        with ui.live_counter("crawling", _crawl_line) as update:
            result = extract_online_service(
                settings,
                run,
                profile=load_profile(profile) if profile else None,
                warc=warc,
                concurrency=concurrency,
                progress=update,
            )
        ui.table(
            "Crawl summary",
            ("new", "changed", "unchanged", "gone", "moved", "failed", "broken links"),
            [[str(value) for value in result.summary.as_dict().values()]],
        )
        ui.say(f"{result.stats.robots_blocked} URLs refused by robots.txt")
        _end_extraction(run, result.stopped, result.failures, "crawl", "fetched", "URL(s)")


def _end_extraction(
    run: Run,
    stopped: bool,
    failures: Sequence[Mapping[str, Any]],
    stage: str,
    kept: str,
    failed: str,
) -> None:
    """The end every extraction shares: its failures listed, where its records went, and
    the error (with its exit code) when it was stopped or something failed for good; the
    run folder holds ``<stage>-summary.json``."""
    for failure in failures[:20]:
        ui.say(f"failed: {failure['url']} ({failure['reason']})", style="red")
    ui.say(f"run {run.run_id}: records and summary in {run.dir}")
    if stopped:
        raise Interrupted(
            f"{stage} stopped; what was {kept} is kept",
            next_step="run the same command again to continue",
        )
    if failures:
        shown = ", ".join(f"{f['url']} ({f['reason']})" for f in failures[:5])
        raise ExtractionError(
            f"{len(failures)} {failed} failed permanently: {shown}",
            where=str(run.dir / f"{stage}-summary.json"),
            next_step="run the same command again to retry them",
        )


def _export_line(stats: Any) -> str:
    return (
        f"{stats.entities} entities, {stats.files} files ({stats.bytes // 1024} KiB), "
        f"{stats.pages} pages, {stats.rate:.0f} entities/s, {stats.failed} failed"
    )


@extract.command("partnership")
@click.option(
    "--page-size",
    type=click.IntRange(1, 500),
    default=100,
    show_default=True,
    help="Items per API page (Liferay caps it at 500).",
)
@click.option(
    "--fetch-base",
    help="Fetch from this address instead of the platform, e.g. the "
    "sandbox at http://127.0.0.1:8701 [fetch_base setting].",
)
@pass_state
def extract_partnership_command(state: CliState, page_size: int, fetch_base: str | None) -> None:
    """Export the Partnership platform through its REST API: organisations, members,
    workspaces, memberships, discussions and files, plus its public pages.

    Credentials come from TRANSFER_SOURCES_PARTNERSHIP_* only. Runs again where it stopped
    after a crash or Ctrl-C; a later run is incremental (new, changed, unchanged, gone).
    Personal data follows mappings/partnership/personal_data.yml for target.environment.
    Exits 4 when files or collections failed to be fetched (listed with their reasons;
    running again may help). Files the platform itself cannot give (empty, no permission,
    missing) are source defects: listed and in export-summary.json, exit 0.
    """
    from transfer.extractors.partnership import extract_partnership

    settings = state.settings()
    if fetch_base:
        settings = replace(
            settings, partnership=replace(settings.partnership, fetch_base=fetch_base)
        )
    with Run("extract partnership", settings.logs_dir) as run:
        with ui.live_counter("exporting", _export_line) as update:
            result = extract_partnership(settings, run, page_size=page_size, progress=update)
        ui.table(
            "Export summary",
            ("collection", "exported", "new", "changed", "unchanged", "gone"),
            [
                [kind, *(str(n) for n in counts.values())]
                for kind, counts in result.collections.items()
            ],
        )
        ui.say(
            f"{len(result.merge_candidates)} organisation merge candidates; personal data "
            f"for {settings.target.environment}: see personal-data.json"
        )
        for defect in result.source_defects[:20]:
            ui.say(f"source defect: {defect['url']} ({defect['reason']})", style="yellow")
        if result.source_defects:
            ui.say(
                f"{len(result.source_defects)} file(s) the platform itself cannot give "
                "(source defects, not failures: running again cannot help); listed in "
                "export-summary.json"
            )
        _end_extraction(
            run, result.stopped, result.failures, "export", "exported", "file(s) or collection(s)"
        )


def _map_line(progress: Any) -> str:
    return (
        f"{progress.done}/{progress.total} records: {progress.mapped} mapped, "
        f"{progress.skipped} skipped, {progress.failed} failed"
    )


@cli.command("map")
@pass_state
def map_command(state: CliState) -> None:
    """Map every staged record to KEHA rows in <workspace>/mapped/mapped.sqlite.

    Checks the mapping files first (nothing runs while one is wrong), groups translations,
    plans new paths and redirects, and writes the reports (unmapped values with a CSV
    template, unknown links, translation issues, the source-field inventory) to the run
    folder. Exits 5 before writing anything when a mapping reads a path that no staged
    record of its kind has. Resumes after a crash or Ctrl-C. Exits 5 when records failed to
    map (listed in failed-records.json).
    """
    from transfer.mappers.stage import map_sources

    settings = state.settings()
    with Run("map", settings.logs_dir) as run:
        with ui.live_counter("mapping", _map_line) as update:
            result = map_sources(settings, run, progress=update)
        ui.table(
            "Map summary",
            ("source", "kind", "mapped", "skipped", "failed"),
            [
                [source, kind, *(str(result.counts.get((source, kind, s), 0)) for s in statuses)]
                for source, kind in sorted({(s, k) for s, k, _ in result.counts})
                for statuses in [("mapped", "skipped", "failed")]
            ],
        )
        summary = result.summary
        ui.say(
            f"translation groups {summary['translation_groups']}, redirects "
            f"{summary['redirects']}, translation issues {summary['translation_issues']}, "
            f"unmapped values {summary['unmapped_values']}, unknown links "
            f"{summary['unknown_links']}, removed {result.removed}"
        )
        coverage = summary["coverage"]
        ui.say(
            f"source fields: {coverage['undeclared_fields']} undeclared, values not carried: "
            f"{coverage['lost_values']} undeclared, {coverage['declared_losses']} declared "
            "(source-fields.json; `transfer verify` checks them)",
            style="red" if coverage["undeclared_fields"] or coverage["lost_values"] else None,
        )
        ui.say(f"run {run.run_id}: reports in {run.dir}")
        if result.stopped:
            raise Interrupted(
                "map stopped; what was mapped is kept",
                next_step="run the same command again to continue",
            )
        result.raise_for_failures()


@cli.group()
def mappings() -> None:
    """Mapping files (mappings/): check them before anything runs."""


@mappings.command("check")
@pass_state
def mappings_check(state: CliState) -> None:
    """Check every mapping file and URL plan; print each problem as file:line (key): message.

    When staging stores exist (after an extract), also check the mappings against the staged
    records: every source field that carries values must be read by a mapping or declared
    under drop: with the reason, and every path a mapping reads must exist in some record of
    its kind (or be declared under optional:). Exits 5 when there is any problem.
    """
    from transfer.mappers.stage import check_against_staging, check_mapping_files

    settings = state.settings()
    files, problems = check_mapping_files(settings.mappings_dir)
    for problem in problems:
        ui.say(str(problem), style="red")
    if problems:
        raise MappingError(
            f"{len(problems)} problem(s) in the mapping files",
            where=str(settings.mappings_dir),
            next_step="fix the lines named above and run `transfer mappings check` again",
        )
    staged = check_against_staging(settings)
    for line in staged.problems:
        ui.say(line, style="red")
    for item in staged.unmatched:
        if item.optional is not None:
            ui.say(f"{item.where}: {item.path} is in no staged record (optional: {item.optional})")
    if staged.problems:
        raise MappingError(
            f"{len(staged.problems)} problem(s) against the staged records",
            where=str(settings.workspace / "staging"),
            next_step="read or drop each field named above (with the reason), fix each path, "
            "and run `transfer mappings check` again",
        )
    against = (
        f"; against the staged {', '.join(staged.stores)} records: every field read or dropped"
        if staged.stores
        else " (no staging store yet: run it again after an extract to check the fields)"
    )
    ui.say(f"{files} mapping files checked: no problems{against}")


def _load_line(stats: Any) -> str:
    shown = ", ".join(f"{action} {n}" for action, n in sorted(stats.actions.items()))
    return f"{stats.seen} records: {shown}"


@cli.command("load")
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
        with ui.live_counter("planning" if plan else "loading", _load_line) as update:
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


@cli.command("rollback")
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
    engine = _target_engine(state)
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


@cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def status_command(state: CliState, as_json: bool) -> None:
    """Per migration (source system and kind): total, imported, updated, unchanged, failed,
    pending and removed records, from the mapped store, the id map and the last load."""
    from dataclasses import asdict

    from transfer.loaders.options import LoadOptions
    from transfer.loaders.report import STATUS_COLUMNS, status

    settings = state.settings()
    found = status(_target_engine(state), LoadOptions.from_settings(settings).mapped_store)
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


@cli.command("messages")
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
        _target_engine(state),
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


@cli.group()
def sandbox() -> None:
    """The rehearsal sandbox: both source systems replayed on loopback."""


def _sandbox_settings(seed: int, scale: float, epoch: int, faults: str, variant: str = "") -> Any:
    from transfer.sandbox import Faults, SandboxSettings, parse_variants

    try:
        parsed = Faults.parse(faults)
    except ValueError as exc:
        raise ConfigError(
            str(exc), where="--faults", next_step="see `transfer sandbox serve --help`"
        ) from None
    try:
        variants = parse_variants(variant)
    except ValueError as exc:
        raise ConfigError(
            str(exc), where="--variant", next_step="see `transfer sandbox serve --help`"
        ) from None
    return SandboxSettings(seed=seed, scale=scale, epoch=epoch, faults=parsed, variants=variants)


_sandbox_options = [
    click.option(
        "--seed", type=int, default=2025, show_default=True, help="Same seed, same bytes."
    ),
    click.option(
        "--scale",
        type=click.FloatRange(min=0.001),
        default=1.0,
        show_default=True,
        help="1 is about the real size; 0.02 is a tiny site for tests; 10 for benches.",
    ),
    click.option(
        "--epoch",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="Rounds of editorial change since the first snapshot.",
    ),
    click.option(
        "--variant",
        default="",
        metavar="NAME,…",
        help="Other forms of the real sites: mirror-legacy, month-dates, time-ranges, "
        "form-names, body-emails, stale-token-downloads, crawl-delay, creator-names "
        "(default: none).",
    ),
]


def sandbox_options(function: Any) -> Any:
    for option in reversed(_sandbox_options):
        function = option(function)
    return function


@sandbox.command("serve")
@sandbox_options
@click.option(
    "--faults",
    default="",
    metavar="NAME=VALUE,…",
    help="Fault knobs, e.g. latency_ms=20,jitter_ms=5,error_rate=0.05,"
    "throttle_rate=0.02,truncate_rate=0.01,reset_rate=0.01,drip_rate=0.01,"
    "malformed_rate=0.01,wrong_charset_rate=0.01,retry_after_s=1.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address.")
@click.option(
    "--port",
    type=int,
    default=8700,
    show_default=True,
    help="Port of the online service (0: any free port).",
)
@click.option(
    "--platform-port",
    type=int,
    default=8701,
    show_default=True,
    help="Port of the Partnership platform (0: any free port).",
)
def sandbox_serve(
    seed: int,
    scale: float,
    epoch: int,
    variant: str,
    faults: str,
    host: str,
    port: int,
    platform_port: int,
) -> None:
    """Serve the sandbox until Ctrl-C."""
    from transfer.sandbox import serve_sandbox

    settings = _sandbox_settings(seed, scale, epoch, faults, variant)
    with serve_sandbox(settings, host, port, platform_port) as running:
        ui.say(f"online service:       {running.online_url}  (as https://kotoutuminen.fi)")
        ui.say(
            f"partnership platform: {running.platform_url}  "
            "(as https://kumppanuusalusta.kotoutuminen.fi)"
        )
        ui.say(f"seed {seed}, scale {scale}, epoch {epoch}; Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            ui.say("stopped")


@sandbox.command("truth")
@sandbox_options
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Where to write the ground truth JSON.",
)
def sandbox_truth(seed: int, scale: float, epoch: int, variant: str, out: Path) -> None:
    """Write the sandbox's ground truth (everything it serves) as JSON."""
    from transfer.sandbox import write_truth

    counts = write_truth(_sandbox_settings(seed, scale, epoch, "", variant), out)
    ui.say(
        f"ground truth written to {out}: "
        + ", ".join(f"{key} ({count} keys)" for key, count in counts.items())
    )


@cli.command("verify")
@click.option(
    "--media-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Media store to check attachments in [load.media_dir, else <workspace>/media].",
)
@click.option(
    "--lang",
    type=click.Choice(["fi", "sv", "en", "all"]),
    default=None,
    help="Language of report.html; all writes each of fi, sv and en "
    "[verify.report_language, else en].",
)
@pass_state
def verify_command(state: CliState, media_dir: Path | None, lang: str | None) -> None:
    """Verify the target against the sources: report.html, report.json and CSV lists in the
    run folder; exit 0 on GO, 9 on NO-GO."""
    from transfer.verification.settings import no_go, run_verification

    with Run("verify", state.settings().logs_dir) as run:
        report = run_verification(state.settings(), run, media=media_dir, language=lang)
        ui.table(
            "Verification",
            ("check", "status", "errors", "allowed", "warnings"),
            (
                (
                    c.name,
                    c.status,
                    c.errors,
                    "-" if c.max_errors is None else c.max_errors,
                    c.warnings,
                )
                for c in report.checks
            ),
        )
        ui.say(
            f"verdict: {report.verdict.decision}", style=ui.STATUS_STYLE[report.verdict.decision]
        )
        for reason in report.verdict.reasons:
            ui.say(f"  {reason}")
        ui.say(f"report: {run.dir / 'report.html'}")
        if not report.verdict.go:
            raise no_go(report, run.dir)


@cli.command("rehearse")
@sandbox_options
@click.option(
    "--no-cutover",
    is_flag=True,
    help="Stop after the dry run's verification; skip the rehearsed cutover.",
)
@pass_state
def rehearse(
    state: CliState, seed: int, scale: float, epoch: int, variant: str, no_cutover: bool
) -> None:
    """The whole rehearsal against the built-in sandbox (what `make demo` runs).

    A dry run: serve the sandbox, extract both sources, map, load into the (non-production)
    target and verify, printing the verdict and the report's path. Then a rehearsed
    cutover: runbooks/cutover.yml against the sandbox's next epoch (content changed inside
    the freeze window): freeze check and final delta, load, verification gate, redirect
    export and the post-launch check, ending with the sign-off summary's path.
    """
    from transfer.pipeline import rehearse as run_rehearsal
    from transfer.pipeline import rehearse_cutover

    settings = state.settings()
    sandbox = _sandbox_settings(seed, scale, epoch, "", variant)
    with Run("rehearse", settings.logs_dir) as run:
        outcome = run_rehearsal(
            settings, sandbox, run, report=ui.status_line, progress=_stage_progress
        )
        for line in outcome.summary():
            ui.say(line)
        ui.say(f"run {run.run_id}: artefacts in {run.dir}")
        outcome.raise_for_failure()
    if no_cutover:
        return
    ui.say(f"rehearsed cutover: the sandbox at epoch {epoch + 1}, frozen since {sandbox.now} UTC")
    cutover = rehearse_cutover(settings, sandbox, report=ui.status_line)
    ui.say(f"verification report: {outcome.report_path}")
    ui.say(f"redirect map for nginx: {cutover.run_dir / 'redirects.nginx.conf'}")
    ui.say(f"cutover sign-off: {cutover.summary_html} and {cutover.summary_md}")


#: The progress line of each pipeline stage: title and how its stats read.
STAGE_LINES: dict[str, tuple[str, Callable[[Any], str]]] = {
    "crawl": ("crawling the online service", _crawl_line),
    "export": ("exporting the Partnership platform", _export_line),
    "map": ("mapping", _map_line),
    "load": ("loading", _load_line),
}


def _stage_progress(stage: str) -> AbstractContextManager[Callable[[Any], None]]:
    title, describe = STAGE_LINES[stage]
    return ui.live_counter(title, describe)


@cli.group()
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
    book = load_runbook(runbook)
    outcome = run_cutover(
        book,
        state.settings(),
        rehearse=rehearse,
        confirmer=auto_confirm(confirm_as) if confirm_as else _prompting_confirmer(operator),
        operator=confirm_as or operator or "",
        new=new_run,
        report=ui.status_line,
        tasks_file=tasks_file or runbook.parent / "tasks.yml",
    )
    if outcome.already_closed:
        ui.say(f"run {outcome.run_id} of {book.name} ({outcome.mode}) is already closed")
        ui.say("pass --new to start another run")
    else:
        verb = "resumed and closed" if outcome.resumed else "closed"
        ui.say(f"run {outcome.run_id} {verb}: {len(outcome.ran)} step(s) run this time")
    ui.say(f"sign-off summary: {outcome.summary_html} and {outcome.summary_md}")


@cutover.command("status")
@click.argument("runbook", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option("--rehearse", is_flag=True, help="With RUNBOOK: its rehearsal run.")
@pass_state
def cutover_status(state: CliState, runbook: Path | None, rehearse: bool) -> None:
    """Every cutover run of this workspace, or the steps of one runbook's current run."""
    from transfer.cutover.runbook import load_runbook
    from transfer.cutover.status import list_runs, runbook_status

    settings = state.settings()
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
    run_state, lines = runbook_status(load_runbook(runbook), settings, rehearse)
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
    for book in validate_runbooks(paths):
        ui.status_line("ok", str(book.path), f"{len(book.steps)} steps")
    register = (paths[0].parent if paths else Path("runbooks")) / "tasks.yml"
    if not runbooks and register.is_file():
        ui.status_line("ok", str(register), f"{len(load_register(register).tasks)} tasks")


@cli.command("freeze-check")
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
        with ui.live_counter("checking the sources", str) as update:
            report = freeze_check(
                settings,
                run,
                parse_since(since),
                progress=lambda stage, stats: update(f"{stage}: {STAGE_LINES[stage][1](stats)}"),
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


@cli.command("post-launch-check")
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
@click.option("--concurrency", type=click.IntRange(1, 64), default=8, show_default=True)
@pass_state
def post_launch_check_command(
    state: CliState, base: str | None, old_base: str | None, concurrency: int
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
        with ui.live_counter("checking", _launch_line) as update:
            result = check_launch(
                settings,
                run,
                base_url=base,
                old_base=old_base,
                concurrency=concurrency,
                progress=update,
            )
        ui.table(
            "Post-launch check",
            ("kind", "checked"),
            [[kind, str(number)] for kind, number in sorted(result.checked.items())],
        )
        ui.say(f"run {run.run_id}: every URL answered as planned; details in {run.dir}")


def _launch_line(result: Any) -> str:
    return f"{sum(result.checked.values())} URLs checked, {len(result.failures)} failed"


@cli.command("tasks")
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
def tasks_command(register_file: Path, today: Any) -> None:
    """The tasks moving to the KEHA Centre: dates, days left, owner roles, overdue ones."""
    import datetime as dt

    from transfer.cutover.tasks import load_register, task_table

    register = load_register(register_file)
    day = today.date() if today else dt.date.today()
    rows = task_table(register, day)
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


@cli.group()
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
        result = export_redirects(
            _target_engine(state),
            fmt,
            out or run.artefact(f"redirects.{suffix}"),
            base or settings.online_service.base_url,
        )
        run.events.emit("redirects", "exported", format=fmt, count=result.count, files=result.files)
    for conflict in result.conflicts:
        ui.say(f"conflict (keys differ only in case): {conflict}", style="yellow")
    if result.other_status:
        ui.say(f"{result.other_status} redirect(s) are not 301 in the table; exported as 301")
    ui.say(f"{result.count} redirects written to " + ", ".join(str(f) for f in result.files))


def main() -> None:
    """Console-script entry point."""
    # As Python's logging documentation advises for production: a logging failure while
    # the interpreter shuts down (a handler half-built when Ctrl-C arrived) prints no
    # traceback; the run's own outcome and exit code are already decided by then.
    logging.raiseExceptions = False
    cli(prog_name="transfer")


if __name__ == "__main__":
    main()
