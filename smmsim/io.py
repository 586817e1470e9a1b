"""Files in and out: the one atomic writer, the one YAML reader, Parquet tables.

Every file the package writes goes through :func:`write_atomic`: a hidden
temporary file beside the target, flushed to disk, renamed over the target, and
the folder synced, so a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pandas as pd
import yaml

__all__ = [
    "check_output_file",
    "check_output_folder",
    "read_yaml",
    "write_atomic",
    "write_parquet",
    "write_text_atomic",
]


def _fsync_dir(path: Path) -> None:
    # Make a rename durable; not every platform can open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: str | os.PathLike, write: Callable[[IO[bytes]], Any]) -> Path:
    """Call ``write(binary_file)`` on a hidden temporary file, then rename it to ``path``.

    The temporary file is ``.NAME.tmp-PID-XXXX`` in the target's folder (made if
    missing); it is removed if ``write`` raises.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-{os.getpid()}-")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return write_atomic(path, lambda fh: fh.write(text.encode("utf-8")))


def write_parquet(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``frame`` to ``path`` atomically: a crash never leaves a half file."""
    return write_atomic(path, lambda fh: frame.to_parquet(fh, index=False))


def read_yaml(path: str | os.PathLike, what: str) -> Any:
    """Read one YAML document; errors name ``what`` the file is, and where it is wrong.

    Raises
    ------
    FileNotFoundError
        If the file cannot be read.
    ValueError
        If it is not valid YAML (the message gives the line and column).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FileNotFoundError(f"cannot read {what} {str(path)!r}: {exc.strerror}.") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValueError(f"{what} {path} is not valid YAML{where}: {problem}.") from None


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
