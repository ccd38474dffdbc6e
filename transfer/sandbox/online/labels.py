"""Furniture strings of the three language versions (skip link, stamps, banners, buttons).

Wording is the replica's own; the *shapes* of the date stamps follow the real site, because
extractors must parse them (``Julkaisuajankohta 4.9.2023 9.00``).
"""

from __future__ import annotations

from datetime import datetime

from .clock import stamp, stamp_date, stamp_named_date, stamp_time

HTML_LANG = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-US"}
LIFERAY_LANG = {"fi": "fi_FI", "sv": "sv_SE", "en": "en_US"}
PREFIX = {"fi": "", "sv": "/sv", "en": "/en"}

LABELS: dict[str, dict[str, str]] = {
    "fi": {
        "site": "Kotoutuminen.fi",
        "skip": "Hyppää sisältöön",
        "home": "Etusivu",
        "menu": "Valikko",
        "search": "Haku",
        "search_button": "Hae",
        "search_placeholder": "Hae sivustolta",
        "lang_name": "Suomeksi",
        "news_label": "Uutinen",
        "blog_label": "Blogi",
        "event_label": "Tapahtuma",
        "back_news": "Takaisin uutisiin",
        "back_blog": "Takaisin blogiin",
        "back_events": "Takaisin tapahtumiin",
        "more_info": "Lisätietoja",
        "attachments": "Liitteet",
        "previous": "Edellinen",
        "next": "Seuraava",
        "page": "Sivu",
        "per_page": "Merkintöjä sivulla",
        "results": "Hakutulokset",
        "no_results": "Haulla ei löytynyt tuloksia.",
        "not_found": "Sivua ei löytynyt",
        "not_found_text": "Hakemaasi sivua ei löytynyt. Se on voitu poistaa tai siirtää.",
        "frozen": "Tätä sivua ei enää päivitetä. Ajantasaiset tiedot löydät sivulta",
        "selko_link": "Selkosuomeksi",
        "selko_back": "Lue sivu yleiskielellä",
        "author": "Kirjoittaja",
        "comments": "Kommentit",
        "moderated": "Kommentit tarkistetaan ennen julkaisua.",
        "add_comment": "Lisää kommentti",
        "flag": "Ilmoita asiattomasta sisällöstä",
        "time": "Aika",
        "place": "Paikka",
        "organiser": "Järjestäjä",
        "registration": "Ilmoittautuminen",
        "register": "Ilmoittaudu tapahtumaan",
        "online": "Osallistu verkossa (Teams)",
        "contents": "Sisällys",
        "glossary_intro": "Sanastossa selitetään kotoutumistyön keskeisiä käsitteitä.",
        "cookie_text": "Käytämme evästeitä sivuston toiminnan ja käytön seurantaan.",
        "cookie_accept": "Hyväksy kaikki",
        "cookie_necessary": "Vain välttämättömät",
        "footer_about": "Kotoutuminen.fi on kotoutumistyön ammattilaisten verkkopalvelu.",
        "latest_news": "Uusimmat uutiset",
        "publication_year": "Julkaisuvuosi",
        "chapter_prev": "Edellinen luku",
        "chapter_next": "Seuraava luku",
    },
    "sv": {
        "site": "Integration.fi",
        "skip": "Hoppa till innehåll",
        "home": "Startsida",
        "menu": "Meny",
        "search": "Sök",
        "search_button": "Sök",
        "search_placeholder": "Sök på webbplatsen",
        "lang_name": "På svenska",
        "news_label": "Nyhet",
        "blog_label": "Blogg",
        "event_label": "Evenemang",
        "back_news": "Tillbaka till nyheterna",
        "back_blog": "Tillbaka till bloggen",
        "back_events": "Tillbaka till evenemangen",
        "more_info": "Mer information",
        "attachments": "Bilagor",
        "previous": "Föregående",
        "next": "Nästa",
        "page": "Sida",
        "per_page": "Poster per sida",
        "results": "Sökresultat",
        "no_results": "Sökningen gav inga resultat.",
        "not_found": "Sidan hittades inte",
        "not_found_text": "Sidan du sökte finns inte. Den kan ha tagits bort eller flyttats.",
        "frozen": "Den här sidan uppdateras inte längre. Aktuell information finns på sidan",
        "selko_link": "Selkosuomeksi",
        "selko_back": "Lue sivu yleiskielellä",
        "author": "Skribent",
        "comments": "Kommentarer",
        "moderated": "Kommentarerna granskas innan de publiceras.",
        "add_comment": "Lägg till kommentar",
        "flag": "Anmäl olämpligt innehåll",
        "time": "Tid",
        "place": "Plats",
        "organiser": "Arrangör",
        "registration": "Anmälan",
        "register": "Anmäl dig",
        "online": "Delta på nätet (Teams)",
        "contents": "Innehåll",
        "glossary_intro": "Ordlistan förklarar centrala begrepp inom integrationsarbetet.",
        "cookie_text": "Vi använder kakor för att webbplatsen ska fungera och för statistik.",
        "cookie_accept": "Godkänn alla",
        "cookie_necessary": "Endast nödvändiga",
        "footer_about": "Integration.fi är en webbtjänst för yrkesverksamma inom integration.",
        "latest_news": "Senaste nyheterna",
        "publication_year": "Utgivningsår",
        "chapter_prev": "Föregående kapitel",
        "chapter_next": "Nästa kapitel",
    },
    "en": {
        "site": "Kotoutuminen.fi",
        "skip": "Skip to Content",
        "home": "Home",
        "menu": "Menu",
        "search": "Search",
        "search_button": "Search",
        "search_placeholder": "Search the site",
        "lang_name": "In English",
        "news_label": "News item",
        "blog_label": "Blog",
        "event_label": "Event",
        "back_news": "Back to news",
        "back_blog": "Back to the blog",
        "back_events": "Back to events",
        "more_info": "More information",
        "attachments": "Attachments",
        "previous": "Previous",
        "next": "Next",
        "page": "Page",
        "per_page": "Items per page",
        "results": "Search results",
        "no_results": "Your search returned no results.",
        "not_found": "Page not found",
        "not_found_text": "The page you were looking for was not found. It may have been "
        "removed or moved.",
        "frozen": "This page is no longer updated. Up-to-date information is on the page",
        "outdated": "This page has not yet been revised for the new Integration Act "
        "(681/2023), in force since 1 January 2025. Some details may be out of date.",
        "selko_link": "Selkosuomeksi",
        "selko_back": "Lue sivu yleiskielellä",
        "author": "Author",
        "comments": "Comments",
        "moderated": "Comments are checked before they are published.",
        "add_comment": "Add a comment",
        "flag": "Report inappropriate content",
        "time": "Time",
        "place": "Venue",
        "organiser": "Organiser",
        "registration": "Registration",
        "register": "Register",
        "online": "Join online (Teams)",
        "contents": "Contents",
        "glossary_intro": "The glossary explains key concepts of integration work.",
        "cookie_text": "We use cookies to run the site and to follow how it is used.",
        "cookie_accept": "Accept all",
        "cookie_necessary": "Necessary only",
        "footer_about": "Kotoutuminen.fi is a web service for integration professionals.",
        "latest_news": "Latest news",
        "publication_year": "Year of publication",
        "chapter_prev": "Previous chapter",
        "chapter_next": "Next chapter",
    },
}

