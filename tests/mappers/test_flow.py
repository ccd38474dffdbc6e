"""skip_on_empty: the chain stops (process) or the record is skipped (row) on empty input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mappers.helpers import record, run
from transfer.errors import MappingError
from transfer.mappers import MapContext, Skip, load_mappings, map_rows
from transfer.mappers.registry import SkipRecord, StopChain


@pytest.mark.parametrize("value", [None, "", "   ", [], {}])
def test_empty_values_stop_the_chain_or_skip_the_record(value: object) -> None:
    with pytest.raises(StopChain):
        run("skip_on_empty", "process", value)
    with pytest.raises(SkipRecord, match=r"^col is empty$"):
        run("skip_on_empty", "row", value)
    with pytest.raises(SkipRecord, match=r"^no title$"):
        run("skip_on_empty", {"method": "row", "message": "no title"}, value)


@pytest.mark.parametrize("value", ["x", 0, False, ["a"], {"a": 1}])
def test_values_that_are_not_empty_pass_through(value: object) -> None:
    assert run("skip_on_empty", "process", value) == value


@pytest.mark.parametrize("config", ["sometimes", {}, {"method": "row", "mesage": "x"}])
def test_bad_configuration_is_refused(config: object) -> None:
    with pytest.raises(MappingError):
        run("skip_on_empty", config, None)


MAPPING = """\
source: online_service
kinds: [news]
targets:
  - target: contact_people
    columns:
      name:
        - get: fields.title
        - skip_on_empty: row
      title:
        - get: fields.lead
        - skip_on_empty: process
        - concat: {paths: [fields.title], delimiter: " / "}
"""


def test_in_a_mapping_process_leaves_the_column_empty_and_row_skips(tmp_path: Path) -> None:
    folder = tmp_path / "online_service"
    folder.mkdir()
    (folder / "news.yml").write_text(MAPPING, encoding="utf-8")
    (mapping,) = load_mappings(tmp_path)
    rows = map_rows(mapping, record(title="Otsikko", lead=None), MapContext())
    assert not isinstance(rows, Skip)
    assert rows[0]["title"] is None  # concat would have made "Otsikko" of it
    assert map_rows(mapping, record(title="Otsikko", lead="Ingressi"), MapContext()) == [
        {**rows[0], "title": "Ingressi / Otsikko"}
    ]
    skipped = map_rows(mapping, record(title=" ", lead="x"), MapContext())
    assert isinstance(skipped, Skip) and skipped.reason == "name is empty"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("", True), ("  ", True), ([], True), ({}, True), ("x", False),
     (0, False), (False, False), (["a"], False)],
)  # fmt: skip
def test_is_empty_says_whether_the_value_is_empty(value: object, expected: bool) -> None:
    assert run("is_empty", {}, value) is expected
    assert run("is_present", {}, value) is (not expected)


@pytest.mark.parametrize("value", [True, "x", 1, ["a"]])
def test_when_reads_the_path_for_a_true_value(value: object) -> None:
    assert run("when", "key", value) == "https://kotoutuminen.fi/-/uusi-laki"
    assert run("when", "fields.absent", value) is None


@pytest.mark.parametrize("value", [None, False, "", [], {}])
def test_when_stops_the_chain_for_a_false_value(value: object) -> None:
    with pytest.raises(StopChain):
        run("when", "fields.title", value)


@pytest.mark.parametrize(
    ("name", "config"),
    [
        ("is_empty", {"x": 1}),
        ("is_present", {"x": 1}),
        ("when", {}),
        ("when", {"path": "nowhere.x"}),
    ],
)
def test_bad_configuration_of_is_empty_and_when_is_refused(name: str, config: object) -> None:
    with pytest.raises(MappingError):
        run(name, config, None)
