"""Headless Debian Chromium driven through chromedriver (selenium), for the HTML report.

Run alone, the browser tests skip when /usr/bin/chromium or /usr/bin/chromedriver is
missing; under `make test` (TRANSFER_TEST_REQUIRE_BROWSER=1, after
tests/services/install-chromium.sh) a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REQUIRE = os.environ.get("TRANSFER_TEST_REQUIRE_BROWSER") == "1"
#: What Chromium needs on these machines (no sandbox as root, no network chatter).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """A fresh headless Chromium with its own profile; console messages are logged."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        message = "no Debian chromium/chromium-driver: run tests/services/install-chromium.sh"
        if REQUIRE:
            pytest.fail(f"TRANSFER_TEST_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def console_errors(driver: webdriver.Chrome) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
