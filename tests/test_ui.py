"""Console output: in a terminal a live line that ends on the final figures; off a
terminal heartbeat lines, a last line with the final figures and plain tables at full
width; ``-q`` shows no progress."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from transfer import ui
from transfer.runs import Run


@dataclass
class Counts:
    done: int = 0
    created: int = 0

    def describe(self) -> str:
        return f"{self.done} records: create {self.created}"


@pytest.fixture
def out(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """ui's console writing to a buffer that is not a terminal; heartbeats every 10 ms."""
    buffer = io.StringIO()
    monkeypatch.setattr(ui, "console", ui._Console(file=buffer, highlight=False, soft_wrap=True))
    monkeypatch.setenv(ui.HEARTBEAT_ENV, "0.01")
    yield buffer
    ui.configure()


def _wait_for(buffer: io.StringIO, text: str) -> None:
    deadline = time.monotonic() + 30
    while text not in buffer.getvalue():
        assert time.monotonic() < deadline, f"no {text!r} in {buffer.getvalue()!r}"
        time.sleep(0.005)


def test_off_a_terminal_heartbeats_then_a_last_line_with_the_final_figures(
    out: io.StringIO,
) -> None:
    counts = Counts()
    with ui.live_report("loading") as update:
        _wait_for(out, "loading: starting")
        counts.done, counts.created = 21000, 19965
        update(counts)
        _wait_for(out, "loading: 21000 records: create 19965")
        # The last batch is counted after the last report, as the loader reports every 500.
        counts.done, counts.created = 21346, 20346
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("loading finished: 21346 records: create 20346 (0:00:0")
    assert all(line.startswith("loading: ") for line in lines[:-1])


def test_off_a_terminal_the_last_line_says_the_work_stopped(out: io.StringIO) -> None:
    with pytest.raises(KeyboardInterrupt), ui.live_report("crawling") as update:
        update(Counts(done=3))
        raise KeyboardInterrupt
    assert out.getvalue().splitlines()[-1].startswith("crawling stopped: 3 records: create 0")


def test_in_a_terminal_the_live_line_ends_on_the_final_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    buffer = io.StringIO()
    terminal = ui._Console(file=buffer, force_terminal=True, width=120, highlight=False)
    monkeypatch.setattr(ui, "console", terminal)
    counts = Counts(done=21000, created=19965)
    with ui.live_report("loading") as update:
        update(counts)
        counts.done, counts.created = 21346, 20346
    last_frame = buffer.getvalue().rsplit("loading", 1)[-1]
    assert "21346 records: create 20346" in last_frame
    assert "19965" not in last_frame


def test_in_a_terminal_two_pieces_of_work_at_once_share_one_live_display(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The crawl and the export run at once: both lines are in one live display, each
    ending on its own final figures (a display inside another lost the inner one's)."""
    buffer = io.StringIO()
    terminal = ui._Console(file=buffer, force_terminal=True, width=120, highlight=False)
    monkeypatch.setattr(ui, "console", terminal)
    crawl, export = Counts(done=1, created=1), Counts(done=2, created=2)
    with ui.live_report("crawling") as crawling:
        crawling(crawl)
        with ui.live_report("exporting") as exporting:
            exporting(export)
            export.done, export.created = 4321, 4320
        crawl.done, crawl.created = 1234, 1233
    shown = buffer.getvalue()
    assert "4321 records: create 4320" in shown.rsplit("exporting", 1)[-1]
    assert "1234 records: create 1233" in shown.rsplit("crawling", 1)[-1]
    # A later display starts afresh once the shared one has stopped.
    with ui.live_report("mapping") as mapping:
        mapping(Counts(done=7, created=7))
    assert "7 records: create 7" in buffer.getvalue().rsplit("mapping", 1)[-1]


def test_quiet_shows_no_progress_and_no_passed_checks(out: io.StringIO) -> None:
    ui.configure(quiet=True)
    with ui.live_report("mapping") as update:
        update(Counts(done=1))
        time.sleep(0.05)  # several heartbeat intervals: none may be printed
    ui.status_line("ok", "python", "3.11")
    ui.status_line("fail", "target", "unreachable")
    ui.output_line("export", "exporting: 10 entities")
    assert out.getvalue() == "[fail] target: unreachable\n"


def test_off_a_terminal_a_table_is_plain_aligned_lines_at_full_width(out: io.StringIO) -> None:
    long = "x" * 300
    ui.table("Checks", ("check", "detail"), [("links", long), ("fidelity", "ok")])
    assert out.getvalue().splitlines() == [
        "Checks",
        "check     detail",
        f"links     {long}",
        "fidelity  ok",
    ]


def test_a_plain_table_redacts_its_cells(out: io.StringIO) -> None:
    ui.table("Target", ("url",), [("postgresql://keha:hunter22@db/keha",)])
    assert "hunter22" not in out.getvalue()


def test_verbose_logs_every_run_event_on_stderr(
    out: io.StringIO, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ui.configure(verbose=True)
    with Run("doctor", tmp_path) as run:
        run.events.emit("doctor", "check", name="python")
    ui.configure()
    err = capsys.readouterr().err
    assert '"event": "check"' in err and "DEBUG transfer.events" in err
