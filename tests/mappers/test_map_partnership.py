"""The map stage on a small sandbox export: the personal-data policy of the target
environment in the member rows (masked by default in a dry run, kept, hashed or dropped as
configured for production), inactive members left out with counts, and memberships of
workspaces the export never found kept and flagged."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.mappers.conftest import MAPPINGS, Staged, map_settings
from transfer.config import Settings
from transfer.mappers.stage import MapResult, map_sources
from transfer.privacy.policy import MASK, SALT_ENV
from transfer.runs import Run
from transfer.stores.mapped import MappedStore, Ref, encode_rows
from transfer.stores.staging import StagingStore
from transfer.workspace import Workspace

SALT = "test-salt-not-a-secret"


def mapped_path(settings: Settings) -> Path:
    """The workspace's mapped store."""
    return Workspace.from_settings(settings).mapped


def run_map(folder: Path, staged: Staged, **options: Any) -> tuple[MapResult, dict[str, Any]]:
    """Map a copy of ``staged`` in ``folder``; returns the result and every record by key."""
    staged.workspace(folder)
    settings = map_settings(folder, **options)
    with Run("map", settings.logs_dir) as run:
        result = map_sources(settings, run)
    with MappedStore(mapped_path(settings)) as store:
        records = {r.record_key: r for r in store.records(source_system="partnership")}
    return result, records


