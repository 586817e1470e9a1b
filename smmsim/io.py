"""Files in and out: YAML configs and atomically written Parquet tables."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .scenario import ScenarioConfig, load_config

__all__ = [
    "check_output_file",
    "check_output_folder",
    "load_config",
    "save_config",
    "write_parquet",
    "write_text_atomic",
]


def write_text_atomic(path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_parquet(frame: pd.DataFrame, path) -> Path:
    """Write ``frame`` to ``path`` atomically: a crash never leaves a half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_config(cfg: ScenarioConfig, path) -> Path:
    """Write a scenario as YAML (atomically)."""
    return write_text_atomic(path, cfg.to_yaml())


# ---------------------------------------------------------------------------
# Output paths, checked before the work that fills them


def _check_parent(name: str, path: Path) -> None:
    for folder in (path.parent, *path.parent.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise ValueError(
                    f"`{name}` {str(path)!r} lies below the file {str(folder)!r}; "
                    "choose a path in a folder."
                )
            if not os.access(folder, os.W_OK | os.X_OK):
                raise ValueError(f"`{name}` {str(path)!r}: cannot write in {str(folder)!r}.")
            return


def check_output_file(name: str, path) -> Path:
    """Raise ``ValueError`` unless a file can be written at ``path``.

    Call it before the work whose result goes there, so that a bad path costs
    nothing. ``name`` is the argument named in the message (e.g. ``"--out"``).

    Examples
    --------
    >>> check_output_file("--out", ".")
    Traceback (most recent call last):
    ...
    ValueError: `--out` '.' is a folder; give a file name, e.g. 'steps.parquet'.
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(
            f"`{name}` {str(path)!r} is a folder; give a file name, e.g. "
            f"{str(path / 'steps.parquet')!r}."
        )
    _check_parent(name, path)
    if path.exists() and not os.access(path, os.W_OK):
        raise ValueError(f"`{name}` {str(path)!r} exists and cannot be written.")
    return path


def check_output_folder(name: str, path) -> Path:
    """Raise ``ValueError`` unless ``path`` is (or can be made) a writable folder."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"`{name}` {str(path)!r} is a file; give a folder.")
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise ValueError(f"`{name}` {str(path)!r}: cannot write in this folder.")
    else:
        _check_parent(name, path)
    return path
