"""Turn a scenario's campaign, reviews and crisis into content items and events.

The kernel sees items (brand post, positive / negative reviews, claim,
correction) and scheduled events: *posts* (a person shares an item to their
ties at a step) and *exposures* (the brand shows an item directly to a person:
ads, owned channels). This module decides them and what each lever costs.

Item order is fixed (brand, reviews, then crisis items last) and crisis
events come after the campaign's, so a run and its no-crisis twin share every
draw of the campaign (see :mod:`smmsim.engine._kernel`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from .._rng import selection_rng
from ..population import ROLE_CODE
from . import _kernel as K

if TYPE_CHECKING:
    from ..graphs import SocialGraph
    from ..population import Population
    from ..scenario import ScenarioConfig

__all__ = ["Item", "Plan", "WorldCache", "plan_run", "plan_draws", "effective_arc_probabilities"]


@dataclass(frozen=True, eq=False)
class Item:
    """One content item as the kernel sees it."""

    name: str
    kind: int
    stickiness: float
    shareability: float
    click_through: float
    decay_rate: float
    appeal: list


@dataclass
class Events:
    """Scheduled events, appended in order; ``n_campaign`` marks where crisis ones begin."""

    step: list = field(default_factory=list)
    item: list = field(default_factory=list)
    node: list = field(default_factory=list)
    type: list = field(default_factory=list)
    origin: list = field(default_factory=list)
    trust: list = field(default_factory=list)

    _arrays: dict = field(default_factory=dict, repr=False)

    def add(
        self,
        steps: npt.ArrayLike,
        item: int,
        nodes: npt.ArrayLike,
        kind: int,
        origin: int,
        trust: float,
    ) -> None:
        self._arrays.clear()
        nodes = np.asarray(nodes, np.int64)
        self.step.append(np.broadcast_to(np.asarray(steps, np.int64), nodes.shape))
        self.item.append(np.full(len(nodes), item, np.int64))
        self.node.append(nodes)
        self.type.append(np.full(len(nodes), kind, np.int64))
        self.origin.append(np.full(len(nodes), origin, np.int64))
        self.trust.append(np.full(len(nodes), float(trust)))

    def arrays(self, limit: int | None = None) -> dict:
        """The events as flat arrays (the first ``limit`` of them), memoized."""
        if limit in self._arrays:
            return self._arrays[limit]

        def cat(parts, dtype):
            arr = np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype)
            return arr if limit is None else arr[:limit]

        out = self._arrays[limit] = {
            "step": cat(self.step, np.int64),
            "item": cat(self.item, np.int64),
            "node": cat(self.node, np.int64),
            "type": cat(self.type, np.int64),
            "origin": cat(self.origin, np.int64),
            "trust": cat(self.trust, np.float64),
        }
        return out

    def __len__(self):
        return int(sum(len(a) for a in self.node))


@dataclass
class Plan:
    """Items, events, costs and kernel parameters of one run."""

    items: list
    events: Events
    n_campaign_events: int
    costs: dict
    review_items: tuple
    crisis_items: tuple
    params: K.Params
    kernel_items: K.Items = field(init=False, repr=False)
    kernel_params: np.ndarray = field(init=False, repr=False)
    _kernel_events: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.kernel_items = K.Items(
            np.array([it.kind for it in self.items], np.int64),
            np.array([it.click_through for it in self.items], np.float64),
            np.array([it.decay_rate for it in self.items], np.float64),
            np.array(self.review_items, np.int64),
        )
        self.kernel_params = self.params.array()

    def kernel_events(
        self, n_events: int | None, n_nodes: int, n_steps: int
    ) -> tuple[K.StaticEvents, int]:
        """The first ``n_events`` events (all if None) as the kernel takes them, and the
        room a run needs for its events (:func:`~smmsim.engine._kernel.event_capacity`);
        memoized, as a reused plan runs many times."""
        key = (n_events, n_nodes, n_steps)
        got = self._kernel_events.get(key)
        if got is None:
            ev = K.StaticEvents(**self.events.arrays(limit=n_events))
            got = self._kernel_events[key] = (ev, K.event_capacity(n_nodes, ev.type, n_steps))
        return got


class WorldLike(Protocol):
    """What planning reads of a world (:class:`smmsim.engine.run.World`, which imports
    this module)."""

    @property
    def graph(self) -> SocialGraph: ...

    @property
    def population(self) -> Population: ...

    @property
    def cache(self) -> WorldCache: ...


def plan_draws(cfg: ScenarioConfig) -> bool:
    """Whether planning ``cfg`` draws random numbers (ad targets, who posts, ...).

    Seed choices do not count: they are made once per graph (see
    :func:`smmsim._rng.selection_rng`). A plan that draws nothing is the same for every
    replicate and can be reused.
    """
    L = cfg.campaign.levers
    return bool(
        L.broadcast_ads.n_impressions
        or L.targeted_ads.n_impressions
        or L.employee_advocacy.spend > 0
        or L.outreach.spend > 0
        or cfg.crisis.enabled
    )


def plan_run(cfg: ScenarioConfig, world: WorldLike, rng: np.random.Generator) -> Plan:
    """Plan one run of ``cfg`` on ``world`` (draws from ``rng``)."""
    g, pop = world.graph, world.population
    n_seg = g.n_segments
    c = cfg.content
    items = [
        Item(
            c.name,
            K.BRAND,
            c.stickiness,
            c.shareability,
            c.click_through,
            c.decay_rate,
            c.appeal_for(n_seg),
        )
    ]
    review_items = (-1, -1)
    r = cfg.reviews
    claim_only = cfg.crisis.enabled and cfg.crisis.claim_only
    if r.enabled and not claim_only:
        flat = [1.0] * n_seg
        items.append(
            Item(
                "review_positive",
                K.REVIEW_POS,
                r.stickiness,
                r.shareability,
                r.click_through,
                0.0,
                flat,
            )
        )
        items.append(
            Item(
                "review_negative",
                K.REVIEW_NEG,
                r.stickiness,
                r.shareability,
                r.click_through,
                0.0,
                flat,
            )
        )
        review_items = (1, 2)
    events = Events()
    costs = {} if claim_only else _plan_levers(cfg, world, rng, events)
    n_campaign = len(events)
    crisis_items = (-1, -1)
    if cfg.crisis.enabled:
        crisis_items = _plan_crisis(cfg, world, rng, events, items)
    d = cfg.dynamics
    params = K.Params.of(
        trust_effect=d.trust_effect,
        endorsement_uplift=d.endorsement_uplift,
        claim_impact=cfg.crisis.impact if cfg.crisis.enabled else 0.0,
        # a denial does not undo a true claim (see CrisisConfig.is_true)
        recovery=0.0 if cfg.crisis.is_true else cfg.crisis.correction.recovery,
        prebunk_protection=cfg.crisis.correction.prebunk_protection,
        review_effect=r.effect if r.enabled and not claim_only else 0.0,
        review_prob=r.post_prob if r.enabled and not claim_only else 0.0,
        review_delay_mean=r.delay_mean,
        quality=r.quality,
        respond_reach=cfg.crisis.correction.reach,
        review_page_effect=r.page_effect if r.enabled and not claim_only else 0.0,
        review_page_prior=r.page_prior,
        customer_share_boost=(
            cfg.campaign.levers.referral.share_boost
            if cfg.campaign.levers.referral.spend > 0
            else 0.0
        ),
    )
    if len(items) > K.MAX_ITEMS:  # pragma: no cover - fixed item set
        raise ValueError(f"at most {K.MAX_ITEMS} content items; got {len(items)}.")
    del pop
    return Plan(items, events, n_campaign, costs, review_items, crisis_items, params)


@dataclass(eq=False)
class WorldCache:
    """What a :class:`~smmsim.engine.World` keeps between runs, one typed field each."""

    workspaces: dict[int, list[K.Workspace]] = field(default_factory=dict)
    """The free kernel work spaces by number of items: a batch takes one per thread
    and gives them back (:meth:`smmsim.engine.World.take_workspaces`)."""
    workspace_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    last_plan: tuple | None = None
    """(config, its plan) of the last run whose planning draws nothing."""
    seed_choices: dict[tuple, np.ndarray] = field(default_factory=dict)
    """Seed positions chosen per seeding method, k or budget (made once per graph)."""
    arc_p: tuple[tuple, np.ndarray] | None = None
    """The latest (key, IC arc probabilities) the engine implies (only one kept)."""
    interest_sum: float | None = None
    """Sum of the people's base purchase interest."""
    layouts: dict = field(default_factory=dict)
    """Node positions of drawings (``smmsim.notebook.graph_layout``)."""


