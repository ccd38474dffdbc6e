"""Processors that fetch and shape plain values: get, default, concat, split, regex, static_map."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from transfer.mappers.context import Context
from transfer.mappers.paths import path_problem, resolve
from transfer.mappers.registry import Key, Processor, ProcessorError, SkipRecord, processor


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


@processor("get")
class Get(Processor):
    """Read a value from the record by a dotted path (lists by index).

    Paths start at ``source``, ``kind``, ``key``, ``url``, ``language``, ``fetch``,
    ``fields``, ``links``, ``assets``, ``body_blob``, ``row`` (the row built so far),
    ``item`` or ``position`` (the element and 1-based position of an ``each:`` list).
    A list element is picked by index (``[0]``) or by a field's value (``[name=businessId]``,
    the first element whose ``name`` is ``businessId``); ``[*]`` reads the rest of the path
    in every element and gives the list of what it found. A missing key, index or match
    gives None. The input value is ignored.

    Keys:
      path (string, required, shorthand): where to read.

    Example:
      ```yaml
      - get: fields.translations[0].hreflang
      ```
      record fields ``{"translations": [{"hreflang": "fi-FI"}]}`` → ``"fi-FI"``
    """

    keys = (Key("path", (str,), required=True, help="dotted path into the record"),)
    shorthand = "path"
    takes_none = True
    takes_lists = True
    path_keys = ("path",)

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        problem = path_problem(str(config.get("path", "")))
        return [("path", problem)] if problem else []

    def __call__(self, value: Any, context: Context) -> Any:
        return resolve(self.config["path"], context)


@processor("default")
class Default(Processor):
    """Replace an empty value (None, "", [], {}) by a constant or by another path's value.

    Keys:
      value (any, shorthand): the constant.
      path (string): read the replacement from this path instead (see ``get``).
      Exactly one of the two.

    Example:
      ```yaml
      - get: fields.frozen
      - default: false
      ```
      ``None`` → ``false``; ``true`` → ``true``
    """

    keys = (
        Key("value", (object,), help="the constant to use"),
        Key("path", (str,), help="read the replacement from this path"),
    )
    shorthand = "value"
    takes_none = True
    takes_lists = True
    path_keys = ("path",)

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        if ("value" in config) == ("path" in config):
            return [(None, "give exactly one of value or path")]
        if "path" in config and (problem := path_problem(str(config["path"]))):
            return [("path", problem)]
        return []

    def __call__(self, value: Any, context: Context) -> Any:
        if not _empty(value):
            return value
        if self.config.get("path") is not None:
            return resolve(self.config["path"], context)
        return self.config["value"]


@processor("concat")
class Concat(Processor):
    """Join the input (a value or a list) and the values of further paths (each a value or
    a list) into one string.

    Empty parts are left out, so no doubled delimiters appear.

    Keys:
      paths (list): further paths to append (see ``get``); default none.
      delimiter (string): put between parts; default "".

    Example:
      ```yaml
      - get: fields.handbook
      - concat: {paths: [fields.chapter_number], delimiter: " – "}
      ```
      ``"Handbook"`` and chapter ``"3"`` → ``"Handbook – 3"``
    """

    keys = (
        Key("paths", (list,), default=[], help="further paths to append"),
        Key("delimiter", (str,), default="", help="put between parts"),
    )
    takes_none = True
    takes_lists = True
    path_keys = ("paths",)

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        out: list[tuple[str | None, str]] = []
        for path in config.get("paths") or []:
            problem = path_problem(str(path)) if isinstance(path, str) else "not a string"
            if problem:
                out.append(("paths", problem))
        return out

    def __call__(self, value: Any, context: Context) -> Any:
        parts = list(value) if isinstance(value, list) else [value]
        for path in self.config["paths"]:
            found = resolve(path, context)
            parts.extend(found if isinstance(found, list) else [found])
        texts = [str(part) for part in parts if not _empty(part)]
        return self.config["delimiter"].join(texts) if texts else None


@processor("split")
class Split(Processor):
    """Split a string into a list.

    Keys:
      delimiter (string, required, shorthand): where to split.
      strip (boolean): strip whitespace of each part; default true.
      drop_empty (boolean): leave out empty parts; default true.

    Example:
      ```yaml
      - split: ","
      ```
      ``"a, b,,c"`` → ``["a", "b", "c"]``
    """

    keys = (
        Key("delimiter", (str,), required=True, help="where to split"),
        Key("strip", (bool,), default=True, help="strip whitespace of each part"),
        Key("drop_empty", (bool,), default=True, help="leave out empty parts"),
    )
    shorthand = "delimiter"

    def __call__(self, value: Any, context: Context) -> Any:
        parts = str(value).split(self.config["delimiter"])
        if self.config["strip"]:
            parts = [part.strip() for part in parts]
        if self.config["drop_empty"]:
            parts = [part for part in parts if part]
        return parts


@processor("regex")
class Regex(Processor):
    """Extract with a regular expression, or replace what it matches.

    Keys:
      pattern (string, required, shorthand): a Python regular expression.
      group (integer or string): the group to return; default 0 (the whole match).
      replace (string): replace every match by this (``\\1`` refers to groups) instead.
      no_match (string: null, keep, error): what a value without a match gives; default null.

    Example:
      ```yaml
      - regex: {pattern: '^([^;]+)', group: 1}
      ```
      ``"application/pdf; charset=binary"`` → ``"application/pdf"``
    """

    keys = (
        Key("pattern", (str,), required=True, help="a Python regular expression"),
        Key("group", (int, str), default=0, help="the group to return"),
        Key("replace", (str,), help="replace every match by this instead"),
        Key("no_match", (str,), choices=("null", "keep", "error"), default="null"),
    )
    shorthand = "pattern"

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        try:
            compiled = re.compile(str(config.get("pattern", "")))
        except re.error as exc:
            return [("pattern", f"not a valid regular expression: {exc}")]
        group = config.get("group", 0)
        if isinstance(group, int) and not isinstance(group, bool) and group > compiled.groups:
            return [("group", f"the pattern has only {compiled.groups} group(s)")]
        if isinstance(group, str) and group not in compiled.groupindex:
            return [("group", f"the pattern has no group named {group!r}")]
        return []

    def __call__(self, value: Any, context: Context) -> Any:
        text = str(value)
        pattern = re.compile(self.config["pattern"])
        if self.config.get("replace") is not None:
            return pattern.sub(self.config["replace"], text)
        match = pattern.search(text)
        if match is not None:
            return match.group(self.config["group"])
        policy = self.config["no_match"]
        if policy == "keep":
            return value
        if policy == "error":
            raise ProcessorError(f"{text!r} does not match {self.config['pattern']!r}")
        return None


@processor("static_map")
class StaticMap(Processor):
    """Translate values through a fixed table: inline (``map``) or a lookup file beside
    the mappings (``map_file``, by name). Every unknown value is counted for the unmapped
    values report, with example record keys, whatever the policy.

    Keys:
      map (mapping): source value → target value.
      map_file (string): name of a lookup file (``lookups/<name>.yml`` or ``.csv``).
      Exactly one of the two.
      unknown (string: error, keep, default, skip): what an unknown value does; default error.
      default (any): the value ``unknown: default`` gives.

    Example:
      ```yaml
      - static_map: {map: {Uutinen: news, Nyhet: news}, unknown: default, default: page}
      ```
      ``"Nyhet"`` → ``"news"``; ``"Blogi"`` → ``"page"`` (and reported as unmapped)
    """

    keys = (
        Key("map", (dict,), help="source value → target value"),
        Key("map_file", (str,), help="name of a lookup file beside the mappings"),
        Key("unknown", (str,), choices=("error", "keep", "default", "skip"), default="error"),
        Key("default", (object,), help="the value unknown: default gives"),
    )

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        if ("map" in config) == ("map_file" in config):
            return [(None, "give exactly one of map or map_file")]
        if config.get("unknown") == "default" and "default" not in config:
            return [("default", "unknown: default needs a default value")]
        return []

    def __call__(self, value: Any, context: Context) -> Any:
        table: Mapping[str, Any]
        if self.config.get("map") is not None:
            table = self.config["map"]
        else:
            table = context.lookups[self.config["map_file"]]
        text = str(value)
        if text in table:
            return table[text]
        context.report.add_unmapped(context.mapping, context.column, text, context.record.key)
        policy = self.config["unknown"]
        if policy == "keep":
            return value
        if policy == "default":
            return self.config["default"]
        if policy == "skip":
            raise SkipRecord(f"{context.column}: no mapping for {text!r}")
        raise ProcessorError(
            f"no mapping for {text!r}",
            next_step="add it to the map (see the unmapped values report) or set unknown:",
        )
