"""Helpers for the crawler's whole-system tests: crawl a served sandbox into a workspace."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from transfer.config import Settings, load_settings
from transfer.extractors.online_service import CrawlResult, extract_online_service
from transfer.runs import Run
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
