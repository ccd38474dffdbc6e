"""Editorial rounds: what changes on the site between one epoch and the next.

Round ``k`` happens during the week before ``EPOCH_ZERO + k * EPOCH_LENGTH`` and depends only
on (seed, k) and the site it starts from. Pages are edited, added, deleted and moved, files
re-uploaded and added; every page whose bytes change for another reason (its listing, its
translation's URL, its attachment's ``t``) is detected by comparing fingerprints, gets a new
modification time and is recorded as *refreshed*.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from transfer.sandbox.settings import EPOCH_LENGTH, EPOCH_ZERO

from .clock import iso
from .content import (
    LANG_INDEX,
    add_blog,
    add_events,
    new_page,
    news_title,
    path_pattern,
)
from .context import HOST_URL, Index, fingerprint
from .library import blog_image, document
from .model import SELKO, Page, Site
from .seeding import rng
from .slugs import slugify
from .structure import scaled
from .vocabulary import NEWS_HEADS, QUALIFIERS, TOPICS
from .wiring import body_links, link_pool

#: Changes per round at scale 1.0 and their minimum at any scale.
PER_ROUND = {
    "edit": (40, 2),
    "move": (4, 1),
    "delete": (6, 1),
    "attachment_edit": (10, 1),
    "news:fi": (8, 1),
    "news:sv": (2, 1),
    "news:en": (3, 1),
    "event": (5, 1),
    "blog": (2, 1),
}
_EDITABLE = ("topic", "news", "handbook", "faq", "blog", "event")
_STAMPED = ("topic", "handbook", "faq", "glossary")
_MOVE_WORDS = {"fi": "ohjeet", "sv": "anvisningar", "en": "guidance"}


class _Round:
    """One round of changes in progress."""

    def __init__(self, site: Site, number: int) -> None:
        self.site = site
        self.number = number
        self.rand = rng(site.seed, "round", number)
        self.end = EPOCH_ZERO + number * EPOCH_LENGTH
        self.start = self.end - EPOCH_LENGTH
        self.touched: set[int] = set()
        self.record: dict[str, list[Any]] = {
            key: []
            for key in (
                "added",
                "edited",
                "refreshed",
                "deleted",
                "moved",
                "attachments_changed",
                "attachments_added",
            )
        }

    def count(self, key: str) -> int:
        return scaled(PER_ROUND[key], self.site.scale)

    def moment(self) -> datetime:
        """A moment inside this round's week (never after the epoch's "now")."""
        seconds = int(EPOCH_LENGTH.total_seconds())
        return self.start + timedelta(seconds=self.rand.randrange(60, seconds - 60))

    def pick(self, pages: list[Page], count: int) -> list[Page]:
        free = [page for page in pages if page.pid not in self.touched]
        chosen = self.rand.sample(free, min(count, len(free)))
        self.touched.update(page.pid for page in chosen)
        return chosen

    def live(self, kinds: tuple[str, ...]) -> list[Page]:
        return sorted(
            (
                page
                for page in self.site.pages.values()
                if page.kind in kinds and not page.protected
            ),
            key=lambda p: p.pid,
        )


def _edit_attachments(work: _Round) -> None:
    site = work.site
    files = sorted(site.attachments.values(), key=lambda a: a.aid)
    for item in work.rand.sample(files, min(len(files), work.count("attachment_edit"))):
        item.revision += 1
        item.modified = work.moment()
        work.record["attachments_changed"].append(HOST_URL + item.path)


def _edit_pages(work: _Round) -> None:
    for page in work.pick(work.live(_EDITABLE), work.count("edit")):
        when = work.moment()
        page.revision += 1
        page.modified = when
        if page.kind in _STAMPED:
            page.updated = when
        if page.kind == "topic" and page.lang != SELKO and work.rand.random() < 0.2:
            index = LANG_INDEX[page.lang]
            page.title = (
                f"{TOPICS[page.topic][index]} "
                f"{QUALIFIERS[work.rand.randrange(len(QUALIFIERS))][index]}"
            )
        work.record["edited"].append(HOST_URL + page.path)


def _protected_targets(site: Site) -> set[int]:
    """Pages that must stay: parents, frozen-banner targets, easy-Finnish pairs."""
    keep = {page.parent for page in site.pages.values() if page.parent is not None}
    keep |= {page.frozen_target for page in site.pages.values() if page.frozen_target}
    keep |= {page.pid for page in site.pages.values() if page.selko_pair is not None}
    return keep


def _move_pages(work: _Round) -> None:
    site = work.site
    for page in work.pick(work.live(("topic", "handbook")), work.count("move")):
        lang = "fi" if page.lang == SELKO else page.lang
        base = f"{slugify(page.title)}-{_MOVE_WORDS[lang]}"
        if page.lang == SELKO:
            base = f"{page.slug.removesuffix('-selkosuomi')}-uusi-selkosuomi"
        slug = site.free_slug(path_pattern(page.kind, page.lang), base)
        old, new = site.move(page, slug)
        page.modified = work.moment()
        work.record["moved"].append({"from": HOST_URL + old, "to": HOST_URL + new})


def _delete_pages(work: _Round) -> None:
    site = work.site
    keep = _protected_targets(site)
    candidates = [
        page
        for page in work.live(("topic", "news", "event"))
        if page.pid not in keep and page.lang != SELKO
    ]
    for page in work.pick(candidates, work.count("delete")):
        work.record["deleted"].append(HOST_URL + site.delete(page))


def _add_news(work: _Round, lang: str, pool: dict[str, list[Page]], translate: list[Page]) -> Page:
    site, rand = work.site, work.rand
    source = translate[0] if translate and lang != "fi" and rand.random() < 0.7 else None
    topic = source.topic if source else rand.randrange(len(TOPICS))
    qualifier = rand.randrange(len(QUALIFIERS)) if rand.random() < 0.4 else None
    title = news_title(lang, topic, qualifier, rand.randrange(len(NEWS_HEADS)))
    when = work.moment()
    published, in_english = when, None
    if source is not None and source.published is not None:
        published = source.published
        if lang == "en":
            in_english = max(when, source.published + timedelta(minutes=30))
    group = source.group if source else site.new_group()
    page = new_page(
        site,
        "news",
        lang,
        title,
        group,
        "news",
        topic,
        in_english or published,
        published=published,
        published_en=in_english,
        contacts=rand.sample(range(len(site.people)), rand.randint(1, 2)),
        parent=site.skeleton.listing[("news", lang)],
    )
    if rand.random() < 0.4:
        item = document(site, rand, "pdf", lang, page.modified)
        page.attachments.append(item.aid)
        work.record["attachments_added"].append(HOST_URL + item.path)
    page.links.extend(body_links(site, rand, page, pool[lang]))
    return page


def _add_pages(work: _Round) -> list[Page]:
    site, rand = work.site, work.rand
    pool = {lang: link_pool(site, lang) for lang in ("fi", "sv", "en")}
    added: list[Page] = []
    finnish = [_add_news(work, "fi", pool, []) for _ in range(work.count("news:fi"))]
    added += finnish
    for lang in ("sv", "en"):
        for _ in range(work.count(f"news:{lang}")):
            free = [p for p in finnish if lang not in site.groups.get(p.group, {})]
            added.append(_add_news(work, lang, pool, free))
    day = work.end.date()
    events = add_events(
        site,
        site.skeleton,
        work.count("event"),
        first=day + timedelta(days=7),
        last=day + timedelta(days=120),
        tag=f"events:{work.number}",
    )
    posts = add_blog(site, site.skeleton, work.count("blog"), tag=f"blog:{work.number}")
    for page in (*events, *posts):
        page.published = page.modified = work.moment()
        page.links.extend(body_links(site, rand, page, pool["fi"]))
    for post in posts:
        image = blog_image(site, post)
        post.image = image.aid
        work.record["attachments_added"].append(HOST_URL + image.path)
    return added + events + posts


def apply_round(site: Site, number: int, before: dict[int, str]) -> dict[int, str]:
    """Apply round ``number`` to the site; ``before`` holds the fingerprints of every live
    page before it, and the fingerprints after it are returned for the next round."""
    work = _Round(site, number)
    _edit_attachments(work)
    _edit_pages(work)
    _move_pages(work)
    _delete_pages(work)
    added = _add_pages(work)
    work.record["added"] = [HOST_URL + page.path for page in added]
    direct = {page.pid for page in added} | work.touched
    index = Index.of(site)
    after = {pid: fingerprint(index, page) for pid, page in site.pages.items()}
    for pid in sorted(after):
        if pid in before and pid not in direct and before[pid] != after[pid]:
            page = site.pages[pid]
            page.modified = work.end
            work.record["refreshed"].append(HOST_URL + page.path)
    for key, values in work.record.items():
        if key != "moved":
            values.sort()
    site.changes.append({"round": number, "time": iso(work.end), **work.record})
    return after


def apply_rounds(site: Site, epoch: int) -> None:
    """Replay rounds 1..epoch on a site of epoch 0."""
    if epoch <= 0:
        return
    index = Index.of(site)
    prints = {pid: fingerprint(index, page) for pid, page in site.pages.items()}
    for number in range(1, epoch + 1):
        prints = apply_round(site, number, prints)
