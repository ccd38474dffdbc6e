"""The sandbox server on a real loopback socket, with a small stand-in replica."""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import requests

from transfer.sandbox.faults import FaultPlan
from transfer.sandbox.server import ReplicaServer, start_server
from transfer.sandbox.settings import Faults
from transfer.sandbox.wire import Request, Response

PAGE = (
    "<html><head><meta charset='utf-8'><title>Sivu</title></head><body><div><p>Hyvää "
    "päivää</p></div><ul><li>yksi</li></ul></body></html>"
).encode()
MODIFIED = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)


class StandIn:
    """Serves one page with validators, and echoes the request path otherwise."""

    def handle(self, request: Request) -> Response | None:
        if request.path == "/page":
            return Response(body=PAGE, etag="abc123", last_modified=MODIFIED)
        if request.path == "/echo":
            return Response(
                body=request.raw_path.encode(), content_type="text/plain", cacheable=False
            )
        return None

    def truth(self) -> dict[str, object]:
        return {}


@contextmanager
def serving(faults: Faults, seed: int = 7) -> Iterator[ReplicaServer]:
    server, stop = start_server(StandIn(), FaultPlan(faults, seed))
    try:
        yield server
    finally:
        stop()


def test_plain_page_validators_and_404() -> None:
    with serving(Faults()) as server:
        answer = requests.get(server.url + "/page", timeout=5)
        assert answer.status_code == 200
        assert answer.content == PAGE
        assert answer.headers["ETag"] == '"abc123"'
        assert answer.headers["Last-Modified"] == "Mon, 03 Mar 2025 07:00:00 GMT"
        assert requests.get(server.url + "/nothing", timeout=5).status_code == 404
        head = requests.head(server.url + "/page", timeout=5)
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["Content-Length"] == str(len(PAGE))


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"If-None-Match": '"abc123"'}, 304),
        ({"If-None-Match": 'W/"abc123", "other"'}, 304),
        ({"If-None-Match": '"stale"'}, 200),
        ({"If-Modified-Since": "Mon, 03 Mar 2025 07:00:00 GMT"}, 304),
        ({"If-Modified-Since": "Sun, 02 Mar 2025 07:00:00 GMT"}, 200),
        # If-None-Match wins over If-Modified-Since, as RFC 9110 says.
        ({"If-None-Match": '"stale"', "If-Modified-Since": "Tue, 04 Mar 2025 07:00:00 GMT"}, 200),
    ],
)
def test_conditional_requests(headers: dict[str, str], status: int) -> None:
    with serving(Faults()) as server:
        answer = requests.get(server.url + "/page", headers=headers, timeout=5)
        assert answer.status_code == status
        assert (answer.content == b"") == (status == 304)


def test_latency_is_added() -> None:
    with serving(Faults(latency_ms=150)) as server:
        started = time.monotonic()
        requests.get(server.url + "/page", timeout=5)
        assert time.monotonic() - started >= 0.15


def test_errors_and_throttling() -> None:
    with serving(Faults(error_rate=1.0)) as server:
        statuses = {
            requests.get(f"{server.url}/echo?{n}", timeout=5).status_code for n in range(30)
        }
        assert statuses <= {500, 502, 503}
        assert len(statuses) >= 2
        assert server.plan.injected["error"] == 30
    with serving(Faults(throttle_rate=1.0, retry_after_s=3)) as server:
        answer = requests.get(server.url + "/page", timeout=5)
        assert answer.status_code == 429
        assert answer.headers["Retry-After"] == "3"


def test_reset_closes_without_an_answer() -> None:
    with serving(Faults(reset_rate=1.0)) as server:
        with pytest.raises(requests.ConnectionError):
            requests.get(server.url + "/page", timeout=5)
        assert server.plan.injected["reset"] >= 1


def test_truncated_body_is_shorter_than_declared() -> None:
    with serving(Faults(truncate_rate=1.0)) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
        connection.request("GET", "/page")
        answer = connection.getresponse()
        declared = int(answer.headers["Content-Length"])
        with pytest.raises(http.client.IncompleteRead) as caught:
            answer.read()
        assert len(caught.value.partial) < declared
        connection.close()


def test_drip_delivers_the_whole_body_slowly() -> None:
    with serving(Faults(drip_rate=1.0, drip_delay_ms=20)) as server:
        started = time.monotonic()
        answer = requests.get(server.url + "/page", timeout=5)
        assert answer.content == PAGE
        assert time.monotonic() - started >= 0.02
        assert server.plan.injected["drip"] == 1


def test_malformed_html_keeps_the_text_but_drops_closing_tags() -> None:
    with serving(Faults(malformed_rate=1.0)) as server:
        body = requests.get(server.url + "/page", timeout=5).content
        assert b"</div>" not in body and b"</li>" not in body
        assert "Hyvää päivää".encode() in body


def test_wrong_charset_declaration() -> None:
    with serving(Faults(wrong_charset_rate=1.0)) as server:
        answer = requests.get(server.url + "/page", timeout=5)
        assert answer.headers["Content-Type"] == "text/html; charset=ISO-8859-1"
        assert answer.content == PAGE  # the bytes are still UTF-8


def test_fault_draws_are_deterministic_per_seed_and_attempt() -> None:
    faults = Faults(error_rate=0.3, throttle_rate=0.2, latency_ms=5, jitter_ms=10)
    first, second, other = FaultPlan(faults, 1), FaultPlan(faults, 1), FaultPlan(faults, 2)
    targets = [f"/page?n={n}" for n in range(200)] * 2  # second round: retries of the same
    draws = [first.decide("GET", target) for target in targets]
    assert draws == [second.decide("GET", target) for target in targets]
    assert draws != [other.decide("GET", target) for target in targets]
    # A retry of the same target draws again, so a failing URL can succeed later.
    assert draws[:200] != draws[200:]
    rate = sum(1 for draw in draws if draw.kind == "error") / len(draws)
    assert 0.2 < rate < 0.4


def test_fault_spec_parsing() -> None:
    parsed = Faults.parse("latency_ms=20, error_rate=0.05,throttle-rate=0.02,retry_after_s=2")
    assert (parsed.latency_ms, parsed.error_rate, parsed.throttle_rate) == (20.0, 0.05, 0.02)
    assert parsed.retry_after_s == 2
    assert not Faults.parse("").any
    with pytest.raises(ValueError, match="unknown fault"):
        Faults.parse("explode=1")
