"""Where a URL leads on the replica: a page, a file, a redirect, a service path or nothing.

:func:`locate` is the single routing rule; the request handler and the truth's link
resolution both use it, so the truth says exactly what the server does.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .context import HOST_URL
from .model import GROUP_ID, Site
from .search import SEARCH_PATHS
from .theme import ASSETS

MAIN_HOSTS = frozenset({"kotoutuminen.fi", "", "localhost", "127.0.0.1", "::1", "[::1]"})
LEGACY = {
    "kotouttaminen.fi": "kotouttaminen.fi",
    "www.kotouttaminen.fi": "kotouttaminen.fi",
    "integration.fi": "integration.fi",
    "www.integration.fi": "integration.fi",
}
SERVICE_PATHS = frozenset({"/robots.txt", "/sitemap.xml", *SEARCH_PATHS, *ASSETS})


@dataclass(frozen=True)
class Located:
    """The outcome of routing one (host, path)."""

    kind: str  # page, attachment, redirect, service, missing, foreign
    pid: int | None = None
    aid: int | None = None
    location: str | None = None  # absolute URL of a redirect

    @property
    def found(self) -> bool:
        return self.kind in ("page", "attachment", "service")


def normal_host(host: str) -> str:
    """The host without port, lower-cased (``[::1]:8080`` -> ``[::1]``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def claims(host: str) -> bool:
    """Whether the online service answers for this Host header."""
    name = normal_host(host)
    return (
        name in MAIN_HOSTS
        or name == "www.kotoutuminen.fi"
        or name in LEGACY
        or name.startswith("127.")
    )


def _legacy(site: Site, host: str, path: str) -> Located:
    """The legacy hosts forward every path to the same path on the current host, except
    the old paths that only they had, which go straight to today's page."""
    if path in site.legacy_only and site.legacy_only[path] in site.pages:
        return Located("redirect", location=HOST_URL + site.pages[site.legacy_only[path]].path)
    if host == "integration.fi" and path in ("", "/"):
        return Located("redirect", location=f"{HOST_URL}/sv")
    return Located("redirect", location=HOST_URL + (path or "/"))


def _attachment(site: Site, path: str) -> Located:
    parts = path.split("/")
    if len(parts) >= 6 and parts[2] == str(GROUP_ID):
        aid = site.by_uuid.get(parts[-1])
        if aid is not None and str(site.attachments[aid].folder_id) == parts[3]:
            return Located("attachment", aid=aid)
    return Located("missing")


def locate(site: Site, host: str, path: str) -> Located:
    """Route a percent-decoded path on a host (Host header form) to its outcome."""
    name = normal_host(host)
    if name in LEGACY:
        if "mirror-legacy" in site.variants and path not in site.legacy_only:
            # the old domain serves the site itself (200, same pages) instead of redirecting
            return locate(site, "kotoutuminen.fi", path or "/")
        return _legacy(site, LEGACY[name], path)
    if not claims(host):
        return Located("foreign")
    if name == "www.kotoutuminen.fi":
        return Located("redirect", location=HOST_URL + path)
    pid = site.by_path.get(path)
    if pid is not None:
        return Located("page", pid=pid)
    if path in site.history:
        return Located("redirect", location=HOST_URL + site.pages[site.history[path]].path)
    if path in site.manual_redirects:
        return Located("redirect", location=HOST_URL + site.manual_redirects[path])
    if path.startswith("/documents/"):
        return _attachment(site, path)
    if path in SERVICE_PATHS:
        return Located("service")
    if len(path) > 1 and path.endswith("/"):
        inner = locate(site, host, path.rstrip("/"))
        if inner.kind == "page":
            return Located("redirect", location=HOST_URL + path.rstrip("/"))
    return Located("missing")


@dataclass(frozen=True)
class Followed:
    """Where an href in a page ends up after following redirects."""

    href: str
    scope: str  # internal, legacy, external, script, fragment
    final: Located
    hops: tuple[str, ...]  # absolute URLs of the redirect targets, in order


def follow(site: Site, href: str, max_hops: int = 5) -> Followed:
    """Resolve an href as a browser on ``https://kotoutuminen.fi/`` would, through redirects."""
    if href.startswith("javascript:"):
        return Followed(href, "script", Located("foreign"), ())
    if href.startswith("#"):
        return Followed(href, "fragment", Located("service"), ())
    parts = urlsplit(href)
    host = parts.hostname or ""
    if parts.scheme and parts.scheme not in ("http", "https"):
        return Followed(href, "external", Located("foreign"), ())
    scope = "legacy" if host in LEGACY else "internal" if not host or claims(host) else "external"
    if scope == "external":
        return Followed(href, scope, Located("foreign"), ())
    located = locate(site, host or "kotoutuminen.fi", unquote(parts.path))
    hops: list[str] = []
    while located.kind == "redirect" and located.location and len(hops) < max_hops:
        hops.append(located.location)
        nxt = urlsplit(located.location)
        located = locate(site, nxt.hostname or "", unquote(nxt.path))
    return Followed(href, scope, located, tuple(hops))
