"""The source-field inventory: the set of source fields (dotted paths under ``fields.``,
list items folded: ``fields.contacts.email``) of each staged kind, with how many records
carry a value there, how many have the field at all, and a few examples (taken from the
records as the personal-data policy leaves them). The map stage builds it on every pass
and keeps it in the mapped store; :mod:`transfer.mappers.coverage` holds it against the
mapping files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from transfer.records import SourceRecord

#: Examples kept per field, their length, and how many records are looked at for them.
EXAMPLES = 3
EXAMPLE_CHARS = 60
EXAMPLE_TRIES = 30

KindKey = tuple[str, str]  # (source, kind)


@dataclass
class FieldStat:
    """One source field of one kind: records carrying a value, records having it at all."""

    values: int = 0
    present: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class Inventory:
    """The source fields of every staged kind (see the module docstring)."""

    records: Counter[KindKey] = field(default_factory=Counter)
    fields: dict[KindKey, dict[str, FieldStat]] = field(default_factory=dict)
    #: Fields the map stage adds before mapping (``fields._masked``): read, never staged.
    derived: dict[KindKey, set[str]] = field(default_factory=dict)

    def add(self, record: SourceRecord, shown: Callable[[], SourceRecord] | None = None) -> None:
        """Count ``record``'s fields; examples come from ``shown()`` (the record as the
        personal-data policy leaves it), so that no personal value reaches a report. It is
        called only while a field of the record still wants examples."""
        kind = (record.source, record.kind)
        self.records[kind] += 1
        valued: set[str] = set()
        present: set[str] = set()
        _walk(record.fields, "fields", valued, present)
        stats = self.fields.setdefault(kind, {})
        for path in present:
            stat = stats.get(path)
            if stat is None:
                stat = stats[path] = FieldStat()
            stat.present += 1
            if path in valued:
                stat.values += 1
        wanting = {
            path
            for path in valued
            if len(stats[path].examples) < EXAMPLES and stats[path].values <= EXAMPLE_TRIES
        }
        if wanting and shown is not None:
            for path, example in _examples(shown().fields, "fields", wanting):
                examples = stats[path].examples
                if example not in examples and len(examples) < EXAMPLES:
                    examples.append(example)

    def derive(self, kind: KindKey, path: str) -> None:
        """Note a field the map stage adds to records of ``kind`` before mapping (read by
        the mappings, never staged)."""
        self.derived.setdefault(kind, set()).add(path)

    def kinds(self) -> list[KindKey]:
        return sorted(self.records)

    def has(self, kind: KindKey, path: str) -> bool:
        """Whether any record of ``kind`` has ``path`` (or something below it) at all."""
        below = path + "."
        known = [*self.fields.get(kind, {}), *self.derived.get(kind, ())]
        return any(p == path or p.startswith(below) for p in known)

    def as_dict(self) -> dict[str, Any]:
        return {
            f"{source}/{kind}": {
                "records": self.records[(source, kind)],
                "fields": {
                    path: asdict(stat)
                    for path, stat in sorted(self.fields.get((source, kind), {}).items())
                },
            }
            for source, kind in self.kinds()
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Inventory:
        inventory = cls()
        for name, entry in data.items():
            source, kind = name.split("/", 1)
            inventory.records[(source, kind)] = int(entry["records"])
            inventory.fields[(source, kind)] = {
                path: FieldStat(int(s["values"]), int(s["present"]), list(s["examples"]))
                for path, s in entry["fields"].items()
            }
        return inventory


def _is_value(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _walk(value: Any, path: str, valued: set[str], present: set[str]) -> None:
    present.add(path)
    # dict first: staged fields are decoded JSON, and the Mapping ABC's check costs more.
    if type(value) is dict or isinstance(value, Mapping):
        for key, inner in value.items():
            _child(inner, f"{path}.{key}", valued, present)
    elif isinstance(value, list | tuple):
        for inner in value:
            _child(inner, path, valued, present)
    elif _is_value(value):
        valued.add(path)


def _child(value: Any, path: str, valued: set[str], present: set[str]) -> None:
    # Most values are JSON scalars: counted here, without the walk's checks for containers.
    kind = type(value)
    if kind is str:
        present.add(path)
        if value.strip():
            valued.add(path)
    elif value is None:
        present.add(path)
    elif kind is int or kind is float or kind is bool:
        present.add(path)
        valued.add(path)
    else:
        _walk(value, path, valued, present)


def _examples(value: Any, path: str, wanting: set[str]) -> Iterable[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _examples(inner, f"{path}.{key}", wanting)
    elif isinstance(value, list | tuple):
        for inner in value[:EXAMPLES]:
            yield from _examples(inner, path, wanting)
    elif path in wanting and _is_value(value):
        text = " ".join(str(value).split())
        yield path, text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"