def member_rows(records: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {
        int(key.split(":", 1)[1]): dict(row.values)
        for key, record in records.items()
        if record.kind == "member"
        for row in record.rows
        if row.table == "members"
    }


def people(staged: Staged) -> dict[int, dict[str, Any]]:
    """The sandbox's members that have an e-mail address (the export account has none)."""
    return {m["id"]: m for m in staged.platform["members"] if m["email_address"]}


def test_a_dry_run_masks_member_personal_data(tmp_path: Path, staged_sandbox: Staged) -> None:
    result, records = run_map(tmp_path, staged_sandbox)  # target.environment: rehearsal
    assert result.failed == 0
    rows = member_rows(records)
    truth = people(staged_sandbox)
    assert set(truth) <= set(rows) and len(truth) > 50
    for member_id in truth:
        row = rows[member_id]
        assert row["email"] == row["display_name"] == row["given_name"] == MASK
        assert row["family_name"] == MASK
        assert row["last_login_at"] is None
        assert row["is_masked"] is True
        assert row["joined_at"] is not None  # not personal: kept
    everything = "".join(encode_rows(record.rows) for record in records.values())
    for member in truth.values():
        assert member["email_address"] not in everything
        assert member["name"] not in everything


def test_production_applies_the_configured_policy(
    tmp_path: Path, staged_sandbox: Staged, monkeypatch: pytest.MonkeyPatch
) -> None:
    mappings = tmp_path / "mappings"
    shutil.copytree(MAPPINGS, mappings)
    policy = mappings / "partnership" / "personal_data.yml"
    text = policy.read_text(encoding="utf-8")
    for old, new in (
        ("    emailAddress: personal\n", "    emailAddress: {personal: true, production: hash}\n"),
        ("    familyName: personal\n", "    familyName: {personal: true, production: drop}\n"),
    ):
        assert text.count(old) == 1
        text = text.replace(old, new)
    policy.write_text(text, encoding="utf-8")
    monkeypatch.setenv(SALT_ENV, SALT)

    kept = member_rows(run_map(tmp_path / "kept", staged_sandbox, environment="production")[1])
    result, records = run_map(
        tmp_path / "hashed", staged_sandbox, mappings=mappings, environment="production"
    )
    assert result.failed == 0
    rows = member_rows(records)
    for member_id, member in people(staged_sandbox).items():
        # shipped policy: production keeps everything
        assert kept[member_id]["email"] == member["email_address"]
        assert kept[member_id]["display_name"] == member["name"]
        assert kept[member_id]["is_masked"] is False
        # configured: e-mail hashed (salted, so still joinable), family name dropped
        email = member["email_address"]
        assert rows[member_id]["email"] == hashlib.sha256(f"{SALT}\x1f{email}".encode()).hexdigest()
        assert rows[member_id]["family_name"] is None
        assert rows[member_id]["given_name"] == kept[member_id]["given_name"]
        assert rows[member_id]["display_name"] == member["name"]
        assert rows[member_id]["is_masked"] is True


def test_inactive_members_are_left_out_with_counts(tmp_path: Path, staged_sandbox: Staged) -> None:
    mappings = tmp_path / "mappings"
    shutil.copytree(MAPPINGS, mappings)
    policy = mappings / "partnership" / "personal_data.yml"
    text = policy.read_text(encoding="utf-8")
    old = "  exclude_after_days: null\n"
    assert text.count(old) == 1
    policy.write_text(
        text.replace(old, "  exclude_after_days: 365\n  reference_date: 2025-05-01\n"), "utf-8"
    )
    result, records = run_map(tmp_path / "ws", staged_sandbox, mappings=mappings)
    members = [r for r in records.values() if r.kind == "member"]
    expected = set()  # last sign-in (never signed in: account creation) over 365 days ago
    store = StagingStore(staged_sandbox.staging / "partnership.sqlite")
    try:
        for member in store.records(kinds=["member"]):
            last = member.fields.get("lastLoginDate") or member.fields["dateCreated"]
            if (date(2025, 5, 1) - date.fromisoformat(last[:10])).days > 365:
                expected.add(int(member.key.split(":", 1)[1]))
    finally:
        store.close()
    assert 0 < len(expected) < len(members)
    left_out = {
        int(r.record_key.split(":", 1)[1])
        for r in members
        if r.status == "skipped" and "inactive member" in (r.reason or "")
    }
    assert left_out == expected and expected
    memberships = [r for r in records.values() if r.kind == "membership"]
    skipped = [r for r in memberships if r.status == "skipped"]
    # Memberships of the portal's default site are left out by its exclude rule first.
    default_site = {
        f"membership:{s['id']}:" for s in staged_sandbox.platform["non_workspace_sites"]
    }
    by_policy = [r for r in skipped if not r.record_key.startswith(tuple(default_site))]
    assert by_policy and all("inactive member" in (r.reason or "") for r in by_policy)
    assert result.counts[("partnership", "member", "skipped")] == len(expected)
    assert result.counts[("partnership", "membership", "skipped")] == len(skipped)
    summary = json.loads(result.artefacts["summary"].read_text(encoding="utf-8"))
    assert {"source": "partnership", "kind": "member", "status": "skipped",
            "count": len(expected)} in summary["kinds"]  # fmt: skip


def test_memberships_of_missing_workspaces_are_kept_and_flagged(
    tmp_path: Path, staged_sandbox: Staged
) -> None:
    _, records = run_map(tmp_path, staged_sandbox)
    missing = {
        f"membership:{m['site_id']}:{m['member_id']}"
        for m in staged_sandbox.platform["memberships_of_missing_workspaces"]
    }
    assert missing
    flagged = {}
    default_site = {
        f"membership:{s['id']}:" for s in staged_sandbox.platform["non_workspace_sites"]
    }
    for key, record in records.items():
        if record.kind != "membership":
            continue
        if key.startswith(tuple(default_site)):  # the default site is excluded by rule
            assert record.status == "skipped" and "excluded" in (record.reason or "")
            continue
        assert record.status == "mapped", (key, record.reason)
        (row,) = record.rows
        assert row.values["workspace_missing"] == (row.values["workspace_id"] is None)
        if row.values["workspace_missing"]:
            flagged[key] = row.values
        else:
            assert isinstance(row.values["workspace_id"], Ref)
            assert row.values["missing_workspace_key"] is None
    assert set(flagged) == missing
    for key, values in flagged.items():
        site = key.split(":")[1]
        assert values["missing_workspace_key"] == f"workspace:{site}"
        assert isinstance(values["member_id"], Ref)


def test_organisations_carry_business_id_partnership_and_commitments(
    tmp_path: Path, staged_sandbox: Staged
) -> None:
    result, records = run_map(tmp_path, staged_sandbox)
    assert result.failed == 0
    rows = {
        key.split(":", 1)[1]: dict(row.values)
        for key, record in records.items()
        if record.kind == "organization"
        for row in record.rows
        if row.table == "organisations"
    }
    truth = {o["id"]: o for o in staged_sandbox.platform["organizations"]}
    assert set(rows) == set(truth)
    respelt = 0
    for org_id, org in truth.items():
        row = rows[org_id]
        # Every spelling of a business id becomes the canonical NNNNNNN-N.
        assert row.get("business_id") == org["business_id_normalised"], org["business_id"]
        respelt += org["business_id"] not in (None, org["business_id_normalised"])
        assert row["is_partner"] is bool(org["principles"])
        parts = (row.get("commitments") or "").split("; ") if row.get("commitments") else []
        assert len(parts) == len(org["principles"]) + len(org["keywords"])
        assert set(org["keywords"]) <= set(parts)
    assert respelt > 0, "the sandbox registers some business ids spelt differently"
