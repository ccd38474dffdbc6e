"""The processor registry: named, self-describing steps of a column's chain.

A processor is a class registered with :func:`processor`. It declares its configuration
keys (:class:`Key`), documents them and an example in its docstring, and is called as
``processor(value, context) -> value``. The validator checks a mapping file's steps against
the declared keys before anything runs; ``mappings/README.md`` is rendered from the same
declarations and docstrings, so code and documentation cannot drift apart.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from transfer.errors import MappingError

if TYPE_CHECKING:
    from transfer.mappers.context import Context

_TYPE_NAMES: dict[type, str] = {
    str: "string",
    int: "integer",
    bool: "boolean",
    float: "number",
    list: "list",
    dict: "mapping",
    object: "any",
}


@dataclass(frozen=True)
class Key:
    """One configuration key of a processor."""

    name: str
    types: tuple[type, ...] = (str,)
    required: bool = False
    choices: tuple[object, ...] = ()
    default: object = None
    help: str = ""

    def type_name(self) -> str:
        """``string``, ``integer or list`` ... as the README and error messages show it."""
        return " or ".join(_TYPE_NAMES.get(kind, kind.__name__) for kind in self.types)

    def accepts(self, value: object) -> bool:
        """Whether ``value`` has one of the declared types (and choices, if any).

        YAML's ``null`` stands for the choice ``"null"`` where a key offers it.
        """
        if value is None and "null" in self.choices:
            return True
        if object not in self.types:
            # bool is an int in Python; YAML's true is not a number here
            if isinstance(value, bool) and bool not in self.types:
                return False
            if not isinstance(value, self.types):
                return False
        return not self.choices or value in self.choices


class ProcessorError(MappingError):
    """A processor could not turn its input into output (a bad value, not a bad file)."""


class StopChain(Exception):
    """Raised by a processor to end its column's chain: the column gets no value."""


class SkipRecord(Exception):
    """Raised by a processor to skip the whole record, with a reason for the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Processor:
    """Base of every processor; subclasses set the class attributes and ``__call__``.

    ``shorthand`` names the key a scalar configuration stands for (``- get: fields.title``
    means ``- get: {path: fields.title}``). A processor that does not set ``takes_none``
    never sees None: the engine passes None through. One that does not set ``takes_lists``
    is applied to each element of a list value.
    """

    name: ClassVar[str] = ""
    keys: ClassVar[tuple[Key, ...]] = ()
    shorthand: ClassVar[str | None] = None
    takes_none: ClassVar[bool] = False
    takes_lists: ClassVar[bool] = False
    #: Configuration keys whose values are paths into the record (a string or a list of
    #: them): what the coverage check counts as read.
    path_keys: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config: dict[str, Any] = {key.name: key.default for key in self.keys}
        self.config.update(config)
        for key in self.keys:
            if self.config.get(key.name) is None and "null" in key.choices:
                self.config[key.name] = "null"

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        """Problems beyond key names and types, as (key or None, message); none by default."""
        del config
        return []

    @classmethod
    def reads(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        """The paths this step reads, as (kind, path): kind None for the records of its
        own mapping, a kind's name for paths read on other records (see ``tree_path``)."""
        found: list[tuple[str | None, str]] = []
        for key in cls.path_keys:
            value = config.get(key)
            for path in value if isinstance(value, list) else [value]:
                if isinstance(path, str):
                    found.append((None, path))
        return found

    def __call__(self, value: Any, context: Context) -> Any:
        raise NotImplementedError


P = TypeVar("P", bound=type[Processor])

#: Every registered processor by name.
REGISTRY: dict[str, type[Processor]] = {}


def processor(name: str) -> Callable[[P], P]:
    """Register a processor class under ``name`` (the decorator for adding processors)."""

    def register(cls: P) -> P:
        if name in REGISTRY and REGISTRY[name] is not cls:
            raise ValueError(f"processor {name!r} is registered twice")
        if not inspect.getdoc(cls):
            raise ValueError(f"processor {name!r} needs a docstring with its keys and example")
        cls.name = name
        REGISTRY[name] = cls
        return cls

    return register


def normalise_config(cls: type[Processor], raw: object) -> dict[str, Any] | None:
    """The configuration dict of one step, or None when ``raw`` has an impossible shape.

    ``None`` (bare ``- html_clean``) and ``{}`` mean no keys; a scalar or list stands for
    the processor's shorthand key.
    """
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return dict(raw)
    if cls.shorthand is not None:
        return {cls.shorthand: raw}
    return None
