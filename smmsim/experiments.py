"""Ready-made comparisons built from paired replicates (common random numbers).

Each function runs one scenario family with the same replicate seeds in every
arm, so arm-to-arm differences are not sampling noise, and returns a tidy
DataFrame (one row per arm and replicate) ready for seaborn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._rng import SeedLike, fresh_seed
from ._validation import check_int
from .engine import simulate_replicates
from .scenario import ScenarioConfig

if TYPE_CHECKING:
    from .engine import World

__all__ = [
    "compare",
    "correction_delay_curve",
    "mean_ci",
    "source_trusts",
    "endorsement_funnel",
    "branching_number",
    "takeoff_curve",
    "compare_steps",
]

CRISIS_COLUMNS = (
    "lost_sales",
    "lost_sales_after",
    "lost_sales_total",
    "lost_revenue",
    "negative_reach",
    "correction_reach",
    "intent_loss",
    "misinformed",
    "conversions",
    "baseline_conversions",
)


def compare(
    cfg: ScenarioConfig,
    arms: Mapping[str, Mapping[str, Any]],
    *,
    n_replicates: int = 20,
    rng: SeedLike = None,
    progress: bool = False,
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
        seed = fresh_seed(63)
    frames = []
    for name, overrides in arms.items():
        summary, _ = simulate_replicates(
            cfg.with_overrides(overrides), n_replicates=n_replicates, rng=seed, progress=progress
        )
        summary.insert(0, "arm", name)
        frames.append(summary)
    return pd.concat(frames, ignore_index=True)


def correction_delay_curve(
    cfg: ScenarioConfig,
    delays: Iterable[int],
    *,
    n_replicates: int = 20,
    rng: SeedLike = None,
    progress: bool = False,
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


def mean_ci(
    table: pd.DataFrame,
    by: str | Sequence[str],
    metrics: str | Sequence[str],
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean and confidence interval (:func:`smmsim.metrics.intervals.half_width`) per group.

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
    from .metrics.intervals import half_width, z_value

    z_value(confidence)  # checks it
    by = [by] if isinstance(by, str) else list(by)
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    missing = [c for c in [*by, *metrics] if c not in table.columns]
    if missing:
        raise ValueError(f"columns not in the table: {missing}; it has {list(table.columns)}.")
    long = table.melt(id_vars=by, value_vars=metrics, var_name="metric")
    grouped = long.groupby([*by, "metric"], dropna=False, sort=True)["value"]
    out = grouped.agg(n="count", mean="mean", sd="std").reset_index()
    half = half_width(out["sd"].fillna(0.0), out["n"], confidence=confidence)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out.drop(columns="sd")


def source_trusts(cfg: ScenarioConfig) -> dict:
    """Mean trust of a receiver in each source of a post, from ``cfg``.

    Family, friends, colleagues and followers (tie types of the graph), the
    brand's own page (``dynamics.owned_trust``) and a paid ad
    (``dynamics.ad_trust``), in that order.
    """
    t, d = cfg.graph.ties, cfg.dynamics
    return {
        "family": t.trust_family,
        "friends": t.trust_friends,
        "colleagues": t.trust_colleagues,
        "followers": t.trust_followers,
        "brand page": d.owned_trust,
        "paid ad": d.ad_trust,
    }


def endorsement_funnel(
    cfg: ScenarioConfig,
    sources: Mapping[str, float] | None = None,
    *,
    n_exposures: int = 20_000,
    n_replicates: int = 5,
    rng: SeedLike = None,
) -> pd.DataFrame:
    """The same post shown ``n_exposures`` times from each source: the funnel by trust.

    Each source's exposures go through the engine as direct exposures carrying
    that source's trust (nobody passes the post on, no reviews), so the only
    difference between sources is the receiver's trust in the sender: it
    raises the chance of noticing the post (``dynamics.trust_effect``) and of
    buying after a visit (``dynamics.endorsement_uplift``, the implicit
    endorsement).

    Parameters
    ----------
    cfg : ScenarioConfig
    sources : dict of str -> float in [0, 1], optional
        Source name -> trust (default: :func:`source_trusts` of ``cfg``).
    n_exposures : int >= 1, default 20000
    n_replicates : int >= 1, default 5
    rng : None, int or numpy.random.SeedSequence, optional
        Master seed; every source uses the same replicate seeds.

    Returns
    -------
    pandas.DataFrame
        One row per source and replicate: ``source``, ``trust``, ``replicate``,
        ``impressions``, ``engagements``, ``website_sessions``, ``conversions``,
        ``engagement_rate`` (engagements per impression),
        ``conversion_rate`` (purchases per session) and
        ``conversions_per_1000`` (purchases per 1,000 exposures).
    """
    check_int("n_exposures", n_exposures, minimum=1)
    sources = source_trusts(cfg) if sources is None else dict(sources)
    cpm = cfg.campaign.levers.broadcast_ads.cpm
    spend = n_exposures * cpm / 1000
    base = {
        "campaign.seeding.method": "none",
        "campaign.seeding.nodes": [],
        "content.shareability": 0.0,
        "reviews.enabled": False,
        "crisis.enabled": False,
        "campaign.budget": spend,
        "campaign.levers.broadcast_ads.spend": spend,
    }
    for lever in ("targeted_ads", "influencers", "employee_advocacy", "outreach", "referral"):
        base[f"campaign.levers.{lever}.spend"] = 0.0
    arms = {name: {**base, "dynamics.ad_trust": float(w)} for name, w in sources.items()}
    table = compare(cfg, arms, n_replicates=n_replicates, rng=rng).rename(columns={"arm": "source"})
    table.insert(1, "trust", table["source"].map(sources).astype(float))
    out = table[["source", "trust", "replicate", "impressions", "engagements",
                 "website_sessions", "conversions"]].copy()  # fmt: skip
    out["engagement_rate"] = out["engagements"] / out["impressions"]
    out["conversion_rate"] = out["conversions"] / out["website_sessions"].where(
        out["website_sessions"] > 0
    )
    out["conversions_per_1000"] = 1000 * out["conversions"] / out["impressions"]
    return out


def branching_number(cfg: ScenarioConfig, world: World | None = None) -> float:
    """Expected shares set off by one share of the brand's post (novelty decay ignored).

    A share over the tie u -> v makes v a sharer with the engine's arc
    probability p(u, v) (:func:`smmsim.engine.planning.effective_arc_probabilities`);
    v then exposes their other ties. Averaged over the ties a share travels
    (weighted by p), the number of new sharers one sharer makes is
    ``R = sum_a p_a (S_v - p_vu) / sum_a p_a`` with ``S_v`` the sum of v's
    out-tie probabilities. Cascades die out when R < 1 and can take off when
    R > 1: the tipping point.
    """
    from .engine import world_for
    from .engine.planning import effective_arc_probabilities

    world = world if world is not None else world_for(cfg)
    g = world.graph
    p = effective_arc_probabilities(cfg, world)
    if p.sum() == 0:
        return 0.0
    src = np.repeat(np.arange(g.n_nodes), np.diff(g.indptr))
    out_sum = np.bincount(src, weights=p, minlength=g.n_nodes)
    # p of the reverse arc v -> u where it exists (mutual ties), else 0
    key = src.astype(np.int64) * g.n_nodes + g.indices
    order = np.argsort(key)
    rev_key = g.indices.astype(np.int64) * g.n_nodes + src
    pos = np.searchsorted(key[order], rev_key)
    pos = np.minimum(pos, len(key) - 1)
    found = key[order][pos] == rev_key
    p_back = np.where(found, p[order][pos], 0.0)
    onward = out_sum[g.indices] - p_back
    return float((p * onward).sum() / p.sum())


def takeoff_curve(
    cfg: ScenarioConfig,
    stickiness_values: Iterable[float],
    *,
    threshold: float = 0.05,
    n_replicates: int = 20,
    rng: SeedLike = None,
) -> pd.DataFrame:
    """How often the brand's post takes off, across stickiness values (paired replicates).

    A run *takes off* when its cascade reaches more than ``threshold`` of the
    people. Each row also has the :func:`branching_number` R of its
    stickiness: take-off becomes common where R crosses 1.

    Returns
    -------
    pandas.DataFrame
        One row per stickiness value and replicate: ``stickiness``,
        ``branching_number``, ``replicate``, ``reach``, ``shares``,
        ``cascade_size``, ``took_off`` (bool).
    """
    values = [float(v) for v in stickiness_values]
    if not values:
        raise ValueError("`stickiness_values` must hold at least one value; got [].")
    arms = {f"{v:g}": {"content.stickiness": v} for v in values}
    table = compare(cfg, arms, n_replicates=n_replicates, rng=rng)
    table["stickiness"] = table["arm"].astype(float)
    r = {v: branching_number(cfg.with_overrides({"content.stickiness": v})) for v in values}
    table["branching_number"] = table["stickiness"].map(r)
    n = table["reach"].max() if cfg.graph.model == "snap" else cfg.graph.n_nodes
    table["took_off"] = table["shares"] > threshold * n
    return table[["stickiness", "branching_number", "replicate", "reach", "shares",
                  "cascade_size", "took_off"]]  # fmt: skip


def compare_steps(
    cfg: ScenarioConfig,
    arms: Mapping[str, Mapping[str, Any]],
    *,
    n_replicates: int = 10,
    rng: SeedLike = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Like :func:`compare`, and also the per-step tables: ``(summary, steps)``.

    Both tables have an ``arm`` column first; every arm uses the same
    replicate seeds.
    """
    check_int("n_replicates", n_replicates, minimum=1)
    if not arms:
        raise ValueError("`arms` must name at least one arm; got {}.")
    seed = rng if rng is not None else cfg.seed
    summaries, steps = [], []
    for name, overrides in arms.items():
        s, st = simulate_replicates(cfg.with_overrides(overrides), n_replicates=n_replicates,
                                    rng=seed)  # fmt: skip
        s.insert(0, "arm", name)
        st.insert(0, "arm", name)
        summaries.append(s)
        steps.append(st)
    return pd.concat(summaries, ignore_index=True), pd.concat(steps, ignore_index=True)
