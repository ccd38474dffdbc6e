"""Links, redirects and translation groups: does every old and internal address lead
somewhere that exists in the target?

All lookups go to the scratch database (target paths and redirects noted during the
fidelity pass, the staging stores' aliases and failures), so nothing grows in memory;
the links of 500 bodies and 1,000 old URLs at a time have theirs fetched in a few queries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import html as lxml_html
from lxml.etree import ParserError
from sqlalchemy import Connection, select

from transfer.schema.content import ContentTranslation
from transfer.verification.collect import CheckCollector, Collects
from transfer.verification.scratch import Readable, Scratch

IGNORED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "#")
MAX_HOPS = 10


@dataclass(frozen=True)
class Hosts:
    """The site's canonical host (where old relative URLs lived) and its old hosts."""

    canonical: str
    aliases: frozenset[str]
    legacy: frozenset[str]

    @property
    def old(self) -> frozenset[str]:
        return self.legacy | self.aliases | {self.canonical}


#: An absolute path, or an http(s) URL on a plain host name, with no query, fragment,
#: parameters, spaces or control characters: split without urlsplit (see :func:`_split`).
_PLAIN_PATH = re.compile(r"/(?!/)[^\x00-\x20\x7f?#;\\]*")
_PLAIN_URL = re.compile(r"https?://([A-Za-z0-9.-]+)(/[^\x00-\x20\x7f?#;\\]*)?", re.IGNORECASE)


def _split(url: str) -> tuple[str, str, str]:
    """(host in lower case, path, query) as urlsplit gives them; plain paths and URLs
    (most addresses) are split by a pattern, which gives the same."""
    if _PLAIN_PATH.fullmatch(url):
        return "", url, ""
    plain = _PLAIN_URL.fullmatch(url)
    if plain:
        return plain[1].lower(), plain[2] or "/", ""
    return _urlsplit(url)


