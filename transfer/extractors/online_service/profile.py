"""The source profile: everything the crawler knows about one site, read from YAML.

Hosts and aliases, seeds and sitemaps, include and exclude rules, URL normalisation, the
rules from URL or markup to kind and language, and per-kind field selectors. A markup change
on the site is a profile edit, not a code change. The file is validated before anything
runs; every error names the file, the line and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError

from transfer.errors import ConfigError
from transfer.extractors.online_service.urls import UrlRules
from transfer.yamlfile import KeyPath, Located, load

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


class _Reader:
    """Validates the raw YAML while converting it, collecting errors with locations."""

    def __init__(self, located: Located) -> None:
        self.located = located

    def fail(self, key_path: KeyPath, message: str, next_step: str = "") -> ConfigError:
        return ConfigError(
            f"source profile: {message}",
            where=self.located.where(key_path),
            next_step=next_step or "fix the profile; see mappings/online_service/README.md",
        )

    def table(
        self,
        value: Any,
        key_path: KeyPath,
        allowed: set[str],
        required: frozenset[str] | set[str] = frozenset(),
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key_path, "expected a mapping")
        for key in value:
            if key not in allowed:
                near = sorted(allowed, key=lambda known: _distance(key, known))[0]
                raise self.fail((*key_path, key), f"unknown key {key!r}", f"did you mean {near!r}?")
        for key in sorted(required - value.keys()):
            raise self.fail(key_path, f"missing required key {key!r}")
        return value

    def regex(self, value: Any, key_path: KeyPath) -> re.Pattern[str]:
        try:
            return re.compile(str(value))
        except re.error as exc:
            raise self.fail(key_path, f"invalid regular expression: {exc}") from None

    def selector(self, value: Any, key_path: KeyPath) -> str:
        try:
            GenericTranslator().css_to_xpath(str(value))
        except SelectorError as exc:
            raise self.fail(key_path, f"invalid CSS selector {value!r}: {exc}") from None
        return str(value)

    def strings(self, value: Any, key_path: KeyPath) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key_path, "expected a list of strings")
        return tuple(value)

    def choice(self, value: Any, key_path: KeyPath, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise self.fail(key_path, f"must be one of {', '.join(choices)}, got {value!r}")
        return str(value)

    def rule(self, value: Any, key_path: KeyPath, name: str) -> Rule:
        raw = self.table(value, key_path, {name, "path", "query", "select", "content_type"}, {name})
        return Rule(
            value=str(raw[name]),
            path=self.regex(raw["path"], (*key_path, "path")) if "path" in raw else None,
            query=self.regex(raw["query"], (*key_path, "query")) if "query" in raw else None,
            select=self.selector(raw["select"], (*key_path, "select")) if "select" in raw else None,
            content_type=self.regex(raw["content_type"], (*key_path, "content_type"))
            if "content_type" in raw
            else None,
        )

    def field_spec(self, name: str, value: Any, key_path: KeyPath) -> FieldSpec:
        raw = self.table(
            value,
            key_path,
            {
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
            },
            {"select"},
        )
        mode = self.choice(
            raw.get("mode", "attr" if "attr" in raw else "text"), (*key_path, "mode"), FIELD_MODES
        )
        if mode == "attr" and "attr" not in raw:
            raise self.fail(key_path, "mode attr needs an 'attr' key")
        nested = raw.get("fields", {})
        return FieldSpec(
            name=name,
            select=self.selector(raw["select"], (*key_path, "select")),
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
                str(k): str(v)
                for k, v in self.table(
                    raw.get("map", {}), (*key_path, "map"), set(raw.get("map", {}))
                ).items()
            },
            fields=tuple(
                self.field_spec(child, spec, (*key_path, "fields", child))
                for child, spec in self.table(nested, (*key_path, "fields"), set(nested)).items()
            ),
            exclude=tuple(
                self.selector(css, (*key_path, "exclude", i))
                for i, css in enumerate(
                    self.strings(raw.get("exclude", []), (*key_path, "exclude"))
                )
            ),
        )


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, for "did you mean" hints."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


_TOP = {
    "source",
    "site",
    "crawl",
    "urls",
    "attachments",
    "kinds",
    "languages",
    "content_scope",
    "fields",
}


def load_profile(path: Path) -> Profile:
    """Read and validate a source profile."""
    data, located = load(path)
    r = _Reader(located)
    top = r.table(data, (), _TOP, _TOP - {"fields"})
    site = r.table(top["site"], ("site",), {"canonical", "aliases", "legacy_hosts"}, {"canonical"})
    canonical = re.match(r"^(https?)://([^/]+)/?$", str(site["canonical"]))
    if canonical is None:
        raise r.fail(("site", "canonical"), "canonical must look like https://host")
    crawl = r.table(
        top["crawl"],
        ("crawl",),
        {"seeds", "sitemaps", "robots", "include", "exclude", "max_depth", "max_page_bytes"},
        {"seeds"},
    )
    urls = r.table(
        top["urls"], ("urls",), {"keep_query", "keep_query_with_kept", "strip_trailing_slash"}
    )
    attachments = r.table(
        top["attachments"], ("attachments",), {"path", "id", "max_bytes"}, {"path", "id"}
    )
    rules = UrlRules(
        canonical_scheme=canonical[1],
        canonical_host=canonical[2].lower(),
        host_aliases=frozenset(
            h.lower() for h in r.strings(site.get("aliases", []), ("site", "aliases"))
        ),
        keep_query=tuple(
            r.regex(p, ("urls", "keep_query", i)) for i, p in enumerate(urls.get("keep_query", []))
        ),
        keep_query_with_kept=tuple(
            r.regex(p, ("urls", "keep_query_with_kept", i))
            for i, p in enumerate(urls.get("keep_query_with_kept", []))
        ),
        strip_trailing_slash=bool(urls.get("strip_trailing_slash", True)),
        legacy_hosts=frozenset(
            h.lower() for h in r.strings(site.get("legacy_hosts", []), ("site", "legacy_hosts"))
        ),
    )
    kinds = tuple(r.rule(v, ("kinds", i), "kind") for i, v in enumerate(top["kinds"]))
    languages = tuple(
        r.rule(v, ("languages", i), "language") for i, v in enumerate(top["languages"])
    )
    for name, rules_list in (("kinds", kinds), ("languages", languages)):
        if not rules_list or any(
            x.path or x.query or x.select or x.content_type for x in rules_list[-1:]
        ):
            raise r.fail((name,), f"the last entry of {name} must be a default without conditions")
    fields_raw = r.table(top.get("fields", {}), ("fields",), set(top.get("fields", {})))
    fields = {
        kind: tuple(
            r.field_spec(name, spec, ("fields", kind, name))
            for name, spec in r.table(specs, ("fields", kind), set(specs or {})).items()
        )
        for kind, specs in fields_raw.items()
    }
    known_kinds = {rule.value for rule in kinds} | {"common"}
    for kind in fields:
        if kind not in known_kinds:
            raise r.fail(
                ("fields", kind),
                f"fields for unknown kind {kind!r}",
                f"kinds are: {', '.join(sorted(known_kinds))}",
            )
    return Profile(
        source=str(top["source"]),
        path=path,
        urls=rules,
        seeds=r.strings(crawl["seeds"], ("crawl", "seeds")),
        sitemaps=r.strings(crawl.get("sitemaps", []), ("crawl", "sitemaps")),
        robots=str(crawl.get("robots", "/robots.txt")),
        include=tuple(
            r.regex(p, ("crawl", "include", i)) for i, p in enumerate(crawl.get("include", ["^/"]))
        ),
        exclude=tuple(
            r.regex(p, ("crawl", "exclude", i)) for i, p in enumerate(crawl.get("exclude", []))
        ),
        max_depth=int(crawl.get("max_depth", 50)),
        max_page_bytes=int(crawl.get("max_page_bytes", 10 * 1024 * 1024)),
        max_attachment_bytes=int(attachments.get("max_bytes", 200 * 1024 * 1024)),
        attachment_path=r.regex(attachments["path"], ("attachments", "path")),
        attachment_id=r.regex(attachments["id"], ("attachments", "id")),
        content_scope=r.selector(top["content_scope"], ("content_scope",)),
        kinds=kinds,
        languages=languages,
        fields=fields,
    )
