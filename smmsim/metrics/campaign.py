"""Run-level marketing metrics (re-exported by :mod:`smmsim.metrics`).

Definitions (per run; "brand" means the campaign's own content item):

Reach / virality
    reach: unique people exposed to (or posting) the brand item.
    reach_earned_only: those of them whose every exposure to it came through
    people's shares or reviews (earned media), none from paid or owned media
    (ads, the brand's channels, its seed posts, influencers it paid):
    the people only word of mouth reached. earned_reach_share =
    reach_earned_only / reach (0 when reach is 0).
    impressions = impressions_paid + impressions_owned + impressions_earned:
    exposures to the campaign's content (the brand item and reviews) by origin;
    reshares by people and reviews are earned media (earned_impressions is the
    same number as impressions_earned).
    engagements (with the campaign's content); shares: people who passed the
    brand item on (seeds included);
    virality_rate = shares / reach; amplification = earned shares per seed post;
    cascade_size, cascade_depth, cascade_breadth, structural_virality of the
    brand item's cascade forest.
Website traffic
    website_sessions (clicks through to the site, any item), split by the
    origin of the exposure that led there: sessions_paid / _owned / _earned.
Return on investment
    conversions (purchases; conversions_paid / _owned / _earned by origin),
    referrals (purchases after a customer's share), revenue = conversions x price,
    gross_profit = revenue x margin, cost (sum over levers), cost_<lever>,
    roi = (gross_profit - cost) / cost, cost_per_acquisition = cost / conversions,
    earned_media_value = earned impressions priced at the broadcast-ads CPM.
Customer responsiveness
    responsiveness: customers (existing or new) who posted (shared brand
    content or a review); reviews_positive / reviews_negative: reviews posted
    by buyers; complaints: negative posts by misinformed customers after a claim.
Sentiment and crisis
    sentiment: share of the impressions of people's own posts about the
    product (reviews, complaints, the claim) that were positive; NaN if none.
    negative_reach: people who saw the claim; correction_reach: people who saw
    the correction; misinformed: people who engaged with the claim (their
    purchase interest was cut); corrected_interest_gap: their mean pre-claim
    minus final purchase interest (what the correction did not restore).
    Against the same run without the crisis (same random numbers):
    baseline_conversions, lost_sales = baseline_conversions - conversions,
    lost_revenue, intent_loss = drop in the population's mean purchase interest
    (a probability per website visit). The drop lasts after the run (a
    correction restores only part of it): lost_sales_after = expected lost
    purchases over ``crisis.horizon`` steps after the run, by the people who
    are not customers at the end, each visiting the website at the no-crisis
    run's rate (sessions per person per step) with their lowered interest;
    lost_sales_total = lost_sales + lost_sales_after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..engine import _kernel as K
from ..scenario.levers import LEVER_NAMES

CRISIS_METRICS = (
    "negative_reach",
    "correction_reach",
    "baseline_conversions",
    "lost_sales",
    "lost_revenue",
    "intent_loss",
    "lost_sales_after",
    "lost_sales_total",
    "misinformed",
    "corrected_interest_gap",
)
"""Metrics :func:`summarize_run` adds when ``crisis.enabled`` (a claim-only
crisis has no baseline run, so it gives only the reach ones, ``misinformed``
and ``corrected_interest_gap``)."""

SUMMARY_METRICS = (
    "reach",
    "reach_earned_only",
    "earned_reach_share",
    "impressions",
    "impressions_paid",
    "impressions_owned",
    "impressions_earned",
    "earned_impressions",
    "engagements",
    "shares",
    "seed_posts",
    "virality_rate",
    "amplification",
    "cascade_size",
    "cascade_depth",
    "cascade_breadth",
    "structural_virality",
    "website_sessions",
    "sessions_paid",
    "sessions_owned",
    "sessions_earned",
    "conversions",
    "conversions_paid",
    "conversions_owned",
    "conversions_earned",
    "referrals",
    "revenue",
    "gross_profit",
    "cost",
    *(f"cost_{name}" for name in LEVER_NAMES),
    "roi",
    "cost_per_acquisition",
    "earned_media_value",
    "responsiveness",
    "reviews_positive",
    "reviews_negative",
    "complaints",
    "sentiment",
    "steps",
    *CRISIS_METRICS,
)
"""Every name :func:`summarize_run` can return (the :data:`CRISIS_METRICS` only
with a crisis): what a sweep of the smmsim engine may keep as ``metrics``."""


def _items(kinds: Sequence[str], *names: str) -> np.ndarray:
    """Bool per item: its kind is one of ``names``."""
    return np.array([k in names for k in kinds], dtype=bool)


def summarize_run(run: Any) -> dict:  # a smmsim.engine.Run (the engine sits above)
    """Flat dict of the headline metrics of a :class:`~smmsim.engine.Run`."""
    cols = summary_columns([run])
    return {name: col[0] for name, col in cols.items()}


def summary_columns(runs: Sequence[Any]) -> dict:
    """:func:`summarize_run` of each of ``runs`` (runs of one scenario), as one list of
    values per metric: what one call costs is mostly per metric, not per run.

    The values are Python ints and floats, exactly those :func:`summarize_run` gives."""
    return {name: col.tolist() for name, col in summary_arrays(runs).items()}


@dataclass(frozen=True)
class RunTotals:
    """What the summary of runs of one scenario is computed from, one entry per run:
    built from :class:`~smmsim.engine.Run` objects (:func:`run_totals`) or by the
    engine's batches straight from their arrays."""

    totals: np.ndarray  # (runs, items, fields): per-step counts summed over the steps
    tree_size: np.ndarray  # the first item's cascade forest: size, depth, breadth,
    tree_depth: np.ndarray  # pair-weighted structural virality
    tree_breadth: np.ndarray
    structural_virality: np.ndarray
    responsiveness: np.ndarray  # sharers of campaign items who are customers at the end
    n_steps: np.ndarray
    cost: np.ndarray  # total spend
    lever_costs: dict  # lever name -> spend, every name of LEVER_NAMES


