"""What `make` installs is what the tests passed with: every dependency is declared and
pinned in constraints.txt, the Makefile installs through it, and installing the project
prints no build-backend warnings (issue 19)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
#: Import names whose distribution is named otherwise.
DISTRIBUTION = {
    "bs4": "beautifulsoup4",
    "yaml": "PyYAML",
    "fpdf": "fpdf2",
    "sqlalchemy": "SQLAlchemy",
    "jinja2": "Jinja2",
    "markupsafe": "MarkupSafe",
    "charset_normalizer": "charset-normalizer",
}


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    return pins


def _declared() -> set[str]:
    requirements = [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["dev"]]
    return {canonicalize_name(Requirement(text).name) for text in requirements}


def _third_party_imports() -> set[str]:
    found = set()
    for path in (ROOT / "transfer").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names} - {"transfer"}


def test_every_imported_package_is_declared() -> None:
    undeclared = {
        name
        for name in _third_party_imports()
        if canonicalize_name(DISTRIBUTION.get(name, name)) not in _declared()
    }
    assert undeclared == set()


def test_every_declared_package_is_pinned_and_allowed_by_its_requirement() -> None:
    pins = _pins()
    for text in [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["dev"]]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pins[name]}, outside {text}"
        )


def test_make_installs_through_the_constraints() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = re.findall(r"pip install [^\n]*", makefile)
    assert installs and all("-c constraints.txt" in line for line in installs if "-e" in line)


@pytest.mark.slow
def test_installing_the_project_prints_no_warning(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "-e", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    # pip's own notes about unreachable mirror folders are the machine's, not the build's.
    printed = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if line.strip() and "is ignored: it is neither a file nor a directory" not in line
    ]
    assert [line for line in printed if "arning" in line or "!!" in line] == []