def _urlsplit(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.path or "/", parts.query


def _candidates(path: str, query: str) -> tuple[str, ...]:
    """The address with its query, then without (tracking and other parameters that the
    sites ignore, like ``?utm_source=…``)."""
    return (f"{path}?{query}", path) if query else (path,)


#: Paths or redirects fetched per query (their keys bound as parameters).
FETCH_CHUNK = 1000


@cache
def _paths_sql(count: int) -> str:
    """What ``count`` paths (bound) are."""
    return f"SELECT path, what FROM path WHERE path IN ({','.join('?' * count)})"  # noqa: S608


@cache
def _redirects_sql(count: int) -> str:
    """Where ``count`` (host, path) pairs (bound) lead: VALUES rows, each looked up by the
    redirect's key (CROSS JOIN: SQLite walks the batch, never the redirects)."""
    rows = ",".join(("(?,?)",) * count)
    return (
        f"SELECT r.host, r.path, r.new_path FROM (VALUES {rows}) v CROSS JOIN redirect r"  # noqa: S608
        " ON r.host = v.column1 AND r.path = v.column2"
    )


class _Lookups:
    """The target paths and redirects a batch of addresses needs, fetched in one query each
    (:meth:`fetch`); one not fetched is looked up on its own. The tables do not change
    while the checks read them, so a fetched answer is the answer."""

    def __init__(self, scratch: Readable) -> None:
        self.scratch = scratch
        self.paths: dict[str, str | None] = {}
        self.redirects: dict[tuple[str, str], str | None] = {}

    def clear(self) -> None:
        self.paths, self.redirects = {}, {}

    def fetch(self, paths: Iterable[str], redirects: Iterable[tuple[str, str]]) -> None:
        """Fetch what ``paths`` are and where ``redirects`` ((host, path) pairs) lead."""
        wanted = [path for path in dict.fromkeys(paths) if path not in self.paths]
        if wanted:
            self.paths.update(dict.fromkeys(wanted))
            for start in range(0, len(wanted), FETCH_CHUNK):
                chunk = wanted[start : start + FETCH_CHUNK]
                self.paths.update(self.scratch.db.execute(_paths_sql(len(chunk)), chunk))
        pairs = [pair for pair in dict.fromkeys(redirects) if pair not in self.redirects]
        if pairs:
            self.redirects.update(dict.fromkeys(pairs))
            for start in range(0, len(pairs), FETCH_CHUNK):
                some = pairs[start : start + FETCH_CHUNK]
                rows = self.scratch.db.execute(
                    _redirects_sql(len(some)), [part for pair in some for part in pair]
                )
                self.redirects.update(((host, path), new) for host, path, new in rows)

    def what(self, path: str) -> str | None:
        if path in self.paths:
            what = self.paths[path]
        else:
            what = self.scratch.scalar("SELECT what FROM path WHERE path = ?", path)
        return None if what is None else str(what)

    def redirect(self, host: str, path: str) -> str | None:
        if (host, path) in self.redirects:
            new = self.redirects[(host, path)]
        else:
            new = self.scratch.scalar(
                "SELECT new_path FROM redirect WHERE host = ? AND path = ?", host, path
            )
        return None if new is None else str(new)


def _resolves(lookups: _Lookups, path: str, query: str) -> str | None:
    """What a target path is (translation, asset), or None."""
    for candidate in _candidates(path, query):
        what = lookups.what(candidate)
        if what is not None:
            return what
    return None


def _redirect(lookups: _Lookups, host: str, path: str, query: str) -> str | None:
    for candidate in _candidates(path, query):
        new = lookups.redirect(host, candidate)
        if new is not None:
            return new
    return None


def _fetch_for(lookups: _Lookups, hosts: Iterable[str], splits: list[tuple[str, str]]) -> None:
    """Fetch the candidates of ``splits`` ((path, query) pairs) as paths, and as redirects
    on each of ``hosts`` (pairs with it)."""
    candidates = [c for path, query in splits for c in _candidates(path, query)]
    lookups.fetch(candidates, [(host, c) for host in hosts for c in candidates])


def _broken_in_source(scratch: Readable, hosts: Hosts, path: str, query: str) -> bool:
    for tail in _candidates(path, query):
        for host in sorted(hosts.old):
            for scheme in ("https", "http"):
                url = f"{scheme}://{host}{tail}"
                if scratch.scalar("SELECT 1 FROM failure WHERE url = ?", url):
                    return True
                if scratch.scalar("SELECT 1 FROM alias WHERE alias = ? AND status >= 400", url):
                    return True
    return False


#: Bodies whose links are checked together (their lookups fetched in one query each).
LINK_BATCH = 500


def check_links(connection: Connection, scratch: Readable, check: Collects, hosts: Hosts) -> None:
    """Every link in every target body: internal ones must resolve; old hosts are listed;
    broken ones are split into already broken in the source and introduced."""
    table = ContentTranslation.__table__
    query = select(table.c.source_key, table.c.new_path, table.c.body_html)
    result = connection.execution_options(stream_results=True, yield_per=500).execute(query)
    lookups = _Lookups(scratch)
    # Per body: its key, its page, and its links (None: the body is not parseable).
    batch: list[tuple[str, str, list[str] | None]] = []
    for key, new_path, body in result:
        if not body or not body.strip():
            continue
        try:
            root = lxml_html.fragment_fromstring(body, create_parent="div")
        except (ParserError, ValueError):
            batch.append((key, new_path, None))
            continue
        batch.append((key, new_path, [link.strip() for _e, _a, link, _p in root.iterlinks()]))
        if len(batch) >= LINK_BATCH:
            _check_bodies(lookups, check, hosts, batch)
            batch = []
    _check_bodies(lookups, check, hosts, batch)


_Link = tuple[str, str, str, str, str]  # link, absolute, host, path, query


def _parse(page: str, link: str) -> _Link | None:
    """The link made absolute against its page and split; None for one not to check."""
    if not link or link.lower().startswith(IGNORED_SCHEMES):
        return None
    # A plain path on a plain-path page: joining gives the link itself (no dot segments).
    if (
        _PLAIN_PATH.fullmatch(link)
        and "/." not in link
        and isinstance(page, str)
        and _PLAIN_PATH.fullmatch(page)
    ):
        return (link, link, "", link, "")
    # A plain http(s) URL on a plain-path page (one without a scheme): urljoin gives it back
    # as it is (its scheme differs from the page's), and it has no fragment to cut.
    plain = _PLAIN_URL.fullmatch(link)
    if plain and isinstance(page, str) and _PLAIN_PATH.fullmatch(page):
        return (link, link, plain[1].lower(), plain[2] or "/", "")
    absolute = urljoin(page, urldefrag(link)[0])
    return (link, absolute, *_split(absolute))


def _external(link: _Link) -> bool:
    return link[1].lower().startswith(("http://", "https://")) and bool(link[2])


def _check_bodies(
    lookups: _Lookups,
    check: Collects,
    hosts: Hosts,
    batch: list[tuple[str, str, list[str] | None]],
) -> None:
    """Check the links of a batch of bodies, in order, their lookups fetched first."""
    parsed = [
        (key, page, None if links is None else [_parse(page, link) for link in links])
        for key, page, links in batch
    ]
    lookups.clear()
    _fetch_for(
        lookups,
        (hosts.canonical,),
        [
            (link[3], link[4])
            for _key, _page, links in parsed
            for link in links or ()
            if link is not None and not _external(link)
        ],
    )
    for key, page, links in parsed:
        if links is None:
            check.problem("unreadable_body", key, "the body is not parseable HTML")
            continue
        for link in links:
            _check_link(lookups, check, hosts, key, page, link)


def _check_link(
    lookups: _Lookups,
    check: Collects,
    hosts: Hosts,
    key: str,
    page: str,
    parsed: _Link | None,
) -> None:
    if parsed is None:
        check.count("ignored")
        return
    check.count("links")
    link, _absolute, host, path, query = parsed
    if _external(parsed):
        if host in hosts.old:
            check.problem(
                "old_host_link",
                key,
                f"link still to the old host {host}",
                warning=True,
                link=link,
                page=page,
            )
        else:
            check.count("external")
        return
    if _resolves(lookups, path, query) is not None:
        check.count("resolved")
        return
    if _redirect(lookups, hosts.canonical, path, query) is not None:
        check.count("resolved_by_redirect")
        return
    if _broken_in_source(lookups.scratch, hosts, path, query):
        check.problem(
            "broken_in_source",
            key,
            "broken link, already broken in the source",
            warning=True,
            link=link,
            page=page,
        )
    else:
        check.problem(
            "broken_by_migration",
            key,
            "broken link introduced by the migration: no target page, asset or redirect",
            link=link,
            page=page,
        )


#: Old URLs checked together (their lookups fetched in a few queries).
URL_BATCH = 1000


def check_redirects(scratch: Scratch, check: CheckCollector, hosts: Hosts) -> None:
    """Every known old URL (live records and aliases of the online service) redirects to
    an existing target path, without chains or loops."""
    old_urls = scratch.db.execute(
        "SELECT url FROM src WHERE state = 'live' AND url IS NOT NULL AND system = ?"
        " UNION SELECT alias FROM alias WHERE system = ? AND coalesce(status, 0) < 400"
        " ORDER BY 1",
        ("online_service", "online_service"),
    )
    lookups = _Lookups(scratch)
    while batch := old_urls.fetchmany(URL_BATCH):
        urls = [(url, *_split(url)) for (url,) in batch]
        urls = [item for item in urls if item[1] in hosts.old]
        lookups.clear()
        # The old URLs (as redirects on their own host, as kept paths), then where their
        # redirects lead (each hop is looked up the same way; the rest one by one).
        for host, items in _by_host(urls).items():
            _fetch_for(lookups, (host,), items)
        hops = [
            _split(new)
            for _url, host, path, query in urls
            if (new := _redirect(lookups, host, path, query)) is not None
        ]
        for host, items in _by_host([("", *hop) for hop in hops], hosts.canonical).items():
            _fetch_for(lookups, (host,), items)
        for url, host, path, query in urls:
            _check_old_url(lookups, check, hosts, url, host, path, query)


def _by_host(
    urls: list[tuple[str, str, str, str]], default: str = ""
) -> dict[str, list[tuple[str, str]]]:
    """(path, query) of ``urls`` ((url, host, path, query)) by host (``default`` for none)."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for _url, host, path, query in urls:
        grouped.setdefault(host or default, []).append((path, query))
    return grouped


def _check_old_url(
    lookups: _Lookups,
    check: CheckCollector,
    hosts: Hosts,
    url: str,
    host: str,
    path: str,
    query: str,
) -> None:
    check.count("old_urls")
    new = _redirect(lookups, host, path, query)
    if new is None:
        if host == hosts.canonical and _resolves(lookups, path, query):
            check.count("kept_path")
        elif (removed := _removed_target(lookups.scratch, url)) is not None:
            check.problem(
                "redirect_to_removed_page",
                url,
                "the old address redirected to a page that is gone from the source:"
                " it leads nowhere on the old site either",
                warning=True,
                url=url,
                removed=removed,
            )
        else:
            check.problem("missing_redirect", url, "no redirect for this old URL", url=url)
        return
    _follow(lookups, check, hosts, url, new)


def _removed_target(scratch: Readable, url: str) -> str | None:
    """The page an old address redirected to in the source, when that page is gone from
    the source (removed there, e.g. during the freeze window), nothing live has its key or
    address, and it does not lead on (a moved page's old address redirects to the new one,
    so its old addresses must still reach it: they stay missing redirects); else None."""
    found = scratch.scalar(
        "SELECT a.target FROM alias a JOIN src s ON s.system = a.system AND s.key = a.target"
        " WHERE a.alias = ? AND s.state = 'gone'"
        " AND NOT EXISTS (SELECT 1 FROM src l WHERE l.system = a.system"
        "  AND (l.key = a.target OR l.url = a.target) AND l.state = 'live')"
        " AND NOT EXISTS (SELECT 1 FROM alias m WHERE m.system = a.system"
        "  AND m.alias = a.target)",
        url,
    )
    return None if found is None else str(found)


def _follow(lookups: _Lookups, check: CheckCollector, hosts: Hosts, url: str, new: str) -> None:
    hops = [new]
    while True:
        host, path, query = _split(hops[-1])
        if hops[-1].startswith(("http://", "https://")) and host not in hosts.old:
            check.count("to_external")
            return
        if _resolves(lookups, path, query) is not None:
            break
        following = _redirect(lookups, host or hosts.canonical, path, query)
        if following is None:
            check.problem(
                "redirect_to_missing",
                url,
                "the redirect leads to a path the target does not have",
                url=url,
                chain=hops,
            )
            return
        if following in hops or len(hops) >= MAX_HOPS:
            check.problem("redirect_loop", url, "the redirects loop", url=url, chain=hops)
            return
        hops.append(following)
    if len(hops) > 1:
        check.problem(
            "redirect_chain", url, f"{len(hops)} hops to the final page", url=url, chain=hops
        )
    else:
        check.count("ok")


def _mutual(scratch: Readable, key: str, url: str) -> bool:
    """Whether the page at ``url`` links back to ``key`` in its own language switcher."""
    row = scratch.db.execute(
        "SELECT translations FROM src WHERE key = ? OR url = ? LIMIT 1", (url, url)
    ).fetchone()
    if row is None:
        return False
    own = scratch.scalar("SELECT url FROM src WHERE key = ?", key)
    return any(
        isinstance(entry, dict) and entry.get("url") in (key, own) for entry in json.loads(row[0])
    )


def check_translations(scratch: Readable, check: Collects) -> None:
    """Every source translation group (hreflang language switcher) is one target item."""
    rows = scratch.db.execute(
        "SELECT s.key, s.translations, t.item FROM src s JOIN tr t ON t.key = s.key"
        " WHERE s.state = 'live' AND s.system = 'online_service' AND s.translations != '[]'"
        " ORDER BY s.key"
    )
    for key, translations, item in rows:
        check.count("groups")
        for entry in json.loads(translations):
            url = (entry or {}).get("url") if isinstance(entry, dict) else None
            if not url or url == key or entry.get("hreflang") == "x-default":
                continue
            other = scratch.scalar(
                "SELECT t.item FROM src s JOIN tr t ON t.key = s.key"
                " WHERE s.key = ? OR s.url = ? LIMIT 1",
                url,
                url,
            )
            if other is None:
                if scratch.scalar("SELECT 1 FROM src WHERE key = ? OR url = ?", url, url):
                    check.problem(
                        "translation_missing",
                        key,
                        f"the {entry.get('hreflang')} version is not in the target",
                        translation=url,
                    )
                continue
            check.count("pairs")
            if other != item and not _mutual(scratch, key, url):
                # The source's switchers disagree (one-sided or conflicting): the source has
                # no single group here, so the map stage's choice cannot be wrong.
                check.problem(
                    "ambiguous_in_source",
                    key,
                    f"the {entry.get('hreflang')} link is not returned by that page",
                    warning=True,
                    translation=url,
                )
            elif other != item:
                check.problem(
                    "group_split",
                    key,
                    f"the {entry.get('hreflang')} version belongs to another target item",
                    translation=url,
                    item=item,
                    other_item=other,
                )
