"""Hostile mapping and lookup files: each row is refused by ``transfer mappings check`` with
exit 5 and ``file:line``, quickly and without a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.conftest import invoke
from transfer.errors import MappingError
from transfer.mappers.lookups import read_lookup

_LAUGHS = b"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + b"".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n".encode()
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@dataclass(frozen=True)
class MappingRow:
    id: str
    content: bytes
    expect: str
    line: int


MAPPING_ROWS = [
    # 9**9 = 387 million values once expanded: ran 10 minutes and took 910 MB before.
    MappingRow("alias-bomb", _LAUGHS, "expands to more than", 6),
    MappingRow("alias-cycle", b"source: online_service\na: &a [1, *a]\n", "contains it", 2),
    MappingRow("not-utf8", b"source: online_service\n# k\xe4ytt\xe4j\xe4\n", "not UTF-8", 2),
    MappingRow("bad-yaml", b"source: online_service\nkinds: [page\n", "not valid YAML", 3),
    MappingRow(
        "unknown-processor",
        b"source: online_service\nkinds: [page]\ntargets:\n  - target: content_translations\n"
        b"    key: key\n    columns:\n      title:\n        - get_field: title\n",
        "unknown processor",
        8,
    ),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("row", MAPPING_ROWS, ids=lambda row: row.id)
def test_hostile_mapping_file_is_refused(fenced: Path, row: MappingRow) -> None:
    folder = fenced / "mappings" / "online_service"
    folder.mkdir(parents=True)
    (folder / "hostile.yml").write_bytes(row.content)
    code, output = invoke("mappings", "check")
    assert code == 5, output
    assert row.expect in output
    assert f"hostile.yml:{row.line}" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [("values.csv", b"source,target\nyes,kyll\xe4\n", 2), ("values.yml", b"a: \xff\n", 1)],
    ids=["csv", "yaml"],
)
def test_non_utf8_lookup_file_names_file_and_line(
    fenced: Path, name: str, content: bytes, line: int
) -> None:
    path = fenced / name
    path.write_bytes(content)
    with pytest.raises(MappingError) as caught:
        read_lookup(path)
    assert caught.value.exit_code == 5
    assert f"{path}:{line}" in caught.value.where
