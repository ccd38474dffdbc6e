"""The portal's default site: served like any site, every account a member, not a workspace."""

from __future__ import annotations

from typing import Any

import pytest

from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.local import LocalClient, export_basic
from transfer.sandbox.settings import SandboxSettings

ADMIN = "/o/headless-admin-user/v1.0"
DELIVERY = "/o/headless-delivery/v1.0"
ALL_LANGUAGES = {"X-Accept-All-Languages": "true"}


@pytest.fixture(scope="module")
def platform() -> Platform:
    return Platform(SandboxSettings(scale=0.02, epoch=1))


@pytest.fixture(scope="module")
def client(platform: Platform) -> LocalClient:
    return LocalClient(platform, export_basic(platform.settings))


def _default(platform: Platform) -> dict[str, Any]:
    (site,) = platform.truth()["non_workspace_sites"]
    return dict(site)


def test_the_truth_names_it_apart_from_the_workspaces(platform: Platform) -> None:
    truth = platform.truth()
    site = _default(platform)
    assert site == {
        "id": site["id"],
        "name": "Liferay DXP",
        "friendly_url_path": "/guest",
        "kind": "default",
        "member_count": len(truth["members"]),
    }
    assert site["id"] not in {w["id"] for w in truth["workspaces"]}
    assert site["id"] not in {m["site_id"] for m in truth["memberships"]}
    assert (
        truth["counts"]["workspaces"] == len(truth["workspaces"]) == len(platform.world.sites) - 1
    )
    added = truth["changes"][0]["added"]["memberships"]
    assert added and not [m for m in added if m.startswith(f"{site['id']}:")]


def test_its_id_is_fixed() -> None:
    ids = {
        Platform(SandboxSettings(scale=0.02, seed=s)).truth()["non_workspace_sites"][0]["id"]
        for s in (1, 7)
    }
    assert len(ids) == 1


def test_it_is_served_by_id_and_by_friendly_url(platform: Platform, client: LocalClient) -> None:
    site_id = _default(platform)["id"]
    by_id = client.json(f"{ADMIN}/sites/{site_id}", ALL_LANGUAGES)
    assert by_id == client.json(f"{ADMIN}/sites/by-friendly-url-path/guest", ALL_LANGUAGES)
    assert by_id["friendlyUrlPath"] == "/guest"
    assert by_id["name"] == by_id["descriptiveName"] == "Liferay DXP"
    assert set(by_id["name_i18n"].values()) == {"Liferay DXP"}
    assert "dateCreated" not in by_id and "dateModified" not in by_id


def test_every_account_is_a_member(platform: Platform, client: LocalClient) -> None:
    site_id = _default(platform)["id"]
    accounts = client.walk(f"{ADMIN}/user-accounts")
    members = client.walk(f"{ADMIN}/sites/{site_id}/user-accounts")
    assert sorted(m["id"] for m in members) == sorted(a["id"] for a in accounts)
    new = platform.truth()["changes"][0]["added"]["members"]
    assert new and set(new) <= {m["id"] for m in members}  # joined in the epoch round
    assert any(a["status"] == "Inactive" for a in members)
    for account in accounts:
        briefs = [b for b in account["siteBriefs"] if b["id"] == site_id]
        assert len(briefs) == 1, account["id"]
        assert briefs[0]["name"] == "Liferay DXP" and briefs[0]["roleBriefs"] == []
    mine = client.walk(f"{ADMIN}/my-user-account/sites")
    assert site_id in {s["id"] for s in mine}


def test_it_holds_no_discussions_and_no_files(platform: Platform, client: LocalClient) -> None:
    site_id = _default(platform)["id"]
    for name in (
        "message-board-sections",
        "message-board-threads",
        "message-board-messages",
        "document-folders",
        "documents",
    ):
        body = client.json(f"{DELIVERY}/sites/{site_id}/{name}?flatten=true")
        assert body["totalCount"] == 0 and body["items"] == [], name
