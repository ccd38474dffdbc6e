"""The HTML report in a real headless Chromium: verdict, tables, filters, inert content."""

from __future__ import annotations

from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import text

from tests.verification import plant
from tests.verification.browser import browser, console_errors
from tests.verification.conftest import Loaded
from transfer.verification.model import CHECK_NAMES

__all__ = ["browser"]

HOSTILE_LINK = '/"><script>window.pwned=3</script>'


def _visible_rows(driver: webdriver.Chrome) -> list[webdriver.remote.webelement.WebElement]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
    return [row for row in rows if row.is_displayed()]


def _report(loaded: Loaded, run_id: str) -> Path:
    loaded.verify(run_id)
    return loaded.logs / run_id / "report.html"


def test_a_go_report_renders_without_console_errors(
    loaded_sqlite: Loaded, browser: webdriver.Chrome
) -> None:
    path = _report(loaded_sqlite, "20250101T000000Z-verify-0200")
    browser.get(path.as_uri())
    assert browser.find_element(By.ID, "verdict-decision").text == "GO"
    checks = browser.find_elements(By.CSS_SELECTOR, "#checks tbody tr")
    assert len(checks) == len(CHECK_NAMES) == 9
    assert browser.find_elements(By.CSS_SELECTOR, "svg rect")
    # What did not come across: the world's listing page skipped by its rule.
    skipped = browser.find_element(By.CSS_SELECTOR, "#skipped-by-rule tbody").text
    assert "online_service/listing" in skipped and "rule: listings" in skipped
    assert console_errors(browser) == []
    # Self-contained: the page fetched nothing besides itself.
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_no_go_report_filters_and_keeps_hostile_content_inert(
    loaded_sqlite: Loaded, browser: webdriver.Chrome
) -> None:
    plant.plant_all(loaded_sqlite, title=plant.HOSTILE)
    with loaded_sqlite.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE content_translations SET body_html = body_html || :extra"
                " WHERE source_key = :k"
            ),
            {
                "extra": f"<a href='{HOSTILE_LINK}'>x</a><a href='javascript:window.pwned=4'>y</a>",
                "k": plant.BROKEN_LINK_KEY,
            },
        )
    path = _report(loaded_sqlite, "20250101T000000Z-verify-0201")
    browser.get(path.as_uri())

    assert browser.find_element(By.ID, "verdict-decision").text == "NO-GO"
    reasons = browser.find_element(By.ID, "verdict-reasons").text
    for check in ("completeness", "fidelity", "links", "attachments", "redirects"):
        assert check in reasons
    assert console_errors(browser) == []

    # Hostile source content is shown as text and never runs.
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    table = browser.find_element(By.ID, "problems")
    assert "<script>window.pwned=1</script>" in table.text
    assert HOSTILE_LINK in table.text
    assert table.find_elements(By.TAG_NAME, "img") == []
    assert table.find_elements(By.TAG_NAME, "script") == []

    everything = len(_visible_rows(browser))
    assert everything == len(browser.find_elements(By.CSS_SELECTOR, "#problems tbody tr"))
    Select(browser.find_element(By.ID, "check-filter")).select_by_value("attachments")
    rows = _visible_rows(browser)
    assert rows and {row.get_attribute("data-check") for row in rows} == {"attachments"}
    assert "asset_corrupt" in rows[0].text
    Select(browser.find_element(By.ID, "check-filter")).select_by_value("")
    Select(browser.find_element(By.ID, "severity-filter")).select_by_value("warning")
    rows = _visible_rows(browser)
    assert rows and {row.get_attribute("data-severity") for row in rows} == {"warning"}
    Select(browser.find_element(By.ID, "severity-filter")).select_by_value("")
    search = browser.find_element(By.ID, "filter")
    search.send_keys("kotouttaminen.fi/-/uutinen-5")
    rows = _visible_rows(browser)
    assert [row.find_elements(By.TAG_NAME, "td")[2].text for row in rows] == ["missing_redirect"]
    assert browser.find_element(By.ID, "shown-count").text == f"1 of {everything} shown"
    search.clear()
    search.send_keys(" ")
    assert len(_visible_rows(browser)) == everything
    assert console_errors(browser) == []
    assert browser.execute_script("return typeof window.pwned") == "undefined"
