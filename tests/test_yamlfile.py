"""The one YAML layer: every problem of a file at once, each as ``file:line (key): message``
with "did you mean", for every kind of declarative file; ``extends:`` with provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from transfer.cli import cli
from transfer.config import load_settings
from transfer.cutover.runbook import load_runbook
from transfer.cutover.tasks import load_register
from transfer.errors import ConfigError, MappingError
from transfer.extractors.online_service.profile import load_profile
from transfer.mappers.validate import check_mappings, load_mappings
from transfer.privacy.policy_file import load_policy
from transfer.yamlfile import (
    ConfigProblems,
    KeyTable,
    MappingProblems,
    Problem,
    Problems,
    load,
    load_extending,
    suggest,
)

ROOT = Path(__file__).parent.parent
MAPPINGS = ROOT / "mappings"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def test_a_problem_renders_file_line_key_message_and_hint() -> None:
    problem = Problem(Path("a.yml"), 3, "unknown key 'x'", "top.x", "known: y")
    assert str(problem) == "a.yml:3 (top.x): unknown key 'x' (known: y)"
    assert str(Problem(Path("a.yml"), 3, "bad")) == "a.yml:3: bad"
    assert suggest("seedz", ["seeds", "sitemaps"]) == " (did you mean 'seeds'?)"
    assert suggest("zzz", ["seeds"]) == ""


def test_the_key_table_collects_unknown_missing_and_wrongly_typed_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "x.yml", "nam: a\ncount: many\n")
    data, located = load(path)
    problems = Problems(located)
    keys = KeyTable.of("name", "count", required=("name",), types={"count": int})
    assert problems.table(data, (), keys) == {}
    assert [str(p) for p in problems] == [
        f"{path}:1 (nam): unknown key 'nam' (did you mean 'name'?)",
        f"{path}:2 (count): count: must be a whole number, got 'many'",
        f"{path}:1 ((top)): missing required key 'name'",
    ]
    with pytest.raises(ConfigProblems) as caught:
        problems.raise_if_any("x", "fix it")
    assert isinstance(caught.value, ConfigError) and caught.value.exit_code == 3
    assert caught.value.what.startswith("3 problem(s) in x:\n")
    # one per line, in line order
    assert [line.split(" ")[2] for line in caught.value.what.splitlines()[1:]] == [
        f"{path}:1",
        f"{path}:1",
        f"{path}:2",
    ]
    assert caught.value.where == f"{path}:1 (nam)"


def test_the_profile_reports_every_problem_at_once(tmp_path: Path) -> None:
    good = (MAPPINGS / "online_service" / "profile.yml").read_text(encoding="utf-8")
    broken = (
        good.replace("  seeds: [/, /sv, /en]", "  seeds: [/, /sv, /en]\n  seedz: [/]", 1)
        .replace(
            "    lead: {select: '#main-content .kt-lead'}",
            "    lead: {select: '#main-content .kt-lead', mod: text}",
            1,
        )
        .replace(
            "  - {kind: blog_post, path: '^/blogi/-/blogs/'}",
            "  - {kind: blog_post, path: '^/blogi/(-/blogs/'}",
            1,
        )
    )
    path = write(tmp_path / "profile.yml", broken)
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    text = caught.value.what
    assert text.startswith("3 problem(s) in the source profile")
    assert f"{path}:{line_of(path, 'seedz')} (crawl.seedz): unknown key 'seedz'" in text
    assert "(did you mean 'seeds'?)" in text
    assert f"{path}:{line_of(path, 'mod: text')} (fields.common.lead.mod)" in text
    assert "(did you mean 'mode'?)" in text
    assert "(kinds[3].path): invalid regular expression" in text


def test_the_policy_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path / "personal_data.yml",
        "collections:\n  members:\n    name: personal\n"
        "inactive_members:\n  exclude_after_days: soon\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_policy(path)
    text = caught.value.what
    assert "2 problem(s)" in text
    assert f"{path}:2 (collections.members): unknown key 'members' (did you mean 'member'?)" in text
    assert f"{path}:5 (inactive_members.exclude_after_days): must be a number of days" in text


def test_mapping_files_report_every_problem_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path / "online_service" / "x.yml",
        "source: online_service\nkinds: [news]\ndescripton: x\ntargets:\n"
        "  - target: contact_people\n    columns:\n      name:\n        - gett: fields.title\n"
        "      emial:\n        - get: fields.email\n",
    )
    problems = [str(problem) for problem in check_mappings(tmp_path)]
    assert problems == [
        f"{path}:3 (descripton): unknown key 'descripton' (did you mean 'description'?)",
        f"{path}:8 (targets[0].columns.name[0].gett): unknown processor 'gett' "
        "(did you mean 'get'?)",
        f"{path}:9 (targets[0].columns.emial): unknown column 'emial' of contact_people "
        "(did you mean 'email'?)",
    ]
    with pytest.raises(MappingError) as caught:
        load_mappings(tmp_path)
    assert isinstance(caught.value, MappingProblems) and len(caught.value.problems) == 3


def test_a_runbook_reports_every_problem_with_suggestions(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.yml",
        "runbook: r\ntitle: T\nstepz: []\nsteps:\n  - id: a\n    title: A\n"
        "    shell: echo {run_dri}\n    timeout: 5\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_runbook(path, cli)
    text = caught.value.what
    assert "3 problem(s)" in text
    assert f"{path}:3 (stepz): unknown key 'stepz' (did you mean 'steps'?)" in text
    assert (
        f"{path}:7 (steps[0].shell): unknown placeholder {{run_dri}} (did you mean 'run_dir'?)"
        in text
    )
    assert f"{path}:8 (steps[0].timeout): unknown key 'timeout' (did you mean 'timeout_s'?)" in text


def test_the_task_register_reports_every_problem(tmp_path: Path) -> None:
    path = write(
        tmp_path / "tasks.yml",
        "register: R\ntaks: []\ntasks:\n  - id: a\n    task: T\n    effective: 2025-05-01\n"
        "    owner: O\n    continuity: [x]\n    evidence: [{document: d}]\n    status: don\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_register(path)
    text = caught.value.what
    assert "2 problem(s)" in text
    assert f"{path}:2 (taks): unknown key 'taks' (did you mean 'tasks'?)" in text
    assert f"{path}:10 (tasks[0].status): unknown status 'don' (did you mean 'done'?)" in text


def test_the_configuration_file_reports_every_problem_at_once(tmp_path: Path) -> None:
    config = write(
        tmp_path / "transfer.toml",
        '[http]\nconcurency = 5\ntimeout_s = "soon"\n[target]\npassword = "x"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config, env={})
    text = caught.value.what
    assert "3 problem(s)" in text
    assert (
        f"{config}:2 (http.concurency): unknown setting 'http.concurency' "
        "(did you mean 'http.concurrency'?)" in text
    )
    assert f"{config}:3 (http.timeout_s): http.timeout_s must be a float" in text
    assert f"{config}:5 (target.password): target.password is a secret" in text
    assert "(set TRANSFER_TARGET_PASSWORD instead)" in text
    assert caught.value.where == f"{config}:2 (http.concurency)"


def test_toml_lines_are_found_under_their_table(tmp_path: Path) -> None:
    config = write(
        tmp_path / "transfer.toml",
        '[sources.online_service]\nbase_url = "https://a.example"\n'
        '[sources.partnership]\nbase_url = "https://b.example"\npasword = "x"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config, env={})
    assert f"{config}:5 (sources.partnership.pasword)" in caught.value.what
    assert "(did you mean 'sources.partnership.password'?)" in caught.value.what


BASE = """\
source: online_service
drop:
  fields.a: shared a
  fields.b: shared b
