"""Body HTML generated on request from ``(seed, pid, revision)``: never stored, always equal.

Every function here is pure: the same arguments give the same markup in any process.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .phrases import BANKS, paragraph, sentence
from .seeding import rng
from .slugs import lower_first
from .vocabulary import FAQ_QUESTIONS, TOPICS

Links = tuple[tuple[str, str], ...]  # (href, text) as written
Image = tuple[str, str, str] | None  # (src, alt, caption)

_PRINT = {"fi": "Tulosta sivu", "sv": "Skriv ut sidan", "en": "Print this page"}
_LANG_INDEX = {"fi": 0, "sv": 1, "en": 2, "fi-x-selko": 0}


def lead(seed: int, pid: int, revision: int, lang: str, topic: str) -> str:
    """The one-sentence summary shown under a title and in listings."""
    return sentence(BANKS[lang], rng(seed, "lead", pid, revision), topic)


def _figure(image: Image, hostile: bool) -> str:
    if image is None:
        return ""
    src, alt, caption = (escape(part) for part in image)
    if hostile:
        # a broken-image handler left in the content by an editor's copy-paste
        tag = (
            f'<img src="{src}" alt="{alt}" '
            "onerror=\"this.onerror=null;this.style.display='none';\">"
        )
    else:
        tag = f'<img src="{src}" alt="{alt}" loading="lazy">'
    return f'<figure class="content-image">{tag}<figcaption>{caption}</figcaption></figure>'


def _hostile_script(pid: int) -> str:
    return (
        f"<script>window.ktStats=window.ktStats||[];ktStats.push({{'sivu':{pid}}});"
        "document.write('<span class=\"kt-counter\"></span>');</script>"
    )


def article(
    seed: int,
    pid: int,
    revision: int,
    lang: str,
    topic: str,
    links: Links,
    image: Image,
    hostile: bool,
) -> Markup:
    """Headed sections of paragraphs, the links woven in as "see also" sentences."""
    bank = BANKS[lang]
    rand = rng(seed, "body", pid, revision)
    sections = rand.randint(2, 4)
    paragraphs: list[list[str]] = []
    headings = rand.sample(bank["heading"], min(sections, len(bank["heading"])))
    for _ in range(sections):
        for _ in range(rand.randint(1, 2)):
            paragraphs.append([escape(paragraph(bank, rand, topic, rand.randint(2, 4)))])
    see_also = bank["see_also"][0]
    for index, (href, text) in enumerate(links):
        paragraphs[index % len(paragraphs)].append(
            f' {see_also}: <a href="{escape(href)}">{escape(text)}</a>.'
        )
    out: list[str] = []
    per_section = max(1, len(paragraphs) // sections)
    for index, parts in enumerate(paragraphs):
        if index % per_section == 0 and index // per_section < sections:
            number = index // per_section + 1
            heading = headings[(number - 1) % len(headings)]
            out.append(f'<h2 id="otsikko-{number}">{escape(heading)}</h2>')
        out.append(f"<p>{''.join(parts)}</p>")
        if index == 0:
            out.append(_figure(image, hostile))
            if hostile:
                out.append(_hostile_script(pid))
    if hostile:
        label = _PRINT.get(lang, _PRINT["fi"])
        out.append(f'<p><a href="javascript:window.print()">{label}</a></p>')
    html = "\n".join(part for part in out if part)
    return Markup(html)  # noqa: S704 - text and hrefs were escaped piece by piece above


def faq(seed: int, pid: int, revision: int, lang: str, topic: int) -> tuple[tuple[str, str], ...]:
    """Question and answer pairs of an FAQ page."""
    rand = rng(seed, "faq", pid, revision)
    index = _LANG_INDEX[lang]
    words = lower_first(TOPICS[topic][index])
    questions = list(range(len(FAQ_QUESTIONS)))
    rand.shuffle(questions)
    pairs = []
    for number in questions[: rand.randint(3, 6)]:
        question = FAQ_QUESTIONS[number][index].format(t=words)
        answer = paragraph(BANKS[lang], rand, TOPICS[topic][index], rand.randint(2, 3))
        pairs.append((question, answer))
    return tuple(pairs)


def glossary(seed: int, revision: int, lang: str) -> tuple[tuple[str, str, str], ...]:
    """Glossary entries ``(anchor id, term, definition)``, one per vocabulary topic."""
    rand = rng(seed, "glossary", lang, revision)
    index = _LANG_INDEX[lang]
    return tuple(
        (f"termi-{number + 1}", topic[index], paragraph(BANKS[lang], rand, topic[index], 2))
        for number, topic in enumerate(TOPICS)
    )


def comments(seed: int, pid: int, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Approved blog comments ``(commenter, text)``; moderation hides the rest."""
    rand = rng(seed, "comments", pid)
    return tuple(
        (
            f"{rand.choice(names)} {chr(rand.randrange(65, 91))}.",
            paragraph(BANKS["fi"], rand, "Kotoutuminen", rand.randint(1, 2)),
        )
        for _ in range(rand.choice((0, 0, 1, 2, 3)))
    )
