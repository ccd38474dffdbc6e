"""Finnish business ids (Y-tunnus) and the spellings the platform's registrations use.

A Y-tunnus is seven digits, a hyphen and a check digit: weights 7, 9, 10, 5, 8, 4, 2; the
check digit is 0 when the weighted sum is divisible by 11, otherwise 11 minus the remainder,
and a remainder of 1 never occurs in a valid id. The generated ids all start with 9, far
above the ranges handed out so far, so they are fictional.
"""

from __future__ import annotations

import random
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def check_digit(body: str) -> int | None:
    """The check digit for seven digits, or ``None`` when no valid id has this body."""
    remainder = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def generate(rng: random.Random) -> str:
    """A valid fictional business id in the canonical form ``9123456-7``."""
    while True:
        body = "9" + "".join(str(rng.randrange(10)) for _ in range(6))
        digit = check_digit(body)
        if digit is not None:
            return f"{body}-{digit}"


def is_valid(canonical: str) -> bool:
    """True when ``canonical`` is ``NNNNNNN-N`` with the right check digit."""
    match = re.fullmatch(r"(\d{7})-(\d)", canonical)
    return bool(match) and check_digit(match.group(1)) == int(match.group(2))  # type: ignore[union-attr]


def normalise(raw: str) -> str:
    """The canonical ``NNNNNNN-N`` form of any spelling below (digits only, ``FI`` dropped)."""
    digits = re.sub(r"\D", "", raw.upper().removeprefix("FI").strip())
    return f"{digits[:7]}-{digits[7:]}" if len(digits) == 8 else raw.strip()


#: How registrations spelled the same id: ``9123456-7`` as written by different people.
VARIANTS = (
    lambda c: c.replace("-", ""),  # 91234567
    lambda c: c.replace("-", " "),  # 9123456 7
    lambda c: "FI" + c.replace("-", ""),  # FI91234567, the VAT-number form
    lambda c: f" {c[:4]} {c[4:]} ",  # " 9123 456-7 ", pasted with spaces
)


def variant(canonical: str, index: int) -> str:
    """The ``index``-th differently written spelling of ``canonical``."""
    return VARIANTS[index % len(VARIANTS)](canonical)
