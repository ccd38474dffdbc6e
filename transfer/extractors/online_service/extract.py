"""From HTML to record fields, driven by the source profile's selectors.

lxml parses (a page costs about a millisecond) and cssselect turns the profile's CSS
selectors into compiled XPath once. Nothing here knows the site: kinds, languages and
fields all come from the profile.
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import cssselect
import lxml.html
from cssselect.parser import Class, CombinedSelector, Tree
from cssselect.xpath import is_non_whitespace
from lxml.cssselect import CSSSelector
from lxml.etree import ParserError, XPath, _Element

from transfer.cfemail import (
    PROTECTION_PATH,
    decode_cfemail,
    decode_protected_emails,
    href_address,
    is_protection_link,
)
from transfer.dates import iso, parse_iso, parse_local, parse_local_range
from transfer.extractors.hygiene import (
    CONTROL_CHARS,
    DEEP_NESTING,
    MAX_DEPTH,
    UNPARSABLE,
    flatten_deep,
    strip_controls,
    warning,
)
from transfer.extractors.online_service.profile import FieldSpec, Profile, Rule

_SPACE = re.compile(r"\s+")
_PROTECTED_XPATH = f".//*[@data-cfemail] | .//a[contains(@href, '{PROTECTION_PATH}')]"
_LINK_XPATH = (
    "//a[@href] | //area[@href] | //link[@rel='alternate'][@href] | //img[@src]"
    " | //iframe[@src] | //source[@src]"
)


#: Links :func:`absolute_url` remembers; past this, it starts afresh.
JOIN_CACHE_SIZE = 50_000
# (origin, href) -> urljoin(base, href) for any base of that origin, or None when the join
# depends on more of the base than its origin (a relative path: its folder)
_joined: dict[tuple[str, str], str | None] = {}


def origin_of(base: str) -> str | None:
    """``https://host`` of an http(s) address, else None."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def _origin_is_enough(href: str) -> bool:
    # urljoin reads only the base's scheme and host for an absolute address, a
    # protocol-relative one (//host/x) or a root-relative path (/x); a relative path reads
    # the base's folder, an empty one its path and query
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    if parts.scheme:
        return parts.scheme in ("http", "https") and bool(parts.netloc)
    return bool(parts.netloc) or parts.path.startswith("/")


def absolute_url(base: str, origin: str | None, href: str) -> str:
    """``urljoin(base, href)``; ``origin`` is :func:`origin_of` ``base``. Every page repeats
    its navigation's links: those are joined once per origin, not once a page."""
    if origin is None:
        return urljoin(base, href)
    key = (origin, href)
    try:
        joined = _joined[key]
    except KeyError:
        joined = urljoin(base, href) if _origin_is_enough(href) else None
        if len(_joined) >= JOIN_CACHE_SIZE:
            _joined.clear()
        _joined[key] = joined
    return joined if joined is not None else urljoin(base, href)


@lru_cache(maxsize=512)
def _selector(css: str) -> CSSSelector:
    return CSSSelector(css)


# XML's whitespace, the only whitespace XPath's normalize-space() (and so a compiled class
# selector) separates class names at
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_CLASS_VALUES = XPath("//@class", smart_strings=False)


def classes_of(doc: _Element) -> frozenset[str]:
    """Every class name some element of the document carries."""
    values = _CLASS_VALUES(doc)
    if not isinstance(values, list):
        return frozenset()
    return frozenset(_XML_SPACE.split(" ".join(str(value) for value in values)))


def _needed(tree: Tree) -> set[str]:
    # class names that elements of the document must carry for ``tree`` to match anything;
    # parts that do not oblige (negations, :is, :has arguments) add none
    if isinstance(tree, Class):
        own = {tree.class_name} if is_non_whitespace(tree.class_name) else set()
        return own | _needed(tree.selector)
    if isinstance(tree, CombinedSelector):
        return _needed(tree.selector) | _needed(tree.subselector)
    inner = getattr(tree, "selector", None)
    return _needed(inner) if inner is not None else set()


