"""A Fess-like site search over page titles: ``/haku?q=`` (fi), ``/sv/sok?q=``,
``/en/search?q=`` and ``/search?q=`` (all languages); paged with ``start`` and ``num``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from .context import HOST_URL, topic_word
from .model import Page, Site, base_lang
from .text import lead

#: search path -> language searched (None: every language)
SEARCH_PATHS: dict[str, str | None] = {
    "/haku": "fi",
    "/sv/sok": "sv",
    "/en/search": "en",
    "/search": None,
}
DEFAULT_NUM = 20


@dataclass(frozen=True)
class Results:
    """One page of search results."""

    query: str
    total: int
    rows: list[tuple[str, str, str]]  # (title, canonical URL, snippet)
    next_href: str | None


class SearchIndex:
    """Lower-cased titles of the site's pages, built once per site."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.entries = [
            (page, f"{page.title} {topic_word(page)}".lower())
            for page in sorted(site.pages.values(), key=lambda p: p.pid)
            if page.kind not in ("front",)
        ]

    def search(self, path: str, query: str, start: int, num: int) -> Results:
        """Pages whose title has every word of the query, newest first."""
        lang = SEARCH_PATHS[path]
        words = query.lower().split()
        found: list[Page] = []
        if words:
            found = [
                page
                for page, text in self.entries
                if (lang is None or base_lang(page.lang) == lang)
                and all(word in text for word in words)
            ]
        found.sort(key=lambda p: (p.modified, p.pid), reverse=True)
        start, num = max(0, start), min(max(1, num), 100)
        shown = found[start : start + num]
        rows = [
            (
                page.title,
                HOST_URL + page.path,
                lead(self.site.seed, page.pid, page.revision, page.lang, topic_word(page)),
            )
            for page in shown
        ]
        next_href = None
        if start + num < len(found):
            next_href = f"{path}?{urlencode({'q': query, 'start': start + num, 'num': num})}"
        return Results(query, len(found), rows, next_href)
