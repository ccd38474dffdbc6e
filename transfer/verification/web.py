"""Links, redirects and translation groups: does every old and internal address lead
somewhere that exists in the target?

All lookups go to the scratch database (target paths and redirects noted during the
fidelity pass, the staging stores' aliases and failures), so nothing grows in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import html as lxml_html
from lxml.etree import ParserError
from sqlalchemy import Connection, select

from transfer.schema.content import ContentTranslation
from transfer.verification.collect import CheckCollector
from transfer.verification.scratch import Scratch

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


def _split(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.path or "/", parts.query


def _candidates(path: str, query: str) -> tuple[str, ...]:
    """The address with its query, then without (tracking and other parameters that the
    sites ignore, like ``?utm_source=…``)."""
    return (f"{path}?{query}", path) if query else (path,)


def _resolves(scratch: Scratch, path: str, query: str) -> str | None:
    """What a target path is (translation, asset), or None."""
    for candidate in _candidates(path, query):
        what = scratch.scalar("SELECT what FROM path WHERE path = ?", candidate)
        if what is not None:
            return str(what)
    return None


def _redirect(scratch: Scratch, host: str, path: str, query: str) -> str | None:
    for candidate in _candidates(path, query):
        new = scratch.scalar(
            "SELECT new_path FROM redirect WHERE host = ? AND path = ?", host, candidate
        )
        if new is not None:
            return str(new)
    return None


def _broken_in_source(scratch: Scratch, hosts: Hosts, path: str, query: str) -> bool:
    for tail in _candidates(path, query):
        for host in sorted(hosts.old):
            for scheme in ("https", "http"):
                url = f"{scheme}://{host}{tail}"
                if scratch.scalar("SELECT 1 FROM failure WHERE url = ?", url):
                    return True
                if scratch.scalar("SELECT 1 FROM alias WHERE alias = ? AND status >= 400", url):
                    return True
    return False


def check_links(
    connection: Connection, scratch: Scratch, check: CheckCollector, hosts: Hosts
) -> None:
    """Every link in every target body: internal ones must resolve; old hosts are listed;
    broken ones are split into already broken in the source and introduced."""
    table = ContentTranslation.__table__
    query = select(table.c.source_key, table.c.new_path, table.c.body_html)
    result = connection.execution_options(stream_results=True, yield_per=500).execute(query)
    for key, new_path, body in result:
        if not body or not body.strip():
            continue
        try:
            root = lxml_html.fragment_fromstring(body, create_parent="div")
        except (ParserError, ValueError):
            check.problem("unreadable_body", key, "the body is not parseable HTML")
            continue
        for _element, _attribute, link, _pos in root.iterlinks():
            _check_link(scratch, check, hosts, key, new_path, link.strip())


def _check_link(
    scratch: Scratch, check: CheckCollector, hosts: Hosts, key: str, page: str, link: str
) -> None:
    if not link or link.lower().startswith(IGNORED_SCHEMES):
        check.count("ignored")
        return
    check.count("links")
    absolute = urljoin(page, urldefrag(link)[0])
    host, path, query = _split(absolute)
    if absolute.lower().startswith(("http://", "https://")) and host:
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
    if _resolves(scratch, path, query) is not None:
        check.count("resolved")
        return
    if _redirect(scratch, hosts.canonical, path, query) is not None:
        check.count("resolved_by_redirect")
        return
    if _broken_in_source(scratch, hosts, path, query):
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


def check_redirects(scratch: Scratch, check: CheckCollector, hosts: Hosts) -> None:
    """Every known old URL (live records and aliases of the online service) redirects to
    an existing target path, without chains or loops."""
    old_urls = scratch.db.execute(
        "SELECT url FROM src WHERE state = 'live' AND url IS NOT NULL AND system = ?"
        " UNION SELECT alias FROM alias WHERE system = ? AND coalesce(status, 0) < 400"
        " ORDER BY 1",
        ("online_service", "online_service"),
    )
    for (url,) in old_urls:
        host, path, query = _split(url)
        if host not in hosts.old:
            continue
        check.count("old_urls")
        new = _redirect(scratch, host, path, query)
        if new is None:
            if host == hosts.canonical and _resolves(scratch, path, query):
                check.count("kept_path")
            elif (removed := _removed_target(scratch, url)) is not None:
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
            continue
        _follow(scratch, check, hosts, url, new)


def _removed_target(scratch: Scratch, url: str) -> str | None:
    """The page an old address redirected to in the source, when that page is gone from
    the source (removed there, e.g. during the freeze window) and nothing live replaced it;
    else None."""
    found = scratch.scalar(
        "SELECT a.target FROM alias a JOIN src s ON s.system = a.system AND s.key = a.target"
        " WHERE a.alias = ? AND s.state = 'gone' AND NOT EXISTS (SELECT 1 FROM src l"
        " WHERE l.system = a.system AND l.url = a.target AND l.state = 'live')",
        url,
    )
    return None if found is None else str(found)


def _follow(scratch: Scratch, check: CheckCollector, hosts: Hosts, url: str, new: str) -> None:
    hops = [new]
    while True:
        host, path, query = _split(hops[-1])
        if hops[-1].startswith(("http://", "https://")) and host not in hosts.old:
            check.count("to_external")
            return
        if _resolves(scratch, path, query) is not None:
            break
        following = _redirect(scratch, host or hosts.canonical, path, query)
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


def _mutual(scratch: Scratch, key: str, url: str) -> bool:
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


def check_translations(scratch: Scratch, check: CheckCollector) -> None:
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
