"""The report model: checks with their counts and problems, and the verdict.

Frozen values: built once at the end of a verification and handed to the renderers.
``as_dict`` gives the documented, stable JSON form (see ``docs/verification-report.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from transfer.verification import texts

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
class AcceptedProblem:
    """An error that a waiver in ``accepted.yml`` accepts: listed, but not counted."""

    problem: Problem
    waiver: Mapping[str, Any]  # check, key, reason, who, until, where

    def as_dict(self) -> dict[str, Any]:
        return {**self.problem.as_dict(), "waiver": dict(self.waiver)}


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
    #: Errors a waiver accepts: not in ``errors``, listed here (the first ``problem_cap``).
    accepted: tuple[AcceptedProblem, ...] = ()
    accepted_total: int = 0

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
            "accepted": self.accepted_total,
            "accepted_problems": [accepted.as_dict() for accepted in self.accepted],
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
    """The verdict over ``checks``: NO-GO when any failed its threshold; each reason says
    in plain words what is wrong and where (see :func:`texts.reason`)."""
    reasons = tuple(texts.reason(check, str) for check in checks if check.status == FAIL)
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
    #: Waivers past their date (``expired``) or matching no problem (``stale``).
    waivers: Mapping[str, Any] = field(default_factory=dict)
    #: Problems new, fixed and still open since the previous run (``history.since_last``).
    since_last_run: Mapping[str, Any] = field(default_factory=dict)

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
            "waivers": dict(self.waivers),
            "since_last_run": dict(self.since_last_run),
            "previous_run": self.previous_run,
            "trend": [dict(point) for point in self.trend],
            "timings_s": dict(self.timings),
        }
