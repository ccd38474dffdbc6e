"""Builds the site of epoch 0 from (seed, scale), then replays the editorial rounds."""

from __future__ import annotations

from .content import (
    add_blog,
    add_events,
    add_faqs,
    add_handbooks,
    add_news,
    add_selko,
    add_topics,
    mangle_slugs,
)
from .context import Index, listing_items
from .library import add_library
from .model import Attachment, Page, Site
from .seeding import rng
from .skeleton import FIXED_EDITED, add_people, add_skeleton
from .structure import counts, scaled
from .traps import choose_orphans, plant_traps
from .wiring import add_body_links


def build_epoch_zero(seed: int, scale: float, variants: frozenset[str] = frozenset()) -> Site:
    """The site as it stands at ``EPOCH_ZERO``: every kind, feature and trap present, in
    the forms ``variants`` names (transfer.sandbox.settings.VARIANTS)."""
    site = Site(seed=seed, scale=scale, variants=variants)
    add_people(site)
    skeleton = add_skeleton(site)
    wanted = counts(scale)
    add_topics(site, skeleton, wanted)
    add_selko(site, wanted)
    add_handbooks(site, skeleton, wanted)
    add_faqs(site, skeleton, wanted)
    add_news(site, skeleton, wanted)
    posts = add_blog(site, skeleton, wanted[("blog", "fi")])
    mangle_slugs(site, posts, scaled((10, 1), scale))
    add_events(site, skeleton, wanted[("event", "fi")])
    add_library(site)
    choose_orphans(site, rng(seed, "orphans"))
    add_body_links(site, rng(seed, "links"))
    plant_traps(site)
    settle_fixed_pages(site)
    return site


def settle_fixed_pages(site: Site) -> None:
    """Fronts, landings and listings were last modified when what they show last changed."""
    index = Index.of(site)
    for page in site.pages.values():
        if page.kind == "front":
            shown: list[Page] | list[Attachment] = index.items.get(("news", page.lang), [])[:3]
        elif page.kind == "listing":
            shown = listing_items(index, page)
        elif page.kind == "landing":
            shown = index.children.get(page.pid, [])
        else:
            continue
        page.modified = max([FIXED_EDITED, *(item.modified for item in shown)])
