"""The replica's own small vocabularies (fi, sv, en). Nothing here is copied from the real site.

Person names are built from invented parts so that no full name is a real person's: given
names are ordinary first names, family names are compounds of nature words and place-name
endings, or invented foreign-looking surnames.
"""

from __future__ import annotations

LANGUAGES = ("fi", "sv", "en")
#: Liferay's W3C/BCP-47 ids, used as keys of ``*_i18n`` maps and in ``availableLanguages``.
W3C = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-US"}

GIVEN_NAMES = (
    "Aino",
    "Eero",
    "Helmi",
    "Ilmari",
    "Kerttu",
    "Lauri",
    "Minea",
    "Oskari",
    "Pihla",
    "Rasmus",
    "Saana",
    "Topias",
    "Vilja",
    "Aleksi",
    "Elsa",
    "Jalmari",
    "Kaisla",
    "Leevi",
    "Nelli",
    "Onni",
    "Amira",
    "Dawit",
    "Leyla",
    "Nuno",
    "Farah",
    "Yusuf",
    "Selam",
    "Tomas",
    "Irina",
    "Bashir",
    "Ingrid",
    "Mats",
    "Linnea",
    "Hugo",
    "Maja",
    "Nils",
    "Alma",
    "Emil",
    "Sanna",
    "Jukka",
)
_FAMILY_ROOTS = (
    "Kuura",
    "Usva",
    "Kaarna",
    "Tuohi",
    "Routa",
    "Lumme",
    "Kanerva",
    "Sammal",
    "Hiili",
    "Paju",
    "Kaisla",
    "Tuisku",
    "Pihlaja",
    "Kataja",
    "Haapa",
    "Vuokko",
    "Kivi",
    "Virta",
    "Halla",
    "Ruska",
)
_FAMILY_ENDINGS = (
    "harju",
    "vaara",
    "korpi",
    "salo",
    "lahti",
    "niemi",
    "mäki",
    "koski",
    "ranta",
    "kallio",
    "aho",
    "suo",
    "laakso",
    "lampi",
)
_FOREIGN_FAMILY = (
    "Qorvani",
    "Belmaro",
    "Ostradi",
    "Zenhaji",
    "Marekova",
    "Tadesse-Lumo",
    "Okonkwe",
    "Dal Ferro",
    "Haskovic",
    "Nurvali",
    "Sandqvist-Aro",
    "Berglöv",
)
FAMILY_NAMES = tuple(r + e for r in _FAMILY_ROOTS for e in _FAMILY_ENDINGS) + _FOREIGN_FAMILY

#: Invented place names for organisations and workspaces.
TOWN_ROOTS = (
    "Kaisla",
    "Tuuli",
    "Sammal",
    "Kanerva",
    "Hiekka",
    "Lumme",
    "Routa",
    "Usva",
    "Kuura",
    "Tuohi",
    "Pihlaja",
    "Halla",
    "Ruska",
    "Kaarna",
    "Virva",
    "Saraka",
)
_TOWN_ENDINGS = (
    "lahti",
    "järvi",
    "vaara",
    "koski",
    "ranta",
    "harju",
    "mäki",
    "salo",
    "niemi",
    "kylä",
    "lampi",
    "saari",
)
TOWNS = tuple(r + e for r in TOWN_ROOTS for e in _TOWN_ENDINGS)
REGIONS = (
    "Uusimaa",
    "Pirkanmaa",
    "Varsinais-Suomi",
    "Pohjois-Pohjanmaa",
    "Keski-Suomi",
    "Pohjois-Savo",
    "Lappi",
    "Pohjanmaa",
    "Kymenlaakso",
    "Etelä-Karjala",
)

#: Organisation name patterns: {town} and {root}; the legal-form suffix varies on purpose.
ORG_PATTERNS = (
    "Kotoutumisyhdistys {town} ry",
    "Monikulttuurikeskus {town} ry",
    "{root}silta Oy",
    "{root}polku Oy",
    "Säätiö {town} sr",
    "Kuntayhtymä {town}",
    "{town} opisto",
    "Föreningen {town} rf",
    "{root}bro Ab",
    "{town} Language Café ry",
    "Osaamiskeskus {town}",
    "Perhetalo {town} ry",
    "{root}kumppanit Oy",
)
ORG_UNITS = (
    "maahanmuuttopalvelut",
    "kotoutumisyksikkö",
    "nuorisotyö",
    "kielikoulutus",
    "ohjaus ja neuvonta",
    "työllisyyspalvelut",
)
ORG_EMAIL_DOMAIN = "jarjesto.test"

#: The partnership programme's principles (taxonomy categories), by key.
PRINCIPLES = {
    "openness": {"fi": "Avoimuus", "sv": "Öppenhet", "en": "Openness"},
    "inclusion": {"fi": "Osallisuus", "sv": "Delaktighet", "en": "Inclusion"},
    "knowledge": {
        "fi": "Tietoperustaisuus",
        "sv": "Kunskapsbaserad verksamhet",
        "en": "Knowledge base",
    },
    "impact": {"fi": "Vaikuttavuus", "sv": "Effektivitet", "en": "Impact"},
}
CAMPAIGN_KEYWORDS = ("lupaus-2015", "lupaus-2016", "kumppanuusohjelma")

JOB_TITLES = (
    "Kotoutumiskoordinaattori",
    "Projektipäällikkö",
    "Suunnittelija",
    "Ohjaaja",
    "Asiantuntija",
    "Toiminnanjohtaja",
    "Opettaja",
    "Sosiaaliohjaaja",
    "Integrationssamordnare",
    "Project coordinator",
)

DELETED_USER_LABEL = "Poistettu käyttäjä"

#: Public pages: (key, slug per language, title per language).
PUBLIC_PAGES = (
    (
        "about",
        {"fi": "", "sv": "", "en": ""},
        {"fi": "Tietoa palvelusta", "sv": "Om tjänsten", "en": "About the service"},
    ),
    (
        "terms",
        {"fi": "kayttoehdot", "sv": "anvandarvillkor", "en": "terms-of-use"},
        {"fi": "Käyttöehdot", "sv": "Användarvillkor", "en": "Terms of use"},
    ),
    (
        "privacy",
        {"fi": "tietosuojaseloste", "sv": "dataskyddsbeskrivning", "en": "privacy-notice"},
        {"fi": "Tietosuojaseloste", "sv": "Dataskyddsbeskrivning", "en": "Privacy notice"},
    ),
)
SITE_NAME = {
    "fi": "Kumppanuusalusta",
    "sv": "Partnerskapsplattformen",
    "en": "Partnership platform",
}
SKIP_LINK = {"fi": "Hyppää sisältöön", "sv": "Hoppa till innehåll", "en": "Skip to Content"}
SIGN_IN = {"fi": "Kirjaudu sisään", "sv": "Logga in", "en": "Sign In"}
