"""Run the notebook suite with papermill and publish a static HTML report site.

``build_report("quick")`` executes every notebook in ``notebooks/`` with the
parameters of a preset from ``data/presets.yaml`` (``quick`` for class,
``full`` for publication), converts each executed notebook to HTML and writes
an ``index.html`` that links them. The site is rendered in a temporary folder
next to ``out`` and swapped in only when every notebook ran, so a failed or
interrupted build never leaves a half-written site behind.

Notebooks run on a kernel started with *this* Python interpreter
(``sys.executable -m ipykernel_launcher``), whatever kernelspecs are installed,
so the kernel always imports the same smmsim as the caller.

The command line is ``smmsim report [--preset quick|full] [--out DIR]``.
"""

from __future__ import annotations

import ast
import functools
import html
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

__all__ = [
    "ReportError",
    "NotebookParameter",
    "build_report",
    "execute_notebook",
    "list_notebooks",
    "load_presets",
    "notebook_html",
    "notebooks_dir",
    "presets_path",
    "read_parameters",
]

_PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Written into every site this module builds: only a folder holding it (or an
# empty one) is ever replaced, so a report never deletes files it did not write.
SITE_MARKER = ".smmsim-site"
_PRESET_KEYS = ("description", "notebooks")
_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict}


class ReportError(RuntimeError):
    """A notebook failed while building a report (the previous site is kept)."""


@dataclass(frozen=True)
class NotebookParameter:
    """One assignment of a notebook's ``parameters`` cell.

    Attributes
    ----------
    name : str
    annotation : str
        The type annotation as written (``"int"``, ``"list"``, ...).
    default : object
        The literal value.
    comment : str
        The trailing ``# ...`` comment, without the ``#``.
    """

    name: str
    annotation: str
    default: object
    comment: str = ""


# ---------------------------------------------------------------------------
# Where things are


def notebooks_dir() -> Path:
    """The project's ``notebooks/`` folder (next to the ``smmsim`` package).

    Raises
    ------
    FileNotFoundError
        If smmsim is installed without its project folder (not editable).
    """
    folder = _PROJECT_ROOT / "notebooks"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"notebooks folder not found at {str(folder)!r}; reports need the project "
            "checkout (pip install -e .)."
        )
    return folder


def presets_path() -> Path:
    """Path of the project's parameter presets, ``data/presets.yaml``."""
    return _PROJECT_ROOT / "data" / "presets.yaml"


def list_notebooks(folder=None) -> list[Path]:
    """The notebooks of the suite, in name order (``NN_name.ipynb``).

    Parameters
    ----------
    folder : str or Path, optional
        Default: :func:`notebooks_dir`.

    Returns
    -------
    list of Path
    """
    folder = notebooks_dir() if folder is None else Path(folder)
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


# ---------------------------------------------------------------------------
# Parameters cell and presets


def read_parameters(path) -> dict[str, NotebookParameter]:
    """The parameters of a notebook: its first code cell, tagged ``parameters``.

    The cell must hold only annotated assignments of literals, one per name,
    e.g. ``n_nodes: int = 2_000  # people in the graph``.

    Parameters
    ----------
    path : str or Path
        A ``.ipynb`` file.

    Returns
    -------
    dict of str -> NotebookParameter
        In the order of the cell.

    Raises
    ------
    ValueError
        If the notebook has no code cell, the first one is not tagged
        ``parameters``, or it holds anything but annotated literal assignments.
    """
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code:
        raise ValueError(f"notebook {path.name} has no code cell; expected a parameters cell.")
    cell = code[0]
    if "parameters" not in cell.metadata.get("tags", []):
        raise ValueError(
            f"notebook {path.name}: the first code cell must be tagged 'parameters'; "
            f"its tags are {list(cell.metadata.get('tags', []))}."
        )
    source = cell.source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ValueError(
            f"notebook {path.name}: parameters cell is not valid Python: {exc}"
        ) from None
    lines = source.splitlines()
    out = {}
    for stmt in tree.body:
        where = f"notebook {path.name}, parameters cell line {stmt.lineno}"
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            raise ValueError(
                f"{where}: only annotated assignments `name: type = literal` are allowed; "
                f"got {ast.get_source_segment(source, stmt)!r}."
            )
        if stmt.value is None:
            raise ValueError(f"{where}: `{stmt.target.id}` has no value.")
        try:
            value = ast.literal_eval(stmt.value)
        except ValueError:
            raise ValueError(
                f"{where}: `{stmt.target.id}` must be a literal (compute derived values in the "
                f"next cell); got {ast.get_source_segment(source, stmt.value)!r}."
            ) from None
        name = stmt.target.id
        if name in out:
            raise ValueError(f"{where}: `{name}` is assigned twice.")
        annotation = ast.get_source_segment(source, stmt.annotation)
        _check_type(value, annotation, f"{where}: `{name}`")
        line = lines[stmt.end_lineno - 1]
        comment = line.split("#", 1)[1].strip() if "#" in line[stmt.end_col_offset :] else ""
        out[name] = NotebookParameter(name, annotation, value, comment)
    return out


