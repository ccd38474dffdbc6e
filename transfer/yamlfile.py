"""YAML files whose errors can name the file, the line and the key.

``load(path)`` returns the data plus a :class:`Located` index from each key path (a tuple
of keys and list positions) to the line it stands on, so validators can say exactly where a
problem is. Used by source profiles, mapping files and runbooks alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from transfer.errors import ConfigError

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Located:
    """Lines of every key path in one YAML file."""

    path: Path
    lines: Mapping[KeyPath, int] = field(default_factory=dict)

    def line(self, key_path: KeyPath) -> int:
        """The line of ``key_path``, or of its nearest ancestor that has one."""
        for cut in range(len(key_path), -1, -1):
            if key_path[:cut] in self.lines:
                return self.lines[key_path[:cut]]
        return 1

    def where(self, key_path: KeyPath) -> str:
        """``file:line (a.b[2].c)`` for error messages."""
        return f"{self.path}:{self.line(key_path)} ({format_key(key_path)})"


def format_key(key_path: KeyPath) -> str:
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top)"


def _build(node: yaml.Node, key_path: KeyPath, lines: dict[KeyPath, int]) -> Any:
    lines.setdefault(key_path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node))
            child = (*key_path, str(key))
            lines[child] = key_node.start_mark.line + 1
            result[str(key)] = _build(value_node, child, lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*key_path, index), lines) for index, item in enumerate(node.value)]
    try:
        return yaml.safe_load(yaml.serialize(node))
    except ValueError:
        # A scalar that looks like a timestamp but is no real date (2025-13-01) stays text,
        # so the validator can name its line instead of the parser crashing.
        return node.value


def load(path: Path, error: type[ConfigError] = ConfigError) -> tuple[Any, Located]:
    """Parse ``path`` safely; syntax errors raise ``error`` naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(
            f"cannot read {path}: {exc.strerror}", where=str(path), next_step="check the path"
        ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise error(
            f"{path} is not valid YAML: {getattr(exc, 'problem', exc)}",
            where=f"{path}:{line}",
            next_step="fix the syntax at that line",
        ) from None
    lines: dict[KeyPath, int] = {}
    data = _build(node, (), lines) if node is not None else None
    return data, Located(path, lines)
