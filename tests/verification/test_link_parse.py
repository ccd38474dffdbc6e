"""The links check's shortcut for plain paths gives what joining and splitting gives."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin

from hypothesis import example, given
from hypothesis import strategies as st

from transfer.verification.web import IGNORED_SCHEMES, _parse, _split

# Characters that matter to urljoin and urlsplit, and some that do not.
PIECES = st.sampled_from(
    ["/", "//", ".", "..", "?", "#", ";", ":", "a", "Ä", "%20", " ", "\t", "\\", "x=1", "http:"]
)
URLS = st.lists(PIECES, max_size=8).map("".join)


def _joined_and_split(page: str, link: str) -> tuple[str, str, str, str, str] | None:
    """What _parse computed before it had a shortcut."""
    if not link or link.lower().startswith(IGNORED_SCHEMES):
        return None
    absolute = urljoin(page, urldefrag(link)[0])
    return (link, absolute, *_split(absolute))


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


def test_a_plain_path_takes_the_shortcut() -> None:
    assert _parse("/fi/a", "/tiedostot/raportti-1.pdf") == (
        "/tiedostot/raportti-1.pdf",
        "/tiedostot/raportti-1.pdf",
        "",
        "/tiedostot/raportti-1.pdf",
        "",
    )
