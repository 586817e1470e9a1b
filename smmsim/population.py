"""Agent attributes laid over a social graph.

Each person has a segment (from the graph), a stakeholder role, an activity
rate (chance of being online to notice an exposure), a share propensity, a
baseline purchase interest, and whether they already are a customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._rng import RngLike, as_generator
from ._validation import (
    check_field_types,
    check_keys,
    check_nonnegative,
    check_probability,
)
from .graphs import SocialGraph

__all__ = ["ROLES", "PopulationConfig", "Population", "build_population"]

ROLES = (
    "customer",
    "prospect",
    "employee",
    "blogger",
    "media",
    "reviewer",
    "trade_group",
    "public",
)
"""Stakeholder roles, in the order of their integer codes."""

ROLE_CODE = {name: code for code, name in enumerate(ROLES)}


def _default_role_probs():
    return {
        "customer": 0.15,
        "prospect": 0.50,
        "employee": 0.02,
        "reviewer": 0.03,
        "trade_group": 0.01,
        "public": 0.29,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class PopulationConfig:
    """How agent attributes are drawn.

    Parameters
    ----------
    role_probs : dict of str -> float
        Share of ordinary (non-broadcaster) people in each role; must sum to 1.
        Broadcasters in the graph become bloggers or media (``media_share``).
    media_share : float in [0, 1], default 0.3
        Share of broadcasters that are media outlets rather than bloggers.
    activity : float in [0, 1], default 0.6
        Mean chance that a person is online to notice an exposure.
    share_propensity : float in [0, 1], default 0.5
        Mean propensity to pass on content the person engaged with.
    purchase_interest : float in [0, 1], default 0.05
        Mean chance that a website visit by a non-customer ends in a purchase.
    heterogeneity : float >= 0, default 10
        Beta concentration (a + b) of the per-person draws around the means;
        ``0`` gives everyone exactly the mean (a homogeneous population).
    """

    role_probs: dict = field(default_factory=_default_role_probs)
    media_share: float = 0.3
    activity: float = 0.6
    share_propensity: float = 0.5
    purchase_interest: float = 0.05
    heterogeneity: float = 10.0

    def __post_init__(self):
        check_field_types(self, "population")
        check_keys("population.role_probs", self.role_probs, set(ROLES) - {"blogger", "media"})
        for role, prob in self.role_probs.items():
            check_probability(f"population.role_probs.{role}", prob)
        total = sum(self.role_probs.values())
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"`population.role_probs` must sum to 1; got {total!r}.")
        for name in ("media_share", "activity", "share_propensity", "purchase_interest"):
            check_probability(f"population.{name}", getattr(self, name))
        check_nonnegative("population.heterogeneity", self.heterogeneity)

    @classmethod
    def homogeneous(cls) -> PopulationConfig:
        """Everyone always online, always passes on, identical: the IC limit."""
        return cls(activity=1.0, share_propensity=1.0, heterogeneity=0.0)


@dataclass(frozen=True, eq=False)
class Population:
    """Per-node attribute arrays (aligned with a :class:`SocialGraph`)."""

    role: np.ndarray
    activity: np.ndarray
    share_propensity: np.ndarray
    purchase_interest: np.ndarray
    is_customer: np.ndarray

    @property
    def n_nodes(self) -> int:
        return len(self.role)

    def role_positions(self, role: str) -> np.ndarray:
        """Positions of the people with ``role``."""
        if role not in ROLE_CODE:
            raise ValueError(f"`role` must be one of {ROLES}; got {role!r}.")
        return np.flatnonzero(self.role == ROLE_CODE[role])


def build_population(
    graph: SocialGraph, cfg: PopulationConfig | None = None, *, rng: RngLike = None
) -> Population:
    """Draw a :class:`Population` for ``graph``.

    Parameters
    ----------
    graph : SocialGraph
    cfg : PopulationConfig, optional
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    Population
    """
    cfg = cfg or PopulationConfig()
    rng = as_generator(rng)
    n = graph.n_nodes
    names = list(cfg.role_probs)
    probs = np.array([cfg.role_probs[r] for r in names])
    codes = np.array([ROLE_CODE[r] for r in names], dtype=np.int8)
    role = codes[rng.choice(len(names), size=n, p=probs / probs.sum())]
    bc = np.flatnonzero(graph.broadcaster)
    media = rng.random(len(bc)) < cfg.media_share
    role[bc] = np.where(media, ROLE_CODE["media"], ROLE_CODE["blogger"])
    return Population(
        role=role,
        activity=_draw(cfg.activity, cfg.heterogeneity, n, rng),
        share_propensity=_draw(cfg.share_propensity, cfg.heterogeneity, n, rng),
        purchase_interest=_draw(cfg.purchase_interest, cfg.heterogeneity, n, rng),
        is_customer=role == ROLE_CODE["customer"],
    )


def _draw(mean, concentration, n, rng):
    # Beta around the mean; degenerate means (0 or 1) or no spread give constants.
    if concentration == 0 or mean in (0.0, 1.0):
        return np.full(n, float(mean))
    a = mean * concentration
    return rng.beta(a, concentration - a, size=n)
