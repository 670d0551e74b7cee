"""The package's layout: stages import only the stages before them, no cycles, no imports hidden in functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "citegraph"
# What each part of the package may import from citegraph (docs/ARCHITECTURE.md).
FOUNDATION = {"records", "errors", "fsutil", "rules", "lazy", "version"}
ALLOWED = {
    "version": set(),
    "records": set(),
    "errors": set(),
    "fsutil": set(),
    "lazy": set(),
    "rules": {"errors"},
    "read": FOUNDATION,
    "extract": FOUNDATION | {"read"},
    "graph": FOUNDATION | {"extract"},
    "outputs": FOUNDATION | {"extract", "graph"},
    "store": FOUNDATION | {"read", "extract"},
    "evaluate": FOUNDATION | {"read", "extract"},
    "pipeline": FOUNDATION | {"read", "extract", "graph", "outputs", "store"},
    "cli": FOUNDATION | {"pipeline", "evaluate", "extract", "outputs", "store", "__init__"},
    "__init__": FOUNDATION | {"read", "extract", "graph", "outputs", "store", "pipeline", "evaluate"},
}
# Imports that may stay inside a function: optional dependencies that most runs never need.
OPTIONAL = {"distributed", "dask", "playwright"}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def part_of(path: Path) -> str:
    """The part of the package a module belongs to: its stage folder, or its own name at the top."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(("citegraph", *parts))


def imported(path: Path) -> set[str]:
    """The citegraph modules ``path`` imports (relative imports resolved)."""
    package = module_name(path).split(".") if path.name == "__init__.py" else module_name(path).split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            if node.module:
                found.add(".".join([*base, node.module]))
            else:
                found.update(".".join([*base, alias.name]) for alias in node.names)
    return found


def part_of_module(name: str) -> str:
    """The part of the package a module belongs to; a name that is no module (``__version__``) is the package's."""
    parts = name.split(".")
    if len(parts) < 2 or not ((PACKAGE / f"{parts[1]}.py").is_file() or (PACKAGE / parts[1]).is_dir()):
        return "__init__"
    return parts[1]


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_each_module_imports_only_the_stages_before_it(path):
    part = part_of(path)
    foreign = {part_of_module(name) for name in imported(path)} - {part}
    assert foreign <= ALLOWED[part], f"{path.relative_to(PACKAGE)} imports {sorted(foreign - ALLOWED[part])}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_import_inside_a_function(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for func in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        for node in ast.walk(func):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert all(n.split(".")[0] in OPTIONAL for n in names), (
                    f"{path.relative_to(PACKAGE)}:{node.lineno} imports {names} inside {func.name}")


def test_no_import_cycles():
    graph = {module_name(p): {m for m in imported(p) if m.startswith("citegraph")} for p in modules()}
    graph = {m: {t for t in targets if t in graph and t != m} for m, targets in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(trail[trail.index(nxt):] + [node, nxt]))
            if nxt not in state:
                visit(nxt, trail + [node])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_store_keys_see_every_import(path):
    """``store.keys`` finds a module's imports with a quick line pattern; it must agree with Python's parser."""
    from citegraph.store import keys

    expected = set()
    for name in imported(path):
        target = PACKAGE.joinpath(*name.split(".")[1:])
        expected |= {p for p in (target.with_suffix(".py"), target / "__init__.py") if p.is_file()}
    assert keys._imported_modules(path) == expected
