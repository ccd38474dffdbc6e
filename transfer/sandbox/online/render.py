"""HTML of pages, listings, search results and the 404 page, from contexts and templates.

Text is generated here, lazily, from the inputs the context names; so :func:`render_page`
depends on nothing but its context and the fixed furniture.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import text
from .context import HOST_URL, Ctx
from .furniture import Furniture
from .labels import LABELS
from .structure import DELTA_CHOICES, HANDBOOKS

_TEMPLATES = {
    "topic": "article.j2",
    "handbook": "article.j2",
    "faq": "article.j2",
    "glossary": "article.j2",
    "news": "news.j2",
    "blog": "blog.j2",
    "event": "event.j2",
    "landing": "landing.j2",
    "front": "landing.j2",
    "listing": "listing.j2",
}
_WRAPPERS = {
    "topic": "kt-article",
    "handbook": "kt-handbook-chapter",
    "faq": "kt-faq",
    "glossary": "kt-glossary-page",
    "landing": "kt-landing",
    "front": "kt-front",
}
LANG_NAMES = {code: LABELS[code]["lang_name"] for code in ("fi", "sv", "en")}
PUBLISHER = "com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_"
BLOGS = "com_liferay_blogs_web_portlet_BlogsPortlet"


def environment() -> Environment:
    """The Jinja environment of the package's templates (autoescaping, strict names)."""
    return Environment(
        loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
        autoescape=True,
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


def paging_href(path: str, instance: str, cur: int, delta: int) -> str:
    """An Asset Publisher paging URL in Liferay's own parameter shape."""
    ns = f"_{PUBLISHER}{instance}"
    return (
        f"{HOST_URL}{path}?p_p_id={PUBLISHER}{instance}&p_p_lifecycle=0&p_p_state=normal"
        f"&p_p_mode=view&{ns}_cur={cur}&{ns}_delta={delta}"
    )


def _page_numbers(cur: int, pages: int) -> list[int]:
    if pages <= 7:
        return list(range(1, pages + 1))
    middle = range(max(2, cur - 2), min(pages - 1, cur + 2) + 1)
    return [1, *middle, pages]


def _extras(seed: int, ctx: Ctx) -> Ctx:
    kind, pid, revision = ctx["kind"], ctx["pid"], ctx["revision"]
    lang, word = ctx["page_lang"], ctx["topic_word"]
    lead = text.lead(seed, pid, revision, lang, word)
    body_class = ""
    if kind == "handbook":
        body_class = f" kasikirja kasikirja-{ctx['handbook']}"
    elif lang == "fi-x-selko":
        body_class = " selkosivu"
    breadcrumb = ctx["breadcrumb"]
    extras: Ctx = {
        "lead": lead,
        "description": lead,
        "body_class": body_class,
        "lang_names": LANG_NAMES,
        "wrapper": _WRAPPERS.get(kind, "kt-article"),
        "body": None,
    }
    if kind in ("topic", "handbook", "news", "blog", "event", "faq"):
        image = None if kind == "blog" else ctx["image"]
        extras["body"] = text.article(
            seed, pid, revision, lang, word, ctx["links"], image, ctx["hostile"]
        )
        if ctx["body_emails"]:
            extras["body"] += protected_emails(ctx["lang"], pid, ctx["body_emails"])
    if kind == "faq":
        extras["faq"] = text.faq(seed, pid, revision, lang, ctx["topic"])
    elif kind == "glossary":
        extras["glossary"] = text.glossary(seed, revision, lang)
        extras["lead"] = None
    elif kind == "handbook":
        names = next(h.names for h in HANDBOOKS if h.key == ctx["handbook"])
        extras["handbook_title"] = names[ctx["lang"]][0]
    elif kind == "news":
        extras["back"] = breadcrumb[0][1] if breadcrumb else "/"
    elif kind == "blog":
        path = quote(ctx["path"])
        extras["caption"] = text.lead(seed, pid, revision + 1000, "fi", word)
        extras["comments"] = text.comments(seed, pid, ctx["commenters"])
        extras["flag_href"] = (
            f"{path}?p_p_id={BLOGS}&p_p_lifecycle=0&p_p_state=normal&_{BLOGS}_showFlags=true"
        )
        extras["comment_action"] = (
            f"{HOST_URL}{path}?p_p_id={BLOGS}&p_p_lifecycle=1"
            f"&p_p_state=normal&_{BLOGS}_javax.portlet.action="
            "%2Fblogs%2Fedit_entry_comment"
        )
    elif kind == "event":
        start, end = ctx["event"]["range"].split("–")
        extras["start"], extras["end"] = start, end
    elif kind == "landing":
        extras["children"] = [
            (title, href, text.lead(seed, cpid, crev, clang, cword))
            for title, href, cpid, crev, clang, cword in ctx["children"]
        ]
    return extras


#: The CDN's three shapes of a protected address (see transfer/cfemail.py).
_PROTECTED = (
    '<a href="/cdn-cgi/l/email-protection#{hex}"><span class="__cf_email__" '
    'data-cfemail="{hex}">[email&#160;protected]</span></a>',
    '<a class="__cf_email__" href="/cdn-cgi/l/email-protection" '
    'data-cfemail="{hex}">[email&#160;protected]</a>',
    '<span class="__cf_email__" data-cfemail="{hex}">[email&#160;protected]</span>',
)


def protected_emails(lang: str, pid: int, emails: list[tuple[str, str]]) -> Markup:
    """A closing paragraph naming addresses in the CDN's protected forms."""
    word = LABELS[lang]["more_info"]
    shown = [
        _PROTECTED[(pid + number) % len(_PROTECTED)].format(hex=hex_text)
        for number, (_address, hex_text) in enumerate(emails)
    ]
    return Markup(f"\n<p>{escape(word)}: {', '.join(shown)}.</p>")  # noqa: S704 - hex only


def listing_extras(seed: int, ctx: Ctx, view: Ctx) -> Ctx:
    """What a listing page adds: rows with summaries, paging and delta links."""
    path, instance = ctx["path"], view["instance"]
    delta, cur, pages = view["delta"], view["cur"], view["pages"]
    rows = []
    for row in view["rows"]:
        if len(row) == 8:
            title, href, date, pid, revision, lang, word, author = row
            rows.append(
                (
                    title,
                    href,
                    date,
                    pid,
                    revision,
                    lang,
                    word,
                    author,
                    text.lead(seed, pid, revision, lang, word),
                )
            )
        else:
            rows.append(row)
    page_href: Callable[[int], str] = lambda n: paging_href(path, instance, n, delta)  # noqa: E731
    delta_href: Callable[[int], str] = lambda n: paging_href(path, instance, 1, n)  # noqa: E731
    return {
        "view": view,
        "rows": rows,
        "numbers": _page_numbers(cur, pages),
        "page_href": page_href,
        "delta_href": delta_href,
        "deltas": DELTA_CHOICES,
    }


def render_page(
    env: Environment, furniture: Furniture, seed: int, ctx: Ctx, view: Ctx | None = None
) -> bytes:
    """A page's HTML; ``view`` replaces a listing's first page by another one."""
    extras = _extras(seed, ctx)
    if ctx["kind"] == "listing":
        extras.update(listing_extras(seed, ctx, view or ctx["view"]))
    template = env.get_template(_TEMPLATES[ctx["kind"]])
    return template.render(c=ctx, f=furniture, x=extras).encode("utf-8")


def render_search(
    env: Environment,
    furniture: Furniture,
    title: str,
    query: str,
    results: list[tuple[str, str, str]],
    total: int,
    next_href: str | None,
) -> bytes:
    """The Fess-like result page."""
    ctx: Ctx = {
        "title": title,
        "canonical": None,
        "alternates": [],
        "switcher": [],
        "path": furniture.search,
        "plid": 0,
    }
    extras = {
        "query": query,
        "results": results,
        "total": total,
        "next_href": next_href,
        "description": None,
        "body_class": " kt-search-page",
        "lang_names": LANG_NAMES,
    }
    return env.get_template("search.j2").render(c=ctx, f=furniture, x=extras).encode("utf-8")


def render_not_found(env: Environment, furniture: Furniture, path: str) -> bytes:
    """Liferay's 404 page, with the furniture of the language the path is in."""
    ctx: Ctx = {
        "title": furniture.labels["not_found"],
        "canonical": None,
        "alternates": [],
        "switcher": [],
        "path": path,
        "plid": 0,
    }
    extras = {"description": None, "body_class": " status-404", "lang_names": LANG_NAMES}
    return env.get_template("notfound.j2").render(c=ctx, f=furniture, x=extras).encode("utf-8")
