"""The crawler against the sandbox at its default scale (the real site's size), served in a
process of its own: recall, fields against the ground truth, re-crawls, faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.extractors.crawl_helpers import KINDS, crawl, shared_crawl, store_of
from transfer.extractors.online_service import CrawlResult
from transfer.records import SourceRecord
from transfer.sandbox import SandboxSettings
from transfer.sandbox.online import OnlineService
from transfer.sandbox.process import serve_in_subprocess

pytestmark = pytest.mark.slow
SCALE = 1.0


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One sandbox at epoch 0 and a copy of the session's crawl of it (the map stage's
    tests read the same one), shared by the tests of this module."""
    workspace = tmp_path_factory.mktemp("crawl")
    truth = OnlineService(SandboxSettings(scale=SCALE)).truth()
    result = shared_crawl(tmp_path_factory, SCALE, workspace)
    with serve_in_subprocess(SandboxSettings(scale=SCALE)) as (online_url, _):
        store = store_of(workspace)
        records = {record.key: record for record in store.records()}
        store.close()
        yield {
            "workspace": workspace,
            "url": online_url,
            "truth": truth,
            "result": result,
            "records": records,
        }


def instant(value: str | None) -> datetime | date | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return parsed


def same_time(truth: str | None, found: str | None) -> bool:
    """Equal instants; a page that prints only a date matches the truth's date."""
    if truth is None or found is None:
        return truth == found
    expected, got = instant(truth), instant(found)
    if isinstance(got, datetime) and isinstance(expected, datetime):
        return got == expected
    return str(got)[:10] == str(expected)[:10]


def test_every_page_and_attachment_is_found(site: dict[str, Any]) -> None:
    records: dict[str, SourceRecord] = site["records"]
    truth = site["truth"]
    pages = {page["url"] for page in truth["pages"]}
    assert len(pages) > 3000
    assert sorted(pages - set(records)) == []
    attachments = {a["url"]: a for a in truth["attachments"]}
    assert sorted(set(attachments) - set(records)) == []
    for url, attachment in attachments.items():
        assert records[url].fields["sha256"] == attachment["sha256"], url
        assert records[url].fields["size"] == attachment["size"], url
    extra = {
        key for key, record in records.items() if record.kind not in ("attachment", "listing")
    } - pages
    assert extra == set()
    result: CrawlResult = site["result"]
    assert result.failures == []


def test_kind_title_language_and_dates_match_the_truth(site: dict[str, Any]) -> None:
    records: dict[str, SourceRecord] = site["records"]
    wrong: list[tuple[str, str, object, object]] = []
    for page in site["truth"]["pages"]:
        record = records[page["url"]]
        fields = record.fields
        checks = [
            ("kind", KINDS[page["kind"]], record.kind),
            ("language", page["language"], record.language),
            ("title", page["title"], fields.get("title")),
        ]
        wrong += [(page["url"], name, want, got) for name, want, got in checks if want != got]
        for ours, theirs in (
            ("published", "published"),
            ("updated", "updated"),
            ("published_in_english", "published_en"),
        ):
            if ours == "published" and page["kind"] == "event":
                continue  # event pages print their time range, not a publication stamp
            if not same_time(page[theirs], fields.get(ours)):
                wrong.append((page["url"], ours, page[theirs], fields.get(ours)))
    assert wrong == []


def test_translation_links_match_the_truth(site: dict[str, Any]) -> None:
    records: dict[str, SourceRecord] = site["records"]
    wrong = []
    for page in site["truth"]["pages"]:
        found = {
            link["hreflang"]: link["url"]
            for link in records[page["url"]].fields.get("translations", [])
            if link["hreflang"] != "x-default"
        }
        if found != page["alternates"]:
            wrong.append((page["url"], page["alternates"], found))
        if page["easy_pair"]:
            easy = records[page["url"]].fields.get("easy_language")
            if easy != page["easy_pair"]:
                wrong.append((page["url"], page["easy_pair"], easy))
    assert wrong == []


def test_flags_contacts_and_events(site: dict[str, Any]) -> None:
    records: dict[str, SourceRecord] = site["records"]
    for page in site["truth"]["pages"]:
        fields = records[page["url"]].fields
        assert fields["frozen"] == page["flags"]["frozen"], page["url"]
        assert fields["outdated_banner"] == page["flags"]["outdated"], page["url"]
        emails = [contact["email"] for contact in fields.get("contacts", [])]
        assert emails == [contact["email"] for contact in page["contacts"]], page["url"]
        if page["event"]:
            assert same_time(page["event"]["start"], fields["starts_at"]), page["url"]


def test_redirects_broken_links_and_legacy_hosts_are_recorded(site: dict[str, Any]) -> None:
    truth, result = site["truth"], site["result"]
    store = store_of(site["workspace"])
    try:
        aliases = store.aliases()
        for redirect in truth["redirects"]:
            assert store.resolve(redirect["from"]) == redirect["to"], redirect
        legacy = {link["href"].split("#")[0] for link in truth["legacy_links"]}
        reached = {store.resolve(href) for href in legacy if href in aliases}
        assert len(reached) > 0
        assert all(url in site["records"] for url in reached)
    finally:
        store.close()
    deliberate = {link["url"] for link in truth["broken_links"]}
    assert deliberate <= {broken["url"] for broken in result.broken_links}


def test_unchanged_recrawl_transfers_no_page_bodies(site: dict[str, Any]) -> None:
    result = crawl(site["workspace"], site["url"], concurrency=8)
    assert result.stats.fetched == 0
    assert result.stats.bytes == 0
    assert result.summary.new == result.summary.changed == result.summary.gone == 0
    assert result.summary.unchanged == len(site["records"])


def test_recrawl_after_an_epoch_reports_exactly_the_changes(site: dict[str, Any]) -> None:
    epoch = SandboxSettings(scale=SCALE, epoch=1)
    round_one = OnlineService(epoch).truth()["changes"][0]
    moved = {(move["from"], move["to"]) for move in round_one["moved"]}
    expected_new = (
        set(round_one["added"]) | set(round_one["attachments_added"]) | {to for _, to in moved}
    )
    expected_gone = set(round_one["deleted"]) | {old for old, _ in moved}
    expected_changed = (
        (
            set(round_one["edited"])
            | set(round_one["refreshed"])
            | set(round_one["attachments_changed"])
        )
        - expected_new
        - expected_gone
    )
    with serve_in_subprocess(epoch) as (online_url, _):
        result = crawl(site["workspace"], online_url, concurrency=8)

    def pages_only(keys: list[str]) -> set[str]:
        return {key for key in keys if "_cur=" not in key}  # listing pages beyond the first

    assert pages_only(result.changes["new"]) == expected_new
    assert pages_only(result.changes["gone"]) == expected_gone
    assert pages_only(result.changes["changed"]) == expected_changed
    assert set(result.changes["moved"]) == {f"{old} -> {new}" for old, new in moved}


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