@lru_cache(maxsize=512)
def _needed_classes(css: str) -> tuple[frozenset[str], ...]:
    """Per alternative of the selector group, the class names a match needs; empty when
    some alternative needs none (then no page can be ruled out by its classes)."""
    needs = tuple(
        frozenset(_needed(alternative.parsed_tree)) for alternative in cssselect.parse(css)
    )
    return () if any(not need for need in needs) else needs


def select(node: _Element, css: str, classes: frozenset[str] | None = None) -> list[_Element]:
    """The elements ``css`` selects under ``node``. With ``classes`` (:func:`classes_of` the
    document ``node`` is part of), a selector naming a class no element carries is not run:
    a third of the profile's selectors, each a walk of the whole page, on a typical page."""
    if classes is not None:
        needs = _needed_classes(css)
        if needs and not any(need <= classes for need in needs):
            return []
    found = _selector(css)(node)
    return [item for item in found if isinstance(item, _Element)] if isinstance(found, list) else []


@lru_cache(maxsize=64)
def _xpath(expression: str) -> XPath:
    return XPath(expression)


def _nodes(node: _Element, xpath: str) -> list[_Element]:
    found = _xpath(xpath)(node)  # compiled once, not on every call
    return [item for item in found if isinstance(item, _Element)] if isinstance(found, list) else []


def text_of(node: _Element) -> str:
    return _SPACE.sub(" ", node.text_content()).strip()  # type: ignore[attr-defined]


def inner_html(node: _Element) -> str:
    parts = [node.text or ""]
    parts += [lxml.html.tostring(child, encoding="unicode") for child in node]
    return "".join(parts).strip()


@dataclass(frozen=True)
class Page:
    """A parsed page and the URLs it mentions."""

    doc: _Element
    base: str  # the canonical URL the page's relative links resolve against
    hrefs: tuple[str, ...]  # every link in document order, absolute
    content_hrefs: tuple[str, ...]  # links inside the content scope, absolute
    # What parsing had to change or could not read (hygiene.warning entries).
    warnings: tuple[dict[str, str], ...] = field(default=())
    #: every class name in the document (see :func:`select`); None: not known
    classes: frozenset[str] | None = None


_parsers = threading.local()


def _parse(html: str) -> tuple[_Element | None, bool]:
    """The document (None when lxml cannot parse it at all), and whether libxml2 stopped at
    its nesting limit (everything after that point is missing from the document)."""
    parser: lxml.html.HTMLParser | None = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = lxml.html.HTMLParser()
    try:
        doc = lxml.html.document_fromstring(html or "<html></html>", parser=parser)
    except (ParserError, ValueError):
        return None, False
    too_deep = any("Excessive depth" in entry.message for entry in parser.error_log)
    return doc, too_deep


def parse_page(html: str, base: str, content_scope: str) -> Page:
    """Parse ``html``; links are made absolute against ``base`` (or a ``<base href>``).

    Control characters are removed and nesting past libxml2's limit is flattened first;
    each repair is reported in :attr:`Page.warnings`, never made quietly.
    """
    warnings = []
    html, removed = strip_controls(html)
    if removed:
        warnings.append(warning(CONTROL_CHARS, removed))
    doc, too_deep = _parse(html)
    if too_deep:
        html, flattened = flatten_deep(html)
        doc, too_deep = _parse(html)
        warnings.append(
            warning(
                DEEP_NESTING,
                f"{flattened} element(s) nested deeper than {MAX_DEPTH} levels were flattened "
                "into their ancestor (their text kept)",
            )
        )
    if doc is None:
        if html.strip():
            warnings.append(warning(UNPARSABLE, "the HTML parser could not read the body"))
        doc = lxml.html.document_fromstring("<html></html>")
    for declared in _nodes(doc, "//base[@href]"):
        base = urljoin(base, declared.get("href") or "")
    origin = origin_of(base)

    def absolute(nodes: list[_Element]) -> tuple[str, ...]:
        found = []
        for node in nodes:
            value = node.get("href") if node.get("href") is not None else node.get("src")
            # a protected e-mail address is a mailto: link in disguise, never a page
            if value and not is_protection_link(value):
                found.append(absolute_url(base, origin, value.strip()))
        return tuple(found)

    everything = absolute(_nodes(doc, _LINK_XPATH))
    scoped: list[_Element] = []
    for scope in select(doc, content_scope):
        scoped += _nodes(scope, _LINK_XPATH.replace("//", ".//"))
    return Page(doc, base, everything, absolute(scoped), tuple(warnings), classes_of(doc))


