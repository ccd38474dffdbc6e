"""The platform replica serves no field that Liferay's headless API does not have.

The list of fields per entity is ``shared/liferay-fields.json``, kept beside the repository
(CI has a copy at the same place beside its clone). The walk calls every path of
``paths.ROUTES`` with real ids taken from the list endpoints, pages through every list, and
checks each item's top-level keys against its entity, the briefs and creators nested in it
against theirs, and every page envelope against the envelope keys. A replica that serves an
extra field lets an exporter rely on it, and the exporter then fails against the real portal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.local import LocalClient, export_basic
from transfer.sandbox.platform.paths import ADMIN, DELIVERY, ROUTES, match
from transfer.sandbox.settings import SandboxSettings

FIELDS_FILE = Path(__file__).resolve().parents[2] / ".." / "shared" / "liferay-fields.json"
PAGE_SIZE = 10  # small, so that the member and post lists span several pages

#: What each path answers: the entity of the item, or of the items of the page.
ENTITY_OF: dict[str, str] = {
    "/my-user-account": "UserAccount",
    "/my-user-account/sites": "Site",
    "/sites/by-friendly-url-path/{path}": "Site",
    "/sites/{site}": "Site",
    "/sites/{site}/user-accounts": "UserAccount",
    "/user-accounts": "UserAccount",
    "/user-accounts/by-email-address/{email}": "UserAccount",
    "/user-accounts/by-status/{status}": "UserAccount",
    "/user-accounts/{user}": "UserAccount",
    "/organizations": "Organization",
    "/organizations/{org}": "Organization",
    "/organizations/{org}/organizations": "Organization",
    "/organizations/{org}/user-accounts": "UserAccount",
    "/roles": "Role",
    "/roles/{role}": "Role",
    "/sites/{site}/message-board-sections": "MessageBoardSection",
    "/message-board-sections/{section}": "MessageBoardSection",
    "/message-board-sections/{section}/message-board-sections": "MessageBoardSection",
    "/message-board-sections/{section}/message-board-threads": "MessageBoardThread",
    "/sites/{site}/message-board-threads": "MessageBoardThread",
    "/message-board-threads/{thread}": "MessageBoardThread",
    "/message-board-threads/{thread}/message-board-messages": "MessageBoardMessage",
    "/message-board-threads/{thread}/message-board-attachments": "MessageBoardAttachment",
    "/message-board-messages/{message}": "MessageBoardMessage",
    "/message-board-messages/{message}/message-board-messages": "MessageBoardMessage",
    "/message-board-messages/{message}/message-board-attachments": "MessageBoardAttachment",
    "/sites/{site}/message-board-messages": "MessageBoardMessage",
    "/sites/{site}/documents": "Document",
    "/sites/{site}/document-folders": "DocumentFolder",
    "/document-folders/{folder}": "DocumentFolder",
    "/document-folders/{folder}/documents": "Document",
    "/document-folders/{folder}/document-folders": "DocumentFolder",
    "/documents/{document}": "Document",
}

#: Objects nested in any entity, by field name: each is checked against its own entity.
NESTED: dict[str, str] = {
    "creator": "Creator",
    "organizationBriefs": "OrganizationBrief",
    "roleBriefs": "RoleBrief",
    "siteBriefs": "SiteBrief",
    "userAccountBriefs": "UserAccountBrief",
}
#: Entities that nest whole entities of a kind: (entity, field) → entity.
NESTED_IN: dict[tuple[str, str], str] = {
    ("Organization", "childOrganizations"): "Organization",
    ("Organization", "parentOrganization"): "Organization",
    ("Site", "sites"): "Site",
}

#: How the export asks: plain, and with every optional part turned on (``*_i18n`` maps only
#: come with X-Accept-All-Languages, ``contentValue`` only with nestedFields).
VIEWS: dict[str, tuple[dict[str, str], str]] = {
    "plain": ({}, ""),
    "all-languages-nested": (
        {"X-Accept-All-Languages": "true", "Accept-Language": "en-US"},
        "nestedFields=contentValue",
    ),
}


@cache
def _liferay() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Envelope keys and fields per entity; a missing list is a failure, never a skip."""
    path = FIELDS_FILE.resolve()
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: the conformance test checks the replica against Liferay's "
            "field list in shared/liferay-fields.json beside the repository (CI keeps a copy "
            "of shared/ beside its clone); restore it there"
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    entities = {name: frozenset(names) for name, names in data["entities"].items()}
    return frozenset(data["page_envelope"]), entities


