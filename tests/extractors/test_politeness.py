"""Politeness towards the real site (issue 16, point 8): robots.txt ``Crawl-delay`` and the
least pause per host ``http.min_delay_s``. Time is a fake clock: nothing waits for real."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
import responses

from tests.extractors.test_online_profile import PROFILE
from transfer.config import HttpSettings, load_settings
from transfer.extractors.http import HttpClient
from transfer.extractors.http.politeness import Pacer
from transfer.extractors.online_service.crawler import Crawler
from transfer.extractors.online_service.fetch import Worker
from transfer.stores.blobs import BlobStore
from transfer.stores.staging import StagingStore


class Clock:
    """A clock that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(
    ("min_pause_s", "crawl_delay_s", "expected_gap_s"),
    [(0.0, None, 0.0), (1.5, None, 1.5), (0.0, 2.0, 2.0), (3.0, 2.0, 3.0), (1.0, 4.0, 4.0)],
)
def test_requests_to_a_host_are_spaced_by_the_least_pause(
    min_pause_s: float, crawl_delay_s: float | None, expected_gap_s: float
) -> None:
    clock = Clock()
    pacer = Pacer(min_pause_s=min_pause_s, clock=clock, sleep=clock.sleep)
    pacer.wait("kotoutuminen.fi")  # the host is known before robots.txt is read
    if crawl_delay_s is not None:
        pacer.at_least(crawl_delay_s)
    starts = []
    for _ in range(3):
        pacer.wait("kotoutuminen.fi")
        starts.append(clock.now)
        pacer.record("kotoutuminen.fi", 0.01)  # a host answering well never goes below
    assert [round(b - a, 6) for a, b in pairwise(starts)] == [
        expected_gap_s,
        expected_gap_s,
    ]
    before = clock.now
    pacer.wait("other.example")  # another host is not held by this one's pace
    assert clock.now == before


def test_a_throttled_host_backs_off_from_the_least_pause() -> None:
    clock = Clock()
    pacer = Pacer(min_pause_s=1.0, clock=clock, sleep=clock.sleep)
    pacer.record("h", 0.01, throttled=True)
    assert pacer.pause("h") == 2.0
    for _ in range(20):
        pacer.record("h", 0.01)
    assert pacer.pause("h") == 1.0


@pytest.mark.parametrize(
    ("robots", "min_delay_s", "expected"),
    [
        ("User-agent: *\nCrawl-delay: 2\n", 0.0, 2.0),
        ("User-agent: *\nCrawl-delay: 2\n", 5.0, 5.0),
        ("User-agent: *\nDisallow: /haku\n", 0.5, 0.5),
        ("User-agent: other\nCrawl-delay: 9\n", 0.0, 0.0),
    ],
)
@responses.activate
def test_robots_crawl_delay_sets_the_least_pause(
    tmp_path: Path, robots: str, min_delay_s: float, expected: float
) -> None:
    responses.get("https://kotoutuminen.fi/robots.txt", body=robots)
    http = HttpSettings(5.0, 2, 2, "transfer-test", min_delay_s)
    clock = Clock()
    client = HttpClient(http, pacer=Pacer(min_pause_s=min_delay_s, clock=clock, sleep=clock.sleep))
    store = StagingStore(tmp_path / "staging.sqlite")
    try:
        worker = Worker(PROFILE, client, BlobStore(tmp_path / "blobs"), "")
        crawler = Crawler(PROFILE, store, worker, client)
        crawler._load_robots()
    finally:
        store.close()
    assert client.pacer.min_pause_s == expected
    assert client.pacer.pause("kotoutuminen.fi") == expected


def test_min_delay_setting_from_the_environment() -> None:
    settings = load_settings(env={"TRANSFER_HTTP_MIN_DELAY_S": "1.5"}, overrides={})
    assert settings.http.min_delay_s == 1.5
    assert load_settings(env={}, overrides={}).http.min_delay_s == 0.0


def test_a_crawl_of_the_sandbox_honours_its_crawl_delay(tmp_path: Path) -> None:
    import json

    from tests.extractors.crawl_helpers import crawl
    from transfer.sandbox import SandboxSettings, serve_sandbox

    settings = SandboxSettings(scale=0.02, variants=frozenset({"crawl-delay"}))
    with serve_sandbox(settings) as running:
        result = crawl(tmp_path, running.online_url, min_delay_s=0.005)
    assert result.failures == []
    (events,) = sorted((tmp_path / "logs").glob("*/events.jsonl"))
    found = [
        json.loads(line)["fields"]
        for line in events.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["event"] == "crawl_delay"
    ]
    assert [(f["delay_s"], f["min_pause_s"]) for f in found] == [(0.01, 0.01)]
