"""The personal-data policy: keep, mask, hash and drop per field and environment, default
masking in a dry run, unclassified fields reported, inactive members excluded and counted."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from tests.extractors.test_partnership_export import MAPPINGS, export, settings_for, staged
from transfer.errors import ConfigError
from transfer.privacy.policy import (
    MASK,
    SALT_ENV,
    PolicyReport,
    apply_policy,
    excluded_members,
    is_excluded,
    load_policy,
    salt_for,
)
from transfer.records import SourceRecord, read_jsonl
from transfer.sandbox import SandboxSettings, serve_sandbox

POLICY = """\
defaults:
  personal: {rehearsal: mask, staging: mask, production: keep}
inactive_members:
  exclude_after_days: 365
  reference_date: 2025-05-01
common:
  id: not_personal
  creator: personal
  creator.id: not_personal
  _flags: not_personal
collections:
  member:
    name: personal
    emailAddress: {personal: true, policy: hash}
    birthDate: {personal: true, policy: drop}
    jobTitle: {personal: true, rehearsal: keep, production: drop}
    lastLoginDate: not_personal
    dateCreated: not_personal
    userAccountContactInformation: {personal: true, policy: drop}
    userAccountContactInformation.telephones.phoneType: not_personal
  membership:
    userAccountId: not_personal
  post:
    articleBody: not_personal
