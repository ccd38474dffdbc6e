"""The title of each pipeline stage's progress line; the line itself is the stage's
counters' own ``describe()`` (see :mod:`transfer.stats`)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from transfer import ui
from transfer.stats import ProgressReport

#: The title of each pipeline stage's progress line.
STAGE_TITLES: dict[str, str] = {
    "crawl": "crawling the online service",
    "export": "exporting the Partnership platform",
    "map": "mapping",
    "load": "loading",
    "verify": "verifying",
}


def stage_progress(stage: str) -> AbstractContextManager[Callable[[ProgressReport], None]]:
    return ui.live_report(STAGE_TITLES[stage])
