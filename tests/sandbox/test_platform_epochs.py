"""Epoch rounds: consecutive epochs differ exactly as ``truth()["changes"]`` says."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.local import LocalClient, export_basic
from transfer.sandbox.platform.serial import iso
from transfer.sandbox.settings import SandboxSettings

ADMIN = "/o/headless-admin-user/v1.0"
DELIVERY = "/o/headless-delivery/v1.0"
COLLECTIONS = (
    "organizations",
    "members",
    "workspaces",
    "memberships",
    "sections",
    "threads",
    "posts",
    "folders",
    "files",
)


@pytest.fixture(scope="module")
def epochs() -> list[Platform]:
    return [Platform(SandboxSettings(scale=0.02, epoch=e)) for e in range(3)]


def _keyed(truth: dict[str, Any], name: str) -> dict[Any, Any]:
    if name == "memberships":
        return {f"{m['site_id']}:{m['member_id']}": m for m in truth[name]}
    return {entry["id"]: entry for entry in truth[name]}


@pytest.mark.parametrize("epoch", [0, 1])
def test_consecutive_epochs_differ_exactly_as_changes_say(
    epochs: list[Platform], epoch: int
) -> None:
    before, after = epochs[epoch].truth(), epochs[epoch + 1].truth()
    assert after["changes"][:-1] == before["changes"]
    change = after["changes"][-1]
    assert change["round"] == epoch + 1
    extra = {"members": change["deactivated"], "files": change["replaced"]}
    for name in COLLECTIONS:
        old, new = _keyed(before, name), _keyed(after, name)
        assert set(old) <= set(new), f"{name}: something disappeared"
        added = sorted(set(new) - set(old), key=str)
        assert added == sorted(change["added"].get(name, []), key=str), name
        changed = sorted((k for k in old if old[k] != new[k]), key=str)
        expected = sorted({*change["modified"].get(name, []), *extra.get(name, [])}, key=str)
        assert changed == expected, name
    for name in ("members", "threads", "posts", "files"):
        assert change["added"][name], f"round {epoch + 1} added no {name}"
    for name in ("organizations", "workspaces", "posts", "files"):
        assert change["modified"][name], f"round {epoch + 1} modified no {name}"
    assert change["deactivated"] and change["replaced"]


def test_everything_is_dated_before_now(epochs: list[Platform]) -> None:
    for platform in epochs:
        truth = platform.truth()
        now = truth["now"]
        for name in COLLECTIONS:
            for entry in truth[name]:
                assert entry.get("date_modified", "") < now, (name, entry)


def test_a_delta_export_by_date_modified_finds_the_round(epochs: list[Platform]) -> None:
    platform = epochs[2]
    change = platform.truth()["changes"][-1]
    since = quote(f"dateModified gt {iso(epochs[1].settings.now)}")
    client = LocalClient(platform, export_basic(platform.settings))
    members = client.walk(f"{ADMIN}/user-accounts?filter={since}")
    assert sorted(m["id"] for m in members) == sorted(
        change["added"]["members"] + change["deactivated"]
    )
    assert all(m["status"] == "Inactive" for m in members if m["id"] in change["deactivated"])
    files: list[int] = []
    posts: list[int] = []
    for workspace in platform.truth()["workspaces"]:
        site = workspace["id"]
        files += [
            d["id"]
            for d in client.walk(f"{DELIVERY}/sites/{site}/documents?flatten=true&filter={since}")
        ]
        posts += [
            m["id"]
            for m in client.walk(
                f"{DELIVERY}/sites/{site}/message-board-messages?flatten=true&filter={since}"
            )
        ]
    assert sorted(files) == sorted(
        {*change["added"]["files"], *change["modified"]["files"], *change["replaced"]}
    )
    assert sorted(posts) == sorted({*change["added"]["posts"], *change["modified"]["posts"]})


def test_replaced_files_change_bytes_and_t(epochs: list[Platform]) -> None:
    before = {f["id"]: f for f in epochs[0].truth()["files"]}
    after = {f["id"]: f for f in epochs[1].truth()["files"]}
    for file_id in epochs[1].truth()["changes"][0]["replaced"]:
        old, new = before[file_id], after[file_id]
        assert old["sha256"] != new["sha256"]
        assert old["content_url"] != new["content_url"]
        assert old["content_url"].split("?")[0] == new["content_url"].split("?")[0]
