"""``extract online-service --url``: one page's record printed, nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfer.cli import cli
from transfer.sandbox import SandboxSettings
from transfer.sandbox.process import serve_in_subprocess

PROFILE = Path(__file__).parent.parent.parent / "mappings" / "online_service" / "profile.yml"


@pytest.fixture(scope="module")
def online_url() -> Iterator[str]:
    with serve_in_subprocess(SandboxSettings(scale=0.02)) as (url, _):
        yield url


def _parse(online_url: str, url: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        [
            "--workspace",
            "ws",
            "extract",
            "online-service",
            "--profile",
            str(PROFILE),
            "--fetch-base",
            online_url,
            "--url",
            url,
        ],
        catch_exceptions=False,
    )
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "url", ["https://kotoutuminen.fi/", "{base}/"], ids=["site address", "fetch-base address"]
)
def test_one_page_is_printed_as_the_crawl_would_record_it(
    workspace: Path, online_url: str, url: str
) -> None:
    code, out = _parse(online_url, url.format(base=online_url))
    assert code == 0, out
    found = json.loads(out)
    assert found["outcome"] == "ok" and found["key"] == "https://kotoutuminen.fi/"
    record = found["record"]
    assert record["kind"] == "section_landing" and record["language"] == "fi"
    assert record["fields"]["title"] and found["discovered"]
    assert list(workspace.iterdir()) == []  # no staging store, no blobs, no run folder


@pytest.mark.parametrize(
    ("url", "exit_code", "says"),
    [
        ("https://kotoutuminen.fi/ei-ole", 4, "HTTP 404"),
        ("https://example.com/x", 3, "not an address of the site"),
    ],
)
def test_a_missing_page_or_a_foreign_url_says_so(
    workspace: Path, online_url: str, url: str, exit_code: int, says: str
) -> None:
    code, out = _parse(online_url, url)
    assert code == exit_code and says in out, out
    assert list(workspace.iterdir()) == []
