"""Personal data handled by policy: keep, mask, hash or drop, per field and target environment.

The staging store keeps the raw export. The map stage passes every partnership record through
:class:`PersonalData` before mapping it; the exporter's run-folder copy of the records passes
through the same. A field the policy file does not
classify is treated as personal (masked in a dry run) and reported, never silently kept.
Hashing is salted sha256 with the salt from ``TRANSFER_PSEUDONYM_SALT``, so equal values
stay equal (and joinable) without being readable.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from transfer.errors import ConfigError
from transfer.privacy.policy_file import (
    UNCLASSIFIED,
    FieldRule,
    Policy,
    load_policy,
)
from transfer.records import SourceRecord
from transfer.redaction import register_secret

SALT_ENV = "TRANSFER_PSEUDONYM_SALT"
MASK = "[masked]"
_DROP = object()

__all__ = [
    "MASK",
    "SALT_ENV",
    "PersonalData",
    "PolicyReport",
    "apply_policy",
    "excluded_members",
    "is_excluded",
    "load_policy",
    "policy_path",
    "salt_for",
]


def policy_path(mappings_dir: Path) -> Path:
    """The policy file in a mappings folder."""
    return mappings_dir / "partnership" / "personal_data.yml"


def salt_for(policy: Policy, environment: str, env: Mapping[str, str] | None = None) -> str | None:
    """The pseudonym salt when the policy hashes anything in ``environment``; a clear error
    when it would hash and no salt is set."""
    if not policy.uses("hash", environment):
        return None
    salt = (os.environ if env is None else env).get(SALT_ENV, "")
    if not salt:
        raise ConfigError(
            f"the personal-data policy hashes fields for {environment}, but {SALT_ENV} is not set",
            where=str(policy.path),
            next_step=f"set {SALT_ENV} in the environment (the same value in every run, so "
            "pseudonyms stay comparable), or choose mask or drop instead of hash",
        )
    register_secret(salt)
    return salt


@dataclass
class FieldCount:
    classification: str
    policy: str
    values: int = 0
    changed: int = 0


@dataclass
class PolicyReport:
    """What the policy did, per collection (record kind) and field: for personal-data.json."""

    environment: str
    fields: dict[str, dict[str, FieldCount]] = field(default_factory=dict)
    records: int = 0

    def count(
        self, kind: str, path: str, rule: FieldRule | None, policy: str, changed: bool
    ) -> None:
        per_kind = self.fields.setdefault(kind, {})
        entry = per_kind.get(path)
        if entry is None:
            entry = per_kind[path] = FieldCount(
                rule.classification if rule else UNCLASSIFIED, policy
            )
        entry.values += 1
        entry.changed += changed

    def unclassified(self) -> dict[str, list[str]]:
        return {
            kind: sorted(p for p, c in paths.items() if c.classification == UNCLASSIFIED)
            for kind, paths in sorted(self.fields.items())
            if any(c.classification == UNCLASSIFIED for c in paths.values())
        }

    def as_dict(self, policy: Policy) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind in sorted(set(self.fields) | set(policy.rules)):
            seen = self.fields.get(kind, {})
            rows = {
                path: {
                    "classification": rule.classification,
                    "policy": rule.policies[self.environment],
                    "values": 0,
                    "changed": 0,
                }
                for path, rule in policy.rules.get(kind, {}).items()
            }
            for path, count in seen.items():
                rows[path] = {
                    "classification": count.classification,
                    "policy": count.policy,
                    "values": count.values,
                    "changed": count.changed,
                }
            out[kind] = dict(sorted(rows.items()))
        return out


def apply_policy(
    record: SourceRecord,
    policy: Policy,
    environment: str,
    *,
    salt: str | None = None,
    report: PolicyReport | None = None,
) -> SourceRecord:
    """``record`` with its fields as the policy wants them in ``environment``.

    Each value is governed by the rule of its own path or its nearest classified ancestor
    (``creator`` covers ``creator.name`` unless ``creator.name`` has a rule of its own).
    Without ``salt`` it is read from ``TRANSFER_PSEUDONYM_SALT`` when something is hashed.
    """
    if salt is None and policy.uses("hash", environment):
        salt = salt_for(policy, environment)
    walker = _Apply(policy, record.kind, environment, salt or "", report)
    fields = {}
    for name, value in record.fields.items():
        result = walker.value(value, name)
        if result is not _DROP:
            fields[name] = result
    if report is not None:
        report.records += 1
    return replace(record, fields=fields)


class _Apply:
    def __init__(
        self, policy: Policy, kind: str, environment: str, salt: str, report: PolicyReport | None
    ) -> None:
        self.policy, self.kind, self.env = policy, kind, environment
        self.salt, self.report = salt, report

    def _rule(self, path: str) -> tuple[FieldRule | None, str]:
        rule = self.policy.rule(self.kind, path)
        chosen = rule.policies[self.env] if rule else self.policy.unclassified[self.env]
        return rule, chosen

    def value(self, value: Any, path: str) -> Any:
        if isinstance(value, dict) and value:
            rule, chosen = self._rule(path)
            if chosen == "drop" and not self.policy.has_rules_below(self.kind, path):
                self._count(path, rule, chosen, True)
                return _DROP
            out = {}
            for key, item in value.items():
                result = self.value(item, f"{path}.{key}")
                if result is not _DROP:
                    out[key] = result
            return out
        if isinstance(value, list) and value:
            kept = [self.value(item, path) for item in value]
            return [item for item in kept if item is not _DROP]
        rule, chosen = self._rule(path)
        result = self._leaf(value, chosen)
        self._count(path, rule, chosen, result is _DROP or result != value)
        return result

    def _count(self, path: str, rule: FieldRule | None, chosen: str, changed: bool) -> None:
        if self.report is not None:
            self.report.count(self.kind, rule.path if rule else path, rule, chosen, changed)

    def _leaf(self, value: Any, chosen: str) -> Any:
        if chosen == "keep" or value is None or value in ("", [], {}):
            return _DROP if chosen == "drop" else value
        if chosen == "drop":
            return _DROP
        if chosen == "mask":
            return MASK if isinstance(value, str) else None
        digest = hashlib.sha256(f"{self.salt}\x1f{value}".encode()).hexdigest()
        return digest


def _parse_day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return (
            datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            if "T" in value
            else date.fromisoformat(value[:10])
        )
    except ValueError:
        return None


def last_active(member: Mapping[str, Any]) -> date | None:
    """A member's last sign-in, or the day the account was made when it never signed in."""
    return _parse_day(member.get("lastLoginDate")) or _parse_day(member.get("dateCreated"))


