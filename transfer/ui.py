"""Console output for people: redacted text, tables and a live status line.

Only the CLI uses this module; library code reports through return values, events and
callbacks, never by printing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from transfer.redaction import redact
from transfer.stats import ProgressReport

T = TypeVar("T")

STATUS_STYLE = {
    "ok": "green",
    "warn": "yellow",
    "fail": "bold red",
    "GO": "bold green",
    "NO-GO": "bold red",
}

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str = "", style: str | None = None) -> None:
    """Print one redacted line (markup is never interpreted: text may come from sources)."""
    console.print(redact(text), style=style, markup=False)


def status_line(status: str, name: str, detail: str) -> None:
    """A check's one line: ``[ ok ] name: detail``."""
    console.print(f"[{status:^4}]", style=STATUS_STYLE.get(status), end=" ", markup=False)
    console.print(f"{name}: {redact(detail)}", markup=False)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Print a table with every cell redacted."""
    grid = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*(redact(str(cell)) for cell in row))
    console.print(grid)


@contextmanager
def live_counter(title: str, describe: Callable[[T], str]) -> Iterator[Callable[[T], None]]:
    """A spinner line for long work of unknown size; yields the function that updates it.

    ``describe`` turns the work's stats object into the text after the title.
    """
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(title, detail="starting", total=None)

        def update(stats: T) -> None:
            progress.update(task, detail=redact(describe(stats)))

        yield update


def live_report(title: str) -> AbstractContextManager[Callable[[ProgressReport], None]]:
    """:func:`live_counter` for a stage's counters: the line is their ``describe()``."""
    return live_counter(title, _describe)


def _describe(report: ProgressReport) -> str:
    return report.describe()
