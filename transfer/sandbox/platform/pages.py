"""The platform's public pages in fi (root), sv (``/sv/``) and en (``/en/``), with Liferay-like
furniture: skip link, navigation, language selector with hreflang alternates, sign-in link.

Public pages: about the service (each language's root), terms of use and privacy notice. The
words are generated from the replica's own vocabulary. ``robots.txt`` and ``sitemap.xml``
list the pages, as a Liferay site does.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from html import escape

from transfer.sandbox.platform import text, vocab
from transfer.sandbox.platform.rng import stream
from transfer.sandbox.settings import PLATFORM_HOST
from transfer.sandbox.wire import Response

ORIGIN = f"https://{PLATFORM_HOST}"
UPDATED = datetime(2021, 11, 30, 9, 0, tzinfo=UTC)
_PREFIX = {"fi": "", "sv": "/sv", "en": "/en"}
_HEADINGS = {
    "about": {
        "fi": ("Mikä on kumppanuusalusta?", "Työtilat", "Keskustelut ja tiedostot"),
        "sv": ("Vad är partnerskapsplattformen?", "Arbetsrymder", "Diskussioner och filer"),
        "en": ("What is the partnership platform?", "Workspaces", "Discussions and files"),
    },
    "terms": {
        "fi": ("Palvelun käyttö", "Käyttäjän vastuu", "Aineistojen oikeudet"),
        "sv": ("Användning av tjänsten", "Användarens ansvar", "Rättigheter till material"),
        "en": ("Using the service", "Your responsibility", "Rights to material"),
    },
    "privacy": {
        "fi": ("Rekisterinpitäjä", "Käsiteltävät tiedot", "Tietojen säilytys"),
        "sv": ("Personuppgiftsansvarig", "Uppgifter som behandlas", "Lagring"),
        "en": ("Controller", "Data processed", "Retention"),
    },
}


def page_path(lang: str, slug: str) -> str:
    return f"{_PREFIX[lang]}/{slug}" if slug else f"{_PREFIX[lang]}/"


def find(path: str) -> tuple[str, str] | None:
    """(page key, language) of a public page path, or None."""
    path = path.rstrip("/") or "/"
    for key, slugs, _ in vocab.PUBLIC_PAGES:
        for lang in vocab.LANGUAGES:
            if (page_path(lang, slugs[lang]).rstrip("/") or "/") == path:
                return key, lang
    return None


def layout(
    lang: str, title: str, body: str, alternates: dict[str, str], auth_token: str | None = None
) -> str:
    """A whole HTML document in the portal's theme around ``body``."""
    links = "".join(
        f'<link href="{ORIGIN}{escape(path)}" hreflang="{vocab.W3C[alt]}" rel="alternate" />'
        for alt, path in alternates.items()
    )
    if "fi" in alternates:
        links += f'<link href="{ORIGIN}{alternates["fi"]}" hreflang="x-default" rel="alternate" />'
    nav = "".join(
        f'<li><a href="{page_path(lang, slugs[lang])}">{escape(titles[lang])}</a></li>'
        for _, slugs, titles in vocab.PUBLIC_PAGES
    )
    switch = "".join(
        f'<a class="language-entry" href="{escape(path)}" hreflang="{vocab.W3C[alt]}" '
        f'lang="{vocab.W3C[alt]}">{alt.upper()}</a>'
        for alt, path in alternates.items()
    )
    script = f"Liferay.authToken = '{auth_token}';" if auth_token else ""
    canonical = alternates.get(lang, "/")
    return (
        f'<!DOCTYPE html><html class="ltr" dir="ltr" lang="{vocab.W3C[lang]}"><head>'
        f"<title>{escape(title)} - {escape(vocab.SITE_NAME[lang])}</title>"
        '<meta content="text/html; charset=UTF-8" http-equiv="content-type" />'
        f'<link href="{ORIGIN}{escape(canonical)}" rel="canonical" />{links}'
        f"<script>var Liferay = window.Liferay || {{}};{script}</script></head>"
        '<body class="controls-visible signed-out public-page site">'
        f'<nav class="quick-access-nav"><a href="#main-content">{vocab.SKIP_LINK[lang]}</a></nav>'
        f'<header id="banner"><a class="logo" href="{page_path(lang, "")}">'
        f"{escape(vocab.SITE_NAME[lang])}</a>"
        f'<nav id="navigation" role="navigation"><ul>{nav}</ul></nav>'
        f'<div class="language-selector">{switch}</div>'
        f'<a class="sign-in" href="/c/portal/login">{vocab.SIGN_IN[lang]}</a></header>'
        f'<section id="content"><div class="portlet-layout" id="main-content">{body}</div>'
        f'</section><footer id="footer"><p>{escape(vocab.SITE_NAME[lang])}</p></footer>'
        "</body></html>"
    )


