"""Parameter sweeps: what to vary, how to run the cells (locally or on Dask), where rows go.

spec       SweepSpec: the YAML spec (base scenario, metrics, replicates, seeds)
parameters Parameter: one dotted path and its values or range
design     Design: grid, random, LHS, Sobol, Morris, and their cells
execute    chunks of runs in this process, worker processes or on Dask
store      the resumable results folder (one Parquet file per chunk)
summary    per-cell means with intervals, sensitivity indices, main-effect plots
run        run_sweep, run_scenario, summarize: the public entry points
"""

from .design import DESIGN_KINDS, Design
from .execute import SweepAbortedError
from .parameters import Parameter
from .run import (
    SweepSummary,
    load_results,
    load_spec,
    plot_main_effect,
    run_scenario,
    run_sweep,
    summarize,
)
from .spec import DEFAULT_METRICS, SweepSpec
from .store import SweepFolderError, SweepLockedError

__all__ = [
    "DEFAULT_METRICS",
    "DESIGN_KINDS",
    "Design",
    "Parameter",
    "SweepAbortedError",
    "SweepFolderError",
    "SweepLockedError",
    "SweepSpec",
    "SweepSummary",
    "load_results",
    "load_spec",
    "plot_main_effect",
    "run_scenario",
    "run_sweep",
    "summarize",
]
