"""The checkpointed walk of one paged collection.

Each page is committed in one transaction together with the collection's checkpoint
(``{"page": next page, "page_size", "total", "count", "done", ...}``), so a killed export
resumes at the first page that was not committed, with the page size it started with, and
ends with exactly the records an uninterrupted walk would have saved.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from transfer.extractors.partnership.api import Api, ApiError, Page
from transfer.records import SourceRecord
from transfer.stats import StageStats
from transfer.stores.staging import StagingStore


class Stopped(Exception):
    """The operator asked the export to stop; what was committed is kept."""


@dataclass(frozen=True)
class Collection:
    name: str  # the checkpoint's name, e.g. "site/20123/threads"
    kind: str  # the record kind its items become
    path: str  # below the fetch address, e.g. /o/headless-delivery/v1.0/sites/20123/...
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def failure_key(self) -> str:
        return f"collection:{self.name}"


@dataclass
class Failure:
    key: str  # record key or collection:<name>
    reason: str
    status: int | None = None
    via: str | None = None  # the portal path or API address concerned (never credentials)


@dataclass
class Batch:
    """What one page becomes: records to save, failures to record, failures now resolved."""

    records: list[SourceRecord] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)


class Deferred:
    """A batch still being made in worker threads (documents downloading): the walk goes on,
    and the page is committed, in order, once every piece is done."""

    def __init__(self, futures: list[Future[Any]], finish: Callable[[], Batch]) -> None:
        self.futures = futures
        self.finish = finish

    def done(self) -> bool:
        return all(future.done() for future in self.futures)


@dataclass
class ExportStats(StageStats):
    """Live counters, handed to the progress callback."""

    pages: int = 0
    entities: int = 0
    files: int = 0
    bytes: int = 0
    failed: int = 0
    collections: int = 0

    @property
    def rate(self) -> float:
        elapsed = self.elapsed_s
        return self.entities / elapsed if elapsed > 0 else 0.0

    def describe(self) -> str:
        return (
            f"{self.entities} entities, {self.files} files ({self.bytes // 1024} KiB), "
            f"{self.pages} pages, {self.rate:.0f} entities/s, {self.failed} failed"
        )


#: Turns one page into a batch (or a deferred one); may update the checkpoint ``state``.
Builder = Callable[[Page, dict[str, Any]], "Batch | Deferred"]
#: Gives page (number, size) of a collection, given the item count expected.
PageSource = Callable[[Collection, int, int, "int | None"], Page]
#: Deferred pages waiting at most; more, and the walk waits for the oldest.
MAX_PENDING = 8


class Walker:
    """Walks collections page by page into the staging store."""

    def __init__(
        self,
        api: Api,
        store: StagingStore,
        pass_id: int,
        page_size: int,
        *,
        stats: ExportStats,
        stop: threading.Event,
        progress: Callable[[ExportStats], None],
        emit: Callable[..., None],
    ) -> None:
        self.api = api
        self.store = store
        self.pass_id = pass_id
        self.page_size = page_size
        self.stats = stats
        self.stop = stop
        self.progress = progress
        self.emit = emit
        self.failed: list[str] = []  # collections that did not complete in this run
        self.pending: deque[tuple[Collection, Deferred, dict[str, Any]]] = deque()
        #: How a page is asked for: here, or taken from pages asked ahead (``ahead.py``).
        self.pages: PageSource = self.ask

    def ask(self, collection: Collection, number: int, size: int, expected: int | None) -> Page:
        """Page ``number`` of ``collection``, asked for now."""
        return self.api.page(
            collection.path, number, size, params=collection.params, expected=expected
        )

    def state(self, collection: Collection) -> dict[str, Any]:
        saved = self.store.checkpoint(collection.name)
        if isinstance(saved, dict):
            return saved
        return {"page": 1, "page_size": self.page_size, "total": None, "count": 0, "done": False}

    def walk(self, collection: Collection, build: Builder) -> bool:
        """Walk ``collection`` to its end; False when a page failed for good (recorded as a
        failure; the checkpoint stays at that page so the next run retries from there)."""
        state = self.state(collection)
        while not state["done"]:
            if self.stop.is_set():
                raise Stopped
            number, size = int(state["page"]), int(state["page_size"])
            try:
                page = self.pages(collection, number, size, state["total"])
                batch = build(page, state)
            except ApiError as exc:
                self.fail(collection.name, exc)
                return False
            state = self._next_state(state, page)
            if isinstance(batch, Deferred):
                self.pending.append((collection, batch, state))
                self.settle(wait=len(self.pending) > MAX_PENDING)
            else:
                self._commit(collection, batch, state)
                self.settle()
        self.settle()
        return True

    def settle(self, *, wait: bool = False, everything: bool = False) -> None:
        """Commit deferred pages that are ready, oldest first; ``wait`` for the oldest one,
        ``everything`` for all of them."""
        while self.pending:
            collection, deferred, state = self.pending[0]
            if not (wait or everything or deferred.done()):
                return
            self.pending.popleft()
            wait = False
            self._commit(collection, deferred.finish(), state)

    @staticmethod
    def _next_state(state: dict[str, Any], page: Page) -> dict[str, Any]:
        total = page.total if page.total is not None else state["total"]
        return {
            **state,
            "page": page.page + 1,
            "total": total,
            "count": int(state["count"]) + len(page.items),
            "done": page.is_last,
        }

    def _commit(self, collection: Collection, batch: Batch, state: dict[str, Any]) -> None:
        with self.store.transaction():
            for record in batch.records:
                self.store.save(record, self.pass_id)
            for failure in batch.failures:
                self.store.add_failure(
                    failure.key,
                    failure.reason,
                    self.pass_id,
                    status=failure.status,
                    via=failure.via,
                )
            for key in batch.resolved:
                self.store.clear_failure(key)
            if state["done"]:
                self.store.clear_failure(collection.failure_key)
            self.store.set_checkpoint(collection.name, state, self.pass_id)
        self.stats.pages += 1
        self.stats.entities += len(batch.records)
        self.stats.failed += len(batch.failures)
        if state["done"]:
            self.stats.collections += 1
            total = state["total"]
            if total is not None and total != state["count"]:
                # Items added or removed while the collection was paged: worth a look.
                self.emit(
                    "count_mismatch",
                    level="warning",
                    collection=collection.name,
                    total=total,
                    received=state["count"],
                )
        self.progress(self.stats)

    def fail(self, name: str, error: ApiError) -> None:
        """Record that collection or step ``name`` failed for good in this run."""
        with self.store.transaction():
            self.store.add_failure(
                f"collection:{name}", error.what, self.pass_id, status=error.status, via=error.where
            )
        self.failed.append(name)
        self.stats.failed += 1
        self.emit(
            "collection_failed", level="error", collection=name, reason=error.what, url=error.where
        )
        self.progress(self.stats)

    def mark_done(self, name: str, **extra: Any) -> None:
        """Record a step without pages (a derived collection) as complete."""
        self.store.set_checkpoint(name, {"done": True, **extra}, self.pass_id)

    def is_done(self, name: str) -> bool:
        saved = self.store.checkpoint(name)
        return isinstance(saved, dict) and bool(saved.get("done"))
