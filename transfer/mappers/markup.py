"""Processors for HTML bodies: html_clean (allowlist sanitiser), html_to_text, rewrite_links."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import nh3
from lxml import html as lxml_html

from transfer.mappers.context import Context, UnknownLink
from transfer.mappers.registry import Key, Processor, ProcessorError, processor

#: Tags kept by default: text structure, links, headings, lists, tables, images, figures.
TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
)
#: Attributes kept by default, per tag ("*" on every tag). No event handlers, no style.
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"lang", "title", "id"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = ("http", "https", "mailto", "tel")


@processor("html_clean")
class HtmlClean(Processor):
    """Sanitise HTML against an allowlist (nh3): scripts and styles go with their content,
    event-handler attributes (``onerror=`` …) and ``javascript:`` URLs go, text stays.

    The default allowlist keeps paragraphs, inline emphasis, links, headings, lists, tables,
    images and figures, with ``href``, ``src``, ``alt`` and the like.

    Keys:
      tags (list): replace the allowed tags.
      extra_tags (list): allow these tags as well.
      attributes (mapping): replace the allowed attributes (tag → list; "*" for all tags).
      url_schemes (list): allowed URL schemes; default http, https, mailto, tel.

    Example:
      ```yaml
      - get: fields.body
      - html_clean: {}
      ```
      ``<p onclick="x()">Hi <a href="javascript:go()">me</a><script>bad()</script></p>``
      → ``<p>Hi <a>me</a></p>``
    """

    keys = (
        Key("tags", (list,), help="replace the allowed tags"),
        Key("extra_tags", (list,), default=[], help="allow these tags as well"),
        Key("attributes", (dict,), help="replace the allowed attributes"),
        Key("url_schemes", (list,), default=list(URL_SCHEMES), help="allowed URL schemes"),
    )

    def __call__(self, value: Any, context: Context) -> Any:
        tags = set(self.config["tags"] or TAGS) | set(self.config["extra_tags"])
        attributes = ATTRIBUTES
        if self.config.get("attributes") is not None:
            attributes = {tag: set(names) for tag, names in self.config["attributes"].items()}
        cleaned = nh3.clean(
            str(value),
            tags=tags,
            clean_content_tags={"script", "style"} - tags,
            attributes={tag: names for tag, names in attributes.items() if tag in tags | {"*"}},
            url_schemes=set(self.config["url_schemes"]),
            link_rel=None,
        )
        return cleaned.strip()


_BLOCKS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "tr",
        "table",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "nav",
    ]
)


@processor("html_to_text")
class HtmlToText(Processor):
    """Plain text of an HTML fragment (lxml): one line per block, whitespace collapsed,
    scripts and styles left out.

    Keys:
      separator (string): between blocks; default a newline.

    Example:
      ```yaml
      - get: fields.body
      - html_to_text: {}
      ```
      ``<h2>Title</h2><p>One <b>two</b></p>`` → ``"Title\\nOne two"``
    """

    keys = (Key("separator", (str,), default="\n", help="between blocks"),)

    def __call__(self, value: Any, context: Context) -> Any:
        text = str(value)
        if not text.strip():
            return ""
        root = lxml_html.fragment_fromstring(text, create_parent="div")
        for element in list(root.iter("script", "style")):
            element.drop_tree()
        for element in root.iter():
            if element.tag == "br" or element.tag in _BLOCKS:
                element.tail = "\n" + (element.tail or "")
                if element.tag in _BLOCKS:
                    element.text = "\n" + (element.text or "")
        lines = (re.sub(r"\s+", " ", line).strip() for line in root.text_content().split("\n"))
        return self.config["separator"].join(line for line in lines if line)


_UNTOUCHED = ("#", "mailto:", "tel:", "data:", "javascript:")


@processor("rewrite_links")
class RewriteLinks(Processor):
    """Rewrite ``href`` and ``src`` in HTML through the URL plan (the context's link
    mapper, provided by the map stage). Relative links are resolved against the record's
    URL first; fragments are kept. A link to an internal target the plan does not know is
    recorded in the report and kept, or unwrapped to its text with ``unknown: unlink``.

    Keys:
      attributes (list): attributes to rewrite; default href, src.
      unknown (string: keep, unlink): what a link to an unknown internal target becomes;
        default keep.

    Example:
      ```yaml
      - get: fields.body
      - html_clean: {}
      - rewrite_links: {}
      ```
      ``<a href="/-/uusi-laki#a">`` → ``<a href="/fi/uutiset/uusi-laki#a">`` (per the plan)
    """

    keys = (
        Key("attributes", (list,), default=["href", "src"], help="attributes to rewrite"),
        Key("unknown", (str,), choices=("keep", "unlink"), default="keep"),
    )

    def __call__(self, value: Any, context: Context) -> Any:
        mapper = context.services.links
        if mapper is None:
            raise ProcessorError(
                "rewrite_links needs the URL plan, and none was given",
                next_step="run it through transfer map, which provides the plan",
            )
        text = str(value)
        if not text.strip():
            return text
        base = context.record.url or context.record.key
        root = lxml_html.fragment_fromstring(text, create_parent="div")
        for element in list(root.iter()):
            for attribute in self.config["attributes"]:
                href = element.get(attribute)
                if href is None or href.strip().lower().startswith(_UNTOUCHED):
                    continue
                absolute, fragment = urldefrag(urljoin(base, href.strip()))
                if urlsplit(absolute).scheme not in ("http", "https"):
                    continue
                target = mapper(absolute)
                if target is not None:
                    element.set(attribute, f"{target}#{fragment}" if fragment else target)
                    continue
                context.report.unknown_links.append(
                    UnknownLink(context.record.key, context.column, absolute)
                )
                if self.config["unknown"] == "unlink" and element.tag == "a":
                    element.drop_tag()
        return _inner_html(root)


def _inner_html(root: Any) -> str:
    parts = [root.text or ""]
    parts += [lxml_html.tostring(child, encoding="unicode") for child in root]
    return "".join(parts)
