"""The dynamic inputs of a page's HTML, as plain data.

:func:`page_context` is both what the templates render and what :func:`fingerprint` hashes, so
a page's bytes change exactly when its fingerprint does; epochs use that to know which pages
an editorial round touched indirectly (a moved translation, a re-uploaded attachment, a new
item on a listing).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .clock import helsinki, stamp, stamp_date, stamp_time
from .furniture import cfemail
from .labels import LABELS, NEW_LABEL_FROM, PREFIX, published_stamp, updated_stamp
from .model import SELKO, Attachment, Page, Site, base_lang
from .seeding import alnum_token, digest
from .structure import DEFAULT_DELTA
from .vocabulary import JOB_TITLES, TOPICS

HOST_URL = "https://kotoutuminen.fi"
HREFLANG = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-US"}
_ORG = {"fi": "KEHA-keskus", "sv": "KEHA-centret", "en": "KEHA Centre"}
_MEDIA_LABEL = {"pdf": "PDF", "docx": "DOCX", "xlsx": "XLSX", "png": "PNG", "jpeg": "JPG"}
_LANG_INDEX = {"fi": 0, "sv": 1, "en": 2, SELKO: 0}
#: A page context: plain, comparable data (strings, numbers, tuples, lists, dicts).
Ctx = dict[str, Any]


@dataclass
class Index:
    """Lookups over one state of the site: children of pages and listing contents."""

    site: Site
    children: dict[int, list[Page]] = field(default_factory=dict)
    items: dict[tuple[str, str], list[Page]] = field(default_factory=dict)
    publications: dict[str, list[Attachment]] = field(default_factory=dict)
    tocs: dict[int, tuple[tuple[tuple[str, str, int], ...], str]] = field(default_factory=dict)

    def toc(self, parent: int) -> tuple[tuple[tuple[str, str, int], ...], str]:
        """A handbook's chapters ``(title, path, pid)`` and their digest, computed once."""
        if parent not in self.tocs:
            chapters = tuple((p.title, p.path, p.pid) for p in self.children.get(parent, []))
            self.tocs[parent] = chapters, _digest(chapters)
        return self.tocs[parent]

    @classmethod
    def of(cls, site: Site) -> Index:
        index = cls(site)
        for page in sorted(site.pages.values(), key=lambda p: p.pid):
            if page.parent is not None and not page.orphan:
                index.children.setdefault(page.parent, []).append(page)
            key = {"news": "news", "blog": "blog", "event": "events"}.get(page.kind)
            if key is not None:
                index.items.setdefault((key, page.lang), []).append(page)
        for items in index.items.values():
            items.sort(key=_listing_order, reverse=True)
        for attachment in site.attachments.values():
            if attachment.publication is not None:
                index.publications.setdefault(attachment.publication, []).append(attachment)
        for found in index.publications.values():
            found.sort(key=lambda a: (a.year, a.modified, a.aid), reverse=True)
        return index


def _listing_order(page: Page) -> tuple[object, int]:
    if page.event is not None:
        return page.event.start, page.pid
    return page.published or page.modified, page.pid


@lru_cache(maxsize=65536)
def _instance(seed: int, pid: int) -> str:
    return alnum_token(seed, "portlet", pid)


def topic_word(page: Page) -> str:
    return TOPICS[page.topic][_LANG_INDEX[page.lang]]


def alternate_claims(site: Site, page: Page) -> dict[str, Page]:
    """The translations a page announces (hreflang and switcher), overrides included."""
    if page.lang == SELKO:
        return {}
    if page.alt_override is not None:
        if not page.alt_override:
            return {}
        claims = {page.lang: page}
        for lang, pid in page.alt_override.items():
            if pid in site.pages:
                claims[lang] = site.pages[pid]
        for lang, other in site.translations(page).items():
            claims.setdefault(lang, other)
        return claims
    return site.translations(page)


def _alternates(site: Site, page: Page) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    claims = alternate_claims(site, page)
    lang = base_lang(page.lang)
    switcher = []
    for other in ("fi", "sv", "en"):
        if other == lang:
            continue
        target = claims.get(other)
        href = HOST_URL + target.path if target else HOST_URL + (PREFIX[other] or "/")
        switcher.append((other, href))
    if len(claims) < 2:
        return [], switcher
    alternates = [
        (HREFLANG[code], HOST_URL + claims[code].path)
        for code in ("fi", "sv", "en")
        if code in claims
    ]
    default = claims.get("fi", page)
    alternates.append(("x-default", HOST_URL + default.path))
    return alternates, switcher


