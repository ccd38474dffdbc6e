"""Mapped records for load tests and the load benchmark, shaped like the map stage's.

Deterministic for a (scale, epoch): scale 1 is about the sandbox's real size (1,600
content items with 3,155 translations, 830 attachments, 600 organisations, 2,500 members,
300 workspaces, 6,000 posts, 1,500 files). A later epoch edits, adds and removes records,
as a week of editorial change would. Blobs for the assets go to a blob store.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from transfer.stores.blobs import BlobStore
from transfer.stores.mapped import MappedRecord, MappedRow, MappedStore, Ref

OS = "online_service"
PP = "partnership"
BASE = "https://kotoutuminen.fi"
EPOCH0 = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
LANGS = ("fi", "sv", "en", "fi-x-selko")
KINDS = ("page", "news", "blog_post", "event", "faq")
WORDS = [
    "kotoutuminen",
    "palvelu",
    "kunta",
    "kieli",
    "työ",
    "koulutus",
    "perhe",
    "neuvonta",
    "tieto",
    "ohje",
]


@dataclass(frozen=True)
class Sizes:
    items: int
    assets: int
    organisations: int
    members: int
    workspaces: int
    threads: int
    posts: int
    files: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(base: int) -> int:
            return max(2, round(base * scale))

        return cls(n(1600), n(830), n(600), n(2500), n(300), n(1000), n(6000), n(1500))


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _blob(label: str) -> bytes:
    return f"bytes of {label}\n".encode() * 8


def _rec(system: str, key: str, kind: str, rows: list[MappedRow]) -> MappedRecord:
    return MappedRecord(system, key, kind, "mapped", tuple(rows), mapping=f"{kind}.yml")


def _asset(i: int, epoch: int, system: str = OS) -> MappedRecord:
    key = f"{BASE}/documents/{i}/file-{i}.pdf" if system == OS else f"file:{i}"
    label = f"{system}-{i}-{epoch if i % 7 == 0 else 0}"
    values = {
        "source_system": system,
        "source_key": key,
        "sha256": hashlib.sha256(_blob(label)).hexdigest(),
        "size_bytes": len(_blob(label)),
        "media_type": "application/pdf",
        "file_name": f"file-{i}.pdf",
        "title": f"Liite {i}",
        "source_url": key if system == OS else f"https://kumppanuusalusta.example/d/{i}",
        "new_path": f"/media/{system}/{i}/file-{i}.pdf" if system == OS else None,
    }
    return _rec(
        system, key, "attachment" if system == OS else "file", [MappedRow("assets", values)]
    )


def blob_labels(sizes: Sizes, epoch: int) -> list[str]:
    labels = [f"{OS}-{i}-{epoch if i % 7 == 0 else 0}" for i in range(sizes.assets)]
    labels += [f"{PP}-{i}-{epoch if i % 7 == 0 else 0}" for i in range(sizes.files)]
    return labels


def _item(i: int, epoch: int, sizes: Sizes) -> MappedRecord:
    rng = random.Random(i * 7919 + (epoch if i % 10 == 0 else 0))
    kind = KINDS[i % len(KINDS)]
    key = f"{BASE}/fi/{kind}/{i}"
    rows = [
        MappedRow(
            "content_items",
            {"source_system": OS, "source_key": key, "kind_id": Ref("content_kinds", "keha", kind)},
        )
    ]
    languages = LANGS[: 1 + (i % 3) + (1 if i % 11 == 0 else 0)]
    published = EPOCH0 - timedelta(days=i % 900, minutes=i)
    for language in languages:
        tkey = key if language == "fi" else f"{BASE}/{language}/{kind}/{i}"
        rows.append(
            MappedRow(
                "content_translations",
                {
                    "source_system": OS,
                    "source_key": tkey,
                    "item_id": Ref("content_items", OS, key),
                    "language": language,
                    "title": f"{kind} {i} ({language}) {_text(rng, 3)}",
                    "lead": _text(rng, 12),
                    "body_html": "<p>" + _text(rng, 120) + "</p>",
                    "body_text": _text(rng, 120),
                    "new_path": f"/{language}/{kind}/{i}",
                    "old_url": tkey,
                    "published_at": published,
                    "updated_at": published + timedelta(days=3),
                    "is_frozen": i % 13 == 0,
                    "author": "Toimitus" if kind == "blog_post" else None,
                },
            )
        )
        if kind == "faq":
            for position in range(1, 4):
                rows.append(
                    MappedRow(
                        "faq_entries",
                        {
                            "source_system": OS,
                            "source_key": tkey,
                            "translation_id": Ref("content_translations", OS, tkey),
                            "position": position,
                            "question": _text(rng, 6) + "?",
                            "answer_html": "<p>" + _text(rng, 30) + "</p>",
                        },
                    )
                )
        if i % 3 == 0:
            asset = (i * 31) % sizes.assets
            rows.append(
                MappedRow(
                    "translation_assets",
                    {
                        "source_system": OS,
                        "source_key": tkey,
                        "translation_id": Ref("content_translations", OS, tkey),
                        "asset_id": Ref("assets", OS, f"{BASE}/documents/{asset}/file-{asset}.pdf"),
                        "role": "attachment",
                        "position": 0,
                        "caption": f"Liite {asset}",
                    },
                )
            )
        rows.append(
            MappedRow(
                "redirects",
                {
                    "source_system": OS,
                    "source_key": tkey,
                    "old_host": "kotoutuminen.fi",
                    "old_path": tkey.removeprefix(BASE),
                    "new_path": f"/{language}/{kind}/{i}",
                    "reason": "moved",
                    "translation_id": Ref("content_translations", OS, tkey),
                },
            )
        )
    if kind == "event":
        rows.append(
            MappedRow(
                "event_details",
                {
                    "source_system": OS,
                    "source_key": key,
                    "item_id": Ref("content_items", OS, key),
                    "starts_at": published + timedelta(days=30),
                    "ends_at": published + timedelta(days=30, hours=2),
                    "place": "Helsinki",
                    "online_url": "https://teams.example/meet",
                },
            )
        )
    return _rec(OS, key, kind, rows)


def _platform(sizes: Sizes, epoch: int) -> list[MappedRecord]:
    records = []
    for i in range(sizes.organisations):
        values = {
            "source_system": PP,
            "source_key": f"org:{i}",
            "name": f"Järjestö {i}" + (f" (päivitetty {epoch})" if i % 9 == 0 and epoch else ""),
            "business_id": f"{1000000 + i}-{i % 10}",
            "is_partner": i % 4 == 0,
            "created_at": EPOCH0 - timedelta(days=i),
        }
        if i % 5 == 4:  # a parent without a parent (no cycles); some sort after the child
            parent = (i + 1) % sizes.organisations
            values["parent_id"] = Ref("organisations", PP, f"org:{parent}")
        records.append(_rec(PP, f"org:{i}", "organisation", [MappedRow("organisations", values)]))
    for i in range(sizes.members):
        values = {
            "source_system": PP,
            "source_key": f"member:{i}",
            "display_name": f"Jäsen {i}",
            "email": f"member{i}@example.invalid",
            "organisation_id": Ref("organisations", PP, f"org:{i % sizes.organisations}"),
            "status": "inactive" if i % 17 == 0 else "active",
            "is_masked": True,
            "joined_at": EPOCH0 - timedelta(hours=i),
        }
        records.append(_rec(PP, f"member:{i}", "member", [MappedRow("members", values)]))
    for i in range(sizes.workspaces):
        values = {"source_system": PP, "source_key": f"site:{i}", "name": f"Työtila {i}"}
        rows = [MappedRow("workspaces", values)]
        records.append(_rec(PP, f"site:{i}", "workspace", rows))
    for i in range(sizes.members):
        workspace = i % sizes.workspaces
        values = {
            "source_system": PP,
            "source_key": f"membership:{i}",
            "member_id": Ref("members", PP, f"member:{i}"),
            "workspace_id": Ref("workspaces", PP, f"site:{workspace}"),
            "role": "member",
        }
        records.append(
            _rec(PP, f"membership:{i}", "membership", [MappedRow("memberships", values)])
        )
    for i in range(sizes.threads):
        values = {
            "source_system": PP,
            "source_key": f"thread:{i}",
            "workspace_id": Ref("workspaces", PP, f"site:{i % sizes.workspaces}"),
            "title": f"Keskustelu {i}",
            "author_member_id": Ref("members", PP, f"member:{(i * 13) % sizes.members}"),
            "created_at": EPOCH0 - timedelta(hours=i * 3),
        }
        records.append(_rec(PP, f"thread:{i}", "thread", [MappedRow("discussion_threads", values)]))
    for i in range(sizes.posts):
        values = {
            "source_system": PP,
            "source_key": f"post:{i}",
            "thread_id": Ref("discussion_threads", PP, f"thread:{i % sizes.threads}"),
            "author_member_id": Ref("members", PP, f"member:{(i * 7) % sizes.members}"),
            "body_html": f"<p>Viesti {i}</p>",
            "created_at": EPOCH0 - timedelta(minutes=i),
        }
        if i >= sizes.threads:
            values["parent_post_id"] = Ref("discussion_posts", PP, f"post:{i - sizes.threads}")
        records.append(_rec(PP, f"post:{i}", "post", [MappedRow("discussion_posts", values)]))
    for i in range(sizes.files):
        asset = _asset(i, epoch, PP)
        values = {
            "source_system": PP,
            "source_key": f"file:{i}",
            "workspace_id": Ref("workspaces", PP, f"site:{i % sizes.workspaces}"),
            "title": f"Tiedosto {i}",
            "asset_id": Ref("assets", PP, f"file:{i}"),
        }
        rows = (*asset.rows, MappedRow("workspace_files", values))
        records.append(_rec(PP, f"file:{i}", "file", list(rows)))
    return records


def build(scale: float, epoch: int = 0) -> list[MappedRecord]:
    """Every mapped record at ``scale`` and ``epoch`` (epoch > 0: some edited, some new,
    some gone, one skipped by a rule and one failed at the map stage)."""
    sizes = Sizes.at(scale)
    records = [_asset(i, epoch) for i in range(sizes.assets)]
    for i in range(sizes.items + (epoch * 3)):
        if epoch and i % 97 == 5:  # gone from the source
            continue
        records.append(_item(i, epoch, sizes))
    records += _platform(sizes, epoch)
    if epoch:
        records.append(
            MappedRecord(OS, f"{BASE}/fi/page/skipped", "page", "skipped", reason="rule: frozen")
        )
        records.append(
            MappedRecord(OS, f"{BASE}/fi/page/broken", "page", "failed", reason="no title")
        )
    return records


def write_workspace(workspace: Path, scale: float, epoch: int = 0) -> list[MappedRecord]:
    """Write the records of (scale, epoch) as one complete map pass, and their blobs."""
    records = build(scale, epoch)
    blobs = BlobStore(workspace / "blobs")
    for label in blob_labels(Sizes.at(scale), epoch):
        blobs.put(_blob(label))
    write_store(workspace, records)
    return records


def write_store(workspace: Path, records: list[MappedRecord]) -> None:
    with MappedStore(workspace / "mapped" / "mapped.sqlite") as store:
        pass_id, _ = store.begin_pass("test-map")
        with store.transaction():
            for record in records:
                store.put(record, pass_id)
        store.end_pass(pass_id, complete=True)
