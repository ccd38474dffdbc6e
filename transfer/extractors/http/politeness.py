"""Per-host politeness: a pause between requests that grows when the host struggles.

The pause doubles on a 429 or 503 or when the time to the response headers climbs well
above its running average, and shrinks back to the configured minimum while the host
answers well; a Retry-After holds every request to the host until it has passed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_PAUSE_S = 30.0
LATENCY_RISE = 2.5  # a latency this many times the average counts as the host slowing down
# Below this, latency differences are noise (a cache miss, a larger page), not a struggle.
LATENCY_FLOOR_S = 0.2


@dataclass
class _HostState:
    pause_s: float
    next_start: float = 0.0
    average_latency_s: float | None = None


@dataclass
class Pacer:
    """Decides when the next request to a host may start; safe across threads."""

    min_pause_s: float = 0.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _hosts: dict[str, _HostState] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _state(self, host: str) -> _HostState:
        if host not in self._hosts:
            self._hosts[host] = _HostState(self.min_pause_s)
        return self._hosts[host]

    def wait(self, host: str) -> None:
        """Block until a request to ``host`` may start, and reserve that slot."""
        with self._lock:
            state = self._state(host)
            now = self.clock()
            start = max(now, state.next_start)
            state.next_start = start + state.pause_s
        if start > now:
            self.sleep(start - now)

    def at_least(self, pause_s: float) -> None:
        """Raise the least pause between requests to a host (robots.txt ``Crawl-delay``),
        for the hosts already seen too; a smaller value changes nothing."""
        with self._lock:
            self.min_pause_s = max(self.min_pause_s, pause_s)
            for state in self._hosts.values():
                state.pause_s = max(state.pause_s, self.min_pause_s)

    def pause(self, host: str) -> float:
        with self._lock:
            return self._state(host).pause_s

    def record(
        self,
        host: str,
        latency_s: float,
        *,
        throttled: bool = False,
        retry_after_s: float | None = None,
    ) -> None:
        """Feed back one answer: its latency (time to the response headers, so that a large
        body does not look like a struggling host), and whether the host asked to slow down."""
        with self._lock:
            state = self._state(host)
            average = state.average_latency_s
            slowing = average is not None and latency_s > max(
                LATENCY_RISE * average, LATENCY_FLOOR_S
            )
            if throttled or slowing:
                # Retry-After holds the whole host once; the pause between requests only
                # doubles, or one 429 would slow the rest of the crawl to its pace.
                state.pause_s = max(
                    self.min_pause_s, min(MAX_PAUSE_S, max(state.pause_s * 2, 0.05))
                )
                if retry_after_s:
                    state.next_start = max(state.next_start, self.clock() + retry_after_s)
            else:
                state.pause_s = max(self.min_pause_s, state.pause_s * 0.8)
            state.average_latency_s = (
                latency_s if average is None else 0.8 * average + 0.2 * latency_s
            )
