"""Sweep summaries: per-cell means with bootstrap CIs, Sobol / Morris indices, main effects.

Private helper of :mod:`smmsim.sweep`; every table is tidy (long form).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._memory import check_fits
from .design import _salib_problem
from .spec import SweepSpec

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CELL_STAT_COLUMNS = ("metric", "n", "n_failed", "mean", "std", "ci_low", "ci_high")
SENSITIVITY_COLUMNS = ("metric", "method", "parameter", "parameter_2", "index", "value", "conf")

_BOOT_BLOCK = 2_000_000  # bootstrap draws held in memory at once


def _check_confidence(confidence) -> float:
    if not isinstance(confidence, (int, float)) or not 0.0 < confidence < 1.0:
        raise ValueError(f"`confidence` must be in (0, 1); got {confidence!r}.")
    return float(confidence)


def check_metrics(spec: SweepSpec, metrics: str | Sequence[str] | None) -> list[str]:
    """The metrics to summarise (default: all the sweep kept)."""
    if metrics is None:
        return list(spec.metrics)
    if isinstance(metrics, str):
        metrics = [metrics]
    for m in metrics:
        if m not in spec.metrics:
            raise ValueError(
                f"`metrics`: {m!r} is not a metric of this sweep; "
                f"it kept {', '.join(spec.metrics)}."
            )
    return list(metrics)


def _matrix(results: pd.DataFrame, cells: np.ndarray, metric: str, reps: int) -> np.ndarray:
    """Values of ``metric`` as an array (cell position, replicate), NaN where missing."""
    pos = np.searchsorted(cells, results["cell"].to_numpy())
    out = np.full((len(cells), reps), np.nan)
    out[pos, results["replicate"].to_numpy()] = results[metric].to_numpy(dtype=np.float64)
    return out


def _bootstrap_ci(values: np.ndarray, n_boot: int, alpha: float, rng) -> np.ndarray:
    """Percentile bootstrap CI of the mean of each row of ``values`` (no NaN)."""
    n_rows, n = values.shape
    check_fits(f"`n_boot` = {n_boot} (resamples of {n} replicates)", 16.0 * n_boot * n)
    out = np.empty((n_rows, 2))
    idx = rng.integers(0, n, size=(n_boot, n))
    block = max(1, _BOOT_BLOCK // (n_boot * n))
    for lo in range(0, n_rows, block):
        part = values[lo : lo + block]
        means = part[:, idx].mean(axis=2)
        out[lo : lo + block] = np.quantile(means, [alpha / 2, 1 - alpha / 2], axis=1).T
    return out


def cell_table(
    results: pd.DataFrame,
    spec: SweepSpec,
    *,
    metrics: Sequence[str],
    confidence: float,
    n_boot: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Per-cell, per-metric mean, standard deviation and bootstrap CI of the mean."""
    confidence = _check_confidence(confidence)
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 1:
        raise ValueError(f"`n_boot` must be an int >= 1; got {n_boot!r}.")
    check_fits(f"`n_boot` = {n_boot}", 16.0 * n_boot * spec.n_replicates)
    params = spec.parameter_columns
    columns = ["cell", *params, *CELL_STAT_COLUMNS]
    if results.empty:
        return pd.DataFrame(columns=columns)
    firsts = results.drop_duplicates("cell").sort_values("cell")
    cells = firsts["cell"].to_numpy()
    failed = results["error"].notna().groupby(results["cell"]).sum().reindex(cells).to_numpy()
    frames = []
    for metric in metrics:
        values = _matrix(results, cells, metric, spec.n_replicates)
        ok = np.isfinite(values)
        n = ok.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            total = np.where(ok, values, 0.0).sum(axis=1)
            mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
            dev = np.where(ok, values - mean[:, None], 0.0)
            std = np.where(n > 1, np.sqrt((dev**2).sum(axis=1) / np.maximum(n - 1, 1)), np.nan)
        ci = np.full((len(cells), 2), np.nan)
        for size in np.unique(n[n > 1]):
            rows = np.flatnonzero(n == size)
            block = np.stack([values[r][ok[r]] for r in rows])
            ci[rows] = _bootstrap_ci(block, n_boot, 1 - confidence, rng)
        frame = firsts[["cell", *params]].reset_index(drop=True).copy()
        frame["metric"] = metric
        frame["n"] = n.astype(np.int64)
        frame["n_failed"] = failed.astype(np.int64)
        frame["mean"] = mean
        frame["std"] = std
        frame["ci_low"] = ci[:, 0]
        frame["ci_high"] = ci[:, 1]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)[columns]


def sensitivity_table(
    results: pd.DataFrame,
    spec: SweepSpec,
    *,
    metrics: Sequence[str],
    confidence: float,
    n_boot: int,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, list[str]]:
    """Sobol or Morris indices of each metric's cell means, and notes on what was skipped."""
    confidence = _check_confidence(confidence)
    kind = spec.design.kind
    empty = pd.DataFrame(columns=list(SENSITIVITY_COLUMNS))
    if kind not in ("sobol", "morris"):
        return empty, [f"no sensitivity indices: the {kind} design does not support them."]
    problem = _salib_problem(spec.parameters)
    cells = np.arange(spec.n_cells)
    notes, rows = [], []
    for metric in metrics:
        if results.empty or results["cell"].nunique() < spec.n_cells:
            notes.append(f"{metric}: no indices, some cells have no results yet.")
            continue
        values = _matrix(results, cells, metric, spec.n_replicates)
        ok = np.isfinite(values)
        if not ok.any(axis=1).all():
            notes.append(f"{metric}: no indices, some cells have no successful run.")
            continue
        y = np.where(ok, values, 0.0).sum(axis=1) / ok.sum(axis=1)
        seed = int(rng.integers(1, 2**31 - 1))
        if kind == "sobol":
            rows += _sobol_rows(metric, problem, y, spec, confidence, n_boot, seed)
        else:
            rows += _morris_rows(metric, problem, y, spec, confidence, n_boot, seed)
    if not rows:
        return empty, notes
    return pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS)), notes


