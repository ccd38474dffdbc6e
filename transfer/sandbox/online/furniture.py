"""The page furniture that never changes between epochs: header navigation, footer, theme
assets, Liferay's inline scripts and the Cloudflare e-mail obfuscation."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from .labels import HTML_LANG, LABELS, LIFERAY_LANG, PREFIX
from .model import Site
from .seeding import alnum_token
from .structure import FOOTER, HANDBOOKS, LISTINGS, SECTIONS

THEME = "/o/kotoutuminen-theme"
THEME_VERSION = "1738310400000"  # the theme's build stamp, as Liferay appends ``t=``
CSS = (
    f"{THEME}/css/main.css?browserId=other&themeId=kotoutuminen_WAR_kotoutuminentheme"
    f"&t={THEME_VERSION}"
)
JS = f"{THEME}/js/main.js?browserId=other&t={THEME_VERSION}"
LOGO = f"{THEME}/images/logo.svg"
FAVICON = f"{THEME}/images/favicon.png"
SEARCH_PATHS = {"fi": "/haku", "sv": "/sv/sok", "en": "/en/search"}
SOCIAL = (
    ("Facebook", "https://www.facebook.example.com/kotoutuminen"),
    ("LinkedIn", "https://www.linkedin.example.com/company/kotoutuminen"),
    ("YouTube", "https://www.youtube.example.com/@kotoutuminen"),
)


@dataclass(frozen=True)
class Furniture:
    """Everything around the content of a page in one language."""

    lang: str
    html_lang: str
    liferay_lang: str
    labels: dict[str, str]
    nav: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]  # (title, href, children)
    footer: tuple[tuple[str, str], ...]
    search: str
    home: str
    auth_token: str
    nav_html: Markup
    footer_html: Markup
    social: tuple[tuple[str, str], ...] = SOCIAL
    css: str = CSS
    js: str = JS
    logo: str = LOGO
    favicon: str = FAVICON


def _href(lang: str, slug: str) -> str:
    return f"{PREFIX[lang]}/{slug}"


def furniture(site: Site, lang: str) -> Furniture:
    """The furniture of one language version; built from fixed pages only, so it is the
    same at every epoch."""
    nav: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
    extra: dict[str, list[tuple[str, str]]] = {"tuki": [], "koto24": [], "tieto": []}
    for handbook in HANDBOOKS:
        if lang in handbook.names:
            title, slug = handbook.names[lang]
            extra["tuki"].append((title, _href(lang, slug)))
    for listing in LISTINGS:
        if lang in listing.names and listing.key == "publications":
            title, slug = listing.names[lang]
            extra["tieto"].append((title, _href(lang, slug)))
    for section in SECTIONS:
        title, slug = section.names[lang]
        nav.append((title, _href(lang, slug), tuple(extra.get(section.key, ()))))
    for listing in LISTINGS:
        if lang in listing.names and listing.key != "publications":
            title, slug = listing.names[lang]
            nav.append((title, _href(lang, slug), ()))
    footer = tuple((f.names[lang][0], _href(lang, f.names[lang][1])) for f in FOOTER)
    return Furniture(
        lang=lang,
        html_lang=HTML_LANG[lang],
        liferay_lang=LIFERAY_LANG[lang],
        labels=LABELS[lang],
        nav=tuple(nav),
        footer=footer,
        search=SEARCH_PATHS[lang],
        home=PREFIX[lang] or "/",
        auth_token=alnum_token(site.seed, "authToken", length=8),
        nav_html=_nav_html(LABELS[lang]["menu"], nav),
        footer_html=_footer_html(lang, footer),
    )


def _nav_html(label: str, nav: list[tuple[str, str, tuple[tuple[str, str], ...]]]) -> Markup:
    """The mega menu, rendered once: it lists sections only, so it never changes."""
    items = []
    for title, href, children in nav:
        sub = "".join(
            f'<li class="lfr-nav-item" role="presentation"><a href="{escape(h)}" '
            f'role="menuitem">{escape(t)}</a></li>'
            for t, h in children
        )
        sub = f'<ul class="child-menu" role="menu">{sub}</ul>' if sub else ""
        items.append(
            f'<li class="lfr-nav-item" role="presentation"><a href="{escape(href)}" '
            f'role="menuitem"><span>{escape(title)}</span></a>{sub}</li>'
        )
    html = (
        f'<nav aria-label="{escape(label)}" class="kt-mega-menu" id="navigation" '
        f'role="navigation">\n<ul aria-label="{escape(label)}" role="menubar">\n'
        + "\n".join(items)
        + "\n</ul>\n</nav>"
    )
    return Markup(html)  # noqa: S704 - every interpolated value is escaped above


def _footer_html(lang: str, footer: tuple[tuple[str, str], ...]) -> Markup:
    labels = LABELS[lang]
    links = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for t, h in footer)
    social = "".join(
        f'<li><a href="{escape(h)}" rel="noopener" target="_blank">{escape(n)}</a></li>'
        for n, h in SOCIAL
    )
    cookie = (
        f'<div aria-live="polite" class="kt-cookie-banner" id="cookieConsent" '
        f'role="dialog"><p>{escape(labels["cookie_text"])}</p><button class="btn '
        f'btn-primary" data-consent="all" type="button">{escape(labels["cookie_accept"])}'
        f'</button> <button class="btn btn-secondary" data-consent="necessary" '
        f'type="button">{escape(labels["cookie_necessary"])}</button></div>'
    )
    html = (
        f'<footer id="footer" role="contentinfo">\n<p class="kt-footer-about">'
        f'{escape(labels["footer_about"])}</p>\n<ul class="kt-footer-links">{links}'
        f'</ul>\n<ul class="kt-social">{social}</ul>\n</footer>\n</div>\n{cookie}'
    )
    return Markup(html)  # noqa: S704 - every interpolated value is escaped above


def cfemail(address: str, key: int) -> str:
    """Cloudflare's ``data-cfemail`` hex: the key byte, then every byte XOR the key."""
    return bytes([key, *(byte ^ key for byte in address.encode("utf-8"))]).hex()


def decode_cfemail(hex_text: str) -> str:
    """The inverse of :func:`cfemail` (what a crawler must do to recover the address)."""
    raw = bytes.fromhex(hex_text)
    return bytes(byte ^ raw[0] for byte in raw[1:]).decode("utf-8")
