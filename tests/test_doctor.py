"""The doctor's source check asks the one HTTP classification: what an extraction would
retry means the source is not there, but a 429 (it is there, throttling) warns; any other
answer means it is."""

from __future__ import annotations

import pytest
import requests
import responses

from transfer.config import SourceSettings
from transfer.doctor import check_source

SOURCE = SourceSettings("https://kotoutuminen.fi", "http://source.test")


@pytest.mark.parametrize(
    ("answer", "status", "detail"),
    [
        (200, "ok", "answers HTTP 200"),
        (301, "ok", "answers HTTP 301"),
        (404, "ok", "answers HTTP 404"),
        (403, "ok", "answers HTTP 403"),
        (503, "fail", "answers HTTP 503: down or overloaded"),
        (429, "warn", "answers HTTP 429 (throttled): it is there but asks for fewer requests"),
        (requests.ConnectionError("refused"), "fail", "does not answer (connection error"),
        (requests.Timeout("slow"), "fail", "does not answer (timeout"),
    ],
)
@responses.activate
def test_source_check_is_judged_by_the_classification(
    answer: int | Exception, status: str, detail: str
) -> None:
    if isinstance(answer, Exception):
        responses.get("http://source.test/", body=answer)
    else:
        responses.get("http://source.test/", status=answer)
    check = check_source("online service", SOURCE)
    assert (check.status, check.name) == (status, "online service")
    assert detail in check.detail
    assert check.detail.startswith("http://source.test/ ")


@responses.activate
def test_a_throttled_source_warns_with_its_retry_after() -> None:
    responses.get("http://source.test/", status=429, headers={"Retry-After": "30"})
    check = check_source("online service", SOURCE)
    assert check.status == "warn"
    assert "(Retry-After 30 s)" in check.detail
    assert "http.concurrency" in check.detail
