"""The rules of coverage, table-driven: which source paths a read touches, what a drop
covers, the inventory of a record, tree_path and contains, and the declarations' checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from transfer.mappers.context import Context, MapContext, Node
from transfer.mappers.coverage import covered, dropped_by, source_paths
from transfer.mappers.inventory import Inventory
from transfer.mappers.validate import build_step, validate_dir
from transfer.records import SourceRecord


@pytest.mark.parametrize(
    ("path", "each", "expected"),
    [
        ("fields.title", None, ["fields.title"]),
        ("fields.organizationBriefs[0].id", None, ["fields.organizationBriefs.id"]),
        ("fields.contacts.0.email", None, ["fields.contacts.email"]),
        ("fields.tags[*].name", None, ["fields.tags.name"]),
        (
            "fields.customFields[name=businessId].customValue.data",
            None,
            ["fields.customFields.customValue.data", "fields.customFields.name"],
        ),
        ("item.email", "fields.contacts", ["fields.contacts.email"]),
        ("item", "fields.image", ["fields.image"]),
        ("item.email", None, []),
        ("row.workspace_id", None, []),
        ("key", None, []),
        ("fetch.content_hash", None, []),
    ],
)
def test_the_source_paths_a_read_touches(path: str, each: str | None, expected: list[str]) -> None:
    assert source_paths(path, each) == expected


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("fields.creator.name", ["fields.creator.*"], "fields.creator.*"),
        ("fields.creator.name", ["fields.creator"], "fields.creator"),
        ("fields.creatorStatistics.rank", ["fields.creator"], None),
        ("fields.numberOfComments", ["fields.numberOf*"], "fields.numberOf*"),
        ("fields.actions.get.href", ["fields.actions.*"], "fields.actions.*"),
        ("fields.title", ["fields.titles", "fields.tit"], None),
    ],
)
def test_what_a_drop_covers(path: str, patterns: list[str], expected: str | None) -> None:
    assert dropped_by(path, patterns) == expected


@pytest.mark.parametrize(
    ("path", "reads", "expected"),
    [
        ("fields.a.b", ["fields.a"], True),
        ("fields.a", ["fields.a"], True),
        ("fields.ab", ["fields.a"], False),
        ("fields.a", ["fields.a.b"], False),
    ],
)
def test_what_a_read_carries(path: str, reads: list[str], expected: bool) -> None:
    assert covered(path, reads) is expected


def test_the_inventory_folds_lists_counts_values_and_keeps_shown_examples() -> None:
    inventory = Inventory()
    staged = SourceRecord(
        "partnership",
        "member",
        "member:1",
        fields={
            "name": "Maija Meikäläinen",
            "blank": "  ",
            "briefs": [{"id": 7, "name": "A"}, {"id": 8, "name": ""}],
            "empty": [],
        },
    )
    shown = SourceRecord(
        "partnership",
        "member",
        "member:1",
        fields={**staged.fields, "name": "[masked]", "_masked": True},
    )
    inventory.add(staged, lambda: shown)
    inventory.derive(("partnership", "member"), "fields._masked")
    inventory.add(SourceRecord("partnership", "member", "member:2", fields={"name": "B"}))
    stats = inventory.fields[("partnership", "member")]
    assert inventory.records[("partnership", "member")] == 2
    assert (stats["fields.name"].values, stats["fields.name"].present) == (2, 2)
    assert stats["fields.name"].examples == ["[masked]"]
    assert (stats["fields.blank"].values, stats["fields.blank"].present) == (0, 1)
    assert stats["fields.briefs.id"].values == 1
    assert stats["fields.briefs.name"].values == 1
    assert stats["fields.empty"].values == 0
    assert inventory.has(("partnership", "member"), "fields.briefs")
    assert inventory.has(("partnership", "member"), "fields._masked")
    assert not inventory.has(("partnership", "member"), "fields.dateCreated")
    again = Inventory.from_dict(inventory.as_dict())
    assert again.as_dict() == inventory.as_dict()


class _Trees:
    def __init__(self, nodes: dict[str, Node]) -> None:
        self._nodes = nodes

    def nodes(self, kind: str, parent: str, name: str) -> dict[str, Node] | None:
        return self._nodes if kind == "folder" else None


FOLDERS: dict[str, Node] = {
    "folder:1": (None, "Reports"),
    "folder:2": ("1", "2024"),
    "folder:3": ("0", "Minutes"),
    "folder:8": ("9", "loop"),
    "folder:9": ("8", "back"),
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2", "/Reports/2024"), ("1", "/Reports"), ("3", "/Minutes"), ("0", "/"), (0, "/"),
     ("77", None), ("8", None)],
)  # fmt: skip
def test_tree_path_names_the_chain_of_parents(value: Any, expected: str | None) -> None:
    step = build_step(
        "tree_path", {"kind": "folder", "parent": "fields.parent", "name": "fields.name"}
    )
    record = SourceRecord("partnership", "file", "file:1")
    context = Context(record, {}, MapContext(trees=_Trees(FOLDERS)))
    assert step(value, context) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(["creator-deleted"], True), (["creator-absent"], False), (None, False),
     ("creator-deleted", True), ([], False)],
)  # fmt: skip
def test_contains(value: Any, expected: bool) -> None:
    step = build_step("contains", ["creator-deleted"])
    context = Context(SourceRecord("partnership", "post", "post:1"), {}, MapContext())
    assert step(value, context) is expected


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("drop:\n  fields.x: ''\n", "needs the reason"),
        ("drop:\n  title: no root\n", "a path under fields."),
        ("drop: [fields.x]\n", "must map each path to the reason"),
        ("optional:\n  fields.x*: a glob\n", "a path, not a pattern"),
        ("allow_empty:\n  nope: not a column\n", "is no column of this file"),
        ("exclude:\n  - {path: fields.x, values: []}\n", "exactly path:, values: and reason:"),
        ("exclude:\n  - {path: fields.x, values: [], reason: r}\n", "non-empty list"),
    ],
)
def test_declarations_are_checked_with_file_and_line(
    tmp_path: Path, block: str, message: str
) -> None:
    folder = tmp_path / "partnership"
    folder.mkdir()
    (folder / "member.yml").write_text(
        "source: partnership\nkinds: [member]\ntargets:\n  - target: members\n"
        "    columns:\n      display_name: [{get: fields.name}]\n" + block,
        encoding="utf-8",
    )
    _, problems = validate_dir(tmp_path)
    assert len(problems) == 1, problems
    assert message in problems[0].message
    assert problems[0].line >= 7
