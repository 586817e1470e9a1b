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
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .._memory import check_scenario_fits
from .._rng import RngLike, SeedLike, as_generator, as_seed_sequence, replicate_seeds, world_seeds
from ..graphs import SocialGraph, build_graph
from ..population import Population, PopulationConfig, build_population
from ..scenario import ScenarioConfig
from ..scenario.levers import LEVER_NAMES
from . import _kernel as K
from .planning import WorldCache, plan_draws, plan_run

__all__ = [
    "Run",
    "World",
    "simulate",
    "simulate_replicates",
    "run_replicates",
    "make_world",
    "world_for",
]

ORIGIN_NAMES = ("paid", "owned", "earned")
KIND_NAMES = ("brand", "review_positive", "review_negative", "claim", "correction")


@dataclass(frozen=True, eq=False)
class World:
    """A graph with its population: built once per (graph, population) config."""

    graph: SocialGraph
    population: Population
    cache: WorldCache = field(default_factory=WorldCache, repr=False)

    def take_workspaces(self, n_items: int, count: int = 1) -> list[K.Workspace]:
        """``count`` kernel work spaces for ``n_items`` items, for the caller alone until
        :meth:`give_back`: the most recently used first (their per-person chances are
        likely filled already), new ones when none is free. As many exist as were in
        use at once."""
        cache = self.cache
        with cache.workspace_lock:
            free = cache.workspaces.setdefault(n_items, [])
            if count == 1 and free:
                return [free.pop()]
            taken = [free.pop() for _ in range(min(count, len(free)))]
        n = self.graph.n_nodes
        return taken + [K.Workspace(n, n_items) for _ in range(count - len(taken))]

    def give_back(self, workspaces: list[K.Workspace]) -> None:
        """Return work spaces taken with :meth:`take_workspaces`."""
        with self.cache.workspace_lock:
            for ws in reversed(workspaces):
                self.cache.workspaces[ws.n_items].append(ws)


class _Worlds:
    """The last ``size`` worlds built, by (graph config, population config, graph seed).

    The population config holds a dict (``role_probs``) and is not hashable, so
    its key is its repr; the config itself is kept with the world."""

    def __init__(self, size: int = 8):
        self.size = size
        self.worlds: OrderedDict[tuple, World] = OrderedDict()
        self.lock = threading.Lock()
        self.builds = 0  # worlds built so far in this process

    def get(self, cfg: ScenarioConfig) -> World:
        key = (cfg.graph, repr(cfg.population), cfg.graph_seed)
        with self.lock:
            world = self.worlds.get(key)
            if world is not None:
                self.worlds.move_to_end(key)
                return world
        g_ss, p_ss = world_seeds(cfg.graph_seed)
        graph = build_graph(cfg.graph, rng=g_ss)
        world = World(graph, build_population(graph, cfg.population, rng=p_ss))
        with self.lock:
            self.builds += 1
            world = self.worlds.setdefault(key, world)
            while len(self.worlds) > self.size:
                self.worlds.popitem(last=False)
        return world

    def clear(self) -> None:
        with self.lock:
            self.worlds.clear()


_WORLDS = _Worlds()


def world_for(cfg: ScenarioConfig) -> World:
    """The graph and population of ``cfg``, cached within the process.

    Replicates and sweep cells that share the graph section reuse one world,
    so a long-lived worker builds each graph once.
    """
    return _WORLDS.get(cfg)


def make_world(
    graph: SocialGraph, population_cfg: PopulationConfig | None = None, *, rng: RngLike = None
) -> World:
    """A :class:`World` from an existing graph (e.g. a loaded real network).

    Parameters
    ----------
    graph : SocialGraph
    population_cfg : PopulationConfig, optional
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).
    """
    return World(graph, build_population(graph, population_cfg, rng=rng))


