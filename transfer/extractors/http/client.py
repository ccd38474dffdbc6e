"""One HTTP client for every extractor: timeouts, bounded retries, politeness, size caps.

Every attempt is classified by :func:`classify`; only retriable failures are retried, with
exponential backoff and jitter (tenacity), never sooner than a Retry-After asks, and never
more than ``max_attempts`` times. Redirects are not followed here: they are answers the
caller records (as aliases) and follows within its own scope rules.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from bs4.dammit import EncodingDetector
from charset_normalizer import from_bytes
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

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
from transfer.stores.blobs import Blob, BlobStore

CHUNK = 64 * 1024
#: Seconds the thread that expires attempt deadlines waits for another attempt before it ends.
WATCHDOG_IDLE_S = 5.0
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

    def decoded(self) -> Decoded:
        """The body decoded, with the reason when the declared charset was not used."""
        return decode_checked(self.body, self.headers.get("Content-Type", ""))


#: Encodings charset detection may choose from. The sources are Finnish, Swedish and
#: English pages: unrestricted detection picks exotic code pages (hp_roman8, mac_iceland)
#: for short Latin-1 texts, which is mojibake of another kind.
DETECTION_CANDIDATES = ("cp1252", "iso8859_15", "latin_1", "utf_16")
#: Labels that browsers read as windows-1252 (the WHATWG Encoding Standard): pages labelled
#: ISO-8859-1 use its 0x80-0x9F range for the euro sign, dashes and quotes.
_WINDOWS_1252_LABELS = frozenset(
    {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"}
)


def _whatwg(label: str | None) -> str | None:
    return "cp1252" if label and label.strip().lower() in _WINDOWS_1252_LABELS else label


@dataclass(frozen=True)
class Decoded:
    """A decoded text body; ``problem`` says why the declared charset was not used
    (``None`` when the body decoded as declared, or as valid UTF-8)."""

    text: str
    encoding: str
    problem: str | None = None


def decode_checked(body: bytes, content_type: str) -> Decoded:
    """Decode a text body: BOM, then valid UTF-8, then the charset the header declares,
    then the document's meta tag, then detection (:data:`DETECTION_CANDIDATES`).

    A body that is valid UTF-8 is taken as UTF-8 whatever the header claims: servers label
    UTF-8 pages ISO-8859-1 far more often than a Latin-1 page happens to be valid UTF-8.
    Bytes that do not decode under the declared charset (header or meta tag) are never
    decoded quietly: the result carries a ``problem`` naming the declared charset, the
    first bad byte and the encoding used instead.
    """
    bom_encoding = EncodingDetector.strip_byte_order_mark(body)[1]
    failed: list[str] = []
    for encoding in (bom_encoding, "utf-8"):
        if encoding:
            try:
                return Decoded(body.decode(encoding), encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    # only now what the header and the meta tag declare (most pages are UTF-8)
    header = requests.utils.get_encoding_from_headers({"content-type": content_type})
    if header == "ISO-8859-1" and "charset" not in content_type.lower():
        header = None  # requests' default for text/*, not something the server said
    meta = EncodingDetector.find_declared_encoding(body, is_html=True)
    for source, label in (("the header", header), ("the meta tag", meta)):
        encoding = _whatwg(label)
        if not encoding:
            continue
        try:
            text = body.decode(encoding)
        except LookupError:
            failed.append(f"{source} declares the unknown charset {label!r}")
            continue
        except UnicodeDecodeError as exc:
            failed.append(
                f"{source} declares {label} but byte 0x{body[exc.start]:02x} at offset "
                f"{exc.start} does not decode under it"
            )
            continue
        if failed:
            return Decoded(text, encoding, "; ".join(failed) + f"; decoded as {encoding}")
        return Decoded(text, encoding)
    if not failed:
        failed.append("no charset is declared and the body is not UTF-8")
    guess = from_bytes(body, cp_isolation=list(DETECTION_CANDIDATES)).best()
    if guess is not None:
        return Decoded(
            str(guess),
            guess.encoding,
            "; ".join(failed) + f"; decoded as {guess.encoding} (detected)",
        )
    text = body.decode("cp1252", "replace")
    return Decoded(
        text,
        "cp1252",
        "; ".join(failed) + f"; decoded as cp1252, {text.count(chr(0xFFFD))} byte(s) replaced",
    )


def decode_body(body: bytes, content_type: str) -> str:
    """Decode a text body; see :func:`decode_checked`."""
    return decode_checked(body, content_type).text


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


class _Deadline:
    """The overall deadline of one attempt. requests' timeouts bound each wait for bytes,
    so a server sending one byte every few seconds could hold a worker for hours; when the
    deadline passes, the attempt's socket is shut down, which ends any blocked read."""

    def __init__(self, seconds: float, watchdog: _Watchdog) -> None:
        self.seconds = seconds
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._watchdog = watchdog
        watchdog.watch(self)

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.expired:
                self._shut()

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut()

    def _shut(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):  # already closed
                self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._watchdog.forget(self)


