"""The package's import graph keeps the architecture's walls (issue 18): no cycle among the
modules' imports, nothing outside ``transfer/sandbox/`` imports the sandbox, and nothing
outside ``transfer/cli/`` imports the CLI. Read from the source with ``ast``, so a lazy
import inside a function counts as much as one at the top of a module."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "transfer"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, *, runtime: bool) -> Iterator[str]:
    """The modules of the package that ``module`` imports (with ``runtime``, leaving out
    the ones only imported for type checking)."""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if runtime and isinstance(node, ast.If) and _is_type_checking(node):
            node.body = []  # its imports never run
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                yield name


def _graph(*, runtime: bool) -> dict[str, set[str]]:
    return {
        module: set(_imports(ast.parse(path.read_text(encoding="utf-8")), module, runtime=runtime))
        for module, path in MODULES.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle, as the modules along it, or ``[]``."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        trail.append(module)
        for other in sorted(graph.get(module, ())):
            if state.get(other) == 1:
                return [*trail[trail.index(other) :], other]
            if other not in state and (found := visit(other)):
                return found
        trail.pop()
        state[module] = 2
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return []


def test_no_import_cycle() -> None:
    graph = _graph(runtime=True)
    # ``transfer`` (the package's __init__) is imported by every submodule implicitly and
    # imports nothing of its own; a package's __init__ re-exporting its modules is the
    # usual shape, so edges into a package's own __init__ from inside it are not counted.
    for module, targets in graph.items():
        graph[module] = {
            target
            for target in targets
            if not (MODULES[target].name == "__init__.py" and module.startswith(target + "."))
        }
    assert _cycle(graph) == []


#: Who may import a walled package besides itself: ``python -m transfer`` runs the CLI, and
#: the CLI's ``sandbox`` group (``transfer sandbox serve``, ``transfer rehearse``) is the one
#: door to the sandbox; no product stage goes through it.
DOORS = {"transfer.cli": {"transfer.__main__"}, "transfer.sandbox": {"transfer.cli.sandbox"}}


@pytest.mark.parametrize("walled", sorted(DOORS))
def test_only_its_own_package_imports(walled: str) -> None:
    graph = _graph(runtime=False)
    offenders = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if not (module == walled or module.startswith(walled + ".")) and module not in DOORS[walled]
        for target in targets
        if target == walled or target.startswith(walled + ".")
    )
    assert offenders == []


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
