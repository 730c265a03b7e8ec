"""The package's shape (issue 19): the import graph of kalog/ has no circles,
and rule modules import their API from one place.

The graph is read from the source (every `import` and `from ... import`,
also those under `if TYPE_CHECKING:` and inside functions: a circle a lazy
import hides is still a circle a reader has to untangle).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kalog"
RULES = ROOT / "rules"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path, known: set[str]) -> set[str]:
    """The kalog modules `path` imports (a `from pkg import sub` names the submodule)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                if sub in known:
                    found.add(sub)
                elif node.module in known:
                    found.add(node.module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) - {name} for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_circles() -> None:
    graph = _graph()
    assert len(graph) > 40  # the whole package was read
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_rules_import_their_api_from_one_place() -> None:
    modules = set(_modules())
    for path in sorted(RULES.glob("ka*.py")):
        imported = _imports(path, modules)
        assert imported <= {"kalog.check.api"}, (path.name, sorted(imported))


def test_rules_install_inside_kalog() -> None:
    """The repo's rules/ installs as kalog.rules (a link), never as a top-level
    `rules` package (a name another PyPI project uses)."""
    import tomllib

    from setuptools import find_packages

    from kalog.check.registry import load_rules

    assert (PACKAGE / "rules").resolve() == RULES.resolve()
    include = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]["find"]["include"]
    packages = find_packages(str(ROOT), include=include)
    assert "kalog.rules" in packages
    assert "rules" not in packages
    assert {spec.module.rsplit(".", 1)[0] for spec in load_rules()} == {"kalog.rules"}


def test_every_machine_format_is_a_machine_format() -> None:
    import importlib

    from kalog.report import MachineFormat, OutputFormat

    machine = [f for f in OutputFormat if f is not OutputFormat.RICH]
    assert machine
    for fmt in machine:
        assert isinstance(importlib.import_module(fmt.module), MachineFormat), fmt
