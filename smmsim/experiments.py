"""Ready-made comparisons built from paired replicates (common random numbers).

Each function runs one scenario family with the same replicate seeds in every
arm, so arm-to-arm differences are not sampling noise, and returns a tidy
DataFrame (one row per arm and replicate) ready for seaborn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validation import check_int
from .engine import simulate_replicates
from .scenario import ScenarioConfig

__all__ = ["compare", "correction_delay_curve", "mean_ci"]

CRISIS_COLUMNS = (
    "lost_sales",
    "lost_revenue",
    "negative_reach",
    "correction_reach",
    "intent_loss",
    "misinformed",
    "conversions",
    "baseline_conversions",
)


def compare(
    cfg: ScenarioConfig, arms: dict, *, n_replicates: int = 20, rng=None, progress=False
) -> pd.DataFrame:
    """Run ``cfg`` under several sets of dotted-path overrides, with paired seeds.

    Parameters
    ----------
    cfg : ScenarioConfig
    arms : dict of str -> dict
        Arm name -> overrides, e.g. ``{"late": {"crisis.correction.delay": 10}}``.
    n_replicates : int >= 1
    rng : None, int or numpy.random.SeedSequence, optional
        Master seed; every arm uses the same replicate seeds.
    progress : bool

    Returns
    -------
    pandas.DataFrame
        ``arm``, ``replicate``, ``seed`` and every summary metric.
    """
    check_int("n_replicates", n_replicates, minimum=1)
    if not arms:
        raise ValueError("`arms` must name at least one arm; got {}.")
    seed = rng if rng is not None else cfg.seed
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**63)
    frames = []
    for name, overrides in arms.items():
        summary, _ = simulate_replicates(
            cfg.with_overrides(overrides), n_replicates=n_replicates, rng=seed, progress=progress
        )
        summary.insert(0, "arm", name)
        frames.append(summary)
    return pd.concat(frames, ignore_index=True)


def correction_delay_curve(
    cfg: ScenarioConfig, delays, *, n_replicates: int = 20, rng=None, progress=False
) -> pd.DataFrame:
    """Crisis damage as a function of the correction delay (and with no correction).

    Parameters
    ----------
    cfg : ScenarioConfig
        A scenario with ``crisis.enabled``.
    delays : iterable of int >= 0
        Correction delays in steps; a row with ``delay`` NaN is the
        no-correction arm.
    n_replicates : int >= 1
    rng : None, int or numpy.random.SeedSequence, optional
    progress : bool

    Returns
    -------
    pandas.DataFrame
        One row per (delay, replicate): ``delay``, ``corrected``, ``replicate``,
        ``seed`` and the crisis metrics (lost sales, negative reach, intent loss,
        ...), each measured against the same run without the crisis.

    Examples
    --------
    >>> from smmsim.scenario import ScenarioConfig
    >>> cfg = ScenarioConfig.from_dict({"graph": {"n_nodes": 300}, "crisis": {"enabled": True}})
    >>> curve = correction_delay_curve(cfg, [1, 5], n_replicates=2, rng=0)
    >>> sorted(curve["corrected"].unique().tolist())
    [False, True]
    """
    if not cfg.crisis.enabled:
        raise ValueError("`crisis.enabled` must be true for a correction-delay curve; got False.")
    delays = [check_int("delays[]", d, minimum=0) for d in delays]
    arms = {
        f"delay={d}": {"crisis.correction.enabled": True, "crisis.correction.delay": d}
        for d in delays
    }
    arms["no correction"] = {"crisis.correction.enabled": False}
    table = compare(cfg, arms, n_replicates=n_replicates, rng=rng, progress=progress)
    by_arm = {f"delay={d}": float(d) for d in delays}
    table.insert(0, "delay", table["arm"].map(by_arm).astype(float))
    table.insert(1, "corrected", table["arm"] != "no correction")
    keep = ["delay", "corrected", "replicate", "seed", *CRISIS_COLUMNS]
    return table[keep]


def mean_ci(table: pd.DataFrame, by, metrics, *, confidence: float = 0.95) -> pd.DataFrame:
    """Mean and normal-approximation confidence interval of ``metrics`` per group.

    Parameters
    ----------
    table : pandas.DataFrame
        Replicate rows, e.g. from :func:`compare` or :func:`correction_delay_curve`.
    by : str or list of str
        Grouping columns (NaN groups, such as the no-correction arm, are kept).
    metrics : str or list of str
    confidence : float in (0, 1), default 0.95

    Returns
    -------
    pandas.DataFrame
        Tidy: the ``by`` columns, ``metric``, ``n``, ``mean``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> t = pd.DataFrame({"arm": ["a", "a", "b", "b"], "x": [1.0, 3.0, 5.0, 5.0]})
    >>> mean_ci(t, "arm", "x")[["arm", "mean", "ci_low", "ci_high"]].round(2).values.tolist()
    [['a', 2.0, 0.04, 3.96], ['b', 5.0, 5.0, 5.0]]
    """
    from scipy import stats

    if not 0.0 < confidence < 1.0:
        raise ValueError(f"`confidence` must be in (0, 1); got {confidence!r}.")
    by = [by] if isinstance(by, str) else list(by)
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    missing = [c for c in [*by, *metrics] if c not in table.columns]
    if missing:
        raise ValueError(f"columns not in the table: {missing}; it has {list(table.columns)}.")
    z = stats.norm.ppf(0.5 + confidence / 2)
    long = table.melt(id_vars=by, value_vars=metrics, var_name="metric")
    grouped = long.groupby([*by, "metric"], dropna=False, sort=True)["value"]
    out = grouped.agg(n="count", mean="mean", sd="std").reset_index()
    half = z * out["sd"].fillna(0.0) / np.sqrt(out["n"])
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out.drop(columns="sd")