def campaign_items(kinds: Sequence[str]) -> np.ndarray:
    """Bool per item: a campaign item (the brand's post or a review)."""
    return _items(kinds, "brand", "review_positive", "review_negative")


def run_totals(runs: Sequence[Any]) -> RunTotals:
    """The :class:`RunTotals` of ``runs`` (runs of one scenario)."""
    from ._campaign_kernel import totals_each
    from ._tree_kernel import forests_summaries

    stats, bounds = _joined([r.stats for r in runs])
    # the engine's trees are parents-first by construction: no checks, no relabelling
    parents, tree_bounds = _joined([r.tree_parent[0] for r in runs])
    size, depth, breadth, virality = forests_summaries(parents, tree_bounds[:-1], tree_bounds[1:])
    return RunTotals(
        totals=totals_each(stats, bounds[:-1], bounds[1:]),
        tree_size=size,
        tree_depth=depth,
        tree_breadth=breadth,
        structural_virality=virality,
        responsiveness=_responsiveness(runs, campaign_items(runs[0].kinds)),
        n_steps=np.array([r.n_steps for r in runs], dtype=np.int64),
        cost=np.array([float(sum(r.costs.values())) for r in runs]),
        lever_costs={n: np.array([float(r.costs.get(n, 0.0)) for r in runs]) for n in LEVER_NAMES},
    )


def summary_arrays(runs: Sequence[Any]) -> dict:
    """:func:`summary_columns` as one numpy array per metric (int64 or float64), the
    columns a table is built from."""
    first = runs[0]
    cfg = first.config
    if any(r.config is not cfg or r.kinds != first.kinds for r in runs):
        raise ValueError("`runs` must be runs of one scenario (the same config and items).")
    cols = summary_from_totals(cfg, first.kinds, run_totals(runs))
    if cfg.crisis.enabled:
        crisis = [_crisis_metrics(r) for r in runs]
        cols.update({name: np.asarray([c[name] for c in crisis]) for name in crisis[0]})
    return cols


