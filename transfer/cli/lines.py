"""How each stage's progress reads on the console (one line, updated in place)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from transfer import ui


def crawl_line(stats: Any) -> str:
    return (
        f"{stats.done} done ({stats.fetched} fetched, {stats.not_modified} unchanged), "
        f"{stats.queued} queued, {stats.rate:.1f}/s, {stats.failed} failed, "
        f"{stats.broken} broken links"
    )


def export_line(stats: Any) -> str:
    return (
        f"{stats.entities} entities, {stats.files} files ({stats.bytes // 1024} KiB), "
        f"{stats.pages} pages, {stats.rate:.0f} entities/s, {stats.failed} failed"
    )


def map_line(progress: Any) -> str:
    return (
        f"{progress.done}/{progress.total} records: {progress.mapped} mapped, "
        f"{progress.skipped} skipped, {progress.failed} failed"
    )


def load_line(stats: Any) -> str:
    shown = ", ".join(f"{action} {n}" for action, n in sorted(stats.actions.items()))
    return f"{stats.seen} records: {shown}"


def launch_line(result: Any) -> str:
    return f"{sum(result.checked.values())} URLs checked, {len(result.failures)} failed"


#: The progress line of each pipeline stage: title and how its stats read.
STAGE_LINES: dict[str, tuple[str, Callable[[Any], str]]] = {
    "crawl": ("crawling the online service", crawl_line),
    "export": ("exporting the Partnership platform", export_line),
    "map": ("mapping", map_line),
    "load": ("loading", load_line),
}


def stage_progress(stage: str) -> AbstractContextManager[Callable[[Any], None]]:
    title, describe = STAGE_LINES[stage]
    return ui.live_counter(title, describe)
