"""``mappings/partnership/personal_data.yml``: which exported fields are personal data, and
what happens to each per target environment. Validated before anything runs; every problem
of the file is reported at once, each with its file, line and key. The format is documented in
``mappings/partnership/README.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from transfer.config import ENVIRONMENTS
from transfer.records import PARTNERSHIP_KINDS as KINDS
from transfer.yamlfile import KeyPath, KeyTable, Located, Problems, load

POLICIES = ("keep", "mask", "hash", "drop")
PERSONAL, NOT_PERSONAL, UNCLASSIFIED = "personal", "not_personal", "unclassified"
#: Without a ``defaults`` section: dry runs mask personal data, production keeps it.
BUILT_IN_DEFAULTS = {
    PERSONAL: {"rehearsal": "mask", "staging": "mask", "production": "keep"},
    NOT_PERSONAL: dict.fromkeys(ENVIRONMENTS, "keep"),
}


@dataclass(frozen=True)
class FieldRule:
    """One classified field (a dotted path; list positions are left out of paths)."""

    path: str
    personal: bool
    policies: Mapping[str, str]  # environment → keep | mask | hash | drop

    @property
    def classification(self) -> str:
        return PERSONAL if self.personal else NOT_PERSONAL


@dataclass(frozen=True)
class Policy:
    path: Path
    rules: Mapping[str, Mapping[str, FieldRule]]  # kind → path → rule (common merged in)
    unclassified: Mapping[str, str]  # environment → policy for fields the file misses
    exclude_after_days: int | None = None
    reference_date: date | None = None
    _prefixes: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)
    _nearest: dict[tuple[str, str], FieldRule | None] = field(default_factory=dict, compare=False)
    _uses: dict[tuple[str, str], bool] = field(default_factory=dict, compare=False)

    def rule(self, kind: str, path: str) -> FieldRule | None:
        """The rule of ``path`` or of its nearest classified ancestor."""
        try:
            return self._nearest[kind, path]
        except KeyError:
            found = self._nearest[kind, path] = _nearest(self, kind, path)
            return found

    def has_rules_below(self, kind: str, path: str) -> bool:
        if kind not in self._prefixes:
            self._prefixes[kind] = frozenset(
                p.rsplit(".", n)[0]
                for p in self.rules.get(kind, {})
                for n in range(1, p.count(".") + 1)
            )
        return path in self._prefixes[kind]

    def uses(self, policy: str, environment: str) -> bool:
        # Asked once per record the policy is applied to: the answer is kept.
        known = self._uses.get((policy, environment))
        if known is None:
            known = self._uses[policy, environment] = (
                any(
                    rule.policies[environment] == policy
                    for rules in self.rules.values()
                    for rule in rules.values()
                )
                or self.unclassified[environment] == policy
            )
        return known


def _nearest(policy: Policy, kind: str, path: str) -> FieldRule | None:
    rules = policy.rules.get(kind, {})
    probe = path
    while True:
        if probe in rules:
            return rules[probe]
        if "." not in probe:
            return None
        probe = probe.rsplit(".", 1)[0]


class _Reader:
    """Validates while converting, collecting every problem with its location; a wrong
    value is left out (the defaults stand) so that checking goes on."""

    def __init__(self, located: Located) -> None:
        self.problems = Problems(located)
        self.fail = self.problems.add

    def table(
        self, value: Any, key_path: KeyPath, allowed: Iterable[str] | None = None
    ) -> dict[str, Any]:
        if value is None:
            return {}
        if allowed is None:
            if not isinstance(value, dict):
                self.fail(key_path, "expected a mapping")
                return {}
            return value
        return self.problems.table(value, key_path, KeyTable.of(*allowed))

    def policies(self, value: Any, key_path: KeyPath, base: Mapping[str, str]) -> dict[str, str]:
        """A policy for every environment: one word for all, or a mapping per environment."""
        if isinstance(value, str):
            value = dict.fromkeys(ENVIRONMENTS, value)
        out = dict(base)
        for env, policy in self.table(value, key_path, ENVIRONMENTS).items():
            if policy not in POLICIES:
                self.fail(
                    (*key_path, env), f"policy must be one of {', '.join(POLICIES)}, got {policy!r}"
                )
                continue
            out[env] = str(policy)
        return out

    def rule(
        self, path: str, value: Any, key_path: KeyPath, defaults: Mapping[str, Mapping[str, str]]
    ) -> FieldRule:
        if value in (PERSONAL, NOT_PERSONAL):
            personal = value == PERSONAL
            return FieldRule(path, personal, dict(defaults[str(value)]))
        raw = self.table(value, key_path, {"personal", "policy", *ENVIRONMENTS})
        if not isinstance(raw.get("personal"), bool):
            self.fail(
                key_path,
                "say `personal: true` or `personal: false` (or write "
                "just `personal` or `not_personal`)",
            )
        personal = raw.get("personal") is not False
        base = defaults[PERSONAL if personal else NOT_PERSONAL]
        policies = (
            self.policies(raw["policy"], (*key_path, "policy"), base)
            if "policy" in raw
            else dict(base)
        )
        per_env = {env: raw[env] for env in ENVIRONMENTS if env in raw}
        policies = self.policies(per_env, key_path, policies)
        return FieldRule(path, personal, policies)


def load_policy(path: Path) -> Policy:
    """Read and validate the personal-data policy file; raises one ``ConfigError`` naming
    every problem (file, line, key)."""
    data, located = load(path)
    r = _Reader(located)
    top = r.table(data, (), {"defaults", "inactive_members", "common", "collections"})
    raw_defaults = r.table(top.get("defaults"), ("defaults",), {PERSONAL, NOT_PERSONAL})
    defaults = {
        name: r.policies(raw_defaults.get(name, {}), ("defaults", name), BUILT_IN_DEFAULTS[name])
        for name in BUILT_IN_DEFAULTS
    }
    inactive = r.table(
        top.get("inactive_members"), ("inactive_members",), {"exclude_after_days", "reference_date"}
    )
    days = inactive.get("exclude_after_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        r.fail(
            ("inactive_members", "exclude_after_days"),
            "must be a number of days (or null: keep every member)",
        )
        days = None
    reference = inactive.get("reference_date")
    if reference is not None and not isinstance(reference, date):
        r.fail(("inactive_members", "reference_date"), "must be a date like 2025-05-01")
        reference = None
    common = {
        name: r.rule(name, value, ("common", name), defaults)
        for name, value in r.table(top.get("common"), ("common",)).items()
    }
    rules: dict[str, dict[str, FieldRule]] = {}
    collections = r.table(top.get("collections"), ("collections",), KINDS)
    for kind in KINDS:
        own = r.table(collections.get(kind), ("collections", kind))
        rules[kind] = {
            **common,
            **{
                name: r.rule(name, value, ("collections", kind, name), defaults)
                for name, value in own.items()
            },
        }
    r.problems.raise_if_any(
        f"the personal-data policy {path}", "fix the file; see mappings/partnership/README.md"
    )
    return Policy(path, rules, defaults[PERSONAL], days, reference)
