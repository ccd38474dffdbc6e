"""The crawl and the Partnership export run at once (``run_stages``): both results, each
stage's own events, and a failure in either named with its stage."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.extractors.test_partnership_export import settings_for
from transfer.errors import ExtractionError
from transfer.pipeline import StageResults, run_stages
from transfer.runs import Run
from transfer.sandbox import SandboxSettings, serve_sandbox
from transfer.stats import ProgressReport

SCALE = 0.04


def _pipeline_events(run_dir: Path) -> list[tuple[str, str]]:
    lines = (run_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines if line]
    return [
        (event["event"], event["fields"]["name"])
        for event in events
        if event["stage"] == "pipeline"
    ]


def _failing(stage: str) -> Callable[[str], Any]:
    """A progress whose ``stage`` display raises at the stage's first report."""

    @contextmanager
    def display(name: str) -> Iterator[Callable[[ProgressReport], None]]:
        def update(stats: ProgressReport) -> None:
            if name == stage:
                raise ExtractionError("the display broke")

        yield update

    return display


def test_crawl_and_export_run_at_once_and_both_finish(tmp_path: Path) -> None:
    with serve_sandbox(SandboxSettings(scale=SCALE)) as box:
        settings = settings_for(tmp_path, box)
        with Run("extract", settings.logs_dir) as run:
            results = run_stages(settings, run, ("export", "crawl"))
    assert results.crawl is not None and not results.crawl.stopped
    assert not results.crawl.failures
    assert results.export is not None and not results.export.stopped
    assert results.export.gone_checked
    events = _pipeline_events(run.dir)
    # Both started before either ended: they ran at once.
    assert events[:2] == [("stage started", "crawl"), ("stage started", "export")]
    assert sorted(events[2:]) == [("stage finished", "crawl"), ("stage finished", "export")]
    assert (settings.workspace / "staging" / "online_service.sqlite").is_file()
    assert (settings.workspace / "staging" / "partnership.sqlite").is_file()


def test_a_failing_export_is_named_and_the_crawl_finishes(tmp_path: Path) -> None:
    results = StageResults()
    with serve_sandbox(SandboxSettings(scale=SCALE)) as box:
        settings = settings_for(tmp_path, box)
        failing = pytest.raises(ExtractionError, match=r"^export: the display broke")
        with failing, Run("extract", settings.logs_dir) as run:
            run_stages(settings, run, ("crawl", "export"), _failing("export"), results)
    assert results.crawl is not None and not results.crawl.stopped
    assert results.export is None
    events = _pipeline_events(run.dir)
    assert ("stage failed", "export") in events
    assert ("stage finished", "crawl") in events


@pytest.mark.slow  # two runs
def test_a_failing_crawl_stops_the_export_cleanly_and_a_new_run_completes_it(
    tmp_path: Path,
) -> None:
    results = StageResults()
    with serve_sandbox(SandboxSettings(scale=SCALE)) as box:
        settings = settings_for(tmp_path, box)
        failing = pytest.raises(ExtractionError, match=r"^crawl: the display broke")
        with failing, Run("extract", settings.logs_dir) as run:
            run_stages(settings, run, ("crawl", "export"), _failing("crawl"), results)
        # The export was stopped (or had finished) before the error was raised.
        assert not [t for t in threading.enumerate() if t.name == "transfer-export"]
        assert results.export is not None
        events = _pipeline_events(run.dir)
        assert ("stage failed", "crawl") in events
        assert ("stage finished", "export") in events
        with Run("extract", settings.logs_dir) as again:
            retried = run_stages(settings, again, ("crawl", "export"))
    assert retried.crawl is not None and not retried.crawl.stopped
    assert retried.export is not None and not retried.export.stopped
    assert retried.export.gone_checked
