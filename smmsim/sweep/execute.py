"""Running sweep chunks: in process, on local worker processes, or on Dask.

Private helper of :mod:`smmsim.sweep`. A chunk is a contiguous range of runs in
(cell, replicate) order. Every executor runs the same :func:`run_chunk` on the
same tasks, so results never depend on where or in which order chunks ran.
Workers only compute; the driver process writes every result file.
"""

from __future__ import annotations

import contextlib
import copy
import math
import multiprocessing
import numbers
import os
import platform
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .._dotted import apply_values
from .._rng import run_seed
from .spec import SweepSpec

if TYPE_CHECKING:
    from distributed import Client


class SweepAbortedError(RuntimeError):
    """The executor failed (not a run): finished chunks are kept, rerun to resume."""


@dataclass(frozen=True, slots=True)
class ChunkTask:
    """Everything a worker needs to run one chunk (picklable)."""

    chunk: int
    start: int
    stop: int
    base: dict
    paths: tuple
    cells: dict
    n_replicates: int
    seed: int
    common_random_numbers: bool
    metrics: tuple
    run_fn: Callable


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """What a worker sends back: one entry per run, in run order."""

    chunk: int
    cell: list
    replicate: list
    seed: list
    values: dict
    error: list
    tracebacks: list = field(default_factory=list)
    seconds: float = 0.0
    host: str = ""
    pid: int = 0


def make_tasks(spec: SweepSpec, chunks: Iterable[int], run_fn: Callable) -> list[ChunkTask]:
    """Tasks for the given chunks of ``spec``."""
    paths = tuple(p.path for p in spec.parameters)
    cells = spec.cells
    reps = spec.n_replicates
    tasks = []
    for chunk in chunks:
        start = chunk * spec.chunk_size
        stop = min(start + spec.chunk_size, spec.n_runs)
        first, last = start // reps, (stop - 1) // reps
        tasks.append(
            ChunkTask(
                chunk=chunk,
                start=start,
                stop=stop,
                base=spec.base,
                paths=paths,
                cells={c: cells[c] for c in range(first, last + 1)},
                n_replicates=reps,
                seed=spec.seed,
                common_random_numbers=spec.common_random_numbers,
                metrics=spec.metrics,
                run_fn=run_fn,
            )
        )
    return tasks


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _metric_values(summary, metrics) -> list[float]:
    if not isinstance(summary, Mapping):
        raise TypeError(
            f"the run function must return a mapping of metrics; got {type(summary).__name__}."
        )
    out = []
    for name in metrics:
        if name not in summary:
            have = ", ".join(sorted(map(str, summary))) or "none"
            raise KeyError(f"metric {name!r} is not in the run summary (it has: {have})")
        value = summary[name]
        if value is None:
            out.append(math.nan)
        elif isinstance(value, (numbers.Real, np.bool_)):
            out.append(float(value))
        else:
            raise TypeError(f"metric {name!r} is not a number: {value!r}")
    return out


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run every run of one chunk; a failing run is recorded, never raised.

    If ``task.run_fn`` has a ``prepare(config)`` attribute, it is called once
    per cell and its result is passed to every replicate in place of the config
    dict (e.g. a validated config object); otherwise each run gets a fresh copy
    of the config dict, so a run function that edits it cannot leak into the
    next replicate.
    """
    t0 = time.perf_counter()
    reps = task.n_replicates
    n_metrics = len(task.metrics)
    prepare = getattr(task.run_fn, "prepare", None)
    cells, replicates, seeds, errors, tracebacks = [], [], [], [], []
    columns: list[list] = [[] for _ in range(n_metrics)]
    config = prepared = None
    cell_error = None
    current = -1
    for k in range(task.start, task.stop):
        cell, rep = divmod(k, reps)
        if cell != current:
            current = cell
            config = apply_values(task.base, task.paths, task.cells[cell])
            cell_error = None
            if prepare is not None:
                try:
                    prepared = prepare(config)
                except Exception as exc:
                    cell_error = (_describe(exc), traceback.format_exc())
        seed = run_seed(task.seed, cell, rep, common_random_numbers=task.common_random_numbers)
        row = [math.nan] * n_metrics
        error = None
        if cell_error is not None:
            error = cell_error[0]
            tracebacks.append((cell, rep, cell_error[1]))
        else:
            try:
                arg = prepared if prepare is not None else copy.deepcopy(config)
                row = _metric_values(task.run_fn(arg, rng=seed), task.metrics)
            except Exception as exc:
                error = _describe(exc)
                tracebacks.append((cell, rep, traceback.format_exc()))
        cells.append(cell)
        replicates.append(rep)
        seeds.append(seed)
        errors.append(error)
        for j, v in enumerate(row):
            columns[j].append(v)
    return ChunkResult(
        chunk=task.chunk,
        cell=cells,
        replicate=replicates,
        seed=seeds,
        values=dict(zip(task.metrics, columns)),
        error=errors,
        tracebacks=tracebacks,
        seconds=time.perf_counter() - t0,
        host=platform.node(),
        pid=os.getpid(),
    )


# ---------------------------------------------------------------------------
# Executors: each yields ChunkResults as chunks finish.


def available_cores() -> int:
    """CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def run_serial(tasks: list[ChunkTask]) -> Iterator[ChunkResult]:
    """Run chunks one after another in this process."""
    for task in tasks:
        yield run_chunk(task)


