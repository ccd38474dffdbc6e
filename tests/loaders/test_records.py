"""Bad records fail alone with a message; assets reach the media store verified; a refused
connection is exit 7."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.loaders import factory
from tests.loaders.helpers import run_load, workspace_of
from transfer.database import create_target_engine
from transfer.errors import TargetDatabaseError
from transfer.loaders.media import file_sha256
from transfer.loaders.options import LoadOptions
from transfer.loaders.report import read_messages
from transfer.schema import metadata
from transfer.schema.bookkeeping import id_map
from transfer.stores.mapped import MappedRecord, MappedRow, Ref

SCALE = 0.01
OS = factory.OS


def _page(key: str, **changes: object) -> MappedRecord:
    translation = {
        "source_system": OS,
        "source_key": key,
        "item_id": Ref("content_items", OS, key),
        "language": "fi",
        "title": "Otsikko",
        "new_path": "/fi/" + key.rsplit("/", 1)[-1],
        "old_url": key,
    }
    translation.update(changes)
    rows = (
        MappedRow(
            "content_items",
            {
                "source_system": OS,
                "source_key": key,
                "kind_id": Ref("content_kinds", "keha", "page"),
            },
        ),
        MappedRow("content_translations", translation),
    )
    return MappedRecord(OS, key, "page", "mapped", rows)


def _with(record: MappedRecord, table: str, **values: object) -> MappedRecord:
    """``record`` writing one more row (provenance its own)."""
    row = MappedRow(table, {"source_system": OS, "source_key": record.record_key, **values})
    return MappedRecord(OS, record.record_key, "page", "mapped", (*record.rows, row))


def _faq(key: str, position: object) -> MappedRecord:
    """A page with one FAQ entry at ``position``."""
    return _with(
        _page(key),
        "faq_entries",
        translation_id=Ref("content_translations", OS, key),
        position=position,
        question="Kysymys?",
        answer_html="<p>Vastaus.</p>",
    )


BAD = [
    (_page("https://kotoutuminen.fi/fi/bad-column", colour="red"), "no column(s) colour"),
    (_page("https://kotoutuminen.fi/fi/bad-language", language="xx"), "language"),
    (
        _page(
            "https://kotoutuminen.fi/fi/bad-ref",
            item_id=Ref("content_items", OS, "https://kotoutuminen.fi/fi/nowhere"),
        ),
        "not in the target",
    ),
    (_page("https://kotoutuminen.fi/fi/no-title", title=None), "title"),
    # Limits PostgreSQL enforces and SQLite does not: the same failure on both targets, so
    # a dry run on SQLite fails what the cutover's PostgreSQL would refuse.
    (
        _with(
            _page("https://kotoutuminen.fi/fi/long-business-id"),
            "organisations",
            name="Yhdistys",
            business_id="1234567-8 / FI12345678",
        ),
        "organisations.business_id has 22 characters, more than the 16 its column holds",
    ),
    (
        _faq("https://kotoutuminen.fi/fi/huge-position", 2**31),
        "faq_entries.position is 2147483648, beyond what its column holds",
    ),
    (
        _with(
            _page("https://kotoutuminen.fi/fi/huge-file"),
            "assets",
            sha256="0" * 64,
            media_type="application/pdf",
            file_name="a.pdf",
            source_url="https://kotoutuminen.fi/documents/a.pdf",
            size_bytes=2**63,
        ),
        "assets.size_bytes is 9223372036854775808, beyond what its column holds",
    ),
    # Values of another type: SQLite stores a string in an integer column and a float as
    # it is, PostgreSQL refuses the one and rounds the other; a dict (a localized map on
    # another site) stopped the whole load as a database failure on both, and a list (an
    # array field) did on SQLite while PostgreSQL stored it as an array's text.
    (
        _page("https://kotoutuminen.fi/fi/list-title", title=["Otsikko", "Rubrik"]),
        "content_translations.title takes text, not ['Otsikko', 'Rubrik'] (list)",
    ),
    (
        _page("https://kotoutuminen.fi/fi/dict-title", title={"fi_FI": "Otsikko"}),
        "content_translations.title takes text, not {'fi_FI': 'Otsikko'} (dict)",
    ),
    (
        _faq("https://kotoutuminen.fi/fi/text-position", "kolme"),
        "faq_entries.position takes an integer, not 'kolme' (str)",
    ),
    (
        _faq("https://kotoutuminen.fi/fi/float-position", 3.7),
        "faq_entries.position takes an integer, not 3.7 (float)",
    ),
    (
        _page("https://kotoutuminen.fi/fi/text-date", published_at="2025-05-01"),
        "content_translations.published_at takes a date and time, not '2025-05-01' (str)",
    ),
]


def _statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(connection.execute(select(id_map.c.record_key, id_map.c.status)).all())


@pytest.mark.parametrize(("record", "expected"), BAD, ids=lambda v: getattr(v, "record_key", ""))
def test_a_bad_record_fails_alone_with_its_message(
    target: Engine, options: LoadOptions, record: MappedRecord, expected: str
) -> None:
    records = factory.build(SCALE)
    factory.write_workspace(workspace_of(options), SCALE)
    factory.write_store(workspace_of(options), [*records, record])
    result = run_load(target, options)
    assert [key for _, key, _ in result.stats.failures] == [record.record_key]
    assert expected.lower() in result.stats.failures[0][2].lower()
    statuses = _statuses(target)
    assert statuses.pop(record.record_key) == "failed"
    assert set(statuses.values()) == {"imported"}
    found = read_messages(target, level="error")
    assert [m.record_key for m in found] == [record.record_key]
    # Once the map stage fixes the record, the next load writes it.
    fixed = _page(record.record_key)
    factory.write_store(workspace_of(options), [*records, fixed])
    again = run_load(target, options)
    assert dict(again.stats.actions) == {"unchanged": len(records), "create": 1}


def test_assets_are_copied_to_the_media_store_and_checked(
    target: Engine, options: LoadOptions
) -> None:
    records = factory.write_workspace(workspace_of(options), SCALE)
    assets = [row.values for r in records for row in r.rows if row.table == "assets"]
    # Damage one blob and remove another: those two records fail, the rest load.
    blobs = workspace_of(options) / "blobs"
    damaged, missing = assets[0]["sha256"], assets[1]["sha256"]
    _blob_path(blobs, damaged).write_bytes(b"not what was fetched")
    _blob_path(blobs, missing).unlink()
    result = run_load(target, options)
    failures = {key: message for _, key, message in result.stats.failures}
    assert "hashes to" in failures.pop(assets[0]["source_key"])
    assert "not in the blob store" in failures.pop(assets[1]["source_key"])
    # Pages linking those two files fail with them, for the missing reference.
    assert failures and all("not in the target" in message for message in failures.values())
    for values in assets[2:]:
        stored = options.media_dir / values["sha256"][:2] / values["sha256"][2:4] / values["sha256"]
        assert file_sha256(stored) == values["sha256"]
    assert not (options.media_dir / damaged[:2] / damaged[2:4] / damaged).exists()


def _blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256[2:4] / sha256


def test_a_refused_connection_is_exit_7(options: LoadOptions) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = create_target_engine(f"postgresql+psycopg://keha:pw@127.0.0.1:{port}/keha")
    factory.write_workspace(workspace_of(options), 0.005)
    with pytest.raises(TargetDatabaseError) as raised:
        run_load(engine, options)
    assert raised.value.exit_code == 7
    assert "unreachable" in raised.value.what


def test_numbers_both_targets_store_alike_load(target: Engine, options: LoadOptions) -> None:
    # SQLite keeps a text column's number as text and PostgreSQL casts it on assignment:
    # the same digits on both; a float without a fraction in an integer column (a JSON
    # number of a double field) is that integer on both; SQLAlchemy's Boolean takes 0 and 1
    # on both. So these are no problem; a boolean in a text column would be ("1" against
    # "true").
    key = "https://kotoutuminen.fi/fi/numeric-title"
    records = factory.build(SCALE)
    factory.write_workspace(workspace_of(options), SCALE)
    factory.write_store(
        workspace_of(options),
        [
            *records,
            _page(key, title=2025, is_frozen=1),
            _faq(key + "-faq", 2.0),
        ],
    )
    result = run_load(target, options)
    assert not result.stats.failures
    translations = metadata.tables["content_translations"]
    faq = metadata.tables["faq_entries"]
    with target.connect() as connection:
        title, frozen = connection.execute(
            select(translations.c.title, translations.c.is_frozen).where(
                translations.c.source_key == key
            )
        ).one()
        position = connection.execute(
            select(faq.c.position).where(faq.c.source_key == key + "-faq")
        ).scalar_one()
    assert (title, position, frozen) == ("2025", 2, True)
    assert type(position) is int
    bad = _page(key + "-bool", title=True)
    factory.write_store(workspace_of(options), [*records, bad])
    failed = run_load(target, options).stats.failures
    assert [(k, m) for _, k, m in failed] == [
        (bad.record_key, "content_translations.title takes text, not True (bool)")
    ]
