"""The source profile: everything the crawler knows about one site, read from YAML.

Hosts and aliases, seeds and sitemaps, include and exclude rules, URL normalisation, the
rules from URL or markup to kind and language, and per-kind field selectors. A markup change
on the site is a profile edit, not a code change. The file is validated before anything
runs; every problem of the file is reported at once, each with its file, line and key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError

from transfer.extractors.online_service.urls import UrlRules
from transfer.yamlfile import KeyPath, KeyTable, Located, Problems, load

FIELD_MODES = ("text", "html", "attr", "exists")
DATE_FORMATS = ("local", "local_end", "iso")
DECODERS = ("cfemail",)


@dataclass(frozen=True)
class FieldSpec:
    """How to extract one field from a page."""

    name: str
    select: str
    mode: str = "text"
    attr: str | None = None
    many: bool = False
    regex: re.Pattern[str] | None = None
    date: str | None = None
    decode: str | None = None
    value_map: Mapping[str, str] = field(default_factory=dict)
    fields: tuple[FieldSpec, ...] = ()
    exclude: tuple[str, ...] = ()  # selectors of parts removed before the value is taken


@dataclass(frozen=True)
class Rule:
    """A kind or language rule: every condition given must hold; the first match wins."""

    value: str
    path: re.Pattern[str] | None = None
    query: re.Pattern[str] | None = None
    select: str | None = None
    content_type: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Profile:
    source: str
    path: Path
    urls: UrlRules
    seeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    robots: str
    include: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    max_depth: int
    max_page_bytes: int
    max_attachment_bytes: int
    attachment_path: re.Pattern[str]
    attachment_id: re.Pattern[str]
    content_scope: str
    kinds: tuple[Rule, ...]
    languages: tuple[Rule, ...]
    fields: Mapping[str, tuple[FieldSpec, ...]]

    def in_scope(self, key: str) -> bool:
        """Whether a normalised URL of the site is to be crawled."""
        parts = urlsplit(key)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return any(p.search(target) for p in self.include) and not any(
            p.search(target) for p in self.exclude
        )

    def fields_for(self, kind: str) -> tuple[FieldSpec, ...]:
        """Common fields, overridden and extended by the kind's own."""
        merged = {spec.name: spec for spec in self.fields.get("common", ())}
        merged.update({spec.name: spec for spec in self.fields.get(kind, ())})
        return tuple(merged.values())


#: Stands in for a regular expression that is wrong (already a problem): matches nothing.
_NEVER = re.compile(r"(?!)")
FIELD_KEYS = KeyTable.of(
    "select",
    "mode",
    "attr",
    "many",
    "regex",
    "date",
    "decode",
    "map",
    "fields",
    "exclude",
    required=("select",),
)
_TOP = KeyTable.of(
    "fields",
    required=(
        "source",
        "site",
        "crawl",
        "urls",
        "attachments",
        "kinds",
        "languages",
        "content_scope",
    ),
)
_SITE = KeyTable.of("aliases", "legacy_hosts", required=("canonical",))
_CRAWL = KeyTable.of(
    "sitemaps",
    "robots",
    "include",
    "exclude",
    required=("seeds",),
    types={"max_depth": int, "max_page_bytes": int},
)
_URLS = KeyTable.of("keep_query", "keep_query_with_kept", "strip_trailing_slash")
_ATTACHMENTS = KeyTable.of(required=("path", "id"), types={"max_bytes": int})


