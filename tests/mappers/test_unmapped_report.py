"""The unmapped-values report and its CSV template, from a real map of a small sandbox with
two static maps that leave real values unknown."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from tests.mappers.conftest import Staged, map_settings, mappings_with_static_maps
from transfer.mappers.reports import CSV_COLUMNS
from transfer.mappers.stage import map_sources
from transfer.runs import Run
from transfer.stores.staging import StagingStore


def test_unknown_values_are_counted_with_examples_in_json_and_csv(
    tmp_path: Path, staged_sandbox: Staged
) -> None:
    staged_sandbox.workspace(tmp_path)
    settings = map_settings(tmp_path, mappings=mappings_with_static_maps(tmp_path))
    with Run("map", settings.logs_dir) as run:
        result = map_sources(settings, run)
    assert result.failed == 0

    seen: dict[tuple[str, str, str], list[str]] = {}
    for source, kind, path, mapping in (
        ("online_service", "page", "language", "online_service/page.content_translations"),
        ("partnership", "member", "status", "partnership/member.members"),
    ):
        column = path
        store = StagingStore(staged_sandbox.staging / f"{source}.sqlite")
        try:
            for record in store.records(kinds=[kind]):
                value = record.language if path == "language" else record.fields.get(path)
                if value not in ("fi", "Active"):
                    seen.setdefault((mapping, column, str(value)), []).append(record.key)
        finally:
            store.close()
    assert len(seen) >= 3  # languages sv, en and easy Finnish; the status Inactive

    with result.artefacts["unmapped_csv"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS == (
        "mapping", "column", "value", "count", "examples", "target"
    )  # fmt: skip
    found = {(r[0], r[1], r[2]): r for r in rows[1:]}
    assert set(found) == set(seen)
    for key, keys in seen.items():
        _, _, _, count, examples, target = found[key]
        assert int(count) == len(keys)
        assert examples.split(" ") == keys[:5]  # the first records met, in mapping order
        assert target == ""  # for people to fill in
    assert [tuple(r[:3]) for r in rows[1:]] == sorted(found)

    listed = json.loads(result.artefacts["unmapped"].read_text(encoding="utf-8"))
    assert {(u["mapping"], u["column"], u["value"]): u["count"] for u in listed} == {
        key: len(keys) for key, keys in seen.items()
    }
    assert result.summary["unmapped_values"] == len(seen)
    assert Counter(u["mapping"] for u in listed)["partnership/member.members"] == 1
