"""Dates as the source sites write them, turned into UTC.

The online service prints local time, day before month before year, in Finnish, Swedish
and English, numeric or with the month's name, with or without a time:
``4.9.2023 9.00``, ``10.3.2025 at 14.56``, ``20.12.2023 klo 9.33``, ``11.9.2024``,
``4. syyskuuta 2023``, ``den 4 september 2023 kl. 9.00``, ``Published 4 September 2023``,
``4 Sep 2023, 2.56 pm``. A time range (``8.5.2024 klo 15.45-17.45``, ``kl. 9–12``,
``8.5.2024 9.00 – 9.5.2024 16.00``) has a start and an end (:func:`parse_local_range`).
Local times are Europe/Helsinki (with its summer time) and are converted to UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")

#: Month names of the three languages (Finnish in the nominative; its partitive ``-ta``
#: form, ``syyskuuta``, is read too), and the usual English and Swedish abbreviations.
_MONTH_NAMES = (
    ("tammikuu", "januari", "january", "jan"),
    ("helmikuu", "februari", "february", "feb"),
    ("maaliskuu", "mars", "march", "mar"),
    ("huhtikuu", "april", "apr"),
    ("toukokuu", "maj", "may"),
    ("kesäkuu", "juni", "june", "jun"),
    ("heinäkuu", "juli", "july", "jul"),
    ("elokuu", "augusti", "august", "aug"),
    ("syyskuu", "september", "sep", "sept"),
    ("lokakuu", "oktober", "october", "oct", "okt"),
    ("marraskuu", "november", "nov"),
    ("joulukuu", "december", "dec"),
)
MONTHS: dict[str, int] = {
    form: number
    for number, names in enumerate(_MONTH_NAMES, start=1)
    for name in names
    for form in ((name, name + "ta") if name.endswith("kuu") else (name,))
}

_MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = (
    r"(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4})"
    rf"|(?P<nday>\d{{1,2}})\.?\s+(?P<name>{_MONTH_NAME})\.?\s+(?P<nyear>\d{{4}})"
)
_AMPM = r"(?:\s*[ap]\.?m\.?)?"
#: A clock time after a time word may be a bare hour (``klo 9``); without one it needs
#: its minutes (``9.00``), or the "2023 9" of a longer text would be a time.
_CLOCK = rf"\d{{1,2}}(?:[.:]\d{{2}})?{_AMPM}"
_STRICT_CLOCK = rf"\d{{1,2}}[.:]\d{{2}}{_AMPM}"
_TIME_WORD = r"(?:,|at|klo\.?|kl\.?|kello)"
_DATE_TIME = re.compile(
    rf"(?<![\w.])(?:{_DAY_MONTH_YEAR})(?!\w)"
    rf"(?:\s*(?:{_TIME_WORD}\s*(?P<w>{_CLOCK})|(?P<s>{_STRICT_CLOCK}))(?![\w.]\d))?",
    re.IGNORECASE,
)
_END = re.compile(
    r"\s*(?:-|–|—|−)\s*"
    + rf"(?:{_TIME_WORD}\s*)?(?:(?:{_DAY_MONTH_YEAR.replace('?P<', '?P<e')})"
    + rf"(?:\s*(?:{_TIME_WORD}\s*)?(?P<dclock>{_STRICT_CLOCK}))?"
    + rf"|(?P<clock>{_CLOCK}))(?![\w.]\d)",
    re.IGNORECASE,
)
_CLOCK_ONLY = re.compile(
    r"(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?$", re.IGNORECASE
)


def _day(match: re.Match[str], prefix: str = "") -> date:
    if match[f"{prefix}day"] is not None:
        return date(
            int(match[f"{prefix}year"]), int(match[f"{prefix}month"]), int(match[f"{prefix}day"])
        )
    month = MONTHS[match[f"{prefix}name"].lower()]
    return date(int(match[f"{prefix}nyear"]), month, int(match[f"{prefix}nday"]))


def _clock(text: str) -> time | None:
    found = _CLOCK_ONLY.match(text.strip())
    if found is None:
        return None
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    ampm = (found["ampm"] or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return time(hour, minute)


def _aware(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tz).astimezone(UTC)


def _start(text: str, tz: ZoneInfo) -> tuple[datetime | date, time | None, int] | None:
    """The first date (with its time) in ``text``, the local time, and where it ends."""
    for match in _DATE_TIME.finditer(text):
        try:
            day = _day(match)
            clock_text = match["w"] or match["s"]
            clock = _clock(clock_text) if clock_text else None
            if clock_text and clock is None:
                raise ValueError(clock_text)
        except ValueError:
            continue
        return (_aware(day, clock, tz) if clock else day), clock, match.end()
    return None


def parse_local(text: str, tz: ZoneInfo = HELSINKI) -> datetime | date | None:
    """The first local date in ``text`` (forms in the module docstring): an aware UTC
    datetime, or a date alone when no time is given.

    Returns None when ``text`` holds no such date or the date does not exist (31.2.).
    """
    found = _start(text, tz)
    return found[0] if found else None


def parse_local_range(
    text: str, tz: ZoneInfo = HELSINKI
) -> tuple[datetime | date | None, datetime | date | None]:
    """The start and the end of the first local time range in ``text``.

    The end is a time on the start's day (``8.5.2024 klo 15.45-17.45``), or a date with or
    without a time (``8.5.2024 9.00 – 9.5.2024 16.00``). Without a range the end is None.
    """
    found = _start(text, tz)
    if found is None:
        return None, None
    start, start_clock, position = found
    end_match = _END.match(text, position)
    if end_match is None:
        return start, None
    try:
        if end_match["clock"] is not None:
            clock = _clock(end_match["clock"])
            if clock is None or start_clock is None or not isinstance(start, datetime):
                return start, None
            start_day = start.astimezone(tz).date()
            return start, _aware(start_day, clock, tz)
        day = _day(end_match, "e")
        if end_match["dclock"]:
            clock = _clock(end_match["dclock"])
            return start, (_aware(day, clock, tz) if clock else None)
        return start, day
    except ValueError:
        return start, None


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
