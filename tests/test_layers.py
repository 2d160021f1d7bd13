"""The package's layers, enforced: the core imports neither the web app nor the site, the two
parts do not import each other, only the command line imports everything, and no modules
import each other in a cycle (imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "api" / "dateline"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """The dateline modules that ``name`` imports, anywhere in its code."""
    found: set[str] = set()
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            found.add(base)
            # `from dateline import store` imports the module dateline.store
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m in MODULES and m != name and m != "dateline"}


GRAPH = {name: imports_of(name) for name in MODULES}


def part(name: str) -> str:
    if name.startswith("dateline.web"):
        return "web"
    if name.startswith("dateline.site"):
        return "site"
    if name in ("dateline.cli", "dateline.__main__"):
        return "cli"
    return "core"


ALLOWED = {
    "core": {"core"},
    "web": {"core", "web"},
    "site": {"core", "site"},
    "cli": {"core", "web", "site", "cli"},
}


def test_the_graph_sees_the_package() -> None:
    assert {"dateline.model", "dateline.web.app", "dateline.site.pages", "dateline.cli"} <= set(
        MODULES
    )
    assert "dateline.store" in GRAPH["dateline.web.app"]
    assert "dateline.web.feeds" in GRAPH["dateline.web.app"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_part_imports_only_what_lies_below_it(name: str) -> None:
    wrong = sorted(m for m in GRAPH[name] if part(m) not in ALLOWED[part(name)])
    assert wrong == [], f"{name} ({part(name)}) imports {wrong}"


def test_no_import_cycles() -> None:
    # Depth-first search for a back edge; report the cycle found.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for other in sorted(GRAPH[name]):
            if state.get(other) == 1:
                return [*stack[stack.index(other) :], other]
            if other not in state and (cycle := visit(other)):
                return cycle
        stack.pop()
        state[name] = 2
        return None

    for name in sorted(MODULES):
        if name not in state and (cycle := visit(name)):
            pytest.fail(" → ".join(cycle))
