"""The export's walk over every collection, in an order that lets integrity be judged on save.

1. organisations (``/organizations?flatten=true``: sub-units too), members
   (``/user-accounts``), workspaces (``/my-user-account/sites``);
2. memberships of workspaces that members' site briefs name but the workspace list lacks:
   a workspace that answers ``/sites/{id}`` is exported too, the others are flagged missing;
3. per workspace: its members (as memberships), message-board sections, threads and
   messages (all ``flatten=true``), document folders and documents (with their bodies).

A thread's messages are checked against its ``numberOfMessageBoardMessages``; a thread
that comes up short is walked through its root message's replies (``flatten=true``),
because some Liferay versions list only top-level messages of a site.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from transfer.extractors.partnership.ahead import Ahead
from transfer.extractors.partnership.api import ADMIN, DELIVERY, Api, ApiError, Json, Page
from transfer.extractors.partnership.derived import FLAT, MISSING_WORKSPACES, DerivedSteps, id_order
from transfer.extractors.partnership.entities import (
    brief_id,
    clean,
    entity_id,
    key_of,
    record,
    role_keys,
)
from transfer.extractors.partnership.files import Download, Downloader
from transfer.extractors.partnership.integrity import (
    creator_flags,
    member_flags,
    scrub_export_account,
)
from transfer.extractors.partnership.walk import (
    Batch,
    Builder,
    Collection,
    Deferred,
    Failure,
    Walker,
)
from transfer.records import SourceRecord


class Export(DerivedSteps):
    """One pass of the walk; ``run`` returns normally when every collection was visited."""

    def __init__(
        self,
        walker: Walker,
        api: Api,
        downloader: Downloader,
        *,
        download_workers: int,
        base_url: str,
    ) -> None:
        self.walker = walker
        self.api = api
        self.store = walker.store
        self.downloader = downloader
        self.base_url = base_url.rstrip("/")
        self.export_id: str | None = None
        self.member_ids: set[str] = set()
        self.workspace_ids: set[str] = set()
        self.pool = ThreadPoolExecutor(max_workers=max(1, download_workers))
        #: Workspace collections whose first page is asked ahead of the walk (``ahead.py``).
        self.ahead_depth = max(1, download_workers)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    # -- the order ---------------------------------------------------------------------

    def run(self) -> None:
        walk, pass_id = self.walker.walk, self.walker.pass_id
        tops = [
            walk(
                Collection("organizations", "organization", f"{ADMIN}/organizations", FLAT),
                self._plain("organization"),
            )
        ]
        try:
            self.export_id = self._export_account()
            self.store.clear_failure("collection:my-user-account")
        except ApiError as exc:  # the export goes on: registered secrets are masked anyway
            self.walker.fail("my-user-account", exc)
        tops.append(walk(Collection("members", "member", f"{ADMIN}/user-accounts"), self._members))
        tops.append(
            walk(
                Collection("workspaces", "workspace", f"{ADMIN}/my-user-account/sites"),
                self._plain("workspace"),
            )
        )
        if not all(tops):
            # Integrity flags are judged against every member and workspace: without the
            # full lists, nothing below is exported in this run (the next one resumes).
            return
        self.member_ids = self.store.seen_ids("member", pass_id)
        self.workspace_ids = self.store.seen_ids("workspace", pass_id)
        if not self.walker.is_done(MISSING_WORKSPACES):
            try:
                self._missing_workspaces()
            except ApiError as exc:
                self.walker.fail(MISSING_WORKSPACES, exc)
        self.workspace_ids = self.store.seen_ids("workspace", pass_id)
        sites = sorted(self.workspace_ids, key=id_order)
        ahead = Ahead(self.api, self.pool, self.ahead_depth, self.walker.state)
        ahead.plan(c for site in sites for c in _site_collections(site))
        self.walker.pages = ahead.page
        try:
            for site in sites:
                self._site(site)
        finally:
            self.walker.pages = self.walker.ask

    def _site(self, site: str) -> None:
        walk = self.walker.walk
        members, sections, threads, messages, folders, documents = _site_collections(site)
        walk(members, self._memberships(site))
        walk(sections, self._plain("section"))
        threads_done = walk(threads, self._threads)
        if walk(messages, self._posts) and threads_done:
            self._complete_threads(site, messages.name)
        walk(folders, self._plain("folder"))
        walk(documents, self._documents)

    # -- builders ----------------------------------------------------------------------

    def _plain(self, kind: str) -> Builder:
        def build(page: Page, state: dict[str, Any]) -> Batch:
            return Batch(
                records=[
                    record(kind, i, clean(item), page_url=page.url) for item, i in self._keyed(page)
                ]
            )

        return build

    def _keyed(self, page: Page) -> list[tuple[Json, str]]:
        """Items with their ids; one without an id cannot be keyed, and is reported."""
        keyed = [(item, i) for item in page.items if (i := entity_id(item)) is not None]
        if len(keyed) < len(page.items):
            self.walker.emit(
                "items_without_id", level="error", url=page.url, count=len(page.items) - len(keyed)
            )
        return keyed

    def _members(self, page: Page, state: dict[str, Any]) -> Batch:
        out = []
        for item, item_id in self._keyed(page):
            fields = clean(item)
            flags = member_flags(item, self.export_id)
            if "export-account" in flags:
                fields = scrub_export_account(fields)
            out.append(record("member", item_id, fields, flags=flags, page_url=page.url))
        return Batch(records=out)

    def _memberships(self, site: str) -> Builder:
        def build(page: Page, state: dict[str, Any]) -> Batch:
            out = []
            for item, member in self._keyed(page):
                briefs = [b for b in item.get("siteBriefs") or [] if brief_id(b) == site]
                out.append(
                    self._membership(site, member, briefs[0] if briefs else None, [], page.url)
                )
            return Batch(records=out)

        return build

    def _membership(
        self, site: str, member: str, brief: Json | None, flags: list[str], page_url: str
    ) -> SourceRecord:
        fields: Json = {"siteId": _number(site), "userAccountId": _number(member)}
        if brief is not None:
            fields["siteBrief"] = clean(brief)
            fields["_role_keys"] = role_keys(brief)
        if member not in self.member_ids:
            flags = [*flags, "member-missing"]
        return record("membership", f"{site}:{member}", fields, flags=flags, page_url=page_url)

    def _threads(self, page: Page, state: dict[str, Any]) -> Batch:
        expected = state.setdefault("posts_expected", {})
        out = []
        for item, item_id in self._keyed(page):
            replies = item.get("numberOfMessageBoardMessages")
            if isinstance(replies, int) and item.get("messageBoardRootMessageId") is not None:
                expected[item_id] = [replies + 1, str(item["messageBoardRootMessageId"])]
            out.append(
                record(
                    "thread",
                    item_id,
                    clean(item),
                    page_url=page.url,
                    flags=creator_flags(item, self.member_ids),
                )
            )
        return Batch(records=out)

    def _posts(self, page: Page, state: dict[str, Any]) -> Batch:
        seen = state.setdefault("posts_seen", {})
        out = []
        for item, item_id in self._keyed(page):
            thread = item.get("messageBoardThreadId")
            if thread is not None:
                seen[str(thread)] = seen.get(str(thread), 0) + 1
            out.append(
                record(
                    "post",
                    item_id,
                    clean(item),
                    page_url=page.url,
                    flags=creator_flags(item, self.member_ids),
                )
            )
        return Batch(records=out)

    def _documents(self, page: Page, state: dict[str, Any]) -> Deferred:
        """Downloads run in the pool while the walk goes on; the page commits when done."""
        keyed = self._keyed(page)
        reused = {
            item_id: old
            for item, item_id in keyed
            if (old := self._downloaded(item, item_id)) is not None
        }
        futures = {
            item_id: self.pool.submit(self.downloader.one, item)
            for item, item_id in keyed
            if item_id not in reused
        }

        def finish() -> Batch:
            batch = Batch()
            for item, item_id in keyed:
                if item_id in reused:
                    outcome = reused[item_id]
                else:
                    outcome = futures[item_id].result()
                    self.walker.stats.files += outcome.status == "ok"
                    self.walker.stats.bytes += outcome.size or 0
                batch.records.append(self._file(item, item_id, outcome, page.url))
                key = key_of("file", item_id)
                if outcome.source_defect:
                    self.walker.emit(
                        "source_defect",
                        level="warning",
                        key=key,
                        status=outcome.status,
                        reason=outcome.reason,
                        url=outcome.url,
                    )
                if outcome.status == "failed":
                    batch.failures.append(
                        Failure(key, outcome.reason, outcome.http_status, outcome.url or None)
                    )
                    self.walker.emit(
                        "download_failed",
                        level="error",
                        key=key,
                        reason=outcome.reason,
                        url=outcome.url,
                    )
                else:
                    batch.resolved.append(key)
            return batch

        return Deferred(list(futures.values()), finish)

    def _downloaded(self, item: Json, item_id: str) -> Download | None:
        """The earlier download of this very version, when its body is still in the store."""
        old = self.store.get(key_of("file", item_id))
        if old is None or old.state != "live" or not old.record.body_blob:
            return None
        download = old.record.fields.get("_download")
        if not isinstance(download, dict) or download.get("status") != "ok":
            return None
        if old.record.fields.get("contentUrl") != item.get(
            "contentUrl"
        ) or not self.downloader.blobs.exists(old.record.body_blob):
            return None
        return Download(
            "ok",
            sha256=old.record.body_blob,
            size=download.get("size"),
            http_status=download.get("httpStatus"),
            fetch=old.record.fetch,
        )

    def _file(self, item: Json, item_id: str, outcome: Download, page_url: str) -> SourceRecord:
        fields = {**clean(item), "_download": outcome.fields()}
        flags = creator_flags(item, self.member_ids)
        flags += {
            "failed": ["download-failed"],
            "empty": ["empty-file"],
            "unavailable": ["file-unavailable"],
        }.get(outcome.status, [])
        size = item.get("sizeInBytes")
        if outcome.status == "ok" and isinstance(size, int) and size != outcome.size:
            flags.append("size-mismatch")
        path = urlsplit(str(item.get("contentUrl") or "")).path
        url = self.base_url + path if path else None  # the document's portal address
        return record(
            "file",
            item_id,
            fields,
            flags=flags,
            url=url,
            fetch=outcome.fetch,
            body_blob=outcome.sha256,
            page_url=page_url,
        )

    # -- derived steps -----------------------------------------------------------------


def _site_collections(site: str) -> tuple[Collection, ...]:
    """A workspace's collections, in the order the walk visits them."""
    base = f"{DELIVERY}/sites/{site}"
    return (
        Collection(f"site/{site}/members", "membership", f"{ADMIN}/sites/{site}/user-accounts"),
        Collection(f"site/{site}/sections", "section", f"{base}/message-board-sections", FLAT),
        Collection(f"site/{site}/threads", "thread", f"{base}/message-board-threads", FLAT),
        Collection(f"site/{site}/messages", "post", f"{base}/message-board-messages", FLAT),
        Collection(f"site/{site}/folders", "folder", f"{base}/document-folders", FLAT),
        Collection(f"site/{site}/documents", "file", f"{base}/documents", FLAT),
    )


def _number(value: str) -> int | str:
    return int(value) if value.isdigit() else value
