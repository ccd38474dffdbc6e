"""``transfer extract``: both extractors, into the staging stores."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from transfer import ui
from transfer.cli.root import CliState, pass_state
from transfer.errors import (
    ExtractionError,
    Interrupted,
)
from transfer.runs import Run


@click.group()
def extract() -> None:
    """Extract the sources into the staging store (resumable, incremental)."""


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
@click.option(
    "--url",
    help="Crawl nothing: fetch this one page (or attachment) and print, as JSON, the record "
    "the profile makes of it (kind, language, fields, links) and the links a crawl would "
    "follow. Writes nothing; for trying a profile change on one page.",
)
@pass_state
def extract_online_service_command(
    state: CliState,
    profile: Path | None,
    warc: Path | None,
    concurrency: int | None,
    fetch_base: str | None,
    url: str | None,
) -> None:
    """Crawl kotoutuminen.fi: pages, attachments, redirects and broken links.

    Runs again where it stopped after a crash or Ctrl-C; a later run is an incremental
    re-crawl (conditional requests) that reports new, changed, deleted and moved pages.
    Exits 4 when pages failed permanently (listed with their reasons).

    With --url, one page only, like `scrapy parse`: the record is printed, the staging
    store is not touched (exit 4 when the page fails or is gone, 3 when the URL is not on
    the site):

    \b
      transfer extract online-service --url https://kotoutuminen.fi/fi/some-page \\
          --profile my-profile.yml | jq .record.fields
    """
    from transfer.extractors.online_service import extract_online_service, load_profile

    settings = state.settings()
    if fetch_base:
        settings = replace(
            settings, online_service=replace(settings.online_service, fetch_base=fetch_base)
        )
    if url is not None:
        from transfer.extractors.online_service import profile_path
        from transfer.extractors.online_service.single import fetch_one

        if warc is not None or concurrency is not None:
            raise click.UsageError("--url fetches one page: --warc and --concurrency do not apply")
        chosen = load_profile(profile or profile_path(settings))
        found = fetch_one(settings, chosen, url)
        ui.say(json.dumps(found, indent=2, ensure_ascii=False))
        return
    with Run("extract online-service", settings.logs_dir) as run:
        with ui.live_report("crawling") as update:
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
        with ui.live_report("exporting") as update:
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
