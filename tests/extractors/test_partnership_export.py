"""The Partnership-platform export against the sandbox replica served on loopback.

Measured against the replica's ground truth: every entity of every collection, every file's
sha256, the deliberately missing files as failures, integrity flags, merge candidates, an
incremental second run, gone entities, and threads whose replies a site listing leaves out.
Helpers here are shared by the other test_partnership_* modules.
"""

from __future__ import annotations

import hashlib
import json
import stat
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.extractors.platform_truth import default_site_memberships, site_ids
from transfer.config import Settings, load_settings
from transfer.extractors.partnership import ExportResult, extract_partnership
from transfer.extractors.partnership.api import Api, Page
from transfer.records import SourceRecord, read_jsonl
from transfer.runs import Run
from transfer.sandbox import RunningSandbox, SandboxSettings, serve_sandbox
from transfer.sandbox.rehearsal import sandbox_sources
from transfer.stores.staging import StagingStore
from transfer.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]
MAPPINGS = REPO / "mappings"


def staging_path(settings: Settings) -> Path:
    """The workspace's staging store of the platform export."""
    return Workspace.from_settings(settings).staging("partnership")


SINGULAR = {
    "organizations": "organization",
    "members": "member",
    "workspaces": "workspace",
    "memberships": "membership",
    "threads": "thread",
    "posts": "post",
    "files": "file",
}


def settings_for(
    tmp: Path, box: RunningSandbox, *, mode: str = "oauth2", environment: str = "rehearsal"
) -> Settings:
    """Settings pointing at the sandbox with its rehearsal account (registered as secrets)."""
    tmp.mkdir(parents=True, exist_ok=True)
    config = tmp / "transfer.toml"
    config.write_text("", encoding="utf-8")
    settings = load_settings(
        config,
        env={
            "TRANSFER_WORKSPACE": str(tmp / "ws"),
            "TRANSFER_LOGS_DIR": str(tmp / "logs"),
            "TRANSFER_MAPPINGS_DIR": str(MAPPINGS),
            "TRANSFER_TARGET_ENVIRONMENT": environment,
        },
    )
    settings = sandbox_sources(settings, box)
    if mode == "basic":
        settings = replace(
            settings, partnership=replace(settings.partnership, client_id=None, client_secret=None)
        )
    return settings


def export(settings: Settings, **options: Any) -> tuple[ExportResult, Path]:
    with Run("extract partnership", settings.logs_dir) as run:
        result = extract_partnership(settings, run, **options)
    return result, run.dir


def staged(settings: Settings, *, include_gone: bool = False) -> dict[str, SourceRecord]:
    store = StagingStore(staging_path(settings))
    try:
        return {r.key: r for r in store.records(include_gone=include_gone)}
    finally:
        store.close()


def ids(records: dict[str, SourceRecord], kind: str) -> set[str]:
    return {key.split(":", 1)[1] for key, r in records.items() if r.kind == kind}


def flagged(records: dict[str, SourceRecord], flag: str) -> set[str]:
    return {key for key, r in records.items() if flag in (r.fields.get("_flags") or [])}


