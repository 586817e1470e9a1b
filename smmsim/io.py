"""Files in and out: YAML configs and atomically written Parquet tables."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .scenario import ScenarioConfig, load_config

__all__ = ["load_config", "save_config", "write_parquet", "write_text_atomic"]


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