def _breadcrumb(site: Site, page: Page) -> list[tuple[str, str]]:
    trail = []
    parent = page.parent
    while parent is not None and parent in site.pages:
        above = site.pages[parent]
        trail.append((above.title, above.path))
        parent = above.parent
    return trail[::-1]


def _contacts(site: Site, page: Page) -> list[tuple[str, str, str, str, str]]:
    lang = base_lang(page.lang)
    out = []
    for number, index in enumerate(page.contacts):
        person = site.people[index]
        key = digest(site.seed, "cfkey", page.pid, number)[0] or 1
        out.append(
            (
                person.name,
                JOB_TITLES[person.title][_LANG_INDEX[lang]],
                _ORG[lang],
                person.phone,
                cfemail(person.email, key),
            )
        )
    return out


def _attachment_rows(site: Site, page: Page) -> list[tuple[str, str, str]]:
    rows = []
    for aid in page.attachments:
        if aid in site.attachments:
            item = site.attachments[aid]
            rows.append((item.title, item.href, _MEDIA_LABEL[item.media]))
    return rows


def _image(site: Site, page: Page) -> tuple[str, str, str] | None:
    if page.image is None or page.image not in site.attachments:
        return None
    item = site.attachments[page.image]
    return item.href, item.title, f"{item.title} ({item.file_name})"


def _stamps(site: Site, page: Page) -> Ctx:
    lang = base_lang(page.lang)
    named = "month-dates" in site.variants
    ctx: Ctx = {
        "updated": updated_stamp(lang, page.updated, named) if page.updated else None,
        "published": None,
        "type_label": None,
    }
    if page.kind in ("news", "blog") and page.published is not None:
        ctx["published"] = published_stamp(
            lang, page.kind, page.published, page.published_en, named
        )
    if page.kind == "news":
        label = LABELS[lang]["news_label"]
        newer = (
            lang == "en" and helsinki(page.published_en or page.modified).date() >= NEW_LABEL_FROM
        )
        ctx["type_label"] = ("Type:", label) if newer else ("", label)
    return ctx


_TIME_WORDS = {"fi": "klo", "sv": "kl.", "en": "at"}


def _time_line(site: Site, page: Page) -> str:
    """The event's time as one line of text (the ``time-ranges`` variant): the time word
    of the page's language, and a hyphen or an en dash between start and end."""
    assert page.event is not None
    dash = "-" if digest(site.seed, "range-dash", page.pid)[0] % 2 else "–"
    word = _TIME_WORDS[base_lang(page.lang)]
    start, end = page.event.start, page.event.end
    return f"{stamp_date(start)} {word} {stamp_time(start)}{dash}{stamp_time(end)}"


def body_emails(site: Site, page: Page) -> list[tuple[str, str]]:
    """Protected addresses written into the page's body (the ``body-emails`` variant):
    ``(address, data-cfemail hex)`` of one or two of the site's people, chosen by seed."""
    if "body-emails" not in site.variants or not site.people:
        return []
    if page.kind not in ("topic", "handbook", "news", "blog", "event", "faq"):
        return []
    picks = digest(site.seed, "body-email", page.pid)
    out = []
    for number in range(1 + picks[0] % 2):
        person = site.people[picks[1 + number] % len(site.people)]
        key = picks[3 + number] or 1
        out.append((person.email, cfemail(person.email, key)))
    return out


def _kind_context(index: Index, page: Page) -> Ctx:
    site = index.site
    if page.kind in ("landing", "front"):
        if page.kind == "front":
            news = index.items.get(("news", page.lang), [])[:3]
            return {
                "latest": [(p.title, p.path, stamp_date(p.published or p.modified)) for p in news]
            }
        children = index.children.get(page.pid, [])
        return {
            "children": [
                (p.title, p.path, p.pid, p.revision, p.lang, topic_word(p)) for p in children
            ]
        }
    if page.kind == "handbook" and page.parent is not None:
        toc, toc_digest = index.toc(page.parent)
        position = next(i for i, entry in enumerate(toc) if entry[2] == page.pid)
        prev = toc[position - 1][:2] if position > 0 else None
        nxt = toc[position + 1][:2] if position + 1 < len(toc) else None
        return {"toc": toc, "toc_digest": toc_digest, "prev": prev, "next": nxt}
    if page.kind == "event" and page.event is not None:
        info = page.event
        return {
            "event": {
                "start_iso": helsinki(info.start).isoformat(),
                "end_iso": helsinki(info.end).isoformat(),
                "range": f"{stamp(info.start)}–{stamp_time(info.end)}",
                "line": _time_line(site, page) if "time-ranges" in site.variants else None,
                "organiser": info.organiser,
                "place": info.place,
                "online": info.online_url,
                "registration": info.registration,
            }
        }
    if page.kind == "blog" and page.author is not None:
        names = tuple(person.given for person in site.people)
        return {"author": site.people[page.author].name, "commenters": names}
    return {}


