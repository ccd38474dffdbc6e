"""The replica's ground truth: what it serves, as JSON-serialisable data.

The keys are documented in the package docstring (:mod:`transfer.sandbox.online`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from transfer.sandbox.settings import SandboxSettings

from .clock import iso
from .context import (
    HOST_URL,
    HREFLANG,
    Index,
    alternate_claims,
    body_emails,
    listing_items,
    listing_view,
)
from .model import Attachment, Page, Site
from .render import PUBLISHER
from .routes import Followed, follow
from .search import SEARCH_PATHS
from .sitemap import sitemap_url
from .structure import DEFAULT_DELTA

Json = dict[str, Any]


def _url(page: Page) -> str:
    return HOST_URL + page.path


def _target(followed: Followed, site: Site) -> str | None:
    final = followed.final
    if final.kind == "page" and final.pid is not None:
        return _url(site.pages[final.pid])
    if final.kind == "attachment" and final.aid is not None:
        return HOST_URL + site.attachments[final.aid].path
    return None


def _absolute(href: str) -> str:
    """The URL an href names, without query and fragment, absolute on the current host."""
    parts = urlsplit(href)
    if parts.hostname:
        return f"{parts.scheme}://{parts.hostname}{parts.path}"
    return HOST_URL + parts.path


def _status(followed: Followed) -> int | None:
    if followed.scope in ("external", "script"):
        return None
    return 200 if followed.final.found else 404


def _page_entry(site: Site, page: Page, links: list[Followed]) -> Json:
    event = page.event
    claims = alternate_claims(site, page)
    attachments = {site.attachments[aid].path for aid in page.attachments}
    if page.image is not None:
        attachments.add(site.attachments[page.image].path)
    attachments |= {
        site.attachments[f.final.aid].path
        for f in links
        if f.final.kind == "attachment" and f.final.aid is not None
    }
    return {
        "url": _url(page),
        "path": page.path,
        "kind": page.kind,
        "language": page.lang,
        "group": page.group,
        "title": page.title,
        "section": page.section or None,
        "handbook": page.handbook,
        "chapter": page.chapter,
        "parent": _url(site.pages[page.parent]) if page.parent in site.pages else None,
        "published": iso(page.published),
        "updated": iso(page.updated),
        "published_en": iso(page.published_en),
        "modified": iso(page.modified),
        "flags": {
            "frozen": page.frozen_target is not None,
            "outdated": page.outdated,
            "hostile": page.hostile,
            "in_sitemap": page.in_sitemap,
            "only_via_links": not page.in_sitemap,
            "orphan": page.orphan,
            "slug_mangled": page.mangled,
        },
        "frozen_target": _url(site.pages[page.frozen_target])
        if page.frozen_target in site.pages
        else None,
        "easy_pair": _url(site.pages[page.selko_pair]) if page.selko_pair in site.pages else None,
        "alternates": (
            {HREFLANG[code]: _url(other) for code, other in claims.items()}
            if len(claims) > 1
            else {}
        ),
        "contacts": [
            {"name": site.people[i].name, "email": site.people[i].email} for i in page.contacts
        ],
        "body_emails": [address for address, _hex in body_emails(site, page)],
        "author": site.people[page.author].name if page.author is not None else None,
        "event": None
        if event is None
        else {
            "start": iso(event.start),
            "end": iso(event.end),
            "organiser": event.organiser,
            "place": event.place,
            "online_url": event.online_url,
            "registration": event.registration,
        },
        "hostile_markup": ["script", "img-onerror", "javascript-link"] if page.hostile else [],
        "attachments": sorted(HOST_URL + path for path in attachments),
        "links": [
            {
                "href": f.href,
                "scope": f.scope,
                "target": _target(f, site),
                "status": _status(f),
                "hops": len(f.hops),
            }
            for f in links
        ],
    }


def _attachment_entry(item: Attachment, size: int, sha256: str, referenced: list[str]) -> Json:
    return {
        "url": HOST_URL + item.path,
        "href": HOST_URL + item.href,
        "uuid": item.uuid,
        "file_name": item.file_name,
        "title": item.title,
        "language": item.lang,
        "media_type": item.media_type,
        "size": size,
        "sha256": sha256,
        "modified": iso(item.modified),
        "t": item.t,
        "publication": item.publication,
        "large": item.large,
        "referenced_by": sorted(set(referenced)),
    }


def _redirects(site: Site) -> list[Json]:
    sources = [(HOST_URL + path, "moved") for path in sorted(site.history)]
    sources += [(HOST_URL + path, "manual") for path in sorted(site.manual_redirects)]
    hosts = {
        "fi": "https://kotouttaminen.fi",
        "sv": "http://integration.fi",
        "en": "http://integration.fi",
    }
    for path in sorted(site.legacy_only):
        lang = "fi" if path.startswith("/kotouttaminen/") else "en"
        sources.append((hosts[lang] + path, "legacy-only"))
    out = []
    for source, reason in sources:
        followed = follow(site, source)
        out.append(
            {
                "from": source,
                "to": _target(followed, site),
                "status": 301,
                "hops": list(followed.hops),
                "reason": reason,
            }
        )
    return out


def _counts(site: Site) -> Json:
    table: dict[str, dict[str, int]] = {}
    for page in site.pages.values():
        table.setdefault(page.kind, {}).setdefault(page.lang, 0)
        table[page.kind][page.lang] += 1
    by_lang: dict[str, int] = {}
    for page in site.pages.values():
        by_lang[page.lang] = by_lang.get(page.lang, 0) + 1
    return {
        "by_kind": table,
        "by_language": by_lang,
        "pages": len(site.pages),
        "attachments": len(site.attachments),
    }


def _listings(site: Site, index: Index) -> Json:
    out: Json = {}
    for page in sorted(site.pages.values(), key=lambda p: p.pid):
        if page.listing is None:
            continue
        instance = listing_view(index, page, 1, 1)["instance"]
        out.setdefault(page.listing, {})[page.lang] = {
            "url": _url(page),
            "portlet_id": f"{PUBLISHER}{instance}",
            "default_delta": DEFAULT_DELTA[page.listing],
            "items": [HOST_URL + item.path for item in listing_items(index, page)],
        }
    return out


def build_truth(
    site: Site, settings: SandboxSettings, file_digest: Callable[[Attachment], tuple[int, str]]
) -> Json:
    """The full truth of a built site (see the package docstring for the keys)."""
    index = Index.of(site)
    pages: list[Json] = []
    referenced: dict[int, list[str]] = {aid: [] for aid in site.attachments}
    broken: dict[str, Json] = {}
    legacy: list[Json] = []
    deliberate = {HOST_URL + path for path in site.broken}
    for page in sorted(site.pages.values(), key=lambda p: p.path):
        followed = [follow(site, link.href) for link in page.links]
        pages.append(_page_entry(site, page, followed))
        for aid in [*page.attachments, *([page.image] if page.image else [])]:
            referenced[aid].append(_url(page))
        for item in followed:
            if item.final.kind == "attachment" and item.final.aid is not None:
                referenced[item.final.aid].append(_url(page))
            if item.scope == "legacy":
                legacy.append(
                    {
                        "href": item.href,
                        "page": _url(page),
                        "target": _target(item, site),
                        "hops": list(item.hops),
                    }
                )
            if item.scope in ("internal", "legacy") and item.final.kind == "missing":
                where = item.hops[-1] if item.hops else _absolute(item.href)
                entry = broken.setdefault(
                    where,
                    {
                        "url": where,
                        "reason": "deliberate" if where in deliberate else "gone",
                        "linked_from": [],
                    },
                )
                entry["linked_from"].append({"page": _url(page), "href": item.href})
    for document in site.attachments.values():
        if document.publication is not None:
            listing = site.skeleton.listing.get(("publications", document.publication))
            if listing is not None:
                referenced[document.aid].append(_url(site.pages[listing]))
    attachments = [
        _attachment_entry(item, *file_digest(item), referenced[item.aid])
        for item in sorted(site.attachments.values(), key=lambda a: a.aid)
    ]
    conflicts = []
    for page in sorted(site.pages.values(), key=lambda p: p.pid):
        if page.alt_override is None:
            continue
        claims = alternate_claims(site, page)
        conflicts.append(
            {
                "page": _url(page),
                "type": "one-sided" if not page.alt_override else "conflicting",
                "claims": {code: _url(other) for code, other in claims.items()} if claims else {},
                "group": {code: _url(other) for code, other in site.translations(page).items()},
            }
        )
    pairs = [
        {"standard": _url(page), "easy": _url(site.pages[page.selko_pair])}
        for page in sorted(site.pages.values(), key=lambda p: p.pid)
        if page.lang == "fi" and page.selko_pair in site.pages
    ]
    return {
        "settings": {
            "seed": settings.seed,
            "scale": settings.scale,
            "epoch": settings.epoch,
            "variants": sorted(settings.variants),
            "now": iso(settings.now),
        },
        "host": "kotoutuminen.fi",
        "languages": ["fi", "sv", "en", "fi-x-selko"],
        "pages": pages,
        "attachments": attachments,
        "redirects": _redirects(site),
        "broken_links": sorted(broken.values(), key=lambda b: str(b["url"])),
        "legacy_links": legacy,
        "conflicting_translations": conflicts,
        "easy_finnish_pairs": pairs,
        "listings": _listings(site, index),
        "search_paths": sorted(HOST_URL + path for path in SEARCH_PATHS),
        "sitemaps": [
            HOST_URL + "/sitemap.xml",
            *(sitemap_url(lang) for lang in ("fi", "sv", "en")),
        ],
        "changes": site.changes,
        "counts": _counts(site),
    }
