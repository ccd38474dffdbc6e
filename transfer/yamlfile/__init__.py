"""The one YAML layer: safe loading with lines, problems with ``file:line``, key tables.

- :func:`load` parses a file safely (alias limits, UTF-8 errors with their line) and
  returns the data with a :class:`Located` index of the line of every key path.
- :class:`Problems` collects every problem of a file as a :class:`Problem`
  (``file:line (key): message``), with :class:`KeyTable` for allowed, required and typed
  keys and :func:`suggest` for "did you mean"; :meth:`Problems.raise_if_any` raises one
  error listing them all.
- :func:`load_extending` applies ``extends: <file>`` with provenance per key path.

Source profiles, the personal-data policy, mapping files, URL plans, runbooks and the task
register all read through it; the TOML configuration uses its :class:`Problem`.
"""

from transfer.yamlfile.extends import EXTENDS, load_extending
from transfer.yamlfile.loading import MAX_VALUES, KeyPath, Located, format_key, load, read_text
from transfer.yamlfile.problems import (
    ConfigProblems,
    KeyTable,
    MappingProblems,
    Problem,
    Problems,
    ProblemsError,
    closest,
    ordered,
    suggest,
    type_name,
)

__all__ = [
    "EXTENDS",
    "MAX_VALUES",
    "ConfigProblems",
    "KeyPath",
    "KeyTable",
    "Located",
    "MappingProblems",
    "Problem",
    "Problems",
    "ProblemsError",
    "closest",
    "format_key",
    "load",
    "load_extending",
    "ordered",
    "read_text",
    "suggest",
    "type_name",
]
