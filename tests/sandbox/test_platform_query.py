"""Query parameters and headers of the platform API: languages, fields, filter, sort, search."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.local import LocalClient, export_basic
from transfer.sandbox.settings import SandboxSettings

ADMIN = "/o/headless-admin-user/v1.0"
DELIVERY = "/o/headless-delivery/v1.0"


@pytest.fixture(scope="module")
def platform() -> Platform:
    return Platform(SandboxSettings(scale=0.05))


@pytest.fixture(scope="module")
def client(platform: Platform) -> LocalClient:
    return LocalClient(platform, export_basic(platform.settings))


def _trilingual(platform: Platform) -> dict[str, object]:
    return next(w for w in platform.truth()["workspaces"] if len(w["names"]) == 3)


def test_all_languages_header_fills_i18n_maps(platform: Platform, client: LocalClient) -> None:
    workspace = _trilingual(platform)
    plain = client.json(f"{ADMIN}/sites/{workspace['id']}")
    assert "name_i18n" not in plain
    full = client.json(f"{ADMIN}/sites/{workspace['id']}", {"X-Accept-All-Languages": "true"})
    assert full["name_i18n"] == workspace["names"]
    assert set(full["description_i18n"]) == {"fi-FI", "sv-SE", "en-US"}
    member = client.json(f"{ADMIN}/my-user-account", {"X-Accept-All-Languages": "true"})
    assert member["roleBriefs"][0]["name_i18n"]["en-US"] == "Administrator"


def test_accept_language_picks_the_value_or_falls_back(
    platform: Platform, client: LocalClient
) -> None:
    workspace = _trilingual(platform)
    names = workspace["names"]
    assert isinstance(names, dict)
    english = client.get(f"{ADMIN}/sites/{workspace['id']}", {"Accept-Language": "en-US"})
    assert json.loads(english.body)["name"] == names["en-US"]
    assert ("Content-Language", "en-US") in english.headers
    swedish = client.json(
        f"{ADMIN}/sites/{workspace['id']}", {"Accept-Language": "de-DE;q=0.9, sv;q=0.8"}
    )
    assert swedish["name"] == names["sv-SE"]
    finnish_only = next(w for w in platform.truth()["workspaces"] if len(w["names"]) == 1)
    fallback = client.json(f"{ADMIN}/sites/{finnish_only['id']}", {"Accept-Language": "en-US"})
    assert fallback["name"] == finnish_only["name"]
    admin = client.json(f"{ADMIN}/my-user-account", {"Accept-Language": "en-US"})
    assert {r["name"] for r in admin["roleBriefs"]} == {"Administrator", "Power User"}
    default = client.json(f"{ADMIN}/my-user-account")
    assert {r["key"] for r in default["roleBriefs"]} == {"Administrator", "Power User"}
    assert "Pääkäyttäjä" in {r["name"] for r in default["roleBriefs"]}


def test_fields_and_restrict_fields(client: LocalClient) -> None:
    only = client.json(f"{ADMIN}/user-accounts?fields=id,siteBriefs.name&pageSize=3")
    for item in only["items"]:
        assert set(item) <= {"id", "siteBriefs"}
        assert all(set(brief) == {"name"} for brief in item["siteBriefs"])
    assert set(only) >= {"items", "totalCount", "lastPage"}
    without = client.json(f"{ADMIN}/user-accounts?restrictFields=actions,siteBriefs.roleBriefs")
    for item in without["items"]:
        assert "actions" not in item and "id" in item
        assert all("roleBriefs" not in brief for brief in item["siteBriefs"])


def test_filter_on_dates_ids_and_strings(platform: Platform, client: LocalClient) -> None:
    members = platform.truth()["members"]
    cutoff = sorted(m["date_modified"] for m in members)[len(members) // 2]
    newer = client.walk(f"{ADMIN}/user-accounts?filter=" + quote(f"dateModified gt {cutoff}"))
    assert sorted(m["id"] for m in newer) == sorted(
        m["id"] for m in members if m["date_modified"] > cutoff
    )
    quoted = client.walk(
        f"{ADMIN}/user-accounts?filter="
        + quote(f"dateModified ge '{cutoff}' and status eq 'Active'")
    )
    assert all(m["dateModified"] >= cutoff and m["status"] == "Active" for m in quoted)
    one = members[3]["id"]
    found = client.json(f"{ADMIN}/user-accounts?filter=" + quote(f"id eq {one}"))
    assert [m["id"] for m in found["items"]] == [one]
    org = platform.truth()["organizations"][0]
    prefix = org["name"][:6]
    named = client.json(
        f"{ADMIN}/organizations?flatten=true&filter=" + quote(f"startswith(name, '{prefix}')")
    )
    assert org["id"] in {o["id"] for o in named["items"]}
    first, second = members[1]["id"], members[2]["id"]
    either = client.json(
        f"{ADMIN}/user-accounts?filter="
        + quote(f"(id eq {first} or id eq {second}) and not status eq 'Nobody'")
    )
    assert either["totalCount"] == 2


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("filter=password%20eq%20'x'", "not supported: password"),
        ("filter=dateModified%20gt", "Expected"),
        ("filter=dateModified%20%3E%202025-01-01", "Unable to parse"),
        ("filter=dateModified%20like%202025-01-01", "Unknown operator"),
        ("sort=password:asc", "Unable to sort by password"),
    ],
)
def test_bad_parameters_are_400_problems(client: LocalClient, query: str, fragment: str) -> None:
    response = client.get(f"{ADMIN}/user-accounts?{query}")
    assert response.status == 400
    problem = json.loads(response.body)
    assert problem["status"] == "BAD_REQUEST"
    assert fragment in problem["title"]


def test_sort_and_search(platform: Platform, client: LocalClient) -> None:
    newest = client.walk(f"{ADMIN}/user-accounts?sort=dateCreated:desc,id:asc")
    created = [m["dateCreated"] for m in newest]
    assert created == sorted(created, reverse=True)
    member = platform.truth()["members"][5]
    hits = client.walk(f"{ADMIN}/user-accounts?search={quote(member['alternate_name'])}")
    assert member["id"] in {m["id"] for m in hits}
    assert len(hits) < len(platform.truth()["members"])


def test_my_sites_ignore_filter_and_sort(platform: Platform, client: LocalClient) -> None:
    body = client.json(f"{ADMIN}/my-user-account/sites?filter=nonsense&pageSize=500")
    truth = platform.truth()
    assert body["totalCount"] == len(truth["workspaces"]) + len(truth["non_workspace_sites"])


def test_organization_ids_are_strings_but_briefs_are_numbers(client: LocalClient) -> None:
    orgs = client.json(f"{ADMIN}/organizations?flatten=true&pageSize=500")["items"]
    assert all(isinstance(o["id"], str) for o in orgs)
    members = client.walk(f"{ADMIN}/user-accounts")
    briefs = [b for m in members for b in m["organizationBriefs"]]
    assert briefs and all(isinstance(b["id"], int) for b in briefs)
    assert {str(b["id"]) for b in briefs} <= {o["id"] for o in orgs}
    business = [f for o in orgs for f in o.get("customFields", []) if f["name"] == "businessId"]
    assert business and all(f["dataType"] == "Text" for f in business)
