"""``transfer map`` and ``transfer mappings check``: staged records to KEHA rows."""

from __future__ import annotations

import click

from transfer import ui
from transfer.cli.root import CliState, pass_state
from transfer.errors import (
    Interrupted,
    MappingError,
)
from transfer.runs import Run
from transfer.workspace import Workspace


@click.command("map")
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
        with ui.live_report("mapping") as update:
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


@click.group()
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
            where=str(Workspace.from_settings(settings).staging_dir),
            next_step="read or drop each field named above (with the reason), fix each path, "
            "and run `transfer mappings check` again",
        )
    against = (
        f"; against the staged {', '.join(staged.stores)} records: every field read or dropped"
        if staged.stores
        else " (no staging store yet: run it again after an extract to check the fields)"
    )
    ui.say(f"{files} mapping files checked: no problems{against}")
