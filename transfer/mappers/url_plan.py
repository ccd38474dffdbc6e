"""The URL plan: the new path of every migrated page and file, from patterns per kind.

The patterns live in ``mappings/<source>/url_plan.yml`` (validated: a wrong key or an
unknown placeholder names the file, line and key). Records are planned in key order, so a
slug collision always resolves the same way (``-2``, ``-3`` … on the last segment), and a
new path never equals another page's old path on the site host, so redirects cannot chain.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from transfer import yamlfile
from transfer.errors import ConfigError
from transfer.mappers.text import slug
from transfer.yamlfile import MappingProblems, Problem, Problems

PLAN_FILE = "url_plan.yml"
PLACEHOLDERS = frozenset({"lang", "slug", "date", "id", "file"})
_TOP = frozenset({"site_host", "languages", "patterns"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UUID = re.compile(r"/([0-9a-fA-F-]{8,})$")


@dataclass(frozen=True)
class PlanSpec:
    """The validated ``url_plan.yml``."""

    path: Path
    site_host: str
    languages: Mapping[str, str]
    patterns: Mapping[str, Mapping[str, str]]  # kind → language (or "default") → pattern

    def pattern(self, kind: str, language: str | None) -> str:
        """The pattern for ``kind`` in ``language`` (falling back to the kind's default,
        then the overall default)."""
        for per_kind in (self.patterns.get(kind), self.patterns["default"]):
            if per_kind is not None:
                found = per_kind.get(language or "") or per_kind.get("default")
                if found is not None:
                    return found
        return self.patterns["default"]["default"]


@dataclass(frozen=True)
class Item:
    """What the plan needs of one record."""

    key: str
    kind: str
    language: str | None = None
    file_name: str | None = None


@dataclass
class UrlPlan:
    """New paths by record key, and how an old URL finds its record."""

    spec: PlanSpec
    paths: dict[str, str] = field(default_factory=dict)
    collisions: list[dict[str, str]] = field(default_factory=list)

    def new_path(self, key: str) -> str | None:
        return self.paths.get(key)


def load_spec(path: Path) -> PlanSpec:
    """Read and check ``url_plan.yml``; raises :class:`MappingError` naming every problem
    with its file, line and key."""
    spec, problems = check_spec(path)
    if spec is None or problems:
        raise MappingProblems(
            problems, "the URL plan", "fix the URL plan, then run `transfer mappings check`"
        )
    return spec


def check_spec(path: Path) -> tuple[PlanSpec | None, list[Problem]]:
    """The URL plan of ``path`` and every problem in it (file, line, key)."""
    try:
        data, located = yamlfile.load(path)
    except ConfigError as exc:
        line = int(exc.where.rsplit(":", 1)[-1]) if exc.where.count(":") else 1
        return None, [Problem(path, line, exc.what, "(top)")]
    found = Problems(located)
    problem = found.add

    if not isinstance(data, dict):
        data = {}
        problem((), "the URL plan must be a mapping with site_host, languages, patterns")
    for key in data:
        if key not in _TOP:
            problem((key,), f"unknown key {key!r} (keys: {', '.join(sorted(_TOP))})")
    site_host = data.get("site_host")
    if not isinstance(site_host, str) or not site_host:
        problem(("site_host",), "site_host must name the KEHA site's host")
    languages = data.get("languages")
    if not isinstance(languages, dict) or not all(
        isinstance(v, str) and v for v in languages.values()
    ):
        problem(("languages",), "languages must map each language to its path segment")
        languages = {}
    patterns: dict[str, dict[str, str]] = {}
    raw = data.get("patterns")
    if not isinstance(raw, dict) or "default" not in raw:
        problem(("patterns",), "patterns must be a mapping of kinds with a default pattern")
        raw = {}
    for kind, value in raw.items():
        per = {"default": value} if isinstance(value, str) else value
        if not isinstance(per, dict) or not per:
            problem(("patterns", kind), "a pattern is a string, or a mapping of languages")
            continue
        for language, pattern in per.items():
            at = ("patterns", kind) if isinstance(value, str) else ("patterns", kind, language)
            message = _pattern_problem(pattern)
            if language != "default" and language not in languages:
                message = f"unknown language {language!r} (languages: {', '.join(languages)})"
            if message:
                problem(at, message)
        patterns[str(kind)] = {str(k): str(v) for k, v in per.items()}
    if "default" in patterns and "default" not in patterns["default"]:
        problem(("patterns", "default"), "the default kind needs a default pattern")
    if found:
        return None, list(found)
    return PlanSpec(path, str(site_host).lower(), dict(languages), patterns), []


def _pattern_problem(pattern: object) -> str | None:
    if not isinstance(pattern, str) or not pattern.startswith("/"):
        return "a pattern must be a path starting with /"
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        return f"not a valid pattern: {exc}"
    unknown = names - PLACEHOLDERS
    if unknown:
        return (
            f"unknown placeholder(s) {', '.join(sorted(unknown))}"
            f" (known: {', '.join(sorted(PLACEHOLDERS))})"
        )
    return None


def build_plan(
    spec: PlanSpec,
    items: Iterable[Item],
    reserved: Callable[[str], str | None] = lambda path: None,
) -> UrlPlan:
    """New paths for ``items``, in key order.

    ``reserved(path)`` names the record whose *old* path on the site host ``path`` is (or
    None); a new path may equal only its own record's old path.
    """
    plan = UrlPlan(spec)
    taken: set[str] = set()
    for item in sorted(items, key=lambda i: i.key):
        wanted = _render(spec, item)
        candidate, number = wanted, 1
        while candidate in taken or reserved(candidate) not in (None, item.key):
            number += 1
            candidate = _numbered(wanted, number, keep_extension=item.kind == "attachment")
        if candidate != wanted:
            plan.collisions.append({"key": item.key, "wanted": wanted, "given": candidate})
        taken.add(candidate)
        plan.paths[item.key] = candidate
    return plan


def old_path(key: str) -> str:
    """Path (with query) of a normalised URL."""
    parts = urlsplit(key)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _render(spec: PlanSpec, item: Item) -> str:
    path = urlsplit(item.key).path or "/"
    segments = [unquote(s) for s in path.split("/") if s]
    date = _DATE.search(path)
    uuid = _UUID.search(path)
    file_name = item.file_name or (segments[-2] if len(segments) >= 2 else "file")
    stem, dot, extension = file_name.rpartition(".")
    file_slug = (
        f"{slug(stem) or 'file'}.{slug(extension)}" if dot and stem else slug(file_name) or "file"
    )
    values = {
        "lang": spec.languages.get(item.language or "fi", item.language or "fi"),
        "slug": slug(segments[-1]) if segments and segments[-1] not in ("sv", "en") else "",
        "date": date.group(0) if date else "undated",
        "id": uuid.group(1).lower() if uuid else slug(item.key)[-40:],
        "file": file_slug,
    }
    rendered = spec.pattern(item.kind, item.language).format(**values)
    rendered = re.sub(r"/{2,}", "/", rendered)
    return rendered.rstrip("/") or "/"


def _numbered(path: str, number: int, *, keep_extension: bool) -> str:
    head, _, last = path.rpartition("/")
    stem, dot, extension = last.rpartition(".")
    if dot and stem and keep_extension:
        return f"{head}/{stem}-{number}.{extension}"
    return f"{head}/{last}-{number}" if last else f"{head}/{number}"
