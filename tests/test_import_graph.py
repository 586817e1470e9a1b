"""The package's imports run downhill, with no circle (see ARCHITECTURE.md).

The graph is read with ``ast`` from every ``import`` in the package, those inside
functions too (a lazy import is still a dependency). A module's layer is that of
the longest entry of ``LAYERS`` that names it or one of its packages; compiled
kernels (``_kernel``, ``_kernels``, ``_*_kernel``) sit in the basement wherever they
live. A module may import its own layer or lower ones, never a higher one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "smmsim"

# from the ground up; a new top-level module that is not listed counts as a study (5)
LAYERS = {
    # 0 basement: randomness, checks, dotted paths, files; compiled kernels (below)
    "smmsim._rng": 0,
    "smmsim._validation": 0,
    "smmsim._dotted": 0,
    "smmsim._streams": 0,
    "smmsim._jit": 0,
    "smmsim._memory": 0,
    "smmsim._seedseq": 0,
    "smmsim.io": 0,
    # 1 data: social graphs, people, real data
    "smmsim.graphs": 1,
    "smmsim.population": 1,
    "smmsim.realdata": 1,
    "smmsim._edgelist": 1,
    # 2 models and algorithms on graphs
    "smmsim.classic": 2,
    "smmsim.strategies": 2,
    # 3 what a run is made of and what is measured
    "smmsim.scenario": 3,
    "smmsim.metrics": 3,
    # 4 the engine
    "smmsim.engine": 4,
    # 5 studies and presentation: many runs, tables, figures, reports
    "smmsim.sweep": 5,
    "smmsim.experiments": 5,
    "smmsim.cascades": 5,
    "smmsim.lessons": 5,
    "smmsim.notebook": 5,
    "smmsim._widgets": 5,
    "smmsim.reports": 5,
    "smmsim.calibration": 5,
    "smmsim.apps": 5,
    # 6 the command line
    "smmsim.cli": 6,
}
STUDY = 5
_KERNEL = re.compile(r"_(\w+_)?kernels?$")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, tuple[str, ...], int]]:
    """(module imported, names taken, line) for every import of the package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, (), node.lineno) for a in node.names if a.name.startswith("smmsim")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("smmsim"):
                continue
            names = tuple(a.name for a in node.names)
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            out += [(s, (), node.lineno) for s in subs]
            rest = tuple(n for n in names if f"{target}.{n}" not in MODULES)
            if rest or not subs:
                out.append((target, rest, node.lineno))
    return out


EDGES = {
    name: {
        target: (taken, line)
        for target, taken, line in _imports(name, path)
        if target != name and target in MODULES
    }
    for name, path in MODULES.items()
}


def layer(name: str) -> int:
    if _KERNEL.search(name.rpartition(".")[2]):
        return 0
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return LAYERS[prefix]
    return STUDY


def unit(name: str) -> str:
    """The concept a module belongs to: its subpackage (kernels stand alone)."""
    if _KERNEL.search(name.rpartition(".")[2]):
        return name
    return ".".join(name.split(".")[:2])


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read():
    assert "smmsim.engine.run" in MODULES
    assert "smmsim.engine._kernel" in EDGES["smmsim.engine.run"]
    assert layer("smmsim.engine._kernel") == 0
    assert layer("smmsim.cli.main") == 6


def test_no_module_circle():
    graph = {m: set(e) - {"smmsim"} for m, e in EDGES.items()}
    assert _cycles(graph) == []


def test_no_circle_between_subpackages():
    graph: dict[str, set[str]] = {}
    for m, targets in EDGES.items():
        for t in targets:
            if t != "smmsim" and unit(t) != unit(m):
                graph.setdefault(unit(m), set()).add(unit(t))
    assert _cycles(graph) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_run_downhill(name):
    uphill = [
        f"{name} (layer {layer(name)}) imports {t} (layer {layer(t)}) at line {line}"
        for t, (_, line) in sorted(EDGES[name].items())
        if t != "smmsim" and layer(t) > layer(name)
    ]
    assert uphill == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_the_top_package_gives_only_its_version(name):
    # smmsim/__init__.py loads submodules lazily; importing it is only for __version__
    taken = EDGES[name].get("smmsim", ((), 0))[0]
    assert set(taken) <= {"__version__"}
