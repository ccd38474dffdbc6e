"""One crawl step, run in a worker thread: fetch a URL and turn the answer into an outcome.

Workers never touch the staging store: the main thread gives each task what it needs
(validators for a conditional request) and commits each outcome in one transaction.
A page's answer is parsed by :func:`page_outcome`, a plain function of the profile, the
blob store and a :class:`RawPage`, so that it can run in this thread or in a parsing
process (:mod:`~transfer.extractors.online_service.pool`).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from functools import partial
from io import BytesIO
from typing import Any, BinaryIO
from urllib.parse import unquote_plus, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from transfer.extractors.http import FetchFailed, FetchResult, HttpClient, Verdict
from transfer.extractors.http.client import decode_checked
from transfer.extractors.hygiene import CHARSET, warning
from transfer.extractors.online_service.extract import (
    extract_fields,
    first_match,
    parse_page,
    select,
)
from transfer.extractors.online_service.profile import Profile
from transfer.records import WARNINGS_FIELD, FetchInfo, SourceRecord
from transfer.stores.blobs import BlobStore

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"PK\x03\x04", "zip"),
)
_OFFICE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


@dataclass(frozen=True)
class Task:
    key: str
    depth: int
    via: str | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What happened to one task; ``kind`` is ok, not_modified, redirect, gone or failed."""

    task: Task
    kind: str
    record: SourceRecord | None = None
    discovered: tuple[str, ...] = ()
    target: str | None = None  # redirect target (a key, or an off-site URL)
    status: int | None = None
    reason: str = ""
    attempts: int = 1
    body_bytes: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    #: for a page: the record it belongs to when not its own key (a mirror's page, a paged
    #: listing whose canonical is the bare listing); see UrlRules.fold_target
    fold_into: str | None = None
    #: the record's ``to_json()`` and ``record_hash``, computed where the page was parsed
    #: (a parsing process) so that the crawl's own process does not encode it again
    encoded: tuple[str, str] | None = None


@dataclass(frozen=True)
class RawPage:
    """A page's 200 answer as the fetch thread hands it on to be parsed: everything parsing
    needs and nothing that cannot cross to another process."""

    task: Task
    body: bytes
    content_type: str
    fetch: FetchInfo
    status: int
    attempts: int


#: Turns a page's answer into its outcome (in this process or in a parsing process).
Parser = Callable[[RawPage], Outcome]


def is_attachment(profile: Profile, key: str) -> bool:
    return bool(profile.attachment_path.search(urlsplit(key).path))


def parse_failure(raw: RawPage, problem: str) -> Outcome:
    """A page that could not be parsed: a failed page of this pass (retried by the next),
    never the end of the crawl."""
    return Outcome(
        raw.task,
        "failed",
        status=raw.status,
        reason=f"cannot parse the page: {problem}",
        attempts=raw.attempts,
    )


def page_outcome(profile: Profile, blobs: BlobStore, raw: RawPage) -> Outcome:
    """Decode, parse and extract a page: its record (its body stored as a blob) and the
    links it mentions, or, for another record's page, the record it folds into."""
    task, rules = raw.task, profile.urls
    decoded = decode_checked(raw.body, raw.content_type)
    page = parse_page(decoded.text, task.key, profile.content_scope)
    # every key once, in the order of first mention (a dict: a page has a hundred links)
    discovered = [key for key in dict.fromkeys(map(rules.normalise, page.hrefs)) if key]
    declared = next(
        (node.get("href") for node in select(page.doc, "link[rel=canonical][href]")), None
    )
    fold_into = rules.fold_target(task.key, declared)
    if fold_into is not None:  # another record's page: its links matter, not its body
        return Outcome(
            task,
            "ok",
            discovered=tuple(discovered),
            status=raw.status,
            attempts=raw.attempts,
            body_bytes=len(raw.body),
            fold_into=fold_into,
        )
    blob = blobs.put(raw.body)
    kind = first_match(profile.kinds, task.key, page, raw.content_type)
    language = first_match(profile.languages, task.key, page, raw.content_type)
    fields = extract_fields(profile, kind, page)
    warnings = [warning(CHARSET, decoded.problem)] if decoded.problem else []
    warnings += page.warnings
    if warnings:
        fields[WARNINGS_FIELD] = warnings
    links = [key for key in dict.fromkeys(map(rules.normalise, page.content_hrefs)) if key]
    assets = tuple(link for link in links if is_attachment(profile, link))
    legacy = sorted({href.split("#")[0] for href in page.hrefs if rules.is_legacy(href)})
    if legacy:
        fields["legacy_links"] = legacy
    record = SourceRecord(
        source=profile.source,
        kind=kind,
        key=task.key,
        url=task.key,
        language=language,
        fetch=raw.fetch,
        fields=fields,
        links=tuple(links),
        assets=assets,
        body_blob=blob.sha256,
    )
    return Outcome(
        task,
        "ok",
        record=record,
        discovered=tuple(discovered),
        status=raw.status,
        attempts=raw.attempts,
        body_bytes=len(raw.body),
        encoded=(record.to_json(), record.record_hash),
    )


