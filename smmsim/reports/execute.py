"""Execute one notebook with papermill on a kernel running this interpreter.

Notebooks run on a kernel started with *this* Python interpreter
(``sys.executable -m ipykernel_launcher``), whatever kernelspecs are installed,
so the kernel always imports the same smmsim as the caller.
:func:`run_notebook` executes and renders one page; the build runs it in
worker processes, each with its own kernel.

A worker keeps its kernel warm from one notebook to the next
(:class:`WarmKernel`): starting a kernel and importing the scientific stack
and smmsim's compiled code costs about 9 CPU-seconds, more than most
notebooks' own work at the quick preset. Between notebooks the kernel's
namespace, output history, execution counter, figures and widgets are
cleared (as after IPython's ``%reset``) and its working directory set to the
notebook's folder; imported modules stay, which is what is saved. A kernel
that died is started again.
"""

from __future__ import annotations

import functools
import html
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jupyter_client import AsyncKernelManager
    from nbformat import NotebookNode

__all__ = ["WarmKernel", "execute_notebook", "exception_line", "run_notebook"]

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


# run in the warm kernel before each notebook: what a fresh kernel would not have
_RESET = """\
get_ipython().run_line_magic("reset", "-f")
import matplotlib.pyplot as __p
__p.close("all")
import ipywidgets as __w
__w.Widget.close_all()
import os as __os
__os.chdir({cwd!r})
del __p, __w, __os
get_ipython().execution_count = 1
"""


class WarmKernel:
    """One kernel on this interpreter, reused by the notebooks this process executes.

    Examples
    --------
    >>> kernel = WarmKernel()  # doctest: +SKIP
    >>> execute_notebook("a.ipynb", "out/a.ipynb", kernel=kernel)  # doctest: +SKIP
    >>> kernel.shutdown()  # doctest: +SKIP
    """

    def __init__(self):
        self.km = None
        self._clients: list = []

    def prepare(self, cwd: Path) -> AsyncKernelManager:
        """The kernel manager, its kernel alive and reset, ready for a notebook in ``cwd``."""
        if self.km is not None and not _run(self.km.is_alive()):
            self.shutdown()
        if self.km is None:
            self.km = _kernel_manager_class()()
            _run(self.km.start_kernel(cwd=str(cwd)))
            # nbclient leaves the channels of a client it made open when it does not own
            # the kernel: note the clients, to close them after each notebook
            make_client = self.km.client

            def client(**kwargs: Any) -> Any:
                kc = make_client(**kwargs)
                self._clients.append(kc)
                return kc

            self.km.client = client
        else:
            self._execute(_RESET.format(cwd=str(cwd)))
        return self.km

    def _execute(self, code: str, timeout: float = 60.0) -> None:
        from jupyter_client import BlockingKernelClient

        kc = BlockingKernelClient()
        kc.load_connection_info(self.km.get_connection_info())
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=timeout)
            reply = kc.execute_interactive(
                code, store_history=False, timeout=timeout, output_hook=lambda msg: None
            )
        finally:
            kc.stop_channels()
        if reply["content"]["status"] != "ok":  # a kernel we cannot clean is not reused
            self.shutdown()
            raise RuntimeError(f"resetting the kernel failed: {reply['content'].get('evalue')}")

    def release(self) -> None:
        """Close the channels of the clients a notebook's run opened on the kernel."""
        clients, self._clients = self._clients, []
        for kc in clients:
            kc.stop_channels()

    def shutdown(self) -> None:
        """Stop the kernel (if any); the next :meth:`prepare` starts a new one."""
        self.release()
        km, self.km = self.km, None
        if km is not None:
            try:
                _run(km.shutdown_kernel(now=True))
            except Exception:  # already gone
                pass


def _run(value):
    """Wait for ``value`` if it is awaitable, on the thread's loop that nbclient also uses."""
    from jupyter_core.utils import ensure_async, run_sync

    async def wait():
        return await ensure_async(value)

    return run_sync(wait)()


_WORKER_KERNEL: WarmKernel | None = None


def _worker_kernel() -> WarmKernel:
    """This process's warm kernel, stopped when the process exits."""
    global _WORKER_KERNEL
    if _WORKER_KERNEL is None:
        import atexit
        from multiprocessing import util

        _WORKER_KERNEL = WarmKernel()
        # pool workers leave through os._exit (no atexit); multiprocessing's finalizers run
        util.Finalize(_WORKER_KERNEL, _WORKER_KERNEL.shutdown, exitpriority=10)
        atexit.register(_WORKER_KERNEL.shutdown)
    return _WORKER_KERNEL


def stop_worker_kernel() -> None:
    """Stop this process's warm kernel, if it has one."""
    if _WORKER_KERNEL is not None:
        _WORKER_KERNEL.shutdown()


def execute_notebook(
    path: str | os.PathLike,
    out_path: str | os.PathLike,
    parameters: Mapping[str, Any] | None = None,
    *,
    cwd: str | os.PathLike | None = None,
    timeout: float | None = None,
    kernel: WarmKernel | None = None,
) -> NotebookNode:
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
    kernel : WarmKernel, optional
        Run on this kernel, reset first, and leave it running. Default: a new
        kernel, shut down at the end.

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
    cwd = Path(cwd or path.parent).resolve()
    extra = {} if kernel is None else {"km": kernel.prepare(cwd)}
    try:
        return _papermill(pm, path, out_path, parameters, cwd, timeout, extra)
    finally:
        if kernel is not None:
            kernel.release()


def _papermill(pm, path, out_path, parameters, cwd, timeout, extra):
    return pm.execute_notebook(
        str(path),
        str(out_path),
        parameters=dict(parameters or {}),
        kernel_name="python3",
        language="python",
        cwd=str(cwd),
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        execution_timeout=timeout,
        kernel_manager_class=_kernel_manager_class(),
        **extra,
    )


def exception_line(exc: BaseException) -> str:
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
        ``params`` (overrides), ``timeout`` (seconds per cell or None) and
        ``warm`` (default True: run on this process's :class:`WarmKernel`).

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
                source,
                folder / source.name,
                task["params"],
                timeout=task.get("timeout"),
                kernel=_worker_kernel() if task.get("warm", True) else None,
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
