"""One HTTP client for every extractor: timeouts, bounded retries, politeness, size caps.

Every attempt is classified by :func:`classify`; only retriable failures are retried, with
exponential backoff and jitter (tenacity), never sooner than a Retry-After asks, and never
more than ``max_attempts`` times. Redirects are not followed here: they are answers the
caller records (as aliases) and follows within its own scope rules.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from bs4.dammit import EncodingDetector
from charset_normalizer import from_bytes
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from transfer.blobstore import Blob, BlobStore
from transfer.config import HttpSettings
from transfer.errors import ExtractionError
from transfer.extractors.http.classify import (
    BodyTooLarge,
    Classification,
    TruncatedBody,
    Verdict,
    classify,
)
from transfer.extractors.http.politeness import Pacer

CHUNK = 64 * 1024
DEFAULT_MAX_BODY = 64 * 1024 * 1024


@dataclass(frozen=True)
class FetchResult:
    """A final answer (2xx, 304, a redirect, or a 4xx that will not change)."""

    url: str
    status: int
    headers: Mapping[str, str]
    classification: Classification
    body: bytes = b""
    blob: Blob | None = None
    elapsed_s: float = 0.0
    attempts: int = 1

    @property
    def verdict(self) -> Verdict:
        return self.classification.verdict

    @property
    def location(self) -> str | None:
        """The absolute redirect target, for redirects."""
        target = self.headers.get("Location")
        return urljoin(self.url, target) if target else None

    def text(self) -> str:
        """The body decoded; see :func:`decode_body`."""
        return decode_body(self.body, self.headers.get("Content-Type", ""))


def decode_body(body: bytes, content_type: str) -> str:
    """Decode a text body: BOM, then valid UTF-8, then the document's and the header's charset.

    A body that is valid UTF-8 is taken as UTF-8 whatever the header claims: servers label
    UTF-8 pages ISO-8859-1 far more often than a Latin-1 page happens to be valid UTF-8.
    """
    bom_encoding = EncodingDetector.strip_byte_order_mark(body)[1]
    candidates: list[str | None] = [bom_encoding]
    candidates.append("utf-8")
    candidates.append(EncodingDetector.find_declared_encoding(body, is_html=True))
    candidates.append(requests.utils.get_encoding_from_headers({"content-type": content_type}))
    for encoding in filter(None, candidates):
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    guess = from_bytes(body).best()
    return str(guess) if guess is not None else body.decode("cp1252", "replace")


class FetchFailed(ExtractionError):
    """A request failed for good: retries exhausted, or a failure that retrying cannot fix."""

    def __init__(self, url: str, reason: str, attempts: int, status: int | None = None) -> None:
        super().__init__(
            f"{reason} after {attempts} attempt(s)",
            where=url,
            next_step="run the same command again later to retry the failures",
        )
        self.url, self.reason, self.attempts, self.status = url, reason, attempts, status


class _Retriable(Exception):
    def __init__(self, classification: Classification, status: int | None) -> None:
        super().__init__(classification.reason)
        self.classification = classification
        self.status = status


class HttpClient:
    """Thread-safe: each thread gets its own connection pool (requests.Session)."""

    def __init__(
        self,
        http: HttpSettings,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY,
        pacer: Pacer | None = None,
        sleep: Callable[[float], None] = time.sleep,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 30.0,
    ) -> None:
        self.http = http
        self.max_body_bytes = max_body_bytes
        self.pacer = pacer or Pacer(sleep=sleep)
        self._sleep = sleep
        self._backoff = wait_exponential_jitter(
            multiplier=backoff_initial_s, max=backoff_max_s, jitter=backoff_initial_s
        )
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(
                pool_connections=4, pool_maxsize=max(4, self.http.concurrency), max_retries=0
            )
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = self.http.user_agent
            self._local.session = session
        return session

    def _wait(self, state: RetryCallState) -> float:
        backoff = float(self._backoff(state))
        error = state.outcome.exception() if state.outcome else None
        after = error.classification.retry_after_s if isinstance(error, _Retriable) else None
        return max(backoff, after or 0.0)

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        store: BlobStore | None = None,
        private: bool = False,
        method: str = "GET",
        data: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """Fetch ``url``; with ``store``, a 2xx body is streamed into the blob store.

        ``max_bytes`` caps the body (default: the client's cap); a larger body is a final
        failure, not a retry.
        """
        retrying = Retrying(
            stop=stop_after_attempt(self.http.max_attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Retriable),
            sleep=self._sleep,
            reraise=True,
        )
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    result = self._attempt(
                        method, url, headers, data, store, private, max_bytes or self.max_body_bytes
                    )
            return FetchResult(**{**result.__dict__, "attempts": attempts})
        except _Retriable as exc:
            raise FetchFailed(url, exc.classification.reason, attempts, exc.status) from None
        except FetchFailed as exc:
            raise FetchFailed(url, exc.reason, attempts, exc.status) from None

    def _attempt(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        store: BlobStore | None,
        private: bool,
        max_bytes: int,
    ) -> FetchResult:
        host = urlsplit(url).netloc
        self.pacer.wait(host)
        started = time.monotonic()
        timeout = (min(10.0, self.http.timeout_s), self.http.timeout_s)
        try:
            response = self._session().request(
                method,
                url,
                headers=dict(headers or {}),
                data=data,
                timeout=timeout,
                stream=True,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            self.pacer.record(host, time.monotonic() - started)
            raise self._failure(url, classify(error=exc), None) from None
        try:
            latency = response.elapsed.total_seconds()
            classification = classify(response)
            if classification.verdict is Verdict.RETRY:
                self.pacer.record(
                    host,
                    latency,
                    throttled=response.status_code in (429, 503),
                    retry_after_s=classification.retry_after_s,
                )
                raise _Retriable(classification, response.status_code)
            body, blob = b"", None
            if method != "HEAD":
                if store is not None and classification.verdict is Verdict.OK:
                    blob = store.put_stream(self._chunks(response, max_bytes), private=private)
                else:
                    body = b"".join(self._chunks(response, max_bytes))
        except (requests.RequestException, TruncatedBody, BodyTooLarge) as exc:
            raise self._failure(url, classify(error=exc), response.status_code) from None
        except ExtractionError as exc:  # the blob store's own size cap
            raise FetchFailed(url, f"too large: {exc.what}", 1, response.status_code) from None
        finally:
            response.close()
        elapsed = time.monotonic() - started
        self.pacer.record(host, latency)
        return FetchResult(
            url=url,
            status=response.status_code,
            headers=dict(response.headers),
            classification=classification,
            body=body,
            blob=blob,
            elapsed_s=elapsed,
        )

    @staticmethod
    def _failure(url: str, classification: Classification, status: int | None) -> Exception:
        if classification.verdict is Verdict.RETRY:
            return _Retriable(classification, status)
        return FetchFailed(url, classification.reason, 1, status)

    @staticmethod
    def _chunks(response: requests.Response, max_bytes: int) -> Iterator[bytes]:
        declared = response.headers.get("Content-Length")
        encoded = response.headers.get("Content-Encoding", "identity") != "identity"
        received = 0
        for chunk in response.iter_content(CHUNK):
            received += len(chunk)
            if received > max_bytes:
                raise BodyTooLarge(f"more than {max_bytes} bytes")
            yield chunk
        if declared and declared.isdigit() and not encoded and received < int(declared):
            raise TruncatedBody(f"{received} of {declared} bytes")
