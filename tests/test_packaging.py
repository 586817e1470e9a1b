"""Packaging: environment.yml mirrors pyproject.toml; the console script exists; the
package ships py.typed and every name it lists resolves."""

import re
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ]", spec, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d): d for d in env["dependencies"] if isinstance(d, str) and _name(d) != "pip"}
    pip_deps = {_name(d): d for d in project["dependencies"]}
    assert set(pip_deps) == set(conda) - {"python"}
    for name, spec in pip_deps.items():
        assert spec.replace(" ", "") == conda[name].replace(" ", ""), name
    assert conda["python"] == f"python{project['requires-python']}"


def test_console_script_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["smmsim"] == "smmsim.cli:main"


def test_py_typed_is_shipped():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in project["tool"]["setuptools"]["package-data"]["smmsim"]
    assert (ROOT / "smmsim" / "py.typed").is_file()


def test_every_public_name_of_the_package_resolves():
    import smmsim

    for name in smmsim.__all__:
        assert getattr(smmsim, name) is not None, name
    assert smmsim.experiments.compare is not None  # no import by hand first


def test_subpackages_state_their_public_names():
    import importlib

    for sub in ("classic", "cli", "engine", "metrics", "scenario", "strategies", "sweep"):
        module = importlib.import_module(f"smmsim.{sub}")
        for name in module.__all__:
            assert hasattr(module, name), f"smmsim.{sub}.{name}"
