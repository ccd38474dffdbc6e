"""The online-service replica at tiny scale, seen as a crawler sees it: through handle()."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from transfer.sandbox.online import OnlineService
from transfer.sandbox.online.furniture import decode_cfemail
from transfer.sandbox.settings import SandboxSettings
from transfer.sandbox.wire import Request, Response

HOST = "https://kotoutuminen.fi"
OUR_HOSTS = {"kotoutuminen.fi", "kotouttaminen.fi", "integration.fi"}
TINY = SandboxSettings(seed=2025, scale=0.02)


def get(service: OnlineService, url: str, method: str = "GET") -> Response:
    parts = urlsplit(url)
    raw = parts.path + (f"?{parts.query}" if parts.query else "")
    request = Request(
        method,
        unquote(parts.path),
        raw,
        parse_qs(parts.query, keep_blank_values=True),
        {"host": parts.netloc or "kotoutuminen.fi"},
    )
    response = service.handle(request)
    assert response is not None, url
    return response


def fetch(service: OnlineService, url: str) -> tuple[Response, str, int]:
    """The final response, its URL and the number of redirects followed."""
    hops = 0
    response = get(service, url)
    while response.status in (301, 302):
        location = dict(response.headers)["Location"]
        assert location.startswith(f"{HOST}/"), location
        url, hops = location, hops + 1
        assert hops < 5, url
        response = get(service, url)
    return response, url, hops


def bare(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


@pytest.fixture(scope="module")
def service() -> OnlineService:
    return OnlineService(TINY)


@pytest.fixture(scope="module")
def truth(service: OnlineService) -> dict:
    return service.truth()


@pytest.fixture(scope="module")
def soups(service: OnlineService, truth: dict) -> dict[str, BeautifulSoup]:
    out = {}
    for page in truth["pages"]:
        response = get(service, page["url"])
        assert response.status == 200, page["url"]
        out[page["url"]] = BeautifulSoup(response.body, "lxml")
    return out


def pages(truth: dict, **wanted: object) -> Iterator[dict]:
    for page in truth["pages"]:
        if all(page.get(key) == value for key, value in wanted.items()):
            yield page


def test_same_seed_same_bytes_other_seed_other_site(service: OnlineService, truth: dict) -> None:
    again = OnlineService(TINY)
    urls = [page["url"] for page in truth["pages"]] + [f"{HOST}/sitemap.xml", f"{HOST}/robots.txt"]
    urls += [item["href"] for item in truth["attachments"] if not item["large"]]
    for url in urls:
        first, second = get(service, url), get(again, url)
        assert first.body == second.body, url
        assert first.etag == second.etag and first.last_modified == second.last_modified
    other = OnlineService(SandboxSettings(seed=7, scale=0.02))
    assert get(other, f"{HOST}/").body != get(service, f"{HOST}/").body
    assert {p["url"] for p in other.truth()["pages"]} != {p["url"] for p in truth["pages"]}


def test_every_page_answers_with_its_title(soups: dict[str, BeautifulSoup], truth: dict) -> None:
    for page in truth["pages"]:
        soup = soups[page["url"]]
        assert soup.select_one("#main-content h1").get_text(strip=True) == page["title"]
        assert soup.title.get_text().startswith(page["title"])
        canonical = soup.find("link", rel="canonical")
        assert canonical is not None and canonical["href"] == page["url"]


def _kind_from_markup(soup: BeautifulSoup) -> str:
    """The selectors a crawler profile uses; the URL is not consulted."""
    rules = [
        ("#portlet_com_liferay_blogs_web_portlet_BlogsPortlet .widget-mode-detail", "blog"),
        ("dl.kt-event-details", "event"),
        ("article.kt-news", "news"),
        (".kt-handbook-chapter", "handbook"),
        (".kt-faq-list", "faq"),
        ("dl.kt-glossary", "glossary"),
        (".asset-publisher", "listing"),
        (".kt-front", "front"),
        (".kt-landing", "landing"),
        (".kt-article", "topic"),
    ]
    for selector, kind in rules:
        if soup.select_one(selector) is not None:
            return kind
    return "unknown"


def _language_from_markup(soup: BeautifulSoup) -> str:
    lang = soup.html["lang"].split("-")[0]
    return "fi-x-selko" if "selkosivu" in soup.body["class"] else lang


def test_kind_and_language_are_recognisable_from_markup(
    soups: dict[str, BeautifulSoup], truth: dict
) -> None:
    for page in truth["pages"]:
        soup = soups[page["url"]]
        assert _kind_from_markup(soup) == page["kind"], page["url"]
        assert _language_from_markup(soup) == page["language"], page["url"]
    handbooks = list(pages(truth, kind="handbook"))
    assert {page["handbook"] for page in handbooks} == {"act", "reception"}
    for page in handbooks:
        crumbs = [a["href"] for a in soups[page["url"]].select("ol.breadcrumb a")]
        assert urljoin(HOST, crumbs[-1]) == page["parent"]


def _links(soup: BeautifulSoup) -> Iterator[str]:
    for tag in soup.find_all(["a", "link", "img", "script"]):
        value = tag.get("href") or tag.get("src")
        if value:
            yield str(value)


def test_every_link_resolves_to_something_known(
    service: OnlineService, truth: dict, soups: dict[str, BeautifulSoup]
) -> None:
    known = {page["url"] for page in truth["pages"]}
    files = {item["url"] for item in truth["attachments"]}
    broken = {item["url"] for item in truth["broken_links"]}
    services = {
        f"{HOST}/robots.txt",
        f"{HOST}/cdn-cgi/l/email-protection",
        *(bare(url) for url in truth["search_paths"]),
    }
    seen_broken, seen_legacy, cache = set(), 0, {}
    styles: set[str] = set()
    for page_url, soup in soups.items():
        for href in _links(soup):
            marks = (
                ("tracking", "utm_source="),
                ("fragment", "#o"),
                ("absolute", f"{HOST}/"),
                ("document", "/documents/"),
            )
            styles |= {style for style, mark in marks if mark in href}
            if href.startswith("javascript:"):
                assert next(pages(truth, url=page_url))["flags"]["hostile"], page_url
                continue
            absolute = urljoin(page_url, href)
            host = urlsplit(absolute).hostname or ""
            if host not in OUR_HOSTS:
                assert "example" in host, absolute  # external hosts are all fictional
                continue
            seen_legacy += host != "kotoutuminen.fi"
            if absolute not in cache:
                cache[absolute] = fetch(service, absolute)
            response, final, _ = cache[absolute]
            if response.status == 404:
                assert bare(final) in broken, (page_url, href)
                seen_broken.add(bare(final))
                continue
            assert response.status == 200, (page_url, href)
            target = bare(final)
            if target.startswith(f"{HOST}/o/kotoutuminen-theme/"):
                continue
            is_paging = "p_p_id=com_liferay_asset_publisher" in final and target in known
            is_blog_portlet = "p_p_id=com_liferay_blogs_web_portlet_BlogsPortlet" in final
            assert target in known | files | services or is_paging or is_blog_portlet, href
    assert broken and seen_broken == broken
    assert seen_legacy > 0
    assert styles == {"tracking", "fragment", "absolute", "document"}


def test_sitemaps_list_exactly_the_flagged_pages(service: OnlineService, truth: dict) -> None:
    index = BeautifulSoup(get(service, f"{HOST}/sitemap.xml").body, "xml")
    listed: dict[str, str] = {}
    for loc in index.find_all("loc"):
        assert loc.get_text() in truth["sitemaps"]
        sitemap = BeautifulSoup(get(service, loc.get_text()).body, "xml")
        for url in sitemap.find_all("url"):
            listed[url.find("loc").get_text()] = url.find("lastmod").get_text()
    wanted = {
        page["url"]: page["modified"] for page in truth["pages"] if page["flags"]["in_sitemap"]
    }
    assert listed == wanted
    assert all(page["url"] not in listed for page in pages(truth, kind="event"))
    assert any(page["flags"]["orphan"] for page in truth["pages"])


@pytest.mark.parametrize("delta", [1, 3, 7, None, 50])
def test_paging_lists_every_item_exactly_once(
    service: OnlineService, truth: dict, delta: int | None
) -> None:
    for name, by_lang in truth["listings"].items():
        for lang, listing in by_lang.items():
            portlet = listing["portlet_id"]
            size = delta or listing["default_delta"]
            url = (
                f"{listing['url']}?p_p_id={portlet}&p_p_lifecycle=0&p_p_state=normal"
                f"&p_p_mode=view&_{portlet}_cur=1&_{portlet}_delta={size}"
            )
            found: list[str] = []
            for _ in range(len(listing["items"]) + 2):
                soup = BeautifulSoup(get(service, url).body, "lxml")
                rows = soup.select(".asset-publisher .kt-listing > li")
                assert len(rows) <= size
                found += [bare(urljoin(url, row.find("a")["href"])) for row in rows]
                following = [
                    a
                    for a in soup.select("ul.pagination a")
                    if a.get_text() in ("Seuraava", "Nästa", "Next")
                ]
                if not following:
                    break
                url = following[0]["href"]
                assert re.search(rf"_{portlet}_cur=\d+&_{portlet}_delta={size}$", url), url
            assert found == listing["items"], (name, lang, size)


def test_listing_page_past_the_end_shows_the_last_page(service: OnlineService, truth: dict) -> None:
    listing = truth["listings"]["news"]["fi"]
    portlet = listing["portlet_id"]
    last = BeautifulSoup(
        get(service, f"{listing['url']}?_{portlet}_cur=999&_{portlet}_delta=4").body, "lxml"
    )
    rows = [bare(urljoin(HOST, a["href"])) for a in last.select(".kt-listing h2 a")]
    total = len(listing["items"])
    assert rows == listing["items"][(total - 1) // 4 * 4 :]


def test_cfemail_decodes_to_the_true_addresses(
    soups: dict[str, BeautifulSoup], truth: dict
) -> None:
    checked = 0
    for page in truth["pages"]:
        anchors = soups[page["url"]].select(".kt-more-info a.__cf_email__")
        assert [decode_cfemail(a["data-cfemail"]) for a in anchors] == [
            contact["email"] for contact in page["contacts"]
        ]
        for anchor in anchors:
            assert anchor["href"] == f"/cdn-cgi/l/email-protection#{anchor['data-cfemail']}"
            assert "@" not in anchor.get_text()
            checked += 1
    assert checked > 5


def test_hostile_pages_carry_the_hostile_markup(
    soups: dict[str, BeautifulSoup], truth: dict
) -> None:
    hostile = [page for page in truth["pages"] if page["flags"]["hostile"]]
    assert hostile
    for page in truth["pages"]:
        main = soups[page["url"]].select_one("#main-content")
        markers = (
            main.find("script") is not None,
            main.select_one("img[onerror]") is not None,
            main.select_one('a[href^="javascript:"]') is not None,
        )
        assert markers == ((True,) * 3 if page["flags"]["hostile"] else (False,) * 3), page["url"]
        if page["flags"]["hostile"]:
            assert len(main.select_one(".kt-body").get_text(strip=True)) > 100


def _local(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return f"{moment.day}.{moment.month}.{moment.year} {moment.hour}.{moment.minute:02d}"


def test_stamps_show_the_true_times_in_each_language(
    soups: dict[str, BeautifulSoup], truth: dict
) -> None:
    for page in pages(truth, kind="news"):
        text = soups[page["url"]].select_one(".kt-published").get_text()
        if page["language"] == "fi":
            assert text == f"Julkaisuajankohta {_local(page['published'])}"
        elif page["language"] == "sv":
            day, time = _local(page["published"]).split()
            assert text == f"Publiceringsdatum {day} kl. {time}"
        else:
            assert text.startswith(f"Publication date {_local(page['published'])}")
            if page["published_en"]:
                day, time = _local(page["published_en"]).split()
                assert text.endswith(f" | Published in English on {day} at {time}")
    labels = {
        soups[p["url"]].select_one(".kt-type-label").get_text()
        for p in pages(truth, kind="news", language="en")
    }
    assert labels == {"News item", "Type:News item"}
    for page in pages(truth, kind="topic", language="fi"):
        moment = datetime.fromisoformat(page["updated"])
        assert (
            soups[page["url"]].select_one(".kt-updated").get_text()
            == f"Sivu on päivitetty {moment.day}.{moment.month}.{moment.year}"
        )
    venues = set()
    for page in pages(truth, kind="event"):
        soup = soups[page["url"]]
        times = soup.select(".kt-event-time time")
        assert [t["datetime"] for t in times] == [page["event"]["start"], page["event"]["end"]]
        online = soup.select_one(".kt-event-online a")
        assert (online["href"] if online else None) == page["event"]["online_url"]
        venues.add("online" if online else soup.select_one(".kt-event-place").get_text())
        assert page["url"].startswith(f"{HOST}/tapahtumat/{page['event']['start'][:10]}/")
    assert "online" in venues and len(venues) > 1


def test_translations_easy_finnish_and_conflicts(
    soups: dict[str, BeautifulSoup], truth: dict
) -> None:
    for page in truth["pages"]:
        links = soups[page["url"]].find_all("link", rel="alternate")
        announced = {
            link["hreflang"]: link["href"] for link in links if link["hreflang"] != "x-default"
        }
        assert announced == page["alternates"], page["url"]
    kinds = {item["type"] for item in truth["conflicting_translations"]}
    assert kinds == {"conflicting", "one-sided"}
    for item in truth["conflicting_translations"]:
        if item["type"] == "conflicting":
            assert item["claims"]["fi"] != item["group"]["fi"]
    assert truth["easy_finnish_pairs"]
    for pair in truth["easy_finnish_pairs"]:
        forth = soups[pair["standard"]].select_one("#main-content .kt-selko-link a")["href"]
        back = soups[pair["easy"]].select_one("#main-content .kt-selko-link a")["href"]
        assert urljoin(HOST, forth) == pair["easy"] and urljoin(HOST, back) == pair["standard"]
        assert pair["easy"].endswith("-selkosuomi")


def test_banners_and_blog_furniture(soups: dict[str, BeautifulSoup], truth: dict) -> None:
    for page in truth["pages"]:
        soup = soups[page["url"]]
        assert (soup.select_one(".kt-frozen-notice") is not None) == page["flags"]["frozen"]
        assert (soup.select_one(".kt-law-notice") is not None) == page["flags"]["outdated"]
        assert soup.select_one("#quickAccessNav a")["href"] == "#main-content"
    assert any(page["flags"]["slug_mangled"] for page in pages(truth, kind="blog"))
    for page in pages(truth, kind="blog"):
        soup = soups[page["url"]]
        assert soup.select_one(".kt-author-name").get_text() == page["author"]
        assert "showFlags=true" in soup.select_one(".kt-flags a")["href"]
        assert soup.select_one("figure.cover-image img")["src"].startswith("/documents/")


def test_redirects_and_legacy_hosts(service: OnlineService, truth: dict) -> None:
    assert max(len(item["hops"]) for item in truth["redirects"]) == 2
    assert {item["reason"] for item in truth["redirects"]} == {"moved", "manual", "legacy-only"}
    for item in truth["redirects"]:
        response, final, hops = fetch(service, item["from"])
        assert response.status == 200 and final == item["to"] and hops == len(item["hops"])
    some = next(pages(truth, kind="topic", language="fi"))["path"]
    response = get(service, f"https://kotouttaminen.fi{some}?utm_source=x")
    assert response.status == 301
    assert dict(response.headers)["Location"] == f"{HOST}{some}?utm_source=x"
    assert get(service, f"{HOST}{some}/").status == 301


def test_not_found_search_robots_and_foreign_hosts(service: OnlineService, truth: dict) -> None:
    missing = get(service, f"{HOST}/en/no-such-page")
    assert missing.status == 404 and b"Page not found" in missing.body
    assert b"Skip to Content" in missing.body
    word = next(pages(truth, kind="news", language="fi"))["title"].split()[0]
    results = BeautifulSoup(get(service, f"{HOST}/haku?q={word}").body, "lxml")
    hits = [a["href"] for a in results.select("#result h3 a")]
    assert hits and all(hit.startswith(HOST) for hit in hits)
    robots = get(service, f"{HOST}/robots.txt").body.decode()
    for line in (
        "Disallow: /haku",
        "Disallow: /*p_p_lifecycle=1",
        "Disallow: /*_showFlags=",
        "Allow: /*p_p_lifecycle=0",
        f"Sitemap: {HOST}/sitemap.xml",
    ):
        assert line in robots.splitlines()
    request = Request("GET", "/", "/", {}, {"host": "kumppanuusalusta.kotoutuminen.fi"})
    assert service.handle(request) is None
    assert get(service, f"{HOST}/", method="POST").status == 405
