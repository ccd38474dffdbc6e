"""Issue 16's acceptance: on a sandbox variant with mirroring old domains, month-name
dates, event time lines, form-encoded file names and protected e-mails in bodies, a dry run
whose only change is the example profile ends GO, with the staged records right."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.extractors.test_online_crawl import same_time
from transfer.config import load_settings
from transfer.runs import Run
from transfer.sandbox import SandboxSettings
from transfer.sandbox.rehearsal import rehearse
from transfer.stores.staging import StagingStore

pytestmark = pytest.mark.slow
MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"
EXAMPLE = MAPPINGS / "online_service" / "examples" / "liferay-variants" / "profile.yml"
VARIANTS = frozenset({"mirror-legacy", "month-dates", "time-ranges", "form-names", "body-emails"})


def quiet(status: str, name: str, detail: str) -> None:
    return None


def test_variant_dry_run_with_the_example_profile_ends_go(tmp_path: Path) -> None:
    mappings = tmp_path / "mappings"
    shutil.copytree(MAPPINGS, mappings)
    shutil.copy(EXAMPLE, mappings / "online_service" / "profile.yml")  # the only edit
    (tmp_path / "transfer.toml").write_text("", encoding="utf-8")
    settings = load_settings(
        tmp_path / "transfer.toml",
        env={
            "TRANSFER_WORKSPACE": str(tmp_path / "ws"),
            "TRANSFER_LOGS_DIR": str(tmp_path / "logs"),
            "TRANSFER_MAPPINGS_DIR": str(mappings),
        },
    )
    sandbox = SandboxSettings(scale=0.02, variants=VARIANTS)
    with Run("rehearse", settings.logs_dir) as run:
        dry = rehearse(settings, sandbox, run, report=quiet)
    dry.raise_for_failure()
    assert dry.report is not None and dry.report.verdict.go

    from transfer.sandbox.online import OnlineService

    truth = OnlineService(sandbox).truth()
    store = StagingStore(settings.workspace / "staging" / "online_service.sqlite")
    try:
        records = {record.key: record for record in store.records()}
    finally:
        store.close()
    assert {key.split("/")[2] for key in records} == {"kotoutuminen.fi"}
    for page in truth["pages"]:
        fields = records[page["url"]].fields
        if page["published"] is not None and page["kind"] in ("news", "blog"):
            assert same_time(page["published"], fields["published"]), page["url"]
        if page["event"] is not None:
            assert same_time(page["event"]["end"], fields["ends_at"]), page["url"]
        for address in page["body_emails"]:
            assert f'<a href="mailto:{address}">{address}</a>' in fields["body"], page["url"]
    for attachment in truth["attachments"]:
        assert records[attachment["url"]].fields["file_name"] == attachment["file_name"]
