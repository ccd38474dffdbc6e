"""mappings/README.md documents every processor, and the docstrings match the declarations."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from transfer.mappers.docs import BEGIN, END, processor_reference
from transfer.mappers.processors import REGISTRY

README = (Path(__file__).parent.parent.parent / "mappings" / "README.md").read_text("utf-8")


def test_the_processor_reference_is_current() -> None:
    start, end = README.index(BEGIN), README.index(END) + len(END) + 1
    assert README[start:end] == processor_reference(), (
        "regenerate with `python -m transfer.mappers.docs` and paste it into mappings/README.md"
    )


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_processor_is_documented_with_its_keys_and_an_example(name: str) -> None:
    cls = REGISTRY[name]
    assert f"### `{name}`" in README
    doc = inspect.getdoc(cls) or ""
    assert "Example:" in doc and "```yaml" in doc, f"{name} has no example"
    section = README.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
    for key in cls.keys:
        assert f"  {key.name} (" in doc, f"the docstring of {name} does not explain {key.name}"
        assert f"| `{key.name}` |" in section, f"README lacks key {key.name} of {name}"
    if not cls.keys:
        assert "No keys." in section


def test_the_expected_processors_are_registered() -> None:
    assert set(REGISTRY) >= {
        "get",
        "default",
        "static_map",
        "lookup",
        "parse_date",
        "html_clean",
        "html_to_text",
        "rewrite_links",
        "slugify",
        "concat",
        "split",
        "regex",
        "language",
        "decode_email",
        "from_plan",
    }
