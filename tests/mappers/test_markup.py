"""The sanitiser, plain text and link rewriting."""

from __future__ import annotations

import pytest

from tests.mappers.helpers import fake_links, record, run
from transfer.mappers.context import Context, MapContext

HOSTILE = (
    '<h2 id="otsikko-1">Otsikko</h2>\n<p onclick="steal()">Teksti ja '
    '<a href="/tietoa" onmouseover="x()">linkki</a>.</p>'
    '<figure class="content-image"><img src="/documents/1/2/k.jpg/abc" alt="Kuva" '
    "onerror=\"this.onerror=null;this.style.display='none';\"><figcaption>Kuvateksti"
    "</figcaption></figure>"
    "<script>window.ktStats=[];document.write('<span>x</span>');</script>"
    '<p><a href="javascript:window.print()">Tulosta</a></p>'
    '<p><a href="JaVaScRiPt:alert(1)">Toinen</a><style>p{color:red}</style></p>'
    "<ul><li>yksi</li></ul><table><tr><th>a</th><td>b</td></tr></table>"
    '<iframe src="https://evil.example"></iframe>'
)


def test_sanitiser_removes_scripts_handlers_and_javascript_urls() -> None:
    clean = run("html_clean", {}, HOSTILE)
    lowered = clean.lower()
    for gone in ("<script", "onerror", "onclick", "onmouseover", "javascript:", "ktstats"):
        assert gone not in lowered
    for gone in ("<style", "color:red", "<iframe"):
        assert gone not in lowered
    for kept in (
        '<h2 id="otsikko-1">Otsikko</h2>',
        '<a href="/tietoa">linkki</a>',
        '<img src="/documents/1/2/k.jpg/abc" alt="Kuva">',
        "<figcaption>Kuvateksti</figcaption>",
        "Tulosta",
        "Toinen",
        "<li>yksi</li>",
        "<th>a</th><td>b</td>",
    ):
        assert kept in clean


@pytest.mark.parametrize(
    ("config", "value", "expected"),
    [
        ({}, '<a href="https://x.fi/" target="_blank">x</a>', '<a href="https://x.fi/">x</a>'),
        ({}, '<a href="mailto:a@b.fi">a</a>', '<a href="mailto:a@b.fi">a</a>'),
        ({}, '<div class="kt-body"><p style="x">t</p></div>', "<p>t</p>"),
        ({"extra_tags": ["div"]}, "<div><p>t</p></div>", "<div><p>t</p></div>"),
        ({"tags": ["p"]}, "<p><b>t</b></p>", "<p>t</p>"),
        ({"url_schemes": ["https"]}, '<a href="http://x.fi">x</a>', "<a>x</a>"),
        (
            {"attributes": {"a": ["href", "class"]}},
            '<a class="c" id="i">x</a>',
            '<a class="c">x</a>',
        ),
    ],
)
def test_html_clean(config: object, value: str, expected: str) -> None:
    assert run("html_clean", config, value) == expected


@pytest.mark.parametrize(
    ("config", "value", "expected"),
    [
        ({}, "<h2>Otsikko</h2><p>Yksi <b>kaksi</b></p>", "Otsikko\nYksi kaksi"),
        ({}, "<p>a<br>b</p><ul><li>c</li><li>d</li></ul>", "a\nb\nc\nd"),
        ({}, "teksti <script>x()</script>ilman", "teksti ilman"),
        ({"separator": " "}, "<p>a</p><p>b</p>", "a b"),
        ({}, "   ", ""),
    ],
)
def test_html_to_text(config: object, value: str, expected: str) -> None:
    assert run("html_to_text", config, value) == expected


def test_rewrite_links_through_the_plan_and_report_unknown() -> None:
    services = MapContext(links=fake_links)
    context = Context(record(), {}, services, "os/news.ct", "body_html")
    html = (
        '<p><a href="/tietoa#osa">a</a> <a href="https://kotoutuminen.fi/-/uusi-laki">b</a> '
        '<a href="https://example.org/x">c</a> <a href="/ei-ole">d</a> '
        '<a href="#top">e</a> <a href="mailto:a@b.fi">f</a></p><img src="../tietoa">'
    )
    out = run("rewrite_links", {}, html, context)
    assert '<a href="/fi/tietoa#osa">a</a>' in out
    assert '<a href="/fi/uutiset/uusi-laki">b</a>' in out
    assert '<a href="https://example.org/x">c</a>' in out
    assert '<a href="/ei-ole">d</a>' in out
    assert '<a href="#top">e</a>' in out and '<a href="mailto:a@b.fi">f</a>' in out
    assert '<img src="/fi/tietoa">' in out
    assert [link.href for link in services.report.unknown_links] == [
        "https://kotoutuminen.fi/ei-ole"
    ]
    assert services.report.unknown_links[0].column == "body_html"


def test_rewrite_links_unlink_unknown() -> None:
    services = MapContext(links=fake_links)
    context = Context(record(), {}, services, "os/news.ct", "body_html")
    out = run(
        "rewrite_links",
        {"unknown": "unlink", "attributes": ["href"]},
        '<p>x <a href="/ei">y</a> z</p>',
        context,
    )
    assert out == "<p>x y z</p>"
