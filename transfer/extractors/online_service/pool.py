"""Parsing and extraction in worker processes, so that a crawl uses every core.

A fetch thread hands a page's raw answer (:class:`RawPage`) to :class:`ParsePool` and waits
for its outcome; a worker process decodes, parses and extracts the page and stores its body
blob (content-addressed: a write of the same body by two processes is harmless). The
outcome goes back to the fetch thread and from there to the main thread, which alone writes
the staging store and schedules URLs: resume, kill safety, deduplication and politeness are
the crawl loop's as before. At most one page per fetch thread is in the pool at a time, so
memory stays bounded by the crawl's concurrency; when the workers are behind (two pages
queued per worker), the fetch thread parses the page itself, as without a pool, so that
the crawl's own process helps rather than waits (on a machine busy with other work, a few
worker processes get little of it).

Workers are started by the ``forkserver`` method (``spawn`` where there is none), never by
forking a process that runs threads; each loads the profile once (the pool's initializer).
They ignore Ctrl-C and SIGTERM, which the main process turns into a clean stop that still
needs them for the pages in flight, and end by themselves when the crawl's process is gone
(a killed crawl leaves no orphans; :mod:`transfer.workers`). Anything a page raises while
parsed is that page's failure; a worker that dies takes the pages it held to a new pool, once.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from transfer.extractors.online_service.fetch import (
    Outcome,
    RawPage,
    guarded_page_outcome,
    parse_failure,
)
from transfer.extractors.online_service.profile import Profile
from transfer.stores.blobs import BlobStore
from transfer.workers import Pool, context, follow_owner

# A worker process's own copy of the profile and the blob store (set by _start_worker).
_profile: Profile | None = None
_blobs: BlobStore | None = None


def default_workers() -> int:
    """One parsing process per core."""
    return os.cpu_count() or 1


def _start_worker(profile: Profile, blobs: BlobStore, crawl: int) -> None:
    global _profile, _blobs
    _profile, _blobs = profile, blobs
    follow_owner(crawl, "crawl-watch")


def _parse(raw: RawPage) -> tuple[Outcome, float]:
    """In a worker: the page's outcome and the CPU seconds it took."""
    assert _profile is not None and _blobs is not None, "the worker was not initialised"
    started = time.process_time()
    outcome = guarded_page_outcome(_profile, _blobs, raw)
    return outcome, time.process_time() - started


class ParsePool(Pool):
    """A pool of parsing processes, called like a :data:`~.fetch.Parser` from any thread."""

    def __init__(self, profile: Profile, blobs: BlobStore, workers: int) -> None:
        self.workers = workers
        self._profile, self._blobs = profile, blobs
        self._args = (profile, blobs, os.getpid())
        self._lock = threading.Lock()
        self._executor = self._new_executor()
        #: CPU seconds the workers spent on pages (the crawl's own process not included)
        self.cpu_s = 0.0
        #: times a worker died and the pool was started again
        self.restarts = 0
        #: pages the calling thread parsed itself because the workers were behind
        self.inline = 0
        self.queue_limit = 2 * workers
        self._queued = 0

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers, mp_context=context(), initializer=_start_worker, initargs=self._args
        )

    def _renew(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:  # not yet renewed by another thread
                self._executor = self._new_executor()
                self.restarts += 1
        broken.shutdown(wait=False, cancel_futures=True)

    def __call__(self, raw: RawPage) -> Outcome:
        with self._lock:
            behind = self._queued >= self.queue_limit
            if behind:
                self.inline += 1
            else:
                self._queued += 1
        if behind:
            return guarded_page_outcome(self._profile, self._blobs, raw)
        try:
            return self._in_worker(raw)
        finally:
            with self._lock:
                self._queued -= 1

    def _in_worker(self, raw: RawPage) -> Outcome:
        for attempt in (1, 2):
            executor = self._executor
            try:
                outcome, cpu_s = executor.submit(_parse, raw).result()
            except BrokenProcessPool:
                self._renew(executor)
                if attempt == 2:
                    return parse_failure(raw, "the parsing process ended while parsing it")
                continue
            except CancelledError:  # the pool is closing: the crawl is ending anyway
                return parse_failure(raw, "the crawl ended before the page was parsed")
            with self._lock:
                self.cpu_s += cpu_s
            return outcome
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Wait for the pages being parsed; the workers then end."""
        self._executor.shutdown(wait=True, cancel_futures=True)
