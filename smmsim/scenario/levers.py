"""Brand levers under one budget, each with an explicit cost model.

=====================  ==========================================================
lever                  cost model
=====================  ==========================================================
``broadcast_ads``      ``cpm`` per 1,000 paid impressions, shown to anyone
``targeted_ads``       higher ``cpm``, shown only to the chosen segments
``influencers``        ``base_fee + fee_per_follower * audience`` per seed,
                       seeds picked by a budget-aware seeding method
``employee_advocacy``  ``cost_per_employee`` per employee who posts (owned)
``outreach``           ``cost_per_contact`` per blogger / media outlet pitched;
                       each posts (earned media) with ``success_prob``
``referral``           ``reward`` per purchase referred by a customer, paid from
                       a capped pool (``spend``); it raises customers' sharing
=====================  ==========================================================

Each lever's ``spend`` is what the campaign allocates to it; allocations must
add up to at most ``campaign.budget``, and the realised cost of a lever never
exceeds its allocation (a test checks both).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validation import (
    check_choice,
    check_field_types,
    check_int,
    check_nonnegative,
    check_positive,
    check_probability,
)

__all__ = [
    "AdsConfig",
    "TargetedAdsConfig",
    "InfluencerConfig",
    "EmployeeAdvocacyConfig",
    "OutreachConfig",
    "ReferralConfig",
    "LeversConfig",
    "LEVER_NAMES",
]

LEVER_NAMES = (
    "broadcast_ads",
    "targeted_ads",
    "influencers",
    "employee_advocacy",
    "outreach",
    "referral",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AdsConfig:
    """Paid ads shown to a random sample of the whole population.

    Parameters
    ----------
    spend : float >= 0, default 0
    cpm : float > 0, default 8.0
        Cost per thousand impressions (typical social display CPM, see
        data/parameter_sources.yaml).
    steps : int >= 1, default 5
        The impressions are spread evenly over the first ``steps`` steps.
    """

    spend: float = 0.0
    cpm: float = 8.0
    steps: int = 5

    def __post_init__(self):
        check_field_types(self, "campaign.levers.broadcast_ads")
        check_nonnegative("campaign.levers.broadcast_ads.spend", self.spend)
        check_positive("campaign.levers.broadcast_ads.cpm", self.cpm)
        check_int("campaign.levers.broadcast_ads.steps", self.steps, minimum=1)

    @property
    def n_impressions(self) -> int:
        return int(self.spend / self.cpm * 1000)


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetedAdsConfig:
    """Paid ads shown only to people in ``segments``.

    Parameters
    ----------
    spend : float >= 0, default 0
    cpm : float > 0, default 15.0
        Targeting costs more per impression than broadcast.
    segments : tuple of int, default ()
        Target segments; empty means the segments where the content's appeal
        is highest.
    steps : int >= 1, default 5
    """

    spend: float = 0.0
    cpm: float = 15.0
    segments: tuple = ()
    steps: int = 5

    def __post_init__(self):
        check_field_types(self, "campaign.levers.targeted_ads")
        check_nonnegative("campaign.levers.targeted_ads.spend", self.spend)
        check_positive("campaign.levers.targeted_ads.cpm", self.cpm)
        check_int("campaign.levers.targeted_ads.steps", self.steps, minimum=1)
        object.__setattr__(self, "segments", tuple(self.segments))
        for s in self.segments:
            check_int("campaign.levers.targeted_ads.segments[]", s, minimum=0)

    @property
    def n_impressions(self) -> int:
        return int(self.spend / self.cpm * 1000)


@dataclass(frozen=True, slots=True, kw_only=True)
class InfluencerConfig:
    """Paid posts by influencers chosen under the lever's budget.

    Parameters
    ----------
    spend : float >= 0, default 0
    method : str, default "imm"
        Seeding method (see :mod:`smmsim.strategies`), run budget-aware with
        each candidate's fee as its cost.
    base_fee : float >= 0, default 20
    fee_per_follower : float >= 0, default 0.5
        Fee rises with audience size (out-degree).
    """

    spend: float = 0.0
    method: str = "imm"
    base_fee: float = 20.0
    fee_per_follower: float = 0.5

    def __post_init__(self):
        check_field_types(self, "campaign.levers.influencers")
        from ..strategies import METHODS

        check_nonnegative("campaign.levers.influencers.spend", self.spend)
        check_choice("campaign.levers.influencers.method", self.method, METHODS)
        check_nonnegative("campaign.levers.influencers.base_fee", self.base_fee)
        check_nonnegative("campaign.levers.influencers.fee_per_follower", self.fee_per_follower)
        if self.base_fee == 0 and self.fee_per_follower == 0:
            raise ValueError(
                "`campaign.levers.influencers` fees must not both be 0 "
                "(base_fee=0, fee_per_follower=0)."
            )

    def fees(self, out_degree: np.ndarray) -> np.ndarray:
        """Fee of each candidate, from their audience size."""
        return self.base_fee + self.fee_per_follower * out_degree


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeeAdvocacyConfig:
    """Employees post the content to their own ties (owned media).

    Parameters
    ----------
    spend : float >= 0, default 0
    cost_per_employee : float > 0, default 25
        Training and time per posting employee.
    """

    spend: float = 0.0
    cost_per_employee: float = 25.0

    def __post_init__(self):
        check_field_types(self, "campaign.levers.employee_advocacy")
        check_nonnegative("campaign.levers.employee_advocacy.spend", self.spend)
        check_positive(
            "campaign.levers.employee_advocacy.cost_per_employee", self.cost_per_employee
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class OutreachConfig:
    """Pitch bloggers and media; those who bite post (earned media).

    Parameters
    ----------
    spend : float >= 0, default 0
    cost_per_contact : float > 0, default 100
    success_prob : float in [0, 1], default 0.4
    """

    spend: float = 0.0
    cost_per_contact: float = 100.0
    success_prob: float = 0.4

    def __post_init__(self):
        check_field_types(self, "campaign.levers.outreach")
        check_nonnegative("campaign.levers.outreach.spend", self.spend)
        check_positive("campaign.levers.outreach.cost_per_contact", self.cost_per_contact)
        check_probability("campaign.levers.outreach.success_prob", self.success_prob)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferralConfig:
    """Reward customers for purchases they refer.

    Parameters
    ----------
    spend : float >= 0, default 0
        The reward pool (cap on what the programme can pay).
    reward : float > 0, default 5
        Paid per referred purchase (the sender was a customer).
    share_boost : float >= 0, default 0.5
        While the programme runs, customers pass content on
        ``1 + share_boost`` times as often.
    """

    spend: float = 0.0
    reward: float = 5.0
    share_boost: float = 0.5

    def __post_init__(self):
        check_field_types(self, "campaign.levers.referral")
        check_nonnegative("campaign.levers.referral.spend", self.spend)
        check_positive("campaign.levers.referral.reward", self.reward)
        check_nonnegative("campaign.levers.referral.share_boost", self.share_boost)


@dataclass(frozen=True, slots=True, kw_only=True)
class LeversConfig:
    """All levers; a lever with ``spend: 0`` is off.

    Parameters
    ----------
    broadcast_ads : AdsConfig
        Paid ads to anyone, priced per thousand impressions (CPM).
    targeted_ads : TargetedAdsConfig
        Paid ads to chosen segments only, at a higher CPM.
    influencers : InfluencerConfig
        Paid posts by influencers, fees rising with audience size.
    employee_advocacy : EmployeeAdvocacyConfig
        Employees post the content to their own ties (owned media).
    outreach : OutreachConfig
        Pitches to bloggers and media; some write about it (earned media).
    referral : ReferralConfig
        Rewards to customers per purchase they refer.
    """

    broadcast_ads: AdsConfig = field(default_factory=AdsConfig)
    targeted_ads: TargetedAdsConfig = field(default_factory=TargetedAdsConfig)
    influencers: InfluencerConfig = field(default_factory=InfluencerConfig)
    employee_advocacy: EmployeeAdvocacyConfig = field(default_factory=EmployeeAdvocacyConfig)
    outreach: OutreachConfig = field(default_factory=OutreachConfig)
    referral: ReferralConfig = field(default_factory=ReferralConfig)

    def __post_init__(self):
        check_field_types(self, "campaign.levers")

    def allocations(self) -> dict[str, float]:
        """Spend allocated to each lever."""
        return {name: getattr(self, name).spend for name in LEVER_NAMES}

    @property
    def total(self) -> float:
        return float(sum(self.allocations().values()))


LEVER_SECTIONS = {
    "broadcast_ads": AdsConfig,
    "targeted_ads": TargetedAdsConfig,
    "influencers": InfluencerConfig,
    "employee_advocacy": EmployeeAdvocacyConfig,
    "outreach": OutreachConfig,
    "referral": ReferralConfig,
}
