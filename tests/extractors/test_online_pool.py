"""Pages parsed in worker processes: the same crawl as in one process, and a page that
cannot be parsed is that page's failure, not the crawl's end."""

from __future__ import annotations

from pathlib import Path

from tests.extractors.crawl_helpers import canonical_dump, crawl
from transfer.extractors.online_service.fetch import (
    Outcome,
    RawPage,
    Task,
    guarded_page_outcome,
)
from transfer.extractors.online_service.pool import ParsePool
from transfer.extractors.online_service.profile import Profile, load_profile
from transfer.records import FetchInfo
from transfer.sandbox import SandboxSettings
from transfer.sandbox.process import serve_in_subprocess
from transfer.stores.blobs import BlobStore

ROOT = Path(__file__).parent.parent.parent
PROFILE = load_profile(ROOT / "mappings" / "online_service" / "profile.yml")
HTML = (
    b"<html lang='fi'><head><title>t</title></head><body><div id='main-content'>"
    b"<h1 class='kt-title'>Otsikko</h1><a href='/toinen'>toinen</a></div></body></html>"
)


def raw_page(body: bytes = HTML) -> RawPage:
    key = "https://kotoutuminen.fi/sivu"
    info = FetchInfo(
        fetched_at="2025-01-01T00:00:00+00:00",
        status=200,
        url=key,
        content_type="text/html; charset=utf-8",
        content_hash="0" * 64,
        size=len(body),
    )
    return RawPage(Task(key, 0, None), body, "text/html; charset=utf-8", info, 200, 1)


def parse_in_pool(profile: Profile, blobs: BlobStore, raw: RawPage) -> Outcome:
    with ParsePool(profile, blobs, 2) as pool:
        return pool(raw)


def test_a_page_parsed_in_a_worker_is_the_page_parsed_here(tmp_path: Path) -> None:
    here = guarded_page_outcome(PROFILE, BlobStore(tmp_path / "here"), raw_page())
    there = parse_in_pool(PROFILE, BlobStore(tmp_path / "there"), raw_page())
    assert here.kind == there.kind == "ok"
    assert there.record == here.record
    assert there.discovered == here.discovered == ("https://kotoutuminen.fi/toinen",)
    assert here.record is not None and here.record.fields["title"] == "Otsikko"
    assert BlobStore(tmp_path / "there").exists(here.record.body_blob or "")


def test_a_page_that_cannot_be_parsed_fails_alone(tmp_path: Path) -> None:
    # The blob store is a file, not a folder: storing the body raises in the worker.
    (tmp_path / "blobs").write_text("not a folder", encoding="utf-8")
    blobs = BlobStore(tmp_path / "blobs")
    with ParsePool(PROFILE, blobs, 2) as pool:
        failed = pool(raw_page())
        assert failed.kind == "failed"
        assert failed.reason.startswith("cannot parse the page: ")
        assert failed.status == 200
        # the worker lived on: the next page is parsed by the same pool
        assert pool(raw_page(b"<html><body></body></html>")).kind == "failed"
        assert pool.restarts == 0
    here = guarded_page_outcome(PROFILE, blobs, raw_page())
    assert (here.kind, here.reason) == (failed.kind, failed.reason)


def test_a_crawl_with_parsing_processes_ends_as_one_without(tmp_path: Path) -> None:
    with serve_in_subprocess(SandboxSettings(scale=0.05)) as (online_url, _):
        alone = crawl(tmp_path / "alone", online_url, parse_workers=1, concurrency=4)
        pooled = crawl(tmp_path / "pooled", online_url, parse_workers=2, concurrency=4)
    assert alone.stats.parse_workers == 1 and alone.stats.parse_cpu_s == 0.0
    assert pooled.stats.parse_workers == 2 and pooled.stats.parse_cpu_s > 0
    assert pooled.stats.fetched == alone.stats.fetched > 50
    assert canonical_dump(tmp_path / "pooled") == canonical_dump(tmp_path / "alone")
