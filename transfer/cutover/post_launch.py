"""The post-launch check: request every old and new URL of the target and report failures.

After the cutover (or in rehearsal, against the target site of ``target_site.py``), every
old address must answer its redirect with the right ``Location``, every published page its
new path with 200, and every public asset its bytes with the stored sha256. Requests are
made concurrently in bounded batches, so memory stays flat however large the site is.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import groupby, islice
from urllib.parse import urljoin, urlsplit

import urllib3
from sqlalchemy import Engine, exists, or_, select

from transfer.config import Settings
from transfer.database import create_target_engine, target_url
from transfer.errors import CutoverError
from transfer.runs import Run
from transfer.schema.assets import Asset
from transfer.schema.content import ContentTranslation
from transfer.schema.redirects import Redirect

BATCH = 256
CONCURRENCY = 16  # requests at once, by default (8, 16 and 32 measured alike on loopback)


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


@dataclass
class PostLaunchResult:
    checked: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures and sum(self.checked.values()) > 0

    def describe(self) -> str:
        return f"{sum(self.checked.values())} URLs checked, {len(self.failures)} failed"


def probes(engine: Engine, base_url: str, old_base: str | None) -> Iterator[Probe]:
    """Every URL the check requests: pages first, then assets, then redirects.

    Old addresses go to ``https://<old host><path>``, or to ``old_base`` with the old host
    in the ``Host`` header (a redirect layer that is not in DNS yet, or the rehearsal site).
    A redirect whose target is a published page or a public asset is marked
    ``follow_checked``: that target has been requested as a page or asset by then.
    """
    base = base_url.rstrip("/")
    with engine.connect() as connection:
        pages = connection.execution_options(yield_per=BATCH).execute(
            select(ContentTranslation.new_path)
            .where(ContentTranslation.state == "published")
            .order_by(ContentTranslation.new_path)
        )
        for page in pages:
            yield Probe("page", base + page.new_path, None, 200)
        assets = connection.execution_options(yield_per=BATCH).execute(
            select(Asset.new_path, Asset.sha256)
            .where(Asset.new_path.is_not(None))
            .order_by(Asset.new_path)
        )
        for asset in assets:
            yield Probe("asset", f"{base}{asset.new_path}", None, 200, sha256=asset.sha256)
        is_page = exists().where(
            ContentTranslation.new_path == Redirect.new_path,
            ContentTranslation.state == "published",
        )
        is_asset = exists().where(Asset.new_path == Redirect.new_path)
        redirects = connection.execution_options(yield_per=BATCH).execute(
            select(
                Redirect.old_host,
                Redirect.old_path,
                Redirect.new_path,
                Redirect.status_code,
                or_(is_page, is_asset).label("checked"),
            ).order_by(Redirect.old_host, Redirect.old_path)
        )
        for redirect in redirects:
            on_site = not urlsplit(redirect.new_path).scheme
            if old_base is None:
                url, host = f"https://{redirect.old_host}{redirect.old_path}", None
            else:
                url, host = old_base.rstrip("/") + redirect.old_path, redirect.old_host
            yield Probe(
                "redirect",
                url,
                host,
                redirect.status_code,
                location=redirect.new_path,
                follow=base + redirect.new_path if on_site else None,
                follow_checked=on_site and bool(redirect.checked),
            )


def post_launch_check(
    engine: Engine,
    base_url: str,
    *,
    old_base: str | None = None,
    concurrency: int = CONCURRENCY,
    timeout_s: float = 10.0,
    progress: Callable[[PostLaunchResult], None] | None = None,
) -> PostLaunchResult:
    """Request every probe of :func:`probes` and collect what failed, with what was
    expected and what came. Nothing is retried: after a launch, a flaky answer is a finding.

    A redirect is checked by its status and ``Location``; its target must answer 200, and
    each target is requested once at most: a published page or public asset is requested
    as itself (before the redirects), any other target when a redirect first leads there."""
    result = PostLaunchResult()
    http = _keep_alive_pool(concurrency, timeout_s)
    requester = _Requester(http)
    # A checked page or asset that did not answer 200 → what it answered. Only failures
    # are kept, so memory stays flat however large the site is.
    unreachable: dict[str, str] = {}
    followed: dict[str, str] = {}  # another redirect target → what is wrong with it ("" if nothing)

    def check(probe: Probe) -> Failure | None:
        return _check(requester, probe, unreachable, followed)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for batch in _batches(probes(engine, base_url, old_base), BATCH):
            for probe, failure in zip(batch, pool.map(check, batch), strict=True):
                result.checked[probe.kind] += 1
                if failure is None:
                    continue
                result.failures.append(failure)
                if probe.kind != "redirect" and failure.expected == f"HTTP {probe.status}":
                    unreachable[probe.url] = failure.got
            if progress is not None:
                progress(result)
    http.clear()
    return result


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


def _batches(items: Iterable[Probe], size: int) -> Iterator[list[Probe]]:
    """Batches of at most ``size`` probes of one kind: every page and asset has answered
    before the first redirect is requested."""
    for _, same_kind in groupby(items, key=lambda probe: probe.kind):
        while batch := list(islice(same_kind, size)):
            yield batch


def _check(
    http: _Requester,
    probe: Probe,
    unreachable: dict[str, str],
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


def check_launch(
    settings: Settings,
    run: Run,
    *,
    base_url: str | None,
    old_base: str | None = None,
    concurrency: int = CONCURRENCY,
    progress: Callable[[PostLaunchResult], None] | None = None,
) -> PostLaunchResult:
    """The post-launch check as ``transfer post-launch-check`` runs it.

    With ``base_url`` it checks the launched site (old addresses at their own hosts, or at
    ``old_base``); without, it serves the target database as the rehearsal site on loopback,
    from a process of its own, and checks that. Writes ``post-launch.json`` and
    ``post-launch-failures.csv`` to the run folder; raises :class:`CutoverError` (exit 10)
    when anything failed or nothing was there.
    """
    from transfer.cutover.site_process import serve_target_site_process  # rehearsals only
    from transfer.loaders.options import LoadOptions

    url = target_url(settings.target)
    engine = create_target_engine(url)
    started, cpu_before, children_before = time.monotonic(), time.process_time(), _children_cpu()
    try:
        if base_url is not None:
            result = post_launch_check(
                engine, base_url, old_base=old_base, concurrency=concurrency, progress=progress
            )
        else:
            media = LoadOptions.from_settings(settings).media_dir
            # The site in a process of its own: checker and site do not share a core.
            with serve_target_site_process(url, media, connections=concurrency) as served:
                result = post_launch_check(
                    engine, served, old_base=served, concurrency=concurrency, progress=progress
                )
    finally:
        engine.dispose()
    _write_artefacts(run, result, base_url or "rehearsal site")
    run.events.emit(
        "post_launch",
        "checked",
        level="error" if result.failures else "info",
        checked=dict(result.checked),
        failures=len(result.failures),
        seconds=round(time.monotonic() - started, 1),
        # CPU of the checker (this process) and of the rehearsal site (its child), apart
        checker_cpu_s=round(time.process_time() - cpu_before, 1),
        site_cpu_s=None if base_url is not None else round(_children_cpu() - children_before, 1),
    )
    if not result.passed:
        shown = "; ".join(
            f"{f.url}{f' (Host {f.host})' if f.host else ''}: {f.expected}, got {f.got}"
            for f in result.failures[:3]
        )
        what = (
            f"{len(result.failures)} of {sum(result.checked.values())} URL(s) failed: {shown}"
            if result.checked
            else "the target has no pages, assets or redirects to check"
        )
        raise CutoverError(
            f"post-launch check: {what}",
            where=str(run.artefact("post-launch-failures.csv")),
            next_step="fix the site or the redirects and run `transfer post-launch-check` again",
        )
    return result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _write_artefacts(run: Run, result: PostLaunchResult, checked: str) -> None:
    summary = {
        "checked_site": checked,
        "checked": dict(result.checked),
        "failures": len(result.failures),
        "passed": result.passed,
    }
    run.artefact("post-launch.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    with run.artefact("post-launch-failures.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=("kind", "url", "host", "expected", "got"))
        writer.writeheader()
        writer.writerows(failure.as_dict() for failure in result.failures)