optional:
  fields.o: shared o
targets:
  - target: contact_people
    columns:
      name:
        - get: fields.name
"""


def test_extends_overrides_keys_and_merges_declarations(tmp_path: Path) -> None:
    folder = tmp_path / "online_service"
    base = write(folder / "_base.yml", BASE)
    child = write(
        folder / "news.yml",
        "extends: _base.yml\nkinds: [news]\ndrop:\n  fields.b: own b\n  fields.a: ~\n"
        "  fields.c: own c\n",
    )
    data, located, problems = load_extending(child, frozenset({"drop", "optional"}))
    assert problems == []
    assert data["kinds"] == ["news"] and data["source"] == "online_service"
    assert data["drop"] == {"fields.b": "own b", "fields.c": "own c"}
    assert data["optional"] == {"fields.o": "shared o"}
    assert located.where(("drop", "fields.c")) == f"{child}:6 (drop.fields.c)"
    assert located.where(("optional", "fields.o")) == f"{base}:6 (optional.fields.o)"
    assert located.file(("targets", 0, "columns", "name", 0)) == base
    (mapping,) = load_mappings(tmp_path)
    assert mapping.id == "online_service/news.contact_people"
    assert [(d.path, d.where) for d in mapping.drops] == [
        ("fields.b", f"{child}:4 (drop.fields.b)"),
        ("fields.c", f"{child}:6 (drop.fields.c)"),
    ]
    assert mapping.declared_at == f"{child}:3"
    assert mapping.where == f"{base}:8 (targets[0])"


def test_coverage_cites_the_base_file_for_inherited_declarations(tmp_path: Path) -> None:
    folder = tmp_path / "online_service"
    base = write(folder / "_base.yml", BASE)
    write(folder / "page.yml", "extends: _base.yml\nkinds: [page]\n")
    (mapping,) = load_mappings(tmp_path)
    assert mapping.declared_at == f"{base}:2"
    assert [d.where for d in mapping.drops] == [
        f"{base}:3 (drop.fields.a)",
        f"{base}:4 (drop.fields.b)",
    ]


def test_shipped_shared_drops_cite_the_base_file() -> None:
    base = MAPPINGS / "online_service" / "_page_drops.yml"
    by_id = {mapping.id: mapping for mapping in load_mappings(MAPPINGS)}
    page = by_id["online_service/page.content_translations"]
    assert page.declared_at == f"{base}:{line_of(base, 'drop:')}"
    glossary = by_id["online_service/glossary.content_translations"]
    wheres = {d.path: d.where for d in glossary.drops}
    assert wheres["fields.canonical"].startswith(f"{base}:{line_of(base, 'fields.canonical')} ")
    assert "fields.type_label" not in wheres
    assert wheres["fields.terms"].startswith(str(MAPPINGS / "online_service" / "glossary.yml"))


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"news.yml": "extends: _bse.yml\nkinds: [news]\n"}, "is no file of"),
        ({"news.yml": "extends: ../x.yml\nkinds: [news]\n"}, "names a .yml file of this folder"),
        (
            {"news.yml": "extends: _a.yml\nkinds: [news]\n", "_a.yml": "extends: news.yml\n"},
            "loops (news.yml → _a.yml → news.yml)",
        ),
    ],
    ids=["missing", "outside", "loop"],
)
def test_a_bad_extends_is_a_problem_at_its_line(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    folder = tmp_path / "online_service"
    write(folder / "_base.yml", BASE)
    for name, text in files.items():
        write(folder / name, text)
    problems = [str(problem) for problem in check_mappings(tmp_path)]
    extends_at = [p for p in problems if message in p]
    assert extends_at, problems
    assert ":1 (extends): extends: " in extends_at[0]
    if message == "is no file of":
        assert "(did you mean '_base.yml'?)" in extends_at[0]


def test_a_problem_in_a_base_is_named_once_at_the_base_line(tmp_path: Path) -> None:
    folder = tmp_path / "online_service"
    base = write(folder / "_base.yml", BASE.replace("- get: fields.name", "- gett: fields.name"))
    write(folder / "news.yml", "extends: _base.yml\nkinds: [news]\n")
    write(folder / "page.yml", "extends: _base.yml\nkinds: [page]\n")
    problems = check_mappings(tmp_path)
    assert [str(p).split(": ")[0] for p in problems] == [
        f"{base}:11 (targets[0].columns.name[0].gett)"
    ]