class _Reader:
    """Validates the raw YAML while converting it, collecting every problem with its
    location; a wrong value is replaced by a harmless one so that checking goes on."""

    def __init__(self, located: Located) -> None:
        self.problems = Problems(located)
        self.fail = self.problems.add

    def table(self, value: Any, key_path: KeyPath, keys: KeyTable) -> dict[str, Any]:
        return self.problems.table(value, key_path, keys)

    def section(self, top: dict[str, Any], key: str, keys: KeyTable) -> dict[str, Any]:
        """``top[key]`` checked against ``keys``; a missing section is already a problem."""
        return self.table(top[key], (key,), keys) if key in top else {}

    def mapping(self, value: Any, key_path: KeyPath) -> dict[str, Any]:
        """A mapping with any keys; null is empty."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(key_path, "expected a mapping")
            return {}
        return value

    def items(self, value: Any, key_path: KeyPath) -> list[Any]:
        if not isinstance(value, list):
            self.fail(key_path, "expected a list")
            return []
        return value

    def regex(self, value: Any, key_path: KeyPath) -> re.Pattern[str]:
        try:
            return re.compile(str(value))
        except re.error as exc:
            self.fail(key_path, f"invalid regular expression: {exc}")
            return _NEVER

    def regexes(self, value: Any, key_path: KeyPath) -> tuple[re.Pattern[str], ...]:
        return tuple(
            self.regex(pattern, (*key_path, index))
            for index, pattern in enumerate(self.items(value, key_path))
        )

    def selector(self, value: Any, key_path: KeyPath) -> str:
        try:
            GenericTranslator().css_to_xpath(str(value))
        except SelectorError as exc:
            self.fail(key_path, f"invalid CSS selector {value!r}: {exc}")
        return str(value)

    def strings(self, value: Any, key_path: KeyPath) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key_path, "expected a list of strings")
            return ()
        return tuple(value)

    def choice(self, value: Any, key_path: KeyPath, choices: tuple[str, ...]) -> str:
        if value not in choices:
            self.fail(key_path, f"must be one of {', '.join(choices)}, got {value!r}")
            return choices[0]
        return str(value)

    def rule(self, value: Any, key_path: KeyPath, name: str) -> Rule:
        keys = KeyTable.of("path", "query", "select", "content_type", required=(name,))
        raw = self.table(value, key_path, keys)
        return Rule(
            value=str(raw.get(name, "")),
            path=self.regex(raw["path"], (*key_path, "path")) if "path" in raw else None,
            query=self.regex(raw["query"], (*key_path, "query")) if "query" in raw else None,
            select=self.selector(raw["select"], (*key_path, "select")) if "select" in raw else None,
            content_type=self.regex(raw["content_type"], (*key_path, "content_type"))
            if "content_type" in raw
            else None,
        )

    def rules(self, top: dict[str, Any], name: str, key: str) -> tuple[Rule, ...]:
        """The kind or language rules; the last one must be a default without conditions."""
        if name not in top:
            return ()
        found = tuple(
            self.rule(value, (name, index), key)
            for index, value in enumerate(self.items(top[name], (name,)))
        )
        if not found or any(x.path or x.query or x.select or x.content_type for x in found[-1:]):
            self.fail((name,), f"the last entry of {name} must be a default without conditions")
        return found

    def field_spec(self, name: str, value: Any, key_path: KeyPath) -> FieldSpec:
        raw = self.table(value, key_path, FIELD_KEYS)
        mode = self.choice(
            raw.get("mode", "attr" if "attr" in raw else "text"), (*key_path, "mode"), FIELD_MODES
        )
        if mode == "attr" and "attr" not in raw:
            self.fail(key_path, "mode attr needs an 'attr' key")
        nested = self.mapping(raw.get("fields"), (*key_path, "fields"))
        return FieldSpec(
            name=name,
            select=self.selector(raw["select"], (*key_path, "select")) if "select" in raw else "",
            mode=mode,
            attr=raw.get("attr"),
            many=bool(raw.get("many", False)),
            regex=self.regex(raw["regex"], (*key_path, "regex")) if "regex" in raw else None,
            date=self.choice(raw["date"], (*key_path, "date"), DATE_FORMATS)
            if "date" in raw
            else None,
            decode=self.choice(raw["decode"], (*key_path, "decode"), DECODERS)
            if "decode" in raw
            else None,
            value_map={
                str(k): str(v) for k, v in self.mapping(raw.get("map"), (*key_path, "map")).items()
            },
            fields=tuple(
                self.field_spec(child, spec, (*key_path, "fields", child))
                for child, spec in nested.items()
            ),
            exclude=tuple(
                self.selector(css, (*key_path, "exclude", i))
                for i, css in enumerate(
                    self.strings(raw.get("exclude", []), (*key_path, "exclude"))
                )
            ),
        )


def load_profile(path: Path) -> Profile:
    """Read and validate a source profile; raises one ``ConfigError`` naming every problem
    (file, line, key)."""
    data, located = load(path)
    r = _Reader(located)
    top = r.table(data, (), _TOP)
    site = r.section(top, "site", _SITE)
    crawl = r.section(top, "crawl", _CRAWL)
    urls = r.section(top, "urls", _URLS)
    attachments = r.section(top, "attachments", _ATTACHMENTS)
    canonical = re.match(r"^(https?)://([^/]+)/?$", str(site.get("canonical", "")))
    if canonical is None and "canonical" in site:
        r.fail(("site", "canonical"), "canonical must look like https://host")
    scheme, host = (canonical[1], canonical[2].lower()) if canonical else ("https", "invalid")
    rules = UrlRules(
        canonical_scheme=scheme,
        canonical_host=host,
        host_aliases=frozenset(
            h.lower() for h in r.strings(site.get("aliases", []), ("site", "aliases"))
        ),
        keep_query=r.regexes(urls.get("keep_query", []), ("urls", "keep_query")),
        keep_query_with_kept=r.regexes(
            urls.get("keep_query_with_kept", []), ("urls", "keep_query_with_kept")
        ),
        strip_trailing_slash=bool(urls.get("strip_trailing_slash", True)),
        legacy_hosts=frozenset(
            h.lower() for h in r.strings(site.get("legacy_hosts", []), ("site", "legacy_hosts"))
        ),
    )
    kinds = r.rules(top, "kinds", "kind")
    languages = r.rules(top, "languages", "language")
    fields_raw = r.mapping(top.get("fields"), ("fields",))
    fields = {
        kind: tuple(
            r.field_spec(name, spec, ("fields", kind, name))
            for name, spec in r.mapping(specs, ("fields", kind)).items()
        )
        for kind, specs in fields_raw.items()
    }
    known_kinds = {rule.value for rule in kinds} | {"common"}
    for kind in fields:
        if kind not in known_kinds and "kinds" in top:
            r.fail(
                ("fields", kind),
                f"fields for unknown kind {kind!r}",
                f"kinds are: {', '.join(sorted(known_kinds))}",
            )
    profile = Profile(
        source=str(top.get("source", "")),
        path=path,
        urls=rules,
        seeds=r.strings(crawl["seeds"], ("crawl", "seeds")) if "seeds" in crawl else (),
        sitemaps=r.strings(crawl.get("sitemaps", []), ("crawl", "sitemaps")),
        robots=str(crawl.get("robots", "/robots.txt")),
        include=r.regexes(crawl.get("include", ["^/"]), ("crawl", "include")),
        exclude=r.regexes(crawl.get("exclude", []), ("crawl", "exclude")),
        max_depth=int(crawl.get("max_depth", 50)),
        max_page_bytes=int(crawl.get("max_page_bytes", 10 * 1024 * 1024)),
        max_attachment_bytes=int(attachments.get("max_bytes", 200 * 1024 * 1024)),
        attachment_path=r.regex(attachments["path"], ("attachments", "path"))
        if "path" in attachments
        else _NEVER,
        attachment_id=r.regex(attachments["id"], ("attachments", "id"))
        if "id" in attachments
        else _NEVER,
        content_scope=r.selector(top["content_scope"], ("content_scope",))
        if "content_scope" in top
        else "",
        kinds=kinds,
        languages=languages,
        fields=fields,
    )
    r.problems.raise_if_any(
        f"the source profile {path}", "fix the profile; see mappings/online_service/README.md"
    )
    return profile
