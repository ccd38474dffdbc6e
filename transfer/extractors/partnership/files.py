"""Document bodies: fetched by ``contentUrl`` with the export's credentials, streamed into the
blob store (sha256, owner-only).

The download is served by the classic portal servlet, not the headless API (LIFERAY-API.md
§6): a caller it does not accept is redirected to ``/c/portal/login`` or shown the sign-in
page. Neither is ever taken for the file: both are failed downloads with their reason (after
one token renewal, in case the token just ran out). A 404 is asked once more with a renewed
token too: some portals answer an expired token's download with 404, not the sign-in page.

Outcomes split by who is to blame. A file the platform itself cannot give is a *source
defect*: an empty ``contentUrl`` (an empty file when the size is 0: ``empty``; else a missing
download permission or body: ``unavailable``), a ``contentUrl`` on another host (never sent
credentials), a 404 or 410 with a fresh token (``unavailable``). Running again cannot help;
they are reported, never failures. A file we failed to fetch (connection errors, 5xx after
the retries, the sign-in page after a renewal, a size cap) is ``failed``: running again may
help. Credentials are only ever sent to the platform's own host.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from transfer.extractors.http import FetchFailed, FetchResult, HttpClient, Verdict
from transfer.extractors.partnership.auth import Authenticator
from transfer.extractors.partnership.entities import now
from transfer.records import FetchInfo
from transfer.stores.blobs import BlobStore

MAX_FILE_BYTES = 2 * 1024**3
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_SIGN_IN_MARKS = (
    b"/c/portal/login",
    b'type="password"',
    b"type='password'",
    b"portlet-login",
    b"_com_liferay_login_web_portlet_LoginPortlet",
)


@dataclass(frozen=True)
class Download:
    """What became of one document's body; ``status`` is ok, empty, unavailable (both
    source defects) or failed."""

    status: str
    reason: str = ""
    http_status: int | None = None
    sha256: str | None = None
    size: int | None = None
    fetch: FetchInfo | None = None
    url: str = ""  # the portal path fetched (no host, no credentials), for reports

    @property
    def source_defect(self) -> bool:
        """Whether the platform itself cannot give the file (running again cannot help)."""
        return self.status in ("empty", "unavailable")

    def fields(self) -> dict[str, Any]:
        """The ``_download`` field of a file record (stable between runs: no timestamps)."""
        out: dict[str, Any] = {"status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.http_status is not None:
            out["httpStatus"] = self.http_status
        if self.sha256 is not None:
            out["sha256"], out["size"] = self.sha256, self.size
        return out


def looks_like_sign_in(head: bytes) -> bool:
    lowered = head.lower()
    return any(mark.lower() in lowered for mark in _SIGN_IN_MARKS)


class Downloader:
    """Downloads documents' bodies; safe to use from several threads."""

    def __init__(
        self,
        client: HttpClient,
        auth: Authenticator,
        blobs: BlobStore,
        fetch_url: str,
        base_url: str,
        *,
        max_bytes: int = MAX_FILE_BYTES,
    ) -> None:
        self.client = client
        self.auth = auth
        self.blobs = blobs
        self.fetch_url = fetch_url.rstrip("/")
        self.hosts = {urlsplit(u).netloc.lower() for u in (fetch_url, base_url) if u}
        self.max_bytes = max_bytes

    def resolve(self, content_url: str) -> str | None:
        """The address to fetch a ``contentUrl`` from, or None for another host's URL."""
        parts = urlsplit(content_url)
        if parts.netloc and parts.netloc.lower() not in self.hosts:
            return None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.fetch_url + (path if path.startswith("/") else "/" + path)

    def one(self, document: dict[str, Any]) -> Download:
        content_url = document.get("contentUrl")
        size = document.get("sizeInBytes")
        if not content_url:
            if size == 0:
                self.blobs.put(b"", private=True)  # the body is known: nothing
                return Download("empty", "the file is empty", sha256=EMPTY_SHA256, size=0)
            return Download("unavailable", "no contentUrl: no download permission, or no body")
        url = self.resolve(str(content_url))
        path = urlsplit(str(content_url)).path
        if url is None:
            return Download(
                "unavailable", "contentUrl is on another host: not sent credentials", url=path
            )
        outcome = Download("failed", "not attempted", url=path)
        for attempt in range(2):
            generation = self.auth.current()
            outcome, retry = self._attempt(document, url, path)
            if not (retry and attempt == 0 and self.auth.can_expire):
                return outcome
            reason = "not found" if outcome.status == "unavailable" else "sign-in page"
            self.auth.renew(f"{reason} instead of a file", generation)
        return outcome

    def _attempt(self, document: dict[str, Any], url: str, path: str) -> tuple[Download, bool]:
        """(outcome, whether a token renewal might help)."""
        try:
            result = self.client.get(
                url,
                headers={"Accept": "*/*", **self.auth.header()},
                store=self.blobs,
                private=True,
                max_bytes=self.max_bytes,
            )
        except FetchFailed as exc:
            return Download("failed", exc.reason, exc.status, url=path), False
        if result.verdict is Verdict.REDIRECT:
            target = urlsplit(result.location or "").path
            if target.startswith("/c/portal/login"):
                return Download(
                    "failed", "redirected to the sign-in page", result.status, url=path
                ), True
            return Download("failed", f"redirected to {target}", result.status, url=path), False
        if result.verdict is Verdict.GONE:
            # missing, or a stale token answered with 404: a fresh token tells them apart
            return Download(
                "unavailable",
                f"HTTP {result.status}: the file is missing on the platform",
                result.status,
                url=path,
            ), True
        if result.verdict is not Verdict.OK or result.blob is None:
            return Download("failed", result.classification.reason, result.status, url=path), False
        return self._stored(document, url, path, result)

    def _stored(
        self, document: dict[str, Any], url: str, path: str, result: FetchResult
    ) -> tuple[Download, bool]:
        assert result.blob is not None
        media_type = result.headers.get("Content-Type", "").split(";")[0].strip().lower()
        expected_type = str(document.get("encodingFormat") or "").lower()
        if media_type == "text/html":
            with self.blobs.path(result.blob.sha256).open("rb") as body:
                head = body.read(64 * 1024)
            if looks_like_sign_in(head):
                return Download(
                    "failed", "the sign-in page came instead of the file", result.status, url=path
                ), True
            if expected_type and expected_type != "text/html":
                return Download(
                    "failed",
                    f"an HTML page came instead of a {expected_type} file",
                    result.status,
                    url=path,
                ), False
        fetch = FetchInfo(
            fetched_at=now(),
            status=result.status,
            url=url,
            content_type=result.headers.get("Content-Type", ""),
            content_hash=result.blob.sha256,
            size=result.blob.size,
            etag=result.headers.get("ETag"),
            last_modified=result.headers.get("Last-Modified"),
        )
        return Download(
            "ok",
            sha256=result.blob.sha256,
            size=result.blob.size,
            http_status=result.status,
            fetch=fetch,
            url=path,
        ), False
