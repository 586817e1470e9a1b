"""Run-level marketing metrics (re-exported by :mod:`smmsim.metrics`).

Definitions (all per run, brand items unless said otherwise):

- reach: unique people exposed to (or posting) a brand item.
- impressions_paid / _owned / _earned: exposures by origin; people's reshares
  are always earned media.
- engagements, shares (people who passed an item on, seeds included).
- virality_rate = shares / reach; amplification = earned shares per seed post.
- cascade_size, cascade_depth, cascade_breadth, structural_virality: of the
  main brand item's cascade forest.
- website_sessions: clicks through to the website; conversions: purchases;
  revenue = conversions * price; gross_profit = revenue * margin;
  roi = (gross_profit - cost) / cost (NaN when nothing was spent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_BRANDISH = ("brand",)


def _kind_mask(run, kinds) -> np.ndarray:
    return np.array([k in kinds for k in run.kinds], dtype=bool)


def _unique_reach(run, mask) -> int:
    # new_reach counts first sight per item; reach over several items needs the
    # union, approximated from the sharers + exposures tallied per item.
    return int(run.per_step["new_reach"][:, mask].sum())


def summarize_run(run) -> dict:
    """Flat dict of headline metrics of a :class:`~smmsim.engine.Run`."""
    from .metrics import tree_metrics_from_parents

    ps = run.per_step
    brand = _kind_mask(run, _BRANDISH)
    reviews = _kind_mask(run, ("review_positive", "review_negative"))
    imp = ps["impressions"]
    cfg = run.config
    conversions = int(ps["conversions"].sum())
    revenue = conversions * cfg.campaign.price
    cost = float(sum(run.costs.values()))
    gross = revenue * cfg.campaign.margin
    shares = int(ps["shares"][:, brand].sum())
    seeds = int(run.n_seed_posts[brand].sum())
    k0 = int(np.flatnonzero(brand)[0]) if brand.any() else 0
    tree = tree_metrics_from_parents(run.parent[k0], run.order[k0, : run.count[k0]])
    out = {
        "reach": _unique_reach(run, brand),
        "impressions": int(imp[:, brand].sum()),
        "impressions_paid": int(imp[:, brand, 0].sum()),
        "impressions_owned": int(imp[:, brand, 1].sum()),
        "impressions_earned": int(imp[:, brand, 2].sum() + imp[:, reviews].sum()),
        "engagements": int(ps["engagements"][:, brand].sum()),
        "shares": shares,
        "seed_posts": seeds,
        "virality_rate": shares / max(_unique_reach(run, brand), 1),
        "amplification": (shares - seeds) / seeds if seeds else float("nan"),
        "cascade_size": int(tree["size"]),
        "cascade_depth": int(tree["depth"]),
        "cascade_breadth": int(tree["breadth"]),
        "structural_virality": float(tree["structural_virality"]),
        "website_sessions": int(ps["clicks"].sum()),
        "conversions": conversions,
        "referrals": int(ps["referrals"].sum()),
        "revenue": float(revenue),
        "gross_profit": float(gross),
        "cost": cost,
        "roi": (gross - cost) / cost if cost > 0 else float("nan"),
        "cost_per_acquisition": cost / conversions if conversions else float("nan"),
        "steps": run.n_steps,
    }
    return out


def steps_frame(run) -> pd.DataFrame:
    """Tidy per-step table of a run: one row per (step, item)."""
    ps = run.per_step
    T, n_items = ps["shares"].shape
    step = np.repeat(np.arange(T), n_items)
    frame = pd.DataFrame(
        {
            "step": step,
            "item": np.tile(np.array(run.items, dtype=object), T),
            "kind": np.tile(np.array(run.kinds, dtype=object), T),
            "impressions_paid": ps["impressions"][:, :, 0].ravel(),
            "impressions_owned": ps["impressions"][:, :, 1].ravel(),
            "impressions_earned": ps["impressions"][:, :, 2].ravel(),
            "new_reach": ps["new_reach"].ravel(),
            "engagements": ps["engagements"].ravel(),
            "shares": ps["shares"].ravel(),
            "website_sessions": ps["clicks"].ravel(),
            "conversions": ps["conversions"].ravel(),
            "referrals": ps["referrals"].ravel(),
        }
    )
    frame["reach"] = frame.groupby("item", sort=False)["new_reach"].cumsum()
    frame["revenue"] = frame["conversions"] * run.config.campaign.price
    return frame
