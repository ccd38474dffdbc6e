"""No credential reaches any output: console, events.jsonl, records, reports, staging stores.

Two real `transfer extract partnership` processes (OAuth2 client credentials, then Basic)
against a sandbox whose export account has credentials found nowhere else; then every byte
they wrote is searched for the credentials, the Basic header and every token issued.
"""

from __future__ import annotations

import base64
from pathlib import Path

from tests.extractors.test_partnership_resume import environment, start
from transfer.sandbox import SandboxSettings, serve_sandbox

SANDBOX = SandboxSettings(
    scale=0.02,
    platform_username="exp0rt-7f3a@kumppanuusalusta.test",
    platform_password="pw-Zq81-unique-Xr",
    client_id="cid-Hq27-unique-Lm",
    client_secret="cs-Vv93-unique-Pt",
)


def test_no_credential_in_any_output(tmp_path: Path) -> None:
    user, password = SANDBOX.platform_username, SANDBOX.platform_password
    consoles = []
    with serve_sandbox(SANDBOX) as box:
        for name, credentials in (
            (
                "oauth2",
                {
                    "username": user,
                    "password": password,
                    "client_id": SANDBOX.client_id,
                    "client_secret": SANDBOX.client_secret,
                },
            ),
            ("basic", {"username": user, "password": password}),
        ):
            process = start(environment(tmp_path / name, box, **credentials))
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err  # the missing file is a source defect
            consoles.append(out + err)
        # The replica's own record of the tokens it issued (a test may look inside it).
        tokens = list(box.platform.replica.auth._tokens)
        account = box.truth()["platform"]["export_account"]["id"]
    assert len(tokens) >= 1
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    secrets = [user, password, SANDBOX.client_id, SANDBOX.client_secret, basic, *tokens]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {
        "events.jsonl",
        "records.jsonl",
        "export-summary.json",
        "personal-data.json",
        "public-pages.jsonl",
        "partnership.sqlite",
        "partnership_public.sqlite",
    } <= names
    for secret in secrets:
        for console in consoles:
            assert secret not in console
        needle = secret.encode()
        for path in files:
            assert needle not in path.read_bytes(), f"a credential in {path}"
            assert needle.lower() not in path.read_bytes().lower(), f"a credential in {path}"
    # The export account is exported (flagged), without the e-mail it signs in with.
    records = (next((tmp_path / "basic" / "logs").glob("*/records.jsonl"))).read_text()
    assert f'"key": "member:{account}"' in records and '"export-account"' in records
