"""``extends: <file>``: a YAML file built on another one in the same folder.

The child's keys replace the base's, except the keys named ``merge``: those are mappings
merged entry by entry (the child's entry replaces the base's of the same name; a child's
``~`` removes an inherited entry). A base may extend a further base. Each key path keeps
the file and line it was written on, so problems and provenance cite the file where a
declaration really stands. A missing base, a loop or a bad ``extends:`` value is a
:class:`Problem` at the ``extends:`` line, not an exception.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transfer.errors import ConfigError
from transfer.yamlfile.loading import KeyPath, Located, format_key, load
from transfer.yamlfile.problems import Problem, suggest

EXTENDS = "extends"


def load_extending(path: Path, merge: frozenset[str]) -> tuple[Any, Located, list[Problem]]:
    """The data of ``path`` with its ``extends:`` chain applied, where each key path stands,
    and the problems of the chain. Raises ``ConfigError`` only for ``path`` itself (not
    readable, not YAML); such errors in a base are problems."""
    return _resolve(path, merge, ())


def _problem(located: Located, at: KeyPath, message: str) -> Problem:
    file, line = located.locate(at)
    return Problem(file, line, message, format_key(at))


def _resolve(
    path: Path, merge: frozenset[str], chain: tuple[Path, ...]
) -> tuple[Any, Located, list[Problem]]:
    data, located = load(path)
    if not isinstance(data, dict) or EXTENDS not in data:
        return data, located, []
    own = {key: value for key, value in data.items() if key != EXTENDS}
    name = data[EXTENDS]
    at: KeyPath = (EXTENDS,)
    if not isinstance(name, str) or not name.endswith(".yml") or "/" in name or "\\" in name:
        return own, located, [_problem(located, at, "extends: names a .yml file of this folder")]
    base_path = path.parent / name
    seen = (*chain, path)
    if base_path in seen:
        loop = " → ".join(p.name for p in (*seen[seen.index(base_path) :], base_path))
        return own, located, [_problem(located, at, f"extends: loops ({loop})")]
    if not base_path.is_file():
        names = sorted(p.name for p in path.parent.glob("*.yml") if p != path)
        message = f"extends: {name!r} is no file of {path.parent}{suggest(name, names)}"
        return own, located, [_problem(located, at, message)]
    try:
        base, base_located, problems = _resolve(base_path, merge, seen)
    except ConfigError as exc:
        line = exc.where.rsplit(":", 1)[-1]
        number = int(line) if line.isdigit() else 1
        return own, located, [Problem(base_path, number, exc.what, "(top)")]
    if not isinstance(base, dict):
        message = f"extends: {name!r} is not a YAML mapping"
        return own, located, [*problems, _problem(located, at, message)]
    merged, lines, files = _merge(base, base_located, own, located, merge)
    return merged, Located(path, lines, files), problems


def _entries(located: Located, prefix: KeyPath) -> tuple[dict[KeyPath, int], dict[KeyPath, Path]]:
    """The lines and files of ``prefix`` and every key path below it."""
    lines = {kp: line for kp, line in located.lines.items() if kp[: len(prefix)] == prefix}
    files = {kp: located.file(kp) for kp in lines}
    return lines, files


def _merge(
    base: dict[str, Any],
    base_located: Located,
    own: dict[str, Any],
    located: Located,
    merge: frozenset[str],
) -> tuple[dict[str, Any], dict[KeyPath, int], dict[KeyPath, Path]]:
    merged: dict[str, Any] = {}
    lines: dict[KeyPath, int] = {(): located.line(())}
    files: dict[KeyPath, Path] = {(): located.path}

    def take(source: Located, prefix: KeyPath) -> None:
        more_lines, more_files = _entries(source, prefix)
        lines.update(more_lines)
        files.update(more_files)

    for key, value in base.items():
        if key in own and not (key in merge and isinstance(value, dict)):
            continue
        merged[key] = value
        take(base_located, (key,))
    for key, value in own.items():
        inherited = merged.get(key)
        if key in merge and isinstance(inherited, dict) and isinstance(value, dict):
            combined = dict(inherited)
            for entry, item in value.items():
                for kp in [kp for kp in lines if kp[:2] == (key, entry)]:
                    del lines[kp], files[kp]
                if item is None and entry in combined:
                    del combined[entry]
                    continue
                combined[entry] = item
                take(located, (key, entry))
            merged[key] = combined
            lines[(key,)], files[(key,)] = located.line((key,)), located.path
        else:
            for kp in [kp for kp in lines if kp[:1] == (key,)]:
                del lines[kp], files[kp]
            merged[key] = value
            take(located, (key,))
    return merged, lines, files