def _sobol_rows(metric, problem, y, spec, confidence, n_boot, seed) -> list[tuple]:
    names = problem["names"]
    second = spec.design.second_order
    if np.ptp(y) == 0:
        # Sobol indices are shares of variance; with none they are undefined.
        si = {key: np.full(len(names), np.nan) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        if second:
            si["S2"] = si["S2_conf"] = np.full((len(names), len(names)), np.nan)
    else:
        from SALib.analyze import sobol

        si = sobol.analyze(
            problem,
            y,
            calc_second_order=second,
            num_resamples=n_boot,
            conf_level=confidence,
            print_to_console=False,
            seed=seed,
        )
    rows = []
    for j, name in enumerate(names):
        for index in ("S1", "ST"):
            rows.append(
                (
                    metric,
                    "sobol",
                    name,
                    None,
                    index,
                    float(si[index][j]),
                    float(si[f"{index}_conf"][j]),
                )
            )
    if second:
        for j, a in enumerate(names):
            for k in range(j + 1, len(names)):
                rows.append(
                    (
                        metric,
                        "sobol",
                        a,
                        names[k],
                        "S2",
                        float(si["S2"][j, k]),
                        float(si["S2_conf"][j, k]),
                    )
                )
    return rows


def _morris_rows(metric, problem, y, spec, confidence, n_boot, seed) -> list[tuple]:
    from SALib.analyze import morris

    si = morris.analyze(
        problem,
        np.asarray(spec.unit_points, dtype=np.float64),
        y,
        num_resamples=n_boot,
        conf_level=confidence,
        print_to_console=False,
        num_levels=spec.design.n_levels,
        seed=seed,
    )
    rows = []
    for j, name in enumerate(problem["names"]):
        rows.append((metric, "morris", name, None, "mu", float(si["mu"][j]), math.nan))
        rows.append(
            (
                metric,
                "morris",
                name,
                None,
                "mu_star",
                float(si["mu_star"][j]),
                float(si["mu_star_conf"][j]),
            )
        )
        rows.append((metric, "morris", name, None, "sigma", float(si["sigma"][j]), math.nan))
    return rows


# ---------------------------------------------------------------------------
# Main-effect figure


def _labels(values: pd.Series, kind: str, max_levels: int = 12) -> tuple[pd.Series, list[str]]:
    """Ordered category labels for one parameter (continuous values binned)."""
    if kind in ("float64", "int64"):
        x = values.astype(np.float64)
        if x.nunique() > max_levels:
            bins = pd.qcut(x, q=8, duplicates="drop")
            centre = x.groupby(bins, observed=True).transform("median")
        else:
            centre = x
        levels = np.sort(centre.unique())
        for digits in (3, 4, 6, 10):
            names = [f"{v:.{digits}g}" for v in levels]
            if len(set(names)) == len(names):
                break
        mapping = dict(zip(levels, names))
        return centre.map(mapping), names
    labels = values.astype(str)
    return labels, sorted(labels.unique())


def main_effect_figure(
    results: pd.DataFrame,
    spec: SweepSpec,
    *,
    metrics: Sequence[str],
    confidence: float,
    seed: int,
) -> Figure:
    """Each metric's cell mean against each parameter, averaged over the others."""
    import seaborn as sns
    from matplotlib.figure import Figure

    confidence = _check_confidence(confidence)
    ok = results["error"].isna()
    means = (
        results[ok]
        .groupby("cell", sort=True)[[*spec.parameter_columns, *metrics]]
        .agg({**{p: "first" for p in spec.parameter_columns}, **{m: "mean" for m in metrics}})
    )
    k, m = len(spec.parameters), len(metrics)
    fig = Figure(figsize=(3.4 * k, 2.6 * m + 0.6), layout="constrained")
    axes = fig.subplots(m, k, squeeze=False, sharey="row")
    for j, param in enumerate(spec.parameters):
        labels, order = _labels(means[param.name], param.kind) if len(means) else (None, [])
        for i, metric in enumerate(metrics):
            ax = axes[i, j]
            if len(means):
                assert labels is not None  # set whenever there are means
                data = pd.DataFrame({"level": labels.to_numpy(), "y": means[metric].to_numpy()})
                sns.pointplot(
                    data=data,
                    x="level",
                    y="y",
                    order=order,
                    errorbar=("ci", 100 * confidence),
                    seed=seed,
                    ax=ax,
                )
            ax.set_xlabel(param.name if i == m - 1 else "")
            ax.set_ylabel(metric if j == 0 else "")
            if len(order) > 6:
                ax.tick_params(axis="x", labelrotation=45)
    fig.suptitle(f"Main effects: cell means by parameter ({100 * confidence:.0f}% CI across cells)")
    return fig
