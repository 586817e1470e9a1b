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


def _items(run, *kinds) -> np.ndarray:
    return np.array([k in kinds for k in run.kinds], dtype=bool)


def summarize_run(run: Any) -> dict:  # a smmsim.engine.Run (the engine sits above)
    """Flat dict of the headline metrics of a :class:`~smmsim.engine.Run`."""
    cols = summary_columns([run])
    return {name: col[0] for name, col in cols.items()}


def summary_columns(runs: Sequence[Any]) -> dict:
    """:func:`summarize_run` of each of ``runs`` (runs of one scenario), as one list of
    values per metric: what one call costs is mostly per metric, not per run.

    The values are Python ints and floats, exactly those :func:`summarize_run` gives."""
    return {name: col.tolist() for name, col in summary_arrays(runs).items()}


def summary_arrays(runs: Sequence[Any]) -> dict:
    """:func:`summary_columns` as one numpy array per metric (int64 or float64), the
    columns a table is built from."""
    from ._tree_kernel import forests_summaries

    first = runs[0]
    cfg = first.config
    if any(r.config is not cfg or r.kinds != first.kinds for r in runs):
        raise ValueError("`runs` must be runs of one scenario (the same config and items).")
    tot = _totals([r.stats for r in runs])  # (runs, items, fields)
    brand = _items(first, "brand")
    reviews = _items(first, "review_positive", "review_negative")
    campaign = brand | reviews
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
    cost = np.array([float(sum(r.costs.values())) for r in runs])
    shares = over(brand, K.F_SHARES)
    seeds = over(brand, K.F_POSTS)
    # the engine's trees are parents-first by construction: no checks, no relabelling
    tree_size, tree_depth, tree_breadth, virality = forests_summaries(
        *_joined([r.tree_parent[0] for r in runs])
    )
    earned = imp[:, campaign, 2].sum(axis=1)
    n_pos = imp[:, _items(first, "review_positive")].sum(axis=(1, 2))
    n_neg = imp[:, _items(first, "review_negative", "claim")].sum(axis=(1, 2))
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
        "cascade_size": tree_size,
        "cascade_depth": tree_depth,
        "cascade_breadth": tree_breadth,
        "structural_virality": virality,
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
        **{f"cost_{name}": [float(r.costs.get(name, 0.0)) for r in runs] for name in LEVER_NAMES},
        "roi": _ratio(gross - cost, cost, nan, cost > 0),
        "cost_per_acquisition": _ratio(cost, conversions, nan, (conversions != 0) & (cost > 0)),
        "earned_media_value": earned * cfg.campaign.levers.broadcast_ads.cpm / 1000,
        "responsiveness": _responsiveness(runs, campaign),
        "reviews_positive": over(_items(first, "review_positive"), K.F_POSTS),
        "reviews_negative": over(_items(first, "review_negative"), K.F_POSTS) - complaints,
        "complaints": complaints,
        "sentiment": _ratio(n_pos, n_pos + n_neg, nan),
        "steps": [r.n_steps for r in runs],
    }
    cols = {name: np.asarray(col) for name, col in out.items()}
    if cfg.crisis.enabled:
        crisis = [_crisis_metrics(r) for r in runs]
        cols.update({name: np.asarray([c[name] for c in crisis]) for name in crisis[0]})
    return cols


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
    people, people_bounds = _joined([r.sharers[k] for r in runs for k in ks], group=len(ks))
    buyers, buyer_bounds = _joined([r.buyers for r in runs])
    is_customer = runs[0].world.population.is_customer
    return count_customers_each(people, people_bounds, buyers, buyer_bounds, is_customer)


