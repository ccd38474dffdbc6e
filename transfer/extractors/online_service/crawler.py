"""The crawl loop: a thread pool fetches, the main thread commits each outcome atomically.

A pass starts from the seeds, the sitemaps and every page known from earlier passes (so
that deleted and moved pages are noticed), and follows links within the profile's scope.
Re-crawls send conditional requests and skip pages whose sitemap ``lastmod`` has not moved.
Killed, it resumes from the staging store; stopped with Ctrl-C, it finishes the pages in
flight first.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from transfer.errors import ExtractionError
from transfer.extractors.http import FetchFailed, HttpClient, Verdict
from transfer.extractors.online_service.fetch import Outcome, Task, Worker
from transfer.extractors.online_service.profile import Profile
from transfer.extractors.online_service.robots import Robots
from transfer.extractors.online_service.sitemaps import SitemapError, parse_sitemap
from transfer.runs import EventLog
from transfer.stats import StageStats
from transfer.stores.staging import Entry, PassSummary, StagingStore

SITEMAP_CHECKPOINT = "sitemap_lastmod"
SEEDED_CHECKPOINT = "seeded_pass"
MIRRORS_CHECKPOINT = "mirror_hosts"


@dataclass
class CrawlStats(StageStats):
    """Live counters, handed to the progress callback."""

    fetched: int = 0
    not_modified: int = 0
    skipped_by_sitemap: int = 0
    redirects: int = 0
    broken: int = 0
    failed: int = 0
    bytes: int = 0
    queued: int = 0
    robots_blocked: int = 0
    folded: int = 0  # pages answering 200 that belong to another record (mirrors, paging)
    parse_workers: int = 1  # processes that parsed the pages (1: the fetch threads)
    parse_cpu_s: float = 0.0  # CPU seconds those processes spent (not the crawl's own)
    parsed_inline: int = 0  # pages the fetch threads parsed because the workers were behind

    @property
    def done(self) -> int:
        return (
            self.fetched
            + self.not_modified
            + self.skipped_by_sitemap
            + self.redirects
            + self.broken
            + self.failed
            + self.folded
        )

    @property
    def rate(self) -> float:
        elapsed = self.elapsed_s
        return self.done / elapsed if elapsed > 0 else 0.0

    def describe(self) -> str:
        return (
            f"{self.done} done ({self.fetched} fetched, {self.not_modified} unchanged), "
            f"{self.queued} queued, {self.rate:.1f}/s, {self.failed} failed, "
            f"{self.broken} broken links"
        )


@dataclass(frozen=True)
class CrawlResult:
    pass_id: int
    resumed: bool
    stopped: bool
    summary: PassSummary
    changes: dict[str, list[str]]
    failures: list[dict[str, object]]
    broken_links: list[dict[str, object]]
    stats: CrawlStats
    #: legacy hosts that answered 200 with the site's pages instead of redirecting
    mirror_hosts: list[str] = field(default_factory=list)


@contextmanager
def stop_on_interrupt(stop: threading.Event) -> Iterator[None]:
    """While inside, Ctrl-C (SIGINT) and SIGTERM set ``stop`` instead of raising, so the
    loop can finish the pages in flight and leave a resumable store (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda _signum, _frame: stop.set())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class Crawler:
    def __init__(
        self,
        profile: Profile,
        store: StagingStore,
        worker: Worker,
        client: HttpClient,
        *,
        concurrency: int = 4,
        events: EventLog | None = None,
        progress: Callable[[CrawlStats], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.profile = profile
        self.store = store
        self.frontier = store.frontier
        self.worker = worker
        self.client = client
        self.concurrency = concurrency
        self.events = events
        self.progress = progress or (lambda stats: None)
        self.stop = stop or threading.Event()
        self.stats = CrawlStats()
        self.robots = Robots.allow_all(client.http.user_agent)
        self.lastmods: dict[str, str] = {}
        self.pass_id = 0
        self.resumed = False
        self._decided: set[str] = set()
        self.mirror_hosts: set[str] = set()

    def _emit(self, event: str, level: str = "info", **fields: object) -> None:
        if self.events is not None:
            self.events.emit("extract", event, level=level, source=self.profile.source, **fields)

    def _get(self, address: str) -> bytes | None:
        """GET a path or an absolute URL of the site; the body of a 200, else None."""
        if address.startswith("/"):
            address = self.profile.urls.root + address
        url, headers = self.profile.urls.to_fetch(address, self.worker.fetch_base)
        try:
            result = self.client.get(url, headers=headers)
        except FetchFailed as exc:
            raise ExtractionError(
                f"cannot fetch {address}: {exc.reason}",
                where=url,
                next_step="check that the source answers (transfer doctor)",
            ) from None
        return result.body if result.verdict is Verdict.OK else None

    def _load_robots(self) -> None:
        body = self._get(self.profile.robots)
        if body is not None:
            self.robots = Robots(body.decode("utf-8", "replace"), self.client.http.user_agent)
        delay = self.robots.crawl_delay_s
        if delay:
            # robots.txt's Crawl-delay: the least pause between two requests to the site
            self.client.pacer.at_least(delay)
            self._emit("crawl_delay", delay_s=delay, min_pause_s=self.client.pacer.min_pause_s)

    def _read_sitemaps(self) -> None:
        # Sitemap addresses are used as given: their parameters (languageId) matter, and
        # page normalisation would drop them.
        root = self.profile.urls.root
        pending = [root + path if path.startswith("/") else path for path in self.profile.sitemaps]
        pending += [url for url in self.robots.sitemaps if url not in pending]
        seen: set[str] = set()
        while pending:
            location = pending.pop(0)
            if location in seen or not self.profile.urls.is_site_host(
                self.profile.urls.host_of(location)
            ):
                continue
            seen.add(location)
            body = self._get(location)
            if body is None:
                self._emit("sitemap_missing", level="warning", url=location)
                continue
            try:
                sitemap = parse_sitemap(body)
            except SitemapError as exc:
                self._emit("sitemap_invalid", level="warning", url=location, error=str(exc))
                continue
            for entry in sitemap.entries:
                if sitemap.is_index:
                    pending.append(entry.loc)
                    continue
                page = self.profile.urls.normalise(entry.loc)
                if page is not None:
                    self.lastmods[page] = entry.lastmod or ""

    def _enqueue(self, url: str, depth: int, via: str | None) -> None:
        # A legacy host known to mirror the site is never asked again: its pages are the
        # canonical host's (the redirect map still covers every old host).
        if self.mirror_hosts and self.profile.urls.host_of(url) in self.mirror_hosts:
            url = self.profile.urls.on_canonical_host(url)
        # Every page repeats the navigation's links: decide each URL once per pass.
        if url in self._decided or depth > self.profile.max_depth:
            return
        self._decided.add(url)
        if not self.profile.in_scope(url):
            return
        if not self.robots.allowed(url):
            self.stats.robots_blocked += 1
            return
        self.frontier.add(url, depth, via, self.pass_id)

    def _start(self, run_id: str) -> bool:
        self.pass_id, resumed = self.store.begin_pass(run_id)
        self._load_robots()
        # The seeding is one transaction that ends by naming its pass: a pass killed before
        # it committed is seeded again, one killed after it continues from its frontier.
        if resumed and self.store.checkpoint(SEEDED_CHECKPOINT) == self.pass_id:
            self.lastmods = self.store.checkpoint(SITEMAP_CHECKPOINT) or {}
            self.mirror_hosts = set(self.store.checkpoint(MIRRORS_CHECKPOINT) or [])
            self._decided = self.frontier.urls()
            return True
        self._read_sitemaps()
        with self.store.transaction():
            self.frontier.clear()
            self.store.set_checkpoint(SITEMAP_CHECKPOINT, self.lastmods, self.pass_id)
            self.store.set_checkpoint(SEEDED_CHECKPOINT, self.pass_id, self.pass_id)
            self.store.set_checkpoint(MIRRORS_CHECKPOINT, [], self.pass_id)
            for seed in self.profile.seeds:
                key = self.profile.urls.normalise(seed)
                if key:
                    self._enqueue(key, 0, None)
            for key in sorted(self.lastmods):
                self._enqueue(key, 1, "sitemap")
            for key in self.store.live_keys():  # re-check everything known: deletions, moves
                self._enqueue(key, 1, "known")
        return resumed

    def _task(self, entry: Entry) -> Task | Outcome:
        if self.worker.is_attachment(entry.url):
            found = self.profile.attachment_id.search(entry.url)
            same = (
                self.store.find_identity(f"document:{found.group(1)}", self.pass_id)
                if found and found.groups()
                else None
            )
            if same is not None:  # one download per document, whatever its URL says
                copy = replace(same, key=entry.url, url=entry.url)
                return Outcome(Task(entry.url, entry.depth, entry.via), "ok", record=copy)
        stored = self.store.get(entry.url)
        if stored is None or stored.state not in ("live", "duplicate"):
            return Task(entry.url, entry.depth, entry.via)
        lastmod = self.lastmods.get(entry.url)
        if lastmod and stored.validator == lastmod:
            return Outcome(Task(entry.url, entry.depth, entry.via), "sitemap_unchanged")
        return Task(
            entry.url,
            entry.depth,
            entry.via,
            stored.etag,
            stored.record.fetch.last_modified if stored.record.fetch else None,
        )

    def _commit(self, outcome: Outcome) -> None:
        task, store, pass_id = outcome.task, self.store, self.pass_id
        with store.transaction():
            if outcome.kind in ("not_modified", "sitemap_unchanged"):
                stored = store.get(task.key)
                store.touch(task.key, pass_id)
                for url in stored.discovered if stored else ():
                    self._enqueue(url, task.depth + 1, task.key)
                if outcome.kind == "not_modified":
                    self.stats.not_modified += 1
                else:
                    self.stats.skipped_by_sitemap += 1
            elif outcome.kind == "ok" and outcome.fold_into is not None:
                self._fold(outcome, outcome.fold_into)
            elif outcome.kind == "ok" and outcome.record is not None:
                record = outcome.record
                identity = (
                    f"document:{record.fields['document_id']}"
                    if record.fields.get("document_id")
                    else record.fetch.content_hash
                    if record.fetch
                    else None
                )
                store.save(
                    record,
                    pass_id,
                    etag=record.fetch.etag if record.fetch else None,
                    validator=self.lastmods.get(task.key),
                    discovered=outcome.discovered,
                    identity=identity,
                    encoded=outcome.encoded,
                )
                # of two addresses with the same content, one on the canonical host wins
                store.deduplicate(
                    task.key, pass_id, prefer=lambda key: (self.profile.urls.is_legacy(key), key)
                )
                store.clear_failure(task.key)
                for url in outcome.discovered:
                    self._enqueue(url, task.depth + 1, task.key)
                self.stats.fetched += 1
                self.stats.bytes += outcome.body_bytes
            elif outcome.kind == "redirect":
                reason = outcome.reason
                store.add_alias(task.key, outcome.target or "", reason, pass_id, outcome.status)
                store.mark_gone(task.key, pass_id)
                store.clear_failure(task.key)
                loop = store.alias_loop(task.key) if reason == "redirect" else []
                if loop:
                    self._redirect_loop(loop, outcome)
                elif reason == "redirect" and outcome.target:
                    self._enqueue(outcome.target, task.depth, task.key)
                self.stats.redirects += 1
            elif outcome.kind == "gone":
                store.mark_gone(task.key, pass_id)
                store.add_failure(
                    task.key, outcome.reason, pass_id, status=outcome.status, via=task.via
                )
                self.stats.broken += 1
            else:
                store.touch(task.key, pass_id)  # a failed fetch is no evidence of deletion
                store.add_failure(
                    task.key,
                    outcome.reason,
                    pass_id,
                    status=outcome.status,
                    attempts=outcome.attempts,
                    via=task.via,
                )
                self._emit(
                    "fetch_failed",
                    level="error",
                    url=task.key,
                    reason=outcome.reason,
                    status=outcome.status,
                    attempts=outcome.attempts,
                )
                self.stats.failed += 1
            self.frontier.finish(task.key)

    def _fold(self, outcome: Outcome, target: str) -> None:
        """A page that answered 200 but belongs to ``target``: an alias of it, not a record;
        its links are followed. A legacy host doing so is a mirror from now on."""
        task, store, rules = outcome.task, self.store, self.profile.urls
        mirror = rules.is_legacy(task.key)
        reason = "mirror" if mirror else "canonical"
        store.add_alias(task.key, target, reason, self.pass_id, outcome.status)
        store.mark_gone(task.key, self.pass_id)
        store.clear_failure(task.key)
        host = rules.host_of(task.key)
        if mirror and host not in self.mirror_hosts:
            self.mirror_hosts.add(host)
            store.set_checkpoint(MIRRORS_CHECKPOINT, sorted(self.mirror_hosts), self.pass_id)
            self._emit(
                "mirror_host",
                level="warning",
                host=host,
                url=task.key,
                next_step=f"list {host} under site.aliases in the profile, not site.legacy_hosts",
            )
        self._enqueue(target, task.depth, task.key)
        for url in outcome.discovered:
            self._enqueue(url, task.depth + 1, task.key)
        self.stats.folded += 1

    def _redirect_loop(self, loop: list[str], outcome: Outcome) -> None:
        """Redirects that lead back to where they started: no alias is kept (a loop is no
        address to redirect to); every URL of the loop fails, naming the whole chain."""
        chain = " -> ".join(loop)
        for url in loop[:-1]:
            self.store.remove_alias(url)
            self.store.add_failure(
                url,
                f"redirect loop: {chain}",
                self.pass_id,
                status=outcome.status,
                via=outcome.task.via if url == outcome.task.key else None,
            )
        self.stats.failed += len(loop) - 1
        self._emit("redirect_loop", level="error", chain=loop)

    def run(self, run_id: str) -> CrawlResult:
        """Crawl until the frontier is empty or ``stop`` is set (Ctrl-C sets it)."""
        with stop_on_interrupt(self.stop), self.stats.running():
            result = self._run(run_id)
        self.stats.finish("stopped" if result.stopped else "finished")
        return result

    def _run(self, run_id: str) -> CrawlResult:
        self.resumed = resumed = self._start(run_id)
        self._emit(
            "crawl_started", pass_id=self.pass_id, resumed=resumed, sitemap_pages=len(self.lastmods)
        )
        in_flight: dict[Future[Outcome], str] = {}
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="crawl") as pool:
            while True:
                room = self.concurrency * 2 - len(in_flight)
                if room > 0 and not self.stop.is_set():
                    for entry in self.frontier.take(room, set(in_flight.values())):
                        prepared = self._task(entry)
                        if isinstance(prepared, Outcome):
                            self._commit(prepared)
                            continue
                        in_flight[pool.submit(self.worker.run, prepared)] = entry.url
                if not in_flight:
                    if self.stop.is_set() or self.frontier.pending() == 0:
                        break
                    continue
                finished, _ = wait(list(in_flight), timeout=1.0, return_when=FIRST_COMPLETED)
                for future in finished:
                    del in_flight[future]
                    self._commit(future.result())
                self.stats.queued = self.frontier.pending()
                self.progress(self.stats)
        return self._finish()

    def _finish(self) -> CrawlResult:
        stopped = self.stop.is_set()
        if not stopped:
            # Known pages that no link, sitemap or seed reached any more are gone too.
            self.store.mark_unseen_gone(self.pass_id)
            self.store.end_pass(self.pass_id, "complete")
        else:
            self.store.end_pass(self.pass_id, "stopped")
        failures = [f for f in self.store.failures(self.pass_id) if f["status"] not in (404, 410)]
        broken = [f for f in self.store.failures(self.pass_id) if f["status"] in (404, 410)]
        result = CrawlResult(
            self.pass_id,
            self.resumed,
            stopped,
            self.store.summary(self.pass_id),
            self.store.changes(self.pass_id),
            failures,
            broken,
            self.stats,
            sorted(self.mirror_hosts),
        )
        self._emit(
            "crawl_finished",
            pass_id=self.pass_id,
            stopped=stopped,
            summary=result.summary.as_dict(),
            failures=len(failures),
            broken_links=len(broken),
            mirror_hosts=sorted(self.mirror_hosts),
        )
        return result
