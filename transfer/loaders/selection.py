"""Which records one load takes: ``--idlist``, ``--limit`` and ``--update``.

A selection narrows a load without changing what a record needs: the same rule
(:func:`transfer.loaders.decide.decide`) decides, the id map, journal and rollback work as
for a full load. Two things a narrowed load leaves alone: with ``--idlist`` the records not
listed (removals too: only a listed record that left the source is retired); with
``--limit`` every removal (a partial pass cannot tell what left the source).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, select

from transfer.errors import ConfigError, LoadError
from transfer.loaders import idmap
from transfer.schema.bookkeeping import id_map
from transfer.stores.mapped import Key, MappedReader


@dataclass(frozen=True)
class Selection:
    """Plain values of a narrowed load. ``idlist``: source keys as given on the command line
    (``source_system:record_key``, or a bare record key for any source system); ``limit``:
    at most this many records written (records that need nothing do not count); ``update``:
    rewrite records even when their rows are unchanged (a hand-edited target row is put
    back)."""

    idlist: tuple[str, ...] = ()
    limit: int | None = None
    update: bool = False

    @classmethod
    def parse(cls, idlist: str | None, limit: int | None, update: bool) -> Selection:
        keys = tuple(part.strip() for part in (idlist or "").split(",") if part.strip())
        if idlist is not None and not keys:
            raise ConfigError("--idlist names no record", next_step="give KEYS, comma-separated")
        return cls(keys, limit, update)

    @property
    def narrowed(self) -> bool:
        """Whether this load leaves records of the store untouched on purpose."""
        return bool(self.idlist) or self.limit is not None

    def as_dict(self) -> dict[str, object]:
        """For the run's summary and events: only the options given."""
        shown: dict[str, object] = {}
        if self.idlist:
            shown["idlist"] = list(self.idlist)
        if self.limit is not None:
            shown["limit"] = self.limit
        if self.update:
            shown["update"] = True
        return shown


def resolve(connection: Connection, source: MappedReader, idlist: Sequence[str]) -> list[Key]:
    """The records ``idlist`` names, in key order: those the mapped store or the id map
    holds. Raises LoadError listing every name that matches no record."""
    systems = {system for system, _ in source.counts()}
    systems.update(connection.execute(select(id_map.c.source_system).distinct()).scalars())
    found: set[Key] = set()
    unknown = []
    for name in idlist:
        candidates = _candidates(name, systems)
        present = set(source.get_many(candidates)) | set(idmap.lookup(connection, candidates))
        if not present:
            unknown.append(name)
        found |= present
    if unknown:
        raise LoadError(
            f"--idlist: no record {', '.join(unknown)} in the mapped store or the id map",
            next_step="give keys as source_system:record_key (as `transfer messages` and "
            "the verification report show them); nothing was written",
        )
    return sorted(found)


def _candidates(name: str, systems: Iterable[str]) -> list[Key]:
    system, sep, rest = name.partition(":")
    if sep and system in systems:
        return [(system, rest)]
    # Record keys hold colons themselves (URLs): a bare key may belong to any system.
    return [(known, name) for known in sorted(systems)]
