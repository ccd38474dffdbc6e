"""What makes the replica hard to crawl, planted on purpose and recorded for the truth.

Orphan pages, broken links, moved pages (one redirect chain), legacy-only paths, hostile
markup, frozen and outdated pages, and hreflang links that disagree.
"""

from __future__ import annotations

import random

from .content import path_pattern
from .model import Link, Page, Site, base_lang
from .seeding import rng
from .slugs import slugify
from .structure import scaled
from .vocabulary import QUALIFIERS, TOPICS
from .wiring import LEGACY_FI, LEGACY_SV_EN, glossary_link, styled

_OLD_WORDS = {
    "fi": ("tietoa", "ohjeet", "palvelut", "vanha"),
    "sv": ("information", "anvisningar", "tjanster", "gammal"),
    "en": ("information", "instructions", "services", "old"),
}


def _content(site: Site, kinds: tuple[str, ...], langs: tuple[str, ...]) -> list[Page]:
    return [
        page
        for page in site.pages.values()
        if page.kind in kinds and page.lang in langs and not page.protected and not page.orphan
    ]


def _carriers(site: Site, lang: str) -> list[Page]:
    return _content(site, ("topic", "news", "handbook"), (lang,))


def _plant(
    rand: random.Random, site: Site, lang: str, href: str, text: str, times: int = 1
) -> None:
    """Write the link into ``times`` bodies of the language."""
    carriers = _carriers(site, base_lang(lang))
    for page in rand.sample(carriers, min(times, len(carriers))):
        page.links.append(Link(href, text))


def choose_orphans(site: Site, rand: random.Random) -> None:
    """Pages reachable only by body links: not in the sitemap, a landing or any listing."""
    parents = {page.parent for page in site.pages.values()}
    candidates = [
        page
        for page in _content(site, ("topic",), ("fi", "sv", "en"))
        if len(site.translations(page)) == 1 and page.selko_pair is None and page.pid not in parents
    ]
    for page in rand.sample(candidates, min(len(candidates), scaled((15, 2), site.scale))):
        page.orphan = True
        page.in_sitemap = False


def flag_pages(site: Site, rand: random.Random) -> None:
    """Hostile markup, frozen banners and the English "not yet updated" banner."""
    hostile = _content(site, ("topic", "news"), ("fi", "en"))
    pngs = [a.aid for a in site.attachments.values() if a.media == "png"]
    for page in rand.sample(hostile, min(len(hostile), scaled((6, 1), site.scale))):
        page.hostile = True
        if page.image is None and pngs:
            page.image = rand.choice(pngs)
    for lang, count in (("fi", scaled((20, 1), site.scale)), ("en", scaled((5, 1), site.scale))):
        topics = [p for p in _content(site, ("topic",), (lang,)) if not p.hostile]
        frozen = rand.sample(topics, min(len(topics) - 1, count))
        live = [p for p in topics if p not in frozen]
        for page in frozen:
            page.frozen_target = rand.choice(live).pid
    english = _content(site, ("topic", "handbook", "faq"), ("en",))
    for index, page in enumerate(english):
        page.outdated = index == 0 or rand.random() < 0.45


def old_path(site: Site, rand: random.Random, page: Page) -> str:
    """An unused path the page may have had before (another wording of its title)."""
    lang = base_lang(page.lang)
    words = TOPICS[page.topic][("fi", "sv", "en").index(lang)]
    while True:
        slug = f"{slugify(words)}-{rand.choice(_OLD_WORDS[lang])}-{rand.randint(2014, 2022)}"
        path = path_pattern(page.kind, page.lang).replace("{slug}", slug)
        if path not in site.used_paths:
            site.used_paths.add(path)
            return path


