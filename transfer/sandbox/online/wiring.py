"""Links written into page bodies: internal in every style the real site has, and external.

A link is stored as written (``Link.href``); what it leads to is decided later by routing, so
a link to a page that has since moved or gone behaves as it would on the real site.
"""

from __future__ import annotations

import random

from .model import SELKO, Link, Page, Site, base_lang
from .seeding import hex_token
from .structure import GLOSSARY
from .vocabulary import TOPICS

HOST_URL = "https://kotoutuminen.fi"
LEGACY_FI = "https://kotouttaminen.fi"
LEGACY_SV_EN = "http://integration.fi"
#: Links per body, by kind: (fewest, most).
LINKS_PER_KIND = {
    "topic": (2, 5),
    "news": (1, 4),
    "blog": (1, 3),
    "handbook": (2, 4),
    "faq": (1, 2),
    "event": (0, 1),
}
_TRACKING = (
    "utm_source=uutiskirje&utm_medium=email&utm_campaign=kk{n}",
    "utm_source=twitter&utm_medium=social",
    "utm_source=linkedin&utm_medium=social&utm_campaign=koto{n}",
)
_EXTERNAL = (
    "https://www.example.org/{slug}",
    "https://www.example.com/julkaisut/{slug}",
    "https://tietopalvelu.example.net/aineistot/{slug}",
)
STATISTICS_HOST = "https://tilastot.example.fi"
_STATISTICS_TOPIC = next(i for i, t in enumerate(TOPICS) if t[2] == "Integration statistics")


def legacy_url(path: str, lang: str) -> str:
    """The same path on the legacy host of the page's language."""
    return f"{LEGACY_FI}{path}" if base_lang(lang) == "fi" else f"{LEGACY_SV_EN}{path}"


def styled(rand: random.Random, path: str, lang: str) -> str:
    """A href to ``path`` in one of the styles editors used: mostly relative, sometimes
    absolute, on a legacy host, with tracking parameters or with a fragment."""
    roll = rand.random()
    if roll < 0.66:
        return path
    if roll < 0.82:
        return f"{HOST_URL}{path}"
    if roll < 0.88:
        return legacy_url(path, lang)
    if roll < 0.94:
        tracking = rand.choice(_TRACKING).format(n=rand.randint(1, 12))
        return f"{path}?{tracking}"
    return f"{path}#otsikko-{rand.randint(1, 3)}"


def link_pool(site: Site, lang: str) -> list[Page]:
    """Pages that ordinary body links of this language may point at (never orphans)."""
    wanted = base_lang(lang)
    return [
        page
        for page in site.pages.values()
        if base_lang(page.lang) == wanted
        and not page.orphan
        and page.kind not in ("event", "front")
        and page.lang != SELKO
    ]


def body_links(site: Site, rand: random.Random, page: Page, pool: list[Page]) -> list[Link]:
    """Ordinary links for a new body: other pages of its language in mixed styles."""
    low, high = LINKS_PER_KIND.get(page.kind, (0, 2))
    links: list[Link] = []
    for _ in range(rand.randint(low, high)):
        target = rand.choice(pool)
        if target.pid != page.pid:
            links.append(Link(styled(rand, target.path, page.lang), target.title))
    if rand.random() < 0.3 or page.topic == _STATISTICS_TOPIC:
        links.append(external_link(rand, page))
    if page.attachments and rand.random() < 0.25:
        attachment = site.attachments[rand.choice(page.attachments)]
        # editors pasted document URLs with whatever ``t`` they had then, or none at all
        stale = attachment.t - rand.randint(1, 400) * 86_400_000
        href = f"{attachment.path}?t={stale}" if rand.random() < 0.7 else attachment.path
        links.append(Link(href, attachment.title))
    return links


def external_link(rand: random.Random, page: Page) -> Link:
    """A link to another organisation's site (never fetched by a well-behaved crawler)."""
    slug = hex_token(page.pid, page.title, length=10)
    if page.topic == _STATISTICS_TOPIC:
        return Link(f"{STATISTICS_HOST}/pxweb/fi/kotoutuminen/{slug}/", "Tilastotietokanta")
    return Link(rand.choice(_EXTERNAL).format(slug=slug), "Lisätietoa muualla")


def glossary_link(site: Site, rand: random.Random, page: Page) -> Link:
    """A link to one term of the glossary of the page's language (a fragment link)."""
    lang = base_lang(page.lang)
    title, slug = GLOSSARY.names[lang]
    prefix = {"fi": "", "sv": "/sv", "en": "/en"}[lang]
    term = rand.randrange(len(TOPICS))
    return Link(f"{prefix}/{slug}#termi-{term + 1}", f"{title}: {TOPICS[term][0]}")


def add_body_links(site: Site, rand: random.Random) -> None:
    """Give every content page its ordinary links (traps are planted separately)."""
    pools = {lang: link_pool(site, lang) for lang in ("fi", "sv", "en")}
    for page in sorted(site.pages.values(), key=lambda p: p.pid):
        if page.protected:
            continue
        page.links.extend(body_links(site, rand, page, pools[base_lang(page.lang)]))
        if page.kind in ("topic", "handbook") and rand.random() < 0.1:
            page.links.append(glossary_link(site, rand, page))
