"""Friendly-URL slugs the way Liferay makes them, and the mangled kind some blog posts have."""

from __future__ import annotations

import re

_FOLD = str.maketrans(
    {"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u", "Ä": "a", "Ö": "o", "Å": "a"}
)
_DROP = str.maketrans({"ä": None, "ö": None, "å": None, "Ä": None, "Ö": None, "Å": None})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(title: str) -> str:
    """``Työ ja osaaminen`` -> ``tyo-ja-osaaminen`` (diacritics folded, punctuation dashed)."""
    return _NON_WORD.sub("-", title.translate(_FOLD).lower()).strip("-")


def mangle(title: str) -> str:
    """The broken slug of an old blog import: letters with diacritics dropped, not folded."""
    return _NON_WORD.sub("-", title.translate(_DROP).lower()).strip("-")


def ascii_name(text: str) -> str:
    """A name folded for an e-mail local part: ``Jäkäläsuo`` -> ``jakalasuo``."""
    return re.sub(r"[^a-z-]", "", text.translate(_FOLD).lower())


def lower_first(text: str) -> str:
    """The text with its first letter in lower case unless it is an acronym (``KOTO24``)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]
