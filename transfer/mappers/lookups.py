"""Lookup data files beside the mapping files: ``<source>/lookups/<name>.yml`` or ``.csv``.

A YAML lookup is a mapping of source value to target value; a CSV lookup has a header row
and uses its first two columns (source value, target value). Both are referenced from
``static_map`` by ``map_file: <name>``. Names are unique across a mappings folder.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from transfer import yamlfile
from transfer.errors import ConfigError, MappingError

LOOKUP_DIR = "lookups"


def lookup_files(mappings_dir: Path) -> dict[str, Path]:
    """Every lookup file under ``mappings_dir`` by name (its file stem)."""
    found: dict[str, Path] = {}
    for folder in sorted(mappings_dir.glob(f"**/{LOOKUP_DIR}")):
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yml", ".yaml", ".csv"):
                found.setdefault(path.stem, path)
    return found


def read_lookup(path: Path) -> dict[str, Any]:
    """The table of one lookup file; raises :class:`MappingError` naming file and line."""
    if path.suffix == ".csv":
        try:
            text = yamlfile.read_text(path)
        except ConfigError as exc:
            raise MappingError(exc.what, where=exc.where, next_step=exc.next_step) from None
        rows = list(csv.reader(io.StringIO(text, newline="")))
        table: dict[str, Any] = {}
        for number, row in enumerate(rows[1:], start=2):
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < 2:
                raise MappingError(
                    f"{path}:{number}: a lookup row needs a source and a target value",
                    where=f"{path}:{number}",
                    next_step="fill in the second column",
                )
            table[row[0]] = row[1]
        return table
    try:
        data, located = yamlfile.load(path)
    except ConfigError as exc:
        raise MappingError(exc.what, where=exc.where, next_step=exc.next_step) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MappingError(
            f"{path}: a lookup file must be a mapping of source value to target value",
            where=located.where(()),
            next_step="write it as `source value: target value` lines",
        )
    return {str(key): value for key, value in data.items()}


def load_lookups(mappings_dir: Path) -> dict[str, dict[str, Any]]:
    """Every lookup table under ``mappings_dir`` by name, for :class:`MapContext`."""
    return {name: read_lookup(path) for name, path in lookup_files(mappings_dir).items()}
