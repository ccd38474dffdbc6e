"""Control characters in the platform's API values (defect 4, export side): removed at
extraction and counted on the record, so neither the map stage (XML tools refuse C0
controls) nor PostgreSQL (refuses NUL in text) fails the record later."""

from __future__ import annotations

import json
from pathlib import Path

from transfer.extractors.partnership.entities import record
from transfer.stores.staging.store import StagingStore


def test_control_characters_in_api_values_are_removed_and_counted() -> None:
    made = record(
        "post",
        "7",
        {
            "headline": "Otsikko\x00",
            "articleBody": "<p>a\x01b\x1bc</p>",
            "keywords": ["x\x02y"],
            "creator": {"name": "N\x0bimi"},
        },
        page_url="https://kumppanuusalusta.kotoutuminen.fi/o/x",
    )
    assert made.fields["headline"] == "Otsikko"
    assert made.fields["articleBody"] == "<p>abc</p>"
    assert made.fields["keywords"] == ["xy"]
    assert made.fields["creator"] == {"name": "Nimi"}
    (warning,) = made.fields["_warnings"]
    assert warning["code"] == "control-chars"
    assert "removed 5 control character(s)" in warning["detail"]


def test_clean_values_carry_no_warning() -> None:
    made = record("post", "8", {"headline": "Otsikko\tja\nrivi"}, page_url="https://x/o/y")
    assert made.fields == {"headline": "Otsikko\tja\nrivi"}


def test_lone_surrogates_in_api_values_are_replaced_and_the_record_stores(
    tmp_path: Path,
) -> None:
    # A Java source cutting a text to N UTF-16 units can split an emoji; its JSON then
    # carries half of it as an escape, which json.loads keeps as a lone surrogate.
    api = json.loads(
        '{"headline": "Hymy \\ud83d", "keywords": ["\\ude00x"], "creator": {"name": "N\\u0000"}}'
    )
    made = record("post", "9", api, page_url="https://x/o/z")
    assert made.fields["headline"] == "Hymy \ufffd"
    assert made.fields["keywords"] == ["\ufffdx"]
    assert made.fields["creator"] == {"name": "N"}
    codes = {w["code"]: w["detail"] for w in made.fields["_warnings"]}
    assert codes == {
        "control-chars": "removed 1 control character(s) from the values",
        "lone-surrogates": "replaced 2 lone surrogate(s) (half of a character) with U+FFFD",
    }
    store = StagingStore(tmp_path / "staging.sqlite")
    pass_id, _ = store.begin_pass("test")
    store.save(made, pass_id)
    stored = store.get(made.key)
    assert stored is not None and stored.record.fields["headline"] == "Hymy \ufffd"
