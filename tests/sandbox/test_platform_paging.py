"""Paging of the platform replica: every collection walked whole, envelopes, the 500 cap."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import pytest

from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.kinds import KINDS
from transfer.sandbox.platform.local import LocalClient, export_basic
from transfer.sandbox.settings import SandboxSettings

ADMIN = "/o/headless-admin-user/v1.0"
DELIVERY = "/o/headless-delivery/v1.0"


@pytest.fixture(scope="module")
def platform() -> Platform:
    return Platform(SandboxSettings(scale=0.02))


@pytest.fixture(scope="module")
def client(platform: Platform) -> LocalClient:
    return LocalClient(platform, export_basic(platform.settings))


def _walk_all(client: LocalClient, truth: dict[str, Any], size: int) -> dict[str, list[Any]]:
    """Every collection as an exporter walks it: sites from my-user-account, the rest below."""
    found: dict[str, list[Any]] = {}
    found["organizations"] = [
        o["id"] for o in client.walk(f"{ADMIN}/organizations?flatten=true", size)
    ]
    found["members"] = [m["id"] for m in client.walk(f"{ADMIN}/user-accounts", size)]
    sites = client.walk(f"{ADMIN}/my-user-account/sites", size)
    found["workspaces"] = [s["id"] for s in sites]
    for name in ("memberships", "sections", "threads", "posts", "folders", "files"):
        found[name] = []
    for site in sites:
        sid = site["id"]
        found["memberships"] += [
            (sid, m["id"]) for m in client.walk(f"{ADMIN}/sites/{sid}/user-accounts", size)
        ]
        for kind, path in (
            ("sections", "message-board-sections"),
            ("threads", "message-board-threads"),
            ("posts", "message-board-messages"),
            ("folders", "document-folders"),
            ("files", "documents"),
        ):
            found[kind] += [
                x["id"] for x in client.walk(f"{DELIVERY}/sites/{sid}/{path}?flatten=true", size)
            ]
    return found


@pytest.mark.parametrize("size", [7, 500])
def test_walking_every_collection_yields_the_truth_once(
    platform: Platform, client: LocalClient, size: int
) -> None:
    truth = platform.truth()
    found = _walk_all(client, truth, size)
    expected = {name: [e["id"] for e in truth[name]] for name in found if name != "memberships"}
    expected["memberships"] = [(m["site_id"], m["member_id"]) for m in truth["memberships"]]
    # The export account's sites are the workspaces and the portal's default site, of which
    # every account is a member.
    (default,) = truth["non_workspace_sites"]
    assert default["member_count"] == len(truth["members"])
    expected["workspaces"].append(default["id"])
    expected["memberships"] += [(default["id"], m["id"]) for m in truth["members"]]
    for name, ids in found.items():
        assert len(ids) == len(set(ids)), f"{name} repeated an item"
        assert sorted(ids) == sorted(expected[name]), name


@pytest.mark.parametrize(
    ("path", "total"),
    [
        (f"{ADMIN}/user-accounts", "members"),
        (f"{ADMIN}/organizations?flatten=true", "organizations"),
    ],
)
def test_envelope_counts_pages(
    client: LocalClient, platform: Platform, path: str, total: str
) -> None:
    count = len(platform.truth()[total])
    first = client.json(f"{path}{'&' if '?' in path else '?'}pageSize=7")
    assert set(first) == {
        "actions",
        "facets",
        "items",
        "lastPage",
        "page",
        "pageSize",
        "totalCount",
    }
    assert (first["page"], first["pageSize"], first["totalCount"]) == (1, 7, count)
    assert first["lastPage"] == math.ceil(count / 7)
    last = client.json(f"{path}{'&' if '?' in path else '?'}pageSize=7&page={first['lastPage']}")
    assert 0 < len(last["items"]) <= 7
    beyond = client.json(f"{path}{'&' if '?' in path else '?'}pageSize=7&page=99")
    assert beyond["items"] == []
    default = client.json(path)
    assert (default["page"], default["pageSize"]) == (1, 20)
    assert len(default["items"]) == min(20, count)


def test_empty_collection_has_last_page_one(client: LocalClient, platform: Platform) -> None:
    folder = next(
        f
        for f in platform.world.folders.values()
        if not platform.world.index.folder_children.get((f.site_id, f.id))
    )
    body = client.json(f"{DELIVERY}/document-folders/{folder.id}/document-folders")
    assert (body["items"], body["totalCount"], body["lastPage"]) == ([], 0, 1)


def test_non_flattened_lists_hold_only_the_top(client: LocalClient, platform: Platform) -> None:
    truth = platform.truth()
    tops = client.json(f"{ADMIN}/organizations?pageSize=500")["items"]
    assert sorted(o["id"] for o in tops) == sorted(
        o["id"] for o in truth["organizations"] if o["parent_id"] is None
    )
    for site in truth["workspaces"]:
        threads = client.json(f"{DELIVERY}/sites/{site['id']}/message-board-threads")
        assert all(t["messageBoardSectionId"] == 0 for t in threads["items"])
        docs = client.json(f"{DELIVERY}/sites/{site['id']}/documents?pageSize=500")["items"]
        assert sorted(d["id"] for d in docs) == sorted(
            f["id"] for f in truth["files"] if f["site_id"] == site["id"] and f["folder_id"] == 0
        )


@pytest.fixture(scope="module")
def bigger() -> LocalClient:
    platform = Platform(SandboxSettings(scale=0.3))  # 750 members: more than one full page
    return LocalClient(platform, export_basic(platform.settings))


@pytest.mark.parametrize(
    ("query", "page", "size"),
    [
        ("pageSize=1000", 1, 500),
        ("pageSize=-1", 1, 500),
        ("page=0&pageSize=10", 1, 500),
        ("page=2&pageSize=abc", 2, 20),
        ("page=x", 1, 20),
    ],
)
def test_page_size_cap_and_non_positive_values(
    bigger: LocalClient, query: str, page: int, size: int
) -> None:
    body = bigger.json(f"{ADMIN}/user-accounts?{query}")
    assert (body["page"], body["pageSize"]) == (page, size)
    assert len(body["items"]) == min(size, body["totalCount"] - (page - 1) * size)
    assert body["totalCount"] > 500


def test_a_page_of_500_is_rendered_once(
    bigger: LocalClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request of a page answers from the render cache: no item is rendered
    again, and the bytes are the same."""
    target = f"{ADMIN}/user-accounts?pageSize=500"
    first = bigger.get(target)
    rendered: list[int] = []
    user = KINDS["user"]

    def counting(world: Any, entity: Any, view: Any, files: Any) -> Any:
        rendered.append(entity.id)
        return user.render(world, entity, view, files)

    monkeypatch.setitem(KINDS, "user", dataclasses.replace(user, render=counting))
    again = bigger.get(target)
    assert rendered == []
    assert again.body == first.body
    assert len(json.loads(again.body)["items"]) == 500
