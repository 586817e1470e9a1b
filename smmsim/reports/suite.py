"""The notebook suite: where it is, its parameters cells, presets and overrides.

A suite is a folder of ``NN_name.ipynb`` notebooks whose first code cell is
tagged ``parameters``, plus a presets file (``data/presets.yaml`` next to the
folder) mapping a preset name to per-notebook parameter overrides.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "NotebookParameter",
    "find_presets",
    "list_notebooks",
    "load_presets",
    "notebooks_dir",
    "parse_parameter_items",
    "presets_path",
    "read_parameters",
    "resolve_overrides",
    "select_notebooks",
]

_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_PRESET_KEYS = ("description", "notebooks")
_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict}


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


def _has_notebooks(folder: Path) -> bool:
    return folder.is_dir() and any(not p.name.startswith(".") for p in folder.glob("*.ipynb"))


def notebooks_dir() -> Path:
    """The default suite: ``notebooks/`` of the current directory, else the package's.

    An instructor working in a copy of the project (``cd my-course && smmsim
    report``) builds from that copy's notebooks; anywhere else the notebooks
    next to the installed ``smmsim`` package are used.

    Raises
    ------
    FileNotFoundError
        If neither folder holds notebooks (smmsim installed without its
        project folder, and no ``notebooks/`` here).
    """
    here = Path.cwd() / "notebooks"
    if _has_notebooks(here):
        return here
    folder = _PROJECT_ROOT / "notebooks"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no notebooks in {str(here)!r} nor at {str(folder)!r}; give --notebooks-dir, "
            "or install the project checkout (pip install -e .)."
        )
    return folder


def presets_path() -> Path:
    """Path of the installed project's parameter presets, ``data/presets.yaml``."""
    return _PROJECT_ROOT / "data" / "presets.yaml"


def find_presets(folder: str | os.PathLike) -> tuple[Path, bool]:
    """The presets file of the suite in ``folder``.

    ``<folder>/../data/presets.yaml`` (a project copy), else
    ``<folder>/presets.yaml``, else the installed project's presets.

    Returns
    -------
    (Path, bool)
        The file, and whether it belongs to the suite (False for the
        installed project's presets used as a fallback: entries for
        notebooks the folder does not have are then ignored).
    """
    folder = Path(folder)
    for candidate in (folder.parent / "data" / "presets.yaml", folder / "presets.yaml"):
        if candidate.is_file():
            return candidate, True
    own = presets_path()
    same = folder.resolve() == (_PROJECT_ROOT / "notebooks").resolve()
    return own, same


def list_notebooks(folder: str | os.PathLike | None = None) -> list[Path]:
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
    if not folder.is_dir():
        raise FileNotFoundError(f"notebooks folder not found: {str(folder)!r}.")
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def select_notebooks(
    paths: Sequence[Path], wanted: str | int | Sequence[str | int] | None
) -> list[Path]:
    """The notebooks named by ``wanted``: numbers (``3``, ``"03"``) or names.

    Parameters
    ----------
    paths : list of Path
        The suite (:func:`list_notebooks`).
    wanted : str, int or list of them, or None
        ``"3,8"``, ``[3, "08_x"]``, ``"02_who_to_seed"``, ``"02_who_to_seed.ipynb"``.
        None means all.

    Returns
    -------
    list of Path
        In suite order, without duplicates.

    Raises
    ------
    ValueError
        For a name or number that matches no notebook.
    """
    if wanted is None:
        return list(paths)
    items = [wanted] if isinstance(wanted, (str, int)) else list(wanted)
    tokens = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            tokens.append(str(item))
        elif isinstance(item, str):
            tokens.extend(t.strip() for t in item.split(",") if t.strip())
        else:
            raise TypeError(f"`notebooks` must be names or numbers; got {item!r}.")
    if not tokens:
        raise ValueError(f"`notebooks` names no notebook; got {wanted!r}.")
    by_name = {p.stem: p for p in paths}
    by_number: dict[int, Path] = {}
    for p in paths:
        m = re.match(r"(\d+)_", p.name)
        if m:
            by_number.setdefault(int(m.group(1)), p)
    chosen, unknown = set(), []
    for token in tokens:
        stem = Path(token).stem if token.endswith(".ipynb") else token
        if stem in by_name:
            chosen.add(by_name[stem])
        elif stem.isdigit() and int(stem) in by_number:
            chosen.add(by_number[int(stem)])
        else:
            unknown.append(token)
    if unknown:
        raise ValueError(
            f"unknown notebook(s) {unknown}; the notebooks are {sorted(by_name)} "
            "(give names or their numbers, e.g. 3,8)."
        )
    return [p for p in paths if p in chosen]


