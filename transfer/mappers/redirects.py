"""The redirect map: every old address of the online service → its path on the KEHA site.

Old addresses are the pages' and files' own URLs, the aliases the crawl found (moved
pages, duplicates, legacy-host redirects) and the pages the mappings retire (listings).
Each old path is redirected on every old host (the canonical host, its other names and the
legacy domains kotouttaminen.fi and integration.fi), with and without a trailing slash.
Rows hold host and path, so one row serves http and https; query parameters that select
nothing (``t=``, tracking, portlet state) are ignored when matching (:meth:`RedirectMap.find`).
Aliases are followed to their final page first, so no redirect leads to another: no
chains and no loops. A path on the KEHA site's own host that leads to itself is left out
(the page is served there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from transfer.mappers.url_plan import UrlPlan, old_path

REASONS = ("moved", "alias", "legacy_host", "attachment", "retired")


@dataclass(frozen=True, order=True)
class Redirect:
    """One row of the ``redirects`` table, with the record it belongs to (its target)."""

    old_host: str
    old_path: str
    new_path: str
    reason: str
    target_key: str


@dataclass(frozen=True)
class Hosts:
    """The hosts old addresses live on."""

    canonical: str
    aliases: tuple[str, ...] = ()
    legacy: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return (self.canonical, *self.aliases, *self.legacy)


@dataclass
class RedirectMap:
    """Redirects by (host, path), and what they lead to."""

    site_host: str
    rows: dict[tuple[str, str], Redirect] = field(default_factory=dict)
    unresolved: list[dict[str, str]] = field(default_factory=list)
    served: set[str] = field(default_factory=set)  # the new paths (pages served on site_host)
    _by_target: dict[str, list[Redirect]] | None = field(default=None, repr=False)

    def find(self, url: str, keep_query: Callable[[str], str] = lambda query: "") -> str | None:
        """The new path an old ``url`` leads to (any scheme, host case, trailing slash);
        ``keep_query`` filters the query to the parameters that select content."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        path = parts.path or "/"
        query = keep_query(parts.query)
        for candidate in (f"{path}?{query}" if query else path, path):
            found = self.rows.get((host, candidate))
            if found is not None:
                return found.new_path
            if host == self.site_host and candidate in self.served:
                return candidate
        return None

    def by_target(self) -> dict[str, list[Redirect]]:
        """Redirect rows per target record key, sorted (computed once)."""
        if self._by_target is None:
            self._by_target = {}
            for row in sorted(self.rows.values()):
                self._by_target.setdefault(row.target_key, []).append(row)
        return self._by_target


def follow(url: str, aliases: Mapping[str, str], limit: int = 50) -> str:
    """Where ``url`` ends after its aliases (a loop stops where it would repeat)."""
    seen = {url}
    for _ in range(limit):
        target = aliases.get(url)
        if target is None or target in seen:
            return url
        url = target
        seen.add(url)
    return url


def build_redirects(
    plan: UrlPlan,
    hosts: Hosts,
    aliases: Mapping[str, tuple[str, str]],
    *,
    kinds: Mapping[str, str],
    retired: Mapping[str, str] | None = None,
) -> RedirectMap:
    """Every old address → new path (see the module docstring).

    ``aliases`` is alias URL → (target URL, reason the crawl gave); ``kinds`` names each
    planned key's record kind; ``retired`` maps keys of records without a new path (skipped
    listings) to the planned key their old addresses lead to instead.
    """
    retired = dict(retired or {})
    targets = {alias: target for alias, (target, _) in aliases.items()}
    result = RedirectMap(plan.spec.site_host)
    # (priority, host, path) → candidate; an address's own host and path wins over a
    # twin on another host, so a legacy-only address keeps its own target.
    chosen: dict[tuple[str, str], tuple[int, Redirect]] = {}

    def offer(priority: int, host: str, path: str, key: str, reason: str) -> None:
        new_path = plan.paths[key]
        variants = [path]
        bare, _, query = path.partition("?")
        if bare != "/":
            variants.append(bare + "/" + (f"?{query}" if query else ""))
        for variant in variants:
            if host == plan.spec.site_host and variant == new_path:
                continue
            row = Redirect(host, variant, new_path, reason, key)
            slot = (host, variant)
            if slot not in chosen or (priority, row) < chosen[slot]:
                chosen[slot] = (priority, row)

    def twins(priority: int, url: str, key: str, reason: str, own_reason: str) -> None:
        parts = urlsplit(url)
        host, path = (parts.hostname or "").lower(), old_path(url)
        offer(priority, host, path, key, own_reason)
        for other in hosts.all:
            if other != host:
                twin_reason = "legacy_host" if other in hosts.legacy else reason
                if kinds.get(key) == "attachment":
                    twin_reason = "attachment"
                offer(priority + 1, other, path, key, twin_reason)

    for key in sorted(plan.paths):
        reason = "attachment" if kinds.get(key) == "attachment" else "moved"
        twins(0, key, key, reason, reason)
    for key, target in sorted(retired.items()):
        if target in plan.paths:
            twins(0, key, target, "retired", "retired")
    for alias, (_, crawl_reason) in sorted(aliases.items()):
        final = follow(alias, targets)
        found = final if final in plan.paths else retired.get(final)
        if found is None or found not in plan.paths:
            result.unresolved.append({"alias": alias, "final": final})
            continue
        host = (urlsplit(alias).hostname or "").lower()
        # the same page under another address (a duplicate, a mirror, a paged listing)
        reason = "alias" if crawl_reason in ("duplicate", "mirror", "canonical") else "moved"
        if host in hosts.legacy:
            reason = "legacy_host"
        if kinds.get(found) == "attachment":
            reason = "attachment"
        twins(2, alias, found, reason if reason != "legacy_host" else "moved", reason)
    result.rows = {slot: row for slot, (_, row) in sorted(chosen.items())}
    result.served = set(plan.paths.values())
    return result


def reserved_paths(
    keys: Iterable[str], aliases: Mapping[str, tuple[str, str]], hosts: Hosts, site_host: str
) -> dict[str, str]:
    """Old paths on the KEHA site's host (when it is an old host) → the key they lead to.

    The URL plan never gives one page the old path of another, so that no new path is
    also an old address that redirects elsewhere (which would be a chain).
    """
    if site_host not in hosts.all:
        return {}
    targets = {alias: target for alias, (target, _) in aliases.items()}
    out: dict[str, str] = {}
    for key in sorted(keys):
        out.setdefault(old_path(key).split("?", 1)[0].rstrip("/") or "/", key)
    for alias in sorted(aliases):
        out.setdefault(old_path(alias).split("?", 1)[0].rstrip("/") or "/", follow(alias, targets))
    return out
