"""Control characters out of exported values: the shortcut for clean values gives what the
walk over every string gives."""

from __future__ import annotations

import random
from typing import Any

from transfer.extractors.hygiene import strip_controls_deep

#: Every C0 control, the non-characters, and what their JSON escapes are made of.
_ALPHABET = [chr(c) for c in range(0x30)] + [
    "\ufffe",
    "\uffff",
    "\\",
    "b",
    "f",
    "u",
    "0",
    "é",
    "\u2028",
    "\x7f",
    '"',
]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 8)))


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return _text(rng)
    if roll < 0.5:
        return rng.choice([1, 2.5, None, True])
    if roll < 0.75:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {_text(rng): _value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _walked(value: Any) -> tuple[Any, int]:
    """What the function must give: every string and key cleaned, one by one."""
    bad = set("".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff")
    if isinstance(value, str):
        kept = "".join(c for c in value if c not in bad)
        return kept, len(value) - len(kept)
    if isinstance(value, dict):
        out, removed = {}, 0
        for key, item in value.items():
            clean_key, in_key = _walked(key)
            out[clean_key], in_item = _walked(item)
            removed += in_key + in_item
        return out, removed
    if isinstance(value, list):
        pairs = [_walked(item) for item in value]
        return [item for item, _ in pairs], sum(n for _, n in pairs)
    return value, 0


def test_every_control_character_is_removed_and_counted_whatever_the_shape() -> None:
    rng = random.Random(20250501)
    clean = 0
    for _ in range(5000):
        value = _value(rng)
        expected = _walked(value)
        assert strip_controls_deep(value) == expected, value
        clean += expected[1] == 0
    assert 0 < clean < 5000  # both ways were taken


def test_a_clean_value_comes_back_as_it_is_and_a_dirty_one_as_a_copy() -> None:
    clean = {"title": 'Tab\tline\nquote" é\u2028', "n": [1, {"x": None}]}
    assert strip_controls_deep(clean) == (clean, 0)
    assert strip_controls_deep(clean)[0] is clean
    # Text that looks like an escape in JSON (a backslash before b or u0001) is walked,
    # and kept.
    lookalike = {"path": "C:\\bin \\u0001"}
    assert strip_controls_deep(lookalike) == (lookalike, 0)
    dirty = {"ti\x00tle": ["a\x08b\x0c", "\ufffe"], "ok": "\x7f"}
    assert strip_controls_deep(dirty) == ({"title": ["ab", ""], "ok": "\x7f"}, 4)
