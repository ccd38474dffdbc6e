"""The sandbox's variants (``--variant``): each serves its form (issue 16)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.sandbox.test_online_site import get
from transfer.cli import cli
from transfer.sandbox.online import OnlineService
from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.local import request
from transfer.sandbox.settings import VARIANTS, SandboxSettings, parse_variants
from transfer.sandbox.wire import Response

HOST = "https://kotoutuminen.fi"


def _site(*variants: str) -> OnlineService:
    return OnlineService(SandboxSettings(scale=0.02, variants=frozenset(variants)))


def _page(service: OnlineService, kind: str, language: str = "fi") -> dict[str, object]:
    return next(
        p for p in service.truth()["pages"] if p["kind"] == kind and p["language"] == language
    )


def _html(service: OnlineService, url: str, host: str = "kotoutuminen.fi") -> str:
    response = get(service, url.replace("kotoutuminen.fi", host, 1))
    assert response.status == 200, url
    return response.body.decode("utf-8")


def test_month_dates() -> None:
    plain, named = _site(), _site("month-dates")
    for language, month in (("fi", r"\d+\. \w+kuuta \d{4}"), ("sv", r"den \d+ \w+ \d{4}")):
        url = str(_page(named, "news", language)["url"])
        assert re.search(month, _html(named, url))
        assert not re.search(month, _html(plain, url))
    url = str(_page(named, "news", "en")["url"])
    assert re.search(r"Published \d+ [A-Z][a-z]+ \d{4}", _html(named, url))


def test_time_ranges() -> None:
    service = _site("time-ranges")
    html = _html(service, str(_page(service, "event")["url"]))
    line = re.search(r'class="kt-event-time">([^<]*)<', html)
    assert line and re.fullmatch(r"\d+\.\d+\.\d{4} klo \d+\.\d{2}[-–]\d+\.\d{2}", line[1])
    assert "<time" not in html


def test_form_names() -> None:
    service = _site("form-names")
    spaced = next(a for a in service.truth()["attachments"] if " " in a["file_name"])
    assert "+" in spaced["url"] and "%20" not in spaced["url"]
    response = get(service, spaced["href"])
    assert response.status == 200
    assert "Content-Disposition" not in dict(response.headers)


def test_body_emails() -> None:
    service = _site("body-emails")
    page = next(p for p in service.truth()["pages"] if p["body_emails"])
    html = _html(service, str(page["url"]))
    body = html.split('class="kt-body"', 1)[1]
    assert "data-cfemail" in body
    assert all(address not in html for address in page["body_emails"])  # protected


@pytest.mark.parametrize("host", ["kotouttaminen.fi", "integration.fi"])
def test_mirror_legacy(host: str) -> None:
    plain, mirror = _site(), _site("mirror-legacy")
    url = str(_page(mirror, "topic")["url"])
    assert get(plain, url.replace("kotoutuminen.fi", host)).status == 301
    html = _html(mirror, url, host)
    assert f'href="{url}" rel="canonical"' in html


def test_stale_token_downloads() -> None:
    for variants, status in ((frozenset(), 302), (frozenset({"stale-token-downloads"}), 404)):
        platform = Platform(SandboxSettings(scale=0.02, variants=variants))
        document = next(f for f in platform.truth()["files"] if f["size"] and not f["missing"])
        answer = platform.handle(
            request(document["content_url"], {"Authorization": "Bearer expired"})
        )
        assert isinstance(answer, Response) and answer.status == status


def test_crawl_delay() -> None:
    for service, delayed in ((_site(), False), (_site("crawl-delay"), True)):
        robots = get(service, f"{HOST}/robots.txt").body.decode()
        assert ("Crawl-delay: 0.01" in robots) is delayed
        assert "Disallow: /haku" in robots


def test_creator_names() -> None:
    from transfer.sandbox.platform.local import LocalClient, export_basic

    for variants, has_id in ((frozenset(), True), (frozenset({"creator-names"}), False)):
        platform = Platform(SandboxSettings(scale=0.02, variants=variants))
        truth = platform.truth()
        names = {m["id"]: m["name"] for m in truth["deleted_members"]}
        post = next(p for p in truth["posts_by_deleted_members"] if p["variant"] == "label")
        client = LocalClient(platform, export_basic(platform.settings))
        found = client.get(f"/o/headless-delivery/v1.0/message-board-messages/{post['post_id']}")
        creator = json.loads(found.body)["creator"]
        assert ("id" in creator) is has_id
        if not has_id:
            assert creator["name"] == names[post["creator_id"]]


def test_every_variant_is_tested() -> None:
    names = {name.removeprefix("test_").replace("_", "-") for name in globals()}
    assert set(VARIANTS) <= names


def test_unknown_variant_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown variant 'nope'"):
        parse_variants("month-dates,nope")
    result = CliRunner().invoke(
        cli, ["sandbox", "truth", "--out", str(tmp_path / "t.json"), "--variant", "nope"]
    )
    assert result.exit_code == 3
