"""Europe/Helsinki local time and the date stamp formats of the three languages.

The EU daylight-saving rule is computed here instead of read from a zone database, so the
replica needs no tzdata and gives the same bytes on every machine.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache

EET = timezone(timedelta(hours=2), "EET")
EEST = timezone(timedelta(hours=3), "EEST")


@lru_cache(maxsize=256)
def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@lru_cache(maxsize=256)
def _summer(year: int) -> tuple[datetime, datetime]:
    """Summer time runs from 01:00 UTC on the last Sunday of March to that of October."""
    start = datetime.combine(_last_sunday(year, 3), datetime.min.time(), UTC)
    end = datetime.combine(_last_sunday(year, 10), datetime.min.time(), UTC)
    return start + timedelta(hours=1), end + timedelta(hours=1)


def _is_summer(moment: datetime) -> bool:
    utc = moment.astimezone(UTC)
    start, end = _summer(utc.year)
    return start <= utc < end


def helsinki(moment: datetime) -> datetime:
    """The same instant expressed in Helsinki local time (fixed-offset tzinfo)."""
    return moment.astimezone(EEST if _is_summer(moment) else EET)


def local_time(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """The aware instant of a Helsinki wall-clock time (daytime hours; never ambiguous)."""
    guess = datetime(year, month, day, hour, minute, tzinfo=EET)
    if _is_summer(guess):
        guess = datetime(year, month, day, hour, minute, tzinfo=EEST)
    return guess


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the Helsinki offset, as the truth reports times; ``None`` stays ``None``."""
    return None if moment is None else helsinki(moment).isoformat()


def stamp_date(moment: datetime) -> str:
    """``4.9.2023``: the day-month-year form all three languages use on the site."""
    local = helsinki(moment)
    return f"{local.day}.{local.month}.{local.year}"


#: Month names as the three languages write them in a date (Finnish in the partitive).
MONTH_NAMES = {
    "fi": [
        "tammikuuta",
        "helmikuuta",
        "maaliskuuta",
        "huhtikuuta",
        "toukokuuta",
        "kesäkuuta",
        "heinäkuuta",
        "elokuuta",
        "syyskuuta",
        "lokakuuta",
        "marraskuuta",
        "joulukuuta",
    ],
    "sv": [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


def stamp_named_date(moment: datetime, lang: str) -> str:
    """``4. syyskuuta 2023``, ``4 september 2023``, ``4 September 2023``."""
    local = helsinki(moment)
    dot = "." if lang == "fi" else ""
    return f"{local.day}{dot} {MONTH_NAMES[lang][local.month - 1]} {local.year}"


def stamp_time(moment: datetime) -> str:
    """``9.00``: Finnish-style clock time with a dot."""
    local = helsinki(moment)
    return f"{local.hour}.{local.minute:02d}"


def stamp(moment: datetime) -> str:
    """``4.9.2023 9.00``."""
    return f"{stamp_date(moment)} {stamp_time(moment)}"


def utc_ms(moment: datetime) -> int:
    """Milliseconds since the Unix epoch (the ``t`` of document URLs)."""
    return int(moment.timestamp() * 1000)


def random_moment(rand: random.Random, first: date, last: date) -> datetime:
    """A working-hours Helsinki moment on a day between ``first`` and ``last`` inclusive."""
    day = first + timedelta(days=rand.randrange((last - first).days + 1))
    return local_time(day.year, day.month, day.day, rand.randrange(8, 16), rand.randrange(60))