"""
MEMBER = SourceRecord(
    source="partnership",
    kind="member",
    key="member:7",
    fields={
        "id": 7,
        "name": "Aino Kuusiharju",
        "emailAddress": "aino@example.fi",
        "birthDate": "1980-01-02",
        "jobTitle": "Koordinaattori",
        "lastLoginDate": "2025-04-01T10:00:00Z",
        "dateCreated": "2020-01-01T00:00:00Z",
        "userAccountContactInformation": {
            "telephones": [{"phoneNumber": "+358 40 000 0000", "phoneType": "business"}]
        },
        "favouriteColour": "green",
        "_flags": ["no-email"],
    },
)
POST = SourceRecord(
    source="partnership",
    kind="post",
    key="post:3",
    fields={"id": 3, "articleBody": "<p>Hei</p>", "creator": {"id": 7, "name": "Aino Kuusiharju"}},
)


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "personal_data.yml"
    path.write_text(POLICY, encoding="utf-8")
    return path


def digest(salt: str, value: str) -> str:
    return hashlib.sha256(f"{salt}\x1f{value}".encode()).hexdigest()


def test_each_policy_is_applied_as_configured_in_a_dry_run(policy_file: Path) -> None:
    policy = load_policy(policy_file)
    report = PolicyReport("rehearsal")
    out = apply_policy(MEMBER, policy, "rehearsal", salt="pepper-1", report=report).fields
    assert out["name"] == MASK  # personal, no own policy: the dry-run default
    assert out["emailAddress"] == digest("pepper-1", "aino@example.fi")
    assert "birthDate" not in out
    assert out["jobTitle"] == "Koordinaattori"  # kept in rehearsal as the file says
    assert out["id"] == 7 and out["lastLoginDate"] == MEMBER.fields["lastLoginDate"]
    # A dropped subtree keeps what a deeper rule classifies otherwise.
    assert out["userAccountContactInformation"] == {"telephones": [{"phoneType": "business"}]}
    assert out["favouriteColour"] == MASK  # unclassified: treated as personal
    assert report.unclassified() == {"member": ["favouriteColour"]}
    assert report.fields["member"]["emailAddress"].policy == "hash"
    assert report.fields["member"]["name"].changed == 1
    post = apply_policy(POST, policy, "rehearsal", salt="pepper-1").fields
    assert post["creator"] == {"id": 7, "name": MASK} and post["articleBody"] == "<p>Hei</p>"
    assert MEMBER.fields["name"] == "Aino Kuusiharju"  # the raw record is untouched


def test_production_keeps_personal_data_unless_the_file_says_otherwise(policy_file: Path) -> None:
    policy = load_policy(policy_file)
    out = apply_policy(MEMBER, policy, "production", salt="pepper-1").fields
    assert out["name"] == "Aino Kuusiharju" and out["favouriteColour"] == "green"
    assert out["emailAddress"] == digest("pepper-1", "aino@example.fi")
    assert "birthDate" not in out and "jobTitle" not in out


def test_hashing_needs_the_salt(policy_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = load_policy(policy_file)
    monkeypatch.delenv(SALT_ENV, raising=False)
    with pytest.raises(ConfigError, match=SALT_ENV):
        apply_policy(MEMBER, policy, "staging")
    monkeypatch.setenv(SALT_ENV, "salt-from-env")
    assert salt_for(policy, "staging") == "salt-from-env"
    hashed = apply_policy(MEMBER, policy, "staging").fields["emailAddress"]
    assert hashed == digest("salt-from-env", "aino@example.fi")
    assert hashed != digest("another-salt", "aino@example.fi")


def test_inactive_members_are_excluded_with_their_memberships(policy_file: Path) -> None:
    policy = load_policy(policy_file)
    old = SourceRecord(
        source="partnership",
        kind="member",
        key="member:8",
        fields={"id": 8, "lastLoginDate": "2023-01-01T00:00:00Z"},
    )
    never = SourceRecord(
        source="partnership",
        kind="member",
        key="member:9",
        fields={"id": 9, "dateCreated": "2024-06-01T00:00:00Z"},
    )
    excluded = excluded_members([MEMBER, old, never], policy)
    assert excluded == {"8"}  # reference 2025-05-01, limit 365 days
    membership = SourceRecord(
        source="partnership",
        kind="membership",
        key="membership:1:8",
        fields={"siteId": 1, "userAccountId": 8},
    )
    assert is_excluded(membership, excluded) and is_excluded(old, excluded)
    assert not is_excluded(MEMBER, excluded) and not is_excluded(POST, excluded)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (
            "collections:\n  member:\n    name: {personal: true, policy: scramble}\n",
            "policy must be one of",
            3,
        ),
        ("collections:\n  members:\n    name: personal\n", "unknown key 'members'", 2),
        ("collections:\n  member:\n    name: {policy: mask}\n", "personal: true", 3),
        ("inactive_members:\n  exclude_after_days: soon\n", "number of days", 2),
    ],
)
def test_policy_errors_name_the_file_and_line(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    path = tmp_path / "personal_data.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as error:
        load_policy(path)
    assert f"{path}:{line}" in str(error.value)


def test_the_shipped_policy_masks_by_default_in_a_dry_run(tmp_path: Path) -> None:
    """A real export into rehearsal and into production: the store stays raw either way."""
    policy = load_policy(MAPPINGS / "partnership" / "personal_data.yml")
    assert not policy.uses("hash", "rehearsal")
    outputs = {}
    with serve_sandbox(SandboxSettings(scale=0.02)) as box:
        for environment in ("rehearsal", "production"):
            settings = settings_for(
                tmp_path / environment, box, mode="basic", environment=environment
            )
            _, run_dir = export(settings, public_pages=False)
            outputs[environment] = (
                {r.key: r for r in read_jsonl(run_dir / "records.jsonl")},
                json.loads((run_dir / "personal-data.json").read_text()),
            )
    raw = staged(settings)
    emails = {k for k, r in raw.items() if r.kind == "member" and r.fields.get("emailAddress")}
    assert emails and all("@" in raw[k].fields["emailAddress"] for k in emails)
    dry, report = outputs["rehearsal"]
    assert all(dry[k].fields["emailAddress"] == MASK for k in emails)
    assert all(r.fields.get("creator", {}).get("name") in (None, MASK) for r in dry.values())
    assert report["environment"] == "rehearsal" and report["unclassified"] == {}
    entry = report["collections"]["member"]["emailAddress"]
    assert entry == {
        "classification": "personal",
        "policy": "mask",
        "values": len(emails),
        "changed": len(emails),
    }
    assert report["collections"]["post"]["articleBody"]["classification"] == "not_personal"
    kept, report = outputs["production"]
    assert all(kept[k].fields["emailAddress"] == raw[k].fields["emailAddress"] for k in emails)
    assert report["collections"]["member"]["emailAddress"]["policy"] == "keep"


def test_an_export_reports_unclassified_fields_and_excluded_members(
    tmp_path: Path, policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = load_policy(policy_file)
    monkeypatch.setenv(SALT_ENV, "pepper-2")
    with serve_sandbox(SandboxSettings(scale=0.02)) as box:
        settings = settings_for(tmp_path, box, mode="basic")
        result, run_dir = export(settings, public_pages=False, policy=policy)
    report = json.loads((run_dir / "personal-data.json").read_text())
    # The small test policy misses most fields: each is reported, and masked as personal.
    assert "givenName" in report["unclassified"]["member"]
    assert "headline" in report["unclassified"]["post"]
    assert report["collections"]["post"]["headline"]["policy"] == "mask"
    raw = staged(settings)
    reference = date(2025, 5, 1)
    inactive = set()
    for key, record in raw.items():
        if record.kind == "member":
            seen = record.fields.get("lastLoginDate") or record.fields["dateCreated"]
            if (reference - date.fromisoformat(seen[:10])).days > 365:
                inactive.add(key.split(":", 1)[1])
    memberships = {
        k
        for k, r in raw.items()
        if r.kind == "membership" and str(r.fields["userAccountId"]) in inactive
    }
    assert inactive and memberships
    assert report["inactive_members"]["excluded"] == {
        "member": len(inactive),
        "membership": len(memberships),
    }
    written = {r.key for r in read_jsonl(run_dir / "records.jsonl")}
    assert not written & ({f"member:{i}" for i in inactive} | memberships)
    assert result.personal_data["excluded"]["member"] == len(inactive)
