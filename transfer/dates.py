"""Dates as the source sites write them, turned into UTC.

The online service prints local Finnish time in forms such as ``4.9.2023 9.00``,
``5.3.2025 9.28``, ``10.3.2025 at 14.56``, ``20.12.2023 klo 9.33`` or a bare ``11.9.2024``.
Local times are Europe/Helsinki (with its summer time) and are converted to UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")

_LOCAL = re.compile(
    r"(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4})"
    r"(?:\s*(?:,|at|klo\.?|kl\.?|kello)?\s*(?P<hour>\d{1,2})[.:](?P<minute>\d{2}))?",
    re.IGNORECASE,
)


def parse_local(text: str, tz: ZoneInfo = HELSINKI) -> datetime | date | None:
    """The first ``d.m.yyyy[ time]`` in ``text``: an aware UTC datetime, or a date alone.

    Returns None when ``text`` holds no such date or the date does not exist (31.2.).
    """
    match = _LOCAL.search(text)
    if match is None:
        return None
    try:
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
        if match["hour"] is None:
            return day
        local = datetime.combine(day, time(int(match["hour"]), int(match["minute"])), tz)
    except ValueError:
        return None
    return local.astimezone(UTC)


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601 text of a parsed value (UTC datetimes end in +00:00)."""
    return value.isoformat() if value is not None else None


def parse_iso(text: str) -> datetime | date | None:
    """Parse ISO 8601 (``2025-03-03``, ``2025-03-03T07:00:00Z``, with offsets)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=HELSINKI).astimezone(UTC)