# ---------------------------------------------------------------------------
# Parameters cell and presets


def read_parameters(path: str | os.PathLike) -> dict[str, NotebookParameter]:
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
        annotation = ast.get_source_segment(source, stmt.annotation) or ""  # str: parsed code
        _check_type(value, annotation, f"{where}: `{name}`")
        line = lines[(stmt.end_lineno or stmt.lineno) - 1]
        # what follows the value (offsets count UTF-8 bytes); a "#" inside the value is not
        # a comment
        rest = line.encode()[stmt.end_col_offset :].decode()
        comment = rest.split("#", 1)[1].strip() if "#" in rest else ""
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


def load_presets(
    path: str | os.PathLike | None = None,
    *,
    folder: str | os.PathLike | None = None,
    strict: bool = True,
) -> dict:
    """Load and validate parameter presets.

    The file maps a preset name to an optional ``description`` and to
    ``notebooks``: notebook name (file name without ``.ipynb``) -> parameter
    overrides. A notebook left out runs with its own defaults.

    Parameters
    ----------
    path : str or Path, optional
        Default: the suite's own (:func:`find_presets` of ``folder``).
    folder : str or Path, optional
        The notebooks the presets refer to (default: :func:`notebooks_dir`).
    strict : bool, default True
        A notebook the folder does not have is an error. False ignores it
        (used when a folder without presets of its own borrows the installed
        project's); parameters of the notebooks it has are still checked.

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

    folder = notebooks_dir() if folder is None else Path(folder)
    if path is None:
        path, own = find_presets(folder)
        strict = strict and own
    path = Path(path)
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
                if not strict:
                    continue
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
# Overrides from the command line


def parse_parameter_items(items: Iterable[str] | None) -> dict[str, str]:
    """``["n_nodes=500", "strategy=degree"]`` -> ``{"n_nodes": "500", ...}``.

    Raises
    ------
    ValueError
        For an item without ``=`` or with an empty name, or a name given twice.
    """
    out = {}
    for item in items or ():
        name, sep, value = str(item).partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ValueError(f"`-p` takes name=value (e.g. -p n_nodes=500); got {item!r}.")
        if name in out:
            raise ValueError(f"`-p {name}` is given twice.")
        out[name] = value.strip()
    return out


def _coerce(text: str, annotation: str, where: str):
    """Parse command-line text as a value of the parameter's type."""
    base = annotation.split("[", 1)[0].strip()
    if base == "str":
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            return ast.literal_eval(text)
        return text
    if base == "bool":
        lowered = text.lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise ValueError(f"{where} must be bool (true or false); got {text!r}.")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ValueError(f"{where} must be {annotation}; got {text!r}.") from None
    _check_type(value, annotation, where)
    return value


def resolve_overrides(
    parameters: Mapping[str, Any] | None,
    params_by_notebook: Mapping[str, Mapping[str, NotebookParameter]],
) -> dict[str, dict]:
    """Check overrides against the notebooks they apply to.

    Parameters
    ----------
    parameters : dict of str -> object
        Parameter name -> value. A name applies to every given notebook that
        has it. A text value for a parameter that is not ``str`` is parsed as
        on the command line (``"500"`` -> 500, ``"[1, 2]"`` -> [1, 2],
        ``"true"`` -> True).
    params_by_notebook : dict
        Notebook name -> :func:`read_parameters` of it.

    Returns
    -------
    dict
        Notebook name -> {parameter: value}, only for notebooks with overrides.

    Raises
    ------
    ValueError
        For a name no given notebook has, or a value of the wrong type.
    """
    out: dict[str, dict] = {}
    for name, value in dict(parameters or {}).items():
        owners = [nb for nb, params in params_by_notebook.items() if name in params]
        if not owners:
            shown = ", ".join(params_by_notebook)
            if len(params_by_notebook) == 1:
                (params,) = params_by_notebook.values()
                have = f"; its parameters are {', '.join(params)}"
            else:
                have = ""
            raise ValueError(
                f"`-p {name}`: unknown parameter {name!r}: no notebook among {shown} has it{have}."
            )
        for nb in owners:
            param = params_by_notebook[nb][name]
            where = f"`-p {name}` (notebook {nb})"
            if isinstance(value, str) and param.annotation.split("[", 1)[0].strip() != "str":
                checked = _coerce(value, param.annotation, where)
            else:
                _check_type(value, param.annotation, where)
                checked = value
            out.setdefault(nb, {})[name] = checked
    return out
