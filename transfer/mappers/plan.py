"""What the map stage knows across records: translation groups, the URL plan, redirects.

:func:`build_plan` reads the staging stores once (light fields only) before any record is
mapped; the :class:`StagePlan` it returns is the ``plan`` (``from_plan`` values), the
``references`` (``lookup``) and the ``links`` (``rewrite_links``) of the run's
:class:`MapContext`. Everything it hands out names rows by provenance (:class:`Ref`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from transfer.cfemail import decode_cfemail
from transfer.extractors.online_service.urls import UrlRules
from transfer.mappers.context import Context
from transfer.mappers.mapping import Mapping as MappingDef
from transfer.mappers.redirects import Hosts, RedirectMap, build_redirects, follow, reserved_paths
from transfer.mappers.registry import SkipRecord
from transfer.mappers.translations import Groups, Page, group_pages, page_claims
from transfer.mappers.url_plan import PLAN_FILE, Item, UrlPlan, build_plan, load_spec
from transfer.records import SourceRecord
from transfer.stores.mapped import Ref

#: Record kinds whose KEHA content kind has another code.
KIND_CODES = {"public_page": "page"}


@dataclass
class SourcePlan:
    """The plan of one source whose records are pages and files."""

    source: str
    groups: Groups
    urls: UrlPlan | None
    kinds: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)
    rules: UrlRules | None = None
    redirects: RedirectMap | None = None
    retired: dict[str, str] = field(default_factory=dict)

    def key_for(self, url: str) -> str | None:
        """The record key an href leads to (aliases followed), or None if not of the site."""
        key = self.rules.normalise(url) if self.rules is not None else url
        if key is None:
            return None
        key = follow(key, self.aliases)
        if key not in self.kinds and self.rules is not None and self.rules.is_legacy(key):
            parts = urlsplit(key)
            key = follow(
                urlunsplit((self.rules.canonical_scheme, self.rules.canonical_host, *parts[2:])),
                self.aliases,
            )
        return key


@dataclass
class Inputs:
    """Light facts of one source's records for planning."""

    source: str
    content: list[tuple[str, str, str | None, object, object]] = field(default_factory=list)
    assets: list[Item] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)


def collect(source: str, records: Iterable[SourceRecord], mappings: list[MappingDef]) -> Inputs:
    """Read what planning needs from ``records`` (one streaming pass). The fields read here
    are listed in ``coverage.STAGE_READS``, so that the coverage check counts them as read."""
    content = {
        k
        for m in mappings
        if m.source == source and m.target == "content_translations"
        for k in m.kinds
    }
    assets = {k for m in mappings if m.source == source and m.target == "assets" for k in m.kinds}
    skipped = {k for m in mappings if m.source == source and m.skip is not None for k in m.kinds}
    out = Inputs(source)
    for record in records:
        if record.kind in content:
            fields = record.fields
            out.content.append(
                (record.key, record.kind, record.language, fields.get("translations"),
                 fields.get("easy_language"))
            )  # fmt: skip
        elif record.kind in assets:
            name = record.fields.get("file_name")
            out.assets.append(Item(record.key, record.kind, None, str(name) if name else None))
        elif record.kind in skipped:
            out.retired.append(record.key)
    return out


def plan_source(
    inputs: Inputs, spec_path: Path, rules: UrlRules | None, hosts: Hosts | None
) -> SourcePlan:
    """Group, plan paths and build redirects for one source."""
    kinds = {key: kind for key, kind, *_ in inputs.content} | {i.key: i.kind for i in inputs.assets}
    plan = SourcePlan(inputs.source, Groups(), None, kinds, rules=rules)
    plan.aliases = {alias: target for alias, (target, _) in inputs.aliases.items()}
    languages = {key: language or "fi" for key, _, language, _, _ in inputs.content}
    pages = [
        Page(key, languages[key], page_claims(translations, easy, languages[key], plan.key_for))
        for key, _, _, translations, easy in inputs.content
    ]
    plan.groups = group_pages(pages)
    if not spec_path.is_file():
        return plan
    spec = load_spec(spec_path)
    items = [Item(key, kind, languages[key]) for key, kind, *_ in inputs.content] + inputs.assets
    reserved: dict[str, str] = {}
    if hosts is not None:
        reserved = reserved_paths(kinds, inputs.aliases, hosts, spec.site_host)
    plan.urls = build_plan(spec, items, reserved.get)
    plan.retired = {key: target for key in inputs.retired if (target := _ancestor(key, plan.urls))}
    if hosts is not None:
        plan.redirects = build_redirects(
            plan.urls, hosts, inputs.aliases, kinds=kinds, retired=plan.retired
        )
    return plan


