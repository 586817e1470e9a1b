"""Sweep result folders: one Parquet file per finished chunk, written atomically.

Private helper of :mod:`smmsim.sweep`. Layout of a results folder::

    DIR/_sweep.json          manifest: format, smmsim version, spec fingerprint, schema
    DIR/_spec.yaml           the canonical spec (base config included)
    DIR/_runlog.jsonl        wall-clock times, hosts, tracebacks (never in result rows)
    DIR/_sweep.lock          held while a sweep process writes the folder
    DIR/chunk-000000.parquet result rows of chunk 0, and so on

Readers such as ``pandas.read_parquet(DIR)`` skip names starting with ``_`` or
``.``, so they see exactly the result rows. A chunk file only ever appears
complete: it is written under a hidden temporary name, flushed to disk, then
renamed.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..io import check_output_folder, read_yaml, write_atomic
from .spec import SweepSpec, diff_specs

MANIFEST = "_sweep.json"
SPEC_FILE = "_spec.yaml"
RUNLOG = "_runlog.jsonl"
LOCK = "_sweep.lock"
FORMAT = "smmsim-sweep/1"
_CHUNK = re.compile(r"^chunk-(\d+)\.parquet$")
_TMP = re.compile(r"^\.(?:chunk-\d+\.parquet|_sweep\.json|_spec\.yaml)\.tmp-\d+(?:-\w+)?$")

_ARROW_TYPES = {
    "float64": pa.float64(),
    "int64": pa.int64(),
    "bool": pa.bool_(),
    "string": pa.string(),
    "json": pa.string(),
}


class SweepFolderError(ValueError):
    """A results folder does not match the sweep pointed at it."""


class SweepLockedError(RuntimeError):
    """Another process is writing the results folder."""


def result_schema(spec: SweepSpec) -> pa.Schema:
    """The fixed Arrow schema of every result row of ``spec``."""
    fields = [pa.field("cell", pa.int64(), nullable=False)]
    fields += [pa.field(p.name, _ARROW_TYPES[p.kind]) for p in spec.parameters]
    fields += [
        pa.field("replicate", pa.int64(), nullable=False),
        pa.field("seed", pa.int64(), nullable=False),
    ]
    fields += [pa.field(m, pa.float64()) for m in spec.metrics]
    fields.append(pa.field("error", pa.string()))
    return pa.schema(fields)


def chunk_name(spec: SweepSpec, chunk: int) -> str:
    """File name of one chunk (zero-padded, so name order is chunk order)."""
    width = max(6, len(str(spec.n_chunks - 1)))
    return f"chunk-{chunk:0{width}d}.parquet"


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class ResultStore:
    """Open (create or resume) the results folder of a sweep.

    Parameters
    ----------
    path : path-like
        The results folder.
    spec : SweepSpec
        The sweep about to run.
    version : str
        smmsim version writing the folder.

    Raises
    ------
    SweepFolderError
        If the folder holds another sweep (different spec or smmsim version) or
        other files.
    SweepLockedError
        If another process is writing the folder.
    """

    def __init__(self, path, spec: SweepSpec, *, version: str):
        self.path = Path(path)
        self.spec = spec
        self.version = version
        self.schema = result_schema(spec)
        if self.path.exists() and not self.path.is_dir():
            raise SweepFolderError(f"--out {str(self.path)!r} exists and is not a folder.")
        try:
            check_output_folder("--out", self.path)
        except ValueError as exc:
            raise SweepFolderError(str(exc)) from None
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock_fh = None
        self._lock()
        try:
            self._prepare()
        except BaseException:
            self.close()
            raise

    # -- opening -------------------------------------------------------------

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory lock
            return
        fh = open(self.path / LOCK, "a+b")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise SweepLockedError(
                f"another sweep process is writing {str(self.path)!r}; wait for it or "
                "choose another --out folder."
            ) from None
        self._lock_fh = fh

    def _prepare(self) -> None:
        manifest_path = self.path / MANIFEST
        for entry in self.path.iterdir():
            if _TMP.match(entry.name):
                entry.unlink()
        if manifest_path.exists():
            self._check_manifest(json.loads(manifest_path.read_text(encoding="utf-8")))
            return
        strays = sorted(e.name for e in self.path.iterdir() if not e.name.startswith(("_", ".")))
        if strays:
            shown = ", ".join(strays[:3]) + (", ..." if len(strays) > 3 else "")
            raise SweepFolderError(
                f"{str(self.path)!r} is not empty ({shown}) and holds no sweep manifest "
                f"({MANIFEST}); choose a new or empty --out folder."
            )
        text = self.spec.to_yaml()
        write_atomic(self.path / SPEC_FILE, lambda fh: fh.write(text.encode("utf-8")))
        manifest = {
            "format": FORMAT,
            "smmsim_version": self.version,
            "spec_sha256": self.spec.fingerprint(),
            "n_cells": self.spec.n_cells,
            "n_replicates": self.spec.n_replicates,
            "n_runs": self.spec.n_runs,
            "chunk_size": self.spec.chunk_size,
            "n_chunks": self.spec.n_chunks,
            "columns": {f.name: str(f.type) for f in self.schema},
            "parameters": {p.name: p.path for p in self.spec.parameters},
            "created": _now(),
        }
        body = json.dumps(manifest, indent=2).encode("utf-8")
        write_atomic(manifest_path, lambda fh: fh.write(body))

    def _check_manifest(self, manifest: dict) -> None:
        where = str(self.path)
        if manifest.get("format") != FORMAT:
            raise SweepFolderError(
                f"{where!r} holds an unknown results format {manifest.get('format')!r}."
            )
        if manifest.get("spec_sha256") != self.spec.fingerprint():
            try:
                old = read_yaml(self.path / SPEC_FILE, "stored sweep spec")
                changed = diff_specs(old, self.spec.to_dict())
            except (OSError, ValueError):
                changed = []
            detail = f" (differs at: {', '.join(changed)})" if changed else ""
            raise SweepFolderError(
                f"{where!r} holds results of a different sweep spec{detail}; results are "
                "never mixed: use a new --out folder, or delete the old one to start over."
            )
        if manifest.get("smmsim_version") != self.version:
            raise SweepFolderError(
                f"{where!r} was written by smmsim {manifest.get('smmsim_version')} and this is "
                f"smmsim {self.version}; results of different versions are never mixed: use a "
                "new --out folder."
            )

    # -- use -------------------------------------------------------------------

    def done_chunks(self) -> set[int]:
        """Chunks whose result file is complete."""
        done = set()
        for entry in self.path.iterdir():
            m = _CHUNK.match(entry.name)
            if m and int(m.group(1)) < self.spec.n_chunks:
                done.add(int(m.group(1)))
        return done

    def write_chunk(self, chunk: int, table: pa.Table) -> None:
        """Write one chunk's rows atomically."""
        table = table.cast(self.schema)
        write_atomic(self.path / chunk_name(self.spec, chunk), lambda fh: pq.write_table(table, fh))

    def log(self, event: str, **fields) -> None:
        """Append one record to the run log (best effort; never result data)."""
        record = {"time": _now(), "event": event, **fields}
        line = json.dumps(record, default=str) + "\n"
        with contextlib.suppress(OSError), open(self.path / RUNLOG, "a", encoding="utf-8") as fh:
            fh.write(line)

    def close(self) -> None:
        """Release the folder lock."""
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def host_info() -> dict:
    """Host name and process id, for the run log."""
    return {"host": platform.node(), "pid": os.getpid()}


def read_manifest(path) -> dict:
    """Load the manifest of a results folder, raising if it is not one."""
    path = Path(path)
    try:
        return json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SweepFolderError(
            f"{str(path)!r} is not a sweep results folder (no {MANIFEST})."
        ) from None


def read_spec(path) -> SweepSpec:
    """The spec stored beside a sweep's results."""
    read_manifest(path)
    data = read_yaml(Path(path) / SPEC_FILE, "stored sweep spec")
    return SweepSpec.from_dict(data)


def read_table(path, spec: SweepSpec) -> pd.DataFrame:
    """All result rows of a folder, ordered by cell and replicate."""
    path = Path(path)
    files = sorted(e.name for e in path.iterdir() if _CHUNK.match(e.name))
    if not files:
        return result_schema(spec).empty_table().to_pandas()
    df = pd.read_parquet(path)
    return df.sort_values(["cell", "replicate"], kind="stable").reset_index(drop=True)
