"""The map stage's first look at the staging stores, before anything is mapped: the
source-field inventory (for the coverage check), the nodes of the hierarchies that
``tree_path`` steps name, and the records that ``exclude:`` rules leave out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from transfer.mappers.context import Context, MapContext, Node
from transfer.mappers.inventory import Inventory
from transfer.mappers.mapping import Exclude
from transfer.mappers.mapping import Mapping as MappingSpec
from transfer.mappers.paths import resolve
from transfer.mappers.trees import TreePath
from transfer.records import SourceRecord

TreeKey = tuple[str, str, str]  # (kind, parent path, name path)


@dataclass
class Survey:
    """What the stage knows of the staged records before the pass."""

    inventory: Inventory = field(default_factory=Inventory)
    trees: dict[TreeKey, dict[str, Node]] = field(default_factory=dict)
    #: (source, record key) → the reason of the exclude rule that leaves it out.
    excluded: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (source, kind) → rule reason → records left out.
    excluded_counts: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)

    def nodes(self, kind: str, parent: str, name: str) -> Mapping[str, Node] | None:
        """The :class:`~transfer.mappers.context.TreeIndex` that ``tree_path`` reads."""
        return self.trees.get((kind, parent, name))

    def tree_index(self) -> Survey:
        """The hierarchies alone (what mapping a record reads; the inventory stays here)."""
        return Survey(trees=self.trees)


def tree_keys(mappings: Iterable[MappingSpec]) -> dict[tuple[str, str], set[TreeKey]]:
    """The hierarchies the mappings' ``tree_path`` steps name, per (source, kind)."""
    found: dict[tuple[str, str], set[TreeKey]] = {}
    for mapping in mappings:
        for chain in mapping.columns:
            for step in chain.steps:
                if isinstance(step.processor, TreePath):
                    config = step.processor.config
                    kind = str(config["kind"])
                    found.setdefault((mapping.source, kind), set()).add(
                        (kind, str(config["parent"]), str(config["name"]))
                    )
    return found


def _value(record: SourceRecord, path: str) -> str | None:
    found = resolve(path, Context(record, {}, MapContext()))
    if found is None or found == "":
        return None
    return str(found)


def survey(
    records: Iterable[tuple[SourceRecord, Callable[[], SourceRecord]]],
    mappings: list[MappingSpec],
) -> Survey:
    """One pass over ``(staged, shown)`` records: ``shown`` gives the record as the
    personal-data policy leaves it (examples come from it, never from ``staged``), called
    only while examples are still wanted."""
    out = Survey()
    trees = tree_keys(mappings)
    for key_set in trees.values():
        for key in key_set:
            out.trees.setdefault(key, {})
    rules: dict[tuple[str, str], list[Exclude]] = {}
    for mapping in mappings:
        for kind in mapping.kinds:
            rules.setdefault((mapping.source, kind), []).extend(mapping.excludes)
    for staged, shown in records:
        out.inventory.add(staged, shown)
        kind_key = (staged.source, staged.kind)
        for tree in trees.get(kind_key, ()):
            _, parent, name = tree
            out.trees[tree][staged.key] = (_value(staged, parent), _value(staged, name) or "")
        for rule in rules.get(kind_key, ()):
            if _value(staged, rule.path) in rule.values:
                out.excluded[(staged.source, staged.key)] = rule.reason
                counts = out.excluded_counts.setdefault(kind_key, {})
                counts[rule.reason] = counts.get(rule.reason, 0) + 1
                break
    return out
