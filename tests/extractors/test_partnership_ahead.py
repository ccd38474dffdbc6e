"""Pages asked ahead of the walk (``ahead.py``): taken only with the very arguments the walk
asks with, in its order; asked here otherwise; a failed request raises when taken; done
collections are not asked; never more than ``depth`` ahead."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import responses

from tests.extractors.test_partnership_token import BASE, client, page
from transfer.extractors.partnership.ahead import Ahead
from transfer.extractors.partnership.api import Api, ApiError
from transfer.extractors.partnership.auth import Authenticator, Credentials
from transfer.extractors.partnership.walk import Collection

FRESH = {"page": 1, "page_size": 2, "total": None, "count": 0, "done": False}


def _collection(n: int) -> Collection:
    return Collection(f"c{n}", "post", f"/o/c{n}", {"flatten": "true"})


def _url(n: int, number: int = 1) -> str:
    return f"{BASE}/o/c{n}?flatten=true&page={number}&pageSize=2"


def _api() -> Api:
    auth = Authenticator(Credentials("basic", "user@example.test", "pw-x-123"), client(), BASE)
    return Api(client(), auth, BASE, sleep=lambda s: None)


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(2) as executor:
        yield executor


def _calls(n: int, number: int = 1) -> int:
    return sum(call.request.url == _url(n, number) for call in responses.calls)


@responses.activate
def test_the_walk_takes_pages_asked_ahead_and_asks_the_others_itself(
    pool: ThreadPoolExecutor,
) -> None:
    for n in range(4):
        responses.get(_url(n), body=page([{"id": n}], 1, 1))
    responses.get(_url(1, 2), body=page([{"id": 11}], 2, 3))
    states: dict[str, dict[str, Any]] = {"c2": {**FRESH, "done": True}}
    ahead = Ahead(_api(), pool, 2, lambda c: states.get(c.name, FRESH))
    ahead.plan(_collection(n) for n in range(4))
    assert [i["id"] for i in ahead.page(_collection(0), 1, 2, None).items] == [0]
    # Another page of a collection, or other arguments: asked by the walk itself.
    assert [i["id"] for i in ahead.page(_collection(1), 2, 2, 3).items] == [11]
    assert [i["id"] for i in ahead.page(_collection(1), 1, 2, None).items] == [1]
    assert [i["id"] for i in ahead.page(_collection(3), 1, 2, None).items] == [3]
    pool.shutdown(wait=True)
    # Each page asked once; the done collection never.
    assert [_calls(0), _calls(1), _calls(1, 2), _calls(2), _calls(3)] == [1, 1, 1, 0, 1]


@responses.activate
def test_a_page_asked_with_other_arguments_is_asked_again(pool: ThreadPoolExecutor) -> None:
    responses.get(_url(0), body=page([{"id": 0}], 1, 1))
    ahead = Ahead(_api(), pool, 2, lambda c: FRESH)
    ahead.plan([_collection(0)])
    ahead.page(_collection(0), 1, 2, 5)  # a resumed walk would expect 5 items
    pool.shutdown(wait=True)
    assert _calls(0) == 2


@responses.activate
def test_a_failed_request_raises_when_the_walk_comes_to_it(pool: ThreadPoolExecutor) -> None:
    responses.get(_url(0), status=404)
    responses.get(_url(1), body=page([{"id": 1}], 1, 1))
    ahead = Ahead(_api(), pool, 2, lambda c: FRESH)
    ahead.plan(_collection(n) for n in range(2))
    with pytest.raises(ApiError, match="HTTP 404"):
        ahead.page(_collection(0), 1, 2, None)
    assert [i["id"] for i in ahead.page(_collection(1), 1, 2, None).items] == [1]


@responses.activate
def test_never_more_than_depth_ahead(pool: ThreadPoolExecutor) -> None:
    for n in range(6):
        responses.get(_url(n), body=page([{"id": n}], 1, 1))
    ahead = Ahead(_api(), pool, 2, lambda c: FRESH)
    ahead.plan(_collection(n) for n in range(6))
    pool.shutdown(wait=True)
    assert [_calls(n) for n in range(6)] == [1, 1, 0, 0, 0, 0]
