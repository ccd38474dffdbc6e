"""The shared HTTP client: classification, retries, Retry-After, caps, charsets."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import responses

from tests.sandbox.test_server import PAGE, serving
from transfer.config import HttpSettings
from transfer.extractors.http import FetchFailed, HttpClient, Verdict, classify
from transfer.extractors.http.classify import parse_retry_after
from transfer.sandbox.settings import Faults
from transfer.stores.blobs import BlobStore

URL = "https://kotoutuminen.fi/sivu"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(max_attempts: int = 5, **kwargs: object) -> tuple[HttpClient, Sleeps]:
    sleeps = Sleeps()
    http = HttpSettings(
        timeout_s=5.0, concurrency=2, max_attempts=max_attempts, user_agent="transfer-test"
    )
    return HttpClient(
        http, sleep=sleeps, backoff_initial_s=0.01, backoff_max_s=0.05, **kwargs
    ), sleeps  # type: ignore[arg-type]


@responses.activate
def test_503_503_200_succeeds_on_the_third_call() -> None:
    responses.get(URL, status=503)
    responses.get(URL, status=503)
    responses.get(URL, status=200, body=b"<p>ok</p>")
    http, sleeps = client()
    result = http.get(URL)
    assert result.status == 200
    assert result.body == b"<p>ok</p>"
    assert result.attempts == 3
    assert len(responses.calls) == 3
    assert len(sleeps) >= 2  # two backoffs (the pacer may add its own pauses)


@responses.activate
def test_retry_after_is_honoured() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "7"})
    responses.get(URL, status=200, body=b"ok")
    http, sleeps = client()
    assert http.get(URL).status == 200
    assert len(responses.calls) == 2
    assert sleeps[0] >= 7.0
    assert http.pacer.pause("kotoutuminen.fi") > 0  # the host is now paced more slowly


@pytest.mark.parametrize("status", [404, 410, 403, 400])
@responses.activate
def test_final_client_errors_are_not_retried(status: int) -> None:
    responses.get(URL, status=status)
    http, sleeps = client()
    result = http.get(URL)
    assert result.status == status
    assert result.verdict in (Verdict.GONE, Verdict.FATAL)
    assert len(responses.calls) == 1
    assert sleeps == []


@responses.activate
def test_attempts_are_bounded() -> None:
    for _ in range(4):
        responses.get(URL, status=502)
    http, _ = client(max_attempts=4)
    with pytest.raises(FetchFailed) as caught:
        http.get(URL)
    assert caught.value.attempts == 4
    assert caught.value.status == 502
    assert len(responses.calls) == 4
    assert URL in str(caught.value)


@responses.activate
def test_connection_errors_are_retried() -> None:
    responses.get(URL, body=requests.ConnectionError("reset by peer"))
    responses.get(URL, body=requests.Timeout("slow"))
    responses.get(URL, status=200, body=b"ok")
    http, _ = client()
    assert http.get(URL).attempts == 3


@responses.activate
def test_redirects_are_answers_not_followed() -> None:
    responses.get(URL, status=301, headers={"Location": "/uusi-sivu"})
    http, _ = client()
    result = http.get(URL)
    assert result.verdict is Verdict.REDIRECT
    assert result.location == "https://kotoutuminen.fi/uusi-sivu"
    assert len(responses.calls) == 1


@responses.activate
def test_size_cap_is_final() -> None:
    responses.get(URL, status=200, body=b"x" * 5000)
    http, _ = client(max_body_bytes=1000)
    with pytest.raises(FetchFailed, match="too large"):
        http.get(URL)
    assert len(responses.calls) == 1


@responses.activate
def test_streaming_into_the_blob_store(tmp_path: Path) -> None:
    responses.get(URL, status=200, body=b"%PDF-1.4 data")
    http, _ = client()
    store = BlobStore(tmp_path / "blobs")
    result = http.get(URL, store=store)
    assert result.blob is not None
    assert store.read(result.blob.sha256) == b"%PDF-1.4 data"
    assert result.body == b""


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Hyvää päivää".encode(), "text/html; charset=ISO-8859-1", "Hyvää päivää"),
        ("Hyvää päivää".encode("latin-1"), "text/html; charset=ISO-8859-1", "Hyvää päivää"),
        ("<meta charset='windows-1252'>Åbo".encode("cp1252"), "text/html", "Åbo"),
        ("Smörgås".encode(), "text/html; charset=utf-8", "Smörgås"),
        # ISO-8859-1 is read as windows-1252, as browsers do: 0x80 is the euro sign.
        ("Hinta 5 € – noin".encode("cp1252"), "text/html; charset=ISO-8859-1", "5 € – noin"),
    ],
)
@responses.activate
def test_charset_handling(body: bytes, content_type: str, expected: str) -> None:
    responses.get(URL, status=200, body=body, content_type=content_type)
    http, _ = client()
    assert expected in http.get(URL).text()


def test_truncated_bodies_are_detected_and_retried_on_a_real_socket() -> None:
    with serving(Faults(truncate_rate=0.5), seed=3) as server:
        http, _ = client(max_attempts=10)
        for n in range(10):
            result = http.get(f"{server.url}/page?n={n}")
            assert result.body == PAGE
        assert server.plan.injected["truncate"] >= 1


def test_resets_are_retried_on_a_real_socket() -> None:
    with serving(Faults(reset_rate=0.5), seed=5) as server:
        http, _ = client(max_attempts=10)
        for n in range(10):
            assert http.get(f"{server.url}/page?n={n}").body == PAGE
        assert server.plan.injected["reset"] >= 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3.0), ("0", 0.0), ("100000", 300.0), ("soon", None), (None, None)],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_classify_needs_something() -> None:
    with pytest.raises(ValueError):
        classify()
