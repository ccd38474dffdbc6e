"""The report model: checks with their counts and problems, and the verdict.

Frozen values: built once at the end of a verification and handed to the renderers.
``as_dict`` gives the documented, stable JSON form (see ``docs/verification-report.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PASS, WARN, FAIL = "pass", "warn", "fail"
GO, NO_GO = "GO", "NO-GO"

#: The checks in report order.
CHECK_NAMES = (
    "completeness",
    "coverage",
    "fidelity",
    "links",
    "attachments",
    "redirects",
    "translations",
    "personal_data",
    "changes",
)


@dataclass(frozen=True)
class Problem:
    """One finding: its kind (e.g. ``missing_record``), the key of what it concerns, a
    sentence for people, and the values involved (e.g. source and target)."""

    check: str
    kind: str
    severity: str  # error (counts against the threshold) or warning
    key: str
    detail: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "kind": self.kind,
            "severity": self.severity,
            "key": self.key,
            "detail": self.detail,
            "values": dict(self.values),
        }


@dataclass(frozen=True)
class Check:
    """One check's outcome: status, the threshold it was held to, counts by name, the
    number of errors and warnings, and the first ``problem_cap`` problems (all are in the
    check's CSV file)."""

    name: str
    status: str
    max_errors: int | None
    errors: int
    warnings: int
    counts: Mapping[str, int]
    problems: tuple[Problem, ...]
    problems_total: int
    csv: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "threshold": {"max_errors": self.max_errors},
            "errors": self.errors,
            "warnings": self.warnings,
            "counts": dict(self.counts),
            "problems_total": self.problems_total,
            "problems_shown": len(self.problems),
            "problems_csv": self.csv,
            "problems": [problem.as_dict() for problem in self.problems],
        }


@dataclass(frozen=True)
class Verdict:
    """GO when no check failed; otherwise NO-GO with one reason per failed check."""

    decision: str
    reasons: tuple[str, ...]

    @property
    def go(self) -> bool:
        return self.decision == GO


def decide(checks: tuple[Check, ...]) -> Verdict:
    """The verdict over ``checks``: NO-GO when any failed its threshold."""
    reasons = tuple(
        f"{check.name}: {check.errors} error(s), more than the {check.max_errors} allowed"
        for check in checks
        if check.status == FAIL
    )
    return Verdict(NO_GO if reasons else GO, reasons)


@dataclass(frozen=True)
class VerificationReport:
    """Everything one verification found."""

    run_id: str
    generated_at: str
    environment: str
    target: str
    verdict: Verdict
    checks: tuple[Check, ...]
    #: (source_system, kind, language) → {"source": n, "target": n, status: n, ...}
    inventory: tuple[tuple[str, str, str, Mapping[str, int]], ...]
    trend: tuple[Mapping[str, Any], ...]
    timings: Mapping[str, float]
    previous_run: str | None = None
    #: "What did not come across": dropped fields, skipped records, lost values (coverage).
    coverage: Mapping[str, Any] = field(default_factory=dict)

    def check(self, name: str) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": 1,
            "run_id": self.run_id,
            "generated_at": self.generated_at,
            "environment": self.environment,
            "target": self.target,
            "verdict": {"decision": self.verdict.decision, "reasons": list(self.verdict.reasons)},
            "checks": [check.as_dict() for check in self.checks],
            "inventory": [
                {"source_system": system, "kind": kind, "language": language, **dict(counts)}
                for system, kind, language, counts in self.inventory
            ],
            "coverage": dict(self.coverage),
            "previous_run": self.previous_run,
            "trend": [dict(point) for point in self.trend],
            "timings_s": dict(self.timings),
        }
