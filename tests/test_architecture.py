"""The package keeps its walls: one module knows the workspace's layout, and each store is
the only one to touch its tables (issue 18). A grep over the package's source, like a
reviewer's; the sandbox (a replica of the sources, not product code) is left out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "transfer"
OUT_OF_SCOPE = ("sandbox",)

#: Folder and file names of the workspace's layout.
LAYOUT = ("staging", "blobs", "mapped", "mapped.sqlite", "media", "cutover", "target.db")

#: Each store's tables, and the modules (relative to the package) allowed SQL on them.
STAGING = "stores/staging/"
MAPPED = "stores/mapped/"
TABLES = {
    "passes": ("stores/passes.py",),
    "records": (STAGING, MAPPED),
    "aliases": (STAGING,),
    "failures": (STAGING,),
    "checkpoints": (STAGING,),
    "frontier": ("stores/staging/frontier.py",),
    "notes": (MAPPED,),
    "coverage": (MAPPED,),
    "shared_owners": (MAPPED,),
}
SQL = r"\b(?:FROM|INTO|UPDATE|JOIN|TABLE(?: IF NOT EXISTS)?|ON)\s+{table}\b"


def _sources() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name.split("/", 1)[0] in OUT_OF_SCOPE:
            continue
        found.append((name, path.read_text(encoding="utf-8")))
    return found


def _joins(text: str) -> list[str]:
    """Workspace path joins in ``text``: ``workspace / ...`` and ``/ "<layout name>"``."""
    names = "|".join(re.escape(name) for name in LAYOUT)
    pattern = re.compile(rf"workspace\s*/|/\s*[\"'](?:{names})[\"']|[\"']mapped\.sqlite[\"']")
    return [match.group(0) for match in pattern.finditer(text)]


def test_only_workspace_py_joins_workspace_paths() -> None:
    offenders = {
        name: joins
        for name, text in _sources()
        if name != "workspace.py" and (joins := _joins(text))
    }
    assert offenders == {}


def test_the_check_finds_a_join() -> None:
    assert _joins('path = settings.workspace / "staging"') == ["workspace /"]
    assert _joins('root / "mapped" / "mapped.sqlite"') == ['/ "mapped"', '/ "mapped.sqlite"']
    assert _joins("Workspace.at(root).staging(source)") == []


@pytest.mark.parametrize("table", sorted(TABLES))
def test_sql_on_a_store_table_only_in_its_store(table: str) -> None:
    pattern = re.compile(SQL.format(table=re.escape(table)))
    owners = TABLES[table]
    found = {name for name, text in _sources() if pattern.search(text)}
    outside = sorted(name for name in found if not name.startswith(owners))
    assert outside == []
    assert found, f"no SQL on {table} found at all: is the pattern still right?"


def _imports(text: str) -> set[str]:
    return set(re.findall(r"^\s*(?:from|import)\s+(transfer(?:\.\w+)*)", text, re.MULTILINE))


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        # The mapped store is the contract; the map stage's package is not.
        ("loaders/", ("transfer.mappers",)),
        ("verification/", ("transfer.mappers", "transfer.extractors.partnership")),
        # Stores, the workspace and the privacy policy serve the stages and know none of them.
        (
            "stores/",
            ("transfer.extractors", "transfer.mappers", "transfer.loaders", "transfer.cli"),
        ),
        ("workspace.py", ("transfer.",)),
        (
            "privacy/",
            ("transfer.extractors", "transfer.mappers", "transfer.loaders", "transfer.cli"),
        ),
    ],
)
def test_later_stages_read_contracts_not_stages(folder: str, forbidden: tuple[str, ...]) -> None:
    found = {
        name: sorted(m for m in _imports(text) if m.startswith(forbidden))
        for name, text in _sources()
        if name.startswith(folder)
    }
    assert found, f"nothing under {folder}"
    assert {name: mods for name, mods in found.items() if mods} == {}
