"""Mappings as the engine runs them (values only; :mod:`transfer.mappers.validate` reads
and checks the files).

A mapping file (``mappings/<source>/<kind>.yml``) names the source system, the kinds it
covers and one or more target blocks; each block becomes one :class:`Mapping` whose id is
``<source folder>/<file stem>.<name>`` (the name defaults to the target table). A file
with ``skip:`` instead of targets is a rule that skips its kinds, with that reason. A file
may ``extends:`` another one of its folder (see ``mappings/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from transfer.mappers.registry import Processor


@dataclass(frozen=True)
class Step:
    """One processor of a chain, configured."""

    name: str
    processor: Processor
    where: str


@dataclass(frozen=True)
class Chain:
    """The processors that produce one target column (or the row's source key)."""

    column: str
    steps: tuple[Step, ...]
    where: str


@dataclass(frozen=True)
class Declared:
    """A declaration of a mapping file with its reason: a source field it drops (a path or a
    glob such as ``fields.actions.*``), a path it reads that records may all lack
    (``optional:``), or a column that may stay empty although its source had a value
    (``allow_empty:``)."""

    path: str
    reason: str
    where: str


@dataclass(frozen=True)
class Exclude:
    """A rule of a mapping file that leaves records out: those whose value at ``path`` is
    one of ``values``. References to them (lookups) skip the referring record too."""

    path: str
    values: tuple[str, ...]
    reason: str
    where: str


@dataclass(frozen=True)
class Mapping:
    """One target block of a mapping file, ready to run (or a skip rule).

    ``drops``, ``optional``, ``allow_empty`` and ``excludes`` are the file's declarations;
    ``declared_at`` is where an undeclared field is to be declared (``file:line``).
    """

    id: str
    file: Path
    source: str
    kinds: tuple[str, ...]
    target: str | None
    key: Chain | None
    columns: tuple[Chain, ...]
    each: str | None = None
    skip: str | None = None
    where: str = ""
    drops: tuple[Declared, ...] = ()
    optional: tuple[Declared, ...] = ()
    allow_empty: tuple[Declared, ...] = ()
    excludes: tuple[Exclude, ...] = ()
    declared_at: str = ""

    def applies_to(self, source: str, kind: str) -> bool:
        """Whether this mapping handles records of ``source`` and ``kind``."""
        return source == self.source and kind in self.kinds


def mappings_for(mappings: list[Mapping], source: str, kind: str) -> list[Mapping]:
    """The mappings (or skip rule) that apply to records of ``source`` and ``kind``."""
    return [mapping for mapping in mappings if mapping.applies_to(source, kind)]
