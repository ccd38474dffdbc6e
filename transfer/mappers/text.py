"""Processors for words, codes and stamps: slugify, language, decode_email, parse_date."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from transfer.cfemail import decode_cfemail
from transfer.dates import parse_iso, parse_local
from transfer.mappers.context import Context
from transfer.mappers.registry import Key, Processor, ProcessorError, processor

_LETTERS = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "a", "Ö": "o", "Å": "a"})


def slug(text: str, max_length: int = 80, separator: str = "-") -> str:
    """A URL slug: Finnish and Swedish letters folded (ä→a, ö→o, å→a), other accents
    dropped, lowercase, runs of anything else turned into one separator, cut at a separator
    so that it is at most ``max_length`` long."""
    folded = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    result = re.sub(r"[^a-z0-9]+", separator, ascii_text).strip(separator)
    if len(result) > max_length:
        cut = result[: max_length + 1]
        result = cut.rsplit(separator, 1)[0] if separator in cut else result[:max_length]
        result = result[:max_length].strip(separator)
    return result


@processor("slugify")
class Slugify(Processor):
    """Turn a title into a URL slug (ä→a, ö→o, å→a, lowercase, hyphens).

    Keys:
      max_length (integer): cut at a word boundary to at most this many characters;
        default 80.
      separator (string): between words; default "-".

    Example:
      ```yaml
      - get: fields.title
      - slugify: {max_length: 40}
      ```
      ``"Kotoutumisen edistäminen Åbolandissa"`` → ``"kotoutumisen-edistaminen-abolandissa"``
    """

    keys = (
        Key("max_length", (int,), default=80, help="at most this many characters"),
        Key("separator", (str,), default="-", help="between words"),
    )

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        length = config.get("max_length", 80)
        if isinstance(length, int) and length < 1:
            return [("max_length", "must be at least 1")]
        return []

    def __call__(self, value: Any, context: Context) -> Any:
        return slug(str(value), self.config["max_length"], self.config["separator"]) or None


#: The target languages, by lowercase primary subtag (after the easy-Finnish forms).
LANGUAGES = {"fi": "fi", "sv": "sv", "en": "en"}
_EASY = re.compile(r"^(fi-x-selko|fi-selko|selko|selkosuomi|fi-x-easy)(-.*)?$")


def language_code(text: str) -> str | None:
    """``fi-FI``/``sv_SE``/``en-US``/``fi-x-selko`` → fi/sv/en/fi-x-selko; None if unknown."""
    code = text.strip().lower().replace("_", "-")
    if _EASY.match(code):
        return "fi-x-selko"
    return LANGUAGES.get(code.split("-", 1)[0])


@processor("language")
class Language(Processor):
    """Turn an hreflang or locale into a KEHA language: fi, sv, en or fi-x-selko.

    ``fi-FI``, ``sv_SE``, ``en-US``, ``FI`` … keep their primary subtag; ``fi-x-selko``
    (and ``selkosuomi``) is easy Finnish. Anything else (``x-default``, ``de``) is an error
    unless ``map`` names it.

    Keys:
      map (mapping): extra codes, e.g. ``{se: sv}``, checked first.

    Example:
      ```yaml
      - get: language
      - language: {}
      ```
      ``"sv_SE"`` → ``"sv"``; ``"fi-x-selko"`` → ``"fi-x-selko"``; ``"de-DE"`` → error
    """

    keys = (Key("map", (dict,), default={}, help="extra codes, checked first"),)

    def __call__(self, value: Any, context: Context) -> Any:
        text = str(value)
        extra = self.config["map"]
        if text in extra:
            return extra[text]
        code = language_code(text)
        if code is None:
            raise ProcessorError(
                f"unknown language {text!r}", next_step="add it to the map: key of language"
            )
        return code


@processor("decode_email")
class DecodeEmail(Processor):
    """Decode an address hidden by the CDN's e-mail protection (``data-cfemail`` hex, or a
    ``/cdn-cgi/l/email-protection#hex`` link). A value that already has an ``@`` is kept.

    Keys:
      invalid (string: error, null): what a value that does not decode gives; default error.

    Example:
      ```yaml
      - get: item.email
      - decode_email: {}
      ```
      ``"5a36333329…"`` → ``"liisa.esimerkki@example.fi"``
    """

    keys = (Key("invalid", (str,), choices=("error", "null"), default="error"),)

    def __call__(self, value: Any, context: Context) -> Any:
        text = str(value).strip()
        if "@" in text:
            return text
        address = decode_cfemail(text.rsplit("#", 1)[-1])
        if address is None or "@" not in address:
            if self.config["invalid"] == "null":
                return None
            raise ProcessorError(f"{text!r} is not a protected e-mail address")
        return address


@processor("parse_date")
class ParseDate(Processor):
    """Parse a stamp into an aware UTC datetime.

    ``local`` reads the site's day-month-year forms in Finnish, Swedish and English,
    numeric or with month names (``4.9.2023 9.00``, ``4. syyskuuta 2023 klo 9.00``,
    ``Published 4 September 2023``); ``iso`` reads ISO 8601; ``auto`` tries ISO, then local.
    Times without an offset are in ``timezone``; a bare date is midnight there.

    Keys:
      format (string: auto, local, iso, shorthand): default auto.
      timezone (string): default Europe/Helsinki.
      invalid (string: error, null): what an unreadable stamp gives; default error.

    Example:
      ```yaml
      - get: fields.published
      - parse_date: local
      ```
      ``"Julkaistu 20.12.2023 klo 9.33"`` → ``2023-12-20 07:33:00+00:00``
    """

    keys = (
        Key("format", (str,), choices=("auto", "local", "iso"), default="auto"),
        Key("timezone", (str,), default="Europe/Helsinki", help="zone of local times"),
        Key("invalid", (str,), choices=("error", "null"), default="error"),
    )
    shorthand = "format"

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        try:
            ZoneInfo(str(config.get("timezone", "Europe/Helsinki")))
        except (ZoneInfoNotFoundError, ValueError):
            return [("timezone", f"unknown time zone {config.get('timezone')!r}")]
        return []

    def __call__(self, value: Any, context: Context) -> Any:
        zone = ZoneInfo(self.config["timezone"])
        parsed: datetime | date | None
        if isinstance(value, datetime | date):
            parsed = value
        else:
            text, fmt = str(value), self.config["format"]
            parsed = parse_iso(text) if fmt in ("auto", "iso") else None
            if parsed is None and fmt in ("auto", "local"):
                parsed = parse_local(text, zone)
        if parsed is None:
            if self.config["invalid"] == "null":
                return None
            raise ProcessorError(f"{value!r} is not a {self.config['format']} date")
        if not isinstance(parsed, datetime):
            parsed = datetime.combine(parsed, time(0, 0), zone)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed.astimezone(UTC)