#: English news published from this date on carry the newer "Type:News item" label.
NEW_LABEL_FROM = datetime(2025, 1, 1).date()


def published_stamp(
    lang: str, kind: str, published: datetime, published_en: datetime | None, named: bool = False
) -> str:
    """The visible publication stamp of a news item or blog post, in the site's formats
    (``named``: the month-name forms of the ``month-dates`` variant)."""
    if named:
        return _named_published(lang, kind, published, published_en)
    if lang == "sv":
        return f"Publiceringsdatum {stamp_date(published)} kl. {stamp_time(published)}"
    if lang == "en":
        text = f"Publication date {stamp(published)}"
        if published_en is not None:
            text += (
                f" | Published in English on {stamp_date(published_en)}"
                f" at {stamp_time(published_en)}"
            )
        return text
    word = "Julkaisupäivä" if kind == "blog" else "Julkaisuajankohta"
    return f"{word} {stamp(published)}"


def _named_published(
    lang: str, kind: str, published: datetime, published_en: datetime | None
) -> str:
    # English without a time (as seen on real Liferay sites), the others with one.
    if lang == "sv":
        return f"Publicerad den {stamp_named_date(published, lang)} kl. {stamp_time(published)}"
    if lang == "en":
        text = f"Published {stamp_named_date(published, lang)}"
        if published_en is not None:
            text += f" | Published in English on {stamp_named_date(published_en, lang)}"
        return text
    word = "Julkaistu" if kind == "blog" else "Julkaisuajankohta"
    return f"{word} {stamp_named_date(published, lang)} klo {stamp_time(published)}"


def updated_stamp(lang: str, updated: datetime, named: bool = False) -> str:
    """The visible "page updated" stamp."""
    words = {"fi": "Sivu on päivitetty", "sv": "Sidan har uppdaterats", "en": "Page updated"}
    shown = stamp_named_date(updated, lang) if named else stamp_date(updated)
    return f"{words[lang]} {shown}"
