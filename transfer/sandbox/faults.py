"""Deterministic fault injection for the sandbox's responses.

Whether a response is faulted depends only on (seed, method, request target, how many times
this target was asked before), so a retried request gets a fresh draw while two runs of the
same crawl meet the same faults.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from dataclasses import dataclass

from transfer.sandbox.settings import Faults

_CLOSING_TAGS = re.compile(rb"</(?:div|p|li|span|section)>")


@dataclass(frozen=True)
class Decision:
    """What to do to one response."""

    delay_s: float = 0.0
    kind: str = ""  # "", reset, error, throttle, truncate, drip, malformed, charset
    status: int = 0  # for error and throttle


class FaultPlan:
    """Draws fault decisions and counts what it injected (so tests can observe each knob)."""

    def __init__(self, faults: Faults, seed: int) -> None:
        self.faults = faults
        self.seed = seed
        self.injected: Counter[str] = Counter()
        #: (fault kind, request target) of every injected fault, so tests can see that each
        #: kind of response (robots.txt, sitemaps, pages, tokens, downloads) met faults.
        self.injected_at: Counter[tuple[str, str]] = Counter()
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _draws(self, key: str) -> list[float]:
        digest = hashlib.blake2b(f"{self.seed}|{key}".encode(), digest_size=32).digest()
        return [int.from_bytes(digest[i : i + 4], "big") / 2**32 for i in range(0, 32, 4)]

    def decide(self, method: str, target: str) -> Decision:
        faults = self.faults
        if not faults.any:
            return Decision()
        with self._lock:
            attempt = self._attempts[f"{method} {target}"]
            self._attempts[f"{method} {target}"] += 1
        pick, jitter, status_pick = self._draws(f"{method}|{target}|{attempt}")[:3]
        delay = (faults.latency_ms + jitter * faults.jitter_ms) / 1000.0
        kind, status = "", 0
        # One uniform draw walks through the cumulative rates, so rates add up as expected.
        threshold = 0.0
        for name, rate in (
            ("reset", faults.reset_rate),
            ("error", faults.error_rate),
            ("throttle", faults.throttle_rate),
            ("truncate", faults.truncate_rate),
            ("drip", faults.drip_rate),
            ("malformed", faults.malformed_rate),
            ("charset", faults.wrong_charset_rate),
        ):
            threshold += rate
            if pick < threshold:
                kind = name
                break
        if kind == "error":
            status = (500, 502, 503)[int(status_pick * 3)]
        elif kind == "throttle":
            status = 429
        if kind:
            with self._lock:
                self.injected[kind] += 1
                self.injected_at[(kind, target)] += 1
        return Decision(delay, kind, status)


def malform(body: bytes) -> bytes:
    """Drop closing tags, as broken templates do; the text itself stays."""
    return _CLOSING_TAGS.sub(b"", body)


def drip_chunks(body: bytes, delay_s: float, budget_s: float = 2.0) -> tuple[int, float]:
    """Chunk size and pause for a slow drip that ends within ``budget_s``."""
    pieces = max(1, min(20, int(budget_s / delay_s) if delay_s > 0 else 20))
    return max(1, -(-len(body) // pieces)), delay_s
