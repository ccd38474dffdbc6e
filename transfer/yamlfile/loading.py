"""Safe YAML loading that remembers where each key stands.

``load(path)`` returns the data plus a :class:`Located` index from each key path (a tuple
of keys and list positions) to the line it stands on, so validators can say exactly where a
problem is. Used by source profiles, mapping files and runbooks alike.

Aliases are expanded, but only up to :data:`MAX_VALUES` values in all: a "billion laughs"
file (aliases of aliases) is refused in milliseconds instead of filling the memory, and an
alias that contains itself is refused too. A file that is not UTF-8 is an error naming the
line of its first bad byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from transfer.errors import ConfigError

KeyPath = tuple[str | int, ...]
#: Values (scalars, lists and mappings) one file may expand to; the largest real file (a
#: runbook or a lookup) has a few thousand.
MAX_VALUES = 100_000


class _TooLarge(Exception):
    def __init__(self, line: int, why: str) -> None:
        super().__init__(why)
        self.line, self.why = line, why


@dataclass(frozen=True)
class Located:
    """Lines of every key path in one YAML file.

    ``files`` names another file for key paths that came from it (a file a mapping file
    ``extends:``); every other key path stands in ``path``.
    """

    path: Path
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    files: Mapping[KeyPath, Path] = field(default_factory=dict)

    def locate(self, key_path: KeyPath) -> tuple[Path, int]:
        """The file and line of ``key_path``, or of its nearest ancestor that has a line."""
        for cut in range(len(key_path), -1, -1):
            if key_path[:cut] in self.lines:
                return self.files.get(key_path[:cut], self.path), self.lines[key_path[:cut]]
        return self.path, 1

    def line(self, key_path: KeyPath) -> int:
        """The line of ``key_path``, or of its nearest ancestor that has one."""
        return self.locate(key_path)[1]

    def file(self, key_path: KeyPath) -> Path:
        """The file ``key_path`` stands in."""
        return self.locate(key_path)[0]

    def where(self, key_path: KeyPath) -> str:
        """``file:line (a.b[2].c)`` for error messages."""
        file, line = self.locate(key_path)
        return f"{file}:{line} ({format_key(key_path)})"


def format_key(key_path: KeyPath) -> str:
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top)"


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """How many values ``node`` becomes once every alias is expanded; each distinct node is
    counted once (memoised), so an alias bomb costs no more than its own text."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        if id(node) in open_nodes:
            raise _TooLarge(node.start_mark.line + 1, "has an alias to a value that contains it")
        open_nodes.add(id(node))
        children = (
            [part for pair in node.value for part in pair]
            if isinstance(node, yaml.MappingNode)
            else node.value
        )
        for child in children:
            size += _expanded_size(child, sizes, open_nodes)
            if size > MAX_VALUES:
                raise _TooLarge(
                    node.start_mark.line + 1,
                    f"expands to more than {MAX_VALUES} values (aliases of aliases)",
                )
        open_nodes.discard(id(node))
    sizes[id(node)] = size
    return size


def _scalar(node: yaml.Node) -> Any:
    """The value of a scalar node, as ``yaml.safe_load`` of the node alone gives it (its tag
    was resolved when the document was composed)."""
    if isinstance(node, yaml.ScalarNode):
        return yaml.SafeLoader.yaml_constructors.get(node.tag, _by_round_trip)(_CONSTRUCTOR, node)
    return _by_round_trip(_CONSTRUCTOR, node)


def _by_round_trip(_: Any, node: yaml.Node) -> Any:
    return yaml.safe_load(yaml.serialize(node))


# The safe constructor's scalar functions keep no state between calls.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _build(node: yaml.Node, key_path: KeyPath, lines: dict[KeyPath, int]) -> Any:
    lines.setdefault(key_path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            child = (*key_path, str(key))
            lines[child] = key_node.start_mark.line + 1
            result[str(key)] = _build(value_node, child, lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*key_path, index), lines) for index, item in enumerate(node.value)]
    try:
        return _scalar(node)
    except ValueError:
        # A scalar that looks like a timestamp but is no real date (2025-13-01) stays text,
        # so the validator can name its line instead of the parser crashing.
        return node.value


def read_text(path: Path, error: type[ConfigError] = ConfigError) -> str:
    """The UTF-8 text of ``path``; unreadable or non-UTF-8 files raise ``error`` with the
    file and the line of the first bad byte."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(
            f"cannot read {path}: {exc.strerror}", where=str(path), next_step="check the path"
        ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line})",
            where=f"{path}:{line}",
            next_step="save the file as UTF-8",
        ) from None


def _compose(text: str) -> yaml.Node | None:
    """The document's node tree, composed by libyaml where PyYAML has it (same nodes, tags
    and lines, several times faster); a document libyaml refuses is composed again by the
    pure-Python parser, whose error message and line the toolkit has always reported."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            node: yaml.Node | None = yaml.compose(text, Loader=fast)
            return node
        except yaml.YAMLError:
            pass
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    return node


def load(path: Path, error: type[ConfigError] = ConfigError) -> tuple[Any, Located]:
    """Parse ``path`` safely; syntax errors, non-UTF-8 bytes and alias bombs raise
    ``error`` naming the file and line."""
    text = read_text(path, error)
    try:
        node = _compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise error(
            f"{path} is not valid YAML: {getattr(exc, 'problem', exc)}",
            where=f"{path}:{line}",
            next_step="fix the syntax at that line",
        ) from None
    lines: dict[KeyPath, int] = {}
    try:
        if node is not None:
            _expanded_size(node, {}, set())
    except _TooLarge as exc:
        raise error(
            f"{path} is refused: it {exc.why}",
            where=f"{path}:{exc.line}",
            next_step="write the values out instead of nesting aliases",
        ) from None
    data = _build(node, (), lines) if node is not None else None
    return data, Located(path, lines)
