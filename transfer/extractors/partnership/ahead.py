"""The first page of the collections the walk comes to next, asked for ahead of it.

Six collections per workspace, a few hundred workspaces, and nearly every collection fits
on one page: the walk is a chain of about two thousand short requests, each waiting for
the previous page's commit, and each answer waiting on the platform (or, beside the
crawl, on a sandbox busy with the crawl's requests). :class:`Ahead` asks for the next
few collections' first pages in the export's pool while the walk commits, so the walk
mostly finds its page already there.

Only the requests move: the walk still builds and commits every page itself, in its
order, one transaction with its checkpoint, so what is staged, checkpointed and resumed
is unchanged. A page is asked ahead with exactly the arguments the walk will ask it with
(page, page size and the count expected, from the collection's checkpoint); the walk takes
it only when they match, and asks itself otherwise. A request that failed raises its
error when the walk comes to it, as it would have then; a page the walk does not come to
(it stopped) is dropped. The pool is the one the downloads use (as many threads as the
source's ``http.concurrency``), so the export asks no more at once than before.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from transfer.extractors.partnership.api import Api, Page
from transfer.extractors.partnership.walk import Collection

#: (path, params, page, page size, count expected): what a page is asked with.
Key = tuple[str, tuple[tuple[str, str], ...], int, int, int | None]


def key_of(collection: Collection, number: int, size: int, expected: int | None) -> Key:
    return (collection.path, tuple(sorted(collection.params.items())), number, size, expected)


class Ahead:
    """Pages asked ahead for the collections of :meth:`plan`, ``depth`` at most at once."""

    def __init__(
        self,
        api: Api,
        pool: ThreadPoolExecutor,
        depth: int,
        state: Callable[[Collection], dict[str, Any]],
    ) -> None:
        self.api = api
        self.pool = pool
        self.depth = max(1, depth)
        self.state = state
        self._planned: Iterator[Collection] = iter(())
        self._window: deque[tuple[Key, Future[Page]]] = deque()

    def plan(self, collections: Iterable[Collection]) -> None:
        """The collections the walk will come to, in its order (read lazily)."""
        self._planned = iter(collections)
        self._fill()

    def page(self, collection: Collection, number: int, size: int, expected: int | None) -> Page:
        """The page as :meth:`Api.page` gives it: the one asked ahead when there is one."""
        key = key_of(collection, number, size, expected)
        position = next((i for i, (k, _) in enumerate(self._window) if k == key), None)
        if position is None:
            return self._ask(collection, number, size, expected)
        for _ in range(position):  # passed by: never to be taken
            self._window.popleft()
        _, future = self._window.popleft()
        self._fill()
        return future.result()

    def _fill(self) -> None:
        while len(self._window) < self.depth:
            collection = next(self._planned, None)
            if collection is None:
                return
            state = self.state(collection)
            if state["done"]:
                continue
            number, size, expected = int(state["page"]), int(state["page_size"]), state["total"]
            future = self.pool.submit(self._ask, collection, number, size, expected)
            self._window.append((key_of(collection, number, size, expected), future))

    def _ask(self, collection: Collection, number: int, size: int, expected: int | None) -> Page:
        return self.api.page(
            collection.path, number, size, params=collection.params, expected=expected
        )
