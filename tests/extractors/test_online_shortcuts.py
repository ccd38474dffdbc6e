"""What the crawl remembers or skips to save CPU gives exactly what computing afresh gives:
the normalisation cache, root-relative links joined once per origin, records serialised
without a deep copy, the HTTP client's environment read once per origin."""

from __future__ import annotations

import base64
import json
import pickle
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.extractors.test_online_pool import raw_page
from tests.extractors.test_online_profile import PROFILE
from transfer.config import HttpSettings
from transfer.extractors.http import HttpClient
from transfer.extractors.online_service import urls
from transfer.extractors.online_service.extract import absolute_url, origin_of, parse_page, select
from transfer.extractors.online_service.fetch import guarded_page_outcome
from transfer.records import FetchInfo, SourceRecord
from transfer.stores.blobs import BlobStore
from transfer.stores.staging import StagingStore

ADDRESSES = [
    "https://kotoutuminen.fi/",
    "HTTPS://KOTOUTUMINEN.FI/Tietoa/",
    "http://KOTOUTTAMINEN.fi/tietoa#x",
    "/-/uutinen?utm_source=twitter&utm_medium=social",
    "/a/./b/../c/",
    "?p_p_id=x&p_p_lifecycle=1",
    "mailto:info@example.fi",
    "https://example.com/form",
    "  /tietoa  ",
    "",
]
BASES = [None, "https://kotoutuminen.fi/sv/tietoa", "http://kotouttaminen.fi/x/"]


@pytest.mark.parametrize("base", BASES)
def test_normalise_remembers_what_it_would_compute(base: str | None) -> None:
    rules = pickle.loads(pickle.dumps(PROFILE.urls))  # a copy with its own, empty cache
    assert rules._keys == {}
    first = [rules.normalise(address, base) for address in ADDRESSES]
    assert first == [rules._normalise(address, base) for address in ADDRESSES]
    assert len(rules._keys) == len(set(ADDRESSES))
    assert [rules.normalise(address, base) for address in ADDRESSES] == first


def test_normalise_cache_is_bounded_and_not_pickled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urls, "NORMALISE_CACHE_SIZE", 3)
    rules = pickle.loads(pickle.dumps(PROFILE.urls))
    for index in range(10):
        assert rules.normalise(f"/page-{index}") == f"https://kotoutuminen.fi/page-{index}"
        assert len(rules._keys) <= 3
    assert pickle.loads(pickle.dumps(rules))._keys == {}
    assert pickle.loads(pickle.dumps(rules)) == rules  # the cache is no part of the rules


@pytest.mark.parametrize(
    "base",
    [
        "https://kotoutuminen.fi/a/b?c=1#f",
        "http://H:8080/a/",
        "https://kotoutuminen.fi",
        "https://u:p@kotoutuminen.fi/p;q?r",
        "https://kotoutuminen.fi/a/../b",
        "mailto:a@b",
        "/relative",
        "",
    ],
)
@pytest.mark.parametrize(
    "href",
    [
        "/",
        "/a/../b",
        "/a/./c/",
        "/x?y#z",
        "/x;p?q",
        "//other.fi/x",
        "/a//b",
        "/../x",
        "/a/b/../../..",
        "relative",
        "?q",
        "#f",
        "http://other.fi/x",
        "/é",
    ],
)
def test_links_joined_once_per_origin_are_joined_as_urljoin_does(base: str, href: str) -> None:
    assert absolute_url(base, origin_of(base), href) == urljoin(base, href)


@dataclass(frozen=True)
class Contact:
    name: str
    phones: tuple[str, ...]


