"""The crawler against the sandbox's variants (issue 16): the other forms real Liferay sites
take, read with the example profile `mappings/online_service/examples/liferay-variants/`.
Every date, event end, file name and protected address must match the ground truth."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.extractors.crawl_helpers import store_of
from tests.extractors.test_online_crawl import same_time
from transfer.extractors.online_service import load_profile
from transfer.records import SourceRecord
from transfer.sandbox import SandboxSettings, serve_sandbox
from transfer.sandbox.online import OnlineService

EXAMPLE = Path("mappings/online_service/examples/liferay-variants/profile.yml")
FORMS = frozenset({"month-dates", "time-ranges", "form-names", "body-emails"})
MIRROR = frozenset({"mirror-legacy"})


def _crawl(tmp: Path, settings: SandboxSettings, profile: Path = EXAMPLE) -> dict[str, Any]:
    from tests.extractors.crawl_helpers import settings_for
    from transfer.extractors.online_service import extract_online_service
    from transfer.runs import Run

    truth = OnlineService(settings).truth()
    with serve_sandbox(settings) as running:
        config = settings_for(tmp, running.online_url)
        with Run("extract online-service", config.logs_dir) as run:
            result = extract_online_service(config, run, profile=load_profile(profile))
    store = store_of(tmp)
    records = {record.key: record for record in store.records()}
    aliases = store.aliases()
    store.close()
    return {"truth": truth, "records": records, "result": result, "aliases": aliases}


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    yield _crawl(tmp_path_factory.mktemp("variant"), SandboxSettings(scale=0.02, variants=FORMS))


def test_month_name_dates_are_read_in_three_languages(variant: dict[str, Any]) -> None:
    records: dict[str, SourceRecord] = variant["records"]
    seen = set()
    for page in variant["truth"]["pages"]:
        if page["kind"] not in ("news", "blog") or page["published"] is None:
            continue
        fields = records[page["url"]].fields
        assert fields["published"] is not None, page["url"]
        assert same_time(page["published"], fields["published"]), page["url"]
        seen.add(page["language"])
    assert {"fi", "sv", "en"} <= seen
    updated = [p for p in variant["truth"]["pages"] if p["updated"]]
    assert updated
    for page in updated:
        assert same_time(page["updated"], records[page["url"]].fields["updated"]), page["url"]


def test_event_time_lines_give_start_and_end(variant: dict[str, Any]) -> None:
    records: dict[str, SourceRecord] = variant["records"]
    events = [p for p in variant["truth"]["pages"] if p["kind"] == "event"]
    assert events
    for page in events:
        fields = records[page["url"]].fields
        assert same_time(page["event"]["start"], fields["starts_at"]), page["url"]
        assert same_time(page["event"]["end"], fields["ends_at"]), page["url"]


def test_form_encoded_file_names_are_decoded(variant: dict[str, Any]) -> None:
    records: dict[str, SourceRecord] = variant["records"]
    spaced = [a for a in variant["truth"]["attachments"] if " " in a["file_name"]]
    assert spaced and all("+" in a["url"] for a in spaced)
    for attachment in variant["truth"]["attachments"]:
        assert records[attachment["url"]].fields["file_name"] == attachment["file_name"]


def test_protected_emails_in_bodies_become_mailto_links(variant: dict[str, Any]) -> None:
    records: dict[str, SourceRecord] = variant["records"]
    with_emails = [p for p in variant["truth"]["pages"] if p["body_emails"]]
    assert len(with_emails) > 10
    for page in with_emails:
        record = records[page["url"]]
        body = record.fields["body"]
        for address in page["body_emails"]:
            assert f'<a href="mailto:{address}">{address}</a>' in body, page["url"]
        assert "cdn-cgi" not in body and "[email" not in body
    assert not [k for r in records.values() for k in r.links if "cdn-cgi" in k]


def test_default_forms_are_unchanged_by_the_new_readers(tmp_path: Path) -> None:
    """The shipped profile on the default sandbox: no protected address and no '+' name."""
    found = _crawl(tmp_path, SandboxSettings(scale=0.02))
    records: dict[str, SourceRecord] = found["records"]
    for attachment in found["truth"]["attachments"]:
        assert records[attachment["url"]].fields["file_name"] == attachment["file_name"]
    events = [p for p in found["truth"]["pages"] if p["kind"] == "event"]
    for page in events:
        fields = records[page["url"]].fields
        assert same_time(page["event"]["end"], fields["ends_at"]), page["url"]
    assert all(not re.search(r"data-cfemail", r.fields.get("body") or "") for r in records.values())


SHIPPED = Path("mappings/online_service/profile.yml")


@pytest.mark.parametrize("profile", [SHIPPED, EXAMPLE], ids=["legacy_hosts", "aliases"])
def test_mirroring_old_domains_leave_the_canonical_keys(tmp_path: Path, profile: Path) -> None:
    """Old domains answering 200 with the same pages: every record is keyed on the
    canonical host, whether the profile calls them legacy hosts (the crawler finds out and
    records them as mirrors) or aliases (never asked at all); the crawl does not grow."""
    plain = _crawl(tmp_path / "plain", SandboxSettings(scale=0.02), profile)
    found = _crawl(tmp_path / "mirror", SandboxSettings(scale=0.02, variants=MIRROR), profile)
    records: dict[str, SourceRecord] = found["records"]
    assert {key.split("/")[2] for key in records} == {"kotoutuminen.fi"}
    assert set(records) == set(plain["records"])
    pages = {page["url"] for page in found["truth"]["pages"]}
    assert pages <= set(records)
    result, before = found["result"], plain["result"]
    requests = result.stats.fetched + result.stats.redirects + result.stats.folded
    plain_requests = before.stats.fetched + before.stats.redirects + before.stats.folded
    assert requests <= plain_requests + 10
    if profile == SHIPPED:
        assert result.mirror_hosts == ["integration.fi", "kotouttaminen.fi"]
        mirrors = [a for a, (_, reason, _s) in found["aliases"].items() if reason == "mirror"]
        assert mirrors and all(found["aliases"][a][0] in records for a in mirrors)
    else:
        assert result.mirror_hosts == []


def test_paged_listings_fold_into_their_canonical(tmp_path: Path) -> None:
    found = _crawl(tmp_path, SandboxSettings(scale=0.02), SHIPPED)
    assert not [key for key in found["records"] if "_cur=" in key]
    paged = {a: t for a, (t, reason, _s) in found["aliases"].items() if reason == "canonical"}
    assert paged
    for alias, target in paged.items():
        assert "_cur=" in alias and "?" not in target
        assert found["records"][target].kind == "listing"


def test_exclude_scopes_a_journal_article_to_its_body(tmp_path: Path) -> None:
    """The sandbox's journal-content-article holds the title, banners, lead, attachment
    list, contact box and update stamp around the body; ``exclude`` leaves the body."""
    import urllib.request

    from transfer.extractors.online_service.extract import extract_fields, parse_page

    text = SHIPPED.read_text(encoding="utf-8") + (
        "  page:\n"
        "    journal_body:\n"
        "      select: '#main-content .journal-content-article'\n"
        "      exclude: [h1, .kt-law-notice, .kt-frozen-notice, .kt-selko-link, .kt-lead,\n"
        "                .kt-attachments, .kt-more-info, .kt-updated]\n"
    )
    (tmp_path / "profile.yml").write_text(text, encoding="utf-8")
    profile = load_profile(tmp_path / "profile.yml")
    settings = SandboxSettings(scale=0.02)
    truth = OnlineService(settings).truth()
    topics = [p for p in truth["pages"] if p["kind"] == "topic"][:40]
    checked = 0
    with serve_sandbox(settings) as running:
        for page in topics:
            with urllib.request.urlopen(running.online_url + page["path"]) as answer:
                html = answer.read().decode("utf-8")
            parsed = parse_page(html, page["url"], profile.content_scope)
            fields = extract_fields(profile, "page", parsed)
            if fields["body"] is None:
                continue
            body_text = " ".join(
                parse_page(f"<div id=x>{fields['body']}</div>", page["url"], "#x")
                .doc.text_content()
                .split()
            )
            assert " ".join(fields["journal_body"].split()) == body_text, page["url"]
            assert page["title"] not in fields["journal_body"] or page["title"] in body_text
            checked += 1
    assert checked > 10


def test_the_example_profile_differs_from_the_shipped_one_only_where_marked() -> None:
    """The example is the shipped profile with a profile edit for the variants' hosts and
    event times: anything else added to the shipped profile must be added there too."""
    import yaml

    shipped = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert example["site"]["legacy_hosts"] == []
    assert set(example["site"]["aliases"]) == set(shipped["site"]["aliases"]) | set(
        shipped["site"]["legacy_hosts"]
    )
    assert example["fields"]["event"]["ends_at"]["date"] == "local_end"
    for profile in (shipped, example):
        del profile["site"]["aliases"], profile["site"]["legacy_hosts"]
        del profile["fields"]["event"]["starts_at"], profile["fields"]["event"]["ends_at"]
    assert example == shipped
