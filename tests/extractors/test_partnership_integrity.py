"""Integrity flags and duplicate organisations (issue 16, points 11 and 12), table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from transfer.extractors.partnership.integrity import (
    creator_flags,
    merge_candidates,
    normalise_name,
)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Esimerkki-yhdistys ry", "Esimerkki yhdistys ry", True),
        ("Esimerkki–yhdistys ry", "Esimerkki yhdistys", True),  # en dash, legal form left out
        ("Kotona Suomessa -hanke", "Kotona Suomessa hanke", True),
        ("Monikulttuurinen  yhdistys r.y", "monikulttuurinen yhdistys", False),  # r y: words
        ("Pohjolan Kylä ry.", "POHJOLAN KYLÄ", True),
        ("Kylä/Yhteisö ry", "Kylä Yhteisö", True),
        ("Apu (Tampere) ry", "Apu Tampere ry", True),
        ("“Silta” ry", '"Silta" ry', True),
        ("Ｓｉｌｔａ ry", "Silta ry", True),  # full-width letters (NFKC)
        ("Silta ry", "Siltayhdistys ry", False),
        ("Esimerkki-yhdistys ry", "Esimerkkiyhdistys ry", False),
    ],
)
def test_names_differing_only_by_punctuation_or_spacing_are_one(
    first: str, second: str, same: bool
) -> None:
    assert (normalise_name(first) == normalise_name(second)) is same


def test_a_hyphenated_name_is_a_merge_candidate() -> None:
    organisations: list[dict[str, Any]] = [
        {"id": 1, "name": "Esimerkki-yhdistys ry"},
        {"id": 2, "name": "Esimerkki yhdistys ry"},
        {"id": 3, "name": "Toinen yhdistys ry"},
    ]
    found = [(c.rule, c.ids) for c in merge_candidates(organisations)]
    assert found == [("normalised-name", ("1", "2"))]


@pytest.mark.parametrize(
    ("item", "flags"),
    [
        ({"creator": {"id": 7, "name": "Maija M"}}, []),
        # the account is gone but the post kept its name: deleted, name kept
        ({"creator": {"id": 99, "name": "Poistettu käyttäjä"}}, ["creator-deleted"]),
        ({"creator": {"name": "Maija M"}}, ["creator-deleted"]),
        ({"creator": {"id": 0, "name": "Maija M"}}, ["creator-deleted"]),
        # no creator at all
        ({}, ["creator-absent"]),
        ({"creator": None}, ["creator-absent"]),
        ({"creator": {}}, ["creator-absent"]),
        ({"creator": {"name": ""}}, ["creator-absent"]),
    ],
)
def test_deleted_creator_with_a_name_and_absent_creator_are_told_apart(
    item: dict[str, Any], flags: list[str]
) -> None:
    assert creator_flags(item, {"7"}) == flags
