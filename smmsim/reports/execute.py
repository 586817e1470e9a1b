"""Execute one notebook with papermill on a kernel running this interpreter.

Notebooks run on a kernel started with *this* Python interpreter
(``sys.executable -m ipykernel_launcher``), whatever kernelspecs are installed,
so the kernel always imports the same smmsim as the caller.
:func:`run_notebook` executes and renders one page; the build runs it in
worker processes, each with its own kernel.
"""

from __future__ import annotations

import functools
import html
import time
from pathlib import Path

__all__ = ["execute_notebook", "exception_line", "run_notebook"]

_KERNEL_START_FAILED = "Kernel died before replying to kernel_info"
_KERNEL_START_ATTEMPTS = 3


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


def exception_line(exc) -> str:
    """The exception as its last traceback line, ``Name: message`` (message cut to one line).

    For a failed cell (papermill's error) this is the cell's exception, not
    papermill's banner.
    """
    ename = getattr(exc, "ename", None)
    if ename:
        text = str(getattr(exc, "evalue", "") or "")
    else:
        ename, text = type(exc).__name__, str(exc)
    # Python's last traceback line is "Name: message"; a message of several lines
    # is cut to its first (the rest, often advice, is in the page)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return str(ename)
    return f"{ename}: {lines[0]}" + (" ..." if len(lines) > 1 else "")


def run_notebook(task: dict) -> dict:
    """Execute one notebook into the site folder and render its page.

    Parameters
    ----------
    task : dict
        ``source`` (Path), ``folder`` (the site being built), ``preset``,
        ``params`` (overrides) and ``timeout`` (seconds per cell or None).

    Returns
    -------
    dict
        The index entry (:func:`smmsim.reports.pages.render_page`). A failed
        notebook gives status ``failed`` with the exception's last line; only
        ``KeyboardInterrupt`` propagates.
    """
    from .pages import render_page

    source, folder = Path(task["source"]), Path(task["folder"])
    started = time.perf_counter()
    error = None
    for attempt in range(_KERNEL_START_ATTEMPTS):
        try:
            execute_notebook(
                source, folder / source.name, task["params"], timeout=task.get("timeout")
            )
        except Exception as exc:  # the executed notebook (if any) holds the traceback
            error = exception_line(exc)
            if _KERNEL_START_FAILED in error and attempt + 1 < _KERNEL_START_ATTEMPTS:
                # e.g. another process took one of the kernel's TCP ports between
                # jupyter_client choosing it and the kernel binding it: start again
                time.sleep(0.5 * (attempt + 1))
                continue
        else:
            error = None
        break
    seconds = time.perf_counter() - started
    try:
        return render_page(
            folder,
            source,
            preset=task["preset"],
            params=task["params"],
            seconds=seconds,
            error=error,
        )
    except Exception as exc:
        if error is None:
            error = f"rendering the page failed: {exception_line(exc)}"
        (folder / f"{source.stem}.html").write_text(
            f"<!DOCTYPE html><title>{source.stem}</title><p>{html.escape(error)}</p>",
            encoding="utf-8",
        )
        return {
            "name": source.stem,
            "title": source.stem,
            "summary": "",
            "html": f"{source.stem}.html",
            "ipynb": None,
            "thumb": None,
            "seconds": round(seconds, 2),
            "status": "failed",
            "error": error,
            "missing": [],
            "params": task["params"],
            "n_figures": 0,
            "n_charts": 0,
        }
