"""Attachments in the media store and personal data in a non-production target."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, select

from transfer.privacy.policy import MASK
from transfer.schema.assets import Asset
from transfer.schema.platform import Member
from transfer.stores.staging import StagingStore
from transfer.verification.collect import CheckCollector

CHUNK = 1024 * 1024
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d ()-]{6,}\d")


def _sha256(path: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:  # noqa: PTH123 (a str path: see check_attachments)
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_attachments(connection: Connection, check: CheckCollector, media_dir: Path) -> None:
    """Every asset row has its file in the media store, with the same sha256 and size."""
    table = Asset.__table__
    query = select(
        table.c.source_system,
        table.c.source_key,
        table.c.sha256,
        table.c.size_bytes,
        table.c.storage_path,
    )
    result = connection.execution_options(stream_results=True, yield_per=1000).execute(query)
    # Plain strings, not a Path per asset: pathlib interns every path part, and the
    # interpreter's table of interned strings grows with the number of assets.
    media = str(media_dir)
    for system, key, sha256, size, storage_path in result:
        check.count("assets")
        path = os.path.join(media, storage_path)  # noqa: PTH118
        where = f"{system}:{key}"
        if not os.path.isfile(path):  # noqa: PTH113
            check.problem("asset_missing", where, "the file is not in the media store", path=path)
            continue
        actual, actual_size = _sha256(path)
        if actual != sha256 or actual_size != size:
            check.problem(
                "asset_corrupt",
                where,
                "the stored file differs from the asset row",
                path=path,
                expected_sha256=sha256,
                actual_sha256=actual,
                expected_size=size,
                actual_size=actual_size,
            )
        else:
            check.count("verified")


#: ``_download`` statuses of exported files the source itself cannot give (the export's
#: source defects: an empty file, no permission, missing on the platform).
SOURCE_DEFECTS = ("empty", "unavailable")


def list_source_defects(system: str, staging: StagingStore, check: CheckCollector) -> None:
    """Warn about every staged file the source itself could not give: reported, never a
    reason for NO-GO (running the export again cannot help)."""
    for record in staging.records(kinds=["file"]):
        download = record.fields.get("_download")
        if isinstance(download, dict) and download.get("status") in SOURCE_DEFECTS:
            check.problem(
                "source_defect",
                f"{system}:{record.key}",
                f"the source cannot give this file: {download.get('reason') or download['status']}",
                warning=True,
                status=download["status"],
                http_status=download.get("httpStatus"),
            )


def _unmasked(value: object) -> str | None:
    """Which kind of personal data ``value`` plainly shows (e-mail, phone), if any."""
    if not isinstance(value, str) or not value or value == MASK:
        return None
    if EMAIL.search(value):
        return "email"
    if PHONE.search(value):
        return "phone"
    return None


def shape_of_personal(value: Any) -> Any:
    """``value`` with e-mail addresses and phone numbers replaced by their kind: a report
    must not spread the personal data it finds."""
    if not isinstance(value, str):
        return value
    return EMAIL.sub("<e-mail>", PHONE.sub("<phone>", value))


def check_personal_data(connection: Connection, check: CheckCollector, environment: str) -> None:
    """In a non-production target, no member row shows a plain e-mail address or phone
    number (the policy masks them: mappings/partnership/personal_data.yml)."""
    if environment == "production":
        check.count("skipped_production")
        return
    # Members are what the policy classifies (mappings/partnership/personal_data.yml);
    # the contact people of public pages are published on the site itself and kept.
    members: Table = Member.__table__  # type: ignore[assignment]
    sources: tuple[tuple[Table, tuple[str, ...]], ...] = (
        (members, ("email", "given_name", "family_name", "display_name")),
    )
    for table, columns in sources:
        query = select(table.c.source_key, *(table.c[name] for name in columns))
        result = connection.execution_options(stream_results=True, yield_per=1000).execute(query)
        for key, *values in result:
            check.count(f"{table.name}_rows")
            for column, value in zip(columns, values, strict=True):
                kind = _unmasked(value)
                if kind is None:
                    continue
                check.problem(
                    f"unmasked_{kind}",
                    f"{table.name}:{key}",
                    f"{table.name}.{column} holds a plain {kind} in a {environment} target",
                    table=table.name,
                    column=column,
                    value=shape_of_personal(value),
                )
