"""Control characters in the platform's API values (defect 4, export side): removed at
extraction and counted on the record, so neither the map stage (XML tools refuse C0
controls) nor PostgreSQL (refuses NUL in text) fails the record later."""

from __future__ import annotations

from transfer.extractors.partnership.entities import record


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