def assert_matches_truth(
    truth: dict[str, Any], records: dict[str, SourceRecord], result: ExportResult, blobs: Path
) -> None:
    """100% of every collection, sha256 per file, missing files failed, traps flagged."""
    for collection, kind in (
        ("organizations", "organization"),
        ("members", "member"),
        ("workspaces", "workspace"),
        ("sections", "section"),
        ("threads", "thread"),
        ("posts", "post"),
        ("folders", "folder"),
        ("files", "file"),
    ):
        expected = {str(item["id"]) for item in truth[collection]}
        if kind == "workspace":  # the export stages every site; the mappings exclude some
            expected = site_ids(truth)
        assert ids(records, kind) == expected, collection
        assert result.collections[kind]["exported"] == len(expected)
    missing = {
        f"{m['site_id']}:{m['member_id']}" for m in truth["memberships_of_missing_workspaces"]
    }
    memberships = {m["site_id"]: m for m in truth["memberships"]}
    assert memberships
    exported = {key.split(":", 1)[1]: r for key, r in records.items() if r.kind == "membership"}
    assert set(exported) == {
        f"{m['site_id']}:{m['member_id']}" for m in truth["memberships"]
    } | missing | default_site_memberships(truth)
    for m in truth["memberships"]:
        assert exported[f"{m['site_id']}:{m['member_id']}"].fields["_role_keys"] == sorted(
            m["roles"]
        )
    assert {k.split(":", 1)[1] for k in flagged(records, "workspace-missing")} == missing
    for item in truth["files"]:
        record = records[f"file:{item['id']}"]
        if item["missing"]:
            assert record.body_blob is None
            assert "file-unavailable" in record.fields["_flags"]
            continue
        assert record.body_blob == item["sha256"], item
        blob = blobs / item["sha256"][:2] / item["sha256"][2:4] / item["sha256"]
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == item["sha256"]
        assert stat.S_IMODE(blob.stat().st_mode) == 0o600
    # files the platform cannot give are source defects, never failures (exit 0)
    assert result.failed_files == []
    defects = {f["url"]: f for f in result.source_defects}
    missing = {f"file:{i}" for i in truth["missing_files"]}
    assert set(defects) == missing | {f"file:{i}" for i in truth["empty_files"]}
    assert all(
        "404" in defects[key]["reason"] and "missing" in defects[key]["reason"] for key in missing
    )
    assert not result.failed_collections
    deleted = {f"post:{p['post_id']}": p["variant"] for p in truth["posts_by_deleted_members"]}
    assert deleted
    for key, variant in deleted.items():
        want = "creator-absent" if variant == "absent" else "creator-deleted"
        assert want in records[key].fields["_flags"], key
    assert flagged(records, "creator-deleted") | flagged(records, "creator-absent") >= set(deleted)
    assert {k for k in flagged(records, "no-email") if k.startswith("member:")} == {
        f"member:{i}" for i in truth["members_without_email"]
    }
    account = records[f"member:{truth['export_account']['id']}"]
    assert "export-account" in account.fields["_flags"] and "emailAddress" not in account.fields
    assert sorted((c["rule"], c["key"], c["ids"]) for c in result.merge_candidates) == sorted(
        (d["rule"], d["key"], d["ids"]) for d in truth["duplicate_organizations"]
    )
    assert all("actions" not in r.fields for r in records.values())


@pytest.fixture(scope="module")
def small(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunningSandbox, Settings, ExportResult, Path]]:
    """One OAuth2 export of a scale-0.02 sandbox at epoch 1 (files replaced, members left)."""
    tmp = tmp_path_factory.mktemp("partnership")
    with serve_sandbox(SandboxSettings(scale=0.02, epoch=1)) as box:
        settings = settings_for(tmp, box)
        result, run_dir = export(settings)
        yield box, settings, result, run_dir


def test_every_entity_and_file_matches_the_truth(small: tuple[Any, ...]) -> None:
    box, settings, result, _ = small
    truth = box.truth()["platform"]
    records = staged(settings)
    assert_matches_truth(truth, records, result, settings.workspace / "blobs")
    assert set(result.collections) == {
        "organization",
        "member",
        "workspace",
        "membership",
        "section",
        "thread",
        "post",
        "folder",
        "file",
    }
    empty = records[f"file:{truth['empty_files'][0]}"]
    assert empty.fields["_download"]["status"] == "empty" and "empty-file" in empty.fields["_flags"]
    # a file answering 404 is asked once more with a fresh token before it counts as missing
    assert result.token_renewals["first"] == 1
    assert set(result.token_renewals) <= {"first", "not found instead of a file"}


def test_keys_kinds_and_owner_only_store(small: tuple[Any, ...]) -> None:
    _, settings, result, run_dir = small
    records = staged(settings)
    for key, record in records.items():
        assert record.source == "partnership" and key == f"{record.kind}:{key.split(':', 1)[1]}"
        if record.kind == "file" and record.fields.get("contentUrl"):
            assert record.url and record.url.startswith(
                "https://kumppanuusalusta.kotoutuminen.fi/documents/"
            )
    assert stat.S_IMODE(staging_path(settings).stat().st_mode) == 0o600
    assert stat.S_IMODE((run_dir / "records.jsonl").stat().st_mode) == 0o600
    written = list(read_jsonl(run_dir / "records.jsonl"))
    assert len(written) == len(records)
    summary = json.loads((run_dir / "export-summary.json").read_text(encoding="utf-8"))
    assert summary["collections"]["post"]["exported"] == len(ids(records, "post"))
    assert summary["integrity_flags"]["membership"]["workspace-missing"] >= 1
    assert summary["merge_candidates"][0]["rule"] == "business-id"
    pages = list(read_jsonl(run_dir / "public-pages.jsonl"))
    assert sorted(p.language or "" for p in pages) == ["en"] * 3 + ["fi"] * 3 + ["sv"] * 3
    assert not result.personal_data["unclassified"], "the policy file misses exported fields"


