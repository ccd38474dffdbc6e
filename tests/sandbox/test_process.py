"""The sandbox served by a child process, as ``transfer rehearse`` serves it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import requests

from transfer.sandbox import SandboxSettings, truth_counts, truth_counts_path, write_truth
from transfer.sandbox.process import sandbox_process


def test_the_child_serves_writes_its_truth_and_is_gone_after_the_block(tmp_path: Path) -> None:
    settings = SandboxSettings(scale=0.02)
    truth = tmp_path / "truth.json"
    with sandbox_process(settings, truth=truth) as child:
        assert requests.get(child.online_url + "/", timeout=10).status_code == 200
        assert requests.get(child.platform_url + "/", timeout=10).status_code == 200
        served = json.loads(truth.read_text(encoding="utf-8"))
    write_truth(settings, tmp_path / "expected.json")
    assert served == json.loads((tmp_path / "expected.json").read_text(encoding="utf-8"))
    # The counts beside it, for a rehearsal to report without loading the truth.
    counts = json.loads(truth_counts_path(truth).read_text(encoding="utf-8"))
    assert counts == truth_counts(served)
    assert counts["online_service"]["pages"] == len(served["online_service"]["pages"]) > 0
    assert child.peak_rss_bytes is not None and child.peak_rss_bytes > 0
    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)
    with pytest.raises(requests.ConnectionError):
        requests.get(child.online_url + "/", timeout=5)
