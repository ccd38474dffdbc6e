"""Helpers for the crawler's whole-system tests: crawl a served sandbox into a workspace."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from transfer.config import Settings, load_settings
from transfer.extractors.online_service import CrawlResult, extract_online_service
from transfer.runs import Run
from transfer.sandbox import SandboxSettings
from transfer.sandbox.process import serve_in_subprocess
from transfer.stores.staging import StagingStore

# The sandbox's own kind names beside the profile's (the KEHA kinds).
KINDS = {
    "topic": "page",
    "landing": "section_landing",
    "front": "section_landing",
    "handbook": "handbook_chapter",
    "blog": "blog_post",
    "news": "news",
    "event": "event",
    "faq": "faq",
    "glossary": "glossary",
    "listing": "listing",
}


def settings_for(
    workspace: Path, online_url: str, parse_workers: int | None = None, **http: Any
) -> Settings:
    """Settings to crawl ``online_url``; ``parse_workers`` None: one parsing process a core."""
    settings = load_settings(
        env={}, overrides={"workspace": str(workspace / "ws"), "logs_dir": str(workspace / "logs")}
    )
    return replace(
        settings,
        online_service=replace(
            settings.online_service, fetch_base=online_url, parse_workers=parse_workers
        ),
        http=replace(settings.http, **http),
    )


def crawl(
    workspace: Path, online_url: str, parse_workers: int | None = None, **http: Any
) -> CrawlResult:
    settings = settings_for(workspace, online_url, parse_workers, **http)
    with Run("extract online-service", settings.logs_dir) as run:
        return extract_online_service(settings, run)


def store_of(workspace: Path) -> StagingStore:
    return StagingStore(workspace / "ws" / "staging" / "online_service.sqlite")


def canonical_dump(workspace: Path) -> dict[str, Any]:
    """What a crawl ended with, without fetch times: records by hash, aliases, failures."""
    store = store_of(workspace)
    try:
        records = {r.key: r.record_hash for r in store.records()}
        failures = sorted((f["url"], f["status"]) for f in store.failures())
        return {"records": records, "aliases": store.aliases(), "failures": failures}
    finally:
        store.close()


def shared_crawl(factory: pytest.TempPathFactory, scale: float, into: Path) -> CrawlResult:
    """The sandbox at ``scale`` (epoch 0) crawled once for the whole test session, also
    across pytest-xdist's workers, copied into ``into`` (``into/ws``): the modules that
    read a default-scale crawl share one instead of each paying for its own.

    The first caller crawls under a file lock; the others wait for it and copy. A crawl
    that failed half-way leaves no result file, so the next caller crawls again.
    """
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the session's folder, shared by every worker
    master = root / f"shared-crawl-{scale}"
    done = master / "result.pickle"
    with (root / f"shared-crawl-{scale}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(master, ignore_errors=True)
            with serve_in_subprocess(SandboxSettings(scale=scale)) as (online_url, _):
                result = crawl(master, online_url, concurrency=8)
            done.write_bytes(pickle.dumps(result))
    shutil.copytree(master / "ws", into / "ws")
    loaded: CrawlResult = pickle.loads(done.read_bytes())
    return loaded
