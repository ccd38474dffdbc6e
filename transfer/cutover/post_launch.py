"""The post-launch check: request every old and new URL of the target and report failures.

After the cutover (or in rehearsal, against the target site of ``target_site.py``), every
old address must answer its redirect with the right ``Location``, every published page its
new path with 200, and every public asset its bytes with the stored sha256. Requests are
made concurrently in bounded batches, so memory stays flat however large the site is, and
from one process per core when there are many (``check_processes.py``; each URL's request
and check: ``url_check.py``).
"""

from __future__ import annotations

import csv
import json
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import chain, groupby, islice
from urllib.parse import urlsplit

from sqlalchemy import Engine, exists, or_, select

from transfer.config import Settings
from transfer.cutover.check_processes import CheckProcesses, default_processes
from transfer.cutover.url_check import Checker, Failure, Probe
from transfer.cutover.url_check import _keep_alive_pool as _keep_alive_pool
from transfer.cutover.url_check import _Requester as _Requester
from transfer.database import create_target_engine, target_url
from transfer.errors import CutoverError
from transfer.runs import Run
from transfer.schema.assets import Asset
from transfer.schema.content import ContentTranslation
from transfer.schema.redirects import Redirect

BATCH = 256
CONCURRENCY = 16  # requests at once, by default (8, 16 and 32 measured alike on loopback)
#: Probes a check must have to be worth starting checking processes for (each imports the
#: package and opens its own connections).
POOL_MIN_PROBES = 4000


@dataclass
class PostLaunchResult:
    checked: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    #: CPU seconds of the checking processes (the calling process's own not included)
    workers_cpu_s: float = 0.0

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
    processes: int | None = None,
) -> PostLaunchResult:
    """Request every probe of :func:`probes` and collect what failed, with what was
    expected and what came. Nothing is retried: after a launch, a flaky answer is a finding.

    A redirect is checked by its status and ``Location``; its target must answer 200, and
    each target is requested once at most: a published page or public asset is requested
    as itself (before the redirects), any other target when a redirect first leads there.

    ``processes`` check at once, ``concurrency`` requests at once between them (see
    ``check_processes.py``); by default one per core, or this process alone when there are
    fewer than :data:`POOL_MIN_PROBES` probes. Failures and counts are the same either way,
    in the order of the probes."""
    result = PostLaunchResult()
    # A checked page or asset that did not answer 200 → what it answered. Only failures
    # are kept, so memory stays flat however large the site is.
    unreachable: dict[str, str] = {}
    listed = probes(engine, base_url, old_base)
    first = list(islice(listed, POOL_MIN_PROBES))
    if processes is None:
        processes = default_processes() if len(first) == POOL_MIN_PROBES else 1
    batches = _batches(chain(first, listed), BATCH)
    with ExitStack() as stack:
        checked: Iterator[tuple[list[Probe], list[Failure | None]]]
        if processes > 1:
            pool = stack.enter_context(CheckProcesses(processes, concurrency, timeout_s))
            checked = pool.results(batches, unreachable)
        else:
            checker = Checker(concurrency, timeout_s)
            stack.callback(checker.close)
            checked = ((batch, checker.check(batch, unreachable)) for batch in batches)
        for batch, failures in checked:
            for probe, failure in zip(batch, failures, strict=True):
                result.checked[probe.kind] += 1
                if failure is None:
                    continue
                result.failures.append(failure)
                if probe.kind != "redirect" and failure.expected == f"HTTP {probe.status}":
                    unreachable[probe.url] = failure.got
            if progress is not None:
                progress(result)
        if processes > 1:
            result.workers_cpu_s = pool.cpu_s
    return result


def _batches(items: Iterable[Probe], size: int) -> Iterator[list[Probe]]:
    """Batches of at most ``size`` probes of one kind: every page and asset has answered
    before the first redirect is requested."""
    for _, same_kind in groupby(items, key=lambda probe: probe.kind):
        while batch := list(islice(same_kind, size)):
            yield batch


def check_launch(
    settings: Settings,
    run: Run,
    *,
    base_url: str | None,
    old_base: str | None = None,
    concurrency: int = CONCURRENCY,
    progress: Callable[[PostLaunchResult], None] | None = None,
    processes: int | None = None,
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
                engine,
                base_url,
                old_base=old_base,
                concurrency=concurrency,
                progress=progress,
                processes=processes,
            )
        else:
            media = LoadOptions.from_settings(settings).media_dir
            # The site in a process of its own: checker and site do not share a core.
            with serve_target_site_process(url, media, connections=concurrency) as served:
                result = post_launch_check(
                    engine,
                    served,
                    old_base=served,
                    concurrency=concurrency,
                    progress=progress,
                    processes=processes,
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
        # CPU of the checker (this process and its checking processes) and of the
        # rehearsal site (its child), apart
        checker_cpu_s=round(time.process_time() - cpu_before + result.workers_cpu_s, 1),
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