def test_second_run_is_incremental_and_gone_is_marked(tmp_path: Path) -> None:
    with serve_sandbox(SandboxSettings(scale=0.02, epoch=1)) as box:
        settings = settings_for(tmp_path, box, mode="basic")
        first, _ = export(settings, public_pages=False)
        second, _ = export(settings, public_pages=False)
        platform = box.truth()["platform"]
        changes = platform["changes"][0]
    assert second.pass_id == first.pass_id + 1 and not second.resumed
    for kind, counts in second.collections.items():
        assert counts["new"] == counts["changed"] == counts["gone"] == 0, kind
        assert counts["unchanged"] == counts["exported"] == first.collections[kind]["exported"]
    assert second.stats.files == 0  # unchanged versions are not downloaded again
    with serve_sandbox(SandboxSettings(scale=0.02, epoch=0)) as box:
        back, _ = export(
            replace(
                settings, partnership=replace(settings.partnership, fetch_base=box.platform_url)
            ),
            public_pages=False,
        )
    store = StagingStore(staging_path(settings))
    try:
        keys = store.changes(back.pass_id)
    finally:
        store.close()
    added = {f"{SINGULAR[kind]}:{i}" for kind, values in changes["added"].items() for i in values}
    # A new account is a member of the default site too.
    added |= {
        f"membership:{site['id']}:{member}"
        for site in platform["non_workspace_sites"]
        for member in changes["added"]["members"]
    }
    assert set(keys["gone"]) == added and added
    assert sum(c["gone"] for c in back.collections.values()) == len(added)
    modified = {
        f"{SINGULAR[kind]}:{i}" for kind, values in changes["modified"].items() for i in values
    }
    assert modified and modified <= set(keys["changed"])
    assert sum(c["changed"] for c in back.collections.values()) >= len(modified)


def test_threads_short_of_replies_are_walked_through_their_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Liferay whose site listing holds only thread roots: the counts expose it."""
    original = Api.page

    def roots_only(self: Api, path: str, *args: Any, **kwargs: Any) -> Page:
        page = original(self, path, *args, **kwargs)
        if path.endswith("/message-board-messages") and "/sites/" in path:
            return replace(
                page, items=[i for i in page.items if "parentMessageBoardMessageId" not in i][:-1]
            )
        return page

    monkeypatch.setattr(Api, "page", roots_only)
    with serve_sandbox(SandboxSettings(scale=0.02)) as box:
        settings = settings_for(tmp_path, box, mode="basic")
        result, _ = export(settings, public_pages=False)
        truth = box.truth()["platform"]
    assert ids(staged(settings), "post") == {str(p["id"]) for p in truth["posts"]}
    assert not result.failed_collections


@pytest.mark.slow
def test_default_scale_exports_everything(tmp_path: Path) -> None:
    """The acceptance test: the sandbox at scale 1, OAuth2, one uninterrupted export."""
    with serve_sandbox(SandboxSettings(scale=1.0)) as box:
        truth = box.truth()["platform"]
        settings = settings_for(tmp_path, box)
        started = time.monotonic()
        result, _ = export(settings)
        elapsed = time.monotonic() - started
    records = staged(settings)
    assert_matches_truth(truth, records, result, settings.workspace / "blobs")
    entities = sum(c["exported"] for c in result.collections.values())
    print(
        f"\nscale 1.0: {entities} entities and {result.stats.files} files "
        f"({result.stats.bytes / 1e6:.1f} MB) in {elapsed:.1f} s: "
        f"{entities / elapsed:.0f} entities/s, {result.stats.files / elapsed:.0f} files/s, "
        f"{result.requests} API requests"
    )
