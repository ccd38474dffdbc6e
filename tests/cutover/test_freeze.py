"""The content-freeze check: an epoch change in the sandbox inside the freeze window."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.extractors.test_partnership_export import settings_for
from transfer.cli import cli
from transfer.cutover.freeze import freeze_check, parse_since
from transfer.errors import ConfigError
from transfer.extractors.online_service import extract_online_service
from transfer.extractors.partnership import extract_partnership
from transfer.runs import Run
from transfer.sandbox import SandboxSettings, serve_sandbox

SCALE = 0.04
# The freeze begins as the sandbox's first epoch round does (its week starts 3 March 2025).
FREEZE = datetime(2025, 3, 3, tzinfo=UTC)


def test_the_freeze_check_lists_exactly_what_the_next_epoch_changed(tmp_path: Path) -> None:
    with serve_sandbox(SandboxSettings(scale=SCALE)) as box:
        settings = settings_for(tmp_path, box)
        with Run("extract", settings.logs_dir) as run:
            extract_online_service(settings, run)
            extract_partnership(settings, run)
    with serve_sandbox(SandboxSettings(scale=SCALE, epoch=1)) as box:
        settings = settings_for(tmp_path, box)
        truth = box.truth()
        with Run("freeze-check", settings.logs_dir) as run:
            report = freeze_check(settings, run, FREEZE)
            written = run.artefact("freeze-changes.csv").read_text(encoding="utf-8")
    online = truth["online_service"]["changes"][0]
    moved = {f"{move['from']} -> {move['to']}" for move in online["moved"]}
    found = {
        (change.change, change.key)
        for change in report.changes
        if change.source == "online_service" and "_cur=" not in change.key
    }
    new_pages = set(online["added"]) | set(online["attachments_added"])
    new_pages |= {move["to"] for move in online["moved"]}
    assert {key for change, key in found if change == "new"} == new_pages
    assert {key for change, key in found if change == "moved"} == moved
    assert {key for change, key in found if change == "gone"} == set(online["deleted"]) | {
        move["from"] for move in online["moved"]
    }
    platform = truth["platform"]["changes"][0]
    added, modified = platform["added"], platform["modified"]
    expected_new = {
        f"{kind}:{i}"
        for kind, collection in (("member", "members"), ("thread", "threads"), ("post", "posts"))
        for i in added[collection]
    }
    expected_new |= {f"file:{i}" for i in added["files"]}
    expected_new |= {f"membership:{pair}" for pair in added["memberships"]}
    # A new account is a member of the portal's default site as well.
    expected_new |= {
        f"membership:{site['id']}:{member}"
        for site in truth["platform"]["non_workspace_sites"]
        for member in added["members"]
    }
    expected_changed = {
        f"{kind}:{i}"
        for kind, collection in (
            ("organization", "organizations"),
            ("workspace", "workspaces"),
            ("thread", "threads"),
            ("post", "posts"),
            ("file", "files"),
        )
        for i in modified[collection]
    }
    expected_changed |= {f"member:{i}" for i in platform["deactivated"]}
    expected_changed |= {f"file:{i}" for i in platform["replaced"]}
    expected_changed -= expected_new
    by_change: dict[str, set[str]] = {"new": set(), "changed": set(), "gone": set()}
    for c in report.changes:
        if c.source == "partnership":
            by_change.setdefault(c.change, set()).add(c.key)
    assert by_change["new"] == expected_new
    # Edits move dateModified: after the freeze. A new reply changes only its thread's and
    # parent's counts, which the export sees too: listed, stamped before the freeze.
    assert expected_changed <= by_change["changed"]
    stamps = {c.key: c.after_freeze for c in report.changes if c.source == "partnership"}
    # Liferay's Site has no dates: an edited workspace is found by its content alone, with
    # no stamp to judge, so it counts as a change after the freeze.
    unstamped = {f"workspace:{i}" for i in modified["workspaces"]}
    assert unstamped and all(stamps[key] is None for key in unstamped)
    assert {c.key for c in report.after_freeze} >= unstamped
    replaced = {f"file:{i}" for i in platform["replaced"]}
    assert all(stamps[key] for key in expected_changed - replaced - unstamped)
    assert not any(stamps[key] for key in by_change["changed"] - expected_changed)
    assert by_change["gone"] == set()
    # every change the sources stamp is judged against the freeze; the epoch's edits are
    # stamped after it
    stamped = [c for c in report.changes if c.modified is not None]
    assert stamped and all(c.after_freeze == (c.modified > FREEZE.isoformat()) for c in stamped)
    assert len(written.splitlines()) == len(report.changes) + 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-24T18:00", datetime(2025, 4, 24, 15, 0, tzinfo=UTC)),  # Helsinki, summer
        ("2025-01-10T18:00", datetime(2025, 1, 10, 16, 0, tzinfo=UTC)),  # Helsinki, winter
        ("2025-04-24T15:00Z", datetime(2025, 4, 24, 15, 0, tzinfo=UTC)),
        ("2025-04-24T18:00+03:00", datetime(2025, 4, 24, 15, 0, tzinfo=UTC)),
    ],
)
def test_since_is_helsinki_time_unless_it_says_otherwise(text: str, expected: datetime) -> None:
    assert parse_since(text) == expected


def test_a_bad_since_is_a_configuration_error_before_any_request(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["freeze-check", "--since", "last friday"])
    assert result.exit_code == 3
    assert "not an ISO 8601 time" in result.output and "2025-04-24T18:00" in result.output
    with pytest.raises(ConfigError):
        parse_since("24.4.2025")
