"""Coverage on a small sandbox: every staged source field is read or dropped, a new field
is named with its file:line and count and fails verification, a path no record has stops
the map stage, and the Partnership data Liferay gives reaches the target (folder paths,
thread sections, deleted authors, the default site excluded)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from tests.mappers.conftest import MAPPINGS, Staged, map_settings
from transfer.cli import cli
from transfer.config import Settings
from transfer.database import create_target_engine, target_url
from transfer.errors import MappingError
from transfer.loaders.run import load
from transfer.mappers.coverage import covered, dropped_by, drops_on, reads_on
from transfer.mappers.stage import check_against_staging, map_sources
from transfer.mappers.validate import load_mappings
from transfer.runs import Run
from transfer.schema.versioning import upgrade
from transfer.stores.staging import StagingStore
from transfer.verification.model import VerificationReport
from transfer.verification.settings import run_verification


def _members_with(staging: Path, field: str, value: str, every: int) -> int:
    """Give every ``every``-th staged member ``fields.<field>``; returns how many."""
    db = sqlite3.connect(staging / "partnership.sqlite")
    rows = db.execute(
        "SELECT key, record FROM records WHERE kind = 'member' AND state = 'live' ORDER BY key"
    ).fetchall()
    changed = 0
    for index, (key, text_) in enumerate(rows):
        if index % every:
            continue
        record = json.loads(text_)
        record["fields"][field] = f"{value} {index}"
        db.execute("UPDATE records SET record = ? WHERE key = ?", (json.dumps(record), key))
        changed += 1
    db.commit()
    db.close()
    return changed


def _dry_run(settings: Settings) -> VerificationReport:
    with Run("map", settings.logs_dir) as run:
        map_sources(settings, run).raise_for_failures()
    engine = create_target_engine(target_url(settings.target))
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    with Run("load", settings.logs_dir) as run:
        load(settings, run)
    with Run("verify", settings.logs_dir) as run:
        return run_verification(settings, run)


def _drop_line(path: Path) -> int:
    return next(
        number
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if line.startswith("drop:")
    )


def test_the_shipped_mappings_read_or_drop_every_staged_field(
    tmp_path: Path, staged_sandbox: Staged
) -> None:
    staged_sandbox.workspace(tmp_path)
    settings = map_settings(tmp_path)
    checked = check_against_staging(settings)
    assert set(checked.stores) >= {"online_service", "partnership"}
    assert checked.problems == []
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(tmp_path / "ws"), "mappings", "check"],
        env={"TRANSFER_MAPPINGS_DIR": str(MAPPINGS)},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "every field read or dropped" in result.output


def test_a_new_member_field_is_named_and_fails_the_coverage_check(
    tmp_path: Path, staged_sandbox: Staged
) -> None:
    workspace = staged_sandbox.workspace(tmp_path)
    shutil.copytree(staged_sandbox.staging.parent / "blobs", workspace / "blobs")
    count = _members_with(workspace / "staging", "nickname", "Kutsumanimi", every=3)
    assert count > 10
    settings = map_settings(tmp_path)
    found = [u for u in check_against_staging(settings).undeclared if u.path == "fields.nickname"]
    member_file = MAPPINGS / "partnership" / "member.yml"
    assert [(u.kind, u.values, u.where) for u in found] == [
        ("member", count, f"{member_file}:{_drop_line(member_file)}")
    ]
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(workspace), "mappings", "check"],
        env={"TRANSFER_MAPPINGS_DIR": str(MAPPINGS)},
        catch_exceptions=False,
    )
    assert result.exit_code == 5
    assert f"member.yml:{_drop_line(member_file)}" in result.output
    assert f"fields.nickname carries values in {count} record(s)" in result.output

    report = _dry_run(settings)
    coverage = report.check("coverage")
    assert report.verdict.decision == "NO-GO"
    assert coverage.status == "fail" and coverage.errors == 1
    (problem,) = [p for p in coverage.problems if p.kind == "undeclared_field"]
    assert problem.key == "partnership/member fields.nickname"
    assert problem.values["values"] == count
    assert [u["path"] for u in report.coverage["undeclared"]] == ["fields.nickname"]


def test_a_path_no_record_has_is_reported_by_check_and_map(
    tmp_path: Path, staged_sandbox: Staged
) -> None:
    staged_sandbox.workspace(tmp_path)
    mappings = tmp_path / "mappings"
    shutil.copytree(MAPPINGS, mappings)
    workspace = mappings / "partnership" / "workspace.yml"
    source = workspace.read_text("utf-8")
    old = "      membership_type:\n        - get: fields.membershipType\n"
    assert source.count(old) == 1
    workspace.write_text(
        source.replace(
            old,
            old
            + "      created_at:\n        - get: fields.dateOfBirth\n        - parse_date: iso\n",
        ),
        encoding="utf-8",
    )
    settings = map_settings(tmp_path, mappings=mappings)
    (item,) = [u for u in check_against_staging(settings).unmatched if u.optional is None]
    assert (item.kind, item.path, item.optional) == ("workspace", "fields.dateOfBirth", None)
    assert item.where.startswith(f"{workspace}:")
    with Run("map", settings.logs_dir) as run, pytest.raises(MappingError) as raised:
        map_sources(settings, run)
    assert "fields.dateOfBirth is in none of the" in raised.value.what
    assert not (tmp_path / "ws" / "mapped" / "mapped.sqlite").exists()


def _rows(settings: Settings, sql: str) -> list[Any]:
    engine = create_engine(target_url(settings.target))
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql)))
    finally:
        engine.dispose()


def test_a_dry_run_keeps_what_the_platform_gives_and_says_what_it_left_out(
    tmp_path: Path, staged_sandbox: Staged
) -> None:
    workspace = staged_sandbox.workspace(tmp_path)
    shutil.copytree(staged_sandbox.staging.parent / "blobs", workspace / "blobs")
    settings = map_settings(tmp_path)
    report = _dry_run(settings)
    # The whole dry run's GO is the rehearsal's test (tests/cutover/test_rehearsal.py);
    # here the crawl helper's site stands alone, so only the coverage verdict counts.
    assert report.check("coverage").errors == 0, report.check("coverage").problems
    store = StagingStore(workspace / "staging" / "partnership.sqlite")
    try:
        folders = {r.key: dict(r.fields) for r in store.records(kinds=["folder"])}
        sections = {r.key: dict(r.fields) for r in store.records(kinds=["section"])}
        files = {r.key: dict(r.fields) for r in store.records(kinds=["file"])}
        threads = {r.key: dict(r.fields) for r in store.records(kinds=["thread"])}
        deleted_posts = {
            r.key
            for r in store.records(kinds=["post"])
            if {"creator-deleted", "creator-absent"} & set(r.fields.get("_flags", []))
        }
        sites = [dict(r.fields) for r in store.records(kinds=["workspace"])]
    finally:
        store.close()

    def chain(nodes: dict[str, Any], kind: str, node: Any, parent: str, name: str) -> str:
        names = []
        while node not in (None, 0, "0"):
            fields = nodes[f"{kind}:{node}"]
            names.append(fields[name])
            node = fields.get(parent)
        return "/" + "/".join(reversed(names))

    target_files = dict(_rows(settings, "SELECT source_key, folder_path FROM workspace_files"))
    assert set(target_files) == set(files)
    nested = 0
    for key, fields in files.items():
        expected = chain(
            folders, "folder", fields["documentFolderId"], "parentDocumentFolderId", "name"
        )
        assert target_files[key] == expected, key
        nested += expected.count("/") > 1
    assert nested, "the sandbox has documents in nested folders"
    target_threads = dict(
        _rows(settings, "SELECT source_key, section_path FROM discussion_threads")
    )
    for key, fields in threads.items():
        expected = chain(
            sections,
            "section",
            fields["messageBoardSectionId"],
            "parentMessageBoardSectionId",
            "title",
        )
        assert target_threads[key] == expected, key
    flagged = {
        key
        for key, deleted in _rows(
            settings, "SELECT source_key, author_deleted FROM discussion_posts"
        )
        if deleted
    }
    assert deleted_posts and flagged == deleted_posts
    by_deleted = {
        f"post:{p['post_id']}" for p in staged_sandbox.platform["posts_by_deleted_members"]
    }
    assert {p["variant"] for p in staged_sandbox.platform["posts_by_deleted_members"]} == {
        "label",
        "absent",
    }
    assert flagged == by_deleted
    paths = {path for (path,) in _rows(settings, "SELECT old_path FROM workspaces")}
    assert "/guest" in {s["friendlyUrlPath"] for s in sites}
    assert "/guest" not in paths
    assert paths == {s["friendlyUrlPath"] for s in sites} - {"/guest"}
    section = report.coverage
    assert any(d["pattern"] == "fields.creator.*" and d["values"] for d in section["dropped"])
    skipped = {(s["kind"], s["reason"]): s["records"] for s in section["skipped"]}
    assert any(kind == "folder" for kind, _ in skipped)
    rule = "the portal's default site (every user is its member), not a workspace"
    assert skipped[("workspace", f"excluded by rule: {rule}")] == 1
    (guest,) = staged_sandbox.platform["non_workspace_sites"]
    members = sum(
        n for (kind, reason), n in skipped.items() if kind == "membership" and rule in reason
    )
    assert members == guest["member_count"] > 50
    assert all(entry["declared"] for entry in section["lost"])


LIFERAY_FIELDS = Path(__file__).resolve().parents[2].parent / "shared" / "liferay-fields.json"
#: The entity of each kind the export stages, and of the briefs nested in them.
ENTITIES = {
    "organization": "Organization",
    "member": "UserAccount",
    "workspace": "Site",
    "section": "MessageBoardSection",
    "thread": "MessageBoardThread",
    "post": "MessageBoardMessage",
    "folder": "DocumentFolder",
    "file": "Document",
}
BRIEFS = {
    "creator": "Creator",
    "organizationBriefs": "OrganizationBrief",
    "siteBriefs": "SiteBrief",
    "roleBriefs": "RoleBrief",
    "userAccountBriefs": "UserAccountBrief",
    "parentOrganization": "Organization",
}


@pytest.mark.parametrize("kind", sorted(ENTITIES))
def test_every_field_liferay_serves_is_read_or_dropped(kind: str) -> None:
    """Against an API the sandbox does not show: each field Liferay's headless API serves
    for the entity (and for the briefs nested in it) is accounted for in the mappings, so a
    real platform cannot bring an undeclared field of a known entity."""
    assert LIFERAY_FIELDS.is_file(), f"{LIFERAY_FIELDS} is missing (shared/ beside the clone)"
    entities = json.loads(LIFERAY_FIELDS.read_text("utf-8"))["entities"]
    mappings = load_mappings(MAPPINGS)
    reads = reads_on(mappings, ("partnership", kind))
    drops = drops_on(mappings, ("partnership", kind))

    def accounted(path: str) -> bool:
        below = path + "."
        return (
            covered(path, reads)
            or dropped_by(path, drops) is not None
            or any(read.startswith(below) for read in reads)
            or any(drop.startswith(below) for drop in drops)
        )

    missing = []
    for field in entities[ENTITIES[kind]]:
        paths = [f"fields.{field}"]
        if field in BRIEFS:
            paths = [f"fields.{field}.{sub}" for sub in entities[BRIEFS[field]]]
        missing += [path for path in paths if not accounted(path)]
    assert missing == [], f"partnership/{kind}: read or drop these in its mapping file"
