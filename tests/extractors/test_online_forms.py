"""Forms of real Liferay sites beyond the sandbox's defaults (issue 16, points 1-5):
protected e-mails in bodies, month-name dates, time ranges, form-encoded document names and
field ``exclude`` lists. Table-driven, no network."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import lxml.html
import pytest

from tests.extractors.test_online_profile import PROFILE
from transfer.cfemail import decode_protected_emails, encode_cfemail
from transfer.dates import parse_local, parse_local_range
from transfer.errors import ConfigError
from transfer.extractors.online_service.extract import extract_fields, parse_page
from transfer.extractors.online_service.fetch import disposition_name
from transfer.extractors.online_service.profile import Profile, load_profile

ADDRESS = "maija.meikalainen@example.fi"
HEX = encode_cfemail(ADDRESS, 0x42)


def _decoded(fragment: str) -> str:
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    decode_protected_emails(root)
    return lxml.html.tostring(root, encoding="unicode")


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        # a disguised mailto: link around the protected text
        (
            f'<p>Ask <a href="/cdn-cgi/l/email-protection#{HEX}"><span class="__cf_email__" '
            f'data-cfemail="{HEX}">[email&#160;protected]</span></a>.</p>',
            f'<div><p>Ask <a href="mailto:{ADDRESS}">{ADDRESS}</a>.</p></div>',
        ),
        # the address as a link's text, the hex only in data-cfemail
        (
            f'<p><a class="__cf_email__" href="/cdn-cgi/l/email-protection" '
            f'data-cfemail="{HEX}">[email&#160;protected]</a> or call.</p>',
            f'<div><p><a href="mailto:{ADDRESS}">{ADDRESS}</a> or call.</p></div>',
        ),
        # the address as plain text: becomes a link
        (
            f'<p>Write to <span class="__cf_email__" data-cfemail="{HEX}">'
            "[email&#160;protected]</span> today.</p>",
            f'<div><p>Write to <a href="mailto:{ADDRESS}">{ADDRESS}</a> today.</p></div>',
        ),
        # a link's own wording is kept, only the href is decoded
        (
            f'<p><a href="/cdn-cgi/l/email-protection#{HEX}">Send us mail</a></p>',
            f'<div><p><a href="mailto:{ADDRESS}">Send us mail</a></p></div>',
        ),
        # undecodable: left as it is
        (
            '<p><a href="/cdn-cgi/l/email-protection#zz">[email protected]</a></p>',
            '<div><p><a href="/cdn-cgi/l/email-protection#zz">[email protected]</a></p></div>',
        ),
    ],
)
def test_protected_emails_become_mailto_links(served: str, expected: str) -> None:
    assert _decoded(served) == expected


def test_body_field_decodes_protected_emails_and_drops_their_links() -> None:
    html = f"""<html><body><div id="main-content"><h1 class="kt-title">T</h1>
    <div class="kt-body"><p>Contact <a href="/cdn-cgi/l/email-protection#{HEX}">
    <span class="__cf_email__" data-cfemail="{HEX}">[email&#160;protected]</span></a>.</p>
    </div><div class="kt-more-info"><div class="kt-contact">
    <span class="kt-contact-name">M</span><a href="/cdn-cgi/l/email-protection#{HEX}">
    <span class="__cf_email__" data-cfemail="{HEX}">[email&#160;protected]</span></a>
    </div></div></div></body></html>"""
    page = parse_page(html, "https://kotoutuminen.fi/a", PROFILE.content_scope)
    fields = extract_fields(PROFILE, "page", page)
    assert f'<a href="mailto:{ADDRESS}">{ADDRESS}</a>' in fields["body"]
    assert "cdn-cgi" not in fields["body"]
    # the contact box still reads the hex (the page's own tree was not changed)
    assert fields["contacts"][0]["email"] == ADDRESS
    # an href read as an attribute is decoded too
    link = extract_fields(
        load_profile_with("  page:\n    contact_link: {select: '.kt-contact a', attr: href}\n"),
        "page",
        page,
    )["contact_link"]
    assert link == f"mailto:{ADDRESS}"
    assert not [href for href in page.hrefs if "cdn-cgi" in href]


def load_profile_with(extra: str) -> Profile:
    """The shipped profile with ``extra`` appended (under ``fields:``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "profile.yml"
        path.write_text(PROFILE.path.read_text(encoding="utf-8") + extra, encoding="utf-8")
        return load_profile(path)


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Julkaisuajankohta 4.9.2023 9.00", _utc(2023, 9, 4, 6, 0)),
        ("20.12.2023 klo 9.33", _utc(2023, 12, 20, 7, 33)),
        (
            "Publication date 5.3.2025 9.28 | Published in English on 10.3.2025",
            _utc(2025, 3, 5, 7, 28),
        ),
        ("Sivu on päivitetty 11.9.2024", date(2024, 9, 11)),
        ("Published 4 September 2023", date(2023, 9, 4)),
        ("Published 4 Sep 2023, 2.56 pm", _utc(2023, 9, 4, 11, 56)),
        ("Page updated 11 September 2024 at 14:05", _utc(2024, 9, 11, 11, 5)),
        ("Julkaisuajankohta 4. syyskuuta 2023 klo 9.00", _utc(2023, 9, 4, 6, 0)),
        ("Julkaistu 4 syyskuu 2023", date(2023, 9, 4)),
        ("Sivu on päivitetty 3. joulukuuta 2024", date(2024, 12, 3)),
        ("Publicerad den 4 september 2023 kl. 9.00", _utc(2023, 9, 4, 6, 0)),
        ("Sidan har uppdaterats 1 mars 2025", date(2025, 3, 1)),
        ("12.3.2024 klo 9", _utc(2024, 3, 12, 7, 0)),
        ("31.2.2024", None),
        ("30 februari 2024", None),
        ("no date here", None),
        ("4 Smarch 2023", None),
    ],
)
def test_local_dates_in_three_languages(text: str, expected: datetime | date | None) -> None:
    assert parse_local(text) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Ajankohta 8.5.2024 klo 15.45-17.45", _utc(2024, 5, 8, 12, 45), _utc(2024, 5, 8, 14, 45)),
        ("Tid 8.5.2024 kl. 15.45–17.45", _utc(2024, 5, 8, 12, 45), _utc(2024, 5, 8, 14, 45)),
        ("8 May 2024 at 9.00 - 11.30", _utc(2024, 5, 8, 6, 0), _utc(2024, 5, 8, 8, 30)),
        ("8.5.2024 klo 9–12", _utc(2024, 5, 8, 6, 0), _utc(2024, 5, 8, 9, 0)),
        ("8.5.2024 9.00 – 9.5.2024 16.00", _utc(2024, 5, 8, 6, 0), _utc(2024, 5, 9, 13, 0)),
        ("8.5.2024 – 10.5.2024", date(2024, 5, 8), date(2024, 5, 10)),
        ("Ajankohta 8.5.2024 klo 15.45", _utc(2024, 5, 8, 12, 45), None),
        ("nothing", None, None),
    ],
)
def test_time_ranges(text: str, start: object, end: object) -> None:
    assert parse_local_range(text) == (start, end)