def _ancestor(key: str, urls: UrlPlan) -> str | None:
    """The nearest planned page above ``key``'s path (a retired listing's new home)."""
    parts = urlsplit(key)
    segments = [s for s in parts.path.split("/") if s]
    while segments:
        segments.pop()
        for path in ("/" + "/".join(segments), "/" + "/".join(segments) + "/"):
            candidate = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
            if candidate in urls.paths:
                return candidate
    return None


class StagePlan:
    """The services of :class:`MapContext` for one map run."""

    def __init__(
        self,
        sources: Mapping[str, SourcePlan],
        migrations: Mapping[str, tuple[str, str]],
        live: Mapping[str, set[str]],
        excluded: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        self.sources = dict(sources)
        self.migrations = dict(migrations)  # mapping id → (source, table)
        self.live = live
        self.excluded = dict(excluded or {})  # (source, key) → why an exclude rule left it out

    # PlanValues -------------------------------------------------------------------
    def value(self, name: str, context: Context) -> object:
        record = context.record
        plan = self.sources.get(record.source)
        if name == "translation_id":
            return Ref("content_translations", record.source, record.key)
        if name == "contact_id":
            contact = contact_key(context.item)
            return None if contact is None else Ref("contact_people", record.source, contact)
        if plan is None:
            return None
        if name in ("item_id", "item_key"):
            group = plan.groups.key_of.get(record.key, record.key)
            return group if name == "item_key" else Ref("content_items", record.source, group)
        if name == "new_path":
            return None if plan.urls is None else plan.urls.new_path(record.key)
        if name == "asset_id":
            item = context.item
            href = item.get("url") if isinstance(item, dict) else item
            key = plan.key_for(str(href)) if href else None
            if key is None or plan.kinds.get(key) != "attachment":
                return None
            return Ref("assets", record.source, key)
        return None

    # ReferenceResolver --------------------------------------------------------------
    def resolve(self, migration: str, source_key: str) -> Ref | None:
        """The row of ``source_key``; a record referring to one that an ``exclude:`` rule
        leaves out is skipped with that rule (a membership of a site that is no workspace)."""
        source, table = self.migrations[migration]
        reason = self.excluded.get((source, source_key))
        if reason is not None:
            raise SkipRecord(f"it refers to {source_key}, excluded: {reason}")
        return Ref(table, source, source_key) if source_key in self.live.get(source, ()) else None

    def stub(self, migration: str, source_key: str) -> Ref:
        source, table = self.migrations[migration]
        return Ref(table, source, source_key)

    # LinkMapper ---------------------------------------------------------------------
    def links(self, url: str) -> str | None:
        """The new path of an internal ``url`` of the online service, ``url`` itself for
        an external one, None for an internal target the plan does not know."""
        plan = self.sources.get("online_service")
        if plan is None or plan.urls is None:
            return url
        key = plan.key_for(url)
        if key is None:
            return url
        found = plan.urls.new_path(key) or plan.urls.new_path(plan.retired.get(key, ""))
        return found


def contact_key(item: object) -> str | None:
    """A contact person's key as the mappings make it: the e-mail (decoded), else the name."""
    if not isinstance(item, dict):
        return None
    email = str(item.get("email") or "").strip()
    if email and "@" not in email:
        email = decode_cfemail(email.rsplit("#", 1)[-1]) or ""
    if "@" in email:
        return email
    name = item.get("name")
    return str(name) if name else None


def spec_path(mappings_dir: Path, source: str) -> Path:
    return mappings_dir / source / PLAN_FILE
