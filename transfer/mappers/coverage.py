"""Coverage: every source field that carries values is read by a mapping or dropped there.

The source-field inventory (:mod:`transfer.mappers.inventory`) held against the mapping
files gives:

- **undeclared** fields: carrying values, neither read by any mapping of the kind nor
  declared in a ``drop:`` (a new source field can no longer vanish silently);
- **unmatched** paths: a path a mapping reads that no staged record of its kinds has (a
  misspelt or absent field, such as a ``dateCreated`` the entity does not have), unless the
  mapping declares it ``optional:``;
- **drops** with their value counts, for the report's "What did not come across".
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from transfer.mappers.inventory import Inventory, KindKey
from transfer.mappers.mapping import Mapping as MappingSpec
from transfer.mappers.paths import EACH, Match, split_path
from transfer.records import WARNINGS_FIELD

# -- what the mappings read and declare ------------------------------------------------


@dataclass(frozen=True)
class Read:
    """A source path a mapping reads: on records of ``kind`` (None: the mapping's own)."""

    kind: str | None
    path: str
    where: str


def source_paths(path: str, each: str | None = None) -> list[str]:
    """The folded source paths that reading ``path`` touches: ``fields.a[0].b`` →
    ``fields.a.b``; ``item.x`` under ``each: fields.list`` → ``fields.list.x``; the field
    a ``[name=x]`` match compares is read too. Paths outside the source fields (``row.``,
    ``key``, ...) give nothing."""
    parts = split_path(path)
    if not parts:
        return []
    head = parts[0]
    if head == "item":
        if each is None:
            return []
        return [p + rest for p in source_paths(each) for rest in [_fold(parts[1:])]]
    if head != "fields":
        return []
    folded = ["fields"]
    found: list[str] = []
    for part in parts[1:]:
        if isinstance(part, Match):
            found.append(".".join([*folded, part.field]))
        elif isinstance(part, str) and part != EACH:
            folded.append(part)
    return [".".join(folded), *found]


def _fold(parts: list[Any]) -> str:
    return "".join(f".{p}" for p in parts if isinstance(p, str) and p != EACH)


def reads_of(mapping: MappingSpec) -> list[Read]:
    """Every source path ``mapping`` reads, with the step that reads it."""
    found: list[Read] = []
    chains = ([mapping.key] if mapping.key is not None else []) + list(mapping.columns)
    for chain in chains:
        for step in chain.steps:
            for kind, path in type(step.processor).reads(step.processor.config):
                each = mapping.each if kind is None else None
                found += [Read(kind, p, step.where) for p in source_paths(path, each)]
    return found


def probes_of(mapping: MappingSpec) -> list[Read]:
    """The paths whose absence from every record is a problem: every read and ``each``."""
    found = reads_of(mapping)
    if mapping.each is not None:
        found += [Read(None, p, mapping.where) for p in source_paths(mapping.each)]
    return found


def covered(path: str, reads: Iterable[str]) -> bool:
    """Whether reading any of ``reads`` carries ``path`` (itself or a field above it)."""
    return any(path == read or path.startswith(read + ".") for read in reads)


def dropped_by(path: str, patterns: Iterable[str]) -> str | None:
    """The first pattern that drops ``path``: equal, a field above it, or a glob
    (``fields.actions.*``; ``*`` spans dots)."""
    for pattern in patterns:
        if path == pattern or path.startswith(pattern + "."):
            return pattern
        if fnmatch.fnmatchcase(path, pattern):
            return pattern
    return None


@dataclass(frozen=True)
class Undeclared:
    """A source field with values that no mapping reads and none drops."""

    source: str
    kind: str
    path: str
    values: int
    where: str
    examples: tuple[str, ...] = ()

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.source}/{self.kind}: {self.path} carries values in "
            f"{self.values} record(s) and is neither read nor dropped; read it in a column "
            f"or add it under drop: with the reason"
        )


@dataclass(frozen=True)
class Unmatched:
    """A path a mapping reads that no staged record of its kind has."""

    source: str
    kind: str
    path: str
    where: str
    records: int
    optional: str | None = None

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.path} is in none of the {self.records} staged "
            f"{self.source}/{self.kind} record(s): the column it feeds stays empty; fix the "
            f"path, or declare it under optional: with the reason"
        )


@dataclass(frozen=True)
class Dropped:
    """A declared drop and the values it leaves behind."""

    source: str
    kind: str
    pattern: str
    reason: str
    where: str
    fields: int
    values: int


def _kind_mappings(mappings: list[MappingSpec], kind: KindKey) -> list[MappingSpec]:
    return [m for m in mappings if m.applies_to(*kind)]


