"""The map stage on the whole default-scale sandbox: crawled once per session, mapped once.

Measured against the sandbox's ground truth: the content items and translation groups,
the hostile pages' sanitised bodies, the redirect map over every old address the crawl
saw, and the mapped store after a re-run (identical).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from transfer.config import Settings
from transfer.mappers.stage import MapResult, map_sources
from transfer.runs import Run
from transfer.sandbox import SandboxSettings
from transfer.sandbox.online import OnlineService
from transfer.stores.mapped import MappedRecord, MappedStore
from transfer.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "extractors"))
from crawl_helpers import settings_for, shared_crawl

#: A whole-system run: the default-scale sandbox crawled, exported and mapped once.
pytestmark = pytest.mark.slow


def mapped_path(settings: Settings) -> Path:
    """The workspace's mapped store."""
    return Workspace.from_settings(settings).mapped


@dataclass
class Mapped:
    settings: Settings
    truth: dict[str, Any]
    result: MapResult
    records: dict[str, MappedRecord]


@pytest.fixture(scope="session")
def mapped_default(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mapped]:
    """The default-scale sandbox crawled (the session's one crawl, which the crawler's
    tests read too) and mapped once for the session."""
    workspace = tmp_path_factory.mktemp("map-default")
    shared_crawl(tmp_path_factory, 1.0, workspace)
    truth = OnlineService(SandboxSettings(scale=1.0)).truth()
    settings = settings_for(workspace, "http://127.0.0.1:9")  # crawled already: no fetch
    with Run("map", settings.logs_dir) as run:
        result = map_sources(settings, run)
    with MappedStore(mapped_path(settings)) as store:
        records = {r.record_key: r for r in store.records()}
    yield Mapped(settings, truth, result, records)


def _rows(record: MappedRecord, table: str) -> list[dict[str, Any]]:
    return [dict(row.values) for row in record.rows if row.table == table]


def test_content_items_and_groups_are_the_ground_truth(mapped_default: Mapped) -> None:
    truth_groups: dict[int, set[str]] = {}
    for page in mapped_default.truth["pages"]:
        if page["kind"] != "listing":
            truth_groups.setdefault(page["group"], set()).add(page["url"])
    groups: dict[str, set[str]] = {}
    items: set[str] = set()
    for record in mapped_default.records.values():
        for row in _rows(record, "content_translations"):
            groups.setdefault(row["item_id"].source_key, set()).add(record.record_key)
        items.update(row["source_key"] for row in _rows(record, "content_items"))
    assert {frozenset(g) for g in groups.values()} == {frozenset(g) for g in truth_groups.values()}
    assert items == set(groups)  # one content_items row per group, in its key page
    assert mapped_default.result.failed == 0
    summary = mapped_default.result.summary
    assert summary["translation_groups"]["online_service"] == len(truth_groups)
    issues = json.loads(mapped_default.result.artefacts["translation_issues"].read_text())
    named = {issue[end] for issue in issues["online_service"] for end in ("page", "target")}
    for case in mapped_default.truth["conflicting_translations"]:
        assert case["page"] in named  # reported, not guessed silently


def test_hostile_pages_are_sanitised_and_keep_their_content(mapped_default: Mapped) -> None:
    hostile = [page for page in mapped_default.truth["pages"] if page["flags"]["hostile"]]
    assert hostile
    for page in hostile:
        (row,) = _rows(mapped_default.records[page["url"]], "content_translations")
        body = row["body_html"]
        assert "<script" not in body.lower()
        assert not re.search(r"\son[a-z]+\s*=", body, re.IGNORECASE)
        assert "javascript:" not in body.lower()
        soup = BeautifulSoup(body, "html.parser")
        text = soup.get_text(" ", strip=True)
        for paragraph in soup.find_all("p"):
            assert paragraph.get_text(" ", strip=True) in text
        assert row["body_text"] and len(row["body_text"]) > 40


def test_every_old_address_redirects_to_a_planned_path(mapped_default: Mapped) -> None:
    redirects = {
        (row["old_host"], row["old_path"]): row
        for record in mapped_default.records.values()
        for row in _rows(record, "redirects")
    }
    new_paths = {
        row["new_path"]
        for record in mapped_default.records.values()
        for table in ("content_translations", "assets")
        for row in _rows(record, table)
    }
    for old in mapped_default.truth["redirects"] + mapped_default.truth["legacy_links"]:
        url = old.get("from") or old["href"]
        host, path = re.match(r"https?://([^/]+)(/[^?#]*)?", url).groups()  # type: ignore[union-attr]
        row = redirects[(host, path or "/")]
        assert row["new_path"] in new_paths
    for row in redirects.values():
        assert row["new_path"] in new_paths
        assert ("kotoutuminen.fi", row["new_path"]) not in redirects  # no chain


def test_a_second_run_ends_identical(mapped_default: Mapped) -> None:
    with Run("map", mapped_default.settings.logs_dir) as run:
        again = map_sources(mapped_default.settings, run)
    assert again.removed == 0
    with MappedStore(mapped_path(mapped_default.settings)) as store:
        for record in store.records():
            assert record.rows_hash == mapped_default.records[record.record_key].rows_hash


def test_contact_people_are_kept_once_with_titles_as_each_page_shows_them(
    mapped_default: Mapped,
) -> None:
    from transfer.stores.staging import StagingStore

    holders: Counter[str] = Counter()
    titles: dict[str, set[str]] = {}
    store = StagingStore(mapped_default.settings.workspace / "staging" / "online_service.sqlite")
    try:
        for record in mapped_default.records.values():
            for row in _rows(record, "contact_people"):
                holders[row["source_key"]] += 1
            shown = _rows(record, "translation_contacts")
            if not shown:
                continue
            staged = store.get(record.record_key)
            assert staged is not None
            contacts = staged.record.fields["contacts"]
            for row in shown:
                on_page = contacts[row["position"] - 1]
                assert (row["title"], row["organisation"]) == (
                    on_page.get("title"),
                    on_page.get("organisation"),
                )
                titles.setdefault(row["contact_id"].source_key, set()).add(row["title"])
    finally:
        store.close()
    assert holders and max(holders.values()) == 1  # one row per person, in one record
    assert set(titles) <= set(holders)
    # People named on pages in several languages carry each page's own title.
    assert any(len(shown) > 1 for shown in titles.values())


def test_a_set_stop_event_ends_the_pass_and_the_next_run_finishes_it(
    mapped_default: Mapped, tmp_path: Path
) -> None:
    """``stop`` is a ``threading.Event``, as for the extractors: set, the pass ends after
    the first batch (resumable); the next run completes it."""
    staging = Workspace.from_settings(mapped_default.settings).staging_dir
    settings = settings_for(tmp_path, "http://127.0.0.1:9")
    shutil.copytree(staging, Workspace.from_settings(settings).staging_dir)
    stop = threading.Event()
    stop.set()
    with Run("map", settings.logs_dir) as run:
        stopped = map_sources(settings, run, stop=stop)
    with Run("map", settings.logs_dir) as run:
        finished = map_sources(settings, run)
    assert stopped.stopped and stopped.progress.finish_reason == "stopped"
    assert stopped.progress.done < stopped.progress.total
    assert not finished.stopped and finished.resumed
    assert finished.progress.finish_reason == "finished"
