"""The fidelity pass in shares (worker processes): the same report as one pass, and a
worker that fails is never a silent gap."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from tests.verification import plant
from tests.verification.conftest import Loaded
from transfer.database import create_target_engine, engine_recipe
from transfer.errors import VerificationError
from transfer.verification import shares
from transfer.verification.model import NO_GO, VerificationReport
from transfer.verification.web import Hosts


def _csv(report: VerificationReport, logs: Path, check: str) -> list[list[str]]:
    with (logs / report.run_id / report.check(check).csv).open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _apart(loaded: Loaded) -> Loaded:
    """The same world and target, reported into a logs folder of its own (so that neither
    run is the other's previous one)."""
    return Loaded(loaded.world, loaded.engine, loaded.logs.with_name("logs-shared"))


def _same(one: VerificationReport, other: VerificationReport, logs: Path, others: Path) -> None:
    for check in one.checks:
        shared = other.check(check.name)
        assert (shared.status, shared.errors, shared.warnings) == (
            check.status,
            check.errors,
            check.warnings,
        ), check.name
        assert shared.counts == check.counts, check.name
        assert shared.problems == check.problems, check.name
        assert _csv(other, others, check.name) == _csv(one, logs, check.name), check.name
    inventory = [
        (d / r.run_id / "inventory.csv").read_text() for r, d in ((one, logs), (other, others))
    ]
    assert inventory[0] == inventory[1]


def test_a_shared_pass_reports_what_one_pass_reports(loaded: Loaded) -> None:
    """Three shares (two worker processes) against one pass, on a target with every kind
    of planted problem: the same verdict, counts, problems in the same order, CSV files
    and inventory, on SQLite and PostgreSQL."""
    plant.plant_all(loaded)
    one = loaded.verify("20250101T000000Z-verify-0001", shares=1)
    apart = _apart(loaded)
    shared = apart.verify("20250101T000000Z-verify-0001", shares=3)
    assert one.verdict.decision == shared.verdict.decision == NO_GO
    assert one.check("fidelity").problems_total >= 3
    assert shared.timings["shares"] == 3
    assert shared.timings["workers_cpu"] > 0
    assert "shares" not in one.timings
    _same(one, shared, loaded.logs, apart.logs)
    # The shares' own files are gone.
    assert not list((apart.logs / shared.run_id).glob(".verify-*"))


def test_shares_only_for_a_target_another_process_can_open(tmp_path: Path) -> None:
    relative = create_target_engine("sqlite:///target.db")
    url, _ = engine_recipe(relative) or ("", {})
    assert url == f"sqlite:///{Path('target.db').resolve()}"
    memory = create_target_engine("sqlite://")
    assert engine_recipe(memory) is None
    assert shares.share_count(memory, 10**6, None) == 1
    assert shares.share_count(memory, 10**6, 4) == 1
    assert shares.share_count(create_engine(f"sqlite:///{tmp_path / 'x.db'}"), 10**6, 2) == 1
    file = create_target_engine(f"sqlite:///{tmp_path / 'target.db'}")
    assert shares.share_count(file, shares.SHARE_FROM - 1, None) == 1
    assert shares.share_count(file, shares.SHARE_FROM, None) >= 1
    assert shares.share_count(file, 10, 3) == 3


def test_a_worker_that_dies_leaves_its_share_to_the_verifying_process(
    loaded_sqlite: Loaded, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A worker that ends without its result (here: it cannot even make its engine) is
    said in the log, and its share is compared by the verifying process: the report is
    the one of one pass."""
    plant.plant_all(loaded_sqlite)
    one = loaded_sqlite.verify("20250101T000000Z-verify-0001", shares=1)
    monkeypatch.setattr(shares, "engine_recipe", lambda _engine: ("nosuchdialect://x", {}))
    apart = _apart(loaded_sqlite)
    with caplog.at_level(logging.WARNING, logger="transfer.verification.shares"):
        shared = apart.verify("20250101T000000Z-verify-0001", shares=2)
    assert "fidelity share 1: its worker ended (exit 1) without its result" in caplog.text
    _same(one, shared, loaded_sqlite.logs, apart.logs)


def test_a_worker_that_cannot_read_the_target_stops_the_verification(
    loaded_sqlite: Loaded, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A worker whose target has no KEHA tables (as if the database went away under it)
    stops the verification with the driver's message, not a report that lacks its share."""
    empty = tmp_path / "empty.db"
    monkeypatch.setattr(shares, "engine_recipe", lambda _engine: (f"sqlite:///{empty}", {}))
    with pytest.raises(VerificationError, match=r"fidelity share 1.*no such table"):
        loaded_sqlite.verify("20250101T000000Z-verify-0001", shares=2)
    assert not list((loaded_sqlite.logs / "20250101T000000Z-verify-0001").glob(".verify-*"))


def test_a_links_worker_that_dies_leaves_the_links_to_the_verifying_process(
    loaded_sqlite: Loaded, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The worker that takes the links check after its share dies (here: the scratch
    file it is sent does not exist): the links are checked here, and the log says so."""
    plant.plant_all(loaded_sqlite)
    one = loaded_sqlite.verify("20250101T000000Z-verify-0001", shares=1)
    real = shares.Shares.hand_over

    def lost(self: shares.Shares, hosts: Hosts) -> bool:
        path = self.scratch.path
        self.scratch.path = path.with_name("no-such-scratch.sqlite")
        try:
            return real(self, hosts)
        finally:
            self.scratch.path = path

    monkeypatch.setattr(shares.Shares, "hand_over", lost)
    apart = _apart(loaded_sqlite)
    with caplog.at_level(logging.WARNING, logger="transfer.verification.shares"):
        shared = apart.verify("20250101T000000Z-verify-0001", shares=2)
    assert "links: its worker ended (exit 1) without its result" in caplog.text
    assert "fidelity share" not in caplog.text
    assert shared.timings["shares"] == 2
    _same(one, shared, loaded_sqlite.logs, apart.logs)
