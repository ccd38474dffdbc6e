"""Hostile configuration and secrets: each row a clear error (exit 3 with ``file:line``) or a
masked secret, never a traceback, never a secret in the console or events.jsonl."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hostile.conftest import events_text, invoke


@dataclass(frozen=True)
class ConfigRow:
    id: str
    toml: bytes | None  # the transfer.toml, or None for none
    expect: str  # in the error message
    where: str = ""  # "transfer.toml:<line>" expected in the message
    env: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()


CONFIG_ROWS = [
    ConfigRow("nan-timeout", b"[http]\ntimeout_s = nan\n", "finite number", "transfer.toml:2"),
    ConfigRow("inf-timeout", b"[http]\n\ntimeout_s = inf\n", "finite number", "transfer.toml:3"),
    ConfigRow("nan-env", None, "finite number", env={"TRANSFER_HTTP_TIMEOUT_S": "nan"}),
    ConfigRow(
        "removal-share-5", b"[load]\nmax_removal_share = 5\n", "at most 1", "transfer.toml:2"
    ),
    ConfigRow("not-utf8", b"# k\xe4ytt\xe4j\xe4\n[http]\n", "not UTF-8", "transfer.toml:1"),
    ConfigRow(
        "wrong-type-line", b'[http]\n\nconcurrency = "many"\n', "must be a int", "transfer.toml:3"
    ),
    ConfigRow("bad-toml-line", b"[http]\ntimeout_s = = 3\n", "not valid TOML", "transfer.toml:2"),
    ConfigRow("secret-in-file", b'[target]\npassword = "x"\n', "is a secret", "transfer.toml:2"),
    ConfigRow(
        "query-password-in-file",
        b'[target]\nurl = "postgresql+psycopg://keha@h/keha?password=S3CRET"\n',
        "carries a password",
        "transfer.toml:2",
    ),
    ConfigRow(
        "query-sslpassword-flag",
        None,
        "carries a password",
        args=("--target-url", "postgresql+psycopg://keha@h/keha?sslpassword=S3CRET"),
    ),
]


@pytest.mark.parametrize("row", CONFIG_ROWS, ids=lambda row: row.id)
def test_bad_configuration_is_a_clear_error(fenced: Path, row: ConfigRow) -> None:
    if row.toml is not None:
        (fenced / "transfer.toml").write_bytes(row.toml)
    code, output = invoke(*row.args, "config", "show", env=row.env)
    assert code == 3, output
    assert row.expect in output
    assert row.where in output
    assert "Traceback" not in output
    assert "S3CRET" not in output


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://keha@127.0.0.1:1/keha?password=S3CRET",
        "postgresql+psycopg://keha@127.0.0.1:1/keha?sslmode=disable&sslpassword=S3CRET",
        "postgresql+psycopg://keha:S3CRET@127.0.0.1:1/keha",
    ],
    ids=["query-password", "query-sslpassword", "userinfo-password"],
)
def test_credentials_in_the_target_url_never_reach_output_or_events(fenced: Path, url: str) -> None:
    """Defect 2: the doctor printed ``?password=`` and wrote it to events.jsonl."""
    code, output = invoke("doctor", "--no-sources", env={"TRANSFER_TARGET_URL": url})
    assert code == 7, output  # port 1 on loopback: nothing listens
    assert "S3CRET" not in output
    events = events_text(fenced)
    assert events, "the doctor run left no events.jsonl"
    assert "S3CRET" not in events
    code, output = invoke("config", "show", "--json", env={"TRANSFER_TARGET_URL": url})
    assert code == 0
    assert "S3CRET" not in output
