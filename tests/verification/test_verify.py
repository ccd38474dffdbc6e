"""Verification against a loaded target: clean is GO; each planted problem is named."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest
from sqlalchemy import text

from tests.verification import plant
from tests.verification.conftest import Loaded
from tests.verification.world import SITE
from transfer.stores.staging import StagingStore
from transfer.verification.model import FAIL, GO, NO_GO, VerificationReport


def _keys(report: VerificationReport, check: str, kind: str) -> set[str]:
    return {p.key for p in report.check(check).problems if p.kind == kind}


def test_a_clean_migration_is_go(loaded: Loaded) -> None:
    report = loaded.verify("20250101T000000Z-verify-0001")
    assert report.verdict.decision == GO, report.verdict.reasons
    assert report.verdict.reasons == ()
    completeness = report.check("completeness")
    # 12 news pages, 6 attachments and 5 members loaded; the listing skipped by its rule.
    assert completeness.counts["loaded"] == 23
    assert completeness.counts["skipped"] == 1
    assert report.check("fidelity").counts["rows_compared"] > 0
    assert report.check("attachments").counts["verified"] == 6
    # The link the source already had broken is listed, as a warning only, also where it
    # carries tracking parameters.
    links = report.check("links")
    assert links.errors == 0
    assert [p.kind for p in links.problems] == ["broken_in_source"] * 2
    out = loaded.logs / report.run_id
    for name in ("report.html", "report.json", "inventory.csv", "problems-links.csv"):
        assert (out / name).is_file(), name


def test_an_old_address_of_a_page_removed_from_the_source_is_declared_not_missing(
    loaded_sqlite: Loaded,
) -> None:
    """A legacy address whose page the source removed (in the freeze window, say) leads
    nowhere on the old site either: a named warning, not a missing redirect. An old address
    of a live page without its redirect stays an error."""
    removed = f"{SITE}/-/uutinen-5"
    staging = StagingStore(loaded_sqlite.world.staging_dir / "online_service.sqlite")
    pass_id, _ = staging.begin_pass("freeze")
    with staging.transaction():
        assert staging.mark_gone(removed, pass_id)
    staging.end_pass(pass_id, "complete")
    staging.close()
    with loaded_sqlite.engine.begin() as connection:
        connection.execute(
            text("DELETE FROM redirects WHERE old_path IN ('/-/uutinen-5', '/-/uutinen-3')")
        )
    report = loaded_sqlite.verify("20250101T000000Z-verify-0005")
    redirects = report.check("redirects")
    declared = [p for p in redirects.problems if p.kind == "redirect_to_removed_page"]
    assert {p.key for p in declared} == {plant.MISSING_REDIRECT}
    assert all(p.values["removed"] == removed and p.severity == "warning" for p in declared)
    missing = _keys(report, "redirects", "missing_redirect")
    assert plant.MISSING_REDIRECT not in missing
    assert "https://kotouttaminen.fi/-/uutinen-3" in missing
    assert report.verdict.decision == NO_GO


def test_an_old_address_of_a_moved_page_without_its_redirect_stays_missing(
    loaded_sqlite: Loaded,
) -> None:
    """A page gone from its address because it moved (its old key redirects on) is not a
    removed page: its old addresses must still reach it, so a missing redirect stays one."""
    moved = f"{SITE}/-/uutinen-5"
    staging = StagingStore(loaded_sqlite.world.staging_dir / "online_service.sqlite")
    pass_id, _ = staging.begin_pass("moved")
    with staging.transaction():
        assert staging.mark_gone(moved, pass_id)
        staging.add_alias(moved, f"{SITE}/-/uutinen-7", "redirect", pass_id, 301)
    staging.end_pass(pass_id, "complete")
    staging.close()
    with loaded_sqlite.engine.begin() as connection:
        connection.execute(text("DELETE FROM redirects WHERE old_path = '/-/uutinen-5'"))
    report = loaded_sqlite.verify("20250101T000000Z-verify-0006")
    assert plant.MISSING_REDIRECT in _keys(report, "redirects", "missing_redirect")
    assert not _keys(report, "redirects", "redirect_to_removed_page")


def test_each_planted_problem_is_named_and_the_verdict_is_no_go(loaded: Loaded) -> None:
    plant.plant_all(loaded)
    report = loaded.verify("20250101T000000Z-verify-0002")

    assert report.verdict.decision == NO_GO
    failed = {check.name for check in report.checks if check.status == FAIL}
    assert {
        "completeness",
        "fidelity",
        "links",
        "attachments",
        "redirects",
        "personal_data",
    } <= failed
    assert f"online_service:{plant.MISSING_KEY}" in _keys(report, "completeness", "missing_record")
    (mismatch,) = [
        p
        for p in report.check("fidelity").problems
        if p.values.get("column") == "title" and plant.ALTERED_KEY in p.key
    ]
    assert mismatch.values["source"] == "Uutinen 2 (fi)"
    assert mismatch.values["target"] == "Muutettu otsikko"
    broken = [p for p in report.check("links").problems if p.kind == "broken_by_migration"]
    assert [(p.key, p.values["link"]) for p in broken] == [
        (plant.BROKEN_LINK_KEY, plant.BROKEN_LINK)
    ]
    assert f"online_service:{plant.CORRUPT_KEY}" in _keys(report, "attachments", "asset_corrupt")
    assert plant.MISSING_REDIRECT in _keys(report, "redirects", "missing_redirect")
    assert f"members:{plant.UNMASKED_MEMBER}" in _keys(report, "personal_data", "unmasked_email")
    # The reasons name every failed check, and the address itself is not in the report.
    assert {reason.split(":")[0] for reason in report.verdict.reasons} == failed
    out = loaded.logs / report.run_id
    for written in ("report.json", "report.html", "problems-fidelity.csv"):
        assert "aino.esimerkki" not in (out / written).read_text(encoding="utf-8"), written


def test_every_problem_is_in_the_csv_beyond_the_cap(loaded_sqlite: Loaded) -> None:
    plant.plant_all(loaded_sqlite)
    report = loaded_sqlite.verify("20250101T000000Z-verify-0003", problem_cap=1)
    fidelity = report.check("fidelity")
    assert len(fidelity.problems) == 1
    assert fidelity.problems_total >= 3
    with (loaded_sqlite.logs / report.run_id / fidelity.csv).open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == fidelity.problems_total
    data = json.loads((loaded_sqlite.logs / report.run_id / "report.json").read_text())
    shown = next(c for c in data["checks"] if c["name"] == "fidelity")
    assert (shown["problems_shown"], shown["problems_total"]) == (1, fidelity.problems_total)


def test_thresholds_from_the_configuration_decide(loaded_sqlite: Loaded) -> None:
    with loaded_sqlite.engine.begin() as connection:
        from sqlalchemy import text

        connection.execute(text("UPDATE content_translations SET lead = 'toinen'"))
    strict = loaded_sqlite.verify("20250101T000000Z-verify-0004")
    assert strict.verdict.decision == NO_GO
    assert strict.check("fidelity").errors == 12
    lenient = loaded_sqlite.verify("20250101T000000Z-verify-0005", max_errors={"fidelity": 12})
    assert lenient.verdict.decision == GO
    assert lenient.check("fidelity").status == "warn"


def test_changes_and_trend_since_the_previous_run(loaded_sqlite: Loaded) -> None:
    first = loaded_sqlite.verify("20250101T000000Z-verify-0006")
    assert first.check("changes").counts == {"no_previous_run": 1}
    plant.plant_all(loaded_sqlite)
    second = loaded_sqlite.verify("20250108T000000Z-verify-0007")
    changes = second.check("changes")
    assert second.previous_run == first.run_id
    changed = {p.key: p.values for p in changes.problems if p.kind == "changed"}
    assert changed[f"online_service:{plant.MISSING_KEY}"]["outcome"] == "missing"
    assert changed[f"online_service:{plant.MISSING_KEY}"]["previous_outcome"] == "loaded"
    assert changes.status == "pass"  # what changed is listed; it never fails the run
    assert [point["verdict"] for point in second.trend] == [GO, NO_GO]
    assert [point["run_id"] for point in second.trend] == [first.run_id, second.run_id]


@pytest.mark.parametrize("environment", ["rehearsal", "staging"])
def test_an_unmasked_phone_number_of_a_member_is_found(
    loaded_sqlite: Loaded, environment: str
) -> None:
    from sqlalchemy import text

    with loaded_sqlite.engine.begin() as connection:
        connection.execute(
            text("UPDATE members SET display_name = :n WHERE source_key = '40002'"),
            {"n": "Soita +358 40 123 4567"},
        )
    report = loaded_sqlite.verify("20250101T000000Z-verify-0008", environment=environment)
    assert _keys(report, "personal_data", "unmasked_phone") == {"members:40002"}
    production = loaded_sqlite.verify("20250101T000000Z-verify-0009", environment="production")
    assert production.check("personal_data").errors == 0


def test_a_split_translation_group_is_named(loaded_sqlite: Loaded) -> None:
    from sqlalchemy import text

    en_key = "https://kotoutuminen.fi/en/-/news-3"
    with loaded_sqlite.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO content_items (kind_id, state, source_system, source_key)"
                " SELECT kind_id, state, source_system, 'stray' FROM content_items LIMIT 1"
            )
        )
        connection.execute(
            text(
                "UPDATE content_translations SET item_id = (SELECT id FROM content_items"
                " WHERE source_key = 'stray') WHERE source_key = :k"
            ),
            {"k": en_key},
        )
    report = loaded_sqlite.verify("20250101T000000Z-verify-0010")
    assert "https://kotoutuminen.fi/-/uutinen-3" in _keys(report, "translations", "group_split")
    assert report.verdict.decision == NO_GO


def _load_again(loaded: Loaded, run_id: str) -> None:
    """A second load run with the real loader: the target already holds every record."""
    from transfer.loaders.options import LoadOptions
    from transfer.loaders.run import load_target as run_load

    world = loaded.world
    options = LoadOptions(
        mapped_store=world.mapped_store, blob_dir=world.root / "blobs", media_dir=world.media_dir
    )
    artefacts = world.root / f"load-{run_id}"
    artefacts.mkdir()
    result = run_load(loaded.engine, options, run_id, artefacts)
    assert not result.stats.failures, result.stats.failures


def test_records_the_latest_load_left_alone_are_unchanged(loaded: Loaded) -> None:
    first = loaded.verify("20250101T000000Z-verify-0011")
    assert first.check("completeness").counts["loaded"] == 23
    assert "unchanged" not in first.check("completeness").counts
    _load_again(loaded, "20250102T000000Z-load-again")
    second = loaded.verify("20250102T000000Z-verify-0012")
    assert second.verdict.decision == GO, second.verdict.reasons
    completeness = second.check("completeness")
    assert completeness.counts["unchanged"] == 23
    assert "loaded" not in completeness.counts
    # Still in the target: counted as such, and not a change since the previous run.
    assert sum(counts.get("target", 0) for *_, counts in second.inventory) == 23
    assert second.check("changes").counts["same"] == 24
    assert "changed" not in second.check("changes").counts
    with (loaded.logs / second.run_id / "inventory.csv").open(encoding="utf-8") as stream:
        outcomes = {row["key"]: row["outcome"] for row in csv.DictReader(stream)}
    assert outcomes[plant.ALTERED_KEY] == "unchanged"


def test_a_record_the_loader_failed_is_failed_with_its_message(loaded: Loaded) -> None:
    from sqlalchemy import text

    # As a load leaves it when writing the record failed: the id map says failed, the
    # target keeps the rows it had.
    with loaded.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE load_id_map SET status = 'failed', reason = :r"
                " WHERE source_system = 'online_service' AND record_key = :k"
            ),
            {"r": "IntegrityError: duplicate new_path", "k": plant.ALTERED_KEY},
        )
    report = loaded.verify("20250101T000000Z-verify-0013")
    assert report.verdict.decision == NO_GO
    (failed,) = [p for p in report.check("completeness").problems if p.kind == "failed_record"]
    assert failed.key == f"online_service:{plant.ALTERED_KEY}"
    assert failed.detail == "load failed: IntegrityError: duplicate new_path"
    assert report.check("completeness").counts["loaded"] == 22


def test_a_mapped_store_without_its_inventory_cannot_prove_coverage(
    loaded_sqlite: Loaded,
) -> None:
    with sqlite3.connect(loaded_sqlite.world.mapped_store) as db:
        db.execute("DELETE FROM coverage")
    report = loaded_sqlite.verify("20250101T000000Z-verify-0009")
    coverage = report.check("coverage")
    assert report.verdict.decision == "NO-GO"
    assert [p.kind for p in coverage.problems] == ["no_inventory"]
    assert "run `transfer map` again" in coverage.problems[0].detail


def test_an_undeclared_field_and_a_lost_value_fail_coverage(loaded_sqlite: Loaded) -> None:
    with sqlite3.connect(loaded_sqlite.world.mapped_store) as db:
        (data,) = db.execute("SELECT data FROM coverage").fetchone()
        coverage = json.loads(data)
        coverage["undeclared"] = [
            {"source": "online_service", "kind": "news", "path": "fields.subtitle",
             "values": 3, "where": "mappings/online_service/news.yml:60", "examples": ["x"]}
        ]  # fmt: skip
        db.execute("UPDATE coverage SET data = ?", (json.dumps(coverage),))
        db.execute(
            "INSERT INTO notes (source_system, record_key, pass, notes) "
            "SELECT 'online_service', 'k', max(pass), ? FROM coverage",
            (json.dumps([["lost", "online_service/news.content_translations", "lead",
                          "fields.lead", ""]]),),
        )  # fmt: skip
    report = loaded_sqlite.verify("20250101T000000Z-verify-0010")
    check = report.check("coverage")
    assert check.status == "fail" and check.errors == 2
    assert sorted(p.kind for p in check.problems if p.severity == "error") == [
        "lost_value",
        "undeclared_field",
    ]
    assert report.coverage["lost"][0]["declared"] is None
    html = (loaded_sqlite.logs / report.run_id / "report.html").read_text("utf-8")
    assert "What did not come across" in html and "fields.subtitle" in html