def summary_from_totals(cfg: Any, kinds: Sequence[str], raw: RunTotals) -> dict:
    """The summary metrics but the crisis ones, one array per metric, from ``raw``."""
    tot = raw.totals
    kinds = tuple(kinds)
    brand = _items(kinds, "brand")
    campaign = campaign_items(kinds)
    imp = tot[:, :, K.F_IMPRESSIONS : K.F_IMPRESSIONS + 3]
    clicks = tot[:, :, K.F_CLICKS : K.F_CLICKS + 3].sum(axis=1)
    convs = tot[:, :, K.F_CONVERSIONS : K.F_CONVERSIONS + 3].sum(axis=1)

    def over(mask: np.ndarray, f: int) -> np.ndarray:
        return tot[:, mask, f].sum(axis=1)

    reach = over(brand, K.F_NEW_REACH)
    earned_only = over(brand, K.F_NEW_REACH_EARNED) - over(brand, K.F_EARNED_LOST)
    conversions = convs.sum(axis=1)
    revenue = conversions * cfg.campaign.price
    gross = revenue * cfg.campaign.margin
    cost = raw.cost
    shares = over(brand, K.F_SHARES)
    seeds = over(brand, K.F_POSTS)
    earned = imp[:, campaign, 2].sum(axis=1)
    n_pos = imp[:, _items(kinds, "review_positive")].sum(axis=(1, 2))
    n_neg = imp[:, _items(kinds, "review_negative", "claim")].sum(axis=(1, 2))
    complaints = tot[:, :, K.F_COMPLAINTS].sum(axis=1)
    nan = float("nan")
    out = {
        "reach": reach,
        "reach_earned_only": earned_only,
        "earned_reach_share": _ratio(earned_only, reach, 0.0),
        "impressions": imp[:, campaign].sum(axis=(1, 2)),
        "impressions_paid": imp[:, campaign, 0].sum(axis=1),
        "impressions_owned": imp[:, campaign, 1].sum(axis=1),
        "impressions_earned": earned,
        "earned_impressions": earned,
        "engagements": over(campaign, K.F_ENGAGEMENTS),
        "shares": shares,
        "seed_posts": seeds,
        "virality_rate": _ratio(shares, reach, 0.0),
        "amplification": _ratio(shares - seeds, seeds, nan),
        "cascade_size": raw.tree_size,
        "cascade_depth": raw.tree_depth,
        "cascade_breadth": raw.tree_breadth,
        "structural_virality": raw.structural_virality,
        "website_sessions": clicks.sum(axis=1),
        "sessions_paid": clicks[:, 0],
        "sessions_owned": clicks[:, 1],
        "sessions_earned": clicks[:, 2],
        "conversions": conversions,
        "conversions_paid": convs[:, 0],
        "conversions_owned": convs[:, 1],
        "conversions_earned": convs[:, 2],
        "referrals": tot[:, :, K.F_REFERRALS].sum(axis=1),
        "revenue": revenue.astype(float),
        "gross_profit": gross.astype(float),
        "cost": cost,
        **{f"cost_{name}": raw.lever_costs[name] for name in LEVER_NAMES},
        "roi": _ratio(gross - cost, cost, nan, cost > 0),
        "cost_per_acquisition": _ratio(cost, conversions, nan, (conversions != 0) & (cost > 0)),
        "earned_media_value": earned * cfg.campaign.levers.broadcast_ads.cpm / 1000,
        "responsiveness": raw.responsiveness,
        "reviews_positive": over(_items(kinds, "review_positive"), K.F_POSTS),
        "reviews_negative": over(_items(kinds, "review_negative"), K.F_POSTS) - complaints,
        "complaints": complaints,
        "sentiment": _ratio(n_pos, n_pos + n_neg, nan),
        "steps": raw.n_steps,
    }
    return {name: np.asarray(col) for name, col in out.items()}


