"""What a processor sees besides its input: the record, the row so far, lookups, services.

The map stage (the lead's ``transfer map``) builds one :class:`MapContext` per run and
provides the services the mapping files need: a :class:`ReferenceResolver` for ``lookup``
(the id map of other migrations), a :class:`LinkMapper` for ``rewrite_links`` (the URL
plan) and a :class:`PlanValues` for ``from_plan`` (translation groups, new paths). The
engine wraps it in a :class:`Context` per record and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from transfer.records import SourceRecord
from transfer.stores.mapped import Note, Ref

#: How many example record keys the report keeps per unmapped value.
EXAMPLES = 5


class ReferenceResolver(Protocol):
    """The target ids of other migrations' rows: the id map, provided by the loader."""

    def resolve(self, migration: str, source_key: str) -> Ref | int | None:
        """The row of ``source_key`` in ``migration``, or None if there is none (yet).

        The map stage answers with a :class:`Ref` (the loader turns it into the row's id).
        """
        ...

    def stub(self, migration: str, source_key: str) -> Ref | int:
        """Create (or find) a stub row for a forward reference and return its target id.

        The stub is filled in when ``migration`` later maps ``source_key``.
        """
        ...


class LinkMapper(Protocol):
    """The URL plan as ``rewrite_links`` needs it."""

    def __call__(self, url: str) -> str | None:
        """The href to write for an absolute ``url`` (no fragment).

        The new path for a known internal target, ``url`` itself for an external one, and
        None for an internal target the plan does not know (which is then reported).
        """
        ...


class PlanValues(Protocol):
    """Values the map stage computes across records (``from_plan``)."""

    def value(self, name: str, context: Context) -> object:
        """The planned value ``name`` (one of ``PLAN_VALUES``) for ``context.record``.

        ``context.row`` holds ``source_key`` and the columns mapped so far; in ``each:``
        mappings ``context.item`` and ``context.position`` name the current element.
        """
        ...


#: A node of a hierarchy (``tree_path``): its parent's id (None at the top) and its name.
Node = tuple[str | None, str]


class TreeIndex(Protocol):
    """The nodes of the hierarchies that ``tree_path`` steps name."""

    def nodes(self, kind: str, parent: str, name: str) -> Mapping[str, Node] | None:
        """Nodes of ``kind`` by record key: the parent id read at ``parent`` and the name
        at ``name``; None when the stage did not index that hierarchy."""
        ...


@dataclass
class UnmappedValue:
    """A value a ``static_map`` did not know, with how often and where it was seen."""

    mapping: str
    column: str
    value: str
    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UnknownLink:
    """A link in a body to an internal target the URL plan does not know."""

    record_key: str
    column: str
    href: str


@dataclass(frozen=True)
class LostValue:
    """The source had a value at ``path`` and the column it feeds has none. ``cause`` is
    empty, or what declared the loss upstream (the personal-data policy)."""

    record_key: str
    mapping: str
    column: str
    path: str
    cause: str = ""


@dataclass
class MapNotes:
    """What mapping found that people must look at; filled in by processors."""

    unmapped: dict[tuple[str, str, str], UnmappedValue] = field(default_factory=dict)
    unknown_links: list[UnknownLink] = field(default_factory=list)
    stubs: list[tuple[str, str]] = field(default_factory=list)
    lost: list[LostValue] = field(default_factory=list)

    def add_unmapped(self, mapping: str, column: str, value: object, record_key: str) -> None:
        """Count one occurrence of an unknown ``value`` and keep a few example keys."""
        text = str(value)
        entry = self.unmapped.setdefault(
            (mapping, column, text), UnmappedValue(mapping, column, text)
        )
        entry.count += 1
        if len(entry.examples) < EXAMPLES and record_key not in entry.examples:
            entry.examples.append(record_key)

    def notes(self) -> list[Note]:
        """What this report holds as the mapped store's notes (one per occurrence)."""
        notes: list[Note] = []
        for u in self.unmapped.values():
            notes += [("unmapped", u.mapping, u.column, u.value)] * u.count
        notes += [("unknown_link", link.column, link.href) for link in self.unknown_links]
        notes += [("stub", migration, key) for migration, key in self.stubs]
        notes += [("lost", v.mapping, v.column, v.path, v.cause) for v in self.lost]
        return notes

    def add_note(self, record_key: str, note: Note) -> None:
        """Add one note of the record ``record_key`` (the inverse of :meth:`notes`)."""
        kind, *parts = note
        if kind == "unmapped":
            mapping, column, value = parts
            self.add_unmapped(mapping, column, value, record_key)
        elif kind == "unknown_link":
            column, href = parts
            self.unknown_links.append(UnknownLink(record_key, column, href))
        elif kind == "stub":
            migration, key = parts
            self.stubs.append((migration, key))
        elif kind == "lost":
            mapping, column, path, cause = parts
            self.lost.append(LostValue(record_key, mapping, column, path, cause))
        else:
            raise ValueError(f"unknown note kind {kind!r}")

    @classmethod
    def from_notes(cls, notes: Iterable[tuple[str, Note]]) -> MapNotes:
        """The report of (record_key, note) pairs, replayed in their order."""
        report = cls()
        for record_key, note in notes:
            report.add_note(record_key, note)
        return report


@dataclass
class MapContext:
    """The services of one mapping run; all optional so tests provide only what they use.

    ``lookups`` are the data files beside the mapping files, by name (see ``lookups.py``).
    """

    lookups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    references: ReferenceResolver | None = None
    links: LinkMapper | None = None
    plan: PlanValues | None = None
    trees: TreeIndex | None = None
    report: MapNotes = field(default_factory=MapNotes)


@dataclass
class Context:
    """What one processor call sees: the record, the row built so far and the services.

    ``item`` and ``position`` are set when the mapping iterates a list (``each:``).
    """

    record: SourceRecord
    row: dict[str, Any]
    services: MapContext
    mapping: str = ""
    column: str = ""
    item: Any = None
    position: int | None = None

    @property
    def lookups(self) -> Mapping[str, Mapping[str, Any]]:
        return self.services.lookups

    @property
    def report(self) -> MapNotes:
        return self.services.report
