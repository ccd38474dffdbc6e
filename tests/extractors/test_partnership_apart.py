"""The Partnership export in a process of its own (``extract_partnership_apart``): the same
staged records, result and events as in the calling process, its progress, its stop and
its errors relayed, and the secrets it registers known here afterwards."""

from __future__ import annotations

import json
import multiprocessing
import secrets
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.extractors.test_partnership_export import export, settings_for, staged
from transfer.errors import ConfigError, ExtractionError
from transfer.extractors.partnership import ExportStats
from transfer.extractors.partnership.apart import _portable, _relay, extract_partnership_apart
from transfer.records import SourceRecord
from transfer.redaction import redact
from transfer.runs import Run
from transfer.sandbox import SandboxSettings, serve_sandbox

SCALE = 0.02


def _events(run_dir: Path) -> list[dict[str, Any]]:
    lines = (run_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


#: Events whose number depends on timing (when a token runs out), in one process or two.
TIMING = {"token_issued", "empty_page_suspected"}


def _export_events(run_dir: Path) -> list[tuple[str, str]]:
    return [
        (e["stage"], e["event"])
        for e in _events(run_dir)
        if e["stage"] == "extract" and e["event"] not in TIMING
    ]


def _comparable(records: dict[str, SourceRecord]) -> dict[str, str]:
    """Each record's JSON, its fetch time left out."""
    out = {}
    for key, record in records.items():
        data = record.to_dict()
        if data["fetch"] is not None:
            data["fetch"] = {**data["fetch"], "fetched_at": None}
        out[key] = json.dumps(data, sort_keys=True)
    return out


def test_the_same_records_result_and_events_as_in_this_process(tmp_path: Path) -> None:
    with serve_sandbox(SandboxSettings(scale=SCALE)) as box:
        here = settings_for(tmp_path / "here", box)
        apart = settings_for(tmp_path / "apart", box)
        expected, here_dir = export(here)
        reports: list[ExportStats] = []
        with Run("extract partnership", apart.logs_dir) as run:
            result = extract_partnership_apart(apart, run, progress=reports.append)
    assert _comparable(staged(apart, include_gone=True)) == _comparable(
        staged(here, include_gone=True)
    )
    assert result.collections == expected.collections
    assert result.failures == expected.failures
    assert result.source_defects == expected.source_defects
    assert result.public is not None and not result.public.failures
    assert (result.stats.entities, result.stats.files) == (
        expected.stats.entities,
        expected.stats.files,
    )
    # The child's events, in this run's log, under this run's id.
    assert _export_events(run.dir) == _export_events(here_dir)
    assert any(e["event"] == "token_issued" for e in _events(run.dir))
    assert {e["run_id"] for e in _events(run.dir)} == {run.run_id}
    for name in ("records.jsonl", "export-summary.json", "personal-data.json"):
        assert (run.dir / name).is_file()
    # Progress came through, ending on the final figures.
    assert reports and reports[-1].entities == expected.stats.entities
    assert reports[-1].finish_reason == "finished"


def test_a_stop_set_before_it_begins_ends_it_stopped_and_resumable(tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    with serve_sandbox(SandboxSettings(scale=SCALE)) as box:
        settings = settings_for(tmp_path, box)
        with Run("extract partnership", settings.logs_dir) as run:
            result = extract_partnership_apart(settings, run, stop=stop)
        assert result.stopped and not result.gone_checked
        again, _ = export(settings)
    assert again.resumed and not again.stopped and again.gone_checked


def test_an_error_in_the_child_is_raised_here_with_its_class_and_fields(tmp_path: Path) -> None:
    with serve_sandbox(SandboxSettings(scale=SCALE)) as box:
        settings = settings_for(tmp_path, box)
    source = replace(
        settings.partnership, username=None, password=None, client_id=None, client_secret=None
    )
    with Run("extract partnership", settings.logs_dir) as run, pytest.raises(ConfigError) as err:
        extract_partnership_apart(replace(settings, partnership=source), run)
    assert err.value.exit_code == 3 and err.value.next_step
    assert "Traceback" in str(err.value.__cause__)


def test_a_progress_that_raises_fails_the_export_with_its_error(tmp_path: Path) -> None:
    def broken(stats: ExportStats) -> None:
        raise ExtractionError("the display broke")

    with serve_sandbox(SandboxSettings(scale=SCALE)) as box:
        settings = settings_for(tmp_path, box)
        failing = pytest.raises(ExtractionError, match=r"^the display broke")
        with Run("extract partnership", settings.logs_dir) as run, failing:
            extract_partnership_apart(settings, run, progress=broken)
        # The pass was left stopped, as an error in the same process leaves it: it resumes.
        again, _ = export(settings)
    assert again.resumed and again.gone_checked


def test_secrets_the_child_registers_are_masked_here_too(tmp_path: Path) -> None:
    messages, child_messages = multiprocessing.Pipe(duplex=False)
    _, control = multiprocessing.Pipe(duplex=False)
    token = f"child-token-{secrets.token_hex(8)}"  # never registered in this process
    child_messages.send(("error", _portable(ExtractionError("the walk failed")), [token]))
    failing = pytest.raises(ExtractionError, match=r"^the walk failed")
    with Run("extract partnership", tmp_path) as run, failing:
        _relay(messages, control, run, None, threading.Event())
    assert redact(f"Bearer {token}") == "Bearer ***"
