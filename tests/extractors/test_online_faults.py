"""The crawler against a sandbox that fails, throttles and truncates some answers: nothing
lost without a word (every page missing from the store is a reported failure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.extractors.crawl_helpers import crawl, store_of
from transfer.sandbox import SandboxSettings
from transfer.sandbox.online import OnlineService
from transfer.sandbox.process import serve_in_subprocess

pytestmark = pytest.mark.slow

#: The faults test waits out every retry, backoff and Retry-After (about 170 s at scale 1
#: with little CPU); 0.4 keeps every kind of page and fault at less than half the wait.
FAULTS_SCALE = 0.4


def test_faults_lose_nothing_silently(tmp_path: Path) -> None:
    truth = OnlineService(SandboxSettings(scale=FAULTS_SCALE)).truth()
    faults = "error_rate=0.05,throttle_rate=0.02,truncate_rate=0.01,latency_ms=2,jitter_ms=3"
    with serve_in_subprocess(SandboxSettings(scale=FAULTS_SCALE), faults) as (online_url, _):
        result = crawl(tmp_path, online_url, concurrency=8)
    store = store_of(tmp_path)
    found = {record.key for record in store.records()}
    store.close()
    failed = {failure["url"] for failure in result.failures}
    missing = {page["url"] for page in truth["pages"]} | {a["url"] for a in truth["attachments"]}
    missing -= found
    assert missing <= failed, "every missing page must be reported as a failure"
    assert all(failure["reason"] for failure in result.failures)
    assert len(missing) <= 5
