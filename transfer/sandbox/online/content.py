"""Content pages of epoch 0: topics, easy Finnish, handbook chapters, FAQ, news, blog, events.

Pages that translate each other share a translation group and an index into the aligned
vocabularies, so each language says the same thing in its own words.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from .clock import random_moment
from .model import SELKO, EventInfo, Page, Site, Skeleton
from .seeding import hex_token, rng
from .skeleton import LAST_DAY
from .slugs import lower_first, mangle, slugify
from .structure import TOPIC_SECTIONS, Counts
from .vocabulary import (
    BLOG_HEADS,
    CHAPTER_PARTS,
    CHAPTERS_ACT,
    CHAPTERS_RECEPTION,
    EVENT_TYPES,
    NEWS_HEADS,
    ORGANISERS,
    PLACES,
    QUALIFIERS,
    TOPICS,
)

LANG_INDEX = {"fi": 0, "sv": 1, "en": 2}
_PATTERNS = {"topic": "{prefix}/{slug}", "news": "{prefix}/-/{slug}"}
FORM_HOST = "https://lomake.example.com"
TEAMS_HOST = "https://teams.example.com"


def topic_title(lang: str, topic: int, qualifier: int | None) -> str:
    """A topic page title such as ``Kielikoulutus kunnissa``."""
    index = LANG_INDEX[lang]
    words = TOPICS[topic][index]
    return words if qualifier is None else f"{words} {QUALIFIERS[qualifier][index]}"


def path_pattern(kind: str, lang: str) -> str:
    """The path of a page of this kind with ``{slug}`` left open (for free-slug checks)."""
    prefix = {"fi": "", "sv": "/sv", "en": "/en", SELKO: ""}[lang]
    return _PATTERNS.get(kind, "{prefix}/{slug}").replace("{prefix}", prefix)


def new_page(
    site: Site,
    kind: str,
    lang: str,
    title: str,
    group: int,
    section: str,
    topic: int,
    when: datetime,
    slug: str | None = None,
    **extra: object,
) -> Page:
    """Create and register a page with a free slug derived from its title."""
    pattern = path_pattern(kind, lang)
    if kind == "blog":
        pattern = "/blogi/-/blogs/{slug}"
    page = Page(
        pid=site.new_pid(),
        kind=kind,
        lang=lang,
        slug="",
        title=title,
        group=group,
        section=section,
        topic=topic,
        modified=when,
        **extra,  # type: ignore[arg-type]
    )
    if kind == "event" and page.event is not None:
        pattern = page.path.rsplit("/", 1)[0] + "/{slug}"
    page.slug = site.free_slug(pattern, slug or slugify(title))
    return site.add(page)


def _combos(rand: random.Random) -> list[tuple[int, int | None]]:
    combos: list[tuple[int, int | None]] = [(t, None) for t in range(len(TOPICS))]
    combos += [(t, q) for t in range(len(TOPICS)) for q in range(len(QUALIFIERS))]
    rand.shuffle(combos)
    return combos


def add_topics(site: Site, skeleton: Skeleton, counts: Counts) -> None:
    """Topic pages in fi, sv and en, partly translations of each other, in a hierarchy."""
    rand = rng(site.seed, "topics")
    fi, sv, en = counts[("topic", "fi")], counts[("topic", "sv")], counts[("topic", "en")]
    sv_shared = min(fi, sv - max(1, round(sv * 0.1)))
    en_shared = min(fi, en - max(1, round(en * 0.45)))
    members: list[list[str]] = [["fi"] for _ in range(fi)]
    for index in rand.sample(range(fi), sv_shared):
        members[index].append("sv")
    for index in rand.sample(range(fi), en_shared):
        members[index].append("en")
    members += [["sv"]] * (sv - sv_shared) + [["en"]] * (en - en_shared)
    combos = _combos(rand)
    concepts: list[tuple[str, dict[str, int]]] = []  # (section, lang -> pid)
    for index, langs in enumerate(members):
        topic, qualifier = combos[index % len(combos)]
        section = rand.choice(TOPIC_SECTIONS)
        siblings = [c for c in concepts if c[0] == section]
        parent = rand.choice(siblings)[1] if siblings and rand.random() < 0.3 else {}
        group = site.new_group()
        pids: dict[str, int] = {}
        for lang in langs:
            updated = random_moment(rand, date(2019, 1, 1), LAST_DAY)
            page = new_page(
                site,
                "topic",
                lang,
                topic_title(lang, topic, qualifier),
                group,
                section,
                topic,
                updated,
                updated=updated,
                parent=parent.get(lang, skeleton.landing[(section, lang)]),
            )
            pids[lang] = page.pid
        concepts.append((section, pids))


def add_selko(site: Site, counts: Counts) -> None:
    """Easy-Finnish pages: most pair with a standard Finnish topic page, a few stand alone."""
    rand = rng(site.seed, "selko")
    total = counts[("topic", SELKO)]
    alone = max(1, round(total * 0.1))
    standard = [
        p for p in site.pages.values() if p.kind == "topic" and p.lang == "fi" and not p.protected
    ]
    for page in rand.sample(standard, min(len(standard), total - alone)):
        selko = new_page(
            site,
            "topic",
            SELKO,
            f"{page.title} selkosuomeksi",
            page.group,
            page.section,
            page.topic,
            page.modified,
            slug=f"{page.slug}-selkosuomi",
            updated=page.updated,
            parent=page.parent,
            selko_pair=page.pid,
        )
        page.selko_pair = selko.pid
    for _ in range(alone):
        topic = rand.randrange(len(TOPICS))
        base = rand.choice(standard)
        title = f"{TOPICS[topic][0]} selkosuomeksi"
        when = random_moment(rand, date(2021, 1, 1), LAST_DAY)
        new_page(
            site,
            "topic",
            SELKO,
            title,
            site.new_group(),
            base.section,
            topic,
            when,
            slug=f"{slugify(TOPICS[topic][0])}-selkosuomi",
            updated=when,
            parent=base.parent,
        )


def add_handbooks(site: Site, skeleton: Skeleton, counts: Counts) -> None:
    """Chapters of the two handbooks as flat pages; sv and en translate the first chapters."""
    rand = rng(site.seed, "handbooks")
    for key, mains in (("act", CHAPTERS_ACT), ("reception", CHAPTERS_RECEPTION)):
        per_main = len(CHAPTER_PARTS)
        total = counts[(f"handbook:{key}", "fi")]
        for index in range(total):
            main, part = divmod(index, per_main) if total > per_main else (index, 0)
            main %= len(mains)
            number = f"{main + 1}.{part + 1}"
            group = site.new_group()
            for lang in ("fi", "sv", "en"):
                if lang != "fi" and index >= counts[(f"handbook:{key}", lang)]:
                    continue
                li = LANG_INDEX[lang]
                title = f"{number} {mains[main][li]}: {CHAPTER_PARTS[part][li]}"
                updated = random_moment(rand, date(2023, 6, 1), LAST_DAY)
                new_page(
                    site,
                    "handbook",
                    lang,
                    title,
                    group,
                    key,
                    index % len(TOPICS),
                    updated,
                    updated=updated,
                    handbook=key,
                    chapter=number,
                    parent=skeleton.landing[(key, lang)],
                )


def add_faqs(site: Site, skeleton: Skeleton, counts: Counts) -> None:
    """FAQ pages of the reform hub; sv and en translate the first Finnish ones."""
    rand = rng(site.seed, "faq")
    topics = rand.sample(range(len(TOPICS)), min(len(TOPICS), counts[("faq", "fi")]))
    heads = {
        "fi": "Usein kysytyt kysymykset",
        "sv": "Vanliga frågor",
        "en": "Frequently asked questions",
    }
    for index in range(counts[("faq", "fi")]):
        topic = topics[index % len(topics)]
        group = site.new_group()
        for lang in ("fi", "sv", "en"):
            if index >= counts[("faq", lang)]:
                continue
            title = f"{heads[lang]}: {lower_first(TOPICS[topic][LANG_INDEX[lang]])}"
            updated = random_moment(rand, date(2023, 9, 1), LAST_DAY)
            new_page(
                site,
                "faq",
                lang,
                title,
                group,
                "koto24",
                topic,
                updated,
                updated=updated,
                parent=skeleton.landing[("koto24", lang)],
            )


def news_title(lang: str, topic: int, qualifier: int | None, head: int) -> str:
    return f"{topic_title(lang, topic, qualifier)}: {NEWS_HEADS[head][LANG_INDEX[lang]]}"


def add_news(site: Site, skeleton: Skeleton, counts: Counts) -> None:
    """News in three languages; sv and en news partly translate Finnish ones."""
    rand = rng(site.seed, "news")
    fi, sv, en = counts[("news", "fi")], counts[("news", "sv")], counts[("news", "en")]
    sv_shared, en_shared = min(fi, round(sv * 0.8)), min(fi, round(en * 0.6))
    plan: list[list[str]] = [["fi"] for _ in range(fi)]
    for index in rand.sample(range(fi), sv_shared):
        plan[index].append("sv")
    for index in rand.sample(range(fi), en_shared):
        plan[index].append("en")
    plan += [["sv"]] * (sv - sv_shared) + [["en"]] * (en - en_shared)
    last_en = max(i for i, langs in enumerate(plan) if "en" in langs)
    for index, langs in enumerate(plan):
        topic = rand.randrange(len(TOPICS))
        qualifier = rand.randrange(len(QUALIFIERS)) if rand.random() < 0.4 else None
        head = rand.randrange(len(NEWS_HEADS))
        # one English item at least must be new enough for the newer "Type:" label
        first = date(2025, 1, 7) if index == last_en else date(2016, 1, 1)
        published = random_moment(rand, first, LAST_DAY - timedelta(days=12))
        group = site.new_group()
        contacts = rand.sample(range(len(site.people)), rand.randint(1, 2))
        for lang in langs:
            when, in_english = published, None
            if lang == "sv" and "fi" in langs:
                when = published + timedelta(days=rand.randint(0, 2), minutes=rand.randint(5, 90))
            if lang == "en" and "fi" in langs:
                in_english = published + timedelta(
                    days=rand.randint(1, 10), hours=rand.randint(0, 5), minutes=rand.randint(1, 59)
                )
            new_page(
                site,
                "news",
                lang,
                news_title(lang, topic, qualifier, head),
                group,
                "news",
                topic,
                in_english or when,
                published=when,
                published_en=in_english,
                contacts=list(contacts),
                parent=skeleton.listing[("news", lang)],
            )


def blog_title(topic: int, qualifier: int | None, head: int) -> str:
    return f"{topic_title('fi', topic, qualifier)} – {BLOG_HEADS[head]}"


def add_blog(
    site: Site,
    skeleton: Skeleton,
    count: int,
    first: date = date(2019, 1, 1),
    last: date = LAST_DAY,
    tag: str = "blog",
) -> list[Page]:
    """Blog posts (Finnish only), each with an author; some slugs mangled by an old import."""
    rand = rng(site.seed, tag)
    posts = []
    for _ in range(count):
        topic, qualifier = rand.randrange(len(TOPICS)), rand.randrange(len(QUALIFIERS))
        title = blog_title(topic, qualifier, rand.randrange(len(BLOG_HEADS)))
        when = random_moment(rand, first, last)
        posts.append(
            new_page(
                site,
                "blog",
                "fi",
                title,
                site.new_group(),
                "blog",
                topic,
                when,
                published=when,
                author=rand.randrange(len(site.people)),
                parent=skeleton.listing[("blog", "fi")],
            )
        )
    return posts


def mangle_slugs(site: Site, posts: list[Page], count: int) -> None:
    """Give ``count`` posts whose titles have diacritics the mangled slug of an old import."""
    rand = rng(site.seed, "mangle")
    candidates = [post for post in posts if mangle(post.title) != slugify(post.title)]
    for post in rand.sample(candidates, min(count, len(candidates))):
        del site.by_path[post.path]
        post.slug = site.free_slug("/blogi/-/blogs/{slug}", mangle(post.title))
        post.mangled = True
        site.by_path[post.path] = post.pid
        site.used_paths.add(post.path)


def make_event(
    rand: random.Random, first: date, last: date, online: bool | None = None
) -> tuple[str, int, EventInfo]:
    """An event's title, topic and details (time range, organiser, venue or Teams link);
    ``online`` forces a Teams event (True) or a venue (False)."""
    topic = rand.randrange(len(TOPICS))
    kind = rand.choice(EVENT_TYPES)
    qualifier = rand.randrange(len(QUALIFIERS))
    title = f"{kind}: {lower_first(topic_title('fi', topic, qualifier))}"
    start = random_moment(rand, first, last).replace(minute=rand.choice((0, 30)))
    end = start + timedelta(minutes=30 * rand.randint(2, 6))
    online = rand.random() < 0.5 if online is None else online
    token = hex_token(title, start.isoformat(), length=24)
    registration = None
    roll = rand.random()
    if roll < 0.7:
        registration = f"{FORM_HOST}/r/{token[:12]}"
    elif roll < 0.85:
        registration = f"https://www.example.org/ilmoittautuminen?tapahtuma={token[:8]}"
    info = EventInfo(
        start=start,
        end=end,
        organiser=rand.choice(ORGANISERS),
        place=None if online else rand.choice(PLACES),
        online_url=f"{TEAMS_HOST}/l/meetup-join/19%3ameeting_{token}%40thread.v2/0"
        if online
        else None,
        registration=registration,
    )
    return title, topic, info


def add_events(
    site: Site,
    skeleton: Skeleton,
    count: int,
    first: date = date(2023, 1, 9),
    last: date = date(2025, 6, 27),
    tag: str = "events",
    published_by: datetime | None = None,
) -> list[Page]:
    """Calendar events (Finnish only), outside the sitemap."""
    rand = rng(site.seed, tag)
    events = []
    for number in range(count):
        # the first two of every batch: one online, one at a venue, whatever the scale
        title, topic, info = make_event(
            rand, first, last, (True, False)[number] if number < 2 else None
        )
        published = info.start - timedelta(days=rand.randint(14, 60))
        limit = published_by or random_moment(rand, LAST_DAY - timedelta(days=20), LAST_DAY)
        published = min(published, limit)
        events.append(
            new_page(
                site,
                "event",
                "fi",
                title,
                site.new_group(),
                "events",
                topic,
                published,
                published=published,
                event=info,
                in_sitemap=False,
                contacts=rand.sample(range(len(site.people)), 1),
                parent=skeleton.listing[("events", "fi")],
            )
        )
    return events
