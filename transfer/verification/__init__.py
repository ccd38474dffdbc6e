"""Verification: what arrived in the KEHA target, checked against what the sources had.

Reads only the target database, the map stage's mapped store, the extractors' staging
stores, the media store and the previous run's report; writes ``report.html``,
``report.json`` and CSV lists of problems into the run folder. :func:`verify` is the entry
point; the verdict is GO when no check fails its threshold.
"""

from __future__ import annotations

from transfer.verification.model import Check, Problem, Verdict, VerificationReport
from transfer.verification.run import VerifyInputs, verify

__all__ = ["Check", "Problem", "Verdict", "VerificationReport", "VerifyInputs", "verify"]