def public_page(key: str, lang: str, auth_token: str | None = None) -> Response:
    """One public page; the words depend only on (key, language)."""
    _, slugs, titles = next(p for p in vocab.PUBLIC_PAGES if p[0] == key)
    rng = stream("platform-page", key, lang)
    sections = "".join(
        f"<h2>{escape(heading)}</h2><p>{escape(text.paragraph(rng, lang, 3))}</p>"
        for heading in _HEADINGS[key][lang]
    )
    stamp = {"fi": "Sivu on päivitetty", "sv": "Sidan uppdaterades", "en": "Page updated"}[lang]
    body = (
        f'<article class="journal-content-article"><h1>{escape(titles[lang])}</h1>'
        f'{sections}<p class="updated">{stamp} 30.11.2021</p></article>'
    )
    alternates = {alt: page_path(alt, slugs[alt]) for alt in vocab.LANGUAGES}
    html = layout(lang, titles[lang], body, alternates, auth_token).encode("utf-8")
    return Response(
        status=200,
        body=html,
        etag=hashlib.sha256(html).hexdigest()[:32],
        last_modified=UPDATED,
        headers=[("Content-Language", vocab.W3C[lang])],
    )


def not_found_page() -> Response:
    """The portal's own 404 page (HTML, also for downloads that are gone)."""
    body = (
        '<article class="portlet-msg-error"><h1>Sivua ei löytynyt</h1>'
        "<p>Pyydettyä resurssia ei löytynyt.</p></article>"
    )
    html = layout("fi", "Sivua ei löytynyt", body, {"fi": "/"}).encode("utf-8")
    return Response(status=404, body=html, cacheable=False)


def robots() -> Response:
    body = (
        f"User-agent: *\nDisallow: /c/\nDisallow: /o/\nDisallow: /group/\n"
        f"Sitemap: {ORIGIN}/sitemap.xml\n"
    ).encode()
    return Response(
        body=body,
        content_type="text/plain; charset=utf-8",
        etag=hashlib.sha256(body).hexdigest()[:32],
        last_modified=UPDATED,
    )


def sitemap() -> Response:
    entries = []
    for _, slugs, _ in vocab.PUBLIC_PAGES:
        for lang in vocab.LANGUAGES:
            alternates = "".join(
                f'<xhtml:link href="{ORIGIN}{page_path(alt, slugs[alt])}" '
                f'hreflang="{vocab.W3C[alt]}" rel="alternate"/>'
                for alt in vocab.LANGUAGES
            )
            entries.append(
                f"<url><loc>{ORIGIN}{page_path(lang, slugs[lang])}</loc>"
                f"{alternates}<lastmod>2021-11-30</lastmod></url>"
            )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">' + "".join(entries) + "</urlset>"
    ).encode()
    return Response(
        body=body,
        content_type="application/xml; charset=utf-8",
        etag=hashlib.sha256(body).hexdigest()[:32],
        last_modified=UPDATED,
    )