def _joined(arrays, group: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``arrays`` end to end, and the bounds of each run's part: run ``i`` holds arrays
    ``[group * i, group * (i + 1))``, ``joined[bounds[i]:bounds[i + 1]]``."""
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    if group == 0:
        raise ValueError("`group` must be at least 1.")
    bounds = np.zeros(len(arrays) // group + 1, dtype=np.int64)
    np.cumsum(lengths.reshape(-1, group).sum(axis=1), out=bounds[1:])
    return (np.concatenate(arrays) if arrays else _NOBODY), bounds


def _totals(stats) -> np.ndarray:
    """Each run's per-step counts summed over its steps: shape (runs, items, fields)."""
    if all(len(s) for s in stats):
        starts = np.cumsum([0] + [len(s) for s in stats[:-1]])
        return np.add.reduceat(np.concatenate(stats), starts, axis=0)
    return np.stack([s.sum(axis=0) for s in stats])  # reduceat cannot sum no steps


_NOBODY = np.empty(0, np.int32)


def _crisis_metrics(run) -> dict:
    ps = run.per_step
    claim = _items(run, "claim")
    correction = _items(run, "correction")
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
    return pd.DataFrame(_steps_columns([run]))


def steps_table(runs: Sequence[Any]) -> pd.DataFrame:
    """:func:`steps_frame` of each of ``runs`` (runs of one scenario) one after the
    other, with a first column ``replicate`` (0, 1, ...): the table built at once."""
    return steps_table_of_parts([_steps_columns(runs)], [len(runs)])


def steps_table_of_parts(parts: Sequence[dict], n_runs: Sequence[int]) -> pd.DataFrame:
    """:func:`steps_table` of runs taken in parts: ``parts[i]`` the ``_steps_columns`` of
    ``n_runs[i]`` runs of one scenario, numbered on from the runs before."""
    rows = {len(p["step"]) // n for p, n in zip(parts, n_runs, strict=True)}
    if len(rows) != 1:
        raise ValueError("`parts` must hold runs of one scenario (the same steps and items).")
    cols = joined_columns(parts)
    return pd.DataFrame({"replicate": np.repeat(np.arange(sum(n_runs)), rows.pop()), **cols})


def joined_columns(parts: Sequence[dict]) -> dict:
    """Columns (lists, arrays or Series, as :func:`summary_arrays` and the per-step
    columns make them) of several parts, each column its parts end to end."""
    if len(parts) == 1:
        return dict(parts[0])
    out = {}
    for name, first in parts[0].items():
        pieces = [p[name] for p in parts]
        if isinstance(first, list):
            out[name] = [v for piece in pieces for v in piece]
        elif isinstance(first, pd.Series):
            out[name] = pd.concat(pieces, ignore_index=True)
        else:
            out[name] = np.concatenate(pieces)
    return out


def _repeated_names(names: Sequence[str], times: int) -> pd.Series:
    """``names`` repeated ``times`` times, as pandas' default string column: taken from
    the few names at once (built from one Python string per row, the two name
    columns took 8 of a replicate's 10 us of table)."""
    codes = np.tile(np.arange(len(names)), times)
    return pd.Series(list(names)).take(codes).reset_index(drop=True)


def _steps_columns(runs) -> dict:
    """The columns of :func:`steps_table` but ``replicate``: each run's steps, each
    step's items."""
    first = runs[0]
    cfg = first.config
    if any(r.config is not cfg or r.items != first.items for r in runs):
        raise ValueError("`runs` must be runs of one scenario (the same config and items).")
    T = max(cfg.steps, *(r.stats.shape[0] for r in runs))
    R, n_items = len(runs), first.stats.shape[1]
    # fields first, (field, run, step, item): each field's column is a contiguous row of
    # f, filled from the steps the runs took (the rest, after a cascade stopped, is 0)
    lengths = np.array([r.stats.shape[0] for r in runs])
    steps = np.concatenate([r.stats for r in runs])  # (steps of all runs, item, field)
    run_of = np.repeat(np.arange(R), lengths)
    step_of = np.arange(len(steps)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    s = np.zeros((K.N_FIELDS, R, T, n_items), np.int64)
    s[:, run_of, step_of] = steps.transpose(2, 0, 1)
    f = s.reshape(K.N_FIELDS, -1)
    cols = {
        "step": np.tile(np.repeat(np.arange(T), n_items), R),
        "item": _repeated_names(first.items, R * T),
        "kind": _repeated_names(first.kinds, R * T),
    }
    for i, origin in enumerate(("paid", "owned", "earned")):
        cols[f"impressions_{origin}"] = f[K.F_IMPRESSIONS + i]
    cols["new_reach"] = f[K.F_NEW_REACH]
    cols["new_reach_earned_only"] = f[K.F_NEW_REACH_EARNED] - f[K.F_EARNED_LOST]
    cols["engagements"] = f[K.F_ENGAGEMENTS]
    cols["shares"] = f[K.F_SHARES]
    cols["website_sessions"] = f[K.F_CLICKS] + f[K.F_CLICKS + 1] + f[K.F_CLICKS + 2]
    cols["conversions"] = f[K.F_CONVERSIONS] + f[K.F_CONVERSIONS + 1] + f[K.F_CONVERSIONS + 2]
    for i, origin in enumerate(("paid", "owned", "earned")):
        cols[f"website_sessions_{origin}"] = f[K.F_CLICKS + i]
        cols[f"conversions_{origin}"] = f[K.F_CONVERSIONS + i]
    cols["referrals"] = f[K.F_REFERRALS]
    # running totals per run and item over steps (rows: run, step, item)
    reach = np.cumsum(s[K.F_NEW_REACH], axis=1)
    earned_only = np.cumsum(s[K.F_NEW_REACH_EARNED] - s[K.F_EARNED_LOST], axis=1)
    cols["reach"] = reach.ravel()
    cols["reach_earned_only"] = earned_only.ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(reach > 0, earned_only / np.maximum(reach, 1), 0.0)
    cols["earned_reach_share"] = share.ravel()
    cols["revenue"] = cols["conversions"] * cfg.campaign.price
    return cols
