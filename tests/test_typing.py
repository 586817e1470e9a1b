"""Typing: the public API of the checked modules is annotated, so mypy (``.ci/run``) reads it.

Read with ``ast``: every public function and every public method of a public
class (names without a leading underscore, plus ``__init__``) in the modules
below annotates each argument (``self`` and ``cls`` aside) and, ``__init__``
aside, its return type. Compiled kernels (``_kernel.py``, ``_kernels.py``,
``_*_kernel.py``) are left out: numba reads their types from the arguments.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# the annotated modules (files, or folders for every module in them); mypy checks them in CI
ANNOTATED = [
    "smmsim/_rng.py",
    "smmsim/_validation.py",
    "smmsim/io.py",
    "smmsim/_memory.py",
    "smmsim/_edgelist.py",
    "smmsim/graphs.py",
    "smmsim/population.py",
    "smmsim/engine/__init__.py",
    "smmsim/engine/planning.py",
    "smmsim/engine/run.py",
    "smmsim/classic",
    "smmsim/strategies",
    "smmsim/metrics",
    "smmsim/scenario",
    "smmsim/sweep",
    "smmsim/experiments.py",
    "smmsim/reports",
    "smmsim/cli",
    "smmsim/realdata.py",
    "smmsim/cascades.py",
    "smmsim/calibration.py",
    "smmsim/_abc.py",
    "smmsim/apps.py",
    "smmsim/lessons.py",
    "smmsim/notebook.py",
]
_KERNEL = re.compile(r"_(\w+_)?kernels?\.py$")


def _files() -> list[Path]:
    files: list[Path] = []
    for entry in ANNOTATED:
        path = ROOT / entry
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return [f for f in files if not _KERNEL.search(f.name)]


def _public(name: str) -> bool:
    return not name.startswith("_") or name == "__init__"


def _functions(tree: ast.Module):
    """``(qualified name, node, is_method)`` of the public functions and methods of ``tree``."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _public(node.name):
            if node.name != "__init__":
                yield node.name, node, False
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and _public(sub.name):
                    yield f"{node.name}.{sub.name}", sub, True


def missing_annotations(path: Path) -> list[str]:
    """Arguments (``f(x)``) and return types (``f -> ?``) without an annotation in ``path``."""
    missing = []
    for name, fn, method in _functions(ast.parse(path.read_text())):
        a = fn.args
        args = [*a.posonlyargs, *a.args, *a.kwonlyargs]
        args += [x for x in (a.vararg, a.kwarg) if x is not None]
        static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)
        if method and not static and args:
            args = args[1:]  # self or cls
        missing += [f"{name}({x.arg})" for x in args if x.annotation is None]
        if fn.returns is None and fn.name != "__init__":
            missing.append(f"{name} -> ?")
    return missing


def test_the_annotated_modules_exist():
    assert all((ROOT / entry).exists() for entry in ANNOTATED)
    assert len(_files()) >= len(ANNOTATED)


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_public_api_is_annotated(path):
    assert missing_annotations(path) == []


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_annotations_are_not_evaluated_at_import(path):
    # type-only imports (under TYPE_CHECKING) and import time rest on it
    tree = ast.parse(path.read_text())
    annotated = any(
        isinstance(node, ast.AnnAssign)
        or (isinstance(node, ast.arg) and node.annotation is not None)
        or (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns)
        for node in ast.walk(tree)
    )
    future = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(a.name == "annotations" for a in node.names)
        for node in tree.body
    )
    assert future or not annotated


def test_the_reader_finds_a_missing_annotation(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "class A:\n"
        "    def f(self, x: int, y) -> int: ...\n"
        "    def _g(self, z): ...\n"
        "def h(a: int, *args, **kw: int): ...\n"
        "def _k(b): ...\n"
    )
    assert missing_annotations(source) == ["A.f(y)", "h(args)", "h -> ?"]


def test_ci_runs_mypy_on_the_annotated_modules():
    ci = (ROOT / ".ci" / "run").read_text()
    command = ci[ci.index("python3 -m mypy ") :].replace("\\\n", " ").split("\n")[0]
    checked = command.split()[3:]
    for entry in ANNOTATED:
        assert any(
            entry == c.rstrip("/") or entry.startswith(c.rstrip("/") + "/") for c in checked
        ), entry
