"""The fixed pages (fronts, landings, listings, footer, glossary) and the contact people."""

from __future__ import annotations

from datetime import date

from .clock import local_time
from .model import Page, Person, Site, Skeleton
from .seeding import rng
from .slugs import ascii_name
from .structure import FOOTER, GLOSSARY, HANDBOOKS, LISTINGS, SECTIONS, Fixed
from .vocabulary import FAMILY_NAMES, GIVEN_NAMES, JOB_TITLES

#: The last day of content written before epoch 0.
LAST_DAY = date(2025, 3, 2)
#: When the fixed pages were last edited, before any content says otherwise.
FIXED_EDITED = local_time(2024, 11, 20, 10, 0)
_FRONT_NAMES = {"fi": "Kotoutuminen.fi", "sv": "Integration.fi", "en": "Kotoutuminen.fi"}
_MAIL_DOMAINS = ("example.fi", "keha.example.fi", "kotoutuminen.example.fi")


def add_people(site: Site) -> None:
    """A pool of fictional contact people: invented given and family names combined."""
    rand = rng(site.seed, "people")
    combos = [(g, f) for g in GIVEN_NAMES for f in FAMILY_NAMES]
    rand.shuffle(combos)
    count = max(8, round(60 * site.scale))
    for index, (given, family) in enumerate(combos[:count]):
        domain = _MAIL_DOMAINS[index % len(_MAIL_DOMAINS)]
        site.people.append(
            Person(
                given=given,
                family=family,
                title=rand.randrange(len(JOB_TITLES)),
                phone=f"040 000 {1000 + index:04d}",
                email=f"{ascii_name(given)}.{ascii_name(family)}@{domain}",
            )
        )


def _add_fixed(site: Site, fixed: Fixed, parent: dict[str, int] | None) -> dict[str, int]:
    group = site.new_group()
    pids: dict[str, int] = {}
    for lang, (title, slug) in fixed.names.items():
        page = Page(
            pid=site.new_pid(),
            kind=fixed.kind,
            lang=lang,
            slug=slug,
            title=title,
            group=group,
            section=fixed.section or fixed.key,
            topic=0,
            modified=FIXED_EDITED,
            updated=FIXED_EDITED if fixed.kind == "topic" else None,
            listing=fixed.listing,
            protected=True,
            parent=parent.get(lang) if parent else None,
        )
        site.add(page)
        pids[lang] = page.pid
    return pids


def add_skeleton(site: Site) -> Skeleton:
    """Create every fixed page in fi, sv and en (where the real site has that language)."""
    skeleton = site.skeleton
    group = site.new_group()
    for lang in ("fi", "sv", "en"):
        page = Page(
            pid=site.new_pid(),
            kind="front",
            lang=lang,
            slug="",
            group=group,
            title=_FRONT_NAMES[lang],
            section="",
            topic=0,
            modified=FIXED_EDITED,
            protected=True,
        )
        site.add(page)
        skeleton.front[lang] = page.pid
    for fixed in (*SECTIONS, *HANDBOOKS):
        for lang, pid in _add_fixed(site, fixed, None).items():
            skeleton.landing[(fixed.key, lang)] = pid
    for fixed in LISTINGS:
        for lang, pid in _add_fixed(site, fixed, None).items():
            skeleton.listing[(fixed.key, lang)] = pid
    for fixed in FOOTER:
        for lang, pid in _add_fixed(site, fixed, None).items():
            skeleton.footer[(fixed.key, lang)] = pid
    koto24 = {lang: skeleton.landing[("koto24", lang)] for lang in ("fi", "sv", "en")}
    skeleton.glossary = _add_fixed(site, GLOSSARY, koto24)
    for pid in skeleton.glossary.values():
        site.pages[pid].updated = FIXED_EDITED
    return skeleton
