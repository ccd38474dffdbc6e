"""``transfer sandbox serve`` prints the ``export`` lines that point ``transfer`` at it.

The lines are what the README's by-hand walkthrough pastes into a second shell, so they are
tested the way a person uses them: the command runs in its own process, its output is read
from a pipe while it serves (it must flush before it blocks), and the exported values reach
the sandbox and sign in to the platform.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.sandbox.serve_output import READY, Output, exports
from transfer.config import OPTIONS_BY_KEY, load_settings
from transfer.sandbox import SandboxSettings, serve_sandbox
from transfer.sandbox.rehearsal import sandbox_environment, sandbox_sources

ADMIN = "/o/headless-admin-user/v1.0"
START_TIMEOUT_S = 90.0
SERVE = [sys.executable, "-m", "transfer.cli", "sandbox", "serve"]


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], Output]]:
    process = subprocess.Popen(
        [*SERVE, "--scale", "0.02", "--port", "0", "--platform-port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process, Output(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_serve_prints_exports_that_reach_the_sandbox_and_sign_in(
    served: tuple[subprocess.Popen[str], Output],
) -> None:
    process, output = served
    lines = output.until(READY, START_TIMEOUT_S)
    values = exports(lines)
    names = [
        OPTIONS_BY_KEY[key].env
        for key in (
            "sources.online_service.fetch_base",
            "sources.partnership.fetch_base",
            "sources.partnership.username",
            "sources.partnership.password",
            "sources.partnership.client_id",
            "sources.partnership.client_secret",
        )
    ]
    assert sorted(values) == sorted(names)
    box = SandboxSettings()
    # Printed as they are: a masked value (***) pasted into a shell would sign in to nothing.
    assert values["TRANSFER_SOURCES_PARTNERSHIP_PASSWORD"] == box.platform_password
    assert values["TRANSFER_SOURCES_PARTNERSHIP_CLIENT_SECRET"] == box.client_secret
    assert "***" not in "\n".join(lines)

    online = values["TRANSFER_SOURCES_ONLINE_SERVICE_FETCH_BASE"]
    platform = values["TRANSFER_SOURCES_PARTNERSHIP_FETCH_BASE"]
    assert requests.get(f"{online}/robots.txt", timeout=10).status_code == 200
    assert requests.get(f"{platform}{ADMIN}/user-accounts", timeout=10).status_code == 403
    basic = (
        values["TRANSFER_SOURCES_PARTNERSHIP_USERNAME"],
        values["TRANSFER_SOURCES_PARTNERSHIP_PASSWORD"],
    )
    assert requests.get(f"{platform}{ADMIN}/user-accounts", auth=basic, timeout=10).ok
    token = requests.post(
        f"{platform}/o/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": values["TRANSFER_SOURCES_PARTNERSHIP_CLIENT_ID"],
            "client_secret": values["TRANSFER_SOURCES_PARTNERSHIP_CLIENT_SECRET"],
        },
        timeout=10,
    )
    assert token.status_code == 200, token.text

    process.send_signal(signal.SIGINT)
    assert output.until("stopped", 30)[-1] == "stopped"
    assert process.wait(timeout=30) == 0


def test_the_exports_give_the_settings_a_rehearsal_uses(tmp_path: Path) -> None:
    """What a person exports by hand configures the sources exactly as `transfer rehearse`
    does in-process (`sandbox_sources`)."""
    empty = tmp_path / "transfer.toml"
    empty.write_text("", encoding="utf-8")
    with serve_sandbox(SandboxSettings(scale=0.02)) as running:
        by_hand = load_settings(empty, env=sandbox_environment(running))
        rehearsal = sandbox_sources(load_settings(empty, env={}), running)
    assert by_hand.online_service == rehearsal.online_service
    assert by_hand.partnership == rehearsal.partnership
    assert by_hand.partnership.fetch_base.startswith("http://127.0.0.1:")
