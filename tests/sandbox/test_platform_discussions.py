"""Message boards as Liferay serves them: nested replies only through each message's own list."""

from __future__ import annotations

import pytest

from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.local import LocalClient, export_basic
from transfer.sandbox.platform.vocab import DELETED_USER_LABEL
from transfer.sandbox.settings import SandboxSettings

DELIVERY = "/o/headless-delivery/v1.0"
ADMIN = "/o/headless-admin-user/v1.0"


@pytest.fixture(scope="module")
def platform() -> Platform:
    return Platform(SandboxSettings(scale=0.02))


@pytest.fixture(scope="module")
def client(platform: Platform) -> LocalClient:
    return LocalClient(platform, export_basic(platform.settings))


def test_thread_lists_only_direct_replies_and_children_reach_the_rest(
    platform: Platform, client: LocalClient
) -> None:
    truth = platform.truth()
    seen: dict[int, dict[str, object]] = {}
    for workspace in truth["workspaces"]:
        threads = client.walk(
            f"{DELIVERY}/sites/{workspace['id']}/message-board-threads?flatten=true", 7
        )
        for thread in threads:
            root = client.json(
                f"{DELIVERY}/message-board-messages/{thread['messageBoardRootMessageId']}"
            )
            assert "parentMessageBoardMessageId" not in root
            assert root["headline"] == thread["headline"]
            seen[root["id"]] = root
            replies = client.walk(
                f"{DELIVERY}/message-board-threads/{thread['id']}/message-board-messages", 7
            )
            assert all(r["parentMessageBoardMessageId"] == root["id"] for r in replies)
            assert len(replies) == root["numberOfMessageBoardMessages"]
            queue = list(replies)
            while queue:
                message = queue.pop()
                seen[message["id"]] = message
                children = client.walk(
                    f"{DELIVERY}/message-board-messages/{message['id']}/message-board-messages", 7
                )
                assert len(children) == message["numberOfMessageBoardMessages"]
                assert all(c["parentMessageBoardMessageId"] == message["id"] for c in children)
                queue.extend(children)
    assert sorted(seen) == sorted(p["id"] for p in truth["posts"])
    for post in truth["posts"]:
        assert seen[post["id"]].get("parentMessageBoardMessageId") == post["parent_id"]
        assert seen[post["id"]]["messageBoardThreadId"] == post["thread_id"]


def test_flattened_children_and_site_lists(platform: Platform, client: LocalClient) -> None:
    truth = platform.truth()
    posts = {p["id"]: p for p in truth["posts"]}
    threads = {t["id"]: t for t in truth["threads"]}

    def below(post_id: int) -> set[int]:
        found = {p for p, post in posts.items() if post["parent_id"] == post_id}
        return found.union(*(below(p) for p in found)) if found else set()

    root = next(
        t["root_message_id"]
        for t in truth["threads"]
        if len(below(t["root_message_id"]))
        > len([p for p in posts.values() if p["parent_id"] == t["root_message_id"]])
    )
    flat = client.walk(
        f"{DELIVERY}/message-board-messages/{root}/message-board-messages?flatten=true"
    )
    assert {m["id"] for m in flat} == below(root)
    for workspace in truth["workspaces"]:
        site = workspace["id"]
        at_root = client.walk(f"{DELIVERY}/sites/{site}/message-board-messages")
        assert {m["id"] for m in at_root} == {
            p["id"]
            for p in posts.values()
            if p["site_id"] == site and threads[p["thread_id"]]["section_id"] == 0
        }


def test_sections_nest(platform: Platform, client: LocalClient) -> None:
    truth = platform.truth()
    child = next(s for s in truth["sections"] if s["parent_id"])
    site = child["site_id"]
    tops = client.walk(f"{DELIVERY}/sites/{site}/message-board-sections")
    assert child["id"] not in {s["id"] for s in tops}
    below = client.walk(
        f"{DELIVERY}/message-board-sections/{child['parent_id']}/message-board-sections"
    )
    assert [s["id"] for s in below] == [child["id"]]
    assert below[0]["parentMessageBoardSectionId"] == child["parent_id"]


def test_posts_of_deleted_members(platform: Platform, client: LocalClient) -> None:
    truth = platform.truth()
    members = {m["id"] for m in client.walk(f"{ADMIN}/user-accounts")}
    for entry in truth["posts_by_deleted_members"]:
        post = client.json(f"{DELIVERY}/message-board-messages/{entry['post_id']}")
        if entry["variant"] == "absent":
            assert "creator" not in post
        else:
            assert post["creator"]["id"] == entry["creator_id"]
            assert post["creator"]["name"] == DELETED_USER_LABEL
            assert entry["creator_id"] not in members
            response = client.get(f"{ADMIN}/user-accounts/{entry['creator_id']}")
            assert response.status == 404