def _profile(tmp_path: Path, extra: str) -> Path:
    text = PROFILE.path.read_text(encoding="utf-8") + extra
    path = tmp_path / "profile.yml"
    path.write_text(text, encoding="utf-8")
    return path


EVENT = """<html><body><div id="main-content"><h1 class="kt-title">Seminaari</h1>
<p class="kt-when">Ajankohta 8.5.2024 klo 15.45-17.45</p>
<div class="journal-content-article"><h1>Seminaari</h1><p class="date">8.5.2024</p>
<p>Body text.</p>
<div class="contact">Maija</div>
<ul class="files"><li>a.pdf</li></ul>
</div></div></body></html>"""


def test_exclude_and_time_range_fields(tmp_path: Path) -> None:
    profile = load_profile(
        _profile(
            tmp_path,
            """  page:
    starts_at: {select: '.kt-when', date: local}
    ends_at: {select: '.kt-when', date: local_end}
    article:
      select: '.journal-content-article'
      mode: html
      exclude: ['h1', '.date', '.contact', 'ul.files']
    article_text: {select: '.journal-content-article', exclude: ['h1', '.date']}
""",
        )
    )
    page = parse_page(EVENT, "https://kotoutuminen.fi/a", profile.content_scope)
    fields = extract_fields(profile, "page", page)
    assert fields["starts_at"] == "2024-05-08T12:45:00+00:00"
    assert fields["ends_at"] == "2024-05-08T14:45:00+00:00"
    assert fields["article"] == "<p>Body text.</p>"
    assert fields["article_text"] == "Body text. Maija a.pdf"
    # the page itself keeps what one field excluded: other fields still see it
    assert fields["title"] == "Seminaari"


def test_exclude_must_be_selectors(tmp_path: Path) -> None:
    path = _profile(tmp_path, "  page:\n    x: {select: 'p', exclude: ['p[']}\n")
    with pytest.raises(ConfigError, match="invalid CSS selector"):
        load_profile(path)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("inline; filename*=UTF-8''Brochure%20-%20Equality.pdf", "Brochure - Equality.pdf"),
        ('attachment; filename="a b+c.pdf"', "a b+c.pdf"),
        ("inline", None),
        ("", None),
    ],
)
def test_file_name_from_content_disposition(header: str, expected: str | None) -> None:
    assert disposition_name(header) == expected


K = "https://kotoutuminen.fi"
AP = "_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_ab12"


@pytest.mark.parametrize(
    ("key", "declared", "expected"),
    [
        # a mirror: its declared canonical on the site wins
        ("https://integration.fi/sv/a", f"{K}/sv/a", f"{K}/sv/a"),
        ("https://kotouttaminen.fi/a", f"{K}/b", f"{K}/b"),
        # a mirror without a canonical, or one naming itself: the profile's canonical host
        ("https://kotouttaminen.fi/a", None, f"{K}/a"),
        ("https://kotouttaminen.fi/a", "https://kotouttaminen.fi/a", f"{K}/a"),
        ("https://kotouttaminen.fi/a", "https://elsewhere.example/a", f"{K}/a"),
        # a paged listing whose canonical is the bare listing
        (f"{K}/uutiset?p_p_id=x&{AP}_cur=2", f"{K}/uutiset", f"{K}/uutiset"),
        (f"{K}/uutiset?{AP}_cur=2", "/uutiset", f"{K}/uutiset"),
        # a page naming itself, another path or another site: its own record
        (f"{K}/a", f"{K}/a", None),
        (f"{K}/a", None, None),
        (f"{K}/a", f"{K}/b", None),
        (f"{K}/a", "https://elsewhere.example/a", None),
    ],
)
def test_fold_target(key: str, declared: str | None, expected: str | None) -> None:
    assert PROFILE.urls.fold_target(key, declared) == expected
