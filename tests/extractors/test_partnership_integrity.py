"""Integrity flags and duplicate organisations (issue 16, points 11 and 12), table-driven."""

from __future__ import annotations

from pathlib import Path
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


def test_an_export_tells_deleted_named_authors_from_absent_ones(tmp_path: Path) -> None:
    """Against the sandbox's ``creator-names`` form: a deleted account's post keeps its
    author's name without an id."""
    from tests.extractors.test_partnership_export import export, flagged, settings_for, staged
    from transfer.sandbox import SandboxSettings, serve_sandbox

    sandbox = SandboxSettings(scale=0.02, variants=frozenset({"creator-names"}))
    with serve_sandbox(sandbox) as box:
        settings = settings_for(tmp_path, box)
        export(settings, public_pages=False)
        truth = box.truth()["platform"]
    records = staged(settings)
    deleted = {f"post:{p['post_id']}": p["variant"] for p in truth["posts_by_deleted_members"]}
    assert set(deleted.values()) == {"label", "absent"}
    for key, variant in deleted.items():
        want = "creator-absent" if variant == "absent" else "creator-deleted"
        assert records[key].fields["_flags"].count(want) == 1, key
    assert not flagged(records, "creator-deleted") & flagged(records, "creator-absent")
