"""A crawl and an export with every fault knob of the sandbox on at once (5xx, 429, resets,
truncated bodies, slow drips, malformed HTML, wrong charsets, latency), on every kind of
response: 100% of the sandbox's truth arrives, no URL fails, and nothing ends as exit 1.
Faults are drawn from (seed, request, attempt), so each run meets the same faults."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.extractors.test_partnership_export import (
    assert_matches_truth,
    export,
    settings_for,
    staged,
)
from transfer.cli import cli
from transfer.config import Settings
from transfer.extractors.online_service import extract_online_service
from transfer.runs import Run
from transfer.sandbox import RunningSandbox, SandboxSettings, serve_sandbox
from transfer.sandbox.settings import Faults
from transfer.stores.staging import StagingStore

EVERY_FAULT = Faults(
    latency_ms=1,
    jitter_ms=2,
    error_rate=0.05,
    throttle_rate=0.03,
    retry_after_s=0,
    reset_rate=0.07,
    truncate_rate=0.04,
    drip_rate=0.04,
    drip_delay_ms=5,
    malformed_rate=0.04,
    wrong_charset_rate=0.04,
)
KNOBS = ("error", "throttle", "reset", "truncate", "drip", "malformed", "charset")


def _kind_of(target: str) -> str:
    path = target.split("?", 1)[0]
    if path == "/robots.txt":
        return "robots"
    if "sitemap" in path:
        return "sitemap"
    if path.startswith("/o/oauth2/token"):
        return "token"
    if path.startswith("/documents/"):
        return "download"
    if path.startswith("/o/") or path.startswith("/api/"):
        return "api"
    return "page"


@pytest.fixture(scope="module")
def faulty(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunningSandbox, Settings, Any, Any]]:
    tmp = tmp_path_factory.mktemp("faults")
    with serve_sandbox(SandboxSettings(scale=0.02, faults=EVERY_FAULT)) as box:
        settings = settings_for(tmp, box)
        # Enough attempts that exhausting them is not a matter of luck: a URL fails only
        # when the toolkit cannot cope with a fault, which is what this test is for.
        settings = replace(settings, http=replace(settings.http, max_attempts=10))
        with Run("extract online-service", settings.logs_dir) as run:
            crawled = extract_online_service(settings, run)
        exported, _ = export(settings)
        yield box, settings, crawled, exported


@pytest.mark.slow
def test_every_fault_knob_fired_on_every_kind_of_response(faulty: tuple[Any, ...]) -> None:
    box = faulty[0]
    redirects = {
        "/" + r["from"].split("/", 3)[3] for r in box.truth()["online_service"]["redirects"]
    }
    faulted = {target.split("?", 1)[0] for _, target in box.online.plan.injected_at}
    assert faulted & redirects, "no redirect met a fault"
    for name, server in (("online_service", box.online), ("platform", box.platform)):
        fired = {kind for kind, _ in server.plan.injected_at}
        assert set(KNOBS) <= fired, (name, fired)
    kinds = {
        _kind_of(target)
        for server in (box.online, box.platform)
        for _, target in server.plan.injected_at
    }
    assert kinds >= {"robots", "sitemap", "page", "download", "token", "api"}, kinds


@pytest.mark.slow
def test_the_crawl_finds_every_page_and_attachment(faulty: tuple[Any, ...]) -> None:
    box, settings, crawled, _ = faulty
    truth = box.truth()["online_service"]
    store = StagingStore(settings.workspace / "staging" / "online_service.sqlite")
    try:
        found = {record.key for record in store.records()}
    finally:
        store.close()
    expected = {page["url"] for page in truth["pages"]} | {a["url"] for a in truth["attachments"]}
    missing = sorted(expected - found)
    assert missing == [], f"missed {len(missing)}: {missing[:20]}; failures {crawled.failures}"
    assert crawled.failures == []
    store = StagingStore(settings.workspace / "staging" / "online_service.sqlite")
    try:
        for redirect in truth["redirects"]:
            assert store.resolve(redirect["from"]) == redirect["to"], redirect
    finally:
        store.close()
    deliberate = {link["url"] for link in truth["broken_links"]}
    assert deliberate <= {broken["url"] for broken in crawled.broken_links}


@pytest.mark.slow
def test_the_export_matches_the_truth(faulty: tuple[Any, ...]) -> None:
    box, settings, _, exported = faulty
    truth = box.truth()["platform"]
    assert_matches_truth(truth, staged(settings), exported, settings.workspace / "blobs")


@pytest.mark.slow
def test_through_the_cli_no_run_ends_with_exit_1(faulty: tuple[Any, ...], tmp_path: Path) -> None:
    """The same faulty sources through the commands an operator runs (the fault plan has
    moved on, so these runs meet other faults): the crawl and the export exit 0, the
    export naming the files the platform itself lacks as source defects."""
    box = faulty[0]
    s = box.settings
    env = {
        "TRANSFER_WORKSPACE": str(tmp_path / "ws"),
        "TRANSFER_LOGS_DIR": str(tmp_path / "logs"),
        "TRANSFER_MAPPINGS_DIR": str(Path(__file__).parents[2] / "mappings"),
        "TRANSFER_HTTP_MAX_ATTEMPTS": "10",
        "TRANSFER_SOURCES_ONLINE_SERVICE_FETCH_BASE": box.online_url,
        "TRANSFER_SOURCES_PARTNERSHIP_FETCH_BASE": box.platform_url,
        "TRANSFER_SOURCES_PARTNERSHIP_CLIENT_ID": s.client_id,
        "TRANSFER_SOURCES_PARTNERSHIP_CLIENT_SECRET": s.client_secret,
    }
    runner = CliRunner()
    crawl = runner.invoke(cli, ["extract", "online-service"], env=env, catch_exceptions=False)
    assert crawl.exit_code == 0, crawl.output
    export = runner.invoke(cli, ["extract", "partnership"], env=env, catch_exceptions=False)
    missing = box.truth()["platform"]["missing_files"]
    assert export.exit_code == 0, export.output  # source defects are no failures
    assert missing and all(f"source defect: file:{i}" in export.output for i in missing), (
        export.output
    )
    # The in-process sandbox prints its own tracebacks for the resets it injects; none may
    # come from the toolkit.
    ours = f'File "{Path(__file__).parents[2] / "transfer"}'
    assert ours not in crawl.output + export.output
