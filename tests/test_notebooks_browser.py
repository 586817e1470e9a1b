"""The notebooks as a student uses them: in JupyterLab and as a Voila app, in a real browser.

A JupyterLab server (and, separately, ``smmsim app``'s Voila server) runs on
localhost with a random free port and a token; headless Chromium (Debian's
``/usr/bin/chromium`` driven by Playwright; Playwright never downloads a
browser) opens a copy of a notebook, runs it, moves a slider with the
keyboard and checks that the readout and the figure changed. Screenshots go
to ``tests/screenshots/`` (not committed): look at them.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from smmsim.apps import app_command, lab_command
from smmsim.reports import load_presets, notebooks_dir

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOTEBOOK = "01_word_of_mouth"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no chromium (apt install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tiny_copy(tmp_path) -> Path:
    """The notebook with small parameters in a cell after its parameters cell (as papermill)."""
    src = notebooks_dir() / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(src, as_version=4)
    params = dict(load_presets()["tiny"]["notebooks"].get(NOTEBOOK, {}))
    params.update(n_nodes=1000, n_replicates=3)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in params.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(at + 1, cell)
    out = tmp_path / src.name
    nbformat.write(nb, out)
    return out


def _wait_http(url, timeout=120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - localhost
                if r.status < 500:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"server at {url} did not answer within {timeout:.0f} s")


def _start(cmd, cwd):
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "BROWSER": "true"}
    return subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _live_image(page) -> str:
    img = page.locator(".smmsim-live-figure img").first
    img.wait_for(state="visible", timeout=240_000)
    return img.get_attribute("src") or ""


def _move_slider(page, key="ArrowRight", n=1):
    handle = page.locator(".smmsim-control .noUi-handle").first
    handle.focus()
    for _ in range(n):
        handle.press(key)


def _readout(page) -> str:
    return page.locator(".smmsim-readout-text").first.inner_text()


def _check_slider_redraws(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.locator(".smmsim-readout-text").first.wait_for(timeout=240_000)
    page.locator(".smmsim-readout-text").first.scroll_into_view_if_needed()
    before = _readout(page)
    page.screenshot(path=str(SHOTS / f"{name}-1-defaults.png"))
    _move_slider(page, "ArrowRight")
    page.wait_for_function(
        "t => document.querySelector('.smmsim-readout-text').innerText !== t",
        arg=before,
        timeout=240_000,
    )
    first = _live_image(page)
    after = _readout(page)
    page.screenshot(path=str(SHOTS / f"{name}-2-moved.png"))
    _move_slider(page, "ArrowRight")
    page.wait_for_function(
        "t => document.querySelector('.smmsim-readout-text').innerText !== t",
        arg=after,
        timeout=240_000,
    )
    page.wait_for_function(
        "s => { const i = document.querySelector('.smmsim-live-figure img');"
        " return i && i.getAttribute('src') !== s; }",
        arg=first,
        timeout=240_000,
    )
    second = _live_image(page)
    page.screenshot(path=str(SHOTS / f"{name}-3-moved-again.png"))
    assert before != after != _readout(page)
    assert first.startswith("data:image/png") and first != second


def test_jupyterlab_runs_the_notebook_and_a_slider_redraws_the_figure(tmp_path, browser):
    nb_path = _tiny_copy(tmp_path)
    port, token = _free_port(), secrets.token_hex(16)
    cmd = lab_command(tmp_path, port=port, no_browser=True, token=token)
    quiet = [
        "--ServerApp.ip=127.0.0.1",
        "--LabApp.extension_manager=readonly",  # no PyPI look-ups
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    server = _start(cmd + quiet, tmp_path)
    try:
        _wait_http(f"http://127.0.0.1:{port}/api/status?token={token}")
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/lab/tree/{nb_path.name}?token={token}")
        page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
        # wait for the kernel, then Run > Run All Cells
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
            timeout=120_000
        )
        _run_all_cells(page)
        _check_slider_redraws(page, "lab")
    finally:
        _stop(server)


def _run_all_cells(page, timeout=240.0):
    """Run > Run All Cells, as a student does, until the experiment's readout shows.

    On a loaded machine JupyterLab sometimes opens its "Select Kernel" dialog
    although the notebook names its kernel (the session is made before the
    kernel specs arrive); the dialog blocks the notebook until someone answers
    it. A student clicks "Select" (the kernel it offers is the notebook's own)
    and runs the cells again; so does this.
    """
    SHOTS.mkdir(exist_ok=True)
    dialog = page.locator(".jp-Dialog")
    readout = page.locator(".smmsim-readout-text").first
    # a cell that has run or is running shows [1]: or [*]: instead of [ ]:
    started = page.locator(".jp-InputArea-prompt", has_text=re.compile(r"\[(\*|\d+)\]"))
    end = time.monotonic() + timeout
    ran, clicked = False, 0.0
    while time.monotonic() < end:
        if dialog.count() and dialog.first.is_visible():
            page.screenshot(path=str(SHOTS / "lab-0-kernel-dialog.png"))
            dialog.get_by_role("button", name="Select").click()
            ran = False
        if ran and time.monotonic() - clicked > 30 and not started.count():
            # Run All Cells came before the notebook's kernel session was ready and no
            # cell started (seen on fresh installs); a student clicks it again
            page.screenshot(path=str(SHOTS / "lab-0-nothing-ran.png"))
            ran = False
        if not ran:
            try:
                page.get_by_role("menuitem", name="Run", exact=True).click(timeout=10_000)
                page.get_by_text("Run All Cells", exact=True).click(timeout=10_000)
                ran, clicked = True, time.monotonic()
            except sync_api.TimeoutError:  # the dialog came up in between: answer it first
                page.keyboard.press("Escape")  # close the menu if it opened
                continue
        if readout.is_visible():
            return
        time.sleep(2)


def test_smmsim_app_serves_the_notebook_with_live_sliders(tmp_path, browser):
    nb_path = _tiny_copy(tmp_path)
    port = _free_port()
    cmd = app_command(nb_path, port=port, no_browser=True)
    assert "--strip_sources=True" in cmd  # the code is hidden
    server = _start(cmd, tmp_path)
    try:
        _wait_http(f"http://127.0.0.1:{port}/")
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/", timeout=300_000)
        _check_slider_redraws(page, "app")
        assert page.locator(".jp-InputArea-editor").count() == 0  # no code shown
    finally:
        _stop(server)