@dataclass
class Walk:
    """Every path of the replica called, with what it served that Liferay does not."""

    client: LocalClient
    headers: dict[str, str]
    query: str
    envelope: frozenset[str]
    entities: dict[str, frozenset[str]]
    problems: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)

    def _target(self, path: str, extra: str = "") -> str:
        query = "&".join(part for part in (extra, self.query) if part)
        return path + ("?" + query if query else "")

    def _entity(self, path: str) -> tuple[str, str]:
        found = match(path)
        assert found is not None, f"{path}: the replica has no route for it"
        route = found[0]
        self.visited.add(route.template)
        assert route.template in ENTITY_OF, (
            f"the replica serves {route.base}{route.template}, which this test does not know: "
            "add its entity to ENTITY_OF"
        )
        return route.template, ENTITY_OF[route.template]

    def one(self, path: str) -> dict[str, Any]:
        """The item at ``path``, checked."""
        _, entity = self._entity(path)
        item = self.client.json(self._target(path), self.headers)
        self.check(f"GET {path}", entity, item, entity)
        return dict(item)

    def page(self, path: str, extra: str = "") -> list[dict[str, Any]]:
        """Every item of the list at ``path`` (``extra`` query), page by page, checked."""
        _, entity = self._entity(path)
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            paging = f"page={page}&pageSize={PAGE_SIZE}"
            target = self._target(path, "&".join(p for p in (extra, paging) if p))
            body = self.client.json(target, self.headers)
            where = f"GET {target}"
            for key in sorted(set(body) - self.envelope):
                self.problems.append(f"{where}: page envelope has {key!r}, not a Liferay key")
            for item in body["items"]:
                self.check(where, entity, item, entity)
            items.extend(body["items"])
            if page >= body["lastPage"]:
                return items
            page += 1

    def check(self, where: str, entity: str, value: Any, trail: str) -> None:
        """``value``'s keys against ``entity``, and its nested briefs against theirs."""
        if not isinstance(value, Mapping):
            self.problems.append(f"{where}: {trail} is {type(value).__name__}, not an object")
            return
        allowed = self.entities[entity]
        for key, inner in value.items():
            if key not in allowed:
                self.problems.append(
                    f"{where}: {trail} has {key!r}, which Liferay's {entity} does not have"
                )
                continue
            nested = NESTED_IN.get((entity, key)) or NESTED.get(key)
            if nested is None:
                continue
            for n, element in enumerate(inner if isinstance(inner, list) else [inner]):
                suffix = f"[{n}]" if isinstance(inner, list) else ""
                self.check(where, nested, element, f"{trail}.{key}{suffix} ({nested})")


def _walk(walk: Walk) -> None:
    walk.one(f"{ADMIN}/my-user-account")
    sites = walk.page(f"{ADMIN}/my-user-account/sites")
    assert sites, "the export account sees no site"
    members = walk.page(f"{ADMIN}/user-accounts")
    for status in ("Active", "Inactive"):
        walk.page(f"{ADMIN}/user-accounts/by-status/{status}")
    for member in members:
        walk.one(f"{ADMIN}/user-accounts/{member['id']}")
        if member.get("emailAddress"):
            walk.one(f"{ADMIN}/user-accounts/by-email-address/{quote(member['emailAddress'])}")
    walk.page(f"{ADMIN}/organizations")
    for org in walk.page(f"{ADMIN}/organizations", "flatten=true"):
        walk.one(f"{ADMIN}/organizations/{org['id']}")
        walk.page(f"{ADMIN}/organizations/{org['id']}/organizations")
        walk.page(f"{ADMIN}/organizations/{org['id']}/user-accounts")
    for role in walk.page(f"{ADMIN}/roles"):
        walk.one(f"{ADMIN}/roles/{role['id']}")
    for site in sites:
        _walk_site(walk, site)


