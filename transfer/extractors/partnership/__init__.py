"""The Partnership-platform exporter: an authenticated, resumable, incremental REST export.

``extract_partnership`` signs in (``auth.py``), walks every collection page by page into the
staging store ``<workspace>/staging/partnership.sqlite`` (``collections.py``, ``walk.py``),
streams documents into the blob store (``files.py``), marks what the source no longer has
as gone, crawls the public pages with the online-service crawler (profile
``mappings/partnership/profile.yml``), and writes the run's artefacts: ``records.jsonl``
with the personal-data policy applied (:mod:`transfer.privacy`), ``personal-data.json``,
``export-summary.json`` and ``public-pages.jsonl``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transfer.config import Settings
from transfer.extractors.http import HttpClient
from transfer.extractors.http.politeness import Pacer
from transfer.extractors.online_service import CrawlResult, load_profile
from transfer.extractors.online_service.crawler import Crawler
from transfer.extractors.online_service.fetch import Worker
from transfer.extractors.partnership.api import Api
from transfer.extractors.partnership.auth import Authenticator, Credentials
from transfer.extractors.partnership.collections import Export
from transfer.extractors.partnership.entities import KINDS, SOURCE
from transfer.extractors.partnership.files import Downloader
from transfer.extractors.partnership.options import ExportOptions
from transfer.extractors.partnership.report import (
    export_summary,
    personal_data,
    write_json,
    write_records,
)
from transfer.extractors.partnership.walk import ExportStats, Stopped, Walker
from transfer.privacy.policy import PersonalData, load_policy, policy_path
from transfer.privacy.policy_file import Policy
from transfer.records import write_jsonl
from transfer.runs import Run
from transfer.stores.blobs import BlobStore
from transfer.stores.staging import StagingStore, restrict

PUBLIC_SOURCE = "partnership_public"

__all__ = [
    "ExportOptions",
    "ExportResult",
    "ExportStats",
    "extract_partnership",
]


@dataclass(frozen=True)
class ExportResult:
    """What one export did; ``collections`` maps a record kind to exported, new, changed,
    unchanged and gone."""

    pass_id: int
    resumed: bool
    stopped: bool
    gone_checked: bool
    collections: dict[str, dict[str, int]]
    failed_collections: list[dict[str, Any]]
    failed_files: list[dict[str, Any]]
    merge_candidates: list[dict[str, Any]]
    integrity_flags: dict[str, dict[str, int]]
    personal_data: dict[str, Any]
    token_renewals: dict[str, int]
    requests: int
    public: CrawlResult | None
    stats: ExportStats
    #: files the platform itself cannot give (empty, no permission, missing): reported in
    #: export-summary.json, never failures (running again cannot help)
    source_defects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failures(self) -> list[dict[str, Any]]:
        public = list(self.public.failures) if self.public is not None else []
        return [*self.failed_collections, *self.failed_files, *public]


def extract_partnership(
    settings: Settings,
    run: Run,
    *,
    page_size: int = 100,
    progress: Callable[[ExportStats], None] | None = None,
    stop: threading.Event | None = None,
    policy: Policy | None = None,
    public_pages: bool = True,
) -> ExportResult:
    """Export the platform into the staging store and write the run's artefacts.

    Resumes an unfinished export where it stopped; a later export is incremental (unchanged
    entities reported unchanged, entities the source no longer has marked gone, which is
    only judged after a pass in which every collection completed). Raises ``ConfigError``
    for missing credentials or a policy that hashes without a salt, before any request.
    """
    credentials = Credentials.from_settings(settings.partnership)
    personal = PersonalData.of(
        policy or load_policy(policy_path(settings.mappings_dir)), settings.target.environment
    )
    stop = stop or threading.Event()
    options = ExportOptions.from_settings(settings)
    session = _open(options, run, credentials)
    try:
        pass_id, resumed = _begin(session, credentials, page_size)
        stats = ExportStats()
        with stats.running():
            stopped, walk_failed = _run(session, pass_id, page_size, stats, stop, progress)
            complete = _finish(session, pass_id, stopped, walk_failed)
            public = (
                None
                if stopped or not public_pages
                else _public_pages(options, session.client, run, stop)
            )
            result = _write(session, personal, pass_id, resumed, stopped, complete, public, stats)
        stats.finish("stopped" if stopped else "finished")
        return result
    finally:
        session.store.close()
        restrict(session.path)


@dataclass
class _Session:
    """What one export works with: the run, the signed-in API and the stores."""

    options: ExportOptions
    run: Run
    emit: Callable[..., None]
    client: HttpClient
    auth: Authenticator
    api: Api
    path: Path
    store: StagingStore
    blobs: BlobStore


def _open(options: ExportOptions, run: Run, credentials: Credentials) -> _Session:
    """Sign-in, client and API; the staging store opened owner-only (it holds the raw
    export, personal data included)."""

    def emit(event: str, level: str = "info", **fields: Any) -> None:
        run.events.emit("extract", event, level=level, source=SOURCE, **fields)

    client = HttpClient(options.http, pacer=Pacer(min_pause_s=options.http.min_delay_s))
    auth = Authenticator(
        credentials,
        client,
        options.fetch_url,
        on_renew=lambda reason, n: emit("token_issued", reason=reason, generation=n),
    )
    api = Api(client, auth, options.fetch_url, emit=emit)
    path = options.workspace.staging(SOURCE)
    store = StagingStore.open_private(path)
    blobs = BlobStore(options.workspace.blobs)
    return _Session(options, run, emit, client, auth, api, path, store, blobs)


def _begin(session: _Session, credentials: Credentials, page_size: int) -> tuple[int, bool]:
    """Begin (or resume) the pass: its id and whether it resumes."""
    # Checkpoints belong to one pass: a new pass drops the earlier ones as it begins.
    pass_id, resumed = session.store.begin_pass(session.run.run_id, fresh_checkpoints=True)
    session.emit(
        "export_started",
        pass_id=pass_id,
        resumed=resumed,
        auth=credentials.mode,
        page_size=page_size,
    )
    return pass_id, resumed


def _run(
    session: _Session,
    pass_id: int,
    page_size: int,
    stats: ExportStats,
    stop: threading.Event,
    progress: Callable[[ExportStats], None] | None,
) -> tuple[bool, bool]:
    """Walk every collection and download its files: whether the walk was stopped, and
    whether a collection failed. An error ends the pass as stopped (resumable)."""
    walker = Walker(
        session.api,
        session.store,
        pass_id,
        page_size,
        stats=stats,
        stop=stop,
        progress=progress or (lambda s: None),
        emit=session.emit,
    )
    options = session.options
    downloader = Downloader(
        session.client, session.auth, session.blobs, options.fetch_url, options.base_url
    )
    export = Export(
        walker,
        session.api,
        downloader,
        download_workers=options.http.concurrency,
        base_url=options.base_url,
    )
    stopped = False
    try:
        export.run()
    except Stopped:
        stopped = True
    except BaseException:
        session.store.end_pass(pass_id, "stopped")
        raise
    finally:
        walker.settle(everything=True)  # downloads in flight are kept
        export.close()
    return stopped, bool(walker.failed)


def _finish(session: _Session, pass_id: int, stopped: bool, walk_failed: bool) -> bool:
    """End the pass; only a complete one (nothing stopped or failed) marks what the source
    no longer has as gone. Whether it was complete."""
    complete = not stopped and not walk_failed
    if complete:
        gone = session.store.mark_unseen_gone(pass_id)
        session.emit("gone_marked", count=gone)
    session.store.end_pass(pass_id, "complete" if complete else "stopped")
    return complete


def _write(
    session: _Session,
    personal: PersonalData,
    pass_id: int,
    resumed: bool,
    stopped: bool,
    complete: bool,
    public: CrawlResult | None,
    stats: ExportStats,
) -> ExportResult:
    """Write ``records.jsonl`` (policy applied), ``personal-data.json`` and
    ``export-summary.json``; the export's result."""
    store, run = session.store, session.run
    collections = store.kind_summary(pass_id, KINDS)
    failures = store.failures(pass_id)
    written = write_records(store, run.artefact("records.jsonl"), personal)
    privacy = personal_data(written, personal)
    write_json(run.artefact("personal-data.json"), privacy)
    result = ExportResult(
        pass_id=pass_id,
        resumed=resumed,
        stopped=stopped,
        gone_checked=complete,
        collections=collections,
        failed_collections=[f for f in failures if str(f["url"]).startswith("collection:")],
        failed_files=[f for f in failures if not str(f["url"]).startswith("collection:")],
        merge_candidates=[c.as_dict() for c in written.merge_candidates],
        integrity_flags={k: dict(v) for k, v in written.flags.items()},
        personal_data={
            "unclassified": privacy["unclassified"],
            "excluded": privacy["inactive_members"]["excluded"],
        },
        token_renewals=dict(session.auth.renewals),
        requests=session.api.requests,
        public=public,
        stats=stats,
        source_defects=written.source_defects,
    )
    write_json(run.artefact("export-summary.json"), export_summary(result, written))
    session.emit(
        "export_finished",
        stopped=stopped,
        complete=complete,
        failures=len(result.failures),
        source_defects=len(result.source_defects),
        entities=stats.entities,
        files=stats.files,
    )
    return result


def _public_pages(
    options: ExportOptions,
    client: HttpClient,
    run: Run,
    stop: threading.Event,
) -> CrawlResult:
    """Crawl the public pages (about, terms, privacy in fi, sv and en) with the crawler."""
    profile = load_profile(options.public_profile)
    workspace = options.workspace
    store = StagingStore(workspace.staging(profile.source))
    try:
        worker = Worker(
            profile,
            client,
            BlobStore(workspace.blobs),
            options.fetch_base,
        )
        crawler = Crawler(
            profile,
            store,
            worker,
            client,
            concurrency=options.http.concurrency,
            events=run.events,
            stop=stop,
        )
        result = crawler.run(run.run_id)
        with run.artefact("public-pages.jsonl").open("w", encoding="utf-8") as out:
            write_jsonl(store.records(), out)
        return result
    finally:
        store.close()
