"""Every key report.json writes is documented in docs/verification-report.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.verification import plant
from tests.verification.conftest import Loaded

DOC = (Path(__file__).parents[2] / "docs" / "verification-report.md").read_text("utf-8")


def _keys(value: Any, skip: frozenset[str] = frozenset({"values", "counts", "errors"})) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            if key not in skip and key != "timings_s":
                found |= _keys(inner, skip)
    elif isinstance(value, list):
        for inner in value:
            found |= _keys(inner, skip)
    return found


def test_every_report_key_is_documented(loaded_sqlite: Loaded) -> None:
    loaded_sqlite.verify("20250101T000000Z-verify-0100")
    plant.plant_all(loaded_sqlite)
    report = loaded_sqlite.verify("20250102T000000Z-verify-0101")
    data = json.loads((loaded_sqlite.logs / report.run_id / "report.json").read_text("utf-8"))
    keys = _keys(data)
    assert {"verdict", "checks", "inventory", "trend", "problems"} <= keys
    kinds = {p["kind"] for c in data["checks"] for p in c["problems"]}
    undocumented = sorted(k for k in keys | kinds if f"`{k}`" not in DOC)
    assert undocumented == []
