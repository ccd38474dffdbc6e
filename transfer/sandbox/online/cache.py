"""A bounded least-recently-used cache, by entry count and by total bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRU(Generic[V]):
    """Keeps at most ``entries`` values and about ``max_bytes`` bytes (as ``size`` counts).

    Thread-safe: a threaded server may call :meth:`get` from many threads. A value is made
    outside the lock, so two threads may both make it once; both get equal values.
    """

    def __init__(self, entries: int, max_bytes: int, size: Callable[[V], int]) -> None:
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._entries = entries
        self._max_bytes = max_bytes
        self._size = size
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The cached value of ``key``, made by ``make()`` if absent."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()
        size = self._size(value)
        if size > self._max_bytes:
            return value
        with self._lock:
            if key not in self._data:
                self._data[key] = value
                self._bytes += size
            while len(self._data) > self._entries or self._bytes > self._max_bytes:
                _, dropped = self._data.popitem(last=False)
                self._bytes -= self._size(dropped)
        return value
