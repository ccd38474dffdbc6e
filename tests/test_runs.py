from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from transfer.errors import ExtractionError, Interrupted
from transfer.redaction import register_secret
from transfer.runs import Run, new_run_id, run_folders


def test_run_id_is_sortable_and_names_the_command() -> None:
    run_id = new_run_id("extract online-service")
    assert re.fullmatch(r"\d{8}T\d{6}Z-extract-online-service-[0-9a-f]{4}", run_id)


def read_events(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_events_are_structured_and_redacted(tmp_path: Path) -> None:
    register_secret("event-secret-42")
    with Run("doctor", tmp_path) as run:
        run.events.emit(
            "doctor",
            "check",
            name="x",
            detail="token event-secret-42 used",
            nested={"list": ["event-secret-42"]},
        )
    events = read_events(tmp_path / run.run_id / "events.jsonl")
    assert [event["event"] for event in events] == ["started", "check", "finished"]
    for event in events:
        assert set(event) == {"time", "level", "run_id", "stage", "event", "fields"}
        assert event["run_id"] == run.run_id
    text = (tmp_path / run.run_id / "events.jsonl").read_text()
    assert "event-secret-42" not in text
    assert "token *** used" in text


def test_failed_run_records_the_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError), Run("extract", tmp_path) as run:
        raise ExtractionError("3 pages failed", where="https://kotoutuminen.fi/x")
    last = read_events(tmp_path / run.run_id / "events.jsonl")[-1]
    assert last["event"] == "failed"
    assert last["level"] == "error"
    fields = last["fields"]
    assert isinstance(fields, dict)
    assert fields["exit_code"] == 4


def test_crash_keeps_traceback_in_the_log(tmp_path: Path) -> None:
    with pytest.raises(ZeroDivisionError), Run("load", tmp_path) as run:
        _ = 1 / 0
    last = read_events(tmp_path / run.run_id / "events.jsonl")[-1]
    assert last["event"] == "crashed"
    assert "ZeroDivisionError" in json.dumps(last)


@pytest.mark.parametrize(
    "stop",
    [
        KeyboardInterrupt(),
        BrokenPipeError(32, "Broken pipe"),  # `| tee` gone with the same Ctrl-C
        Interrupted("crawl stopped; what was fetched is kept"),
    ],
    ids=["ctrl-c", "closed-pipe", "stopped-stage"],
)
def test_a_stopped_run_is_recorded_interrupted(tmp_path: Path, stop: BaseException) -> None:
    with pytest.raises(type(stop)), Run("extract online-service", tmp_path) as run:
        raise stop
    last = read_events(tmp_path / run.run_id / "events.jsonl")[-1]
    assert (last["stage"], last["event"], last["level"]) == ("run", "interrupted", "warning")
    fields = last["fields"]
    assert isinstance(fields, dict) and "traceback" not in fields
    (folder,) = run_folders(tmp_path)
    assert (folder.outcome, folder.exit_code) == ("interrupted", 130)
