"""The engine runs the shipped mappings on records like the crawler's."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.mappers.helpers import FakePlan, fake_links, record
from transfer.cfemail import encode_cfemail
from transfer.errors import MappingError
from transfer.mappers import (
    MapContext,
    Mapping,
    Skip,
    load_mappings,
    map_record,
    map_rows,
    mappings_for,
)
from transfer.records import SourceRecord

MAPPINGS = load_mappings(Path(__file__).parent.parent.parent / "mappings")
BODY = (
    '<h2>Laki</h2><p onclick="x()">Katso <a href="/tietoa">tietoa</a> ja '
    '<a href="/vanha">vanha</a>.</p><script>bad()</script>'
)
NEWS = record(
    title="Uusi  laki\n voimaan",
    lead="Lyhyesti.",
    body=BODY,
    published="2025-03-05T07:28:00+00:00",
    updated="2024-09-11",
    frozen=False,
    outdated_banner=True,
    contacts=[
        {
            "name": "Liisa",
            "title": None,
            "organisation": "KEHA",
            "phone": "+358 29",
            "email": encode_cfemail("liisa@example.fi", 7),
        },
        {
            "name": "Matti",
            "title": "Asiantuntija",
            "organisation": None,
            "phone": None,
            "email": None,
        },
    ],
    attachments=[{"title": "Raportti", "url": "/documents/1/2/r.pdf/0a1b2c3d?t=1"}],
)


def services() -> MapContext:
    return MapContext(links=fake_links, plan=FakePlan())


def one(kind: str, target: str, name: str | None = None) -> Mapping:
    found = [m for m in mappings_for(MAPPINGS, "online_service", kind) if m.target == target]
    if name:
        found = [m for m in found if m.id.endswith(f".{name}")]
    assert len(found) == 1 if name else found
    return found[0]


def test_news_translation_row() -> None:
    context = services()
    row = map_record(one("news", "content_translations"), NEWS, context)
    assert isinstance(row, dict)
    assert row["source_system"] == "online_service"
    assert row["source_key"] == NEWS.key
    assert row["title"] == "Uusi laki voimaan"
    assert row["language"] == "fi"
    assert row["item_id"] == 7 and row["new_path"] == "/new_path/uusi-laki"
    assert row["old_url"] == NEWS.url
    assert row["published_at"] == datetime(2025, 3, 5, 7, 28, tzinfo=UTC)
    assert row["updated_at"] == datetime(2024, 9, 10, 21, 0, tzinfo=UTC)
    assert row["published_in_english_at"] is None
    assert row["is_frozen"] is False and row["has_outdated_banner"] is True
    assert row["body_html"] == (
        '<h2>Laki</h2><p>Katso <a href="/fi/tietoa">tietoa</a> ja <a href="/vanha">vanha</a>.</p>'
    )
    assert row["body_text"] == "Laki\nKatso tietoa ja vanha."
    assert [link.href for link in context.report.unknown_links] == ["https://kotoutuminen.fi/vanha"]


def test_each_gives_one_row_per_element_with_position() -> None:
    rows = map_rows(one("news", "contact_people"), NEWS, services())
    assert isinstance(rows, list)
    assert [row["source_key"] for row in rows] == ["liisa@example.fi", "Matti"]
    assert rows[0]["email"] == "liisa@example.fi" and rows[1]["email"] is None
    links = map_rows(one("news", "translation_contacts"), NEWS, services())
    assert isinstance(links, list)
    assert [(row["position"], row["source_key"]) for row in links] == [(1, NEWS.key), (2, NEWS.key)]
    files = map_rows(one("news", "translation_assets"), NEWS, services())
    assert isinstance(files, list)
    assert files == [
        {
            "source_system": "online_service",
            "source_key": NEWS.key,
            "translation_id": 7,
            "asset_id": 7,
            "role": "attachment",
            "position": 1,
            "caption": "Raportti",
        }
    ]
    empty = record()
    assert map_rows(one("news", "contact_people"), empty, services()) == []


def test_map_record_refuses_each_mappings() -> None:
    with pytest.raises(MappingError, match="map_rows"):
        map_record(one("news", "contact_people"), NEWS, services())


def test_event_and_faq_and_attachment() -> None:
    event = SourceRecord(
        source="online_service",
        kind="event",
        key="https://kotoutuminen.fi/tapahtumat/x",
        language="sv",
        fields={"title": "E", "starts_at": "2025-04-02T09:00:00+03:00"},
    )
    row = map_record(one("event", "event_details"), event, services())
    assert isinstance(row, dict)
    assert row["starts_at"] == datetime(2025, 4, 2, 6, 0, tzinfo=UTC) and row["ends_at"] is None
    faq = SourceRecord(
        source="online_service",
        kind="faq",
        key="https://kotoutuminen.fi/ukk",
        language="fi",
        fields={"faq": [{"question": "Mitä?", "answer": "<p>Tätä<script>x</script></p>"}]},
    )
    entries = map_rows(one("faq", "faq_entries"), faq, services())
    assert isinstance(entries, list)
    assert entries[0]["question"] == "Mitä?" and entries[0]["answer_html"] == "<p>Tätä</p>"
    sha = "ab12" + "0" * 60
    attachment = SourceRecord(
        source="online_service",
        kind="attachment",
        key="https://kotoutuminen.fi/documents/1/2/r.pdf/0a",
        url="https://kotoutuminen.fi/documents/1/2/r.pdf/0a",
        fields={
            "file_name": "r.pdf",
            "media_type": "application/pdf; x=1",
            "size": 10,
            "sha256": sha,
        },
    )
    asset = map_record(one("attachment", "assets"), attachment, services())
    assert isinstance(asset, dict)
    assert asset["storage_path"] == f"ab/12/{sha}"
    assert asset["media_type"] == "application/pdf" and asset["size_bytes"] == 10


def test_listing_is_skipped_by_its_rule() -> None:
    listing = SourceRecord(source="online_service", kind="listing", key="https://k.fi/x?a_cur=2")
    (rule,) = mappings_for(MAPPINGS, "online_service", "listing")
    result = map_record(rule, listing, services())
    assert isinstance(result, Skip) and "rebuilt by KEHA" in result.reason


def test_a_processor_skip_skips_the_record(tmp_path: Path) -> None:
    folder = tmp_path / "online_service"
    folder.mkdir()
    (folder / "x.yml").write_text(
        "source: online_service\nkinds: [news]\ntargets:\n  - target: contact_people\n"
        "    columns:\n      name:\n        - get: fields.title\n"
        "        - static_map: {map: {A: a}, unknown: skip}\n",
        "utf-8",
    )
    (mapping,) = load_mappings(tmp_path)
    result = map_record(mapping, record(title="B"), MapContext())
    assert result == Skip(
        record().key, "online_service/x.contact_people", "name: no mapping for 'B'"
    )


def test_errors_name_record_file_line_and_column() -> None:
    bad = SourceRecord(
        source="online_service", kind="news", key="K1", language="de-DE", fields={"title": "x"}
    )
    with pytest.raises(MappingError) as caught:
        map_record(one("news", "content_translations"), bad, services())
    text = str(caught.value)
    assert "K1: language: language: unknown language 'de-DE'" in text
    assert "news.yml:" in text and "(targets[0].columns.language[1])" in text