def _ratio(num, den, default, where=None) -> np.ndarray:
    """``num / den`` where ``where`` (default: ``den != 0``), else ``default``."""
    out = np.full(len(num), default, dtype=float)
    np.divide(num, den, out=out, where=den != 0 if where is None else where)
    return out


def _responsiveness(runs, mask) -> np.ndarray:
    """Per run: how many people who shared an item in ``mask`` are customers at the end."""
    from ._campaign_kernel import count_customers_each

    ks = np.flatnonzero(mask).tolist()
    if not ks:
        return np.zeros(len(runs), dtype=np.int64)
    if any(r.world is not runs[0].world for r in runs):  # each run against its own people
        out = np.empty(len(runs), dtype=np.int64)
        groups: dict[int, list[int]] = {}
        for i, r in enumerate(runs):
            groups.setdefault(id(r.world), []).append(i)
        for idx in groups.values():
            out[idx] = _responsiveness([runs[i] for i in idx], mask)
        return out
    people, bounds = _joined([r.sharers[k] for r in runs for k in ks])
    starts = bounds[:-1].reshape(len(runs), len(ks))
    ends = bounds[1:].reshape(len(runs), len(ks))
    buyers, b_bounds = _joined([r.buyers for r in runs])
    is_customer = runs[0].world.population.is_customer
    return count_customers_each(
        people, starts, ends, buyers, b_bounds[:-1], b_bounds[1:], is_customer
    )


def _joined(arrays) -> tuple[np.ndarray, np.ndarray]:
    """``arrays`` end to end, and the bounds of each: ``joined[bounds[i]:bounds[i + 1]]``."""
    bounds = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=bounds[1:])
    return (np.concatenate(arrays) if arrays else _NOBODY), bounds


_NOBODY = np.empty(0, np.int32)


def _crisis_metrics(run) -> dict:
    ps = run.per_step
    claim = _items(run.kinds, "claim")
    correction = _items(run.kinds, "correction")
    base = run.baseline
    out: dict[str, float] = {
        "negative_reach": int(ps["new_reach"][:, claim].sum()),
        "correction_reach": int(ps["new_reach"][:, correction].sum()),
    }
    if base is None:  # crisis.claim_only: no campaign, no twin run to compare with
        out["misinformed"] = len(run.misinformed_nodes)
        out["corrected_interest_gap"] = _corrected_gap(run)
        return out
    lost = int(base.per_step["conversions"].sum() - ps["conversions"].sum())
    return {
        **out,
        "baseline_conversions": int(base.per_step["conversions"].sum()),
        "lost_sales": lost,
        "lost_revenue": float(lost * run.config.campaign.price),
        "intent_loss": base.mean_interest_after() - run.mean_interest_after(),
        "lost_sales_after": (after := _lost_sales_after(run)),
        "lost_sales_total": lost + after,
        "misinformed": len(run.misinformed_nodes),
        "corrected_interest_gap": _corrected_gap(run),
    }


def _lost_sales_after(run) -> float:
    """Expected purchases lost over ``crisis.horizon`` steps after the run."""
    base = run.baseline
    horizon = run.config.crisis.horizon
    n = run.world.graph.n_nodes
    if horizon == 0 or n == 0:
        return 0.0
    visits = float(base.per_step["clicks"].sum()) / (n * max(1, run.config.steps))
    gap = base.interest_after - run.interest_after
    open_ = ~run.customers_after
    return float(horizon * visits * gap[open_].sum())


def _corrected_gap(run) -> float:
    """Mean pre-claim minus final interest of misinformed people (continued influence)."""
    m = run.misinformed_nodes
    if len(m) == 0:
        return float("nan")
    return float((run.interest_before_claim - run.interest_after[m]).mean())


