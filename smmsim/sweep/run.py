"""Parameter sweeps: replicates, designs, local or Dask execution, resumable Parquet results.

A sweep runs one scenario many times: a base config, the fields to vary
(any field by dotted path, e.g. ``content.stickiness``), a design that picks
the parameter *cells* (full grid, random, Latin hypercube, or Sobol / Morris
designs for sensitivity analysis), a number of replicates per cell, a master
seed and the metrics to keep. A spec is a YAML file or a dict:

.. code-block:: yaml

    base: campaign.yaml            # or an inline mapping
    fixed: {graph.n_nodes: 2000}   # optional edits of the base
    parameters:
      content.stickiness: {low: 0.05, high: 0.4, n: 4}
      campaign.budget: [1000, 5000]
    design: grid                   # or {kind: lhs, n_samples: 50}, ...
    n_replicates: 10
    seed: 20240501
    metrics: [reach, conversions, roi]

Results are tidy: one row per (cell, replicate) with ``cell``, the varied
parameters (one column each), ``replicate``, ``seed``, the metrics, and
``error`` (null unless that run failed). They are identical, row for row,
whatever executor and number of workers ran them: every run draws from its own
stream derived from the master seed alone. Written to a folder, results are
one Parquet file per finished chunk, so ``pandas.read_parquet(DIR)`` reads
them all and an interrupted sweep resumes where it stopped.

The same machinery backs the ``smmsim sweep`` and ``smmsim summarize``
commands.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import __version__
from .._rng import RngLike
from .execute import (
    ChunkResult,
    Progress,
    available_cores,
    dask_client,
    make_tasks,
    progress_enabled,
    run_dask,
    run_processes,
    run_serial,
)
from .spec import SweepSpec, import_object
from .store import (
    DAMAGED,
    ResultStore,
    read_spec,
    read_table,
    result_schema,
)
from .summary import (
    cell_table,
    check_metrics,
    main_effect_figure,
    sensitivity_table,
)

if TYPE_CHECKING:
    from distributed import Client
    from matplotlib.figure import Figure

    from ..scenario import ScenarioConfig

SpecLike: TypeAlias = "SweepSpec | Mapping[str, Any] | str | os.PathLike"
"""What a ``spec`` argument takes: a spec, a spec mapping or the path of a spec YAML file."""

__all__ = [
    "SweepSummary",
    "load_results",
    "load_spec",
    "plot_main_effect",
    "run_scenario",
    "run_sweep",
    "summarize",
]


def load_spec(spec: SpecLike) -> SweepSpec:
    """Return ``spec`` as a validated :class:`SweepSpec`.

    Parameters
    ----------
    spec : SweepSpec, dict or path-like
        A spec, a spec mapping, or the path of a spec YAML file (a relative
        ``base`` path inside it is read relative to that file).

    Returns
    -------
    SweepSpec

    Raises
    ------
    ValueError, TypeError
        For unknown keys or bad values; the message names the field.
    FileNotFoundError
        If a file cannot be read.

    Examples
    --------
    >>> spec = load_spec({
    ...     "model": "smmsim.sweep.run:_demo_model",
    ...     "base": {"content": {"stickiness": 0.2}, "n_seed_nodes": 5},
    ...     "parameters": {"content.stickiness": [0.1, 0.2, 0.3]},
    ...     "n_replicates": 4,
    ...     "seed": 7,
    ...     "metrics": ["reach"],
    ... })
    >>> spec.n_cells, spec.n_runs, spec.parameter_columns
    (3, 12, ['content_stickiness'])
    """
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, Mapping):
        return SweepSpec.from_dict(spec)
    if isinstance(spec, (str, os.PathLike)):
        return SweepSpec.from_yaml(spec)
    raise TypeError(
        f"`spec` must be a SweepSpec, a mapping or a YAML path; got {type(spec).__name__}."
    )


def run_scenario(config: Mapping[str, Any] | ScenarioConfig, *, rng: RngLike = None) -> dict:
    """Run the smmsim marketing engine once: the default run function of sweeps.

    Parameters
    ----------
    config : dict or smmsim.scenario.ScenarioConfig
        A scenario, or a mapping accepted by
        :meth:`smmsim.scenario.ScenarioConfig.from_dict`.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    dict
        The run's flat summary metrics (``Run.summary()``).

    Notes
    -----
    ``run_scenario.prepare(config)`` validates a config dict into a
    ``ScenarioConfig``; sweeps call it once per cell, not once per run. Graphs
    are cached by the engine within each worker process, so a worker builds a
    graph once, not once per run.
    """
    from ..engine import simulate

    return simulate(_prepare_scenario(config), rng=rng).summary()


def _prepare_scenario(config):
    from ..scenario import ScenarioConfig

    if isinstance(config, ScenarioConfig):
        return config
    return ScenarioConfig.from_dict(config)


run_scenario.prepare = _prepare_scenario  # type: ignore[attr-defined]


def _check_known_metrics(metrics, run_fn) -> None:
    """Refuse, before anything runs, a metric the run function says it never returns.

    A run function may list the names it returns in a ``metrics`` attribute;
    :func:`run_scenario` returns :data:`smmsim.metrics.SUMMARY_METRICS`. Any
    other is checked run by run.
    """
    known: tuple | None
    if run_fn is run_scenario:
        from ..metrics import SUMMARY_METRICS as known
    else:
        known = getattr(run_fn, "metrics", None)
    if known is None:
        return
    for name in metrics:
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"`metrics`: {name!r} is not one of the run function's metrics{hint}; "
                f"they are {', '.join(known)}."
            )


def _demo_model(config: dict, *, rng=None) -> dict:
    # A tiny stand-in model for doctests: reach grows with stickiness.
    rng = np.random.default_rng(rng)
    p = config["content"]["stickiness"]
    reach = config["n_seed_nodes"] + rng.binomial(1000, p)
    return {"reach": reach, "shares": rng.binomial(reach, p)}


def _to_table(spec: SweepSpec, result: ChunkResult, schema: pa.Schema) -> pa.Table:
    cells = spec.cells
    columns = {"cell": pa.array(result.cell, pa.int64())}
    for j, p in enumerate(spec.parameters):
        values = [p.column_value(cells[c][j]) for c in result.cell]
        columns[p.name] = pa.array(values, schema.field(p.name).type)
    columns["replicate"] = pa.array(result.replicate, pa.int64())
    columns["seed"] = pa.array(result.seed, pa.int64())
    for m in spec.metrics:
        columns[m] = pa.array(result.values[m], pa.float64())
    columns["error"] = pa.array(result.error, pa.string())
    return pa.table(columns, schema=schema)


def run_sweep(
    spec: SpecLike,
    out: str | os.PathLike | None = None,
    *,
    workers: int | None = None,
    dask: str | Client | None = None,
    progress: bool | None = None,
    run_fn: Callable | None = None,
) -> pd.DataFrame:
    """Run a parameter sweep and return its tidy result rows.

    Parameters
    ----------
    spec : SweepSpec, dict or path-like
        The sweep; see :func:`load_spec`.
    out : path-like, optional
        Results folder. Each finished chunk is written there at once as its
        own Parquet file, beside the spec and the smmsim version. Rerunning
        the same sweep on the same folder skips finished chunks. ``None``
        keeps results in memory only.
    workers : int >= 1, optional
        Worker processes: local ones, or those of the LocalCluster started
        by ``dask="local"``. Default: all cores. ``1`` runs in this process.
    dask : None, "local", str or distributed.Client, optional
        ``None`` runs on local worker processes. ``"local"`` starts a Dask
        LocalCluster; any other string is the address of a running Dask
        scheduler (e.g. ``"tcp://10.0.0.5:8786"``) whose workers have smmsim
        installed; a Client is used as is.
    progress : bool, optional
        Show a progress bar (cells done, runs/s, ETA) on stderr. Default:
        only on a terminal and when the ``CI`` variable is not set.
    run_fn : callable, optional
        ``run_fn(config: dict, *, rng: int) -> Mapping[str, float]``; runs one
        simulation. Overrides the spec's ``model``; default: the smmsim engine
        (:func:`run_scenario`). It must be importable by worker processes
        (a module-level function), except with ``workers=1`` or Dask. If it
        has a ``prepare(config)`` attribute, that is called once per cell and
        its result is passed to ``run_fn`` instead of the config dict. If it
        has a ``metrics`` attribute (the names it returns), a spec metric not
        among them is refused before anything runs.

    Returns
    -------
    pandas.DataFrame
        One row per (cell, replicate), ordered by cell then replicate, with
        columns ``cell``, one per varied parameter, ``replicate``, ``seed``,
        the metrics (float64) and ``error`` (null unless the run failed).
        With ``out``, all rows in the folder (earlier sessions included).

    Raises
    ------
    ValueError, TypeError
        For a bad spec or arguments.
    SweepFolderError
        If ``out`` holds results of a different spec or smmsim version.
    SweepLockedError
        If another process is writing ``out``.
    SweepAbortedError
        If the executor fails (a worker process dies, the scheduler is
        unreachable); finished chunks stay saved.

    See Also
    --------
    summarize : per-cell means with bootstrap CIs and sensitivity indices.

    Notes
    -----
    Run ``(cell, replicate)`` uses the child ``(1, cell, replicate)`` of the
    master ``SeedSequence(seed)`` (with ``common_random_numbers``, the child
    ``(2, replicate)``, shared by all cells), reduced to the 63-bit int stored
    in ``seed``: ``simulate(cfg, rng=row.seed)`` repeats that run. A run that
    raises is recorded with its error, never stops the sweep; the run log
    ``_runlog.jsonl`` in ``out`` holds its traceback, and wall-clock times and
    host names, which result rows never hold.

    Local worker processes are started with ``spawn``: in a script, call
    ``run_sweep`` under ``if __name__ == "__main__":``.

    Dask workers by default run with ``MALLOC_TRIM_THRESHOLD_=65536``, which
    about doubles the engine's CPU time (every large array is mapped afresh).
    ``dask="local"`` starts its workers without it; for your own cluster, set
    the Dask config ``distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_``
    to ``null`` before starting the workers.

    Examples
    --------
    >>> spec = {
    ...     "model": "smmsim.sweep.run:_demo_model",
    ...     "base": {"content": {"stickiness": 0.2}, "n_seed_nodes": 5},
    ...     "parameters": {"content.stickiness": [0.1, 0.3]},
    ...     "n_replicates": 3,
    ...     "seed": 7,
    ...     "metrics": ["reach", "shares"],
    ... }
    >>> df = run_sweep(spec, workers=1)
    >>> list(df.columns)
    ['cell', 'content_stickiness', 'replicate', 'seed', 'reach', 'shares', 'error']
    >>> len(df), int(df["error"].notna().sum())
    (6, 0)
    """
    spec = load_spec(spec)
    if run_fn is None:
        run_fn = import_object("model", spec.model) if spec.model else run_scenario
    elif not callable(run_fn):
        raise TypeError(f"`run_fn` must be callable; got {type(run_fn).__name__}.")
    _check_known_metrics(spec.metrics, run_fn)
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"`workers` must be an int >= 1; got {workers!r}.")
        if dask is not None and dask != "local":
            raise ValueError(
                "`workers` applies to local processes and dask='local'; a running "
                f"scheduler's cluster has its own workers; got workers={workers!r}."
            )
    if dask is not None and not isinstance(dask, str) and not _is_client(dask):
        raise TypeError(
            "`dask` must be None, 'local', a scheduler address or a distributed.Client; "
            f"got {type(dask).__name__}."
        )
    if isinstance(dask, str) and not dask.strip():
        raise ValueError("`dask` must be 'local' or a scheduler address; got an empty string.")

    schema = result_schema(spec)
    store = ResultStore(out, spec, version=__version__) if out is not None else None
    tables: dict[int, pa.Table] = {}
    try:
        if store and store.repaired:
            shown = ", ".join(f"{n} ({why})" for n, why in store.repaired[:3])
            more = ", ..." if len(store.repaired) > 3 else ""
            print(
                f"smmsim sweep: re-running {len(store.repaired)} damaged chunk(s) of "
                f"{str(store.path)!r}: {shown}{more}; the damaged files are kept in "
                f"{DAMAGED}/.",
                file=sys.stderr,
            )
        done = store.done_chunks() if store else set()
        todo = [c for c in range(spec.n_chunks) if c not in done]
        tasks = make_tasks(spec, todo, run_fn)
        bar = Progress(spec, done, enabled=progress_enabled(progress))
        try:
            with _executor(tasks, workers=workers, dask=dask) as (results, info):
                if store:
                    store.log(
                        "start",
                        smmsim_version=__version__,
                        n_chunks=spec.n_chunks,
                        chunks_done=len(done),
                        chunks_todo=len(todo),
                        **info,
                    )
                for result in results:
                    table = _to_table(spec, result, schema)
                    if store:
                        store.write_chunk(result.chunk, table)
                        _log_chunk(store, result)
                    else:
                        tables[result.chunk] = table
                    bar.update(result)
                if store:
                    store.log(
                        "end",
                        runs=bar.session_runs,
                        runs_per_second=round(bar.runs_per_second, 3),
                    )
        finally:
            bar.close()
        if store:
            return read_table(store.path, spec)
    finally:
        if store:
            store.close()
    if not tables:
        return schema.empty_table().to_pandas()
    table = pa.concat_tables([tables[c] for c in sorted(tables)])
    return table.to_pandas().sort_values(["cell", "replicate"], kind="stable", ignore_index=True)


def _is_client(obj) -> bool:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - distributed is a dependency
        return False
    return isinstance(obj, Client)


def _log_chunk(store: ResultStore, result: ChunkResult) -> None:
    n_failed = sum(e is not None for e in result.error)
    store.log(
        "chunk",
        chunk=result.chunk,
        runs=len(result.cell),
        failed=n_failed,
        seconds=round(result.seconds, 4),
        host=result.host,
        pid=result.pid,
    )
    for cell, replicate, tb in result.tracebacks:
        store.log("run_failed", chunk=result.chunk, cell=cell, replicate=replicate, traceback=tb)


def _check_sendable(run_fn) -> None:
    """Raise early if local worker processes could not import ``run_fn``."""
    main = sys.modules.get("__main__")
    if getattr(run_fn, "__module__", None) == "__main__" and not getattr(main, "__file__", None):
        raise ValueError(
            "`run_fn` is defined interactively (e.g. in a notebook), so worker processes "
            "cannot import it; use workers=1 or dask='local', or move it into a module."
        )
    try:
        pickle.dumps(run_fn)
    except Exception as exc:
        raise ValueError(
            f"`run_fn` cannot be sent to worker processes ({_first_line(exc)}); use a "
            "module-level function, workers=1 or dask='local'."
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class _executor:
    """Context manager yielding (iterator of ChunkResults, description for the log)."""

    def __init__(self, tasks, *, workers, dask):
        self.tasks, self.workers, self.dask = tasks, workers, dask
        self._client_cm = None
        self._iter = None

    def __enter__(self):
        tasks = self.tasks
        if not tasks:
            return iter(()), {"executor": "none", "workers": 0}
        if self.dask is not None:
            self._client_cm = dask_client(self.dask, self.workers)
            client = self._client_cm.__enter__()
            n = len(client.nthreads())
            kind = "dask-local" if self.dask == "local" else "dask"
            self._iter = run_dask(tasks, client)
            return self._iter, {"executor": kind, "workers": n}
        n = self.workers or available_cores()
        n = max(1, min(n, len(tasks)))
        if n == 1:
            self._iter = run_serial(tasks)
            return self._iter, {"executor": "serial", "workers": 1}
        _check_sendable(tasks[0].run_fn)
        self._iter = run_processes(tasks, n)
        return self._iter, {"executor": "processes", "workers": n}

    def __exit__(self, *exc):
        if self._iter is not None and hasattr(self._iter, "close"):
            self._iter.close()
        if self._client_cm is not None:
            return self._client_cm.__exit__(*exc)
        return False


def load_results(path: str | os.PathLike) -> pd.DataFrame:
    """All result rows of a sweep folder, ordered by cell and replicate.

    Parameters
    ----------
    path : path-like
        A folder written by :func:`run_sweep` or ``smmsim sweep``.

    Returns
    -------
    pandas.DataFrame
        The same rows as ``pandas.read_parquet(path)``, sorted.
    """
    return read_table(path, read_spec(path))


@dataclass(frozen=True)
class SweepSummary:
    """Tidy summaries of a sweep.

    Attributes
    ----------
    cells : pandas.DataFrame
        One row per (cell, metric): ``cell``, the parameters, ``metric``, ``n``
        (successful replicates), ``n_failed``, ``mean``, ``std`` and the
        bootstrap CI of the mean ``ci_low``, ``ci_high`` (NaN below 2 replicates).
    sensitivity : pandas.DataFrame
        Sobol (``S1``, ``ST``, ``S2``) or Morris (``mu``, ``mu_star``, ``sigma``)
        indices of each metric's cell means: ``metric``, ``method``,
        ``parameter``, ``parameter_2`` (for ``S2``), ``index``, ``value``,
        ``conf`` (half-width of the CI). Empty for other designs.
    failures : pandas.DataFrame
        The result rows of failed runs.
    notes : tuple of str
        What could not be computed, and why.
    spec : SweepSpec
        The sweep summarised.
    """

    cells: pd.DataFrame
    sensitivity: pd.DataFrame
    failures: pd.DataFrame
    notes: tuple
    spec: SweepSpec


def _source(
    results: str | os.PathLike | pd.DataFrame, spec: SpecLike | None
) -> tuple[pd.DataFrame, SweepSpec]:
    if isinstance(results, (str, os.PathLike)):
        if spec is not None:
            raise ValueError("`spec` is read from the results folder; do not pass it too.")
        spec = read_spec(results)
        return read_table(results, spec), spec
    if not isinstance(results, pd.DataFrame):
        raise TypeError(
            f"`results` must be a results folder or a DataFrame; got {type(results).__name__}."
        )
    if spec is None:
        raise ValueError("`spec` is required when `results` is a DataFrame.")
    return results, load_spec(spec)


def summarize(
    results: str | os.PathLike | pd.DataFrame,
    spec: SpecLike | None = None,
    *,
    metrics: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    n_boot: int = 1000,
    rng: RngLike = None,
) -> SweepSummary:
    """Per-cell means with bootstrap CIs, and Sobol / Morris indices where the design allows.

    Parameters
    ----------
    results : path-like or pandas.DataFrame
        A sweep results folder, or the rows :func:`run_sweep` returned.
    spec : SweepSpec, dict or path-like, optional
        The sweep's spec; required with a DataFrame, read from the folder otherwise.
    metrics : str or list of str, optional
        Metrics to summarise; default all the sweep kept.
    confidence : float in (0, 1), default 0.95
        Level of the confidence intervals.
    n_boot : int >= 1, default 1000
        Bootstrap resamples (per-cell CIs and index CIs).
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    SweepSummary

    Notes
    -----
    Sensitivity indices are computed on each cell's mean over its successful
    replicates, and only when every cell has one. Inputs are analysed on the
    unit scale the design was drawn on, so Morris effects are per full range
    of each parameter and comparable across parameters.

    References
    ----------
    Saltelli, A. et al. (2010). Variance based sensitivity analysis of model
    output. Computer Physics Communications 181(2), 259-270.

    Morris, M. D. (1991). Factorial sampling plans for preliminary
    computational experiments. Technometrics 33(2), 161-174.

    Herman, J. and Usher, W. (2017). SALib: An open-source Python library for
    sensitivity analysis. Journal of Open Source Software 2(9), 97.

    Examples
    --------
    >>> spec = {
    ...     "model": "smmsim.sweep.run:_demo_model",
    ...     "base": {"content": {"stickiness": 0.2}, "n_seed_nodes": 5},
    ...     "parameters": {"content.stickiness": [0.1, 0.3]},
    ...     "n_replicates": 5,
    ...     "seed": 7,
    ...     "metrics": ["reach"],
    ... }
    >>> s = summarize(run_sweep(spec, workers=1), spec, rng=0)
    >>> s.cells[["content_stickiness", "metric", "n"]]
       content_stickiness metric  n
    0                 0.1  reach  5
    1                 0.3  reach  5
    """
    rng = np.random.default_rng(rng)
    df, spec = _source(results, spec)
    metrics = check_metrics(spec, metrics)
    cells = cell_table(df, spec, metrics=metrics, confidence=confidence, n_boot=n_boot, rng=rng)
    sens, notes = sensitivity_table(
        df, spec, metrics=metrics, confidence=confidence, n_boot=n_boot, rng=rng
    )
    failures = df[df["error"].notna()].reset_index(drop=True)
    missing = spec.n_runs - len(df)
    if missing:
        notes = [f"{missing} of {spec.n_runs} runs have no result yet (sweep unfinished).", *notes]
    return SweepSummary(
        cells=cells, sensitivity=sens, failures=failures, notes=tuple(notes), spec=spec
    )


def plot_main_effect(
    results: str | os.PathLike | pd.DataFrame,
    spec: SpecLike | None = None,
    *,
    metrics: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    rng: RngLike = None,
) -> Figure:
    """Main-effect figure: each metric's cell means against each varied parameter.

    One panel per (metric, parameter): the mean over cells at each level of
    the parameter (continuous sampled parameters are binned into 8 quantile
    bins), with a bootstrap confidence interval across cells.

    Parameters
    ----------
    results : path-like or pandas.DataFrame
        A sweep results folder, or the rows :func:`run_sweep` returned.
    spec : SweepSpec, dict or path-like, optional
        Required with a DataFrame.
    metrics : str or list of str, optional
        Rows of panels; default all the sweep kept.
    confidence : float in (0, 1), default 0.95
        Level of the error bars.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    matplotlib.figure.Figure
    """
    rng = np.random.default_rng(rng)
    df, spec = _source(results, spec)
    metrics = check_metrics(spec, metrics)
    return main_effect_figure(
        df,
        spec,
        metrics=metrics,
        confidence=confidence,
        seed=int(rng.integers(2**31 - 1)),
    )
