"""The report's languages: gettext catalogues, and numbers and dates per locale (Babel).

The catalogues are ``locale/<language>.po`` beside this module, read with Babel and
compiled in memory when first used, so no compiled ``.mo`` file is kept in the repository.
English is the source language (the message ids); Finnish and Swedish translate it.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

#: The languages of the service and of its owners; "all" writes every one.
LANGUAGES = ("fi", "sv", "en")
ALL = "all"
#: Dates in the report are shown in the service's own time zone.
HELSINKI = ZoneInfo("Europe/Helsinki")


def parse_languages(value: str) -> tuple[str, ...]:
    """``fi``, ``sv``, ``en`` or ``all`` (every language, English first as report.html);
    raises ValueError for anything else."""
    choice = value.strip().lower()
    if choice == ALL:
        return ("en", "fi", "sv")
    if choice in LANGUAGES:
        return (choice,)
    raise ValueError(f"unknown report language {value!r}: use {', '.join(LANGUAGES)} or {ALL}")


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The message catalogue of ``language``; English needs none."""
    if language == "en":
        return gettext.NullTranslations()
    source = resources.files("transfer.verification").joinpath("locale", f"{language}.po")
    with source.open("rb") as stream:
        catalog = read_po(stream, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def number(value: object, language: str) -> str:
    """An integer or decimal as ``language`` writes it (1 234 in Finnish, 1,234 in English)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return format_decimal(value, locale=language)


def when(value: object, language: str) -> str:
    """An ISO 8601 timestamp as ``language`` writes a date and time, in Helsinki time."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return format_datetime(moment, "medium", tzinfo=HELSINKI, locale=language)


def day(value: object, language: str) -> str:
    """A date (``YYYY-MM-DD``) as ``language`` writes it."""
    try:
        parsed = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return format_date(parsed, "medium", locale=language)