def _walk_site(walk: Walk, site: dict[str, Any]) -> None:
    sid = site["id"]
    walk.one(f"{ADMIN}/sites/{sid}")
    walk.one(f"{ADMIN}/sites/by-friendly-url-path/{site['friendlyUrlPath'].strip('/')}")
    walk.page(f"{ADMIN}/sites/{sid}/user-accounts")
    lists = {}
    for name in (
        "message-board-sections",
        "message-board-threads",
        "message-board-messages",
        "document-folders",
        "documents",
    ):
        walk.page(f"{DELIVERY}/sites/{sid}/{name}")
        lists[name] = walk.page(f"{DELIVERY}/sites/{sid}/{name}", "flatten=true")
    for section in lists["message-board-sections"]:
        base = f"{DELIVERY}/message-board-sections/{section['id']}"
        walk.one(base)
        walk.page(f"{base}/message-board-sections")
        walk.page(f"{base}/message-board-threads")
    for thread in lists["message-board-threads"]:
        base = f"{DELIVERY}/message-board-threads/{thread['id']}"
        walk.one(base)
        walk.page(f"{base}/message-board-messages")
        walk.page(f"{base}/message-board-attachments")
    for message in lists["message-board-messages"]:
        base = f"{DELIVERY}/message-board-messages/{message['id']}"
        walk.one(base)
        walk.page(f"{base}/message-board-messages")
        walk.page(f"{base}/message-board-attachments")
    for folder in lists["document-folders"]:
        base = f"{DELIVERY}/document-folders/{folder['id']}"
        walk.one(base)
        walk.page(f"{base}/documents")
        walk.page(f"{base}/document-folders")
    for document in lists["documents"]:
        walk.one(f"{DELIVERY}/documents/{document['id']}")


@pytest.fixture(scope="module")
def platform() -> Platform:
    return Platform(SandboxSettings(scale=0.02))


def _report(problems: list[str], limit: int = 40) -> Iterator[str]:
    yield f"{len(problems)} field(s) that Liferay's headless API does not serve:"
    yield from problems[:limit]
    if len(problems) > limit:
        yield f"... and {len(problems) - limit} more"


def test_the_field_list_names_every_entity_the_replica_serves() -> None:
    envelope, entities = _liferay()
    assert {"items", "totalCount", "lastPage", "page", "pageSize"} <= envelope
    served = {*ENTITY_OF.values(), *NESTED.values(), *NESTED_IN.values()}
    assert served <= set(entities), f"not in {FIELDS_FILE.name}: {sorted(served - set(entities))}"


def test_every_route_of_the_replica_is_known_here() -> None:
    templates = {route.template for route in ROUTES}
    assert templates == set(ENTITY_OF), (
        f"served but unknown here: {sorted(templates - set(ENTITY_OF))}; "
        f"known here but not served: {sorted(set(ENTITY_OF) - templates)}"
    )


def test_a_field_liferay_lacks_is_named_with_its_path_and_entity(platform: Platform) -> None:
    envelope, entities = _liferay()
    walk = Walk(LocalClient(platform), {}, "", envelope, entities)
    item = {
        "id": 1,
        "dateModified": "x",
        "siteBriefs": [{"id": 2, "roleBriefs": [{"id": 3, "x": 0}]}],
    }
    walk.check("GET /sites/1", "Site", item, "Site")
    walk.check("GET /users/1", "UserAccount", item, "UserAccount")
    assert walk.problems == [
        "GET /sites/1: Site has 'dateModified', which Liferay's Site does not have",
        "GET /sites/1: Site has 'siteBriefs', which Liferay's Site does not have",
        "GET /users/1: UserAccount.siteBriefs[0] (SiteBrief).roleBriefs[0] (RoleBrief) has "
        "'x', which Liferay's RoleBrief does not have",
    ]


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_every_item_of_every_path_has_only_liferay_fields(platform: Platform, view: str) -> None:
    envelope, entities = _liferay()
    headers, query = VIEWS[view]
    walk = Walk(
        LocalClient(platform, export_basic(platform.settings)), headers, query, envelope, entities
    )
    _walk(walk)
    unvisited = sorted({route.template for route in ROUTES} - walk.visited)
    assert not unvisited, f"the walk never called {unvisited}: the data has no id for them"
    if walk.problems:
        pytest.fail("\n".join(_report(walk.problems)), pytrace=False)
