"""The OData subset Liferay's ``filter`` parameter accepts, parsed and evaluated in memory.

Supported: ``eq ne gt ge lt le``, ``and or not``, parentheses, ``contains(f,'x')``,
``startswith(f,'x')`` and the lambda ``keywords/any(k:k eq 'x')``. Literals are quoted
strings (``''`` escapes a quote), numbers, ``true``/``false``/``null``, and unquoted dates or
date-times (``2025-03-03``, ``2025-03-03T07:00:00Z``, with optional fraction or offset).
Only fields the entity model declares can be filtered; any other name is a 400, as in Liferay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_TOKEN = re.compile(
    r"""
    \s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<datetime>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<punct>[(),:/])
    | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
_COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
_FUNCTIONS = {"contains", "startswith"}


class FilterError(ValueError):
    """The filter cannot be parsed or names a field the entity does not support."""


@dataclass(frozen=True)
class Compare:
    """``field op value``; with ``each`` set, ``field/any(x:x op value)`` over a list."""

    field: str
    op: str  # eq ne gt ge lt le, or contains / startswith
    value: object
    each: bool = False


@dataclass(frozen=True)
class Logical:
    op: str  # and, or, not (not uses only ``left``)
    left: Node
    right: Node | None = None


Node = Compare | Logical
Getter = Callable[[str], object]


def parse(text: str, fields: Collection[str]) -> Node:
    """Parse ``text``; every field it names must be in ``fields``."""
    tokens = _tokenize(text)
    parser = _Parser(tokens, fields)
    node = parser.expression()
    if parser.position != len(tokens):
        raise FilterError(f"Unexpected token {tokens[parser.position][1]!r} in filter")
    return node


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise FilterError(f"Unable to parse filter at {text[position : position + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], fields: Collection[str]) -> None:
        self.tokens = tokens
        self.position = 0
        self.fields = fields

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else ("", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if not token[0] or (value is not None and token[1].lower() != value):
            raise FilterError(f"Expected {value or 'more'} in filter, found {token[1]!r}")
        self.position += 1
        return token

    def expression(self) -> Node:
        node = self.conjunction()
        while self.peek()[1].lower() == "or":
            self.take()
            node = Logical("or", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.unary()
        while self.peek()[1].lower() == "and":
            self.take()
            node = Logical("and", node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek()[1].lower() == "not":
            self.take()
            return Logical("not", self.unary())
        if self.peek()[1] == "(":
            self.take("(")
            node = self.expression()
            self.take(")")
            return node
        kind, word = self.take()
        if kind != "word":
            raise FilterError(f"Expected a property name in filter, found {word!r}")
        if word.lower() in _FUNCTIONS:
            self.take("(")
            name = self.field(self.take()[1])
            self.take(",")
            value = self.literal()
            self.take(")")
            return Compare(name, word.lower(), value)
        if self.peek()[1] == "/":
            return self.lambda_(self.field(word))
        name = self.field(word)
        op = self.take()[1].lower()
        if op not in _COMPARISONS:
            raise FilterError(f"Unknown operator {op!r} in filter")
        return Compare(name, op, self.literal())

    def lambda_(self, name: str) -> Node:
        self.take("/")
        self.take("any")
        self.take("(")
        variable = self.take()[1]
        self.take(":")
        if self.take()[1] != variable:
            raise FilterError("The lambda must compare its own variable")
        op = self.take()[1].lower()
        value = self.literal()
        self.take(")")
        return Compare(name, op, value, each=True)

    def field(self, name: str) -> str:
        if name not in self.fields:
            raise FilterError(f"A property used in the filter criteria is not supported: {name}")
        return name

    def literal(self) -> object:
        kind, raw = self.take()
        if kind == "string":
            return raw[1:-1].replace("''", "'")
        if kind == "datetime":
            return parse_datetime(raw)
        if kind == "number":
            return float(raw) if "." in raw else int(raw)
        if kind == "word" and raw.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[raw.lower()]
        raise FilterError(f"Expected a value in filter, found {raw!r}")


def parse_datetime(raw: str) -> datetime:
    """An OData date or date-time literal as an aware UTC datetime."""
    value = raw.replace("Z", "+00:00")
    if "T" not in value:
        value += "T00:00:00+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _coerce(actual: object, wanted: object) -> object:
    """The literal in the actual value's type (ids may be strings, dates may be quoted)."""
    if isinstance(actual, datetime) and isinstance(wanted, str):
        try:
            return parse_datetime(wanted)
        except ValueError:
            return wanted
    if isinstance(actual, str) and isinstance(wanted, int | float) and not isinstance(wanted, bool):
        return str(wanted)
    if (
        isinstance(actual, int)
        and not isinstance(actual, bool)
        and isinstance(wanted, str)
        and wanted.isdigit()
    ):
        return int(wanted)
    return wanted


def _compare(actual: object, op: str, wanted: object) -> bool:
    wanted = _coerce(actual, wanted)
    if op == "eq":
        return bool(actual == wanted)
    if op == "ne":
        return bool(actual != wanted)
    if actual is None or wanted is None or type(actual) is not type(wanted):
        return False
    a: Any = actual
    if op == "gt":
        return bool(a > wanted)
    if op == "ge":
        return bool(a >= wanted)
    if op == "lt":
        return bool(a < wanted)
    return bool(a <= wanted)


def evaluate(node: Node, get: Getter) -> bool:
    """Whether the entity whose fields ``get`` returns matches ``node``."""
    if isinstance(node, Logical):
        if node.op == "not":
            return not evaluate(node.left, get)
        assert node.right is not None
        if node.op == "and":
            return evaluate(node.left, get) and evaluate(node.right, get)
        return evaluate(node.left, get) or evaluate(node.right, get)
    actual = get(node.field)
    if node.each:
        items = actual if isinstance(actual, list) else []
        return any(_compare(item, node.op, node.value) for item in items)
    if node.op in _FUNCTIONS:
        haystack = str(actual or "").lower()
        needle = str(node.value or "").lower()
        return needle in haystack if node.op == "contains" else haystack.startswith(needle)
    return _compare(actual, node.op, node.value)
