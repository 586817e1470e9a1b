"""`smmsim lab` and `smmsim app`: the server command lines (the browser test runs them)."""

import sys

import pytest

from smmsim.apps import app_command, lab_command
from smmsim.cli import main
from smmsim.reports import notebooks_dir


def test_lab_command_opens_jupyterlab_on_the_notebooks(tmp_path):
    cmd = lab_command(tmp_path, port=8890, no_browser=True, token="abc")
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--no-browser" in cmd and "--ServerApp.port=8890" in cmd
    assert "--ServerApp.kernel_ws_protocol=" in cmd  # the page connects to the kernel
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in cmd
    assert f"--ServerApp.root_dir={notebooks_dir().resolve()}" in lab_command()


def test_app_command_serves_one_notebook_with_voila_code_hidden():
    name = sorted(p.stem for p in notebooks_dir().glob("*.ipynb"))[0]
    cmd = app_command(name, port=8871, no_browser=True)
    assert cmd[:3] == [sys.executable, "-m", "voila"]
    assert str(notebooks_dir() / f"{name}.ipynb") in cmd
    assert "--strip_sources=True" in cmd and "--port=8871" in cmd and "--no-browser" in cmd


def test_bad_port_and_unknown_notebook_are_one_line_errors(tmp_path, capsys):
    with pytest.raises(ValueError, match="`port` must be <= 65535; got 70000"):
        lab_command(tmp_path, port=70000)
    with pytest.raises(ValueError, match="`notebook` must be a notebook file or one of"):
        app_command("no_such_notebook")
    assert main(["app", "no_such_notebook"]) == 2
    assert "smmsim app: error: `notebook` must be" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["lab", "--port", "0"])
