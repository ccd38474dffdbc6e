"""Console output for people: redacted text, tables and live progress.

In a terminal, long work shows a live status line (rich) that ends on the work's final
figures. Anywhere else (CI, ``| tee``, a cutover step's log) the output is plain lines at
full width: tables become aligned columns, and live progress becomes a heartbeat, one line
every ``TRANSFER_HEARTBEAT_S`` seconds (default 5) plus a last line with the final figures.
``-q`` keeps only warnings, errors and results; ``-v`` adds debug logging on stderr.

Only the CLI uses this module; library code reports through return values, events and
callbacks, never by printing.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

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
#: Statuses that report that all is well (or that a step starts): ``-q`` does not print
#: their lines.
QUIET_STATUSES = frozenset({"ok", "done", "skipped", "run"})
#: Seconds between heartbeat lines when stdout is not a terminal (env overrides it).
HEARTBEAT_ENV = "TRANSFER_HEARTBEAT_S"
DEFAULT_HEARTBEAT_S = 5.0


class _Console(Console):
    """rich's console, except that a closed pipe raises BrokenPipeError (rich exits 1):
    the run records it as interrupted and the CLI exits as an interruption does."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError(errno.EPIPE, "the reader of the output went away")


console = _Console(highlight=False, soft_wrap=True)
errors = _Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class _Mode:
    quiet: bool = False
    verbose: bool = False
    handler: logging.Handler | None = None
    level: int = logging.WARNING


_mode = _Mode()


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure(*, quiet: bool = False, verbose: bool = False) -> None:
    """Set the output mode of this command: ``quiet`` prints no progress and no lines of
    checks that passed; ``verbose`` sends debug logging (every run event as it is written,
    and the libraries' own) to stderr, redacted."""
    root = logging.getLogger()
    if _mode.handler is not None:
        root.removeHandler(_mode.handler)
        root.setLevel(_mode.level)
        _mode.handler = None
    _mode.quiet, _mode.verbose = quiet, verbose
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
        _mode.handler, _mode.level = handler, root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)


def quiet() -> bool:
    return _mode.quiet


def plain() -> bool:
    """True when stdout is not a terminal: plain lines, heartbeats instead of live lines."""
    return not console.is_terminal


def heartbeat_s() -> float:
    """Seconds between heartbeat lines: ``TRANSFER_HEARTBEAT_S``, else 5."""
    try:
        value = float(os.environ.get(HEARTBEAT_ENV, ""))
    except ValueError:
        return DEFAULT_HEARTBEAT_S
    return value if value > 0 else DEFAULT_HEARTBEAT_S


def say(text: str = "", style: str | None = None) -> None:
    """Print one redacted line (markup is never interpreted: text may come from sources)."""
    console.print(redact(text), style=style, markup=False)


def status_line(status: str, name: str, detail: str) -> None:
    """A check's one line: ``[ ok ] name: detail`` (not printed under ``-q`` when all is
    well)."""
    if _mode.quiet and status in QUIET_STATUSES:
        return
    console.print(f"[{status:^4}]", style=STATUS_STYLE.get(status), end=" ", markup=False)
    console.print(f"{name}: {redact(detail)}", markup=False)


def output_line(source: str, line: str) -> None:
    """One line of a child command's output as it arrives (``source`` names the child);
    not printed under ``-q``."""
    if not _mode.quiet:
        console.print(f"  {source} | {redact(line)}", markup=False, style="dim")


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Print a table with every cell redacted: a rich table in a terminal, else the title
    and aligned columns, one line per row, never cut or wrapped."""
    cells = [[redact(str(cell)) for cell in row] for row in rows]
    if plain():
        _plain_table(title, columns, cells)
        return
    grid = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in cells:
        grid.add_row(*row)
    console.print(grid)


def _plain_table(title: str, columns: Sequence[str], rows: list[list[str]]) -> None:
    lines = [list(columns), *([" ".join(cell.split("\n")) for cell in row] for row in rows)]
    count = max(len(line) for line in lines)
    widths = [max(len(line[i]) for line in lines if i < len(line)) for i in range(count)]
    console.print(title, markup=False)
    for line in lines:
        text = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
        console.print(text, markup=False)


def clock(seconds: float) -> str:
    """``H:MM:SS``, as rich's elapsed column shows it."""
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class _Latest(Generic[T]):
    """The newest stats object a piece of work reported, and its line. The line is made
    when the work reports (in its own thread: counters may change while another thread
    reads them); at the end the object is described again, so the last line carries the
    final figures even when the last report came before the last piece of work."""

    def __init__(self, describe: Callable[[T], str]) -> None:
        self.describe = describe
        self.value: list[T] = []
        self.shown = "starting"

    def update(self, stats: T) -> None:
        self.value = [stats]
        self.shown = redact(self.describe(stats))

    def final(self) -> str:
        return redact(self.describe(self.value[0])) if self.value else self.shown


