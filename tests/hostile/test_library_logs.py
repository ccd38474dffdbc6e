"""Defect 10: a library's warning (psycopg's "error ignored terminating
<psycopg.Pipeline [BAD]>" when PostgreSQL dies mid-batch) reached the console as a stray
line; it belongs in the run's events.jsonl, redacted like everything else."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from transfer.redaction import register_secret
from transfer.runs import Run


def test_psycopg_warning_goes_to_the_event_log_not_the_console(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    register_secret("pipeline-S3CRET")
    with Run("load", tmp_path / "logs") as run:
        logging.getLogger("psycopg").warning(
            "error ignored terminating %r: %s",
            "<psycopg.Pipeline [BAD] at 0x7f>",
            "consuming input failed: password pipeline-S3CRET",
        )
    out, err = capfd.readouterr()
    assert "Pipeline" not in out + err
    events = [json.loads(line) for line in (run.dir / "events.jsonl").read_text().splitlines()]
    logged = [event for event in events if event["stage"] == "library"]
    assert len(logged) == 1
    assert "psycopg.Pipeline [BAD]" in logged[0]["fields"]["message"]
    assert "S3CRET" not in json.dumps(events)
    assert logged[0]["fields"]["logger"] == "psycopg"
    # Outside a run the handler is gone again (nothing accumulates across runs).
    assert not logging.getLogger("psycopg").handlers
