"""Dotted paths into a source record: ``fields.title``, ``fields.contacts[0].email``.

A path starts at one of :data:`ROOTS`; list elements are addressed by index, either as
``[0]`` or as a ``.0`` segment; by a field's value, as ``[name=businessId]`` (the first
element whose ``name`` is ``businessId``, the way Liferay lists custom fields); or all at
once, as ``[*]``, which gives the list of what the rest of the path finds in each element
(``fields.taxonomyCategoryBriefs[*].taxonomyCategoryName``: every category's name). Missing
keys, indexes and matches give None, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transfer.mappers.context import Context

#: Where a path may start: record attributes, the row so far, the current ``each`` item.
ROOTS = (
    "source",
    "kind",
    "key",
    "url",
    "language",
    "fetch",
    "fields",
    "links",
    "assets",
    "body_blob",
    "row",
    "item",
    "position",
)

_SEGMENT = re.compile(r"[^.\[\]]+|\[\d+\]|\[\*\]|\[[^\[\]=]+=[^\[\]]*\]")


@dataclass(frozen=True)
class Match:
    """A ``[field=value]`` segment: the first list element whose ``field`` is ``value``."""

    field: str
    value: str


#: The ``[*]`` segment: every element of a list.
EACH = "[*]"

Part = str | int | Match


def split_path(path: str) -> list[Part]:
    """``fields.a[2].b`` → ``["fields", "a", 2, "b"]``; digit segments become indexes,
    ``[k=v]`` a :class:`Match`, ``[*]`` :data:`EACH`."""
    parts: list[Part] = []
    for segment in _SEGMENT.findall(path):
        if segment == EACH:
            parts.append(EACH)
        elif segment.startswith("[") and "=" in segment:
            field, value = segment[1:-1].split("=", 1)
            parts.append(Match(field.strip(), value.strip()))
        elif segment.startswith("["):
            parts.append(int(segment[1:-1]))
        elif segment.isdigit():
            parts.append(int(segment))
        else:
            parts.append(segment)
    return parts


def path_problem(path: str) -> str | None:
    """Why ``path`` cannot be resolved on any record, or None when it is well formed."""
    parts = split_path(path)
    if not parts or "".join(str(part) for part in parts) == "":
        return "an empty path"
    if parts[0] not in ROOTS:
        return f"path {path!r} starts at {parts[0]!r}; it must start at one of {', '.join(ROOTS)}"
    return None


@lru_cache(maxsize=4096)
def _parts(path: str) -> tuple[Part, ...]:
    # Mappings read the same few hundred paths on every record: split each once.
    return tuple(split_path(path))


def resolve(path: str, context: Context) -> Any:
    """The value at ``path`` for the record of ``context``, or None when absent."""
    parts = _parts(path)
    if not parts:
        return None
    head, rest = parts[0], parts[1:]
    record = context.record
    current: Any
    if head == "row":
        current = context.row
    elif head == "item":
        current = context.item
    elif head == "position":
        current = context.position
    elif head == "fetch":
        current = asdict(record.fetch) if record.fetch is not None else None
    elif head == "fields":
        current = record.fields
    elif isinstance(head, str) and head in ROOTS:
        current = getattr(record, head)
    else:
        return None
    return _walk(current, rest)


def _walk(current: Any, parts: Sequence[Part]) -> Any:
    for position, part in enumerate(parts):
        if part == EACH:
            if not _is_list(current):
                return None
            found = (_walk(element, parts[position + 1 :]) for element in current)
            return [value for value in found if value is not None]
        current = _step(current, part)
        if current is None:
            return None
    if isinstance(current, tuple):
        return list(current)
    return current


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)


def _step(current: Any, part: Part) -> Any:
    if isinstance(part, Match):
        if not _is_list(current):
            return None
        for element in current:
            if isinstance(element, Mapping) and str(element.get(part.field)) == part.value:
                return element
        return None
    if isinstance(part, int):
        if isinstance(current, Sequence) and not isinstance(current, str):
            return current[part] if -len(current) <= part < len(current) else None
        if isinstance(current, Mapping):
            return current.get(str(part))
        return None
    if isinstance(current, Mapping):
        return current.get(part)
    return None
