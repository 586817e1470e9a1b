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


# At most this many nodes once every alias is expanded: a config is a few
# hundred; a "billion laughs" file of 1.5 KB expands to hundreds of millions.
MAX_YAML_NODES = 100_000


class _DuplicateKey(Exception):
    def __init__(self, key, mark, first):
        super().__init__(key)
        self.key, self.mark, self.first = key, mark, first


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key repeated in one mapping (YAML says the last wins)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the constructor says so below
                continue
            if first is not None:
                raise _DuplicateKey(key, key_node.start_mark, first)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node, memo, limit) -> int:
    """Nodes of ``node`` with every alias expanded (stops counting past ``limit``)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = limit + 1  # a cycle counts as too big
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    else:
        children = []
    total = 1
    for child in children:
        total += _expanded_size(child, memo, limit)
        if total > limit:
            break
    memo[key] = total
    return total


def read_yaml(path: str | os.PathLike, what: str) -> Any:
    """Read one YAML document; errors name ``what`` the file is, and where it is wrong.

    Stricter than ``yaml.safe_load``: a key repeated in one mapping is an error
    (YAML would keep the last silently), and so is a document that expands to
    more than ``MAX_YAML_NODES`` nodes through aliases (an "alias bomb").

    Raises
    ------
    FileNotFoundError
        If the file cannot be read.
    ValueError
        If it is not UTF-8 text (gzip-compressed, say), not valid YAML, repeats
        a key, or is an alias bomb; the message gives the file, the line and
        the column, and the problem, in one line.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = f.write_text("steps: 5\\nsteps: 6\\n")
    >>> read_yaml(f, "config file")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: config file ...c.yaml repeats the key 'steps' at line 2, column 1 (first at...
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileNotFoundError(f"cannot read {what} {str(path)!r}: {exc.strerror}.") from None
    if raw[:2] == b"\x1f\x8b":
        raise ValueError(f"{what} {path} is gzip-compressed, not YAML text: decompress it first.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ValueError(
            f"{what} {path} is not UTF-8 text at line {line}, column {column} "
            f"(byte {raw[exc.start]:#04x}); save it as UTF-8."
        ) from None
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, {}, MAX_YAML_NODES)
        if size > MAX_YAML_NODES:
            raise ValueError(
                f"{what} {path} expands to more than {MAX_YAML_NODES:,} values through YAML "
                "aliases (*name); refusing it (an alias bomb?)."
            )
        return loader.construct_document(node)
    except _DuplicateKey as exc:
        raise ValueError(
            f"{what} {path} repeats the key {exc.key!r} at line {exc.mark.line + 1}, column "
            f"{exc.mark.column + 1} (first at line {exc.first.line + 1}); YAML would silently "
            "keep the last one."
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValueError(f"{what} {path} is not valid YAML{where}: {problem}.") from None
    finally:
        loader.dispose()


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


def check_output_file(
    name: str, path: str | os.PathLike, *, example: str = "steps.parquet"
) -> Path:
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
            f"{str(path / example)!r}."
        )
    _check_parent(name, path)
    if path.exists() and not os.access(path, os.W_OK):
        raise ValueError(f"`{name}` {str(path)!r} exists and cannot be written.")
    return path


def check_output_folder(name: str, path: str | os.PathLike) -> Path:
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
