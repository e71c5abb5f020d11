"""The shape of the package: no import cycles in voc/, and no module uses another module's _private names.

Every module under voc/ is parsed (nothing is imported). An import of a voc module is an edge of
the import graph wherever it is written, at module level or inside a function: a function-level
import only delays a cycle to the first call. Imports under ``if TYPE_CHECKING:`` never run and are
not edges. Importing ``voc.a.b`` also runs ``voc/a/__init__.py``; that implicit parent import is
not an edge (a package may import its own submodules to re-export them).
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass
from pathlib import Path

from voc.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "voc"


@dataclass(frozen=True)
class Import:
    importer: str
    target: str
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def voc_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@dataclass
class Parsed:
    imports: list[Import]
    private: list[str]
    """``importer:line: what`` for each private name taken from another module."""


def parse_package() -> Parsed:
    modules = voc_modules()
    imports: list[Import] = []
    private: list[str] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        aliases: dict[str, str] = {}  # local name bound to a voc module -> that module
        nodes = list(_runtime_nodes(tree))
        for node in nodes:
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in modules:
                        imports.append(Import(name, a.name, node.lineno))
                        aliases[a.asname or a.name] = a.name
                    if any(part.startswith("_") and not part.startswith("__") for part in a.name.split(".")):
                        if a.name.split(".")[0] == "voc":
                            private.append(f"{name}:{node.lineno}: import {a.name}")
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(name, path, node)
                if source.split(".")[0] != "voc":
                    continue
                for a in node.names:
                    sub = f"{source}.{a.name}"
                    target = sub if sub in modules else source
                    if target in modules:
                        imports.append(Import(name, target, node.lineno))
                    if sub in modules:
                        aliases[a.asname or a.name] = sub
                    if a.name.startswith("_") and not a.name.startswith("__") and target != name:
                        private.append(f"{name}:{node.lineno}: from {source} import {a.name}")
        for node in nodes:
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and aliases[node.value.id] != name
            ):
                private.append(f"{name}:{node.lineno}: {aliases[node.value.id]}.{node.attr}")
    return Parsed(imports, private)


def import_cycles(imports: list[Import]) -> list[list[str]]:
    """Each strongly connected group of modules (more than one), as one cycle through it.

    Breaking the cycle shown may leave another in the same group; the test then shows that one.
    """
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if imp.importer != imp.target:
            graph.setdefault(imp.importer, set()).add(imp.target)
            graph.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan; the package is small enough for recursion
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    cycles = []
    for group in groups:
        start = min(group)
        # shortest way back to start inside the group (breadth first)
        paths = {start: [start]}
        frontier = [start]
        found = None
        while frontier and found is None:
            nxt = []
            for v in frontier:
                for w in sorted(graph[v] & group):
                    if w == start:
                        found = paths[v] + [start]
                        break
                    if w not in paths:
                        paths[w] = paths[v] + [w]
                        nxt.append(w)
                if found:
                    break
            frontier = nxt
        cycles.append(found or sorted(group))
    return sorted(cycles)


def _describe(cycle: list[str], imports: list[Import]) -> str:
    lines = {(i.importer, i.target): i.line for i in reversed(imports)}
    steps = [f"{a} (line {lines[(a, b)]}) -> {b}" for a, b in itertools.pairwise(cycle)]
    return " | ".join(steps)


def test_the_parser_sees_the_package():
    parsed = parse_package()
    importers = {i.importer for i in parsed.imports}
    assert "voc.pipeline" in importers and "voc.cli" in importers
    assert any(i.importer == "voc.pipeline" and i.target == "voc.store" for i in parsed.imports)


def test_a_cycle_through_a_function_level_import_is_found():
    imports = [Import("voc.a", "voc.b", 1), Import("voc.b", "voc.c", 2), Import("voc.c", "voc.a", 9),
               Import("voc.c", "voc.d", 3)]
    assert import_cycles(imports) == [["voc.a", "voc.b", "voc.c", "voc.a"]]
    assert import_cycles(imports[:2] + imports[3:]) == []


def test_no_import_cycles_in_voc():
    parsed = parse_package()
    cycles = import_cycles(parsed.imports)
    assert not cycles, "import cycles in voc/ (break each by moving the shared part down a layer):\n" + "\n".join(
        _describe(c, parsed.imports) for c in cycles
    )


def test_no_private_names_taken_across_modules():
    private = parse_package().private
    assert not private, "private names used from another module (make them public or move them):\n" + "\n".join(
        private
    )
