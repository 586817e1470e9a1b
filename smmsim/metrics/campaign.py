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


def _posters(run, mask) -> np.ndarray:
    """Positions of the people who shared at least one item in ``mask``."""
    parts = [run.sharers[k] for k in np.flatnonzero(mask)]
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int32)


def summarize_run(run) -> dict:
    """Flat dict of the headline metrics of a :class:`~smmsim.engine.Run`."""
    from .trees import tree_metrics_from_parents

    ps = run.per_step
    cfg = run.config
    brand = _items(run, "brand")
    reviews = _items(run, "review_positive", "review_negative")
    campaign = brand | reviews
    imp = ps["impressions"]
    reach = int(ps["new_reach"][:, brand].sum())
    earned_only = int(_earned_only(run.stats)[:, brand].sum())
    conversions = int(ps["conversions"].sum())
    revenue = conversions * cfg.campaign.price
    gross = revenue * cfg.campaign.margin
    cost = float(sum(run.costs.values()))
    shares = int(ps["shares"][:, brand].sum())
    seeds = int(run.n_seed_posts[brand].sum())
    tree = tree_metrics_from_parents(run.tree_parent[0], np.arange(len(run.sharers[0])))
    earned = int(imp[:, campaign, 2].sum())
    posters = _posters(run, campaign)
    n_pos = int(imp[:, _items(run, "review_positive")].sum())
    n_neg = int(imp[:, _items(run, "review_negative", "claim")].sum())
    complaints = int(run.stats[:, :, K.F_COMPLAINTS].sum())
    out = {
        "reach": reach,
        "reach_earned_only": earned_only,
        "earned_reach_share": earned_only / reach if reach else 0.0,
        "impressions": int(imp[:, campaign].sum()),
        "impressions_paid": int(imp[:, campaign, 0].sum()),
        "impressions_owned": int(imp[:, campaign, 1].sum()),
        "impressions_earned": earned,
        "earned_impressions": earned,
        "engagements": int(ps["engagements"][:, campaign].sum()),
        "shares": shares,
        "seed_posts": seeds,
        "virality_rate": shares / reach if reach else 0.0,
        "amplification": (shares - seeds) / seeds if seeds else float("nan"),
        "cascade_size": int(tree["size"]),
        "cascade_depth": int(tree["depth"]),
        "cascade_breadth": int(tree["breadth"]),
        "structural_virality": float(tree["structural_virality"]),
        "website_sessions": int(ps["clicks"].sum()),
        "sessions_paid": int(ps["clicks"][:, :, 0].sum()),
        "sessions_owned": int(ps["clicks"][:, :, 1].sum()),
        "sessions_earned": int(ps["clicks"][:, :, 2].sum()),
        "conversions": conversions,
        "conversions_paid": int(ps["conversions"][:, :, 0].sum()),
        "conversions_owned": int(ps["conversions"][:, :, 1].sum()),
        "conversions_earned": int(ps["conversions"][:, :, 2].sum()),
        "referrals": int(ps["referrals"].sum()),
        "revenue": float(revenue),
        "gross_profit": float(gross),
        "cost": cost,
        **{f"cost_{name}": float(run.costs.get(name, 0.0)) for name in LEVER_NAMES},
        "roi": (gross - cost) / cost if cost > 0 else float("nan"),
        "cost_per_acquisition": cost / conversions if conversions and cost > 0 else float("nan"),
        "earned_media_value": earned * cfg.campaign.levers.broadcast_ads.cpm / 1000,
        "responsiveness": _n_customers(run, posters),
        "reviews_positive": int(run.n_seed_posts[_items(run, "review_positive")].sum()),
        "reviews_negative": int(run.n_seed_posts[_items(run, "review_negative")].sum())
        - complaints,
        "complaints": complaints,
        "sentiment": n_pos / (n_pos + n_neg) if n_pos + n_neg else float("nan"),
        "steps": run.n_steps,
    }
    if cfg.crisis.enabled:
        out.update(_crisis_metrics(run))
    return out


def _earned_only(stats) -> np.ndarray:
    """Per step and item: net change of the people reached by earned media only."""
    return stats[:, :, K.F_NEW_REACH_EARNED] - stats[:, :, K.F_EARNED_LOST]


def _n_customers(run, people) -> int:
    """How many of ``people`` are customers at the end of the run."""
    before = run.world.population.is_customer[people]
    return int((before | np.isin(people, run.buyers)).sum())


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


def steps_frame(run) -> pd.DataFrame:
    """Tidy per-step table of a run: one row per (step, item), like an analytics report.

    Every step of the scenario has its rows (``config.steps`` of them): after
    the cascade stops the counts are 0, so replicates line up step by step.
    Sessions and conversions are also split by the origin of the exposure
    that led there (``website_sessions_paid`` ...). ``reach`` and
    ``reach_earned_only`` are cumulative up to the step (a person reached by
    word of mouth at step 3 who sees an ad at step 8 leaves the earned-only
    count at step 8); ``new_reach_earned_only`` is their net change in the step.
    """
    s = run.stats
    T = max(run.config.steps, s.shape[0])
    if s.shape[0] < T:
        s = np.concatenate([s, np.zeros((T - s.shape[0], *s.shape[1:]), s.dtype)])
    n_items = s.shape[1]
    cols = {
        "step": np.repeat(np.arange(T), n_items),
        "item": np.tile(np.array(run.items, dtype=object), T),
        "kind": np.tile(np.array(run.kinds, dtype=object), T),
    }
    for i, origin in enumerate(("paid", "owned", "earned")):
        cols[f"impressions_{origin}"] = s[:, :, K.F_IMPRESSIONS + i].ravel()
    cols["new_reach"] = s[:, :, K.F_NEW_REACH].ravel()
    cols["new_reach_earned_only"] = _earned_only(s).ravel()
    cols["engagements"] = s[:, :, K.F_ENGAGEMENTS].ravel()
    cols["shares"] = s[:, :, K.F_SHARES].ravel()
    cols["website_sessions"] = s[:, :, K.F_CLICKS : K.F_CLICKS + 3].sum(axis=2).ravel()
    cols["conversions"] = s[:, :, K.F_CONVERSIONS : K.F_CONVERSIONS + 3].sum(axis=2).ravel()
    for i, origin in enumerate(("paid", "owned", "earned")):
        cols[f"website_sessions_{origin}"] = s[:, :, K.F_CLICKS + i].ravel()
        cols[f"conversions_{origin}"] = s[:, :, K.F_CONVERSIONS + i].ravel()
    cols["referrals"] = s[:, :, K.F_REFERRALS].ravel()
    # running totals per item over steps (rows are step-major, items in order)
    reach = np.cumsum(s[:, :, K.F_NEW_REACH], axis=0)
    earned_only = np.cumsum(_earned_only(s), axis=0)
    cols["reach"] = reach.ravel()
    cols["reach_earned_only"] = earned_only.ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(reach > 0, earned_only / np.maximum(reach, 1), 0.0)
    cols["earned_reach_share"] = share.ravel()
    cols["revenue"] = cols["conversions"] * run.config.campaign.price
    frame = pd.DataFrame(cols)
    return frame