def steps_frame(run: Any) -> pd.DataFrame:
    """Tidy per-step table of a run: one row per (step, item), like an analytics report.

    Every step of the scenario has its rows (``config.steps`` of them): after
    the cascade stops the counts are 0, so replicates line up step by step.
    Sessions and conversions are also split by the origin of the exposure
    that led there (``website_sessions_paid`` ...). ``reach`` and
    ``reach_earned_only`` are cumulative up to the step (a person reached by
    word of mouth at step 3 who sees an ad at step 8 leaves the earned-only
    count at step 8); ``new_reach_earned_only`` is their net change in the step.
    """
    return _steps_of([run], replicate=False)


def steps_table(runs: Sequence[Any]) -> pd.DataFrame:
    """:func:`steps_frame` of each of ``runs`` (runs of one scenario) one after the
    other, with a first column ``replicate`` (0, 1, ...): the table built at once."""
    return _steps_of(runs, replicate=True)


def step_blocks(n_runs: int, n_steps: int, n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Room for the per-step table of ``n_runs`` runs: the integer and the float columns
    (``_campaign_kernel.steps_block`` fills them), one row per column."""
    from ._campaign_kernel import STEP_FLOAT_COLUMNS, STEP_INT_COLUMNS

    rows = n_runs * n_steps * n_items
    return (
        np.empty((len(STEP_INT_COLUMNS), rows), np.int64),
        np.empty((len(STEP_FLOAT_COLUMNS), rows), np.float64),
    )


def step_table(
    items: Sequence[str],
    kinds: Sequence[str],
    n_runs: int,
    n_steps: int,
    ints: np.ndarray,
    floats: np.ndarray,
    price: float,
    *,
    replicate: bool = True,
) -> pd.DataFrame:
    """:func:`steps_table` (without the ``replicate`` column if not ``replicate``) from
    filled :func:`step_blocks` (``price``: the campaign's, int or float as configured).
    The table's integer columns are ``ints`` itself, not a copy."""
    from ._campaign_kernel import STEP_FLOAT_COLUMNS, STEP_INT_COLUMNS

    table = pd.DataFrame(ints.T, columns=list(STEP_INT_COLUMNS), copy=False)
    front = {
        "step": np.tile(np.repeat(np.arange(n_steps), len(items)), n_runs),
        "item": _repeated_names(items, n_runs * n_steps),
        "kind": _repeated_names(kinds, n_runs * n_steps),
    }
    if replicate:
        rows = n_steps * len(items)
        front = {"replicate": np.repeat(np.arange(n_runs), rows), **front}
    for i, (name, values) in enumerate(front.items()):
        table.insert(i, name, values)
    for name, values in zip(STEP_FLOAT_COLUMNS, floats, strict=True):
        table[name] = values
    table["revenue"] = table["conversions"].to_numpy() * price
    return table


def _repeated_names(names: Sequence[str], times: int) -> pd.Series:
    """``names`` repeated ``times`` times, as pandas' default string column: taken from
    the few names at once (built from one Python string per row, the two name
    columns took 8 of a replicate's 10 us of table)."""
    codes = np.tile(np.arange(len(names)), times)
    return pd.Series(list(names)).take(codes).reset_index(drop=True)


def _steps_of(runs, *, replicate: bool) -> pd.DataFrame:
    """:func:`step_table` of runs of one scenario."""
    from ._campaign_kernel import steps_block

    first = runs[0]
    cfg = first.config
    if any(r.config is not cfg or r.items != first.items for r in runs):
        raise ValueError("`runs` must be runs of one scenario (the same config and items).")
    T = max(cfg.steps, *(r.stats.shape[0] for r in runs))
    stats, bounds = _joined([r.stats for r in runs])
    ints, floats = step_blocks(len(runs), T, len(first.items))
    steps_block(stats, bounds[:-1], bounds[1:], T, ints, floats, 0)
    return step_table(first.items, first.kinds, len(runs), T, ints, floats, cfg.campaign.price,
                      replicate=replicate)  # fmt: skip
