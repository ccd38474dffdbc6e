"""URL normalisation: every way of writing an address of the site becomes one key.

Rules come from the source profile: which hosts are the site (the canonical host and its
legacy aliases), which query parameters carry meaning (Liferay paging) and which are noise
(portlet state, ``t=`` cache busters, tracking), and whether trailing slashes matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

_NOT_WEB = ("javascript:", "mailto:", "tel:", "data:", "about:", "#")
#: Addresses whose key :meth:`UrlRules.normalise` remembers; past this, it starts afresh.
#: Every page repeats the navigation's links, so most addresses recur on every page.
NORMALISE_CACHE_SIZE = 50_000


@dataclass(frozen=True)
class UrlRules:
    """How to normalise and scope URLs of one site."""

    canonical_scheme: str
    canonical_host: str
    host_aliases: frozenset[str]  # other names of the same site: mapped to the canonical host
    keep_query: tuple[re.Pattern[str], ...]
    keep_query_with_kept: tuple[re.Pattern[str], ...] = ()
    strip_trailing_slash: bool = True
    # Hosts of their own whose links count as internal (legacy domains): their URLs keep
    # their host, are fetched as such and are expected to redirect to the canonical site.
    legacy_hosts: frozenset[str] = frozenset()
    # (url, base) -> key: normalisation is a pure function of the rules and its arguments.
    _keys: dict[tuple[str, str | None], str | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # url -> its host, lower case (every link of every page is asked whether it is legacy)
    _hosts: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        # a copy for another process starts with empty caches
        return {**self.__dict__, "_keys": {}, "_hosts": {}}

    @property
    def root(self) -> str:
        return f"{self.canonical_scheme}://{self.canonical_host}"

    def is_site_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host == self.canonical_host or host in self.host_aliases or host in self.legacy_hosts

    def is_legacy(self, url: str) -> bool:
        return self.host_of(url) in self.legacy_hosts

    def normalise(self, url: str, base: str | None = None) -> str | None:
        """The canonical key of ``url`` (resolved against ``base``), or None when the URL is
        not a web address of this site."""
        keys = self._keys
        try:
            return keys[url, base]
        except KeyError:
            pass
        key = self._normalise(url, base)
        if len(keys) >= NORMALISE_CACHE_SIZE:
            keys.clear()
        keys[url, base] = key
        return key

    def _normalise(self, url: str, base: str | None) -> str | None:
        url = url.strip()
        if not url or url.lower().startswith(_NOT_WEB):
            return None
        absolute = urljoin(base or self.root + "/", url)
        parts = urlsplit(absolute)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        host = parts.hostname.lower().rstrip(".")
        if not self.is_site_host(host):
            return None
        scheme, host = (
            (parts.scheme.lower(), host)
            if host in self.legacy_hosts
            else (self.canonical_scheme, self.canonical_host)
        )
        query = self._filter_query(parts.query)
        path = parts.path or "/"
        if self.strip_trailing_slash and len(path) > 1:
            path = path.rstrip("/") or "/"
        rebuilt = urlunsplit((scheme, host, path, query, ""))
        return canonicalize_url(rebuilt, keep_fragments=False)

    def _filter_query(self, query: str) -> str:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if any(p.search(k) for p in self.keep_query)]
        if kept:
            kept += [
                (k, v)
                for k, v in pairs
                if any(p.search(k) for p in self.keep_query_with_kept) and (k, v) not in kept
            ]
        return urlencode(kept)

    def on_canonical_host(self, key: str) -> str:
        """The same normalised address on the canonical host (a mirror's page there)."""
        parts = urlsplit(key)
        return urlunsplit((self.canonical_scheme, self.canonical_host, parts.path, parts.query, ""))

    def fold_target(self, key: str, declared: str | None) -> str | None:
        """The record a page answering 200 under ``key`` belongs to, when not ``key``.

        A page on a legacy host that answers instead of redirecting (a mirror) belongs to
        the canonical it declares (``<link rel="canonical">``) when that is on the site and
        not on a legacy host, else to the same address on the canonical host. A page whose
        declared canonical differs only in the query (a paged listing whose canonical is the
        bare listing) belongs to that canonical. Other declared canonicals are not trusted.
        """
        target = self.normalise(declared, key) if declared else None
        if self.is_legacy(key):
            if target is not None and not self.is_legacy(target):
                return target
            return self.on_canonical_host(key)
        if target is None or target == key:
            return None
        mine, theirs = urlsplit(key), urlsplit(target)
        if (mine.netloc, mine.path) == (theirs.netloc, theirs.path):
            return target
        return None

    def host_of(self, url: str) -> str:
        hosts = self._hosts
        host = hosts.get(url)
        if host is None:
            host = (urlsplit(url).hostname or "").lower()
            if len(hosts) >= NORMALISE_CACHE_SIZE:
                hosts.clear()
            hosts[url] = host
        return host

    def is_internal(self, url: str, base: str | None = None) -> bool:
        return self.normalise(url, base) is not None

    def to_fetch(self, key: str, fetch_base: str) -> tuple[str, dict[str, str]]:
        """Where to fetch ``key`` from, and the headers that say which host is meant.

        With a fetch base, every host of the site is fetched from there (the same path and
        query), with a ``Host`` header naming the host the key is on.
        """
        if not fetch_base:
            return key, {}
        parts = urlsplit(key)
        path = urlunsplit(("", "", parts.path, parts.query, ""))
        return fetch_base.rstrip("/") + path, {"Host": parts.netloc}

    def from_fetch(self, url: str, fetch_base: str, key: str) -> str:
        """The address of a URL on ``fetch_base`` as the site knows it (a relative redirect
        resolved against the fetch base), on the host of ``key``."""
        base = fetch_base.rstrip("/")
        if base and url.startswith(base):
            parts = urlsplit(key)
            return f"{parts.scheme}://{parts.netloc}{url[len(base) :]}"
        return url
