"""Packaging: environment.yml mirrors pyproject.toml; the console script exists."""

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