#: Fields the map stage itself reads from the records of a mapping by its target table:
#: its plan groups translations (``translations``, the ``easy_language`` link) and plans the
#: new paths of files (``file_name``); see ``plan.collect``.
STAGE_READS = {
    "content_translations": ("fields.translations", "fields.easy_language"),
    "assets": ("fields.file_name",),
}


#: Fields of every kind that verification reads itself: the extractors' warnings about a
#: record (charset, control characters, deep nesting), reported by its completeness check.
VERIFY_READS = (f"fields.{WARNINGS_FIELD}",)


def reads_on(mappings: list[MappingSpec], kind: KindKey) -> set[str]:
    """Every source path the mappings read on records of ``kind`` (their own, and the
    nodes other mappings' ``tree_path`` steps read), and what the stage reads for them."""
    source, name = kind
    found: set[str] = set(VERIFY_READS)
    for mapping in mappings:
        if mapping.source != source:
            continue
        if name in mapping.kinds and mapping.target in STAGE_READS:
            found.update(STAGE_READS[mapping.target])
        for read in reads_of(mapping):
            if (read.kind is None and name in mapping.kinds) or read.kind == name:
                found.add(read.path)
    return found


def drops_on(mappings: list[MappingSpec], kind: KindKey) -> dict[str, tuple[str, str]]:
    """The ``drop:`` declarations of the files mapping ``kind``: pattern → (reason, where)."""
    drops: dict[str, tuple[str, str]] = {}
    for mapping in _kind_mappings(mappings, kind):
        for declared in mapping.drops:
            drops.setdefault(declared.path, (declared.reason, declared.where))
    return drops


def undeclared(inventory: Inventory, mappings: list[MappingSpec]) -> list[Undeclared]:
    """Every source field with values that is neither read nor dropped."""
    found: list[Undeclared] = []
    for kind in inventory.kinds():
        reads = reads_on(mappings, kind)
        drops = drops_on(mappings, kind)
        own = _kind_mappings(mappings, kind)
        where = own[0].declared_at if own else f"(no mapping file names kind {kind[1]!r})"
        for path, stat in sorted(inventory.fields.get(kind, {}).items()):
            if stat.values and not covered(path, reads) and dropped_by(path, drops) is None:
                found.append(Undeclared(*kind, path, stat.values, where, tuple(stat.examples)))
    return found


def unmatched(inventory: Inventory, mappings: list[MappingSpec]) -> list[Unmatched]:
    """Every read path that no staged record of its kind has (kinds with records only)."""
    found: list[Unmatched] = []
    seen: set[tuple[str, str, str]] = set()
    for mapping in mappings:
        optional = {declared.path: declared.reason for declared in mapping.optional}
        for read in probes_of(mapping):
            for kind in (read.kind,) if read.kind is not None else mapping.kinds:
                key = (mapping.source, kind)
                count = inventory.records.get(key, 0)
                if not count or inventory.has(key, read.path) or (*key, read.path) in seen:
                    continue
                seen.add((*key, read.path))
                reason = next(
                    (why for path, why in optional.items() if covered(read.path, [path])), None
                )
                found.append(Unmatched(*key, read.path, read.where, count, reason))
    return found


def drops(inventory: Inventory, mappings: list[MappingSpec]) -> list[Dropped]:
    """Each declared drop with the fields and values it leaves out (value-carrying only)."""
    found: list[Dropped] = []
    for kind in inventory.kinds():
        reads = reads_on(mappings, kind)
        declared = drops_on(mappings, kind)
        totals: dict[str, list[int]] = {pattern: [0, 0] for pattern in declared}
        for path, stat in inventory.fields.get(kind, {}).items():
            if not stat.values or covered(path, reads):
                continue
            pattern = dropped_by(path, declared)
            if pattern is not None:
                totals[pattern][0] += 1
                totals[pattern][1] += stat.values
        for pattern, (reason, where) in declared.items():
            fields_, values = totals[pattern]
            found.append(Dropped(*kind, pattern, reason, where, fields_, values))
    return found


def summary(inventory: Inventory, mappings: list[MappingSpec]) -> dict[str, Any]:
    """The coverage part the map stage keeps with its pass (JSON-ready)."""
    return {
        "undeclared": [asdict(item) for item in undeclared(inventory, mappings)],
        "unmatched": [asdict(item) for item in unmatched(inventory, mappings)],
        "dropped": [asdict(item) for item in drops(inventory, mappings)],
        "allow_empty": {
            mapping.id: {d.path: d.reason for d in mapping.allow_empty}
            for mapping in mappings
            if mapping.allow_empty
        },
    }
