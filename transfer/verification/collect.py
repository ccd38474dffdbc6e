"""Per-check aggregates: counters, a capped list of problems, and every problem in a CSV.

Verification never holds all problems in memory: the first ``cap`` are kept for the HTML
and JSON reports, every one is streamed to ``problems-<check>.csv`` as it is found.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import IO, Any, Protocol

from transfer.verification.model import FAIL, PASS, WARN, AcceptedProblem, Check, Problem
from transfer.verification.waivers import WaiverBook

CSV_COLUMNS = ("check", "kind", "severity", "key", "detail", "values")


class Collects(Protocol):
    """What a check tells of what it finds: a :class:`CheckCollector`, or the findings
    of a part of it run apart (:class:`transfer.verification.records.Findings`)."""

    def count(self, name: str, n: int = 1) -> None: ...

    def problem(
        self, kind: str, key: str, detail: str, *, warning: bool = False, **values: Any
    ) -> None: ...


class CheckCollector:
    """Collects one check's findings; :meth:`finish` turns them into a :class:`Check`."""

    def __init__(
        self,
        name: str,
        out_dir: Path,
        *,
        cap: int,
        max_errors: int | None,
        waivers: WaiverBook | None = None,
    ) -> None:
        self.name = name
        self.waivers = waivers
        self.accepted: list[AcceptedProblem] = []
        self.accepted_total = 0
        self.cap = cap
        self.max_errors = max_errors
        self.counts: Counter[str] = Counter()
        self.problems: list[Problem] = []
        self.errors = 0
        self.warnings = 0
        self.total = 0
        self.csv_name = f"problems-{name}.csv"
        self._file: IO[str] = (out_dir / self.csv_name).open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(CSV_COLUMNS)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def problem(
        self,
        kind: str,
        key: str,
        detail: str,
        *,
        warning: bool = False,
        info: bool = False,
        **values: Any,
    ) -> None:
        """Record a finding; errors count against the check's threshold, warnings make it
        warn, and info (e.g. what changed since the last run) only lists it. An error that
        a waiver in force accepts is listed apart (severity ``accepted``) and not counted."""
        severity = "info" if info else "warning" if warning else "error"
        waiver = None
        if severity == "error" and self.waivers is not None:
            waiver = self.waivers.accepts(self.name, key)
        if waiver is not None:
            severity = "accepted"
            self.accepted_total += 1
        elif info:
            pass
        elif warning:
            self.warnings += 1
        else:
            self.errors += 1
        self.counts[kind] += 1
        self.total += 1
        found = Problem(self.name, kind, severity, key, detail, values)
        if waiver is not None:
            if len(self.accepted) < self.cap:
                self.accepted.append(AcceptedProblem(found, waiver.as_dict()))
        elif len(self.problems) < self.cap:
            self.problems.append(found)
        self._csv.writerow(
            (
                self.name,
                kind,
                severity,
                key,
                detail,
                json.dumps(values, ensure_ascii=False, default=str, sort_keys=True),
            )
        )

    def finish(self) -> Check:
        self._file.close()
        if self.max_errors is not None and self.errors > self.max_errors:
            status = FAIL
        elif self.errors or self.warnings:
            status = WARN
        else:
            status = PASS
        return Check(
            name=self.name,
            status=status,
            max_errors=self.max_errors,
            errors=self.errors,
            warnings=self.warnings,
            counts=dict(sorted(self.counts.items())),
            problems=tuple(self.problems),
            problems_total=self.total,
            csv=self.csv_name,
            accepted=tuple(self.accepted),
            accepted_total=self.accepted_total,
        )
