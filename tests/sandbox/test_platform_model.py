"""The platform replica's generated content: determinism, size, and every trap at tiny scale."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from transfer.sandbox.platform import Platform, business_id
from transfer.sandbox.platform.build import build_world
from transfer.sandbox.platform.local import LocalClient, export_basic
from transfer.sandbox.platform.organizations import normalised_name
from transfer.sandbox.settings import SandboxSettings

TINY = SandboxSettings(scale=0.02)
ADMIN = "/o/headless-admin-user/v1.0"
DELIVERY = "/o/headless-delivery/v1.0"


@pytest.fixture(scope="module")
def platform() -> Platform:
    return Platform(TINY)


def _responses(platform: Platform) -> list[bytes]:
    client = LocalClient(platform, export_basic(platform.settings))
    site = platform.world.workspaces()[0].id
    targets = [
        f"{ADMIN}/organizations?flatten=true&pageSize=50",
        f"{ADMIN}/user-accounts",
        f"{ADMIN}/my-user-account/sites",
        f"{DELIVERY}/sites/{site}/documents?flatten=true",
        f"{DELIVERY}/sites/{site}/message-board-messages?flatten=true",
    ]
    return [client.get(target).body for target in targets]


def test_same_settings_give_the_same_bytes(platform: Platform) -> None:
    again = Platform(TINY)
    assert _responses(platform) == _responses(again)
    assert json.dumps(platform.truth(), sort_keys=True) == json.dumps(again.truth(), sort_keys=True)


def test_another_seed_gives_another_platform(platform: Platform) -> None:
    other = Platform(SandboxSettings(scale=0.02, seed=7))
    assert _responses(platform)[0] != _responses(other)[0]
    assert platform.truth()["organizations"] != other.truth()["organizations"]


def test_scale_one_matches_the_real_platform_within_ten_percent() -> None:
    world = build_world(SandboxSettings(scale=1.0))
    sizes = {
        "organizations": (len(world.organizations), 600),
        "members": (len(world.members), 2500),
        "workspaces": (len(world.workspaces()), 300),
        "posts": (len(world.messages), 6000),
        "files": (len(world.documents), 1500),
    }
    for name, (actual, target) in sizes.items():
        assert abs(actual - target) <= target * 0.1, (name, actual)


def test_every_trap_exists_at_tiny_scale(platform: Platform) -> None:
    truth = platform.truth()
    rules = {group["rule"] for group in truth["duplicate_organizations"]}
    assert rules == {"business-id", "normalised-name"}
    variants = {post["variant"] for post in truth["posts_by_deleted_members"]}
    assert variants == {"label", "absent"}
    for key in (
        "memberships_of_missing_workspaces",
        "inactive_members",
        "members_without_email",
        "missing_files",
        "large_files",
        "empty_files",
    ):
        assert truth[key], key
    posts = truth["posts"]
    by_id = {post["id"]: post for post in posts}
    assert any(post["parent_id"] and by_id[post["parent_id"]]["parent_id"] for post in posts)
    assert any(post["encoding_format"] == "bbcode" for post in posts)
    assert any(section["parent_id"] for section in truth["sections"])
    assert any(thread["section_id"] == 0 for thread in truth["threads"])
    assert any(thread["section_id"] != 0 for thread in truth["threads"])
    assert any(folder["parent_id"] for folder in truth["folders"])
    assert any(file["folder_id"] == 0 for file in truth["files"])
    orgs = {org["id"]: org for org in truth["organizations"]}
    assert any(org["parent_id"] and orgs[org["parent_id"]]["parent_id"] for org in orgs.values())
    assert any(file["size"] > 2_000_000 for file in truth["files"])
    assert any(file["size"] == 0 and file["content_url"] == "" for file in truth["files"])


def test_duplicate_groups_are_exactly_what_the_rules_find(platform: Platform) -> None:
    truth = platform.truth()
    by_rule: dict[str, defaultdict[str, list[str]]] = {
        "business-id": defaultdict(list),
        "normalised-name": defaultdict(list),
    }
    for org in truth["organizations"]:
        if org["business_id"]:
            by_rule["business-id"][business_id.normalise(org["business_id"])].append(org["id"])
        by_rule["normalised-name"][normalised_name(org["name"])].append(org["id"])
    found = sorted(
        (rule, sorted(ids))
        for rule, groups in by_rule.items()
        for ids in groups.values()
        if len(ids) > 1
    )
    expected = sorted(
        (group["rule"], sorted(group["ids"])) for group in truth["duplicate_organizations"]
    )
    assert found == expected
    spellings = {org["business_id"] for org in truth["organizations"] if org["business_id"]}
    assert any(not business_id.is_valid(raw) for raw in spellings)  # written differently
    assert all(business_id.is_valid(business_id.normalise(raw)) for raw in spellings)


@pytest.mark.parametrize(
    ("body", "digit"), [("9123456", 5), ("9000000", 3), ("9000007", 0), ("9000002", None)]
)
def test_business_id_check_digit(body: str, digit: int | None) -> None:
    """Worked by hand: weights 7 9 10 5 8 4 2, sum mod 11, 11 minus it; remainder 1 invalid."""
    assert business_id.check_digit(body) == digit
    if digit is not None:
        assert business_id.is_valid(f"{body}-{digit}")
        assert not business_id.is_valid(f"{body}-{(digit + 1) % 10}")


@pytest.mark.parametrize("spelling", ["91234565", "9123456 5", "FI91234565", " 9123 456-5 "])
def test_business_id_spellings_normalise(spelling: str) -> None:
    assert business_id.normalise(spelling) == "9123456-5"


def test_truth_holds_no_secret(platform: Platform) -> None:
    text = json.dumps(platform.truth())
    for secret in (TINY.platform_password, TINY.client_secret, TINY.platform_username):
        assert secret not in text
    assert platform.truth()["credentials"]["basic"] == ["platform_username", "platform_password"]


def test_public_names_are_fictional(platform: Platform) -> None:
    for member in platform.truth()["members"]:
        email = member["email_address"]
        if email:
            assert email.endswith((".test", "example.fi", "example.org")), email
