"""Records, fakes and a one-step runner shared by the mapper tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from transfer.mappers.context import Context, MapContext
from transfer.mappers.validate import build_step
from transfer.records import FetchInfo, SourceRecord


def record(**fields: Any) -> SourceRecord:
    """A news record of the online service with ``fields``."""
    return SourceRecord(
        source="online_service",
        kind="news",
        key="https://kotoutuminen.fi/-/uusi-laki",
        url="https://kotoutuminen.fi/-/uusi-laki",
        language="fi",
        fetch=FetchInfo(
            fetched_at="2025-03-01T10:00:00+00:00",
            status=200,
            url="http://127.0.0.1:8000/-/uusi-laki",
            content_type="text/html; charset=utf-8",
            content_hash="ab" * 32,
            size=1234,
        ),
        fields=fields,
        links=("https://kotoutuminen.fi/tietoa",),
    )


def run(name: str, config: object, value: Any, context: Context | None = None) -> Any:
    """Apply one processor, configured and checked as a mapping file would be."""
    step = build_step(name, config)
    return step(value, context or Context(record(), {}, MapContext(), "test/news.x", "col"))


@dataclass
class FakeIdMap:
    """An in-memory :class:`ReferenceResolver`."""

    ids: dict[tuple[str, str], int] = field(default_factory=dict)
    next_id: int = 1000

    def resolve(self, migration: str, source_key: str) -> int | None:
        return self.ids.get((migration, source_key))

    def stub(self, migration: str, source_key: str) -> int:
        if (migration, source_key) not in self.ids:
            self.ids[(migration, source_key)] = self.next_id
            self.next_id += 1
        return self.ids[(migration, source_key)]


PLAN = {
    "https://kotoutuminen.fi/tietoa": "/fi/tietoa",
    "https://kotoutuminen.fi/-/uusi-laki": "/fi/uutiset/uusi-laki",
}


def fake_links(url: str) -> str | None:
    """A URL plan: known internal pages get new paths, external links stay."""
    if url.startswith("https://kotoutuminen.fi"):
        return PLAN.get(url)
    return url


@dataclass
class FakePlan:
    """A :class:`PlanValues` that answers with ``<name>:<record key>``."""

    def value(self, name: str, context: Context) -> object:
        if name.endswith("_id"):
            return 7
        return f"/{name}/{context.record.key.rsplit('/', 1)[-1]}"
