"""The teaching notebooks: thin, parameterised, committed clean, and runnable.

Every notebook runs at the ``quick`` preset of ``data/presets.yaml``, lesson
checks on, in the one quick build of the report site that the whole test run
shares (the ``quick_site`` fixture of conftest.py): papermill on a kernel
started with this interpreter (see :func:`smmsim.reports.execute_notebook`).
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from smmsim.reports import SITE_MARKER, execute_notebook, list_notebooks, load_presets

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_markdown_holds_no_unfilled_placeholders(path):
    """Markdown is not formatted: ``{n_runs}`` in prose would show as it is written."""
    nb = nbformat.read(path, as_version=4)
    names = set(_parameter_names(path))
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            shown = {m for m in re.findall(r"\{(\w+)\}", cell.source) if m in names}
            assert not shown, f"{path.stem}: {sorted(shown)} in {cell.source[:60]!r}"


def _parameter_names(path) -> list[str]:
    tree = ast.parse(_first_code_cell(path).source)
    return [node.target.id for node in tree.body if isinstance(node, ast.AnnAssign)]


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _outputs(cell):
    return cell.get("outputs", [])


@pytest.mark.parametrize("name", IDS)
def test_notebook_runs_at_the_quick_preset_and_asserts_its_lesson(name, quick_site, request):
    """CI executes every notebook at the quick preset (in the one quick site build)."""
    site = quick_site.parent
    entry = json.loads((site / SITE_MARKER).read_text())["entries"][name]
    if entry["status"] == "no-real-data":
        request.getfixturevalue("shared_data")  # skipped with the reason when the data is absent
        pytest.fail(f"{name} ran without its real data, which is here: {entry['missing']}")
    assert entry["status"] == "ok", f"{name}: {entry.get('error')}"
    nb = nbformat.read(site / f"{name}.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in _outputs(c) if o.output_type == "error"]
    assert not errors
    images = [o for c in nb.cells for o in _outputs(c) if "image/png" in o.get("data", {})]
    assert images, "every notebook shows at least one figure"
    # papermill injected the quick parameters after the parameters cell, lesson checks on
    params = load_presets()["quick"]["notebooks"].get(name, {})
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == (1 if params else 0)
    assert params.get("check_lesson", True) is True
    # the last cell (the lesson's assertions) ran
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert last.get("execution_count"), "the lesson cell did not run"
    # every interactive cell holds its widget view (live in JupyterLab, hidden in the page)
    for cell in nb.cells:
        if cell.cell_type == "code" and "interactive_experiment(" in cell.source:
            views = [o for o in _outputs(cell) if WIDGET_VIEW in o.get("data", {})]
            assert views, f"no widget view in: {cell.source[:60]!r}"


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
