"""A small loaded migration built for verification tests and the memory benchmark.

Test-only. It writes what the real stages would leave behind: a staging store of the
online service (pages in translation groups, attachments, legacy-host aliases, a 404), a
mapped store (MappedRecords with Refs), a media store with the files, and a target loaded
from the mapped rows by provenance (Refs resolved through (source_system, source_key)).
Problems are planted afterwards with direct writes, as a faulty loader would leave them.
``load_target`` loads the target with the real loader (transfer.loaders).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from transfer.loaders.options import LoadOptions
from transfer.loaders.run import LoadResult
from transfer.loaders.run import load_target as run_load
from transfer.mappers.inventory import Inventory
from transfer.records import FetchInfo, SourceRecord
from transfer.schema.versioning import upgrade
from transfer.stores.blobs import BlobStore
from transfer.stores.mapped import MappedRecord, MappedRow, MappedStore, Ref
from transfer.stores.staging import StagingStore

OS, PS = "online_service", "partnership"
SITE = "https://kotoutuminen.fi"
LEGACY = "https://kotouttaminen.fi"
BROKEN_IN_SOURCE = "/vanha-sivu-jota-ei-ole"
WHEN = datetime(2024, 11, 5, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    root: Path
    staging_dir: Path
    mapped_store: Path
    media_dir: Path
    groups: int


def _fetch(url: str, digest: str = "", size: int = 0) -> FetchInfo:
    return FetchInfo("2025-03-01T08:00:00+00:00", 200, url, "text/html", digest, size)


def _group(n: int, groups: int) -> Iterator[tuple[SourceRecord, MappedRecord]]:
    """One translation group: a Finnish and an English news page and one attachment."""
    fi_key, en_key = f"{SITE}/-/uutinen-{n}", f"{SITE}/en/-/news-{n}"
    doc_key = f"{SITE}/documents/10/20/raportti-{n}.pdf/uuid-{n}"
    data = f"%PDF-1.4 report {n}\n".encode() * 8
    digest = hashlib.sha256(data).hexdigest()
    storage = f"{digest[:2]}/{digest[2:4]}/{digest}"
    translations = [{"hreflang": "fi", "url": fi_key}, {"hreflang": "en", "url": en_key}]
    item = Ref("content_items", OS, fi_key)
    asset = Ref("assets", OS, doc_key)
    yield (
        SourceRecord(OS, "attachment", doc_key, doc_key, None, _fetch(doc_key, digest, len(data))),
        MappedRecord(
            OS,
            doc_key,
            "attachment",
            "mapped",
            (
                MappedRow(
                    "assets",
                    {
                        "source_system": OS,
                        "source_key": doc_key,
                        "sha256": digest,
                        "size_bytes": len(data),
                        "media_type": "application/pdf",
                        "file_name": f"raportti-{n}.pdf",
                        "title": f"Raportti {n}",
                        "storage_path": storage,
                        "source_url": doc_key,
                        "new_path": f"/tiedostot/raportti-{n}.pdf",
                    },
                ),
                MappedRow(
                    "redirects",
                    {
                        "source_system": OS,
                        "source_key": doc_key,
                        "old_host": "kotoutuminen.fi",
                        "old_path": doc_key.removeprefix(SITE),
                        "new_path": f"/tiedostot/raportti-{n}.pdf",
                        "status_code": 301,
                        "reason": "attachment",
                        "translation_id": None,
                        "asset_id": asset,
                    },
                ),
            ),
        ),
    )
    for language, key, path in (
        ("fi", fi_key, f"/fi/uutiset/uutinen-{n}"),
        ("en", en_key, f"/en/news/news-{n}"),
    ):
        neighbour = f"/fi/uutiset/uutinen-{(n + 1) % groups}" if language == "fi" else path
        body = (
            f"<p>Kotoutumisen uutinen {n}. <a href='{neighbour}'>Seuraava</a>, "
            f"<a href='/tiedostot/raportti-{n}.pdf'>raportti</a>, "
            f"<a href='https://www.example.org/tietoa'>ulkoinen</a>, "
            f"<a href='mailto:info@example.org'>posti</a>.</p>"
        )
        if n == 0 and language == "fi":
            # The same gone page, once with a newsletter's tracking parameters.
            body += (
                f"<p><a href='{BROKEN_IN_SOURCE}'>vanha</a>, "
                f"<a href='{BROKEN_IN_SOURCE}?utm_source=uutiskirje&amp;utm_medium=email'>"
                "vanha uutiskirjeestä</a></p>"
            )
        rows = []
        if language == "fi":
            rows.append(
                MappedRow(
                    "content_items",
                    {
                        "source_system": OS,
                        "source_key": fi_key,
                        "kind_id": Ref("content_kinds", "keha", "news"),
                        "state": "published",
                    },
                )
            )
        rows += [
            MappedRow(
                "content_translations",
                {
                    "source_system": OS,
                    "source_key": key,
                    "item_id": item,
                    "language": language,
                    "title": f"Uutinen {n} ({language})",
                    "lead": "Lyhyesti.",
                    "body_html": body,
                    "body_text": f"Kotoutumisen uutinen {n}.",
                    "new_path": path,
                    "old_url": key,
                    "published_at": WHEN + timedelta(days=n),
                    "is_frozen": False,
                },
            ),
            MappedRow(
                "translation_assets",
                {
                    "source_system": OS,
                    "source_key": key,
                    "translation_id": Ref("content_translations", OS, key),
                    "asset_id": asset,
                    "role": "attachment",
                    "position": 0,
                    "caption": f"Raportti {n}",
                },
            ),
        ]
        old_paths = [("kotoutuminen.fi", key.removeprefix(SITE), "moved")]
        old_paths.append(("kotouttaminen.fi", key.removeprefix(SITE), "legacy_host"))
        if n == 0 and language == "fi":
            old_paths.append(("kotoutuminen.fi", "/haku", "retired"))
        for host, old_path, reason in old_paths:
            rows.append(
                MappedRow(
                    "redirects",
                    {
                        "source_system": OS,
                        "source_key": key,
                        "old_host": host,
                        "old_path": old_path,
                        "new_path": path,
                        "status_code": 301,
                        "reason": reason,
                        "translation_id": Ref("content_translations", OS, key),
                        "asset_id": None,
                    },
                )
            )
        record = SourceRecord(
            OS,
            "news",
            key,
            key,
            language,
            _fetch(key),
            {"title": f"Uutinen {n}", "translations": translations},
            links=(f"{SITE}{BROKEN_IN_SOURCE}",) if n == 0 else (),
        )
        yield record, MappedRecord(OS, key, "news", "mapped", tuple(rows), source_hash="h")


def _member(n: int) -> MappedRecord:
    key = str(40000 + n)
    return MappedRecord(
        PS,
        key,
        "member",
        "mapped",
        (
            MappedRow(
                "members",
                {
                    "source_system": PS,
                    "source_key": key,
                    "display_name": "[masked]",
                    "email": "[masked]",
                    "status": "active",
                    "is_masked": True,
                },
            ),
        ),
        source_hash=f"m{n}",
    )


def build_world(root: Path, groups: int = 6, members: int = 5) -> World:
    """Write staging, mapped and media stores for ``groups`` translation groups."""
    staging_dir, media_dir = root / "staging", root / "media"
    staging = StagingStore(staging_dir / "online_service.sqlite")
    mapped = MappedStore(root / "mapped" / "mapped.sqlite")
    pass_id, _ = staging.begin_pass("build")
    map_pass, _ = mapped.begin_pass("build")
    inventory = Inventory()  # as the map stage keeps it: every staged field read
    with staging.transaction(), mapped.transaction():
        for n in range(groups):
            for record, outcome in _group(n, groups):
                staging.save(record, pass_id)
                inventory.add(record)
                mapped.put(outcome, map_pass)
                if record.kind == "attachment":
                    # Into the extractors' blob store; the loader copies it to the media store.
                    BlobStore(root / "blobs").put(f"%PDF-1.4 report {n}\n".encode() * 8)
                else:
                    legacy = record.key.replace(SITE, LEGACY)
                    staging.add_alias(legacy, record.key, "redirect", pass_id, 301)
        staging.add_failure(f"{SITE}{BROKEN_IN_SOURCE}", "404 Not Found", pass_id, status=404)
        skipped = f"{SITE}/haku"
        staging.save(SourceRecord(OS, "listing", skipped, skipped, "fi", _fetch(skipped)), pass_id)
        mapped.put(
            MappedRecord(OS, skipped, "listing", "skipped", reason="rule: listings"), map_pass
        )
        for n in range(members):
            mapped.put(_member(n), map_pass)
    mapped.save_coverage(
        map_pass,
        {"inventory": inventory.as_dict(), "undeclared": [], "unmatched": [], "dropped": []},
    )
    staging.end_pass(pass_id, "complete")
    mapped.end_pass(map_pass, complete=True)
    staging.close()
    mapped.close()
    return World(root, staging_dir, root / "mapped" / "mapped.sqlite", media_dir, groups)


def load_target(engine: Engine, world: World) -> LoadResult:
    """Create the KEHA schema and load the world's mapped store with the real loader
    (transfer.loaders): rows by provenance, Refs resolved, files into the media store."""
    upgrade(engine)
    options = LoadOptions(
        mapped_store=world.mapped_store, blob_dir=world.root / "blobs", media_dir=world.media_dir
    )
    artefacts = world.root / "load-run"
    artefacts.mkdir(exist_ok=True)
    result = run_load(engine, options, "20250101T000000Z-load-test", artefacts)
    assert not result.stats.failures, result.stats.failures
    return result
