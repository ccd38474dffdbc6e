"""One URL of the post-launch check: its request on a kept-alive connection, and what its
answer must be.

:class:`Checker` checks batches of :class:`Probe` on its own threads and connections; the
post-launch check (``post_launch.py``) runs one in its own process, or one in each of its
checking processes (``check_processes.py``). Nothing is retried and no redirect is followed:
after a launch a flaky answer is a finding, and each redirect is checked by its status and
``Location``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3


@dataclass(frozen=True)
class Probe:
    """One URL to request and what it must answer."""

    kind: str  # redirect, page or asset
    url: str
    host: str | None  # Host header to send (old hosts through --old-base), else None
    status: int
    location: str | None = None  # expected Location path, for redirects
    follow: str | None = None  # the redirect's target on the site, which must answer 200
    # True when ``follow`` is a page or asset the check requests anyway (before any
    # redirect): its answer is taken from there instead of requesting it again.
    follow_checked: bool = False
    sha256: str | None = None  # expected body hash, for assets


@dataclass(frozen=True)
class Failure:
    kind: str
    url: str
    host: str | None
    expected: str
    got: str

    def as_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "url": self.url,
            "host": self.host,
            "expected": self.expected,
            "got": self.got,
        }


def _keep_alive_pool(concurrency: int, timeout_s: float) -> urllib3.PoolManager:
    """Kept-alive connections for ``concurrency`` workers, per host. urllib3 without
    ``requests`` on top: a request costs less than half the CPU, and the checker makes
    tens of thousands. No retries (a flaky answer is a finding), no following of redirects
    (each is checked by its status and Location)."""
    return urllib3.PoolManager(
        num_pools=16,
        maxsize=concurrency,
        block=True,  # never more than ``concurrency`` connections to one host
        retries=False,
        timeout=urllib3.Timeout(total=timeout_s),
    )


_NO_RETRIES = urllib3.Retry.from_int(False, redirect=False)  # what ``retries=False`` becomes
# An absolute URL as its origin and request target, split where urllib3's parser splits it.
_ORIGIN_AND_TARGET = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://[^\\/?#]*)(/.*)", re.DOTALL)


class _Requester:
    """``PoolManager.request("GET", url, redirect=False)``, for less CPU per request.

    The manager parses every URL again and looks its connection pool up by a normalised
    key, which cost more than the rest of the request; here a URL whose target has no dot
    segment and no fragment goes straight to its origin's pool (the manager's own), and
    urllib3 sends the same request line it would have sent (it only encodes what is not
    allowed in a target, as the manager's parser does). Any other URL goes through the
    manager as before."""

    def __init__(self, http: urllib3.PoolManager) -> None:
        self.http = http
        self._pools: dict[str, urllib3.HTTPConnectionPool] = {}

    def get(self, url: str, host: str | None = None) -> urllib3.BaseHTTPResponse:
        headers = {"Host": host} if host else None
        split = _ORIGIN_AND_TARGET.fullmatch(url)
        if split is None or "/." in split[2] or "#" in split[2]:
            return self.http.request("GET", url, headers=headers, redirect=False)
        origin, target = split[1], split[2]
        pool = self._pools.get(origin)
        if pool is None or pool.pool is None:  # new, or closed: the manager keeps num_pools
            pool = self._pools[origin] = self.http.connection_from_url(origin)
        return pool.urlopen(
            "GET",
            target,
            headers=self.http.headers if headers is None else headers,
            retries=_NO_RETRIES,
            redirect=False,
            assert_same_host=False,
        )


class Checker:
    """Checks batches of probes on ``concurrency`` threads and as many kept-alive
    connections per host. A redirect target that is no page or asset is requested once by
    a checker (see :func:`check`): the probes that lead to one target go to one checker."""

    def __init__(self, concurrency: int, timeout_s: float) -> None:
        self.http = _keep_alive_pool(concurrency, timeout_s)
        self.requester = _Requester(self.http)
        # another redirect target → what is wrong with it ("" if nothing)
        self.followed: dict[str, str] = {}
        self.threads = ThreadPoolExecutor(max_workers=concurrency)

    def check(self, batch: list[Probe], unreachable: Mapping[str, str]) -> list[Failure | None]:
        """Each probe's failure (``None`` when it answered as planned), in the batch's
        order. ``unreachable``: the checked pages and assets that did not answer 200, and
        what they answered (at least those the batch's redirects lead to)."""
        return list(
            self.threads.map(
                lambda probe: _check(self.requester, probe, unreachable, self.followed), batch
            )
        )

    def close(self) -> None:
        self.threads.shutdown(wait=True, cancel_futures=True)
        self.http.clear()


def _check(
    http: _Requester,
    probe: Probe,
    unreachable: Mapping[str, str],
    followed: dict[str, str],
) -> Failure | None:
    def fail(expected: str, got: str) -> Failure:
        return Failure(probe.kind, probe.url, probe.host, expected, got)

    try:
        response = http.get(probe.url, probe.host)
    except urllib3.exceptions.HTTPError as exc:
        return fail(f"HTTP {probe.status}", f"no answer: {type(exc).__name__}")
    if response.status != probe.status:
        return fail(f"HTTP {probe.status}", f"HTTP {response.status}")
    if probe.location is not None:
        location = response.headers.get("Location", "")
        # A relative Location is resolved against the URL asked, as a browser would; a
        # target on the site is compared by path (the site's host differs per environment),
        # one off the site as a whole URL.
        if location == probe.location:  # as nearly always: the same, however resolved
            same = True
        else:
            got, wanted = urljoin(probe.url, location), urljoin(probe.url, probe.location)
            same = (
                got == wanted
                if urlsplit(probe.location).scheme
                else _path_of(got) == _path_of(wanted)
            )
        if not location or not same:
            return fail(f"Location {probe.location}", f"Location {location or '(none)'}")
        if probe.follow is not None:
            if probe.follow_checked:
                answered = unreachable.get(probe.follow)
                problem = "" if answered is None else _target_problem(answered)
            else:
                # Many old addresses lead to one page: each target is requested once.
                if probe.follow not in followed:
                    followed[probe.follow] = _target_answer(http, probe.follow)
                problem = followed[probe.follow]
            if problem:
                return fail("target HTTP 200", problem)
    if probe.sha256 is not None:
        digest = hashlib.sha256(response.data).hexdigest()
        if digest != probe.sha256:
            return fail(f"sha256 {probe.sha256[:12]}…", f"sha256 {digest[:12]}…")
    return None


def _target_problem(answered: str) -> str:
    """A redirect's failure for a target that answered ``answered`` ("HTTP 404", "no
    answer: …") when checked itself."""
    return f"target {answered}" if answered.startswith("HTTP") else f"target: {answered}"


def _target_answer(http: _Requester, url: str) -> str:
    """What is wrong with a redirect's target ("" when it answers 200)."""
    try:
        status = http.get(url).status
    except urllib3.exceptions.HTTPError as exc:
        return _target_problem(f"no answer: {type(exc).__name__}")
    return "" if status == 200 else _target_problem(f"HTTP {status}")


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
