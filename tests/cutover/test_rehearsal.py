"""The whole rehearsal: a dry run, then the cutover runbook against the next epoch.

The sandbox's next epoch changes the sources inside the freeze window. The freeze check
must find those changes, the final delta must carry them (and nothing unrelated), the
verification gate must say GO and the post-launch check must pass on the served target.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from transfer.cli import cli
from transfer.config import Settings, load_settings
from transfer.cutover.executor import confirm_as, run_cutover
from transfer.cutover.runbook import load_runbook
from transfer.database import create_target_engine, target_url
from transfer.loaders.dump import Dump, canonical_dump
from transfer.runs import Run
from transfer.sandbox import SandboxSettings
from transfer.sandbox.rehearsal import rehearse, rehearse_cutover
from transfer.stores.mapped import MappedStore

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"
RUNBOOK = Path(__file__).resolve().parents[2] / "runbooks" / "cutover.yml"


def quiet(status: str, name: str, detail: str) -> None:
    return None


def one(folder: Path, pattern: str) -> Path:
    (found,) = sorted(folder.glob(pattern))
    return found


@pytest.mark.slow
def test_a_rehearsed_cutover_carries_exactly_the_freeze_window_changes(tmp_path: Path) -> None:
    (tmp_path / "transfer.toml").write_text("", encoding="utf-8")
    settings = load_settings(
        tmp_path / "transfer.toml",
        env={
            "TRANSFER_WORKSPACE": str(tmp_path / "ws"),
            "TRANSFER_LOGS_DIR": str(tmp_path / "logs"),
            "TRANSFER_MAPPINGS_DIR": str(MAPPINGS),
        },
    )
    sandbox = SandboxSettings(scale=0.03)
    with Run("rehearse", settings.logs_dir) as run:
        dry = rehearse(settings, sandbox, run, report=quiet)
    dry.raise_for_failure()
    assert dry.report is not None and dry.report.verdict.go
    before_cutover = dump(settings)
    owners_before = _shared_owners(settings)

    cutover = rehearse_cutover(settings, sandbox, quiet, cli, runbook=RUNBOOK)
    assert not cutover.already_closed
    assert {"freeze-check", "load", "verify-gate", "post-launch-rehearsal"} <= set(cutover.ran)
    assert cutover.summary_html is not None and cutover.summary_html.is_file()
    journal = [
        json.loads(line)
        for line in (cutover.run_dir / "cutover.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    skipped = {e["step"] for e in journal if e.get("status") == "skipped"}
    assert skipped == {"redirects-live", "dns-switch", "post-launch"}  # production only

    logs = settings.logs_dir
    changes = list(
        csv.DictReader(one(logs, "*freeze-check*/freeze-changes.csv").open(encoding="utf-8"))
    )
    assert changes, "the next epoch changed the sources inside the freeze window"
    changed: dict[tuple[str, str], str] = {}
    for change in changes:
        for key in change["key"].split(" -> "):
            changed[(change["source"], key)] = change["change"]
    (plan_file,) = logs.glob("*-load-*/plan.jsonl")
    plan = [json.loads(line) for line in plan_file.read_text(encoding="utf-8").splitlines()]
    actions = {(p["source_system"], p["record_key"]): p["action"] for p in plan}
    touched = {
        key: action for key, action in actions.items() if action not in ("unchanged", "skip")
    }
    assert touched, "the final delta carries the changes"
    # What the load creates and unpublishes is exactly what the sources added and removed.
    created = {key for key, action in touched.items() if action == "create"}
    removed = {key for key, action in touched.items() if action in ("unpublish", "delete")}
    assert created == {
        k
        for k, c in changed.items()
        if c in ("new", "moved") and k in actions and actions[k] != "skip" and k not in removed
    }
    assert removed <= {k for k, c in changed.items() if c in ("gone", "moved")}
    # An update is a changed record, or one whose body links to a page that moved or went
    # (its rewritten link changes), directly or through an old address that redirected to
    # it, or one that took over a shared row (a contact person) from a record that moved or
    # went: nothing unrelated rides along.
    moved_or_gone = {key for (_, key), c in changed.items() if c in ("moved", "gone")}
    aliases = _redirected(before_cutover)
    owners_after = _shared_owners(settings)
    for key, action in touched.items():
        if action == "update" and key not in changed:
            body_links = _links(settings.workspace, key)
            leads_to = body_links | {aliases[link] for link in body_links if link in aliases}
            taken_over = {
                owners_before[row][1]
                for row, owner in owners_after.items()
                if owner == key and row in owners_before and owners_before[row] != key
            }
            assert (leads_to | taken_over) & moved_or_gone, f"{key} updated without a change"
    # The real load did what its plan said.
    summaries = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in logs.glob("*-load-*/load-summary.json")
    ]
    (real,) = [s for s in summaries if not s["plan"]]
    planned = json.loads(plan_file.with_name("plan-summary.json").read_text(encoding="utf-8"))
    assert real["actions"] == planned["actions"]
    assert dump(settings) != before_cutover

    # The rollback runbook brings the target back to exactly its state before the cutover.
    undone = run_cutover(
        load_runbook(RUNBOOK.with_name("rollback.yml"), cli),
        settings,
        rehearse=True,
        confirmer=confirm_as("cutover lead (rehearsal)"),
        new=True,
    )
    assert "target-rollback" in undone.ran
    assert dump(settings) == before_cutover


def dump(settings: Settings) -> Dump:
    engine = create_target_engine(target_url(settings.target))
    try:
        return canonical_dump(engine)
    finally:
        engine.dispose()


def _shared_owners(settings: Settings) -> dict[tuple[str, str, str], tuple[str, str]]:
    with MappedStore(settings.workspace / "mapped" / "mapped.sqlite") as store:
        return store.shared_owners()


def _redirected(dumped: Dump) -> dict[str, str]:
    """Old addresses (as absolute URLs) → the key of the page they redirected to."""
    found = {}
    for line in dumped["redirects"]:
        row = json.loads(line)
        if row["translation_id"] is not None:
            found[f"https://{row['old_host']}{row['old_path']}"] = row["translation_id"][1]
    return found


def _links(workspace: Path, key: tuple[str, str]) -> set[str]:
    from transfer.stores.staging import StagingStore

    store = StagingStore(workspace / "staging" / f"{key[0]}.sqlite")
    try:
        stored = store.get(key[1])
        return set(stored.record.links) if stored is not None else set()
    finally:
        store.close()
