"""The committed REFERENCE.md is what the models generate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import transfer.schema
from transfer.schema import metadata
from transfer.schema.reference import REGENERATE, render_reference

COMMITTED = Path(transfer.schema.__file__).parent / "REFERENCE.md"


def test_committed_reference_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_reference(), (
        f"REFERENCE.md is stale: run {REGENERATE}"
    )


def test_reference_names_every_table_and_column() -> None:
    reference = render_reference()
    for table in metadata.tables.values():
        assert f"### `{table.name}`" in reference
        for column in table.columns:
            assert f"| `{column.name}` |" in reference


def test_module_prints_the_reference() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "transfer.schema.reference"],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert printed.stdout == render_reference()
    assert printed.stderr == ""
