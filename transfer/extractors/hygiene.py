"""What extraction does to text that later stages cannot carry, and says so.

Repairs, each reported as a record warning (``fields._warnings``) so that nothing
changes quietly:

- :func:`strip_controls`: C0 control characters (but tab, line feed and carriage return),
  NUL and the non-characters U+FFFE and U+FFFF are removed. XML and lxml refuse them, so one
  of them in a body used to fail the record at the map stage.
- :func:`clean_values`: the same for every string of an API's JSON values, and lone
  surrogates (half of a UTF-16 pair: a character that the source system cut in two, or an
  escape like ``\\ud83d`` alone) are replaced by U+FFFD. UTF-8 cannot encode them, so one
  of them in a value used to stop the export when the record was hashed and stored. (An
  HTML page's character references to surrogates become U+FFFD in the parser already.)
- :func:`flatten_deep` : elements nested deeper than :data:`MAX_DEPTH` levels are
  flattened into their ancestor at that depth (their tags dropped, their text and children
  kept). libxml2 stops parsing at 256 levels and drops the rest of the document, so a page
  of 100,000 nested ``<div>`` used to lose everything below the limit.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

#: Warning codes a record may carry in ``fields._warnings`` (documented in docs/stages.md).
CHARSET = "charset"
CONTROL_CHARS = "control-chars"
LONE_SURROGATES = "lone-surrogates"
DEEP_NESTING = "deep-nesting"
UNPARSABLE = "unparsable"

#: Nesting kept as it is; deeper elements are flattened. Below libxml2's limit of 256,
#: with room for the html, body and the elements html.parser does not close implicitly.
MAX_DEPTH = 200

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: A surrogate code point in a Python string is always a lone one (a pair is one character).
_SURROGATES = re.compile("[\ud800-\udfff]")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# How far down the open elements an end tag may close (implicitly closed elements between).
_END_TAG_REACH = 64


def warning(code: str, detail: str) -> dict[str, str]:
    """One entry of ``fields._warnings``."""
    return {"code": code, "detail": detail}


def strip_controls(text: str) -> tuple[str, str | None]:
    """``text`` without control characters, and a description of what was removed."""
    found = Counter(_CONTROLS.findall(text))
    if not found:
        return text, None
    counts = ", ".join(f"U+{ord(char):04X} x{n}" for char, n in sorted(found.items()))
    return _CONTROLS.sub("", text), f"removed {sum(found.values())} control character(s): {counts}"


class _Flattener(HTMLParser):
    def __init__(self, max_depth: int) -> None:
        super().__init__(convert_charrefs=False)
        self.max_depth = max_depth
        self.out: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, its tags were kept)
        self.flattened = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag in _VOID:
            self.out.append(raw)
            return
        kept = len(self.open) < self.max_depth
        self.open.append((tag, kept))
        if kept:
            self.out.append(raw)
        else:
            self.flattened += 1

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self.out.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        reach = max(0, len(self.open) - _END_TAG_REACH)
        for index in range(len(self.open) - 1, reach - 1, -1):
            if self.open[index][0] == tag:
                closing = self.open[index:]
                del self.open[index:]
                for name, kept in reversed(closing):
                    if kept:
                        self.out.append(f"</{name}>")
                return
        # A stray end tag: the parser would ignore it as well.

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def flatten_deep(html: str, max_depth: int = MAX_DEPTH) -> tuple[str, int]:
    """``html`` with elements below ``max_depth`` flattened, and how many were."""
    flattener = _Flattener(max_depth)
    flattener.feed(html)
    flattener.close()
    return "".join(flattener.out), flattener.flattened


#: What a character :data:`_CONTROLS` removes looks like in ``json.dumps`` text (with
#: ``ensure_ascii=False``): a ``\\u00XX`` escape, ``\\b`` or ``\\f``, or itself (U+FFFE,
#: U+FFFF). An escaped backslash before a ``b`` matches too, which only costs the walk.
_CONTROLS_IN_JSON = re.compile(r"\\u00[01][0-9a-fA-F]|\\[bf]|[\ufffe\uffff]")


def clean_values(value: Any) -> tuple[Any, list[dict[str, str]]]:
    """``value`` (an API's JSON-like values) with control characters removed from every
    string and key and lone surrogates replaced by U+FFFD, in one walk, and a warning per
    repair made (``control-chars``, ``lone-surrogates``). Values whose JSON text shows
    neither (most of them) are returned as they are, after one ``json.dumps``."""
    try:
        text: str | None = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # not JSON: walk it
        text = None
    controls = text is None or _CONTROLS_IN_JSON.search(text) is not None
    halves = text is None or _SURROGATES.search(text) is not None
    if not (controls or halves):
        return value, []
    removed = replaced = 0

    def fix(string: str) -> str:
        nonlocal removed, replaced
        if controls:
            cleaned = _CONTROLS.sub("", string)
            removed += len(string) - len(cleaned)
            string = cleaned
        if halves:
            string, count = _SURROGATES.subn("\ufffd", string)
            replaced += count
        return string

    value = _walk(value, fix)
    warnings = []
    if removed:
        detail = f"removed {removed} control character(s) from the values"
        warnings.append(warning(CONTROL_CHARS, detail))
    if replaced:
        detail = f"replaced {replaced} lone surrogate(s) (half of a character) with U+FFFD"
        warnings.append(warning(LONE_SURROGATES, detail))
    return value, warnings


def _walk(value: Any, fix: Callable[[str], str]) -> Any:
    """``value`` with ``fix`` applied to every string and key. A key that the repair makes
    equal to an earlier one keeps its value apart, under its JSON-escaped form
    (``ti\\u0000tle``): one of the two values would otherwise be lost."""
    if isinstance(value, str):
        return fix(value)
    if isinstance(value, dict):
        result: dict[Any, Any] = {}
        for key, item in value.items():
            clean_key = _walk(key, fix)
            if clean_key in result:
                clean_key = json.dumps(key)[1:-1] if isinstance(key, str) else str(key)
                while clean_key in result:
                    clean_key += "\ufffd"
            result[clean_key] = _walk(item, fix)
        return result
    if isinstance(value, list):
        return [_walk(item, fix) for item in value]
    return value
