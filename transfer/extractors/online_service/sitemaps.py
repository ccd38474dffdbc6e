"""Sitemaps and sitemap indexes (sitemaps.org protocol), parsed with lxml."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None


@dataclass(frozen=True)
class Sitemap:
    is_index: bool
    entries: tuple[SitemapEntry, ...]


class SitemapError(ValueError):
    """The body is not a sitemap."""


def parse_sitemap(body: bytes) -> Sitemap:
    """Parse a ``<urlset>`` or ``<sitemapindex>``; entity expansion and network are off."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not well-formed XML: {exc}") from None
    tag = etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise SitemapError(f"unexpected root element <{tag}>")
    child = "sitemap" if tag == "sitemapindex" else "url"
    entries = []
    for item in root.iter(f"{_NS}{child}", child):
        loc = item.findtext(f"{_NS}loc") or item.findtext("loc")
        lastmod = item.findtext(f"{_NS}lastmod") or item.findtext("lastmod")
        if loc and loc.strip():
            entries.append(SitemapEntry(loc.strip(), lastmod.strip() if lastmod else None))
    return Sitemap(tag == "sitemapindex", tuple(entries))