def add_history(site: Site, rand: random.Random) -> None:
    """Pages that moved before epoch 0 (old path 301 -> page), one chain of two hops, and
    paths that exist only on the legacy hosts."""
    movable = _content(site, ("topic", "handbook"), ("fi", "sv", "en"))
    moved = rand.sample(movable, min(len(movable), scaled((25, 3), site.scale)))
    for page in moved:
        path = old_path(site, rand, page)
        site.history[path] = page.pid
        _plant(rand, site, page.lang, styled(rand, path, page.lang), page.title)
    chained = moved[0]
    middle = next(path for path, pid in site.history.items() if pid == chained.pid)
    first = old_path(site, rand, chained)
    site.manual_redirects[first] = middle
    _plant(rand, site, chained.lang, first, chained.title, times=2)
    for page in rand.sample(movable, min(len(movable), scaled((8, 2), site.scale))):
        lang = base_lang(page.lang)
        slug = f"{slugify(TOPICS[page.topic][0])}-{rand.randint(100, 999)}"
        if lang == "fi":
            path, host = f"/kotouttaminen/{slug}", LEGACY_FI
        else:
            path, host = f"/{lang}/integration/{slug}", LEGACY_SV_EN
        site.legacy_only[path] = page.pid
        _plant(rand, site, lang, f"{host}{path}", page.title)


def add_broken(site: Site, rand: random.Random) -> None:
    """Links to paths that never existed (the Liferay 404 page answers them)."""
    langs = ("fi", "sv", "en")
    for index in range(scaled((10, 2), site.scale)):
        lang = langs[index % len(langs)]
        topic, qualifier = rand.randrange(len(TOPICS)), rand.randrange(len(QUALIFIERS))
        words = f"{TOPICS[topic][langs.index(lang)]} {QUALIFIERS[qualifier][langs.index(lang)]}"
        kind = "news" if index % 4 == 3 else "topic"
        path = path_pattern(kind, lang).replace("{slug}", f"{slugify(words)}-{index + 1}")
        if path in site.used_paths:
            continue
        site.used_paths.add(path)
        site.broken.append(path)
        _plant(rand, site, lang, path, words, times=rand.randint(1, 2))


def add_cross_links(site: Site, rand: random.Random) -> None:
    """Links that make orphans and events reachable, and glossary term links."""
    for page in sorted((p for p in site.pages.values() if p.orphan), key=lambda p: p.pid):
        _plant(
            rand,
            site,
            page.lang,
            styled(rand, page.path, page.lang),
            page.title,
            times=rand.randint(1, 2),
        )
    events = sorted((p for p in site.pages.values() if p.kind == "event"), key=lambda p: p.pid)
    news = _content(site, ("news",), ("fi",))
    for event in rand.sample(events, min(len(events), max(1, len(events) // 4))):
        rand.choice(news).links.append(Link(event.path, event.title))
    for lang in ("fi", "sv", "en"):
        carrier = rand.choice(_carriers(site, lang))
        carrier.links.append(glossary_link(site, rand, carrier))


def add_conflicts(site: Site, rand: random.Random) -> None:
    """hreflang claims that disagree: B says its fi is C (not A), or B names no alternates."""
    pairs = [
        members
        for members in site.groups.values()
        if "fi" in members and "sv" in members and site.pages[members["fi"]].kind == "topic"
    ]
    finnish = _content(site, ("topic",), ("fi",))
    for members in rand.sample(pairs, min(len(pairs), scaled((6, 1), site.scale))):
        wrong = rand.choice([p for p in finnish if p.pid != members["fi"]])
        site.pages[members["sv"]].alt_override = {"fi": wrong.pid}
    one_sided = [
        members
        for members in site.groups.values()
        if "fi" in members
        and "en" in members
        and site.pages[members["en"]].alt_override is None
        and site.pages[members["fi"]].kind in ("topic", "news")
    ]
    for members in rand.sample(one_sided, min(len(one_sided), scaled((4, 1), site.scale))):
        site.pages[members["en"]].alt_override = {}


def plant_traps(site: Site) -> None:
    """All traps of epoch 0, after the ordinary links are in place."""
    rand = rng(site.seed, "traps")
    flag_pages(site, rand)
    add_history(site, rand)
    add_broken(site, rand)
    add_cross_links(site, rand)
    add_conflicts(site, rand)
