"""Problems of declarative files: each with its file and line, all of a file at once.

A validator collects into :class:`Problems` and calls :meth:`Problems.raise_if_any` at the
end, so one run names every mistake of a file (one per line, ``file:line (key): message``)
instead of the first. :class:`KeyTable` declares a mapping's allowed and required keys and
their types, so validators need not spell those checks out.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transfer.errors import ConfigError, MappingError, TransferError
from transfer.yamlfile.loading import KeyPath, Located, format_key


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, with where it is: ``key`` is the key path (``a.b[2]``)
    when known, ``hint`` a next step shown in brackets after the message."""

    file: Path
    line: int
    message: str
    key: str = ""
    hint: str = ""

    @property
    def where(self) -> str:
        """``file:line (key)``, or ``file:line`` without a key."""
        return f"{self.file}:{self.line}" + (f" ({self.key})" if self.key else "")

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name nearest to ``name`` when one is close enough, else None."""
    found = difflib.get_close_matches(name, list(known), n=1, cutoff=0.7)
    return found[0] if found else None


def suggest(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a known name is close, else ``""``."""
    near = closest(name, known)
    return f" (did you mean {near!r}?)" if near is not None else ""


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` in file and line order, each once (a file that several files extend
    is checked once per file that extends it)."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda problem: (str(problem.file), problem.line))


class ProblemsError(TransferError):
    """Every problem found in one file (or one set of files), one per line."""

    def __init__(self, problems: Sequence[Problem], subject: str, next_step: str) -> None:
        self.problems = tuple(ordered(problems))
        listed = "\n".join(f"  {problem}" for problem in self.problems)
        where = self.problems[0].where if self.problems else ""
        super().__init__(
            f"{len(self.problems)} problem(s) in {subject}:\n{listed}",
            where=where,
            next_step=next_step,
        )


class ConfigProblems(ProblemsError, ConfigError):
    """Problems of a configuration file, profile, policy, runbook or register (exit 3)."""


class MappingProblems(ProblemsError, MappingError):
    """Problems of mapping files or URL plans (exit 5)."""


_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
}


@dataclass(frozen=True)
class KeyTable:
    """The keys one YAML mapping may have: every allowed key, the required ones and, where
    it matters, the Python type each value must have."""

    allowed: frozenset[str]
    required: frozenset[str] = frozenset()
    types: Mapping[str, tuple[type, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        *allowed: str,
        required: Iterable[str] = (),
        types: Mapping[str, type | tuple[type, ...]] | None = None,
    ) -> KeyTable:
        wanted = {
            key: kind if isinstance(kind, tuple) else (kind,) for key, kind in (types or {}).items()
        }
        needed = frozenset(required)
        return cls(frozenset(allowed) | needed | frozenset(wanted), needed, wanted)


def type_name(kinds: tuple[type, ...]) -> str:
    """``text``, ``a list`` … for messages; several kinds are joined with ``or``."""
    return " or ".join(_TYPE_NAMES.get(kind, kind.__name__) for kind in kinds)


class Problems:
    """Collects the problems of one file; ``located`` gives each key path its line."""

    def __init__(self, located: Located) -> None:
        self.located = located
        self.found: list[Problem] = []

    def __len__(self) -> int:
        return len(self.found)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.found)

    def add(self, at: KeyPath, message: str, hint: str = "") -> None:
        """Record a problem at ``at`` (a key path)."""
        file, line = self.located.locate(at)
        self.found.append(Problem(file, line, message, format_key(at), hint))

    def table(
        self, value: Any, at: KeyPath, keys: KeyTable, *, empty: bool = False
    ) -> dict[str, Any]:
        """``value`` as a mapping checked against ``keys``: an unknown key (with the nearest
        known one), a missing required key and a value of the wrong type are each a problem,
        and only the good entries are returned. ``empty``: null stands for ``{}``."""
        if value is None and empty:
            return {}
        if not isinstance(value, dict):
            self.add(at, "expected a mapping")
            return {}
        good: dict[str, Any] = {}
        for key, item in value.items():
            if key not in keys.allowed:
                known = sorted(keys.allowed)
                near = suggest(key, known)
                self.add((*at, key), f"unknown key {key!r}{near}", "" if near else _known(known))
                continue
            kinds = keys.types.get(key)
            if kinds is not None and not _is(item, kinds):
                self.add((*at, key), f"{key}: must be {type_name(kinds)}, got {item!r}")
                continue
            good[key] = item
        for key in sorted(keys.required - value.keys()):
            self.add(at, f"missing required key {key!r}")
        return good

    def raise_if_any(
        self,
        subject: str,
        next_step: str,
        error: type[ProblemsError] = ConfigProblems,
    ) -> None:
        """Raise ``error`` listing every problem found, if any."""
        if self.found:
            raise error(self.found, subject, next_step)


def _known(names: list[str]) -> str:
    return f"known: {', '.join(names)}" if names else "no keys are known here"


def _is(value: Any, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in kinds:
        return False  # YAML's true is no number
    if float in kinds and isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, kinds)
