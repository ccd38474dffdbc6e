"""Every processor, table-driven: good input, edge cases, and bad configuration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.mappers.helpers import FakeIdMap, fake_links, record, run
from transfer.cfemail import encode_cfemail
from transfer.errors import MappingError
from transfer.mappers.context import Context, MapContext
from transfer.mappers.registry import SkipRecord

RECORD = record(
    title="Uusi laki",
    translations=[{"hreflang": "fi-FI", "url": "u1"}, {"hreflang": "sv-FI", "url": "u2"}],
    handbook="Käsikirja",
    chapter_number="3",
    empty="",
    customFields=[
        {"name": "businessId", "customValue": {"data": "FI91234567"}},
        {"name": "commitmentDate", "customValue": {"data": "2024-12-05T06:09:07Z"}},
    ],
    categories=[{"name": "Avoimuus"}, {"id": 3}, {"name": "Vaikuttavuus"}],
)


def ctx(services: MapContext | None = None, **kw: Any) -> Context:
    return Context(RECORD, {"title": "T"}, services or MapContext(), "os/news.ct", "col", **kw)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("fields.title", "Uusi laki"),
        ({"path": "key"}, "https://kotoutuminen.fi/-/uusi-laki"),
        ("language", "fi"),
        ("fields.translations[1].hreflang", "sv-FI"),
        ("fields.translations.0.url", "u1"),
        ("fields.translations[5].url", None),
        ("fields.missing.deeper", None),
        ("links", ["https://kotoutuminen.fi/tietoa"]),
        ("fetch.content_type", "text/html; charset=utf-8"),
        ("row.title", "T"),
        ("fields.customFields[name=businessId].customValue.data", "FI91234567"),
        ("fields.customFields[name = commitmentDate].customValue.data", "2024-12-05T06:09:07Z"),
        ("fields.customFields[name=missing].customValue.data", None),
        ("fields.title[name=x]", None),
        ("fields.categories[*].name", ["Avoimuus", "Vaikuttavuus"]),
        ("fields.categories[*]", [{"name": "Avoimuus"}, {"id": 3}, {"name": "Vaikuttavuus"}]),
        ("fields.title[*].name", None),
    ],
)
def test_get(config: object, expected: object) -> None:
    assert run("get", config, None, ctx()) == expected


def test_get_item_and_position() -> None:
    context = ctx(item={"name": "Liisa"}, position=2)
    assert run("get", "item.name", None, context) == "Liisa"
    assert run("get", "position", None, context) == 2


@pytest.mark.parametrize(
    ("config", "value", "expected"),
    [
        (False, None, False),
        ({"value": "x"}, "", "x"),
        ({"value": "x"}, "kept", "kept"),
        ({"path": "fields.title"}, None, "Uusi laki"),
        ({"value": []}, [], []),
    ],
)
def test_default(config: object, value: object, expected: object) -> None:
    assert run("default", config, value, ctx()) == expected


@pytest.mark.parametrize(
    ("config", "value", "expected"),
    [
        ({"paths": ["fields.chapter_number"], "delimiter": " – "}, "Käsikirja", "Käsikirja – 3"),
        ({"delimiter": ", "}, ["a", None, "", "b"], "a, b"),
        ({"paths": ["fields.empty"]}, "a", "a"),
        ({}, None, None),
        (
            {"paths": ["fields.categories[*].name"], "delimiter": "; "},
            "a",
            "a; Avoimuus; Vaikuttavuus",
        ),
    ],
)
def test_concat(config: object, value: object, expected: object) -> None:
    assert run("concat", config, value, ctx()) == expected


@pytest.mark.parametrize(
    ("config", "value", "expected"),
    [
        (",", "a, b,,c", ["a", "b", "c"]),
        ({"delimiter": ",", "strip": False, "drop_empty": False}, "a, b,", ["a", " b", ""]),
        ("|", "one", ["one"]),
    ],
)
def test_split(config: object, value: str, expected: list[str]) -> None:
    assert run("split", config, value) == expected


@pytest.mark.parametrize(
    ("config", "value", "expected"),
    [
        ({"pattern": "^([^;]+)", "group": 1}, "application/pdf; x=y", "application/pdf"),
        ({"pattern": r"(?P<n>\d+)", "group": "n"}, "luku 12", "12"),
        (r"\d+", "abc", None),
        ({"pattern": r"\d+", "no_match": "keep"}, "abc", "abc"),
        ({"pattern": r"\s+", "replace": " "}, "a \n  b", "a b"),
        ({"pattern": r"(\w+)@", "replace": r"\1 at "}, "x@y", "x at y"),
    ],
)
def test_regex(config: object, value: str, expected: object) -> None:
    assert run("regex", config, value) == expected


def test_regex_no_match_error() -> None:
    with pytest.raises(MappingError, match="does not match"):
        run("regex", {"pattern": r"\d", "no_match": "error"}, "x")


MAP = {"Uutinen": "news", "Nyhet": "news"}


@pytest.mark.parametrize(
    ("config", "value", "expected"),
    [
        ({"map": MAP}, "Nyhet", "news"),
        ({"map": MAP, "unknown": "keep"}, "Blogi", "Blogi"),
        ({"map": MAP, "unknown": "default", "default": "page"}, "Blogi", "page"),
        ({"map_file": "kinds"}, "Artikkeli", "page"),
    ],
)
def test_static_map(config: object, value: str, expected: object) -> None:
    services = MapContext(lookups={"kinds": {"Artikkeli": "page"}})
    assert run("static_map", config, value, ctx(services)) == expected


def test_static_map_unknown_values_are_reported_with_counts_and_examples() -> None:
    services = MapContext()
    for _ in range(3):
        run("static_map", {"map": MAP, "unknown": "keep"}, "Blogi", ctx(services))
    with pytest.raises(SkipRecord, match="Tiedote"):
        run("static_map", {"map": MAP, "unknown": "skip"}, "Tiedote", ctx(services))
    with pytest.raises(MappingError, match="no mapping for 'Tapahtuma'"):
        run("static_map", {"map": MAP}, "Tapahtuma", ctx(services))
    unmapped = {entry.value: entry for entry in services.report.unmapped.values()}
    assert unmapped["Blogi"].count == 3
    assert unmapped["Blogi"].examples == [RECORD.key]
    assert unmapped["Blogi"].column == "col"
    assert set(unmapped) == {"Blogi", "Tiedote", "Tapahtuma"}


def test_lookup_with_in_memory_id_map() -> None:
    ids = FakeIdMap({("os/attachment.assets", "a"): 5, ("os/image.assets", "b"): 6})
    services = MapContext(references=ids)
    both = {"migration": ["os/attachment.assets", "os/image.assets"]}
    assert run("lookup", "os/attachment.assets", "a", ctx(services)) == 5
    assert run("lookup", both, "b", ctx(services)) == 6
    assert run("lookup", "os/attachment.assets", "zzz", ctx(services)) is None
    stub = {"migration": "os/attachment.assets", "stub": True}
    first = run("lookup", stub, "later", ctx(services))
    assert first == 1000 and run("lookup", stub, "later", ctx(services)) == 1000
    assert services.report.stubs == [("os/attachment.assets", "later")]
    with pytest.raises(SkipRecord):
        run("lookup", {"migration": "os/x.assets", "missing": "skip"}, "q", ctx(services))
    with pytest.raises(MappingError, match=r"not in os/x\.assets"):
        run("lookup", {"migration": "os/x.assets", "missing": "error"}, "q", ctx(services))
    with pytest.raises(MappingError, match="needs the id map"):
        run("lookup", "os/x.assets", "q", ctx())


@pytest.mark.parametrize(
    ("config", "value", "expected"),
    [
        ("local", "Julkaistu 20.12.2023 klo 9.33", datetime(2023, 12, 20, 7, 33, tzinfo=UTC)),
        ("local", "Publicerad 4.9.2023 kl. 9.00", datetime(2023, 9, 4, 6, 0, tzinfo=UTC)),
        ("local", "Published 10.3.2025 at 14.56", datetime(2025, 3, 10, 12, 56, tzinfo=UTC)),
        ("local", "11.9.2024", datetime(2024, 9, 10, 21, 0, tzinfo=UTC)),
        ("local", "Published 4 September 2023", datetime(2023, 9, 3, 21, 0, tzinfo=UTC)),
        ("local", "4. syyskuuta 2023 klo 9.00", datetime(2023, 9, 4, 6, 0, tzinfo=UTC)),
        ("local", "den 4 september 2023 kl. 9.00", datetime(2023, 9, 4, 6, 0, tzinfo=UTC)),
        ("iso", "2025-03-05T07:28:00+00:00", datetime(2025, 3, 5, 7, 28, tzinfo=UTC)),
        ("iso", "2025-06-01T12:00:00+03:00", datetime(2025, 6, 1, 9, 0, tzinfo=UTC)),
        ("iso", "2024-09-11", datetime(2024, 9, 10, 21, 0, tzinfo=UTC)),
        ({}, "5.3.2025 9.28", datetime(2025, 3, 5, 7, 28, tzinfo=UTC)),
        ({"format": "local", "invalid": "null"}, "31.2.2024", None),
        ({"format": "iso", "timezone": "UTC"}, "2024-09-11", datetime(2024, 9, 11, tzinfo=UTC)),
    ],
)
def test_parse_date(config: object, value: str, expected: datetime | None) -> None:
    result = run("parse_date", config, value)
    assert result == expected
    if result is not None:
        assert result.tzinfo is UTC


def test_parse_date_invalid_is_an_error() -> None:
    with pytest.raises(MappingError, match="not a local date"):
        run("parse_date", "local", "ei päivää")


@pytest.mark.parametrize(
    ("config", "value", "expected"),
    [
        ({}, "Kotoutumisen edistäminen Åbolandissa", "kotoutumisen-edistaminen-abolandissa"),
        ({}, "  Översikt & Välkommen! ", "oversikt-valkommen"),
        ({}, "Café 2025", "cafe-2025"),
        ({"max_length": 12}, "Kotoutuminen Suomessa", "kotoutuminen"),
        ({"max_length": 5}, "abcdefghij", "abcde"),
        ({"separator": "_"}, "Ä Ö Å", "a_o_a"),
        ({}, "!!!", None),
    ],
)
def test_slugify(config: object, value: str, expected: object) -> None:
    assert run("slugify", config, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("fi-FI", "fi"),
        ("sv_SE", "sv"),
        ("en-US", "en"),
        ("FI", "fi"),
        ("sv-FI", "sv"),
        ("fi-x-selko", "fi-x-selko"),
        ("selkosuomi", "fi-x-selko"),
    ],
)
def test_language(value: str, expected: str) -> None:
    assert run("language", {}, value) == expected


@pytest.mark.parametrize("value", ["x-default", "de-DE", ""])
def test_language_unknown_is_an_error(value: str) -> None:
    with pytest.raises(MappingError, match="unknown language"):
        run("language", {}, value)


def test_language_extra_map() -> None:
    assert run("language", {"map": {"x-default": "fi"}}, "x-default") == "fi"


HEX = encode_cfemail("liisa.äänekoski@example.fi", 0x5A)


@pytest.mark.parametrize(
    ("config", "value", "expected"),
    [
        ({}, HEX, "liisa.äänekoski@example.fi"),
        ({}, f"/cdn-cgi/l/email-protection#{HEX}", "liisa.äänekoski@example.fi"),
        ({}, "already@example.fi", "already@example.fi"),
        ({"invalid": "null"}, "zz", None),
    ],
)
def test_decode_email(config: object, value: str, expected: object) -> None:
    assert run("decode_email", config, value) == expected


def test_decode_email_invalid_is_an_error() -> None:
    with pytest.raises(MappingError, match="not a protected e-mail"):
        run("decode_email", {}, "nothex")


def test_from_plan_needs_the_plan() -> None:
    with pytest.raises(MappingError, match="provided by the map stage"):
        run("from_plan", "new_path", None)


def test_rewrite_links_needs_the_plan() -> None:
    with pytest.raises(MappingError, match="needs the URL plan"):
        run("rewrite_links", {}, "<p>x</p>")


def test_a_bare_link_mapper_is_enough() -> None:
    services = MapContext(links=fake_links)
    assert run("rewrite_links", {}, '<a href="/tietoa">t</a>', ctx(services)) == (
        '<a href="/fi/tietoa">t</a>'
    )