@dataclass(frozen=True, eq=False)
class Run:
    """Outcome of one simulated scenario.

    Attributes
    ----------
    config : ScenarioConfig
    seed : int or None
        The seed the run's Generator came from, when known.
    items : tuple of str
        Content item names, in kernel order.
    kinds : tuple of str
        Kind of each item (brand, review_positive, review_negative, claim, correction).
    n_steps : int
        Steps actually simulated (the run stops early once nothing moves).
    stats : ndarray of int64, shape (n_steps, n_items, n_fields)
        Per-step, per-item counts; see :attr:`per_step` for them by name.
    sharers, tree_parent, tree_depth : tuple of ndarray of int32, one per item
        The item's cascade forest in activation order: who shared (graph
        positions), the index *in this list* of the person whose share they
        saw (-1 for seeds and people reached directly by the brand), and
        their generation.
    sharer_steps : tuple of ndarray of int32, one per item
        For each sharer (same order): the step the first post of their chain
        went out (the novelty clock). Each share takes one step, so a sharer
        at depth d of a chain started by a scheduled post at step s posts at
        step s + d.
    costs : dict of str -> float
        Spend per lever (never above the lever's allocation).
    world : World
    changed, changed_interest : ndarray
        People whose purchase interest changed, and their final interest.
    misinformed_nodes, interest_before_claim : ndarray
        People who engaged with a claim, and their interest just before.
    buyers : ndarray
        People who bought during the run.
    baseline : Run or None
        With a crisis: the same run (same draws) without it.
    """

    config: ScenarioConfig
    seed: object
    items: tuple
    kinds: tuple
    n_steps: int
    stats: np.ndarray = field(repr=False)
    sharers: tuple = field(repr=False)
    tree_parent: tuple = field(repr=False)
    tree_depth: tuple = field(repr=False)
    costs: dict = field(repr=False)
    world: World = field(repr=False)
    changed: np.ndarray = field(repr=False)
    changed_interest: np.ndarray = field(repr=False)
    misinformed_nodes: np.ndarray = field(repr=False)
    interest_before_claim: np.ndarray = field(repr=False)
    buyers: np.ndarray = field(repr=False)
    baseline: Run | None = field(default=None, repr=False)
    sharer_steps: tuple | None = field(default=None, repr=False)

    @cached_property
    def per_step(self) -> dict:
        """Per-step arrays by name: impressions/clicks/conversions (step, item, origin),
        new_reach, engagements, shares, referrals, posts (step, item)."""
        s = self.stats
        return {
            "impressions": s[:, :, K.F_IMPRESSIONS : K.F_IMPRESSIONS + 3],
            "new_reach": s[:, :, K.F_NEW_REACH],
            "engagements": s[:, :, K.F_ENGAGEMENTS],
            "shares": s[:, :, K.F_SHARES],
            "clicks": s[:, :, K.F_CLICKS : K.F_CLICKS + 3],
            "conversions": s[:, :, K.F_CONVERSIONS : K.F_CONVERSIONS + 3],
            "referrals": s[:, :, K.F_REFERRALS],
            "posts": s[:, :, K.F_POSTS],
        }

    @property
    def count(self) -> np.ndarray:
        """Number of sharers per item (seeds included)."""
        return np.array([len(s) for s in self.sharers], dtype=np.int64)

    @property
    def n_seed_posts(self) -> np.ndarray:
        """Posts per item made by scheduled events (seeds, reviews)."""
        return self.stats[:, :, K.F_POSTS].sum(axis=0)

    @cached_property
    def interest_after(self) -> np.ndarray:
        """Purchase interest of every person at the end of the run."""
        out = self.world.population.purchase_interest.copy()
        out[self.changed] = self.changed_interest
        return out

    @cached_property
    def interest_before(self) -> np.ndarray:
        """Purchase interest of every person before any claim hit them."""
        out = self.interest_after.copy()
        out[self.misinformed_nodes] = self.interest_before_claim
        return out

    @cached_property
    def misinformed(self) -> np.ndarray:
        """Bool per person: engaged with a claim."""
        mask = np.zeros(self.world.graph.n_nodes, dtype=bool)
        mask[self.misinformed_nodes] = True
        return mask

    @cached_property
    def customers_after(self) -> np.ndarray:
        """Bool per person: a customer at the end (before or by buying)."""
        out = self.world.population.is_customer.copy()
        out[self.buyers] = True
        return out

    def mean_interest_after(self) -> float:
        """Mean final purchase interest, in O(changed) time."""
        pop = self.world.population.purchase_interest
        total = self.world.cache.interest_sum
        if total is None:
            total = self.world.cache.interest_sum = float(pop.sum())
        delta = float((self.changed_interest - pop[self.changed]).sum())
        return (total + delta) / len(pop)

    def tree(self, item: int | str = 0) -> dict:
        """Cascade tree of ``item`` as a parent mapping (node label -> parent label or None)."""
        k = self.items.index(item) if isinstance(item, str) else item
        ids = self.world.graph.node_ids
        nodes = self.sharers[k]
        labels = [ids[v].item() if hasattr(ids[v], "item") else ids[v] for v in nodes.tolist()]
        return {
            labels[i]: (None if p < 0 else labels[p])
            for i, p in enumerate(self.tree_parent[k].tolist())
        }

    def steps_frame(self) -> pd.DataFrame:
        """Tidy per-step table: one row per (step, item)."""
        from ..metrics.campaign import steps_frame

        return steps_frame(self)

    def summary(self) -> dict:
        """Flat dict of the run's headline metrics (see :mod:`smmsim.metrics`)."""
        from ..metrics.campaign import summarize_run

        return summarize_run(self)


