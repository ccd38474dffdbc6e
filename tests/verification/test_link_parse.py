"""The links and redirects checks' shortcuts for plain paths and URLs give what joining and
splitting (urljoin, urlsplit) give."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from hypothesis import example, given
from hypothesis import strategies as st

from transfer.verification.web import IGNORED_SCHEMES, _parse, _split

# Characters that matter to urljoin and urlsplit, and some that do not.
PIECES = st.sampled_from(
    ["/", "//", ".", "..", "?", "#", ";", ":", "a", "Ä", "%20", " ", "\t", "\\", "x=1", "http:"]
)
URLS = st.lists(PIECES, max_size=8).map("".join)
HOSTS = st.sampled_from(
    ["kotoutuminen.fi", "Kotoutuminen.FI", "a-b.fi.", "h:80", "u@h", "[::1]", ""]
)
SCHEMES = st.sampled_from(["https://", "http://", "HTTP://", "ftp://", "https:/", ""])
ADDRESSES = st.tuples(SCHEMES, HOSTS, URLS).map("".join)


def _urlsplit(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.path or "/", parts.query


def _joined_and_split(page: str, link: str) -> tuple[str, str, str, str, str] | None:
    """What _parse computed before it had a shortcut."""
    if not link or link.lower().startswith(IGNORED_SCHEMES):
        return None
    absolute = urljoin(page, urldefrag(link)[0])
    return (link, absolute, *_urlsplit(absolute))


@given(page=URLS, link=URLS)
@example(page="/fi/uutiset/uutinen-1", link="/fi/uutiset/uutinen-2")
@example(page="/fi/uutiset/uutinen-1", link="/fi/./uutiset/../x")
@example(page="/fi/a", link="//host/x")
@example(page="https://kotoutuminen.fi/fi/a", link="/x")
@example(page="/fi/a", link="/x?")
@example(page="/fi/a", link="/x;p")
@example(page="/fi/a", link="/x/.")
def test_the_shortcut_agrees_with_urljoin_and_urlsplit(page: str, link: str) -> None:
    assert _parse(page, link) == _joined_and_split(page, link)


@given(page=URLS, link=ADDRESSES)
@example(page="/fi/a", link="https://www.example.org/tietoa")
@example(page="/fi/a", link="HTTP://Example.ORG")
@example(page="https://kotoutuminen.fi/fi/a", link="https://kotoutuminen.fi/x")
@example(page="/fi/a", link="https://a-b.fi./x/../y")
def test_the_shortcut_for_urls_agrees_with_urljoin_and_urlsplit(page: str, link: str) -> None:
    try:
        expected = _joined_and_split(page, link)
    except ValueError:  # urlsplit refuses it: the check must too
        try:
            _parse(page, link)
        except ValueError:
            return
        raise AssertionError(f"{link!r} on {page!r} parsed, urljoin refuses it") from None
    assert _parse(page, link) == expected


def test_a_plain_path_takes_the_shortcut() -> None:
    assert _parse("/fi/a", "/tiedostot/raportti-1.pdf") == (
        "/tiedostot/raportti-1.pdf",
        "/tiedostot/raportti-1.pdf",
        "",
        "/tiedostot/raportti-1.pdf",
        "",
    )


@given(url=ADDRESSES)
@example(url="https://kotouttaminen.fi/-/uutinen-5")
@example(url="https://Kotoutuminen.FI")
@example(url="/fi/./a")
def test_splitting_agrees_with_urlsplit(url: str) -> None:
    try:
        expected = _urlsplit(url)
    except ValueError:  # urlsplit refuses it: the check must too
        expected = None
    if expected is None:
        try:
            _split(url)
        except ValueError:
            return
        raise AssertionError(f"{url!r} split, urlsplit refuses it")
    assert _split(url) == expected
