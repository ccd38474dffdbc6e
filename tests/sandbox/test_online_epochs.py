"""Editorial rounds of the online-service replica: epoch 0 against epoch 1, byte by byte."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from transfer.sandbox.online import OnlineService
from transfer.sandbox.settings import EPOCH_LENGTH, EPOCH_ZERO, SandboxSettings
from transfer.sandbox.wire import Request, Response

HOST = "https://kotoutuminen.fi"


def get(service: OnlineService, url: str) -> Response:
    parts = urlsplit(url)
    raw = parts.path + (f"?{parts.query}" if parts.query else "")
    response = service.handle(
        Request("GET", unquote(parts.path), raw, parse_qs(parts.query), {"host": "kotoutuminen.fi"})
    )
    assert response is not None
    return response


@pytest.fixture(scope="module")
def before() -> OnlineService:
    return OnlineService(SandboxSettings(scale=0.02, epoch=0))


@pytest.fixture(scope="module")
def after() -> OnlineService:
    return OnlineService(SandboxSettings(scale=0.02, epoch=1))


@pytest.fixture(scope="module")
def truths(before: OnlineService, after: OnlineService) -> tuple[dict, dict]:
    return before.truth(), after.truth()


def test_round_changes_every_kind_of_thing(truths: tuple[dict, dict]) -> None:
    old, new = truths
    assert old["changes"] == []
    (change,) = new["changes"]
    assert change["round"] == 1
    for key in (
        "added",
        "edited",
        "refreshed",
        "deleted",
        "moved",
        "attachments_changed",
        "attachments_added",
    ):
        assert change[key], key
    kinds = {page["kind"] for page in new["pages"] if page["url"] in change["added"]}
    assert {"news", "event", "blog"} <= kinds


def test_pages_differ_exactly_as_the_changes_say(
    before: OnlineService, after: OnlineService, truths: tuple[dict, dict]
) -> None:
    old, new = truths
    (change,) = new["changes"]
    moved_from = {move["from"] for move in change["moved"]}
    moved_to = {move["to"] for move in change["moved"]}
    changed = set(change["edited"]) | set(change["refreshed"])
    urls = {page["url"] for page in old["pages"]} | {page["url"] for page in new["pages"]}
    unchanged = 0
    for url in sorted(urls):
        first, second = get(before, url), get(after, url)
        if url in change["added"] or url in moved_to:
            assert (first.status, second.status) == (404, 200), url
        elif url in change["deleted"]:
            assert (first.status, second.status) == (200, 404), url
        elif url in moved_from:
            assert (first.status, second.status) == (200, 301), url
            target = dict(second.headers)["Location"]
            assert {"from": url, "to": target} in change["moved"]
        elif url in changed:
            assert first.body != second.body, url
            assert second.last_modified > first.last_modified
            assert second.etag != first.etag
        else:
            assert first.body == second.body, url
            assert (first.etag, first.last_modified) == (second.etag, second.last_modified)
            unchanged += 1
    assert unchanged > len(urls) / 2
    now = EPOCH_ZERO + EPOCH_LENGTH
    assert all(get(after, url).last_modified <= now for url in changed | set(change["added"]))


def test_sitemap_lastmod_follows_the_edits(after: OnlineService, truths: tuple[dict, dict]) -> None:
    old, new = truths
    before_mod = {page["url"]: page["modified"] for page in old["pages"]}
    (change,) = new["changes"]
    sitemap = BeautifulSoup(get(after, f"{HOST}/sitemap.xml?languageId=fi_FI").body, "xml")
    lastmod = {
        url.find("loc").get_text(): url.find("lastmod").get_text()
        for url in sitemap.find_all("url")
    }
    for url in change["edited"]:
        if url in lastmod:
            assert lastmod[url] != before_mod[url]
            assert lastmod[url] == next(p["modified"] for p in new["pages"] if p["url"] == url)


def test_attachment_t_changes_only_with_the_file(
    before: OnlineService, after: OnlineService, truths: tuple[dict, dict]
) -> None:
    old, new = truths
    (change,) = new["changes"]
    previous = {item["url"]: item for item in old["attachments"]}
    for item in new["attachments"]:
        if item["url"] in change["attachments_added"]:
            assert item["url"] not in previous
            continue
        was = previous[item["url"]]
        assert item["uuid"] == was["uuid"]
        if item["url"] in change["attachments_changed"]:
            assert item["t"] > was["t"] and item["sha256"] != was["sha256"]
            assert get(before, was["href"]).body != get(after, item["href"]).body
            # an old t still serves the current file
            assert get(after, was["href"]).body == get(after, item["href"]).body
        else:
            assert (item["t"], item["sha256"]) == (was["t"], was["sha256"])


def test_rounds_are_deterministic_and_depend_on_the_seed(truths: tuple[dict, dict]) -> None:
    _, new = truths
    again = OnlineService(SandboxSettings(scale=0.02, epoch=1)).truth()
    assert again["changes"] == new["changes"]
    other = OnlineService(SandboxSettings(seed=99, scale=0.02, epoch=1)).truth()
    assert other["changes"] != new["changes"]