def _exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """Worker initializer: end this process as soon as the sweep's driver ``parent`` is gone.

    Without it, workers of a driver killed with SIGKILL (or SIGTERM) run on,
    orphaned, until the machine restarts. A daemon thread polls the parent id.
    """
    import threading

    def watch():
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="smmsim-exit-with-parent", daemon=True).start()


def run_processes(tasks: list[ChunkTask], n_workers: int) -> Iterator[ChunkResult]:
    """Run chunks on ``n_workers`` fresh local worker processes.

    Workers are started with ``spawn`` (no inherited threads or state), live
    for the whole sweep, and so keep per-process caches such as built graphs.
    """
    pool = ProcessPoolExecutor(
        max_workers=n_workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
    futures = [pool.submit(run_chunk, task) for task in tasks]
    try:
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool as exc:
                raise SweepAbortedError(
                    f"a worker process died ({exc}); finished chunks are saved: rerun the "
                    "same command to resume."
                ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_dask(tasks: list[ChunkTask], client: Client) -> Iterator[ChunkResult]:
    """Run chunks as tasks on a Dask distributed cluster."""
    from distributed import as_completed as dask_as_completed

    token = uuid.uuid4().hex[:8]
    futures = [
        client.submit(run_chunk, task, key=f"smmsim-sweep-{token}-chunk-{task.chunk}")
        for task in tasks
    ]
    try:
        for future in dask_as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:
                raise SweepAbortedError(
                    f"Dask could not run a sweep chunk ({_describe(exc)}); finished chunks "
                    "are saved: rerun the same command to resume."
                ) from exc
            future.release()
            yield result
    finally:
        with contextlib.suppress(Exception):
            client.cancel(futures)


@contextlib.contextmanager
def dask_client(dask: str | Client, n_workers: int | None) -> Iterator[Client]:
    """A Dask client for ``dask``: ``"local"``, a scheduler address, or a Client."""
    from distributed import Client, LocalCluster

    if isinstance(dask, Client):
        yield dask
        return
    if dask == "local":
        import dask as dask_config

        # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which makes
        # glibc map and unmap every large array: the engine's per-run buffers
        # then cost about twice the CPU (page faults). Sweep workers hold little
        # data, so keep glibc's default (a variable set by the user still wins).
        trim = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
        with dask_config.config.set(trim):
            cluster = LocalCluster(
                n_workers=n_workers or available_cores(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(dask, timeout="30s")
    except OSError as exc:
        raise SweepAbortedError(
            f"cannot reach the Dask scheduler at {dask!r}: {_describe(exc)}"
        ) from None
    with client:
        yield client


# ---------------------------------------------------------------------------
# Progress


def progress_enabled(progress: bool | None) -> bool:
    """Show a bar when asked, else only on a terminal outside CI."""
    if progress is not None:
        return bool(progress)
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on")
    return sys.stderr.isatty() and not ci


class Progress:
    """Cells done, runs per second and ETA, on stderr via tqdm."""

    def __init__(self, spec: SweepSpec, done_chunks: Iterable[int], *, enabled: bool):
        self.reps = spec.n_replicates
        self.n_cells = spec.n_cells
        self.counts = np.zeros(spec.n_cells, dtype=np.int64)
        for chunk in done_chunks:
            start = chunk * spec.chunk_size
            self._add(np.arange(start, min(start + spec.chunk_size, spec.n_runs)) // self.reps)
        self.session_runs = 0
        self.t0 = time.perf_counter()
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.n_cells,
                initial=self.cells_done,
                unit="cell",
                desc="sweep",
                file=sys.stderr,
                dynamic_ncols=True,
                mininterval=0.5,
            )

    def _add(self, cells: np.ndarray) -> int:
        before = int((self.counts == self.reps).sum())
        np.add.at(self.counts, cells, 1)
        return int((self.counts == self.reps).sum()) - before

    @property
    def cells_done(self) -> int:
        return int((self.counts == self.reps).sum())

    @property
    def runs_per_second(self) -> float:
        elapsed = time.perf_counter() - self.t0
        return self.session_runs / elapsed if elapsed > 0 else 0.0

    def update(self, result: ChunkResult) -> None:
        new_cells = self._add(np.asarray(result.cell, dtype=np.int64))
        self.session_runs += len(result.cell)
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.runs_per_second:.1f} runs/s", refresh=False)
            self.bar.update(new_cells)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