def _check_type(value, annotation: str, where: str) -> None:
    base = annotation.split("[", 1)[0].strip()
    kind = _TYPES.get(base)
    if kind is None:
        raise ValueError(
            f"{where}: annotation must be one of {', '.join(_TYPES)} (optionally with [...]); "
            f"got {annotation!r}."
        )
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise ValueError(f"{where} must be {annotation}; got {value!r}.")


def load_presets(path=None, *, folder=None) -> dict:
    """Load and validate parameter presets.

    The file maps a preset name to an optional ``description`` and to
    ``notebooks``: notebook name (file name without ``.ipynb``) -> parameter
    overrides. A notebook left out runs with its own defaults.

    Parameters
    ----------
    path : str or Path, optional
        Default: :func:`presets_path`.
    folder : str or Path, optional
        The notebooks the presets refer to (default: :func:`notebooks_dir`).

    Returns
    -------
    dict
        ``{preset: {"description": str, "notebooks": {notebook: {name: value}}}}``.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        On invalid YAML, an unknown key, a notebook that does not exist, a
        parameter the notebook does not have, or a value of the wrong type.
    """
    import yaml

    path = presets_path() if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"presets file not found: {str(path)!r}.")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ValueError(f"presets file {path.name} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not data:
        raise ValueError(
            f"presets file {path.name} must map preset names to presets; got {data!r}."
        )
    known = {p.stem: p for p in list_notebooks(folder)}
    params = {}
    out = {}
    for preset, body in data.items():
        where = f"{path.name}: preset {preset!r}"
        body = {} if body is None else body
        if not isinstance(body, dict):
            raise ValueError(f"{where} must be a mapping; got {body!r}.")
        unknown = sorted(set(body) - set(_PRESET_KEYS))
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {unknown}; allowed: {list(_PRESET_KEYS)}.")
        notebooks = body.get("notebooks") or {}
        if not isinstance(notebooks, dict):
            raise ValueError(f"{where}: `notebooks` must be a mapping; got {notebooks!r}.")
        checked = {}
        for name, overrides in notebooks.items():
            if name not in known:
                raise ValueError(
                    f"{where}: unknown notebook {name!r}; the notebooks are {sorted(known)}."
                )
            overrides = {} if overrides is None else overrides
            if not isinstance(overrides, dict):
                raise ValueError(
                    f"{where}, notebook {name!r}: must be a mapping; got {overrides!r}."
                )
            if name not in params:
                params[name] = read_parameters(known[name])
            for key, value in overrides.items():
                if key not in params[name]:
                    raise ValueError(
                        f"{where}, notebook {name!r}: unknown parameter {key!r}; its parameters "
                        f"are {', '.join(params[name])}."
                    )
                _check_type(
                    value, params[name][key].annotation, f"{where}, notebook {name!r}: `{key}`"
                )
            checked[name] = dict(overrides)
        description = body.get("description", "")
        if not isinstance(description, str):
            raise ValueError(f"{where}: `description` must be text; got {description!r}.")
        out[str(preset)] = {"description": description.strip(), "notebooks": checked}
    return out


# ---------------------------------------------------------------------------
# Executing and rendering one notebook


@functools.cache
def _kernel_manager_class():
    """An AsyncKernelManager that always starts ipykernel on ``sys.executable``.

    nbclient looks the kernel up by name among the installed kernelspecs, and a
    ``python3`` spec may point to another interpreter (its argv is often just
    ``python``, resolved on PATH). This manager ignores the name.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec

    class ThisPythonKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                # the kernel's own log lines ("running over TCP without encryption",
                # "KeyboardInterrupt caught" at shutdown)
                # are noise here: cell errors land in the executed notebook
                spec = get_kernel_dict(extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
                traits = set(KernelSpec.class_trait_names())
                spec = {k: v for k, v in spec.items() if k in traits}
                # no "frozen modules" debugger warning on the kernel's stderr
                spec["env"] = {**spec.get("env", {}), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
                self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **spec)
            return self._kernel_spec

    return ThisPythonKernelManager


def execute_notebook(path, out_path, parameters=None, *, cwd=None, timeout=None):
    """Execute one notebook with papermill on a kernel running this interpreter.

    Parameters
    ----------
    path : str or Path
        The notebook.
    out_path : str or Path
        Where the executed notebook is written (also when a cell fails).
    parameters : dict, optional
        Overrides of the notebook's parameters.
    cwd : str or Path, optional
        Working directory of the kernel (default: the notebook's folder, as
        in JupyterLab).
    timeout : float, optional
        Seconds allowed per cell (default: no limit).

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Raises
    ------
    papermill.PapermillExecutionError
        If a cell raises.
    """
    import papermill as pm

    path = Path(path)
    return pm.execute_notebook(
        str(path),
        str(out_path),
        parameters=dict(parameters or {}),
        kernel_name="python3",
        language="python",
        cwd=str(cwd or path.parent),
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        execution_timeout=timeout,
        kernel_manager_class=_kernel_manager_class(),
    )


def notebook_html(nb, *, title: str, back_link: str | None = "index.html") -> str:
    """Render an executed notebook as a standalone HTML page (code, outputs, figures).

    Figures are embedded as base64 PNG images, so each page is a single file.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    title : str
        The page title.
    back_link : str or None, default "index.html"
        Adds a link back to the report's index at the top of the page.

    Returns
    -------
    str
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    if back_link:
        nav = (
            '<nav style="font: 14px system-ui, sans-serif; padding: 10px 20px; '
            'border-bottom: 1px solid #ddd; background: #f7f7f7;">'
            f'<a href="{html.escape(back_link)}">&larr; All notebooks</a></nav>'
        )
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
    return body


def _title_and_summary(nb, fallback: str) -> tuple[str, str]:
    """The first markdown heading and the paragraph after it."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.strip().splitlines()
        if lines and lines[0].startswith("#"):
            title = lines[0].lstrip("#").strip()
            paragraph = []
            for line in lines[1:]:
                if not line.strip():
                    if paragraph:
                        break
                    continue
                paragraph.append(line.strip())
            summary = re.sub(r"[*`_]", "", " ".join(paragraph))
            return title, summary
    return fallback, ""


# ---------------------------------------------------------------------------
# The site


def build_report(preset="quick", *, out="reports/site", notebooks=None, progress=True) -> Path:
    """Execute the notebook suite with a preset and publish it as an HTML site.

    Parameters
    ----------
    preset : str, default "quick"
        A preset of ``data/presets.yaml``: ``quick`` (small graphs and few
        replicates, for class, under a minute) or ``full`` (publication size).
    out : str or Path, default "reports/site"
        The site folder (relative to the working directory). It is replaced
        as a whole, and only if every notebook ran.
    notebooks : list of str, optional
        Only these notebooks (names without ``.ipynb``); default: all.
    progress : bool, default True
        Print one line per notebook to stderr.

    Returns
    -------
    Path
        The site's ``index.html``.

    Raises
    ------
    ValueError
        If the preset or a notebook name is unknown, or the presets file is invalid.
    ReportError
        If a notebook failed. The previous site is kept; the failed render
        (with the traceback in the page) is left in ``<out>.failed``.

    Notes
    -----
    ``build_report("quick")`` is what ``smmsim report`` runs; it returns
    ``Path("reports/site/index.html")``.
    """
    presets = load_presets()
    if preset not in presets:
        raise ValueError(f"unknown preset {preset!r}; the presets are {', '.join(presets)}.")
    chosen = presets[preset]
    paths = list_notebooks()
    if notebooks is not None:
        names = [notebooks] if isinstance(notebooks, str) else list(notebooks)
        by_name = {p.stem: p for p in paths}
        unknown = [n for n in names if Path(n).stem not in by_name]
        if unknown:
            raise ValueError(f"unknown notebook(s) {unknown}; the notebooks are {sorted(by_name)}.")
        paths = [by_name[Path(n).stem] for n in names]
    if not paths:
        raise ValueError(f"no notebooks to run in {str(notebooks_dir())!r}.")
    out = Path(out)
    if out.name in ("", ".."):  # "." or "..": name the folder itself
        out = out.resolve()
    _check_replaceable(out, "out")
    _check_replaceable(out.with_name(out.name + ".failed"), "out")
    out.parent.mkdir(parents=True, exist_ok=True)

    def say(message):
        if progress:
            print(message, file=sys.stderr, flush=True)

    say(f"smmsim report: preset {preset!r}, {len(paths)} notebook(s) -> {out}")
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        entries, failed = [], []
        for i, path in enumerate(paths, 1):
            params = chosen["notebooks"].get(path.stem, {})
            t0 = time.perf_counter()
            error = None
            try:
                execute_notebook(path, tmp / path.name, params)
            except Exception as exc:  # the executed notebook still holds the traceback
                if not (tmp / path.name).is_file():
                    raise
                error = f"{type(exc).__name__}: {_first_line(exc)}"
                failed.append(path.stem)
            seconds = time.perf_counter() - t0
            entry = _render_page(tmp, path, params, seconds, error)
            entries.append(entry)
            say(
                f"  [{i}/{len(paths)}] {path.stem:<28} {'FAILED' if error else 'ok':<6} "
                f"{seconds:6.1f} s"
            )
        total = time.perf_counter() - started
        (tmp / "index.html").write_text(_index_html(preset, chosen, entries, total))
        (tmp / SITE_MARKER).write_text("A report site written by `smmsim report`.\n")
        os.chmod(tmp, 0o755)
        if failed:
            target = out.with_name(out.name + ".failed")
            _swap_in(tmp, target)
            raise ReportError(
                f"notebook(s) {', '.join(failed)} failed; the previous site in {str(out)!r} is "
                f"unchanged. See the pages in {str(target)!r}."
            )
        _swap_in(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    say(f"smmsim report: done in {time.perf_counter() - started:.1f} s; open {out / 'index.html'}")
    return out / "index.html"


def _first_line(exc) -> str:
    text = str(exc).strip().splitlines()
    # papermill's message starts with a banner; the exception line is last
    return text[-1] if text else type(exc).__name__


def _render_page(folder: Path, source: Path, params: dict, seconds: float, error) -> dict:
    import nbformat

    nb = nbformat.read(folder / source.name, as_version=4)
    title, summary = _title_and_summary(nb, source.stem)
    page = folder / f"{source.stem}.html"
    page.write_text(notebook_html(nb, title=title))
    n_figures = sum(
        1 for cell in nb.cells for o in cell.get("outputs", []) if "image/png" in o.get("data", {})
    )
    return {
        "name": source.stem,
        "title": title,
        "summary": summary,
        "html": page.name,
        "ipynb": source.name,
        "seconds": seconds,
        "error": error,
        "params": params,
        "n_figures": n_figures,
    }


def _check_replaceable(folder: Path, name: str) -> None:
    """Refuse a site folder that holds anything a report did not write."""
    if not folder.exists():
        if any(p.exists() and not p.is_dir() for p in folder.parents):
            raise ValueError(f"`{name}` {str(folder)!r} lies below a file; choose a folder.")
        return
    if not folder.is_dir():
        raise ValueError(f"`{name}` must be a folder; {str(folder)!r} is a file.")
    if (folder / SITE_MARKER).is_file():
        return
    entries = sorted(p.name for p in folder.iterdir())
    if entries:
        shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise ValueError(
            f"`{name}` {str(folder)!r} holds files that smmsim did not write ({shown}); "
            "a report replaces its folder as a whole, so give a new or empty folder, "
            "or one that holds a site smmsim built."
        )


def _swap_in(tmp: Path, target: Path) -> None:
    """Replace folder ``target`` by ``tmp`` (two renames; the old one is removed after)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


_INDEX_CSS = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 980px; margin: 2.5em auto; padding: 0 1.2em; }
h1 { font-size: 2em; margin-bottom: .1em; }
.sub { color: #555; margin-top: 0; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 1em 1.3em; margin: 1.1em 0;
        background: #fafafa; }
.card h2 { margin: 0 0 .3em 0; font-size: 1.3em; }
.card h2 a { color: #1a5fb4; text-decoration: none; }
.card h2 a:hover { text-decoration: underline; }
.card p { margin: .3em 0; }
.meta { color: #666; font-size: .88em; }
.meta code { background: #eee; padding: 1px 4px; border-radius: 3px; }
.failed { border-color: #c44e52; background: #fff3f3; }
.badge { display: inline-block; font-size: .75em; padding: 1px 7px; border-radius: 10px;
         background: #c44e52; color: white; vertical-align: middle; margin-left: .4em; }
footer { color: #777; font-size: .85em; margin-top: 2.5em; border-top: 1px solid #ddd;
         padding-top: .8em; }
"""


def _index_html(preset: str, chosen: dict, entries: list, total: float) -> str:
    from . import __version__

    esc = html.escape
    cards = []
    for i, e in enumerate(entries, 1):
        params = (
            ", ".join(f"<code>{esc(k)}={esc(repr(v))}</code>" for k, v in e["params"].items())
            or "notebook defaults"
        )
        status = '<span class="badge">failed</span>' if e["error"] else ""
        error = f'<p class="meta">Error: {esc(e["error"])}</p>' if e["error"] else ""
        cards.append(
            f'<div class="card{" failed" if e["error"] else ""}">'
            f'<h2>{i}. <a href="{esc(e["html"])}">{esc(e["title"])}</a>{status}</h2>'
            f"<p>{esc(e['summary'])}</p>{error}"
            f'<p class="meta">{e["n_figures"]} figure(s) &middot; ran in {e["seconds"]:.1f} s '
            f'&middot; <a href="{esc(e["ipynb"])}">executed notebook (.ipynb)</a><br>'
            f"parameters: {params}</p></div>"
        )
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    description = esc(chosen["description"]) if chosen["description"] else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>smmsim report ({esc(preset)})</title>
<style>{_INDEX_CSS}</style></head>
<body>
<h1>smmsim: word of mouth in social media marketing</h1>
<p class="sub">Simulated campaigns, seeding, crises and validation &mdash; one notebook per concept.
Preset <b>{esc(preset)}</b>{" &mdash; " + description if description else ""}</p>
{"".join(cards)}
<footer>Built {stamp} in {total:.0f} s with smmsim {esc(__version__)} on Python
{esc(platform.python_version())}. Rebuild with <code>smmsim report --preset {esc(preset)}</code>;
open a notebook in JupyterLab (<code>notebooks/</code>) to change its parameters and rerun it.
</footer>
</body></html>
"""