def simulate(
    cfg: ScenarioConfig | None = None, *, rng: RngLike = None, world: World | None = None
) -> Run:
    """Simulate one scenario.

    Parameters
    ----------
    cfg : ScenarioConfig, optional
        Defaults to ``ScenarioConfig()``.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness: an int or SeedSequence gives reproducible
        results; a Generator is used as is (and advanced). If None,
        ``cfg.seed`` is used, and if that is None too, fresh entropy.
    world : World, optional
        Run on this graph and population instead of the ones ``cfg.graph`` and
        ``cfg.population`` describe (see :func:`make_world`).

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
    if world is None:
        check_scenario_fits(cfg)  # refuse 10**12 people now, not after a MemoryError
        world = world_for(cfg)
    last = world.cache.last_plan
    if last is not None and last[0] is cfg and _int_seed(seed):
        # the same config again and its plan draws nothing: reuse it; the key is the one
        # the seed's Generator draws first, computed without building the Generator
        plan = last[1]
        key = _kernel_keys([seed])[0]
    else:
        rng = as_generator(seed)
        # the kernel's key first, so that planning never shifts the dynamics' draws
        key = np.uint64(rng.integers(0, 2**63, dtype=np.int64))
        if last is not None and last[0] is cfg:
            plan = last[1]
        else:
            plan = plan_run(cfg, world, rng)
            if not plan_draws(cfg):
                world.cache.last_plan = (cfg, plan)
    run = _run_plan(cfg, world, plan, key, seed, n_events=None)
    if cfg.crisis.enabled and not cfg.crisis.claim_only:
        # the same run without the crisis: same key, same campaign events
        base = _run_plan(cfg, world, plan, key, seed, n_events=plan.n_campaign_events)
        run = dataclasses.replace(run, baseline=base)
    return run


def _fill(ws, world, plan) -> None:
    """Fill work space ``ws`` with each item's per-person engagement and share chances
    (kept per item while the item's values stay the same)."""
    g, pop = world.graph, world.population
    for k, it in enumerate(plan.items):
        pkey = (it.stickiness, tuple(it.appeal), it.shareability)
        if ws.rec_keys[k] != pkey:
            seg_appeal = np.asarray(it.appeal, dtype=np.float64)[g.segment]
            ws.fill_probabilities(
                k,
                pkey,
                pop.activity * it.stickiness * seg_appeal,
                it.shareability * pop.share_propensity,
            )


def _run_plan(cfg, world, plan, key, seed, *, n_events) -> Run:
    """One run of ``plan`` with kernel ``key``: a batch of one."""
    keys = np.array([key], dtype=np.uint64)
    return _run_batch(cfg, world, plan, keys, [seed], n_events=n_events)[0]


def _lever_costs(cfg, plan, stats) -> dict:
    """Spend per lever of one run with per-step counts ``stats``."""
    referrals = np.array([stats[:, :, K.F_REFERRALS].sum()])
    return {k: float(v[0]) for k, v in _lever_cost_columns(cfg, plan, referrals).items()}


def _lever_cost_columns(cfg, plan, referrals) -> dict:
    """Spend per lever (in the order of :attr:`Run.costs`) of runs with ``referrals``
    referrals each, one array per lever."""
    n = len(referrals)
    costs = {name: np.full(n, float(v)) for name, v in plan.costs.items()}
    ref = cfg.campaign.levers.referral
    if ref.spend > 0:
        # rewards are paid from a capped pool
        costs["referral"] = np.minimum(float(ref.spend), ref.reward * referrals)
    return costs


def simulate_replicates(
    cfg: ScenarioConfig | None = None,
    *,
    n_replicates: int = 1,
    rng: SeedLike = None,
    progress: bool = False,
    parallel: bool = False,
    world: World | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run ``n_replicates`` independent replicates of one scenario.

    Replicate ``i`` runs with the integer seed drawn from the i-th child of
    ``SeedSequence(seed)``; that seed is stored in the ``seed`` column, so
    ``simulate(cfg, rng=row.seed)`` repeats one replicate, and adding
    replicates leaves the earlier ones unchanged.

    Parameters
    ----------
    cfg : ScenarioConfig, optional
    n_replicates : int >= 1
    rng : None, int or numpy.random.SeedSequence, optional
        Master seed (``cfg.seed`` if None).
    progress : bool
        Show a progress bar.
    parallel : bool, default False
        Spread the replicates over numba's threads (``numba.set_num_threads``)
        in chunks, the tables of each chunk computed on the thread that ran it;
        the results are the same for any number of threads. A scenario whose
        planning draws (ads, advocacy, outreach, a crisis: see the Notes) runs
        one ``simulate`` call per replicate on one thread whatever ``parallel``.
    world : World, optional
        Run on this graph and population (see :func:`make_world`) instead of the
        ones ``cfg`` describes.

    Returns
    -------
    summary : pandas.DataFrame
        One row per replicate: ``replicate``, ``seed`` (that replicate's own
        seed) then the metrics.
    steps : pandas.DataFrame
        Per-step table of every replicate (``replicate`` column first).

    Notes
    -----
    When planning the scenario draws nothing (no ads, advocacy, outreach or
    crisis: see :func:`~smmsim.engine.planning.plan_draws`) the replicates
    run in compiled batches (:mod:`smmsim.engine._batch`), one call per
    batch instead of one per replicate; each replicate is exactly the run
    ``simulate(cfg, rng=seed)`` gives (tested). Other scenarios run one
    ``simulate`` call per replicate.
    """
    from .._validation import check_int

    cfg = cfg or ScenarioConfig()
    check_int("replicates", n_replicates, minimum=1)
    if world is None:  # (a given world is built already)
        check_scenario_fits(cfg, n_replicates)
    master = rng if rng is not None else cfg.seed
    if isinstance(master, np.random.Generator):
        raise TypeError("`rng` for replicates must be None, an int or a SeedSequence.")
    root = as_seed_sequence(master)
    seeds = replicate_seeds(root, n_replicates)
    from ..metrics.campaign import steps_table, summary_arrays

    if progress or plan_draws(cfg) or cfg.crisis.enabled:  # crisis metrics need the runs
        if progress or plan_draws(cfg):
            runs = _replicates_one_by_one(cfg, seeds, progress, world)
        else:
            runs = run_replicates(cfg, seeds, parallel=parallel, world=world)
        summary_cols, steps = summary_arrays(runs), steps_table(runs)
    else:
        summary_cols, steps = _replicate_tables(cfg, seeds, parallel, world)
    n = len(seeds)
    summary = pd.DataFrame({"replicate": np.arange(n), "seed": list(seeds), **summary_cols})
    return summary, steps


def _replicates_one_by_one(cfg, seeds, progress, world=None):
    iterator = seeds
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(seeds, desc="replicates", unit="run", leave=False)
    return [simulate(cfg, rng=seed, world=world) for seed in iterator]


def run_replicates(
    cfg: ScenarioConfig,
    seeds: Sequence[SeedLike],
    *,
    world: World | None = None,
    parallel: bool = False,
) -> list[Run]:
    """``[simulate(cfg, rng=s, world=world) for s in seeds]`` in compiled batches.

    For a scenario whose planning draws nothing (``plan_draws(cfg)`` false):
    one plan, and one compiled call for all the runs (with ``parallel``, chunks
    of them on numba's number of threads), the runs differing only in their
    kernel key. The runs are the same for any number of threads.
    """
    if plan_draws(cfg):  # so is every crisis: no twin runs here
        raise ValueError("`cfg` draws random numbers when planned: run it with simulate().")
    parts = _replicate_chunks(cfg, seeds, world=world, parallel=parallel)
    return [run for part in parts for run in part]


def _batch_setup(cfg, seeds, world, parallel):
    """The world, plan (drawing nothing), kernel keys and thread count of a batch."""
    world = world if world is not None else world_for(cfg)
    keys = _kernel_keys(seeds)
    last = world.cache.last_plan
    if last is not None and last[0] is cfg:
        plan = last[1]
    else:
        plan = plan_run(cfg, world, np.random.default_rng(0))  # draws nothing
        world.cache.last_plan = (cfg, plan)
    n_threads = 1
    if parallel:
        import numba

        n_threads = max(1, min(len(seeds), numba.get_num_threads()))
    return world, plan, keys, n_threads


def _replicate_chunks(cfg, seeds, *, world=None, parallel=False) -> list:
    """:func:`_run_chunks` of the replicates ``seeds`` of a scenario without a twin run."""
    world, plan, keys, n_threads = _batch_setup(cfg, seeds, world, parallel)
    return _run_chunks(cfg, world, plan, keys, seeds, n_events=None, n_threads=n_threads)


def _replicate_tables(cfg, seeds, parallel, world=None):
    """The summary's columns and the per-step table of replicates ``seeds`` of a scenario
    without a crisis, from the compiled batches without :class:`Run` objects: what
    the tables need of each chunk is computed in compiled code on the thread that ran
    it (:func:`smmsim.engine._batch.chunk_tables`)."""
    from ..metrics.campaign import (
        RunTotals,
        campaign_items,
        step_blocks,
        step_table,
        summary_from_totals,
    )
    from . import _batch

    world, plan, keys, n_threads = _batch_setup(cfg, seeds, world, parallel)
    T, n = cfg.steps, len(seeds)
    kinds = tuple(KIND_NAMES[it.kind] for it in plan.items)
    ints, floats = step_blocks(n, T, len(kinds))
    campaign = np.flatnonzero(campaign_items(kinds)).astype(np.int64)
    is_customer = world.population.is_customer

    def tables(out, lo, hi):
        stats, steps_run, seg, nodes, _ = out
        return _batch.chunk_tables(stats, steps_run, seg, nodes, campaign, is_customer, T,
                                   ints, floats, lo * T * len(kinds))  # fmt: skip

    parts = _run_chunks(cfg, world, plan, keys, seeds, n_events=None, n_threads=n_threads,
                        tables=tables)  # fmt: skip
    totals, sizes, depths, breadths, virality, responsive, n_steps = (
        np.concatenate(field) for field in zip(*parts, strict=True)
    )
    costs = _lever_cost_columns(cfg, plan, totals[:, :, K.F_REFERRALS].sum(axis=1))
    cost = np.zeros(n)
    for values in costs.values():  # summed in the order of Run.costs, as sum() does
        cost = cost + values
    raw = RunTotals(
        totals, sizes, depths, breadths, virality, responsive, n_steps, cost,
        {name: costs.get(name, np.zeros(n)) for name in LEVER_NAMES},
    )  # fmt: skip
    names = tuple(it.name for it in plan.items)
    steps = step_table(names, kinds, n, T, ints, floats, cfg.campaign.price)
    return summary_from_totals(cfg, kinds, raw), steps


def _int_seed(s) -> bool:
    return isinstance(s, (int, np.integer)) and not isinstance(s, bool) and bool(0 <= s < 2**64)


_KEYS_CHECKED: list[bool] = []  # [True] once the compiled keys matched numpy's in this process


def _kernel_keys(seeds) -> np.ndarray:
    """The kernel key ``simulate(cfg, rng=s)`` draws, for each seed (compiled for ints)."""
    from ._keys import kernel_keys

    def slow(s):
        return np.uint64(as_generator(s).integers(0, 2**63, dtype=np.int64))

    if not len(seeds) or not all(_int_seed(s) for s in seeds):
        return np.array([slow(s) for s in seeds], dtype=np.uint64)
    keys = kernel_keys(np.array(seeds, dtype=np.uint64))
    if not _KEYS_CHECKED:  # numpy changed its seeding: never run on wrong keys
        if keys[0] != slow(seeds[0]):
            return np.array([slow(s) for s in seeds], dtype=np.uint64)
        _KEYS_CHECKED.append(True)
    return keys


def _run_batch(cfg, world, plan, keys, seeds, *, n_events) -> list[Run]:
    """The runs of ``plan`` with kernel ``keys``, on this thread (see :func:`_run_chunks`)."""
    parts = _run_chunks(cfg, world, plan, keys, seeds, n_events=n_events)
    return [run for part in parts for run in part]


def _run_chunks(cfg, world, plan, keys, seeds, *, n_events, n_threads=1, tables=None) -> list:
    """The lists of :class:`Run` of the chunks of the runs of ``plan`` with kernel
    ``keys``, in order; with ``tables``, ``tables(out, lo, hi)`` of each chunk's
    compiled result ``out`` (runs ``lo`` to ``hi``) instead, called on the thread that
    computed it (so it should be compiled code that releases the GIL).

    With ``n_threads`` > 1 the runs are dealt into chunks (up to eight per thread) that
    ``n_threads - 1`` threads started for the call and this one compute, each on a work
    space of its own (the compiled batch releases the GIL). This thread turns each
    finished chunk into Run objects while the others compute, and computes a chunk
    itself when none is waiting. A run depends only on its key and the plan, never on
    its chunk, thread or work space: the runs are the same for any ``n_threads``."""
    import queue

    from . import _batch

    T = cfg.steps
    g, pop = world.graph, world.population
    ev, capacity = plan.kernel_events(n_events, g.n_nodes, T)
    net = K.Network(g.indptr, g.indices, g.trust, pop.purchase_interest, pop.is_customer)
    n_runs = len(keys)
    n_threads = max(1, min(n_threads, n_runs))
    # Eight chunks a thread (a multiple of the threads, of at least 8 runs each) keep
    # every core busy to the end while this thread also builds Python objects.
    n_chunks = 1 if n_threads == 1 else n_threads * max(1, min(8, n_runs // (8 * n_threads)))
    bounds = [n_runs * c // n_chunks for c in range(n_chunks + 1)]
    spaces = world.take_workspaces(len(plan.items), n_threads)
    lock = threading.Lock()
    todo = iter(range(n_chunks))
    done: queue.Queue = queue.Queue()
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def take():
        with lock:
            return None if stop.is_set() else next(todo, None)

    try:
        work = []
        for ws in spaces:
            _fill(ws, world, plan)
            work.append(K.kernel_args(net, plan.kernel_items, plan.kernel_params, ev,
                                      ws.arrays(capacity)))  # fmt: skip

        def compute(t, c):
            lo, hi = bounds[c], bounds[c + 1]
            out = _batch.run_batch(*work[t], T, keys[lo:hi], spaces[t].reserve_runs(hi - lo))
            return out if tables is None else tables(out, lo, hi)

        def worker(t):
            while (c := take()) is not None:
                try:
                    done.put((c, compute(t, c), None))
                except BaseException as exc:  # noqa: BLE001 - raised again on this thread
                    done.put((c, None, exc))

        threads = [threading.Thread(target=worker, args=(t,), daemon=True)
                   for t in range(1, n_threads)]  # fmt: skip
        for th in threads:
            th.start()
        parts: list = [None] * n_chunks
        for _ in range(n_chunks):
            try:
                c, out, exc = done.get_nowait()
            except queue.Empty:
                c = take()
                if c is None:  # every chunk is taken: wait for one of the others
                    c, out, exc = done.get()
                else:
                    out, exc = compute(0, c), None
            if exc is not None:
                raise exc
            if tables is None:
                out = _runs_of(cfg, world, plan, out, seeds[bounds[c] : bounds[c + 1]])
            parts[c] = out
        return parts
    finally:
        stop.set()
        for th in threads:
            th.join()
        world.give_back(spaces)


def _runs_of(cfg, world, plan, out, seeds) -> list[Run]:
    """The :class:`Run` objects of one ``_batch.run_batch`` result."""
    from . import _batch

    stats, steps_run, seg, nodes, values = out
    rows = _batch.ITEM_ROWS
    j = rows * len(plan.items)  # the item lists, then the changed, misinformed, bought
    # Tuples (the two of names shared by every run): Python's garbage collector leaves a
    # tuple of arrays or strings alone after one look, and tracks a list for good. With
    # lists (7 tracked objects a run), every fifth batch of 2,000 runs set off a full
    # collection of 0.2-0.3 s: 100-150 us a run, ten times the batch's own cost.
    names = tuple(it.name for it in plan.items)
    kinds = tuple(KIND_NAMES[it.kind] for it in plan.items)
    bounds = steps_run.tolist()
    starts = seg[:, :, 0].tolist()
    ends = (seg[:, :, 0] + seg[:, :, 1]).tolist()
    runs = []
    for r, seed in enumerate(seeds):
        a, b = starts[r], ends[r]
        lists = tuple(nodes[a[i] : b[i]] for i in range(j + 3))
        st = stats[bounds[r] : bounds[r + 1]]
        runs.append(
            Run(
                config=cfg,
                seed=seed if isinstance(seed, (int, np.integer)) else None,
                items=names,
                kinds=kinds,
                n_steps=len(st),
                stats=st,
                sharers=lists[_batch.SEG_ORDER : j : rows],
                tree_parent=lists[_batch.SEG_PARENT : j : rows],
                tree_depth=lists[_batch.SEG_DEPTH : j : rows],
                sharer_steps=lists[_batch.SEG_BORN : j : rows],
                costs=_lever_costs(cfg, plan, st),
                world=world,
                changed=lists[j + K.L_CHANGED],
                changed_interest=values[a[j + K.L_CHANGED] : b[j + K.L_CHANGED]],
                misinformed_nodes=lists[j + K.L_MISINFORMED],
                interest_before_claim=values[a[j + K.L_MISINFORMED] : b[j + K.L_MISINFORMED]],
                buyers=lists[j + K.L_BOUGHT],
            )
        )
    return runs
