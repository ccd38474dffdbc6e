"""The fixed skeleton of the site: sections, listings and footer pages, and the page counts.

These pages exist at every scale and never move, so the navigation, breadcrumbs and footer
built from them stay byte-stable across epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

#: lang -> (title, slug); a language missing from the dict has no such page.
Names = dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Fixed:
    """A page that exists at every scale and epoch."""

    key: str
    kind: str  # landing, listing, glossary, topic (footer pages)
    names: Names
    in_nav: bool = True
    listing: str | None = None
    section: str = ""


SECTIONS: tuple[Fixed, ...] = (
    Fixed(
        "tuki",
        "landing",
        {
            "fi": ("Kotoutumisen tuki", "kotoutumisen-tuki"),
            "sv": ("Stöd för integration", "stod-for-integration"),
            "en": ("Support for integration", "support-for-integration"),
        },
    ),
    Fixed(
        "tyo",
        "landing",
        {
            "fi": ("Työ ja osaaminen", "tyo-ja-osaaminen"),
            "sv": ("Arbete och kompetens", "arbete-och-kompetens"),
            "en": ("Work and skills", "work-and-skills"),
        },
    ),
    Fixed(
        "koulutus",
        "landing",
        {
            "fi": ("Koulutus ja kielet", "koulutus-ja-kielet"),
            "sv": ("Utbildning och språk", "utbildning-och-sprak"),
            "en": ("Education and languages", "education-and-languages"),
        },
    ),
    Fixed(
        "vastaanotto",
        "landing",
        {
            "fi": ("Pakolaisten vastaanotto", "pakolaisten-vastaanotto"),
            "sv": ("Mottagande av flyktingar", "mottagande-av-flyktingar"),
            "en": ("Refugee reception", "refugee-reception"),
        },
    ),
    Fixed(
        "alueet",
        "landing",
        {
            "fi": ("Kunnat ja alueet", "kunnat-ja-alueet"),
            "sv": ("Kommuner och regioner", "kommuner-och-regioner"),
            "en": ("Municipalities and regions", "municipalities-and-regions"),
        },
    ),
    Fixed(
        "tieto",
        "landing",
        {
            "fi": ("Tieto ja tilastot", "tieto-ja-tilastot"),
            "sv": ("Kunskap och statistik", "kunskap-och-statistik"),
            "en": ("Knowledge and statistics", "knowledge-and-statistics"),
        },
    ),
    Fixed(
        "kumppanuus",
        "landing",
        {
            "fi": ("Kumppanuusohjelma", "kumppanuusohjelma"),
            "sv": ("Partnerskapsprogrammet", "partnerskapsprogrammet"),
            "en": ("Partnership programme", "partnership-programme"),
        },
    ),
    Fixed(
        "viranomaiset",
        "landing",
        {
            "fi": ("Viranomaisille", "eteissivu"),
            "sv": ("För myndigheter", "for-myndigheter"),
            "en": ("Information for authorities", "information-for-authorities"),
        },
    ),
    Fixed(
        "koto24",
        "landing",
        {
            "fi": ("KOTO24-uudistus", "koto24-uudistus"),
            "sv": ("KOTO24-reformen", "koto24-reformen"),
            "en": ("KOTO24 reform", "koto24-reform"),
        },
    ),
)

#: Sections whose landings take topic pages (the handbooks hold only their chapters).
TOPIC_SECTIONS = tuple(section.key for section in SECTIONS)

HANDBOOKS: tuple[Fixed, ...] = (
    Fixed(
        "act",
        "landing",
        {
            "fi": ("Kotoutumislain käsikirja", "kotoutumislain-kasikirja"),
            "sv": ("Handbok om integrationslagen", "handbok-om-integrationslagen"),
            "en": ("Integration Act handbook", "integration-act-handbook"),
        },
        section="act",
    ),
    Fixed(
        "reception",
        "landing",
        {
            "fi": ("Vastaanoton käsikirja", "vastaanoton-kasikirja"),
            "en": ("Refugee reception handbook", "refugee-reception-handbook"),
        },
        section="reception",
    ),
)

LISTINGS: tuple[Fixed, ...] = (
    Fixed(
        "news",
        "listing",
        {
            "fi": ("Ajankohtaista", "ajankohtaista"),
            "sv": ("Aktuellt", "aktuellt"),
            "en": ("News", "news"),
        },
        listing="news",
    ),
    Fixed("blog", "listing", {"fi": ("Blogi", "blogi")}, listing="blog"),
    Fixed("events", "listing", {"fi": ("Tapahtumat", "tapahtumat")}, listing="events"),
    Fixed(
        "publications",
        "listing",
        {
            "fi": ("Julkaisut", "julkaisut"),
            "sv": ("Publikationer", "publikationer"),
            "en": ("Publications", "publications"),
        },
        listing="publications",
    ),
)

FOOTER: tuple[Fixed, ...] = (
    Fixed(
        "accessibility",
        "topic",
        {
            "fi": ("Saavutettavuusseloste", "saavutettavuusseloste"),
            "sv": ("Tillgänglighetsutlåtande", "tillganglighetsutlatande"),
            "en": ("Accessibility statement", "accessibility-statement"),
        },
        in_nav=False,
    ),
    Fixed(
        "privacy",
        "topic",
        {
            "fi": ("Tietosuoja", "tietosuoja"),
            "sv": ("Dataskydd", "dataskydd"),
            "en": ("Data protection", "data-protection"),
        },
        in_nav=False,
    ),
    Fixed(
        "cookies",
        "topic",
        {"fi": ("Evästeet", "evasteet"), "sv": ("Kakor", "kakor"), "en": ("Cookies", "cookies")},
        in_nav=False,
    ),
)

GLOSSARY = Fixed(
    "glossary",
    "glossary",
    {"fi": ("Sanasto", "sanasto"), "sv": ("Ordlista", "ordlista"), "en": ("Glossary", "glossary")},
    in_nav=False,
    section="koto24",
)

#: Default page sizes of the Asset Publisher instances.
DEFAULT_DELTA = {"news": 20, "blog": 10, "events": 10, "publications": 25}
#: The page sizes offered by the "items per page" selector.
DELTA_CHOICES = (5, 10, 20, 50)


@dataclass(frozen=True)
class Counts:
    """How many content pages of each kind and language a scale asks for."""

    values: dict[tuple[str, str], int]

    def __getitem__(self, key: tuple[str, str]) -> int:
        return self.values.get(key, 0)


#: (kind, lang) -> (count at scale 1.0, minimum at any scale). Fixed pages come on top:
#: 20 Finnish, 17 Swedish and 18 English.
TARGETS: dict[tuple[str, str], tuple[int, int]] = {
    ("topic", "fi"): (405, 12),
    ("topic", "sv"): (425, 6),
    ("topic", "en"): (580, 8),
    ("topic", "fi-x-selko"): (150, 3),
    ("news", "fi"): (450, 6),
    ("news", "sv"): (90, 3),
    ("news", "en"): (160, 4),
    ("blog", "fi"): (150, 4),
    ("event", "fi"): (300, 5),
    ("faq", "fi"): (15, 1),
    ("faq", "sv"): (5, 1),
    ("faq", "en"): (10, 1),
    ("handbook:act", "fi"): (120, 3),
    ("handbook:act", "sv"): (60, 2),
    ("handbook:act", "en"): (80, 2),
    ("handbook:reception", "fi"): (60, 2),
    ("handbook:reception", "en"): (40, 2),
}

#: Attachments by role: (count at scale 1.0, minimum).
ATTACHMENT_TARGETS: dict[str, tuple[int, int]] = {
    "publication:fi": (150, 2),
    "publication:sv": (50, 1),
    "publication:en": (80, 1),
    "pdf": (230, 4),
    "docx": (50, 1),
    "xlsx": (40, 1),
    "png": (80, 2),
    "large": (4, 1),
}


def scaled(target: tuple[int, int], scale: float) -> int:
    """The count for a scale: linear in the scale, never below the minimum."""
    count, minimum = target
    return max(minimum, round(count * scale))


def counts(scale: float) -> Counts:
    """Content page counts for a scale."""
    return Counts({key: scaled(target, scale) for key, target in TARGETS.items()})
