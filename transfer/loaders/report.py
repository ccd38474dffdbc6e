"""``transfer status`` and ``transfer messages``: what the id map and the runs say."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError

from transfer.database import describe_failure
from transfer.errors import LoadError
from transfer.loaders import idmap
from transfer.loaders.decide import decide
from transfer.loaders.history import read_bookkeeping
from transfer.loaders.source import MappedSource
from transfer.schema.bookkeeping import id_map, messages, runs
from transfer.schema.versioning import check_current

STATUS_COLUMNS = (
    "total",
    "imported",
    "updated",
    "unchanged",
    "skipped",
    "failed",
    "pending",
    "removed",
    "messages",
)


@dataclass(frozen=True)
class MigrationStatus:
    """One migration (source system and kind).

    total: records in the mapped store; imported / updated: records whose rows the target
    holds, first written as new / rewritten since; unchanged: what the last load found
    unchanged; skipped: records the map stage skipped by a rule (as the id map holds them);
    failed: records that failed to map or load; pending: mapped records the next load would
    write (new or changed); removed: records unpublished or deleted; messages: per-record
    messages of every load run (what `transfer messages` lists).
    """

    source_system: str
    kind: str
    total: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    pending: int = 0
    removed: int = 0
    messages: int = 0


@dataclass(frozen=True)
class Status:
    migrations: tuple[MigrationStatus, ...]
    last_run: dict[str, Any] | None


def status(engine: Engine, mapped_store: Path) -> Status:
    """Per migration counts from the mapped store, the id map and the last load run."""
    counts: Counter[tuple[str, str, str]] = Counter()
    noted: Counter[tuple[str, str]] = Counter()
    try:
        check_current(engine)
        with engine.connect() as connection:
            for system, kind, state, n in connection.execute(
                select(
                    id_map.c.source_system, id_map.c.kind, id_map.c.status, func.count()
                ).group_by(id_map.c.source_system, id_map.c.kind, id_map.c.status)
            ):
                counts[(system, kind, state)] = int(n)
            for system, kind, n in connection.execute(
                select(messages.c.source_system, messages.c.kind, func.count()).group_by(
                    messages.c.source_system, messages.c.kind
                )
            ):
                noted[(system, kind)] = int(n)
            last = connection.execute(
                select(runs).where(runs.c.command == "load").order_by(runs.c.started_at.desc())
            ).first()
    except DBAPIError as exc:
        raise describe_failure(engine.url, exc) from None
    totals: dict[tuple[str, str], int] = {}
    pending: Counter[tuple[str, str]] = Counter()
    if mapped_store.is_file():
        with MappedSource(mapped_store) as source:
            totals = source.counts()
            pending = _pending(engine, source)
    last_run = None
    unchanged: Counter[tuple[str, str]] = Counter()
    if last is not None:
        stats = json.loads(last.stats or "{}")
        for item in stats.get("migrations", []):
            if item["action"] == "unchanged":
                unchanged[(item["source_system"], item["kind"])] = item["records"]
        last_run = {"run_id": last.run_id, "state": last.state, "started_at": str(last.started_at)}
    keys = sorted({*totals, *((s, k) for s, k, _ in counts), *noted})
    rows = tuple(
        MigrationStatus(
            source_system=system,
            kind=kind,
            total=totals.get((system, kind), 0),
            imported=counts[(system, kind, "imported")],
            updated=counts[(system, kind, "updated")],
            unchanged=unchanged[(system, kind)],
            skipped=counts[(system, kind, "skipped")],
            failed=counts[(system, kind, "failed")],
            pending=pending[(system, kind)],
            removed=counts[(system, kind, "unpublished")] + counts[(system, kind, "deleted")],
            messages=noted[(system, kind)],
        )
        for system, kind in keys
    )
    return Status(rows, last_run)


def _pending(engine: Engine, source: MappedSource) -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    for page in source.pages(1000):
        with engine.connect() as connection:
            known = idmap.lookup(connection, (entry.key for entry in page))
        for entry in page:
            if decide(entry, known.get(entry.key)).action in ("create", "update"):
                found[(entry.source_system, entry.kind)] += 1
    return found


@dataclass(frozen=True)
class Message:
    run_id: str
    source_system: str
    record_key: str
    kind: str
    level: str
    message: str
    created_at: str


FORMATS = ("table", "csv", "json")


def read_messages(
    engine: Engine,
    *,
    run_id: str | None = None,
    source_system: str | None = None,
    kind: str | None = None,
    level: str | None = None,
    key_contains: str | None = None,
    limit: int | None = None,
) -> list[Message]:
    """Per-record messages, newest run first, filtered by whatever is given."""
    query = select(messages)
    for column, value in (
        (messages.c.run_id, run_id),
        (messages.c.source_system, source_system),
        (messages.c.kind, kind),
        (messages.c.level, level),
    ):
        if value is not None:
            query = query.where(column == value)
    if key_contains:
        query = query.where(messages.c.record_key.contains(key_contains, autoescape=True))
    query = query.order_by(messages.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    rows = read_bookkeeping(engine, query)
    return [
        Message(
            r.run_id,
            r.source_system,
            r.record_key,
            r.kind,
            r.level,
            r.message,
            r.created_at.isoformat(),
        )
        for r in rows
    ]


def render_messages(found: Sequence[Message], fmt: str) -> str:
    """Messages as CSV or JSON text (the table format is the CLI's)."""
    if fmt == "json":
        return json.dumps([asdict(m) for m in found], indent=2, ensure_ascii=False)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(Message.__dataclass_fields__)
        for message in found:
            writer.writerow(asdict(message).values())
        return out.getvalue()
    raise LoadError(f"unknown format {fmt!r}", next_step=f"use one of {', '.join(FORMATS)}")
