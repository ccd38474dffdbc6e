"""Each stage's counters say their own progress line and record why the stage ended."""

from __future__ import annotations

from collections import Counter

import pytest

from transfer.cutover.post_launch import PostLaunchResult
from transfer.extractors.online_service.crawler import CrawlStats
from transfer.extractors.partnership.walk import ExportStats
from transfer.loaders.results import LoadStats
from transfer.mappers.stage import MapProgress
from transfer.stats import ProgressReport, StageStats


@pytest.mark.parametrize(
    ("report", "line"),
    [
        (
            CrawlStats(started=0.0, fetched=3, not_modified=2, queued=4, failed=1, broken=1),
            "7 done (3 fetched, 2 unchanged), 4 queued, 0.0/s, 1 failed, 1 broken links",
        ),
        (
            ExportStats(started=0.0, entities=0, files=2, bytes=4096, pages=3, failed=0),
            "0 entities, 2 files (4 KiB), 3 pages, 0 entities/s, 0 failed",
        ),
        (
            MapProgress(done=5, total=9, mapped=3, skipped=1, failed=1),
            "5/9 records: 3 mapped, 1 skipped, 1 failed",
        ),
        (
            LoadStats(seen=4, actions=Counter({"update": 1, "insert": 3})),
            "4 records: insert 3, update 1",
        ),
        (
            PostLaunchResult(checked=Counter({"page": 2, "redirect": 3})),
            "5 URLs checked, 0 failed",
        ),
    ],
)
def test_each_report_describes_its_progress_line(report: ProgressReport, line: str) -> None:
    assert report.describe() == line


def test_an_error_records_failed_and_ctrl_c_stopped() -> None:
    failed, stopped, finished = StageStats(), StageStats(), StageStats()
    with pytest.raises(ValueError), failed.running():
        raise ValueError("boom")
    with pytest.raises(KeyboardInterrupt), stopped.running():
        raise KeyboardInterrupt
    with finished.running():
        pass
    finished.finish("finished")
    assert (failed.finish_reason, stopped.finish_reason, finished.finish_reason) == (
        "failed",
        "stopped",
        "finished",
    )
    assert finished.elapsed_s >= 0
