"""Field extraction, sitemaps, robots.txt and the staging store, without a network."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.extractors.test_online_profile import PROFILE
from transfer.cfemail import decode_cfemail, encode_cfemail
from transfer.dates import parse_local
from transfer.extractors.online_service.extract import extract_fields, parse_page
from transfer.extractors.online_service.fetch import safe_file_name
from transfer.extractors.online_service.robots import Robots
from transfer.extractors.online_service.sitemaps import SitemapError, parse_sitemap
from transfer.records import FetchInfo, SourceRecord
from transfer.stores.staging import StagingStore

HEX = encode_cfemail("liisa.esimerkki@example.fi", 0x5A)
PAGE = f"""<html lang="en-US"><head>
<link rel="alternate" hreflang="fi-FI" href="https://kotoutuminen.fi/-/uusi-laki" />
<link rel="alternate" hreflang="en-US" href="https://kotoutuminen.fi/en/-/new-act" />
</head><body><nav><a href="/en/menu-page">menu</a></nav>
<div id="main-content"><h1 class="kt-title">New  Act
 in force</h1>
<p class="kt-published">Publication date 5.3.2025 9.28 | Published in English on
 10.3.2025 at 14.56</p>
<div class="alert kt-law-notice">Not yet updated</div>
<p class="kt-lead">Lead text.</p>
<div class="kt-body"><p>Body with <a href="/en/other?utm_source=x">a link</a> and
<a href="/documents/1/2/Report.pdf/0a1b2c3d-0000-1111-2222-333344445555?t=99"
>a file</a>.</p></div>
<div class="kt-more-info"><ul><li class="kt-contact">
<span class="kt-contact-name">Liisa Esimerkki</span>
<span class="kt-contact-phone">p. +358 29 000 0000</span>
<a class="__cf_email__" data-cfemail="{HEX}"
 href="/cdn-cgi/l/email-protection#{HEX}">[email&#160;protected]</a></li></ul></div>
<p class="kt-updated">Page updated 11.9.2024</p>
</div></body></html>"""


def test_fields_links_and_contacts() -> None:
    key = "https://kotoutuminen.fi/en/-/new-act"
    page = parse_page(PAGE, key, PROFILE.content_scope)
    fields = extract_fields(PROFILE, "news", page)
    assert fields["title"] == "New Act in force"
    assert fields["published"] == "2025-03-05T07:28:00+00:00"  # 9.28 EET is 07.28 UTC
    assert fields["published_in_english"] == "2025-03-10T12:56:00+00:00"
    assert fields["updated"] == "2024-09-11"
    assert fields["outdated_banner"] is True
    assert fields["frozen"] is False
    assert fields["translations"] == [
        {"hreflang": "fi-FI", "url": "https://kotoutuminen.fi/-/uusi-laki"},
        {"hreflang": "en-US", "url": "https://kotoutuminen.fi/en/-/new-act"},
    ]
    assert fields["contacts"] == [
        {
            "name": "Liisa Esimerkki",
            "title": None,
            "organisation": None,
            "phone": "+358 29 000 0000",
            "email": "liisa.esimerkki@example.fi",
        }
    ]
    assert '<a href="/en/other?utm_source=x">' in fields["body"]
    content = [PROFILE.urls.normalise(href) for href in page.content_hrefs]
    assert "https://kotoutuminen.fi/en/other" in content
    assert "https://kotoutuminen.fi/en/menu-page" not in content
    assert any(href.endswith("/en/menu-page") for href in page.hrefs)


def test_summer_time_is_respected() -> None:
    assert str(parse_local("Julkaisuajankohta 4.9.2023 9.00")) == "2023-09-04 06:00:00+00:00"
    assert str(parse_local("20.12.2023 klo 9.33")) == "2023-12-20 07:33:00+00:00"
    assert parse_local("31.2.2024") is None
    assert parse_local("no date here") is None


@pytest.mark.parametrize("address", ["a@b.fi", "liisa.äänekoski@example.fi"])
def test_cfemail_round_trip(address: str) -> None:
    assert decode_cfemail(encode_cfemail(address, 0x33)) == address
    assert decode_cfemail("zz") is None


def test_sitemaps() -> None:
    index = parse_sitemap(b"""<?xml version="1.0"?><sitemapindex
        xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>
        <loc>https://kotoutuminen.fi/sitemap.xml?languageId=fi_FI</loc></sitemap></sitemapindex>""")
    assert index.is_index
    urlset = parse_sitemap(b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc> https://kotoutuminen.fi/a </loc><lastmod>2025-03-03</lastmod></url>
        <url><loc>https://kotoutuminen.fi/b</loc></url></urlset>""")
    assert [(e.loc, e.lastmod) for e in urlset.entries] == [
        ("https://kotoutuminen.fi/a", "2025-03-03"),
        ("https://kotoutuminen.fi/b", None),
    ]
    with pytest.raises(SitemapError):
        parse_sitemap(b"<html></html>")
    with pytest.raises(SitemapError):
        parse_sitemap(b"<urlset")


def test_robots_wildcards() -> None:
    robots = Robots(
        "User-agent: *\nDisallow: /haku\nDisallow: /*p_p_lifecycle=1\n"
        "Disallow: /*_showFlags=\nSitemap: https://kotoutuminen.fi/sitemap.xml\n",
        "transfer",
    )
    assert robots.allowed("https://kotoutuminen.fi/tietoa")
    assert not robots.allowed("https://kotoutuminen.fi/haku?q=x")
    assert not robots.allowed("https://kotoutuminen.fi/x?p_p_id=y&p_p_lifecycle=1")
    assert not robots.allowed("https://kotoutuminen.fi/blogi?a_showFlags=true")
    assert robots.sitemaps == ["https://kotoutuminen.fi/sitemap.xml"]


def record(key: str, title: str, content_hash: str = "h") -> SourceRecord:
    return SourceRecord(
        source="online_service",
        kind="page",
        key=key,
        url=key,
        language="fi",
        fetch=FetchInfo("2025-03-03T07:00:00+00:00", 200, key, content_hash=content_hash),
        fields={"title": title},
    )


def test_staging_store_tracks_changes_across_passes(tmp_path: Path) -> None:
    store = StagingStore(tmp_path / "s.sqlite")
    first, resumed = store.begin_pass("run-1")
    assert not resumed
    with store.transaction():
        assert store.save(record("k/a", "A"), first) == "new"
        assert store.save(record("k/b", "B"), first) == "new"
        assert store.save(record("k/c", "C"), first) == "new"
    store.end_pass(first, "complete")
    second, resumed = store.begin_pass("run-2")
    assert not resumed and second == first + 1
    with store.transaction():
        assert store.save(record("k/a", "A"), second) == "unchanged"
        assert store.save(record("k/b", "B2"), second) == "changed"
        assert store.mark_gone("k/c", second)
        store.add_alias("k/c", "k/d", "redirect", second, 301)
        assert store.save(record("k/d", "C"), second) == "new"
    store.end_pass(second, "complete")
    summary = store.summary(second)
    assert (summary.new, summary.changed, summary.unchanged, summary.gone, summary.moved) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert store.changes(second)["moved"] == ["k/c -> k/d"]
    assert [r.key for r in store.records()] == ["k/a", "k/b", "k/d"]


def test_transaction_rolls_back_everything(tmp_path: Path) -> None:
    store = StagingStore(tmp_path / "s.sqlite")
    pass_id, _ = store.begin_pass("run")
    with pytest.raises(RuntimeError), store.transaction():
        store.save(record("k/a", "A"), pass_id)
        store.add_alias("k/x", "k/a", "redirect", pass_id)
        raise RuntimeError("killed mid-page")
    assert store.get("k/a") is None
    assert store.aliases() == {}


def test_unfinished_pass_is_resumed(tmp_path: Path) -> None:
    store = StagingStore(tmp_path / "s.sqlite")
    pass_id, _ = store.begin_pass("run-1")
    store.close()
    again = StagingStore(tmp_path / "s.sqlite")
    assert again.begin_pass("run-2") == (pass_id, True)


def test_a_new_pass_never_starts_with_the_checkpoints_of_the_one_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process killed between beginning a pass and dropping the old checkpoints must not
    leave a running pass that resumes with them (they say every collection was walked, and
    the export then marked every unseen entity gone)."""
    store = StagingStore(tmp_path / "s.sqlite")
    first, _ = store.begin_pass("r1", fresh_checkpoints=True)
    store.set_checkpoint("collection:organisations", {"done": True}, first)
    store.end_pass(first, "complete")

    def killed() -> None:
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(store, "clear_checkpoints", killed)
    with pytest.raises(KeyboardInterrupt):
        store.begin_pass("r2", fresh_checkpoints=True)
    monkeypatch.undo()
    second, resumed = store.begin_pass("r3", fresh_checkpoints=True)
    assert (second, resumed) == (first + 1, False)
    assert store.checkpoint("collection:organisations") is None
    store.close()


def test_duplicates_keep_the_smallest_key_whatever_the_order(tmp_path: Path) -> None:
    for order in (["k/b", "k/a"], ["k/a", "k/b"]):
        store = StagingStore(tmp_path / f"{order[0].replace('/', '')}.sqlite")
        pass_id, _ = store.begin_pass("run")
        for key in order:
            store.save(record(key, "Same"), pass_id, identity="same-content")
            store.deduplicate(key, pass_id)
        assert [r.key for r in store.records()] == ["k/a"]
        assert store.resolve("k/b") == "k/a"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("Raportti 2024.pdf", "Raportti 2024.pdf"),
        ("../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("..", "file"),
        (".hidden.pdf", "hidden.pdf"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_safe_file_names(raw: str, safe: str) -> None:
    assert safe_file_name(raw) == safe
