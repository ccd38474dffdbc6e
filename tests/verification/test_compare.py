"""The fidelity comparison of one target row with its mapped values."""

from __future__ import annotations

import json
from pathlib import Path

from transfer.verification.records import Findings, _compare, _found
from transfer.verification.target import TargetRow


def _problems(tmp_path: Path, target: dict[str, object], mapped: dict[str, object]) -> list[str]:
    findings = Findings(tmp_path / "found.csv")
    row = TargetRow("content_translations", "online_service", "https://x/fi/a", "", target)
    compared = _compare(row, json.dumps(mapped), findings, production=True)
    findings.close()
    assert compared == len(mapped)
    return [values["column"] for *_, values in _found(tmp_path / "found.csv")]


def test_a_whole_number_stored_as_its_digits_is_the_mapped_value(tmp_path: Path) -> None:
    # The loader lets a whole number into a text column, where both targets store its
    # digits: the same value, not a mismatch; other digits, or a number in a number
    # column that differs, still are.
    target = {"title": "2025", "summary": "7", "position": 3}
    mapped = {"title": 2025, "summary": 8, "position": 4}
    assert _problems(tmp_path, target, mapped) == ["summary", "position"]
    assert _problems(tmp_path, {"title": "2025.0"}, {"title": 2025}) == ["title"]