@pytest.mark.parametrize(
    "record",
    [
        SourceRecord(source="online_service", kind="page", key="k"),
        SourceRecord(
            source="online_service",
            kind="news",
            key="https://kotoutuminen.fi/-/uutinen",
            url="https://kotoutuminen.fi/-/uutinen",
            language="fi",
            fetch=FetchInfo("2026-12-03T00:00:00+00:00", 200, "http://x/", "text/html", "ab"),
            fields={
                "title": "Ääkköset ja € \u2028",
                "contacts": [{"name": "A", "emails": ("a@b.fi",)}, Contact("B", ("1", "2"))],
                "published": None,
                "count": 3,
                "ratio": 0.1,
                "nested": {"z": [1, [2, {"y": (3,)}]], "a": True},
                "_warnings": [{"code": "charset", "detail": "x"}],
            },
            links=("https://kotoutuminen.fi/a", "https://kotoutuminen.fi/b"),
            assets=("https://kotoutuminen.fi/documents/1",),
            body_blob="ff",
        ),
    ],
)
def test_record_json_is_the_text_of_its_dict(record: SourceRecord) -> None:
    expected = json.dumps(record.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    assert record.to_json() == expected
    assert SourceRecord.from_json(record.to_json()).to_json() == expected


class _Recorder(BaseHTTPRequestHandler):
    """Answers 200 to everything and remembers each request line and its Authorization."""

    seen: list[tuple[str, str | None]]

    def do_GET(self) -> None:
        self.seen.append((self.requestline, self.headers.get("Authorization")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def recording() -> Iterator[tuple[str, list[tuple[str, str | None]]]]:
    seen: list[tuple[str, str | None]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_proxies_and_netrc_from_the_environment_still_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client reads the environment once per origin instead of once per request: a
    proxy, its NO_PROXY exceptions and .netrc credentials apply as requests applies them."""
    with recording() as (proxy, through_proxy), recording() as (site, direct):
        netrc = tmp_path / "netrc"
        netrc.write_text("machine 127.0.0.1 login crawler password secret\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("NETRC", str(netrc))
        monkeypatch.setenv("HTTP_PROXY", f"http://{proxy}")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        for name in ("http_proxy", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        http = HttpClient(
            HttpSettings(timeout_s=5.0, concurrency=2, max_attempts=1, user_agent="transfer-test")
        )
        for path in ("/a", "/b"):
            assert http.get(f"http://{site}{path}").status == 200
        assert http.get("http://proxied.invalid/c").status == 200
    credentials = "Basic " + base64.b64encode(b"crawler:secret").decode()
    assert direct == [("GET /a HTTP/1.1", credentials), ("GET /b HTTP/1.1", credentials)]
    assert through_proxy == [("GET http://proxied.invalid/c HTTP/1.1", None)]


PAGE = """<html><head><link rel="canonical" href="/x"></head><body class="selkosivu  main">
<div id="main-content" class="kt-body
 wide"><h1 class="kt-title">T</h1><p class="a b">p</p><p class="a&#12;b">f</p>
<ul class="kt-cards"><li class="item active">1</li><li class="item">2</li></ul>
</div></body></html>"""


def _profile_selectors() -> list[str]:
    found = {PROFILE.content_scope}
    found |= {rule.select for rule in PROFILE.kinds + PROFILE.languages if rule.select}
    pending = [spec for specs in PROFILE.fields.values() for spec in specs]
    while pending:
        spec = pending.pop()
        found |= {spec.select, *spec.exclude}
        pending += spec.fields
    return sorted(found)


@pytest.mark.parametrize(
    "css",
    [
        ".kt-title",
        "h1.kt-title, h1.title-text",
        "h1.title-text, .nowhere",
        "#main-content .kt-body",
        ".kt-body .kt-title",
        "div.wide > h1",
        ".kt-cards li.active",
        ".kt-cards li:not(.active)",
        ":not(.nowhere)",
        "li:is(.nowhere, .item)",
        "ul:has(.nowhere)",
        ".a.b",
        r".a\ b",
        ".a\\c b",
        "body.selkosivu",
        "[class~=wide]",
        "link[rel=canonical][href]",
        "*",
        ".nowhere",
        "p.a.nowhere",
        *_profile_selectors(),
    ],
)
def test_selectors_ruled_out_by_class_names_select_nothing(css: str) -> None:
    page = parse_page(PAGE, "https://kotoutuminen.fi/x", PROFILE.content_scope)
    assert page.classes is not None and {"kt-body", "wide", "a", "b", "a\x0cb"} <= page.classes
    assert select(page.doc, css, page.classes) == select(page.doc, css)
    for node in select(page.doc, "#main-content, ul, li"):
        assert select(node, css, page.classes) == select(node, css)


def test_a_record_encoded_where_it_was_parsed_is_stored_as_encoded_here(tmp_path: Path) -> None:
    """A parsing process sends the record's JSON text and hash with it: after the trip to
    the crawl's process they are what encoding the record there gives, and the staging
    store keeps the same row with them as without them."""
    body = PAGE.replace("<h1", '<p class="kt-lead">Ä “x” \\u00e9</p><h1').encode()
    raw = raw_page(body)
    outcome = pickle.loads(pickle.dumps(guarded_page_outcome(PROFILE, BlobStore(tmp_path), raw)))
    record = outcome.record
    assert record is not None and outcome.encoded is not None
    assert outcome.encoded == (record.to_json(), record.record_hash)
    rows = []
    for name, encoded in (("plain", None), ("encoded", outcome.encoded)):
        store = StagingStore(tmp_path / f"{name}.sqlite")
        assert store.save(record, 1, etag="e", encoded=encoded) == "new"
        assert store.save(record, 2, encoded=encoded) == "unchanged"
        rows.append(store.db.execute("SELECT * FROM records").fetchall())
        store.close()
    assert rows[0] == rows[1]
