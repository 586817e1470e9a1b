"""Sweep result folders: one Parquet file per finished chunk, written atomically.

Private helper of :mod:`smmsim.sweep`. Layout of a results folder::

    DIR/_sweep.json          manifest: format, smmsim version, spec fingerprint, schema
    DIR/_spec.yaml           the canonical spec (base config included)
    DIR/_runlog.jsonl        wall-clock times, hosts, tracebacks (never in result rows)
    DIR/_chunks.jsonl        the manifest's chunk ledger: file, row count, sha256 of each chunk
    DIR/_sweep.lock          held while a sweep process writes the folder
    DIR/chunk-000000.parquet result rows of chunk 0, and so on
    DIR/_damaged/            chunk files found damaged, kept aside when they were re-run

Readers such as ``pandas.read_parquet(DIR)`` skip names starting with ``_`` or
``.``, so they see exactly the result rows. A chunk file only ever appears
complete: it is written under a hidden temporary name, flushed to disk, then
renamed; its ledger record (one JSON line, appended and synced before the
rename) names its row count and checksum.

The folder is checked, not trusted: resuming, :func:`read_table` (hence
``load_results`` and ``summarize``) verify every chunk against the ledger. A
resumed sweep moves a damaged chunk (truncated, edited, replaced, unrecorded)
to ``_damaged/`` and runs it again; readers refuse a damaged folder. Files the
sweep did not write (other names, other chunk numbers) are refused: they would
be read as results by ``pandas.read_parquet(DIR)``.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..io import check_output_folder, read_yaml, write_atomic
from .spec import SweepSpec, diff_specs

MANIFEST = "_sweep.json"
SPEC_FILE = "_spec.yaml"
RUNLOG = "_runlog.jsonl"
LEDGER = "_chunks.jsonl"
DAMAGED = "_damaged"
LOCK = "_sweep.lock"
FORMAT = "smmsim-sweep/2"
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

    def __init__(self, path: str | os.PathLike, spec: SweepSpec, *, version: str):
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
        if self.path.is_dir() and not (self.path / MANIFEST).exists():
            self._refuse_strays()  # before the lock file: a user's folder is left as it was
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock_fh: BinaryIO | None = None
        self.repaired: list[tuple[str, str]] = []
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
            self._check_manifest(read_manifest(self.path))
            self._repair()
            return
        self._refuse_strays()
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
            "chunk_ledger": LEDGER,
            "created": _now(),
        }
        body = json.dumps(manifest, indent=2).encode("utf-8")
        write_atomic(manifest_path, lambda fh: fh.write(body))

    def _refuse_strays(self) -> None:
        strays = sorted(e.name for e in self.path.iterdir() if not e.name.startswith(("_", ".")))
        if strays:
            shown = ", ".join(strays[:3]) + (", ..." if len(strays) > 3 else "")
            raise SweepFolderError(
                f"{str(self.path)!r} is not empty ({shown}) and holds no sweep manifest "
                f"({MANIFEST}); choose a new or empty --out folder."
            )

    def _repair(self) -> None:
        """Refuse foreign files; move damaged chunks aside so that they run again."""
        check = verify_folder(self.path, self.spec)
        if check.foreign:
            raise SweepFolderError(check.foreign_message())
        if check.damaged:
            aside = self.path / DAMAGED
            aside.mkdir(exist_ok=True)
            stamp = datetime.datetime.now().strftime("%Y%m%dT%H%M%S")
            for name, _ in check.damaged:
                os.replace(self.path / name, aside / f"{name}.{stamp}")
            self.repaired = list(check.damaged)
            self.log("repaired", damaged=dict(check.damaged))
        self._done = set(check.good)

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
        """Chunks whose result file is complete and matches its ledger record."""
        return set(getattr(self, "_done", ()))

    def write_chunk(self, chunk: int, table: pa.Table) -> None:
        """Write one chunk's rows atomically, its ledger record first."""
        table = table.cast(self.schema)
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        data = sink.getvalue().to_pybytes()
        name = chunk_name(self.spec, chunk)
        record = {
            "chunk": chunk,
            "file": name,
            "rows": table.num_rows,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        _append_line(self.path / LEDGER, json.dumps(record) + "\n")
        write_atomic(self.path / name, lambda fh: fh.write(data))

    def log(self, event: str, **fields: Any) -> None:
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


def _append_line(path: Path, line: str) -> None:
    """Append one line to ``path`` and sync it (a torn last line is ended first)."""
    with open(path, "a+b") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell():
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                fh.write(b"\n")
        fh.write(line.encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())


def read_ledger(path: str | os.PathLike) -> dict[str, dict]:
    """Chunk file name -> its latest ledger record (torn or foreign lines are skipped)."""
    records: dict[str, dict] = {}
    try:
        lines = (Path(path) / LEDGER).read_bytes().splitlines()
    except FileNotFoundError:
        return records
    for line in lines:
        try:
            record = json.loads(line)
            records[str(record["file"])] = record
        except (ValueError, KeyError, TypeError):
            continue
    return records


@dataclass
class FolderCheck:
    """What :func:`verify_folder` found: good chunks, damaged ones, foreign files."""

    path: Path
    good: dict  # chunk -> file bytes
    damaged: list  # (file name, reason)
    foreign: list  # file names

    def foreign_message(self) -> str:
        names = ", ".join(self.foreign[:3]) + (", ..." if len(self.foreign) > 3 else "")
        return (
            f"results folder {str(self.path)!r} holds {len(self.foreign)} file(s) the sweep did "
            f"not write ({names}); move them out: readers such as pandas.read_parquet(DIR) "
            "would take them for results."
        )

    def damaged_message(self) -> str:
        shown = ", ".join(f"{n} ({why})" for n, why in self.damaged[:3])
        more = ", ..." if len(self.damaged) > 3 else ""
        return (
            f"results folder {str(self.path)!r} has {len(self.damaged)} damaged chunk(s): "
            f"{shown}{more}; rerun the same `smmsim sweep` command to run them again."
        )


def verify_folder(path: str | os.PathLike, spec: SweepSpec) -> FolderCheck:
    """Check every file of a results folder against the spec and the chunk ledger."""
    path = Path(path)
    records = read_ledger(path)
    expected = {chunk_name(spec, c): c for c in range(spec.n_chunks)}
    good, damaged, foreign = {}, [], []
    for entry in sorted(path.iterdir(), key=lambda e: e.name):
        name = entry.name
        if name.startswith(("_", ".")):
            continue
        chunk = expected.get(name)
        if chunk is None or not entry.is_file():
            foreign.append(name)
            continue
        record = records.get(name)
        if record is None:
            damaged.append((name, "not recorded in the manifest"))
            continue
        data = entry.read_bytes()
        if hashlib.sha256(data).hexdigest() != record.get("sha256"):
            why = "truncated" if len(data) < 12 else "checksum differs from the manifest"
            damaged.append((name, why))
            continue
        good[chunk] = data
    return FolderCheck(path, good, damaged, foreign)


def read_manifest(path: str | os.PathLike) -> dict:
    """Load the manifest of a results folder, raising if it is not one."""
    path = Path(path)
    try:
        text = (path / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SweepFolderError(
            f"{str(path)!r} is not a sweep results folder (no {MANIFEST})."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SweepFolderError(f"cannot read {str(path / MANIFEST)!r}: {exc}.") from None
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise SweepFolderError(
            f"the manifest {str(path / MANIFEST)!r} is damaged (not JSON: {exc}); the results "
            "cannot be trusted: start a new --out folder."
        ) from None
    if not isinstance(manifest, dict):
        raise SweepFolderError(f"the manifest {str(path / MANIFEST)!r} is damaged.")
    return manifest


def read_spec(path: str | os.PathLike) -> SweepSpec:
    """The spec stored beside a sweep's results."""
    read_manifest(path)
    where = str(Path(path) / SPEC_FILE)
    try:
        data = read_yaml(Path(path) / SPEC_FILE, "stored sweep spec")
        return SweepSpec.from_dict(data)
    except (OSError, ValueError, TypeError) as exc:
        first = " ".join(str(exc).split())[:200]
        raise SweepFolderError(
            f"the stored spec {where!r} is damaged ({first}); the results cannot be read: "
            "start a new --out folder."
        ) from None


def read_table(path: str | os.PathLike, spec: SweepSpec) -> pd.DataFrame:
    """All result rows of a folder, ordered by cell and replicate.

    Every chunk is checked against its ledger record first.

    Raises
    ------
    SweepFolderError
        If a chunk is damaged or the folder holds files the sweep did not write.
    """
    check = verify_folder(path, spec)
    if check.foreign:
        raise SweepFolderError(check.foreign_message())
    if check.damaged:
        raise SweepFolderError(check.damaged_message())
    schema = result_schema(spec)
    if not check.good:
        return schema.empty_table().to_pandas()
    # ParquetFile reads in this thread and is done when it returns; pq.read_table goes
    # through a dataset scanner whose readahead can outlive the call, and a process
    # that exits then may abort ("terminate called without an active exception").
    tables = [pq.ParquetFile(pa.BufferReader(check.good[c])).read() for c in sorted(check.good)]
    df = pa.concat_tables(tables).to_pandas()
    return df.sort_values(["cell", "replicate"], kind="stable").reset_index(drop=True)
