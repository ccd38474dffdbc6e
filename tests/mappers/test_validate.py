"""The validator: shipped files pass; broken files give every problem with file, line, key."""

from __future__ import annotations

from pathlib import Path

import pytest

from transfer.errors import MappingError
from transfer.mappers import check_mappings, load_mappings

MAPPINGS = Path(__file__).parent.parent.parent / "mappings"
CRAWLED_KINDS = {
    "page",
    "section_landing",
    "news",
    "blog_post",
    "event",
    "handbook_chapter",
    "faq",
    "glossary",
    "attachment",
    "listing",
}


def test_shipped_mappings_pass_the_validator() -> None:
    assert [str(problem) for problem in check_mappings(MAPPINGS)] == []


def test_every_crawled_kind_has_a_mapping_or_a_skip_rule() -> None:
    mappings = load_mappings(MAPPINGS)
    covered = {kind for m in mappings if m.source == "online_service" for kind in m.kinds}
    assert covered == CRAWLED_KINDS
    listing = [m for m in mappings if "listing" in m.kinds]
    assert listing[0].skip and listing[0].target is None


BROKEN = """\
source: online_service
kinds: [news]
targets:
  - target: content_translations
    columns:
      language:
        - get: language
        - langauge: {}
      title:
        - get: {path: fields.title, strip: true}
      body_html:
        - get: fields.body
        - html_clean: {tags: p}
      colour:
        - get: fields.colour
      lead:
        - get: fields.lead
        - static_map: {map_file: lead_values}
  - target: event_detail
    columns:
      starts_at:
        - get: fields.starts_at
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "online_service"
    folder.mkdir()
    (folder / "news.yml").write_text(BROKEN, encoding="utf-8")
    (folder / "profile.yml").write_text("not: a mapping file\n", encoding="utf-8")
    return tmp_path


def test_broken_file_reports_every_problem_with_file_line_and_key(broken: Path) -> None:
    problems = [str(problem) for problem in check_mappings(broken)]
    file = broken / "online_service" / "news.yml"
    expected = [
        f"{file}:5 (targets[0].columns): required column 'item_id' of content_translations"
        " is missing",
        f"{file}:5 (targets[0].columns): required column 'new_path' of content_translations"
        " is missing",
        f"{file}:5 (targets[0].columns): required column 'old_url' of content_translations"
        " is missing",
        f"{file}:8 (targets[0].columns.language[1].langauge): unknown processor 'langauge'"
        " (did you mean 'language'?)",
        f"{file}:10 (targets[0].columns.title[0].get.strip): unknown key 'strip' of get"
        " (keys: path)",
        f"{file}:13 (targets[0].columns.body_html[1].html_clean.tags): html_clean.tags must be"
        " list, not 'p'",
        f"{file}:14 (targets[0].columns.colour): unknown column 'colour' of content_translations",
        f"{file}:18 (targets[0].columns.lead[1].static_map.map_file): unknown lookup file"
        " 'lead_values' (known: none)",
        f"{file}:19 (targets[1].target): unknown target table 'event_detail'"
        " (did you mean 'event_details'?)",
    ]
    assert problems == expected


def test_load_mappings_raises_one_error_listing_all_problems(broken: Path) -> None:
    with pytest.raises(MappingError) as caught:
        load_mappings(broken)
    error = caught.value
    assert error.exit_code == 5
    assert "9 problem(s)" in error.what
    assert "news.yml:8 (targets[0].columns.language[1].langauge)" in error.what
    assert "transfer mappings check" in error.next_step


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source: online_service\nkinds: [x]\n", "give either targets:"),
        ("source: partnership\nkinds: [x]\nskip: no\n", "differs from its folder"),
        ("source: online_service\nkind: [x]\nskip: r\n", "unknown key 'kind' (did you mean"),
        ("source: online_service\nkinds: x\nskip: r\n", "kinds: must be a non-empty list"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("source: online_service\nkinds: [x]\nskip: r\n  bad: [\n", "not valid YAML"),
        (
            "source: online_service\nkinds: [x]\ntargets:\n  - target: redirects\n"
            "    columns: {id: [get: key]}\n",
            "id is set by the engine",
        ),
        (
            "source: online_service\nkinds: [x]\ntargets:\n  - target: assets\n"
            "    columns:\n      title: [{lookup: online_service/nope.assets}]\n",
            "unknown migration 'online_service/nope.assets'",
        ),
        (
            "source: online_service\nkinds: [x]\ntargets:\n  - target: assets\n"
            "    columns:\n      title: [{get: key, html_clean: {}}]\n",
            "a step must be one `processor: configuration` pair",
        ),
    ],
)
def test_file_level_problems(tmp_path: Path, text: str, message: str) -> None:
    folder = tmp_path / "online_service"
    folder.mkdir()
    (folder / "x.yml").write_text(text, encoding="utf-8")
    problems = check_mappings(tmp_path)
    assert any(message in str(problem) for problem in problems), problems
    assert all(problem.file.name == "x.yml" and problem.line >= 1 for problem in problems)


def test_lookup_files_are_found_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "online_service"
    (folder / "lookups").mkdir(parents=True)
    (folder / "lookups" / "roles.csv").write_text("source,target\nKuva,image\n", "utf-8")
    (folder / "x.yml").write_text(
        "source: online_service\nkinds: [x]\ntargets:\n  - target: translation_assets\n"
        "    columns:\n      translation_id: [{from_plan: translation_id}]\n"
        "      asset_id: [{from_plan: asset_id}]\n"
        "      role: [{get: fields.role}, {static_map: {map_file: roles}}]\n",
        "utf-8",
    )
    assert check_mappings(tmp_path) == []


def test_a_missing_folder_is_a_problem(tmp_path: Path) -> None:
    assert "does not exist" in str(check_mappings(tmp_path / "nope")[0])
