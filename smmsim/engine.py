"""The discrete-time marketing cascade engine.

``simulate(scenario, rng=...)`` builds (or reuses) the graph and population,
turns the campaign into content items and scheduled events, runs the compiled
kernel and returns a :class:`Run` with per-step tables, cascade trees and a
summary of the metrics.

Dynamics of one step ``t`` (see MISSION.md, "The model in one page"):

1. scheduled posts (seeds, reviews) join their item's frontier;
2. direct exposures (ads, owned channels) reach their targets;
3. everyone in a frontier exposes their out-ties. An exposed person engages
   with probability ``activity * stickiness * appeal[segment] * trust factor *
   novelty decay``; an engagement may become a website session
   (``click_through``), a session of a non-customer a purchase
   (``interest * (1 + uplift * trust)``), and the engaged person passes the
   item on with probability ``shareability * share_propensity``, at most once
   per item; they post at step ``t + 1``.

With activity = share propensity = appeal = 1, no trust effect and no decay,
one item spreads exactly as the independent cascade with
``p = stickiness * shareability``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from . import _engine_kernel as K
from ._rng import as_generator
from .graphs import SocialGraph, build_graph
from .planning import plan_run
from .population import Population, build_population
from .scenario import ScenarioConfig

__all__ = ["Run", "simulate", "world_for", "ORIGIN_NAMES"]

ORIGIN_NAMES = ("paid", "owned", "earned")
KIND_NAMES = ("brand", "review_positive", "review_negative", "claim", "correction")


@dataclass(frozen=True, eq=False)
class World:
    """A graph with its population: built once per (graph, population) config."""

    graph: SocialGraph
    population: Population
    cache: dict = field(default_factory=dict, repr=False)  # planned seed choices


@lru_cache(maxsize=8)
def _world_cached(graph_cfg, population_cfg_key, graph_seed):
    ss = np.random.SeedSequence(graph_seed)
    g_ss, p_ss = ss.spawn(2)
    graph = build_graph(graph_cfg, rng=g_ss)
    population_cfg = _POP_BY_KEY[population_cfg_key]
    return World(graph, build_population(graph, population_cfg, rng=p_ss))


_POP_BY_KEY: dict = {}


def world_for(cfg: ScenarioConfig) -> World:
    """The graph and population of ``cfg``, cached within the process.

    Replicates and sweep cells that share the graph section reuse one world,
    so a long-lived worker builds each graph once.
    """
    pop_key = repr(cfg.population)
    _POP_BY_KEY[pop_key] = cfg.population
    return _world_cached(cfg.graph, pop_key, cfg.graph_seed)


@dataclass(frozen=True, eq=False)
class Run:
    """Outcome of one simulated scenario.

    Attributes
    ----------
    config : ScenarioConfig
    seed : int or None
        The seed the run's Generator came from, when known.
    items : list of str
        Content item names, in kernel order.
    kinds : list of str
        Kind of each item (brand, review_positive, review_negative, claim, correction).
    n_steps : int
        Steps actually simulated (the run stops early once nothing moves).
    per_step : dict of str -> ndarray
        Per-step, per-item counts: impressions (step, item, origin),
        new_reach, engagements, shares, clicks, conversions, referrals.
    order, parent, depth : ndarray of int32, shape (n_items, n_nodes)
        Cascade tree per item: sharers in order, who exposed each (-1: brand
        or seed), generation.
    count : ndarray of int64, shape (n_items,)
        Number of sharers per item (seeds included).
    n_seed_posts : ndarray of int64
        Seed posts per item.
    costs : dict of str -> float
        Spend per lever (never above the lever's allocation).
    world : World
    interest_before, interest_after : ndarray of float
        Purchase interest per person before any claim hit them, and at the end.
    customers_after : ndarray of bool
    misinformed : ndarray of bool
        People who engaged with a claim (their interest was cut).
    baseline : Run or None
        With a crisis: the same run (same draws) without it.
    """

    config: ScenarioConfig
    seed: object
    items: list
    kinds: list
    n_steps: int
    per_step: dict
    order: np.ndarray
    parent: np.ndarray
    depth: np.ndarray
    count: np.ndarray
    n_seed_posts: np.ndarray
    costs: dict
    world: World
    interest_before: np.ndarray = field(repr=False)
    interest_after: np.ndarray = field(repr=False)
    customers_after: np.ndarray = field(repr=False)
    misinformed: np.ndarray = field(default=None, repr=False)
    baseline: Run | None = field(default=None, repr=False)

    def tree(self, item: int | str = 0) -> dict:
        """Cascade tree of ``item`` as a parent mapping (node label -> parent label or None)."""
        k = self.items.index(item) if isinstance(item, str) else item
        ids = self.world.graph.node_ids
        nodes = self.order[k, : self.count[k]]
        par = self.parent[k, nodes]
        return {
            ids[v].item() if hasattr(ids[v], "item") else ids[v]: (
                None if p < 0 else (ids[p].item() if hasattr(ids[p], "item") else ids[p])
            )
            for v, p in zip(nodes.tolist(), par.tolist())
        }

    def steps_frame(self) -> pd.DataFrame:
        """Tidy per-step table: one row per (step, item)."""
        from ._run_metrics import steps_frame

        return steps_frame(self)

    def summary(self) -> dict:
        """Flat dict of the run's headline metrics (see :func:`smmsim.metrics.summarize_run`)."""
        from ._run_metrics import summarize_run

        return summarize_run(self)


def simulate(cfg: ScenarioConfig | None = None, *, rng=None) -> Run:
    """Simulate one scenario.

    Parameters
    ----------
    cfg : ScenarioConfig, optional
        Defaults to ``ScenarioConfig()``.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).
        If None, ``cfg.seed`` is used.

    Returns
    -------
    Run

    Examples
    --------
    >>> run = simulate(ScenarioConfig.from_dict({"graph": {"n_nodes": 300}}), rng=1)
    >>> run.summary()["reach"] >= run.summary()["shares"]
    True
    """
    cfg = cfg or ScenarioConfig()
    seed = rng if rng is not None else cfg.seed
    rng = as_generator(seed)
    world = world_for(cfg)
    # the kernel's key first, so that planning never shifts the dynamics' draws
    key = np.uint64(rng.integers(0, 2**63, dtype=np.int64))
    plan = plan_run(cfg, world, rng)
    run = _run_plan(cfg, world, plan, key, seed, n_events=None)
    if cfg.crisis.enabled:
        # the same run without the crisis: same key, same campaign events
        base = _run_plan(cfg, world, plan, key, seed, n_events=plan.n_campaign_events)
        run = dataclasses.replace(run, baseline=base)
    return run


_PARAM_ORDER = (
    "trust_effect",
    "endorsement_uplift",
    "claim_impact",
    "recovery",
    "prebunk_protection",
    "review_effect",
    "review_prob",
    "review_delay_mean",
    "quality",
    "customer_share_boost",
    "respond_reach",
)


def _run_plan(cfg, world, plan, key, seed, *, n_events) -> Run:
    g, pop = world.graph, world.population
    n, n_items, T = g.n_nodes, len(plan.items), cfg.steps
    params = np.array([plan.params[name] for name in _PARAM_ORDER], dtype=np.float64)
    out = {
        "impressions": np.zeros((T, n_items, 3), np.int64),
        "new_reach": np.zeros((T, n_items), np.int64),
        "engagements": np.zeros((T, n_items), np.int64),
        "shares": np.zeros((T, n_items), np.int64),
        "clicks": np.zeros((T, n_items, 3), np.int64),
        "conversions": np.zeros((T, n_items, 3), np.int64),
        "referrals": np.zeros((T, n_items), np.int64),
    }
    order = np.zeros((n_items, n), np.int32)
    parent = np.full((n_items, n), -1, np.int32)
    depth = np.zeros((n_items, n), np.int32)
    count = np.zeros(n_items, np.int64)
    n_posted = np.zeros(n_items, np.int64)
    interest = pop.purchase_interest.copy()
    customer = pop.is_customer.astype(np.uint8)
    intent_before = np.full(n, -1.0)
    ev = plan.events.arrays(limit=n_events)
    steps_run = K.run_marketing(
        g.indptr,
        g.indices,
        g.trust,
        g.segment,
        pop.activity,
        pop.share_propensity,
        interest,
        customer,
        np.array([it.kind for it in plan.items], np.int64),
        np.array([it.stickiness for it in plan.items]),
        np.array([it.shareability for it in plan.items]),
        np.array([it.click_through for it in plan.items]),
        np.array([it.decay_rate for it in plan.items]),
        np.array([it.appeal for it in plan.items], dtype=np.float64).reshape(n_items, -1),
        ev["step"],
        ev["item"],
        ev["node"],
        ev["type"],
        ev["origin"],
        ev["trust"].astype(float),
        params,
        np.array(plan.review_items, np.int64),
        T,
        key,
        out["impressions"],
        out["new_reach"],
        out["engagements"],
        out["shares"],
        out["clicks"],
        out["conversions"],
        out["referrals"],
        order,
        parent,
        depth,
        count,
        n_posted,
        intent_before,
    )
    per_step = {k: v[:steps_run] for k, v in out.items()}
    return Run(
        config=cfg,
        seed=seed if isinstance(seed, (int, np.integer)) else None,
        items=[it.name for it in plan.items],
        kinds=[KIND_NAMES[it.kind] for it in plan.items],
        n_steps=int(steps_run),
        per_step=per_step,
        order=order,
        parent=parent,
        depth=depth,
        count=count,
        n_seed_posts=n_posted,
        costs=_lever_costs(cfg, plan, out["referrals"]),
        world=world,
        interest_before=np.where(intent_before >= 0, intent_before, pop.purchase_interest),
        interest_after=interest,
        customers_after=customer.astype(bool),
        misinformed=intent_before >= 0,
    )


def _lever_costs(cfg, plan, referrals) -> dict:
    costs = dict(plan.costs)
    ref = cfg.campaign.levers.referral
    if ref.spend > 0:
        # rewards are paid from a capped pool
        costs["referral"] = float(min(ref.spend, ref.reward * referrals.sum()))
    return costs


def simulate_replicates(
    cfg: ScenarioConfig | None = None, *, n_replicates: int = 1, rng=None, progress: bool = False
):
    """Run ``n_replicates`` independent replicates of one scenario.

    Replicate ``i`` uses the i-th child of ``SeedSequence(seed)``, so adding
    replicates leaves the earlier ones unchanged.

    Parameters
    ----------
    cfg : ScenarioConfig, optional
    n_replicates : int >= 1
    rng : None, int or numpy.random.SeedSequence, optional
        Master seed (``cfg.seed`` if None).
    progress : bool
        Show a progress bar.

    Returns
    -------
    summary : pandas.DataFrame
        One row per replicate: ``replicate``, ``seed`` then the metrics.
    steps : pandas.DataFrame
        Per-step table of every replicate (``replicate`` column first).
    """
    from ._validation import check_int

    cfg = cfg or ScenarioConfig()
    check_int("replicates", n_replicates, minimum=1)
    master = rng if rng is not None else cfg.seed
    if isinstance(master, np.random.Generator):
        raise TypeError("`rng` for replicates must be None, an int or a SeedSequence.")
    root = master if isinstance(master, np.random.SeedSequence) else np.random.SeedSequence(master)
    children = root.spawn(n_replicates)
    rows, frames = [], []
    iterator = range(n_replicates)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="replicates", unit="run", leave=False)
    for i in iterator:
        run = simulate(cfg, rng=children[i])
        rows.append({"replicate": i, "seed": root.entropy, **run.summary()})
        f = run.steps_frame()
        f.insert(0, "replicate", i)
        frames.append(f)
    return pd.DataFrame(rows), pd.concat(frames, ignore_index=True)
