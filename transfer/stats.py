"""What every stage's live counters share, and how the CLI asks them for a progress line.

Each stage keeps its own counters (crawl, export, map, load) as a :class:`StageStats`: when
it started, how long it has run, and, once it ends, why (``finish_reason``, as Scrapy's stats
collector records it). Anything with a ``describe()`` is a :class:`ProgressReport`; the CLI
renders those and knows nothing of what a stage counts.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal, Protocol

#: Why a stage ended: it ran out of work, it was asked to stop (Ctrl-C, the stop event), or
#: an error ended it.
FinishReason = Literal["finished", "stopped", "failed"]


class ProgressReport(Protocol):
    """Counters that can say, in one line, how far their work has got."""

    def describe(self) -> str:
        """The progress line's text (after the stage's title)."""
        ...


@dataclass(kw_only=True)
class StageStats:
    """The counters of one stage's run; subclasses add what their stage counts."""

    started: float = field(default_factory=time.monotonic)
    #: ``None`` while the stage runs.
    finish_reason: FinishReason | None = None

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    def finish(self, reason: FinishReason) -> None:
        """Record why the stage ended."""
        self.finish_reason = reason

    @contextmanager
    def running(self) -> Iterator[None]:
        """Around a stage's work: an error ending it records ``failed``, Ctrl-C ``stopped``.
        The stage records ``finished`` or ``stopped`` itself when it returns."""
        try:
            yield
        except KeyboardInterrupt:
            self.finish("stopped")
            raise
        except BaseException:
            self.finish("failed")
            raise

    def describe(self) -> str:
        return f"{self.elapsed_s:.0f}s"
