"""The shipped source profile: URL normalisation, scope, kinds and profile validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from transfer.errors import ConfigError
from transfer.extractors.online_service.extract import first_match, parse_page
from transfer.extractors.online_service.profile import load_profile

ROOT = Path(__file__).parent.parent.parent
PROFILE = load_profile(ROOT / "mappings" / "online_service" / "profile.yml")
AP = "_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_ab12"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://kotoutuminen.fi/", "https://kotoutuminen.fi/"),
        ("https://kotoutuminen.fi/sv/", "https://kotoutuminen.fi/sv"),
        ("HTTPS://KOTOUTUMINEN.FI/Tietoa", "https://kotoutuminen.fi/Tietoa"),
        ("https://www.kotoutuminen.fi/tietoa/", "https://kotoutuminen.fi/tietoa"),
        # Legacy domains keep their host (they are fetched there and redirect).
        ("http://KOTOUTTAMINEN.fi/tietoa#x", "http://kotouttaminen.fi/tietoa"),
        ("https://www.integration.fi/en/news?utm_source=x", "https://www.integration.fi/en/news"),
        ("/-/uutinen?utm_source=twitter&utm_medium=social", "https://kotoutuminen.fi/-/uutinen"),
        ("/-/tiedote-ä", "https://kotoutuminen.fi/-/tiedote-%C3%A4"),
        ("/a/./b/../c/", "https://kotoutuminen.fi/a/c"),
        (
            "/documents/20126/35001/Raportti%202024.pdf/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
            "?t=1700000000000",
            "https://kotoutuminen.fi/documents/20126/35001/Raportti%202024.pdf/"
            "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        ),
        (
            f"/ajankohtaista?p_p_id=com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet"
            f"_INSTANCE_ab12&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&{AP}_cur=3&{AP}_delta=20",
            f"https://kotoutuminen.fi/ajankohtaista?{AP}_cur=3&p_p_id=com_liferay_asset_publisher"
            f"_web_portlet_AssetPublisherPortlet_INSTANCE_ab12",
        ),
        (
            "/blogi/-/blogs/kirjoitus?_com_liferay_blogs_web_portlet_BlogsPortlet_showFlags=true",
            "https://kotoutuminen.fi/blogi/-/blogs/kirjoitus",
        ),
        ("?p_p_id=x&p_p_lifecycle=1", "https://kotoutuminen.fi/"),
        ("mailto:info@example.fi", None),
        ("javascript:alert(1)", None),
        ("https://example.com/form", None),
        ("ftp://kotoutuminen.fi/file", None),
        ("#main-content", None),
    ],
)
def test_normalisation(url: str, expected: str | None) -> None:
    assert PROFILE.urls.normalise(url) == expected


@pytest.mark.parametrize(
    ("path", "in_scope"),
    [
        ("/", True),
        ("/haku?q=kotoutuminen", False),
        ("/en/search?q=x", False),
        ("/c/portal/login", False),
        ("/o/headless-delivery/v1.0/sites", False),
        ("/tietoa-kotoutumisesta", True),
        ("/cdn-cgi/l/email-protection", False),
    ],
)
def test_scope(path: str, in_scope: bool) -> None:
    assert PROFILE.in_scope("https://kotoutuminen.fi" + path) is in_scope


@pytest.mark.parametrize(
    ("path", "html", "kind", "language"),
    [
        ("/-/uusi-laki", "<h1 class='kt-title'>x</h1>", "news", "fi"),
        ("/en/-/new-act", "", "news", "en"),
        ("/sv/-/ny-lag", "", "news", "sv"),
        ("/blogi/-/blogs/kirjoitus", "", "blog_post", "fi"),
        ("/tapahtumat/2025-03-12/verkostopaiva", "", "event", "fi"),
        ("/kotoutuminen-selkosuomi", "", "page", "fi-x-selko"),
        ("/kasikirja-luku-3", "<nav class='kt-handbook-toc'></nav>", "handbook_chapter", "fi"),
        ("/sv/vanliga-fragor", "<div class='kt-faq-list'></div>", "faq", "sv"),
        ("/documents/1/2/a.pdf/0a1b2c3d-aaaa", "", "attachment", "fi"),
        ("/tietoa", "<p>text</p>", "page", "fi"),
    ],
)
def test_kind_and_language_rules(path: str, html: str, kind: str, language: str) -> None:
    key = "https://kotoutuminen.fi" + path
    page = parse_page(f"<html><body>{html}</body></html>", key, PROFILE.content_scope)
    assert first_match(PROFILE.kinds, key, page, "text/html") == kind
    assert first_match(PROFILE.languages, key, page, "text/html") == language


GOOD = (ROOT / "mappings" / "online_service" / "profile.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message", "key"),
    [
        (
            "  seeds: [/, /sv, /en]",
            "  seeds: [/, /sv, /en]\n  seedz: [/]",
            "unknown key 'seedz'",
            "crawl.seedz",
        ),
        (
            "    lead: {select: '#main-content .kt-lead'}",
            "    lead: {select: '#main-content .kt-lead', mod: text}",
            "did you mean 'mode'",
            "fields.common.lead.mod",
        ),
        (
            "  - {kind: blog_post, path: '^/blogi/-/blogs/'}",
            "  - {kind: blog_post, path: '^/blogi/(-/blogs/'}",
            "invalid regular expression",
            "kinds[3].path",
        ),
        (
            "    organiser: {select: '.kt-event-organiser'}",
            "    organiser: {select: '.kt-event-organiser[['}",
            "invalid CSS selector",
            "fields.event.organiser.select",
        ),
        (
            "    published: {select: '.kt-published, .entry-date', date: local}",
            "    published: {select: '.kt-published, .entry-date', date: finnish}",
            "must be one of local, local_end, iso",
            "fields.common.published.date",
        ),
        (
            "  glossary:\n    # The term list",
            "  glossery:\n    # The term list",
            "fields for unknown kind",
            "fields.glossery",
        ),
        ("  - {kind: page}", "  - {kind: page, path: x}", "must be a default", "kinds"),
    ],
)
def test_profile_errors_name_file_line_and_key(
    tmp_path: Path, old: str, new: str, message: str, key: str
) -> None:
    assert old in GOOD
    broken = GOOD.replace(old, new, 1)
    path = tmp_path / "profile.yml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    text = str(caught.value)
    assert message in text
    assert f"({key})" in caught.value.where
    line = int(caught.value.where.split(":")[1].split(" ")[0])
    assert key.split(".")[-1].split("[")[0] in broken.splitlines()[line - 1] or key.startswith(
        "kinds"
    )


def test_profile_yaml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "profile.yml"
    path.write_text("source: x\nsite: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_profile(path)
