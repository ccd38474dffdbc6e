"""JSON and date formatting shared by every response the API gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """Liferay's date-time form: UTC, whole seconds, ``Z`` (``2025-03-03T07:00:00Z``)."""
    # isoformat is several times faster than strftime, and pages print thousands of dates.
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def dumps(value: object) -> str:
    """Compact JSON with sorted keys: Liferay's DTOs print their properties alphabetically."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def encode(value: object) -> bytes:
    return dumps(value).encode("utf-8")