@contextmanager
def live_counter(title: str, describe: Callable[[T], str]) -> Iterator[Callable[[T], None]]:
    """Progress of long work of unknown size; yields the function that updates it.

    ``describe`` turns the work's stats object into the text after the title; it is asked
    again when the work ends, so the display ends on the final figures. A terminal gets a
    live spinner line; elsewhere a heartbeat line every :func:`heartbeat_s` seconds and a
    last line (``finished``, ``stopped`` or ``failed``). ``-q`` shows nothing.
    """
    latest = _Latest(describe)
    if _mode.quiet:
        yield latest.update
    elif plain():
        with _heartbeat(title, latest):
            yield latest.update
    else:
        with _spinner(title, latest) as update:
            yield update


class _SharedDisplay:
    """The one live display of this process. Two pieces of work may run at once (the crawl
    beside the export) and end in any order, while rich draws a second live display inside
    the first and loses it when the first stops: so each spinner is a line of one shared
    display, which stops when the last of its lines' work ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._users = 0

    @contextmanager
    def line(self) -> Iterator[Progress]:
        with self._lock:
            if self._progress is None:
                self._progress = Progress(
                    SpinnerColumn(),
                    TextColumn("[bold]{task.description}"),
                    TextColumn("{task.fields[detail]}"),
                    TimeElapsedColumn(),
                    console=console,
                    transient=False,
                )
                self._progress.start()
            self._users += 1
            progress = self._progress
        try:
            yield progress
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    self._progress = None
                    progress.stop()


_display = _SharedDisplay()


@contextmanager
def _spinner(title: str, latest: _Latest[T]) -> Iterator[Callable[[T], None]]:
    with _display.line() as progress:
        task = progress.add_task(title, detail=latest.shown, total=None)

        def update(stats: T) -> None:
            latest.update(stats)
            progress.update(task, detail=latest.shown)

        try:
            yield update
        finally:
            # The final figures, applied before the display stops and draws its last frame.
            progress.update(task, detail=latest.final())


@contextmanager
def _heartbeat(title: str, latest: _Latest[T]) -> Iterator[None]:
    started = time.monotonic()

    def beat() -> None:
        elapsed = clock(time.monotonic() - started)
        console.print(f"{title}: {latest.shown} ({elapsed})", markup=False)

    ticker = _Ticker(beat, heartbeat_s())
    how = "failed"
    try:
        yield
        how = "finished"
    except KeyboardInterrupt:
        how = "stopped"
        raise
    finally:
        ticker.stop()
        line = f"{title} {how}: {latest.final()} ({clock(time.monotonic() - started)})"
        if how == "finished":
            console.print(line, markup=False)
        elif latest.value:  # (work that failed before it began: its error says it all)
            # The work's own error is what the operator needs; a closed pipe must not
            # replace it.
            with contextlib.suppress(OSError, ValueError):
                console.print(line, markup=False)


class _Ticker:
    """Calls ``tick`` every ``interval`` seconds on a daemon thread until stopped; a
    closed output (the reader of a pipe went away) ends it quietly."""

    def __init__(self, tick: Callable[[], None], interval: float) -> None:
        self._tick, self._interval = tick, interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="transfer-progress", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._tick()
            except (OSError, ValueError):
                return

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not threading.current_thread():
            self._thread.join()


def live_report(title: str) -> AbstractContextManager[Callable[[ProgressReport], None]]:
    """:func:`live_counter` for a stage's counters: the line is their ``describe()``."""
    return live_counter(title, _describe)


def _describe(report: ProgressReport) -> str:
    return report.describe()