def matches(rule: Rule, key: str, page: Page | None, content_type: str) -> bool:
    parts = urlsplit(key)
    if rule.path is not None and not rule.path.search(parts.path):
        return False
    if rule.query is not None and not rule.query.search(parts.query):
        return False
    if rule.content_type is not None and not rule.content_type.search(content_type):
        return False
    return not (
        rule.select is not None
        and (page is None or not select(page.doc, rule.select, page.classes))
    )


def first_match(rules: tuple[Rule, ...], key: str, page: Page | None, content_type: str) -> str:
    for rule in rules:
        if matches(rule, key, page, content_type):
            return rule.value
    return rules[-1].value


def scoped(spec: FieldSpec, node: _Element, decode_emails: bool) -> _Element:
    """The element as the field sees it: a copy without the parts the field's ``exclude``
    selectors name and, with ``decode_emails``, with protected e-mail addresses decoded to
    ``mailto:`` links. The page's own tree is never changed: other fields read it too."""
    protected = decode_emails and bool(_nodes(node, _PROTECTED_XPATH))
    if not spec.exclude and not protected:
        return node
    node = copy.deepcopy(node)
    for css in spec.exclude:
        for part in select(node, css):
            if part is not node and part.getparent() is not None:
                part.drop_tree()  # type: ignore[attr-defined]
    if protected:
        decode_protected_emails(node)
    return node


def _value(spec: FieldSpec, node: _Element, base: str, classes: frozenset[str] | None) -> Any:
    # Nested fields read the element's parts themselves (a contact's data-cfemail).
    if spec.mode != "attr":
        original = node
        node = scoped(spec, node, decode_emails=not spec.fields)
        if node is not original:  # a changed copy: the page's class names may not hold
            classes = None
    if spec.fields:
        return {child.name: extract_field(child, node, base, classes) for child in spec.fields}
    if spec.mode == "html":
        raw: str | None = inner_html(node)
    elif spec.mode == "attr":
        raw = node.get(spec.attr or "")
        if raw is not None and spec.attr in ("href", "src"):
            hidden = href_address(raw)
            raw = f"mailto:{hidden}" if hidden else urljoin(base, raw.strip())
    else:
        raw = text_of(node)
    if raw is None:
        return None
    if spec.regex is not None:
        found = spec.regex.search(raw)
        if found is None:
            return None
        raw = (
            found.group("value")
            if "value" in spec.regex.groupindex
            else found.group(1 if spec.regex.groups else 0)
        )
    if spec.decode == "cfemail":
        raw = decode_cfemail(raw)
    if raw is not None and spec.date is not None:
        raw = iso(
            parse_local(raw)
            if spec.date == "local"
            else parse_local_range(raw)[1]
            if spec.date == "local_end"
            else parse_iso(raw)
        )
    if raw is not None and spec.value_map:
        raw = spec.value_map.get(raw, raw)
    return raw


def extract_field(
    spec: FieldSpec, root: _Element, base: str, classes: frozenset[str] | None = None
) -> Any:
    """One field's value: a value, a list (``many``), a bool (``exists``), or None.
    ``classes``: those of the document ``root`` is in (:func:`classes_of`), if known."""
    nodes = select(root, spec.select, classes)
    if spec.mode == "exists":
        return bool(nodes)
    values = [
        value
        for value in (_value(spec, node, base, classes) for node in nodes)
        if value not in (None, "")
    ]
    if spec.many:
        return values
    return values[0] if values else None


def extract_fields(profile: Profile, kind: str, page: Page) -> dict[str, Any]:
    return {
        spec.name: extract_field(spec, page.doc, page.base, page.classes)
        for spec in profile.fields_for(kind)
    }