def guarded_page_outcome(profile: Profile, blobs: BlobStore, raw: RawPage) -> Outcome:
    """:func:`page_outcome`, with anything it raises turned into the page's failure."""
    try:
        return page_outcome(profile, blobs, raw)
    except Exception as exc:
        return parse_failure(raw, f"{type(exc).__name__}: {exc}")


def safe_file_name(name: str, fallback: str = "file") -> str:
    """A file name that is safe to write anywhere: no folders, no parent references, no
    control characters, no leading dots, at most 200 characters (the suffix kept)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable() and char not in '<>:"|?*')
    name = name.strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, suffix = name.rpartition(".")
        name = (
            (stem[: 200 - len(suffix) - 1] + dot + suffix)
            if dot and len(suffix) < 10
            else name[:200]
        )
    return name or fallback


def disposition_name(header: str) -> str | None:
    """The file name a ``Content-Disposition`` header gives (``filename*`` of RFC 6266
    first, then ``filename``), or None."""
    if not header:
        return None
    message = Message()
    message["Content-Disposition"] = header
    name = message.get_filename()
    return name.strip() or None if name else None


def sniff(head: bytes, file_name: str, declared: str) -> str:
    """The media type from the first bytes, the file name for zip-based office files."""
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            if media_type == "zip":
                suffix = file_name[file_name.rfind(".") :].lower() if "." in file_name else ""
                return _OFFICE.get(suffix, "application/zip")
            return media_type
    return declared.split(";")[0].strip() or "application/octet-stream"


class Archive:
    """A WARC file of every response (the archive copy of the old service), each under the
    site address it had (not the fetch base); thread-safe."""

    def __init__(self, out: BinaryIO) -> None:
        self._writer = WARCWriter(out, gzip=True)
        self._lock = threading.Lock()

    def write(self, url: str, result: FetchResult, payload: BinaryIO) -> None:
        headers = StatusAndHeaders(
            f"{result.status} -", list(result.headers.items()), protocol="HTTP/1.1"
        )
        with self._lock:
            record = self._writer.create_warc_record(
                url, "response", payload=payload, http_headers=headers
            )
            self._writer.write_record(record)


class Worker:
    def __init__(
        self,
        profile: Profile,
        client: HttpClient,
        blobs: BlobStore,
        fetch_base: str,
        archive: Archive | None = None,
        parser: Parser | None = None,
    ) -> None:
        self.profile = profile
        self.client = client
        self.blobs = blobs
        self.fetch_base = fetch_base
        self.archive = archive
        #: parses a page's answer; by default in the calling thread
        self.parser: Parser = parser or partial(guarded_page_outcome, profile, blobs)

    def is_attachment(self, key: str) -> bool:
        return is_attachment(self.profile, key)

    def run(self, task: Task) -> Outcome:
        url, headers = self.profile.urls.to_fetch(task.key, self.fetch_base)
        if task.etag:
            headers["If-None-Match"] = task.etag
        if task.last_modified:
            headers["If-Modified-Since"] = task.last_modified
        attachment = self.is_attachment(task.key)
        try:
            result = self.client.get(
                url,
                headers=headers,
                store=self.blobs if attachment else None,
                max_bytes=self.profile.max_attachment_bytes
                if attachment
                else self.profile.max_page_bytes,
            )
        except FetchFailed as exc:
            return Outcome(
                task, "failed", status=exc.status, reason=exc.reason, attempts=exc.attempts
            )
        verdict = result.verdict
        if self.archive is not None and verdict in (Verdict.REDIRECT, Verdict.GONE):
            self.archive.write(task.key, result, BytesIO(result.body))
        if verdict is Verdict.NOT_MODIFIED:
            return Outcome(task, "not_modified", status=304, attempts=result.attempts)
        if verdict is Verdict.REDIRECT:
            location = self.profile.urls.from_fetch(
                result.location or "", self.fetch_base, task.key
            )
            target = self.profile.urls.normalise(location)
            return Outcome(
                task,
                "redirect",
                target=target or location,
                status=result.status,
                reason="redirect" if target else "off-site redirect",
                attempts=result.attempts,
            )
        if verdict is Verdict.GONE:
            return Outcome(task, "gone", status=result.status, reason=result.classification.reason)
        if verdict is not Verdict.OK:
            return Outcome(
                task,
                "failed",
                status=result.status,
                reason=result.classification.reason,
                attempts=result.attempts,
            )
        if result.blob is not None:
            return self._attachment(task, url, result)
        return self._page(task, url, result)

    def _fetch_info(self, url: str, result: FetchResult, digest: str, size: int) -> FetchInfo:
        return FetchInfo(
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            status=result.status,
            url=url,
            content_type=result.headers.get("Content-Type", ""),
            content_hash=digest,
            size=size,
            etag=result.headers.get("ETag"),
            last_modified=result.headers.get("Last-Modified"),
        )

    def _attachment(self, task: Task, url: str, result: FetchResult) -> Outcome:
        assert result.blob is not None
        path = self.blobs.path(result.blob.sha256)
        with path.open("rb") as body:
            head = body.read(16)
            if self.archive is not None:
                body.seek(0)
                self.archive.write(task.key, result, body)
        parts = urlsplit(task.key).path.split("/")
        file_name = safe_file_name(
            disposition_name(result.headers.get("Content-Disposition", ""))
            # Liferay writes the name segment form-encoded: "+" is a space. (A real "+",
            # written %2B, is a "+" again after URL normalisation: the header is preferred.)
            or unquote_plus(parts[-2] if len(parts) > 2 else parts[-1])
        )
        found = self.profile.attachment_id.search(urlsplit(task.key).path)
        fields: dict[str, Any] = {
            "file_name": file_name,
            "document_id": found.group(1) if found and found.groups() else None,
            "media_type": sniff(head, file_name, result.headers.get("Content-Type", "")),
            "size": result.blob.size,
            "sha256": result.blob.sha256,
        }
        record = SourceRecord(
            source=self.profile.source,
            kind="attachment",
            key=task.key,
            url=task.key,
            fetch=self._fetch_info(url, result, result.blob.sha256, result.blob.size),
            fields=fields,
            body_blob=result.blob.sha256,
        )
        return Outcome(
            task,
            "ok",
            record=record,
            status=result.status,
            attempts=result.attempts,
            body_bytes=result.blob.size,
        )

    def _page(self, task: Task, url: str, result: FetchResult) -> Outcome:
        digest = hashlib.sha256(result.body).hexdigest()
        if self.archive is not None:
            self.archive.write(task.key, result, BytesIO(result.body))
        raw = RawPage(
            task,
            result.body,
            result.headers.get("Content-Type", ""),
            self._fetch_info(url, result, digest, len(result.body)),
            result.status,
            result.attempts,
        )
        return self.parser(raw)