def excluded_members(
    members: Iterable[SourceRecord], policy: Policy, today: date | None = None
) -> set[str]:
    """Ids of members inactive longer than ``inactive_members.exclude_after_days``."""
    days = policy.exclude_after_days
    if days is None:
        return set()
    reference = policy.reference_date or today or datetime.now(UTC).date()
    out = set()
    for member in members:
        active = last_active(member.fields)
        if member.kind == "member" and active is not None and (reference - active).days > days:
            out.add(member.key.split(":", 1)[1])
    return out


def is_excluded(record: SourceRecord, excluded: set[str]) -> bool:
    """Whether ``record`` belongs to an excluded member: the member or one of its memberships
    (their posts stay: they are the workspace's content, their names follow the policy)."""
    if record.kind == "member":
        return record.key.split(":", 1)[1] in excluded
    if record.kind == "membership":
        return str(record.fields.get("userAccountId")) in excluded
    return False


@dataclass(frozen=True)
class PersonalData:
    """The policy in effect for one target environment, loaded once with its salt."""

    policy: Policy
    environment: str
    salt: str | None

    @classmethod
    def of(cls, policy: Policy, environment: str) -> PersonalData:
        """``policy`` for ``environment``; a clear error when it hashes and no salt is set."""
        return cls(policy, environment, salt_for(policy, environment))

    @classmethod
    def load(cls, mappings_dir: Path, environment: str) -> PersonalData:
        """The policy file of ``mappings_dir`` for ``environment``."""
        return cls.of(load_policy(policy_path(mappings_dir)), environment)

    def apply(self, record: SourceRecord, report: PolicyReport | None = None) -> SourceRecord:
        """``record`` with its fields as the policy wants them (see :func:`apply_policy`)."""
        return apply_policy(record, self.policy, self.environment, salt=self.salt, report=report)

    def excluded(self, members: Iterable[SourceRecord], today: date | None = None) -> set[str]:
        """Ids of the members the policy leaves out (see :func:`excluded_members`)."""
        return excluded_members(members, self.policy, today)
