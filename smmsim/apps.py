"""Open the notebooks for students: JupyterLab on the suite, or one notebook as a web app.

``smmsim lab`` starts JupyterLab on the notebooks folder; ``smmsim app
NOTEBOOK`` serves one notebook with Voila: the code hidden, the cells run
once, and the sliders live (each visitor gets their own kernel). Both run
the servers of the installed ``jupyterlab`` and ``voila`` packages with this
interpreter, so the kernels import this smmsim.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ._validation import check_int

__all__ = ["lab_command", "app_command", "resolve_notebook", "run"]


def _check_port(port: int | None) -> int | None:
    if port is None:
        return None
    check_int("port", port, minimum=1)
    if port > 65535:
        raise ValueError(f"`port` must be <= 65535; got {port!r}.")
    return port


def resolve_notebook(name: str | Path) -> Path:
    """A notebook by path, file name or stem (``05_who_to_seed``) in the suite's folder.

    Raises
    ------
    ValueError
        If no such notebook exists (the message lists the suite's notebooks).
    """
    from .reports import list_notebooks, notebooks_dir

    path = Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return path.resolve()
    for candidate in list_notebooks():
        if name in (candidate.name, candidate.stem):
            return candidate
    names = ", ".join(p.stem for p in list_notebooks()) or f"none in {notebooks_dir()}"
    raise ValueError(f"`notebook` must be a notebook file or one of: {names}; got {name!r}.")


def lab_command(
    folder: str | Path | None = None,
    *,
    port: int | None = None,
    no_browser: bool = False,
    token: str | None = None,
) -> list[str]:
    """The command line that starts JupyterLab on ``folder`` (default: the notebooks).

    Parameters
    ----------
    folder : str or Path, optional
    port : int in [1, 65535], optional
        Default: JupyterLab's (8888, or the next free one).
    no_browser : bool, default False
        Do not open a browser window.
    token : str, optional
        Access token (default: JupyterLab makes one and prints the link).

    Returns
    -------
    list of str
    """
    from .reports import notebooks_dir

    folder = Path(folder) if folder is not None else notebooks_dir()
    if not folder.is_dir():
        raise ValueError(f"`folder` must be a directory; got {str(folder)!r}.")
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder.resolve()}"]
    # the kernel messages over the websocket as JSON (the legacy protocol): with
    # JupyterLab 4.6 and jupyter_server 2.21 the page stayed "Connecting" to the
    # kernel on the newer binary protocol and Run All never ran (the server side
    # connected); the JSON protocol connects at once
    cmd.append("--ServerApp.kernel_ws_protocol=")
    if _check_port(port) is not None:
        cmd.append(f"--ServerApp.port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers often run as root; JupyterLab refuses otherwise
    return cmd


def app_command(
    notebook: str | Path,
    *,
    port: int | None = None,
    no_browser: bool = False,
    token: str | None = None,
) -> list[str]:
    """The command line that serves ``notebook`` as a web app with Voila.

    The code cells are hidden (Voila's default); outputs and widgets show,
    and a control change reruns in the visitor's own kernel.

    Parameters
    ----------
    notebook : str or Path
        A notebook file, or the name of one of the suite's (see :func:`resolve_notebook`).
    port : int in [1, 65535], optional
        Default: Voila's (8866).
    no_browser : bool, default False
    token : str, optional
        Require this token in the URL (``?token=...``); default: none, served on
        localhost only.

    Returns
    -------
    list of str
    """
    path = resolve_notebook(str(notebook))
    cmd = [sys.executable, "-m", "voila", str(path), "--strip_sources=True",
           "--Voila.ip=127.0.0.1"]  # fmt: skip
    if _check_port(port) is not None:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if token is not None:
        cmd.append(f"--Voila.token={token}")
    return cmd


def run(cmd: list[str]) -> int:
    """Run a server command in the foreground until it exits (Ctrl-C stops it)."""
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 130
