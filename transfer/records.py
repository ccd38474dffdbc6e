"""The source-record contract: what every extractor hands to the mappers.

A record is one page, attachment or platform entity, with its stable key, fetch metadata,
extracted fields, the links and assets it refers to, and a pointer (sha256) to its raw body
in the blob store. Records are frozen values; their JSON form (one per line) is the
human-readable export, and :attr:`SourceRecord.record_hash` is what the id map compares to
decide whether a record changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

#: Where an extractor lists what it noticed about a record (``[{code, detail}]``: a wrong
#: charset, control characters removed, content flattened): part of the record contract,
#: read by verification.
WARNINGS_FIELD = "_warnings"

#: The kinds of record the Partnership-platform export produces, one per collection: part of
#: the record contract, read by the personal-data policy, which classifies fields per kind.
PARTNERSHIP_KINDS = (
    "organization",
    "member",
    "workspace",
    "membership",
    "section",
    "thread",
    "post",
    "folder",
    "file",
)


@dataclass(frozen=True)
class FetchInfo:
    """How the record's body was obtained."""

    fetched_at: str  # ISO 8601, UTC
    status: int
    url: str  # the address actually fetched (after mapping to the fetch base)
    content_type: str = ""
    content_hash: str = ""  # sha256 of the raw body
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class SourceRecord:
    """One extracted thing, as every extractor emits it."""

    source: str  # "online_service" or "partnership"
    kind: str  # e.g. news, blog_post, event, attachment, organization, post
    key: str  # stable source key: normalised URL, or the platform's id
    url: str | None = None  # canonical public URL, where there is one
    language: str | None = None
    fetch: FetchInfo | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[str, ...] = ()  # normalised internal links, in page order, unique
    assets: tuple[str, ...] = ()  # keys of attachments and images it refers to
    body_blob: str | None = None  # sha256 of the raw body in the blob store

    @property
    def record_hash(self) -> str:
        """sha256 of what the record says (not of when or how it was fetched)."""
        payload = {
            "kind": self.kind,
            "key": self.key,
            "url": self.url,
            "language": self.language,
            "fields": self.fields,
            "links": self.links,
            "assets": self.assets,
            "content": self.fetch.content_hash if self.fetch else None,
        }
        canonical = json.dumps(
            payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["links"], data["assets"] = list(self.links), list(self.assets)
        data["fields"] = dict(self.fields)
        return data

    def to_json(self) -> str:
        # The same text as ``json.dumps(self.to_dict(), ...)`` without ``asdict``'s deep copy
        # of every field value first (most of the cost; ``to_dict`` then puts the original
        # fields back anyway): json reads the values as they are.
        if type(self) is not SourceRecord:  # a subclass's own fields and to_dict decide
            return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
        data = {
            "source": self.source,
            "kind": self.kind,
            "key": self.key,
            "url": self.url,
            "language": self.language,
            "fetch": None if self.fetch is None else asdict(self.fetch),
            "fields": dict(self.fields),
            "links": list(self.links),
            "assets": list(self.assets),
            "body_blob": self.body_blob,
        }
        return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SourceRecord:
        fetch = data.get("fetch")
        return cls(
            source=data["source"],
            kind=data["kind"],
            key=data["key"],
            url=data.get("url"),
            language=data.get("language"),
            fetch=FetchInfo(**fetch) if fetch else None,
            fields=dict(data.get("fields") or {}),
            links=tuple(data.get("links") or ()),
            assets=tuple(data.get("assets") or ()),
            body_blob=data.get("body_blob"),
        )

    @classmethod
    def from_json(cls, line: str) -> SourceRecord:
        return cls.from_dict(json.loads(line))


def write_jsonl(records: Iterable[SourceRecord], out: TextIO) -> int:
    """Write records one per line; return how many."""
    count = 0
    for record in records:
        out.write(record.to_json() + "\n")
        count += 1
    return count


def read_jsonl(path: Path) -> Iterator[SourceRecord]:
    """Stream records back from a JSON Lines file."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield SourceRecord.from_json(line)