def page_context(index: Index, page: Page) -> Ctx:
    """Everything dynamic a page's HTML shows, as comparable plain data."""
    site = index.site
    alternates, switcher = _alternates(site, page)
    frozen = None
    if page.frozen_target is not None and page.frozen_target in site.pages:
        target = site.pages[page.frozen_target]
        frozen = (target.title, target.path)
    selko = None
    if page.selko_pair is not None and page.selko_pair in site.pages:
        selko = site.pages[page.selko_pair].path
    ctx: Ctx = {
        "pid": page.pid,
        "kind": page.kind,
        "lang": base_lang(page.lang),
        "page_lang": page.lang,
        "title": page.title,
        "path": page.path,
        "canonical": HOST_URL + page.path,
        "revision": page.revision,
        "topic": page.topic,
        "topic_word": topic_word(page),
        "alternates": alternates,
        "switcher": switcher,
        "breadcrumb": _breadcrumb(site, page),
        "links": tuple((link.href, link.text) for link in page.links),
        "attachments": _attachment_rows(site, page),
        "image": _image(site, page),
        "contacts": _contacts(site, page),
        "body_emails": body_emails(site, page),
        "selko": selko,
        "frozen": frozen,
        "outdated": page.outdated,
        "hostile": page.hostile,
        "handbook": page.handbook,
        "listing": page.listing,
        "plid": 10_000 + page.pid,
        "instance": _instance(site.seed, page.pid),
        **_stamps(site, page),
        **_kind_context(index, page),
    }
    if page.listing is not None:
        ctx["view"] = listing_view(index, page, 1, DEFAULT_DELTA[page.listing])
    return ctx


def listing_items(index: Index, page: Page) -> list[Page] | list[Attachment]:
    """Everything a listing lists, in its order (newest first)."""
    key = page.listing or ""
    if key == "publications":
        return index.publications.get(page.lang, [])
    return index.items.get((key, page.lang), [])


def listing_view(index: Index, page: Page, cur: int, delta: int) -> Ctx:
    """One page of an Asset Publisher listing; ``cur`` past the end shows the last page."""
    items = listing_items(index, page)
    pages = max(1, -(-len(items) // delta))
    cur = min(max(1, cur), pages)
    shown = items[(cur - 1) * delta : cur * delta]
    rows: list[tuple[object, ...]] = []
    for item in shown:
        if isinstance(item, Attachment):
            rows.append((item.title, item.href, str(item.year), _MEDIA_LABEL[item.media]))
        elif item.event is not None:
            rows.append(
                (
                    item.title,
                    item.path,
                    f"{stamp(item.event.start)}–{stamp_time(item.event.end)}",
                    item.event.place or "Teams",
                )
            )
        else:
            author = site_author(index.site, item)
            rows.append(
                (
                    item.title,
                    item.path,
                    stamp_date(item.published or item.modified),
                    item.pid,
                    item.revision,
                    item.lang,
                    topic_word(item),
                    author,
                )
            )
    return {
        "cur": cur,
        "delta": delta,
        "pages": pages,
        "total": len(items),
        "rows": rows,
        "instance": alnum_token(index.site.seed, "publisher", page.listing, page.lang),
    }


def site_author(site: Site, page: Page) -> str:
    return site.people[page.author].name if page.author is not None else ""


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


#: Context entries a fingerprint may skip: shared by many pages and covered by a digest
#: entry (the handbook table of contents) or fixed for the life of the site (commenters).
_SHARED = frozenset({"toc", "commenters"})


def fingerprint(index: Index, page: Page) -> str:
    """A digest of everything the page's bytes depend on besides fixed furniture."""
    ctx = page_context(index, page)
    return _digest([(key, value) for key, value in ctx.items() if key not in _SHARED])