def _cached(world, key, make):
    choices = world.cache.seed_choices
    if key not in choices:
        choices[key] = make()
    return choices[key]


def _plan_levers(cfg, world, rng, events: Events) -> dict:
    from ..strategies import IC_METHODS, select_seed_positions, select_seed_positions_budgeted

    g, pop = world.graph, world.population
    n = g.n_nodes
    camp = cfg.campaign
    L = camp.levers
    d = cfg.dynamics
    costs = {}

    def ic_key(method):
        # what an IC-based method's choice depends on (nothing for heuristics)
        if method not in IC_METHODS:
            return None
        c = cfg.content
        return (c.stickiness, c.shareability, c.appeal, d.trust_effect)

    def arc_p(method):
        # the IC arc probabilities the engine implies; only the latest is kept
        # (one array per arc), so long sweeps do not accumulate them
        key = ic_key(method)
        if key is None:
            return None
        last = world.cache.arc_p
        if last is None or last[0] != key:
            last = world.cache.arc_p = (key, effective_arc_probabilities(cfg, world))
        return last[1]

    # organic seeding on owned channels (free)
    s = camp.seeding
    if s.nodes:
        seeds = g.index_of(list(s.nodes), field_name="campaign.seeding.nodes")
    elif s.method == "none" or s.k == 0:
        seeds = np.empty(0, np.int64)
    else:
        if s.k > n:
            raise ValueError(f"`campaign.seeding.k` must be <= n_nodes ({n}); got {s.k!r}.")
        key: tuple = ("seeding", s.method, s.k, ic_key(s.method))
        seeds = _cached(
            world,
            key,
            lambda: select_seed_positions(
                g, s.k, s.method, p=arc_p(s.method), rng=selection_rng(cfg.graph_seed, key)
            ),
        )
    events.add(0, 0, seeds, K.POST, K.OWNED, d.owned_trust)

    # paid broadcast ads: uniform over everyone, spread over the first steps
    ads = L.broadcast_ads
    if ads.n_impressions:
        m = ads.n_impressions
        events.add(_spread(m, ads.steps), 0, rng.integers(n, size=m), K.EXPOSE, K.PAID, d.ad_trust)
        costs["broadcast_ads"] = m * ads.cpm / 1000
    # paid targeted ads: only people in the target segments
    tads = L.targeted_ads
    if tads.n_impressions:
        segments = tads.segments or _best_segments(cfg.content.appeal_for(g.n_segments))
        bad = [x for x in segments if x >= g.n_segments]
        if bad:
            raise ValueError(
                f"`campaign.levers.targeted_ads.segments` holds segment {bad[0]} but the graph "
                f"has {g.n_segments} segments."
            )
        pool = np.flatnonzero(np.isin(g.segment, segments))
        if len(pool) == 0:
            raise ValueError(
                f"`campaign.levers.targeted_ads.segments` {list(segments)} hold nobody "
                "in this graph: there is no one to show the ads to."
            )
        m = tads.n_impressions
        events.add(
            _spread(m, tads.steps),
            0,
            pool[rng.integers(len(pool), size=m)],
            K.EXPOSE,
            K.PAID,
            d.ad_trust,
        )
        costs["targeted_ads"] = m * tads.cpm / 1000
    # influencers: budgeted seeding, fees rising with audience size
    inf = L.influencers
    if inf.spend > 0:
        fees = inf.fees(g.out_degree)
        key = ("influencers", inf, ic_key(inf.method))
        chosen = _cached(
            world,
            key,
            lambda: select_seed_positions_budgeted(
                g,
                inf.spend,
                fees,
                inf.method,
                p=arc_p(inf.method),
                rng=selection_rng(cfg.graph_seed, key),
            ),
        )
        events.add(0, 0, chosen, K.POST, K.PAID, d.ad_trust)
        costs["influencers"] = float(fees[chosen].sum())
    # employee advocacy: employees post to their own ties (owned media)
    emp = L.employee_advocacy
    if emp.spend > 0:
        staff = pop.role_positions("employee")
        k = min(len(staff), int(emp.spend // emp.cost_per_employee))
        chosen = rng.choice(staff, size=k, replace=False) if k else staff[:0]
        events.add(0, 0, chosen, K.POST, K.OWNED, d.owned_trust)
        costs["employee_advocacy"] = k * emp.cost_per_employee
    # blogger / media outreach: pitch the biggest audiences; some write about it
    out = L.outreach
    if out.spend > 0:
        press = np.flatnonzero(
            (pop.role == ROLE_CODE["blogger"]) | (pop.role == ROLE_CODE["media"])
        )
        press = press[np.argsort(-g.out_degree[press], kind="stable")]
        k = min(len(press), int(out.spend // out.cost_per_contact))
        took = press[:k][rng.random(k) < out.success_prob]
        events.add(0, 0, took, K.POST, K.EARNED, d.owned_trust)
        costs["outreach"] = k * out.cost_per_contact
    return costs


def _plan_crisis(cfg, world, rng, events: Events, items: list) -> tuple:
    g, pop = world.graph, world.population
    cr = cfg.crisis
    n_seg = g.n_segments
    claim = len(items)
    items.append(Item("claim", K.CLAIM, cr.stickiness, cr.shareability, 0.0, 0.0, [1.0] * n_seg))
    crng = np.random.default_rng(rng.integers(2**63))
    if cr.source == "nodes":
        start = g.index_of(list(cr.nodes), field_name="crisis.nodes")
    elif cr.source == "media":
        media = np.flatnonzero(pop.role == ROLE_CODE["media"])
        if len(media) == 0:
            media = np.flatnonzero(g.broadcaster)
        if len(media) == 0:
            raise ValueError("`crisis.source` is 'media' but the graph has no media outlets.")
        start = media[np.argsort(-g.out_degree[media], kind="stable")][: cr.k]
    elif cr.source == "broadcasters":
        hubs = np.flatnonzero(g.broadcaster)
        if len(hubs) < cr.k:
            raise ValueError(
                f"`crisis.k` ({cr.k}) must be at most the graph's broadcasters "
                f"({len(hubs)}) when crisis.source is 'broadcasters'."
            )
        start = np.sort(crng.choice(hubs, size=cr.k, replace=False))
    else:
        start = crng.choice(g.n_nodes, size=min(cr.k, g.n_nodes), replace=False)
    events.add(cr.step, claim, start, K.POST, K.EARNED, 1.0)
    correction = -1
    co = cr.correction
    if co.enabled:
        correction = len(items)
        items.append(
            Item(
                "correction", K.CORRECTION, co.stickiness, co.shareability, 0.0, 0.0, [1.0] * n_seg
            )
        )
        when = cr.step + co.delay
        if co.target == "claim_audience":
            # the brand answers where the claim was seen (node field = claim item)
            events.add(when, correction, [claim], K.RESPOND, K.OWNED, cfg.dynamics.owned_trust)
        else:
            m = int(round(co.reach * g.n_nodes))
            targets = crng.choice(g.n_nodes, size=m, replace=False)
            events.add(when, correction, targets, K.EXPOSE, K.OWNED, cfg.dynamics.owned_trust)
    return claim, correction


def effective_arc_probabilities(cfg: ScenarioConfig, world: WorldLike) -> np.ndarray:
    """Chance that one exposure over each arc makes the receiver share the brand item.

    ``activity x stickiness x appeal[segment] x trust factor x shareability x
    share propensity`` of the receiver (novelty decay ignored): the IC edge
    probabilities the engine implies, which IC-based seeding methods assume.
    """
    g, pop = world.graph, world.population
    c, d = cfg.content, cfg.dynamics
    v = g.indices
    appeal = np.asarray(c.appeal_for(g.n_segments))[g.segment[v]]
    trust = 1.0 - d.trust_effect + d.trust_effect * g.trust.astype(np.float64)
    p = pop.activity[v] * c.stickiness * appeal * trust * c.shareability
    return np.clip(p * pop.share_propensity[v], 0.0, 1.0)


def _spread(m: int, steps: int) -> np.ndarray:
    """Steps 0..steps-1 for m impressions, as evenly as possible."""
    return (np.arange(m) * steps) // max(m, 1)


def _best_segments(appeal) -> tuple:
    appeal = np.asarray(appeal)
    return tuple(int(i) for i in np.flatnonzero(appeal >= appeal.max() - 1e-12))
