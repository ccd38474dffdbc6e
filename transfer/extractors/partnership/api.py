"""Paged GETs of the headless API, with Liferay's page envelope checked and its traps guarded.

A list answer is ``{items, page, pageSize, lastPage, totalCount}`` (LIFERAY-API.md §3). An
expired OAuth token gets an *empty* 200 page, never a 401, so an empty page is only believed
when nothing said there should be items and, for bearer tokens, the token is shown to still
work (``/my-user-account`` answers 200, not 404). Otherwise the token is renewed and the page
asked again; a page that stays empty is an error, never an empty truth.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from transfer.errors import ExtractionError
from transfer.extractors.http import FetchFailed, HttpClient, Verdict
from transfer.extractors.partnership.auth import Authenticator

ADMIN = "/o/headless-admin-user/v1.0"
DELIVERY = "/o/headless-delivery/v1.0"
PROBE = f"{ADMIN}/my-user-account"
MAX_RENEWALS = 5
Json = dict[str, Any]


class ApiError(ExtractionError):
    """One API request failed for good (the collection it belongs to is incomplete)."""

    def __init__(self, what: str, where: str, status: int | None = None) -> None:
        super().__init__(
            what, where=where, next_step="run the same command again: the export resumes there"
        )
        self.status = status


class AccessRefused(ExtractionError):
    """401 or 403: the credentials are wrong or lack the permission; nothing else will work."""


@dataclass(frozen=True)
class Page:
    """One page of a collection, as the envelope describes it."""

    items: list[Json]
    page: int
    page_size: int  # what the server used (it clamps to its cap)
    last_page: int
    total: int | None
    url: str

    @property
    def is_last(self) -> bool:
        return self.page >= self.last_page or not self.items


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class Api:
    """GETs against ``fetch_url`` with the authenticator's header on every request."""

    def __init__(
        self,
        client: HttpClient,
        auth: Authenticator,
        fetch_url: str,
        *,
        emit: Callable[..., None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.auth = auth
        self.fetch_url = fetch_url.rstrip("/")
        self._emit = emit or (lambda event, **fields: None)
        self._sleep = sleep
        self.requests = 0
        self._counting = threading.Lock()  # pages are asked from several threads

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.fetch_url}{path}{query}"

    def headers(self) -> dict[str, str]:
        # All languages: workspace names and role titles come with every translation (*_i18n).
        return {
            "Accept": "application/json",
            "X-Accept-All-Languages": "true",
            **self.auth.header(),
        }

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> tuple[int, Any]:
        """(status, decoded JSON or None) of a GET; 401/403 raise :class:`AccessRefused`."""
        url = self.url(path, params)
        body = b""
        for attempt in range(2):  # a body that is not JSON is asked once more
            with self._counting:
                self.requests += 1
            try:
                result = self.client.get(url, headers=self.headers())
            except FetchFailed as exc:
                raise ApiError(
                    f"{exc.reason} after {exc.attempts} attempt(s)", url, exc.status
                ) from None
            if result.status in (401, 403):
                raise AccessRefused(
                    f"the platform refused the export account (HTTP {result.status})",
                    where=url,
                    next_step="check the credentials and that the account may read "
                    "every workspace (an administrator)",
                )
            if result.verdict is not Verdict.OK:
                return result.status, None
            body = result.body
            try:
                return result.status, json.loads(body)
            except ValueError:
                if attempt == 0:
                    self._emit("invalid_json", level="warning", url=url)
        raise ApiError(f"the answer is not JSON ({body[:40]!r}…)", url)

    def entity(self, path: str) -> Json | None:
        """One entity, or None when it does not exist. An expired token makes everything
        404, so with a bearer token a 404 is only believed once the token is shown to work."""
        for _ in range(MAX_RENEWALS + 1):
            generation = self.auth.current()
            status, body = self.get_json(path)
            if status == 200 and isinstance(body, dict):
                return body
            if status != 404:
                raise ApiError(f"HTTP {status}", self.url(path), status)
            if self.vouches(generation):
                return None
            self.auth.renew("not found", generation)
        raise ApiError("still not found after renewing the token", self.url(path), 404)

    def token_works(self) -> bool:
        """Whether the current credentials still see the export account (expiry probe)."""
        status, _ = self.get_json(PROBE)
        return status == 200

    def vouches(self, generation: int) -> bool:
        """Whether the token of ``generation``, the one an answer came with, is shown to work.

        The probe must run with that same token: when another thread renewed it meanwhile,
        the probe's 200 says nothing about the answer (seen as sections lost to an expired
        token), so a moved generation vouches for nothing and the caller asks again.
        """
        if not self.auth.can_expire:
            return True
        if self.auth.current() != generation:
            return False
        return self.token_works() and self.auth.generation == generation

    def page(
        self,
        path: str,
        page: int,
        page_size: int,
        *,
        params: Mapping[str, Any] | None = None,
        expected: int | None = None,
    ) -> Page:
        """Page ``page`` of ``path``. ``expected`` is the item count known before (from the
        previous page or the checkpoint).

        An empty page is believed only when nothing contradicts it: when ``expected`` said
        there were items, it is asked again (with a new token, for bearer tokens) and then
        believed only if the credentials are shown to work (the collection really shrank);
        an envelope that counts items its own page lacks is never believed.
        """
        query = {**(params or {}), "page": page, "pageSize": page_size}
        url = self.url(path, query)
        for round_ in range(MAX_RENEWALS + 1):
            generation = self.auth.current()
            status, body = self.get_json(path, query)
            if status != 200 or not isinstance(body, dict):
                raise ApiError(f"HTTP {status} for a collection page", url, status)
            result = self._parse(body, page, page_size, url)
            if result.items:
                return result
            doubt = self._doubt(result, expected, generation, asked_again=round_ > 0)
            if doubt is None:
                return result
            self._emit(
                "empty_page_suspected",
                level="warning",
                url=url,
                round=round_ + 1,
                expected=expected,
                doubt=doubt,
            )
            if self.auth.can_expire:
                self.auth.renew("empty page", generation)
            else:
                self._sleep(0.5 * (round_ + 1))
        raise ApiError(f"the page stayed empty although {expected} item(s) were announced", url)

    def _doubt(
        self, result: Page, expected: int | None, generation: int, *, asked_again: bool
    ) -> str | None:
        """Why an empty page cannot be believed yet, or None when it can."""
        before = (result.page - 1) * result.page_size
        if result.total is not None and result.total > before:
            return "the envelope counts items this page lacks"
        if expected is not None and expected > before:
            if asked_again and self.vouches(generation):
                self._emit(
                    "collection_shrank",
                    level="warning",
                    url=result.url,
                    expected=expected,
                    total=result.total,
                )
                return None
            return "an earlier page counted more items"
        # Nothing said there should be items: believed when the credentials still work.
        if self.vouches(generation):
            return None
        return "the token no longer works, or was renewed since the answer"

    @staticmethod
    def _parse(body: Json, page: int, page_size: int, url: str) -> Page:
        items = body.get("items")
        if items is None:
            items = []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ApiError("the page envelope's items are not a list of objects", url)
        size = _int(body.get("pageSize")) or page_size
        total = _int(body.get("totalCount"))
        last = _int(body.get("lastPage"))
        if last is None:
            last = (
                max(1, -(-total // size))
                if total is not None
                else (page + 1 if len(items) >= size else page)
            )
        return Page(items, _int(body.get("page")) or page, size, last, total, url)
