"""Document Library records of epoch 0 and the pages that show them.

Only the records live here; the bytes are made on request by :mod:`.files`.
"""

from __future__ import annotations

import random
from datetime import date, datetime

from .clock import random_moment
from .content import LANG_INDEX
from .model import FOLDERS, SELKO, Attachment, Page, Site
from .seeding import rng, uuid_for
from .skeleton import LAST_DAY
from .slugs import lower_first, slugify
from .structure import ATTACHMENT_TARGETS, scaled
from .vocabulary import DOC_TYPES, TOPICS

_PREFIXES = {
    "pdf": ("Liite", "Bilaga", "Annex"),
    "docx": ("Lomakepohja", "Blankettmall", "Template"),
    "xlsx": ("Tilastot", "Statistik", "Statistics"),
    "png": ("kaavio", "diagram", "chart"),
}
#: Kinds of page that carry attachment blocks and inline images.
CARRIER_KINDS = ("topic", "news", "handbook", "faq")


def new_attachment(
    site: Site,
    media: str,
    title: str,
    file_name: str,
    lang: str,
    topic: int,
    modified: datetime,
    folder: int,
    **extra: object,
) -> Attachment:
    """Create and register a Document Library file; its uuid never changes afterwards."""
    aid = site.next_aid
    site.next_aid += 1
    attachment = Attachment(
        aid=aid,
        uuid=uuid_for(site.seed, "document", aid),
        folder_id=folder,
        file_name=file_name,
        media=media,
        title=title,
        lang=lang,
        topic=topic,
        modified=modified,
        form_encoded="form-names" in site.variants,
        **extra,  # type: ignore[arg-type]
    )
    site.attachments[aid] = attachment
    site.by_uuid[attachment.uuid] = aid
    return attachment


def publication(
    site: Site, rand: random.Random, lang: str, when: datetime, large: bool = False
) -> Attachment:
    """A PDF publication listed on the publications page of its language."""
    topic = rand.randrange(len(TOPICS))
    kind = DOC_TYPES[rand.randrange(len(DOC_TYPES))][LANG_INDEX[lang]]
    year = when.year
    title = f"{TOPICS[topic][LANG_INDEX[lang]]}: {kind} {year}"
    if rand.random() < 0.3:
        file_name = f"{slugify(title).replace('-', '_')}.pdf"
    else:
        file_name = f"{TOPICS[topic][LANG_INDEX[lang]]} {kind} {year}.pdf"
    return new_attachment(
        site,
        "pdf",
        title,
        file_name,
        lang,
        topic,
        when,
        FOLDERS[1],
        publication=lang,
        year=year,
        large=large,
    )


def document(site: Site, rand: random.Random, media: str, lang: str, when: datetime) -> Attachment:
    """An attachment of a page: PDF annex, Word template, Excel table or PNG chart."""
    topic = rand.randrange(len(TOPICS))
    words = lower_first(TOPICS[topic][LANG_INDEX[lang]])
    prefix = _PREFIXES[media][LANG_INDEX[lang]]
    extension = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "png": "png"}[media]
    if media == "pdf":
        title = f"{prefix} {rand.randint(1, 6)}: {words}"
        file_name = f"{prefix} {rand.randint(1, 6)} {words}.pdf"
    elif media == "png":
        title = f"{prefix}: {words}"
        file_name = f"{prefix}-{slugify(words)}.png"
    else:
        title = f"{prefix}: {words} {when.year}"
        file_name = f"{prefix} {words} {when.year}.{extension}"
    folder = FOLDERS[2 + ("pdf", "docx", "xlsx", "png").index(media)]
    return new_attachment(site, media, title, file_name, lang, topic, when, folder)


def blog_image(site: Site, post: Page) -> Attachment:
    """The JPEG shown at the top of a blog post."""
    when = post.published or post.modified
    return new_attachment(
        site, "jpeg", post.title, f"blogikuva {post.slug}.jpg", "fi", post.topic, when, FOLDERS[0]
    )


def carriers(site: Site, lang: str) -> list[Page]:
    """Pages of a language that may show attachments, in a stable order."""
    return [
        page
        for page in site.pages.values()
        if page.kind in CARRIER_KINDS and page.lang == lang and not page.protected
    ]


def add_library(site: Site) -> None:
    """All epoch-0 files, attached to pages; some files are shown on several pages."""
    rand = rng(site.seed, "library")
    scale = site.scale
    by_lang = {lang: carriers(site, lang) for lang in ("fi", "sv", "en")}
    large = scaled(ATTACHMENT_TARGETS["large"], scale)
    for lang in ("fi", "sv", "en"):
        for index in range(scaled(ATTACHMENT_TARGETS[f"publication:{lang}"], scale)):
            when = random_moment(rand, date(2015, 1, 1), LAST_DAY)
            item = publication(site, rand, lang, when, large=lang == "fi" and index < large)
            if rand.random() < 0.2 and by_lang[lang]:
                rand.choice(by_lang[lang]).attachments.append(item.aid)
    for media in ("pdf", "docx", "xlsx"):
        for _ in range(scaled(ATTACHMENT_TARGETS[media], scale)):
            lang = rand.choices(("fi", "sv", "en"), weights=(60, 15, 25))[0]
            when = random_moment(rand, date(2016, 1, 1), LAST_DAY)
            item = document(site, rand, media, lang, when)
            for page in rand.sample(by_lang[lang], min(len(by_lang[lang]), rand.randint(1, 3))):
                if item.aid not in page.attachments:
                    page.attachments.append(item.aid)
                if rand.random() < 0.3:
                    for other in site.translations(page).values():
                        if item.aid not in other.attachments:
                            other.attachments.append(item.aid)
    imageless = [page for lang in ("fi", "sv", "en") for page in by_lang[lang]]
    imageless += carriers(site, SELKO)
    for _ in range(scaled(ATTACHMENT_TARGETS["png"], scale)):
        when = random_moment(rand, date(2018, 1, 1), LAST_DAY)
        free = [page for page in imageless if page.image is None]
        if not free:
            break
        page = rand.choice(free)
        item = document(site, rand, "png", "fi" if page.lang == SELKO else page.lang, when)
        page.image = item.aid
        if rand.random() < 0.25:
            free = [other for other in imageless if other.image is None]
            if free:
                rand.choice(free).image = item.aid
    for post in sorted((p for p in site.pages.values() if p.kind == "blog"), key=lambda p: p.pid):
        post.image = blog_image(site, post).aid
