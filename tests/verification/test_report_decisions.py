"""The report as a decision document: waivers turn a verdict, expire and go stale; the
index lists every run; "since last run" compares problems; every message is translated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract
from sqlalchemy import text

from tests.verification import plant
from tests.verification.conftest import Loaded
from transfer.errors import ConfigError
from transfer.verification.language import parse_languages
from transfer.verification.model import GO, NO_GO
from transfer.verification.waivers import Waiver, load_waivers

TODAY = dt.date(2025, 4, 20)
PACKAGE = Path(__file__).parent.parent.parent / "transfer" / "verification"


CORRUPT = f"online_service:{plant.CORRUPT_KEY}"


def corrupt_one_file(loaded: Loaded) -> None:
    """One problem only: an attachment whose file in the media store is damaged."""
    with loaded.engine.begin() as connection:
        path = connection.execute(
            text("SELECT storage_path FROM assets WHERE source_key = :k"),
            {"k": plant.CORRUPT_KEY},
        ).scalar_one()
    blob = loaded.world.media_dir / path
    blob.write_bytes(blob.read_bytes()[:-3] + b"XYZ")


def waiver(until: dt.date, key: str = CORRUPT) -> Waiver:
    return Waiver(
        "attachments",
        key,
        "The report is replaced by its 2025 edition after launch; the old file may go.",
        "Maija Meikäläinen, service owner",
        until,
        "mappings/accepted.yml:2",
    )


def test_a_waiver_turns_the_verdict_go_until_it_expires(loaded_sqlite: Loaded) -> None:
    corrupt_one_file(loaded_sqlite)
    before = loaded_sqlite.verify("20250420T080000Z-verify-0001", today=TODAY)
    assert before.verdict.decision == NO_GO
    assert [r.split(":")[0] for r in before.verdict.reasons] == ["attachments"]
    # The reason says what is wrong and where, in plain words.
    (reason,) = before.verdict.reasons
    assert reason.startswith("attachments: files are missing or damaged (1 found, 0 allowed).")
    assert f"Worst: {CORRUPT} (file damaged)." in reason

    accepted = loaded_sqlite.verify(
        "20250420T090000Z-verify-0002", today=TODAY, waivers=(waiver(TODAY),)
    )
    assert accepted.verdict.decision == GO, accepted.verdict.reasons
    attachments = accepted.check("attachments")
    assert (attachments.errors, attachments.accepted_total) == (0, 1)
    (item,) = attachments.accepted
    assert item.problem.key == CORRUPT
    assert item.waiver["who"] == "Maija Meikäläinen, service owner"
    assert accepted.waivers == {"expired": [], "stale": []}
    html = (loaded_sqlite.logs / accepted.run_id / "report.html").read_text(encoding="utf-8")
    assert "Maija Meikäläinen" in html and 'class="accepted"' in html
    data = json.loads((loaded_sqlite.logs / accepted.run_id / "report.json").read_text())
    assert data["checks"][4]["accepted_problems"][0]["waiver"]["until"] == "2025-04-20"

    # The day after `until` the acceptance has run out: the problem counts again.
    expired = loaded_sqlite.verify(
        "20250421T080000Z-verify-0003",
        today=TODAY + dt.timedelta(days=1),
        waivers=(waiver(TODAY),),
    )
    assert expired.verdict.decision == NO_GO
    assert expired.check("attachments").errors == 1
    assert [w["key"] for w in expired.waivers["expired"]] == [CORRUPT]


def test_a_waiver_matching_no_problem_is_stale(loaded_sqlite: Loaded) -> None:
    report = loaded_sqlite.verify(
        "20250420T080000Z-verify-0001",
        today=TODAY,
        waivers=(waiver(TODAY, key="online_service:gone.pdf"),),
    )
    assert report.verdict.decision == GO
    assert [w["key"] for w in report.waivers["stale"]] == ["online_service:gone.pdf"]
    html = (loaded_sqlite.logs / report.run_id / "report.html").read_text(encoding="utf-8")
    assert 'id="waivers-stale"' in html


def test_the_waiver_file_is_read_and_its_mistakes_named_with_their_lines(
    tmp_path: Path,
) -> None:
    path = tmp_path / "accepted.yml"
    assert load_waivers(path) == ()
    path.write_text(
        "accepted:\n"
        "  - check: redirects\n"
        "    key: https://kotouttaminen.fi/-/uutinen-5\n"
        "    reason: withdrawn on purpose\n"
        "    who: Maija Meikäläinen\n"
        "    until: 2025-06-30\n",
        encoding="utf-8",
    )
    (found,) = load_waivers(path)
    assert (found.check, found.until, found.where) == (
        "redirects",
        dt.date(2025, 6, 30),
        f"{path}:2",
    )
    path.write_text(
        "accepted:\n"
        "  - check: redirect\n"
        "    key: x\n"
        "    reason: r\n"
        "    until: 30.6.2025\n"
        "    whom: A\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_waivers(path)
    message = str(raised.value)
    assert f"{path}:2 (accepted[0].check): unknown check 'redirect'" in message
    assert f"{path}:5 (accepted[0].until): until: must be a date (YYYY-MM-DD)" in message
    assert f"{path}:6 (accepted[0].whom): unknown key 'whom'" in message
    assert "who: must be non-empty text" in message


def test_the_index_lists_every_run_and_since_last_run_compares_problems(
    loaded_sqlite: Loaded,
) -> None:
    first = loaded_sqlite.verify("20250420T080000Z-verify-0001")
    corrupt_one_file(loaded_sqlite)
    second = loaded_sqlite.verify("20250421T080000Z-verify-0002")
    assert (first.verdict.decision, second.verdict.decision) == (GO, NO_GO)
    since = second.since_last_run
    assert since["previous_run"] == first.run_id
    assert since["new"] == 1 and since["fixed"] == 0
    assert since["new_examples"] == [
        {"check": "attachments", "kind": "asset_corrupt", "key": CORRUPT}
    ]
    # The link the source already broke (listed twice, once with tracking parameters, on
    # one page) is open in both runs.
    assert since["still_open"] == 1
    assert since["still_open_examples"][0]["kind"] == "broken_in_source"

    index = (loaded_sqlite.logs / "index.html").read_text(encoding="utf-8")
    assert index.count('<tr class="verification"') == 2
    assert f'data-run="{first.run_id}" data-verdict="GO"' in index
    assert f'data-run="{second.run_id}" data-verdict="NO-GO"' in index
    assert index.count('<g class="trend-point"') == 2
    assert f'href="{second.run_id}/report.html"' in index
    assert f'href="{second.run_id}/problems-attachments.csv"' in index


def test_all_three_languages_are_written_on_request(loaded_sqlite: Loaded) -> None:
    report = loaded_sqlite.verify("20250420T080000Z-verify-0001", languages=parse_languages("all"))
    out = loaded_sqlite.logs / report.run_id
    pages = {
        code: (out / f"report.{code}.html").read_text(encoding="utf-8")
        for code in ("fi", "sv", "en")
    }
    assert '<html lang="fi">' in pages["fi"] and "Tarkistusraportti" in pages["fi"]
    assert '<html lang="sv">' in pages["sv"] and "Verifieringsrapport" in pages["sv"]
    assert (out / "report.html").read_text(encoding="utf-8") == pages["en"]
    # Numbers per language: a thousand is 1 000 (no-break space) in Finnish and Swedish.
    assert "vanhoja osoitteita tarkistettu" in pages["fi"]
    assert "gamla adresser kontrollerade" in pages["sv"]
    with pytest.raises(ValueError, match="unknown report language 'de'"):
        parse_languages("de")


def _message_ids() -> set[str]:
    found: set[str] = set()
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    for template in sorted((PACKAGE / "templates").glob("*.j2")):
        for _line, message, _comments, _context in extract_from_file(
            babel_extract, template, keywords={"_": None}, options=options
        ):
            found.add(str(message))
    for _line, message, _comments, _context in extract_from_file(
        "python", PACKAGE / "texts.py", keywords={"N_": None}
    ):
        found.add(str(message))
    return found


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_message_of_the_report_is_translated(language: str) -> None:
    with (PACKAGE / "locale" / f"{language}.po").open("rb") as stream:
        catalog = read_po(stream, locale=language)
    translated = {str(m.id): str(m.string) for m in catalog if m.id and m.string}
    missing = sorted(_message_ids() - set(translated))
    assert missing == [], f"{language}.po lacks {missing}"
    assert set(translated) - _message_ids() == set(), "unused messages in the catalogue"