class _Watchdog:
    """Expires the deadlines of one client's attempts, from one thread for them all (a
    timer thread started per request cost more CPU than the request itself)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._changed = threading.Condition()
        # insertion order is expiry order: every deadline of the client is ``seconds`` long
        self._due: dict[_Deadline, float] = {}
        self._thread: threading.Thread | None = None

    def watch(self, deadline: _Deadline) -> None:
        with self._changed:
            self._due[deadline] = time.monotonic() + self.seconds
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="deadlines", daemon=True)
                self._thread.start()
            elif len(self._due) == 1:
                self._changed.notify()

    def forget(self, deadline: _Deadline) -> None:
        with self._changed:
            self._due.pop(deadline, None)

    def _run(self) -> None:
        with self._changed:
            while True:
                if not self._due:
                    # idle: the thread ends after a while; the next attempt starts another
                    if not self._changed.wait(WATCHDOG_IDLE_S) and not self._due:
                        self._thread = None
                        return
                    continue
                deadline, due = next(iter(self._due.items()))
                left = due - time.monotonic()
                if left > 0:
                    self._changed.wait(left)
                    continue
                del self._due[deadline]
                deadline.expire()


_current = threading.local()


def _attach_deadline(connection: HTTPConnection) -> None:
    deadline: _Deadline | None = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.attach(connection.sock)


class _DeadlineHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)  # connects first when needed
        _attach_deadline(self)


class _DeadlineHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)
        _attach_deadline(self)


class _DeadlineHTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


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
        self._watchdog = _Watchdog(http.deadline_s)
        self._environments: dict[tuple[str, str], dict[str, Any]] = {}

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(
                pool_connections=4, pool_maxsize=max(4, self.http.concurrency), max_retries=0
            )
            adapter.poolmanager.pool_classes_by_scheme = {
                "http": _DeadlineHTTPPool,
                "https": _DeadlineHTTPSPool,
            }
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = self.http.user_agent
            # what requests would read from the environment on every request is read once
            # per origin instead (_environment), and passed explicitly
            session.trust_env = False
            self._local.session = session
        return session

    def _environment(self, url: str) -> dict[str, Any]:
        """The proxies, CA bundle and ``.netrc`` credentials requests takes from the
        environment for a request to ``url``, as keyword arguments of ``request``: the same
        as a session that trusts the environment finds, read once per scheme and host
        instead of once per request (a large part of requests' own CPU per request)."""
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc)
        found = self._environments.get(origin)
        if found is None:
            trusting = requests.Session()
            prepared = requests.Request("GET", url).prepare().url or url
            merged = trusting.merge_environment_settings(prepared, {}, None, None, None)
            found = {
                "proxies": merged["proxies"],
                "verify": merged["verify"],
                "cert": merged["cert"],
                "auth": requests.utils.get_netrc_auth(url),
            }
            trusting.close()
            self._environments[origin] = found
        return found

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
        deadline = _current.deadline = _Deadline(self.http.deadline_s, self._watchdog)
        try:
            return self._attempt_within(host, method, url, headers, data, store, private, max_bytes)
        except (_Retriable, FetchFailed) as exc:
            if not deadline.expired:
                raise
            reason = f"timeout (deadline of {deadline.seconds:g} s passed)"
            status = exc.status
            raise _Retriable(Classification(Verdict.RETRY, reason), status) from None
        finally:
            deadline.cancel()
            _current.deadline = None

    def _attempt_within(
        self,
        host: str,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        store: BlobStore | None,
        private: bool,
        max_bytes: int,
    ) -> FetchResult:
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
                **self._environment(url),
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
