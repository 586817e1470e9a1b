"""The teaching notebooks: thin, parameterised, committed clean, and runnable.

Every notebook runs with the ``tiny`` preset of ``data/presets.yaml`` through
papermill on a kernel started with this interpreter (see
:func:`smmsim.reports.execute_notebook`).
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import nbformat
import pytest

from smmsim.reports import execute_notebook, list_notebooks, load_presets

NOTEBOOKS = list_notebooks()
IDS = [p.stem for p in NOTEBOOKS]


def _first_code_cell(path):
    nb = nbformat.read(path, as_version=4)
    return next(c for c in nb.cells if c.cell_type == "code")


def test_notebooks_are_numbered_in_order_without_repeats():
    assert len(NOTEBOOKS) >= 3
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert all(p.name[:2].isdigit() and p.name[2] == "_" for p in NOTEBOOKS)
    assert numbers == sorted(set(numbers)) and numbers[0] == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_code_cell_is_tagged_parameters_and_holds_only_typed_commented_literals(path):
    cell = _first_code_cell(path)
    assert "parameters" in cell.metadata.get("tags", [])
    tree = ast.parse(cell.source)
    assert tree.body, "the parameters cell is empty"
    lines = cell.source.splitlines()
    for stmt in tree.body:
        assert isinstance(stmt, ast.AnnAssign), ast.get_source_segment(cell.source, stmt)
        assert isinstance(stmt.target, ast.Name)
        ast.literal_eval(stmt.value)  # raises ValueError unless a literal
        assert "#" in lines[stmt.end_lineno - 1], f"`{stmt.target.id}` has no comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {cell.get('id')} has outputs"
            assert cell.execution_count is None, f"cell {cell.get('id')} has an execution count"
    assert "papermill" not in nb.metadata
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_imports_the_installed_package_and_defines_no_helpers(path):
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "sys.path" not in source
    for cell in nb.cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
            assert not defs, "helpers belong in smmsim.notebook, where they are tested"


# the suite of issue 9 (notebooks 01-14) whose parameters cell has `check_lesson`
LESSON_NOTEBOOKS = [
    p for p in NOTEBOOKS if int(p.name[:2]) <= 14 and "check_lesson" in _first_code_cell(p).source
]


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=[p.stem for p in LESSON_NOTEBOOKS])
def test_lesson_notebook_has_key_figure_folded_answers_and_a_last_cell_that_asserts(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "key-figure" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "What to notice" in markdown and "Things to try" in markdown
    assert "<details><summary>Answer</summary>" in markdown
    last = [c for c in nb.cells if c.cell_type == "code"][-1].source
    assert "if check_lesson:" in last and "assert " in last
    presets = load_presets()
    assert presets["tiny"]["notebooks"][path.stem].get("check_lesson") is False
    assert "check_lesson" not in presets["quick"]["notebooks"].get(path.stem, {})


def test_tiny_preset_covers_every_notebook():
    tiny = load_presets()["tiny"]["notebooks"]
    assert sorted(tiny) == IDS


# notebooks that cannot run at all without the real data (the others say so and go on)
NEEDS_REAL_DATA = {"15_calibration"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_with_tiny_parameters(path, tmp_path, request):
    if path.stem in NEEDS_REAL_DATA:
        request.getfixturevalue("shared_data")  # skipped with the reason when absent
    params = load_presets()["tiny"]["notebooks"].get(path.stem, {})
    out = tmp_path / path.name
    nb = execute_notebook(path, out, params)
    assert out.is_file()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images, "every notebook shows at least one figure"
    # papermill injected the tiny parameters after the parameters cell
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == (1 if params else 0)


def _probe_notebook(path: Path, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x: int = 1  # a parameter")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def test_kernel_runs_this_interpreter_even_if_the_python3_kernelspec_is_broken(
    tmp_path, monkeypatch
):
    # a python3 kernelspec earlier on the Jupyter path that points nowhere:
    # looked up by name, it would fail to start
    spec_dir = tmp_path / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    broken = {
        "argv": [
            str(tmp_path / "no-such-python"),
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
        ],
        "display_name": "broken",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(broken))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    src = _probe_notebook(tmp_path / "probe.ipynb", "import sys\nprint(sys.executable)")
    nb = execute_notebook(src, tmp_path / "out.ipynb", {"x": 2})
    printed = nb.cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()
