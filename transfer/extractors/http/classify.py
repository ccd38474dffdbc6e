"""The one place that decides what an HTTP answer or failure means.

Retriable: timeouts, connection errors, truncated bodies, 408, 429 and 5xx (but 501 and
505, which will not change on a retry). Redirects are answers, not errors: the caller
records them. 404 and 410 are "gone": final, and worth reporting as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

import requests
from urllib3.exceptions import ProtocolError

REDIRECTS = frozenset({301, 302, 303, 307, 308})
_FINAL_5XX = frozenset({501, 505})
# Never wait longer than this for a Retry-After: a server asking for more is treated as down.
MAX_RETRY_AFTER_S = 300.0


class Verdict(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    REDIRECT = "redirect"
    RETRY = "retry"
    GONE = "gone"
    FATAL = "fatal"


@dataclass(frozen=True)
class Classification:
    verdict: Verdict
    reason: str
    retry_after_s: float | None = None
    #: A 429: the server is there and asks for fewer requests (a retry, not an outage).
    throttled: bool = False


class TruncatedBody(Exception):
    """Fewer bytes arrived than the Content-Length header declared."""


class BodyTooLarge(Exception):
    """The body passed the configured size cap."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def classify(
    response: requests.Response | None = None, error: BaseException | None = None
) -> Classification:
    """Classify one attempt: exactly one of ``response`` or ``error`` is given."""
    if error is not None:
        return _classify_error(error)
    if response is None:
        raise ValueError("classify() needs a response or an error")
    status = response.status_code
    if 200 <= status < 300:
        return Classification(Verdict.OK, f"HTTP {status}")
    if status == 304:
        return Classification(Verdict.NOT_MODIFIED, "HTTP 304")
    if status in REDIRECTS:
        return Classification(Verdict.REDIRECT, f"HTTP {status}")
    if status == 429:
        return Classification(
            Verdict.RETRY,
            "HTTP 429 (throttled)",
            parse_retry_after(response.headers.get("Retry-After")),
            throttled=True,
        )
    if status == 408 or (status >= 500 and status not in _FINAL_5XX):
        return Classification(
            Verdict.RETRY, f"HTTP {status}", parse_retry_after(response.headers.get("Retry-After"))
        )
    if status in (404, 410):
        return Classification(Verdict.GONE, f"HTTP {status}")
    return Classification(Verdict.FATAL, f"HTTP {status}")


def _classify_error(error: BaseException) -> Classification:
    if isinstance(error, BodyTooLarge):
        return Classification(Verdict.FATAL, f"too large: {error}")
    if isinstance(error, TruncatedBody | requests.exceptions.ChunkedEncodingError | ProtocolError):
        return Classification(Verdict.RETRY, "truncated body")
    if isinstance(error, requests.Timeout):
        return Classification(Verdict.RETRY, "timeout")
    if isinstance(error, requests.ConnectionError):
        return Classification(Verdict.RETRY, "connection error")
    if isinstance(error, requests.exceptions.ContentDecodingError):
        return Classification(Verdict.RETRY, "undecodable body")
    return Classification(Verdict.FATAL, f"{type(error).__name__}: {error}")
