"""Control characters and lone surrogates out of exported values: the shortcut for clean
values gives what the walk over every string gives."""

from __future__ import annotations

import json
import random
from typing import Any

from transfer.extractors.hygiene import clean_values

#: Every C0 control, the non-characters, both halves of a surrogate pair, and what their
#: JSON escapes are made of.
_ALPHABET = [chr(c) for c in range(0x30)] + [
    "\ud83d",
    "\ude00",
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


def _walked(value: Any) -> tuple[Any, int, int]:
    """What the function must give: every string and key cleaned, one by one (controls
    removed, then lone surrogates replaced), with both counts."""
    bad = set("".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff")
    if isinstance(value, str):
        kept = "".join(c for c in value if c not in bad)
        halves = sum(1 for c in kept if 0xD800 <= ord(c) <= 0xDFFF)
        fixed = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in kept)
        return fixed, len(value) - len(kept), halves
    if isinstance(value, dict):
        out, removed, replaced = {}, 0, 0
        for key, item in value.items():
            clean_key, key_removed, key_replaced = _walked(key)
            if clean_key in out:  # equal to an earlier key once repaired: kept apart
                clean_key = json.dumps(key)[1:-1]
                while clean_key in out:
                    clean_key += "\ufffd"
            out[clean_key], item_removed, item_replaced = _walked(item)
            removed += key_removed + item_removed
            replaced += key_replaced + item_replaced
        return out, removed, replaced
    if isinstance(value, list):
        triples = [_walked(item) for item in value]
        return (
            [item for item, _, _ in triples],
            sum(n for _, n, _ in triples),
            sum(n for _, _, n in triples),
        )
    return value, 0, 0


def _cleaned(value: Any) -> tuple[Any, int, int]:
    """:func:`clean_values`' value and the counts its warnings give."""
    cleaned, warnings = clean_values(value)
    counts = {w["code"]: int(w["detail"].split()[1]) for w in warnings}
    return cleaned, counts.pop("control-chars", 0), counts.pop("lone-surrogates", 0)


def test_every_control_character_and_half_is_repaired_and_counted_whatever_the_shape() -> None:
    rng = random.Random(20250501)
    clean = halves = 0
    for _ in range(5000):
        value = _value(rng)
        expected = _walked(value)
        assert _cleaned(value) == expected, value
        clean += expected[1:] == (0, 0)
        halves += expected[2] > 0
    assert 0 < clean < 5000 and halves > 0  # both ways were taken, and halves were met


def test_a_clean_value_comes_back_as_it_is_and_a_dirty_one_as_a_copy() -> None:
    clean = {"title": 'Tab\tline\nquote" é\u2028', "n": [1, {"x": None}]}
    assert _cleaned(clean) == (clean, 0, 0)
    assert clean_values(clean)[0] is clean
    # Text that looks like an escape in JSON (a backslash before b or u0001) is walked,
    # and kept.
    lookalike = {"path": "C:\\bin \\u0001"}
    assert _cleaned(lookalike) == (lookalike, 0, 0)
    dirty = {"ti\x00tle": ["a\x08b\x0c", "\ufffe"], "ok": "\x7f", "half": "\ud83d:"}
    assert _cleaned(dirty) == ({"title": ["ab", ""], "ok": "\x7f", "half": "\ufffd:"}, 4, 1)


def test_keys_equal_once_repaired_keep_both_values() -> None:
    # Two keys that become one once repaired: neither value is lost, the later one is kept
    # under its escaped key.
    keys = ["title", "ti\x00tle", "k\ud83d", "k\ud83e"]  # (a literal dict: ruff's F601 errs)
    value = dict(zip(keys, ["a", "b", 1, 2], strict=True))
    assert _cleaned(value) == (
        {"title": "a", "ti\\u0000tle": "b", "k\ufffd": 1, "k\\ud83e": 2},
        1,
        2,
    )
