"""The online-service extractor: a polite, resumable, incremental crawler.

``extract_online_service`` wires the pieces for one run: the source profile, the staging
store and blob store in the workspace, the shared HTTP client, an optional WARC archive,
and the crawl loop. Its artefacts land in the run folder: ``records.jsonl`` (every live
record), ``crawl-summary.json`` and the failures.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

from transfer.config import Settings
from transfer.extractors.http import HttpClient
from transfer.extractors.http.politeness import Pacer
from transfer.extractors.online_service.crawler import Crawler, CrawlResult, CrawlStats
from transfer.extractors.online_service.fetch import Archive, Worker
from transfer.extractors.online_service.options import CrawlOptions
from transfer.extractors.online_service.pool import ParsePool
from transfer.extractors.online_service.profile import Profile, load_profile
from transfer.records import write_jsonl
from transfer.runs import Run
from transfer.stores.blobs import BlobStore
from transfer.stores.staging import StagingStore

SOURCE = "online_service"

__all__ = [
    "CrawlOptions",
    "CrawlResult",
    "CrawlStats",
    "crawl_with",
    "extract_online_service",
    "load_profile",
    "profile_path",
]


def profile_path(settings: Settings) -> Path:
    return settings.mappings_dir / SOURCE / "profile.yml"


def extract_online_service(
    settings: Settings,
    run: Run,
    *,
    profile: Profile | None = None,
    warc: Path | None = None,
    concurrency: int | None = None,
    progress: Callable[[CrawlStats], None] | None = None,
    stop: threading.Event | None = None,
) -> CrawlResult:
    """Crawl the online service into the staging store; write the run's artefacts."""
    return crawl_with(
        CrawlOptions.from_settings(settings, concurrency=concurrency),
        profile or load_profile(profile_path(settings)),
        run,
        warc=warc,
        progress=progress,
        stop=stop,
    )


def crawl_with(
    options: CrawlOptions,
    profile: Profile,
    run: Run,
    *,
    warc: Path | None = None,
    progress: Callable[[CrawlStats], None] | None = None,
    stop: threading.Event | None = None,
) -> CrawlResult:
    """:func:`extract_online_service` with its settings already read into ``options``."""
    http = options.http
    client = HttpClient(http, pacer=Pacer(min_pause_s=http.min_delay_s))
    workspace = options.workspace
    store = StagingStore(workspace.staging(profile.source))
    blobs = BlobStore(workspace.blobs)
    archive_file = warc.open("ab") if warc is not None else None
    pool: ParsePool | None = None
    try:
        archive = Archive(archive_file) if archive_file is not None else None
        if options.parse_workers > 1:  # else pages are parsed by the fetch threads
            pool = ParsePool(profile, blobs, options.parse_workers)
        worker = Worker(profile, client, blobs, options.fetch_base, archive, pool)
        crawler = Crawler(
            profile,
            store,
            worker,
            client,
            concurrency=http.concurrency,
            events=run.events,
            progress=progress,
            stop=stop,
        )
        result = crawler.run(run.run_id)
        if pool is not None:
            pool.close()
            result.stats.parse_workers = pool.workers
            result.stats.parse_cpu_s = pool.cpu_s
            result.stats.parsed_inline = pool.inline
        with run.artefact("records.jsonl").open("w", encoding="utf-8") as out:
            write_jsonl(store.records(), out)
        run.artefact("crawl-summary.json").write_text(
            json.dumps(
                {
                    "pass": result.pass_id,
                    "resumed": result.resumed,
                    "stopped": result.stopped,
                    "summary": result.summary.as_dict(),
                    "changes": result.changes,
                    "failures": result.failures,
                    "broken_links": result.broken_links,
                    "mirror_hosts": result.mirror_hosts,
                    "stats": {
                        "fetched": result.stats.fetched,
                        "not_modified": result.stats.not_modified,
                        "skipped_by_sitemap": result.stats.skipped_by_sitemap,
                        "redirects": result.stats.redirects,
                        "bytes": result.stats.bytes,
                        "robots_blocked": result.stats.robots_blocked,
                        "folded": result.stats.folded,
                    },
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        return result
    finally:
        if pool is not None:
            pool.close()
        store.close()
        if archive_file is not None:
            archive_file.close()
