"""robots.txt and the sitemaps: an index at ``/sitemap.xml`` and one sitemap per language
at ``/sitemap.xml?languageId=fi_FI`` (``sv_SE``, ``en_US``), as Liferay serves them."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .clock import iso
from .context import HOST_URL, HREFLANG, alternate_claims
from .labels import LIFERAY_LANG
from .model import Site, base_lang

ROBOTS = f"""User-agent: *
Disallow: /haku
Disallow: /search
Disallow: /sv/sok
Disallow: /en/search
Disallow: /c/
Disallow: /cdn-cgi/
Disallow: /*p_p_lifecycle=1
Disallow: /*_showFlags=
Disallow: /*javax.portlet.action
Allow: /*p_p_lifecycle=0

Sitemap: {HOST_URL}/sitemap.xml
""".encode()
#: The ``crawl-delay`` variant's robots.txt: the same rules and a Crawl-delay (short, so that
#: a test crawl stays quick; a real site may ask for seconds).
ROBOTS_WITH_DELAY = ROBOTS.replace(
    b"Allow: /*p_p_lifecycle=0\n", b"Allow: /*p_p_lifecycle=0\nCrawl-delay: 0.01\n"
)

_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def sitemap_index() -> bytes:
    """The index naming the three per-language sitemaps."""
    entries = "".join(
        f"<sitemap><loc>{escape(sitemap_url(lang))}</loc></sitemap>\n"
        for lang in ("fi", "sv", "en")
    )
    return (
        f'{_HEAD}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</sitemapindex>\n"
    ).encode()


def sitemap_url(lang: str) -> str:
    return f"{HOST_URL}/sitemap.xml?languageId={LIFERAY_LANG[lang]}"


def sitemap_language(lang: str) -> str | None:
    """The language a ``languageId`` value names, or ``None``."""
    return {value: key for key, value in LIFERAY_LANG.items()}.get(lang)


def sitemap(site: Site, lang: str) -> bytes:
    """Every in-sitemap page of the language (easy Finnish under fi), with ``lastmod`` and
    the hreflang alternates the page itself announces."""
    pages = sorted(
        (page for page in site.pages.values() if page.in_sitemap and base_lang(page.lang) == lang),
        key=lambda p: p.path,
    )
    parts = [
        f'{_HEAD}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    ]
    for page in pages:
        parts.append(f"<url><loc>{escape(HOST_URL + page.path)}</loc>")
        claims = alternate_claims(site, page)
        if len(claims) > 1:
            for code in ("fi", "sv", "en"):
                if code in claims:
                    parts.append(
                        f'<xhtml:link rel="alternate" hreflang="{HREFLANG[code]}" '
                        f'href="{escape(HOST_URL + claims[code].path)}"/>'
                    )
        parts.append(f"<lastmod>{iso(page.modified)}</lastmod></url>\n")
    parts.append("</urlset>\n")
    return "".join(parts).encode()
