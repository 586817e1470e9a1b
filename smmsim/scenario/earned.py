"""Earned media (reviews) and crisis (negative claim, correction) configs."""

from __future__ import annotations

from dataclasses import dataclass, field

from .._validation import (
    check_choice,
    check_field_types,
    check_int,
    check_nonnegative,
    check_positive,
    check_probability,
)

__all__ = ["ReviewsConfig", "CorrectionConfig", "CrisisConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewsConfig:
    """Buyers post reviews that spread through the same engine.

    Parameters
    ----------
    enabled : bool, default True
    post_prob : float in [0, 1], default 0.3
        Chance that a buyer posts a review (misinformed customers may post a
        complaint with ``post_prob`` times the claim's impact).
    delay_mean : float >= 1, default 3
        Mean steps from purchase to review (geometric).
    quality : float in [0, 1], default 0.8
        Product quality: the chance a review is positive.
    effect : float in [0, 1], default 0.3
        Relative change of purchase interest of someone who engages with a
        review (up for positive, down for negative).
    page_effect : float >= 0, default 1.0
        The product page shows the reviews posted so far (and complaints):
        a website visitor's purchase chance is multiplied by ``1 +
        page_effect * (positive - negative) / (positive + negative +
        page_prior)``, so good reviews sell and bad ones cost sales (Chevalier
        & Mayzlin 2006; see data/parameter_sources.yaml). 0 switches it off.
    page_prior : float >= 0, default 5
        Reviews it takes before the page's rating counts fully (with few
        reviews the rating moves a visitor less).
    stickiness, shareability, click_through : float in [0, 1]
        Properties of review posts.
    """

    enabled: bool = True
    post_prob: float = 0.3
    delay_mean: float = 3.0
    quality: float = 0.8
    effect: float = 0.3
    page_effect: float = 1.0
    page_prior: float = 5.0
    stickiness: float = 0.3
    shareability: float = 0.1
    click_through: float = 0.1

    def __post_init__(self):
        check_field_types(self, "reviews")
        for name in (
            "post_prob",
            "quality",
            "effect",
            "stickiness",
            "shareability",
            "click_through",
        ):
            check_probability(f"reviews.{name}", getattr(self, name))
        check_nonnegative("reviews.page_effect", self.page_effect)
        check_nonnegative("reviews.page_prior", self.page_prior)
        if check_nonnegative("reviews.delay_mean", self.delay_mean) < 1:
            raise ValueError(f"`reviews.delay_mean` must be >= 1; got {self.delay_mean!r}.")


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrectionConfig:
    """The company's correction of a claim.

    Parameters
    ----------
    enabled : bool, default True
    delay : int >= 0, default 3
        Steps after the claim first appears.
    target : {"claim_audience", "everyone"}, default "claim_audience"
        Whom the brand answers directly: the people who have seen the claim
        by then (replies where it circulates), or anyone.
    reach : float in [0, 1], default 0.5
        Share of the target group the brand's own channels reach directly
        (for ``claim_audience`` the brand keeps answering, step after step,
        the people who saw the claim since its last answer).
    recovery : float in [0, 1], default 0.6
        Share of a misinformed person's lost interest that the correction
        restores. Chan et al. (2017) find that a sizable share of a
        misinformation effect survives debunking (continued influence), so
        recovery < 1.
    prebunk_protection : float in [0, 1], default 0.7
        How much of the claim's effect is blocked for people who saw the
        correction first; people who have seen the correction (before or
        after the claim) also pass the claim on this much less.
    stickiness, shareability : float in [0, 1]
    """

    enabled: bool = True
    delay: int = 3
    target: str = "claim_audience"
    reach: float = 0.5
    recovery: float = 0.6
    prebunk_protection: float = 0.7
    stickiness: float = 0.7
    shareability: float = 0.15

    def __post_init__(self):
        check_field_types(self, "crisis.correction")
        check_int("crisis.correction.delay", self.delay, minimum=0)
        check_choice("crisis.correction.target", self.target, ("claim_audience", "everyone"))
        for name in ("reach", "recovery", "prebunk_protection", "stickiness", "shareability"):
            check_probability(f"crisis.correction.{name}", getattr(self, name))


@dataclass(frozen=True, slots=True, kw_only=True)
class CrisisConfig:
    """A negative claim (true or false) about the product.

    Parameters
    ----------
    enabled : bool, default False
    step : int >= 0, default 5
        When the claim is injected.
    source : {"random", "media", "broadcasters", "nodes"}, default "random"
        Who posts it first: random people, the largest media outlets, ``k``
        broadcasters drawn at random in each run (each post its own
        cascade, as each real reply tree is one root's), or ``nodes``.
    k : int >= 1, default 5
        Number of initial posters (random / media / broadcasters).
    nodes : tuple, default ()
        Initial posters when ``source`` is ``"nodes"``.
    is_true : bool, default False
        Whether the claim is true. A false claim can be corrected: the
        company's answer restores ``correction.recovery`` of the lost
        interest. A true claim cannot be denied away: the answer still
        reaches people (and makes them pass the claim on less), but restores
        nothing (Coombs 2007; see data/parameter_sources.yaml).
    stickiness, shareability : float in [0, 1]
        False news travels farther than true news (Vosoughi, Roy & Aral 2018);
        the defaults make the claim catchier than the brand's post.
    impact : float in [0, 1], default 0.6
        Share of purchase interest lost by someone who engages with the claim.
    correction : CorrectionConfig
    reply_back_prob : float in [0, 1), default 0
        Repeated participation in the claim's reply tree: a reply to a reply
        is answered back with this chance, and each answer again (a
        back-and-forth thread of geometric length). The answers add tweets to
        the reply tree (:func:`smmsim.cascades.claim_cascade_shapes`) but
        expose no one new, so reach and all other metrics are unchanged; 0
        switches it off. Real reply trees need it: a reply to the root is
        answered 9% of the time, a reply to a reply 35%, a reply in a
        one-reply chain 45% (the Chilean false-claim cascades).
    thread_heat : float in [0, 1), default 0
        Conversations under the claim's replies, of unequal heat: every reply
        in the claim's reply tree opens a thread whose heat ``h`` is drawn
        from a Beta distribution with this mean (and concentration
        ``thread_concentration``); in the thread each tweet is answered by
        each of two people (the one it answers and one other reader) with
        chance ``h / 2``, so a tweet gets ``h`` answers on average and a hot
        thread (``h`` near 1) runs long and branches. Like
        ``reply_back_prob`` the answers add tweets to the reply tree but
        expose no one new; 0 switches it off. Real reply trees need
        unequal threads: the deeper a reply sits, the more answers it gets
        (0.27 at depth 1, 0.49 at depth 3, 0.84 at depth 8 and below in the
        Chilean false-claim cascades), which a mixture of threads gives and
        one shared chance does not (see data/parameter_sources.yaml).
    thread_concentration : float > 0, default 2
        Concentration ``a + b`` of the Beta distribution of thread heat:
        small values make most threads die at once and a few run very long.
    claim_only : bool, default False
        Run only the claim (and its correction): the brand's seeding, levers
        and reviews are left out and no no-crisis twin run is made, so the
        claim's own cascades come at the cost of one run (what ``smmsim
        cascades --simulate`` and calibration use).
    horizon : int >= 0, default 30
        Steps after the run over which the lasting loss of purchase interest
        is counted as lost future sales (``lost_sales_after``): each person
        keeps visiting the website at the no-crisis run's rate.
    """

    enabled: bool = False
    step: int = 5
    source: str = "random"
    k: int = 5
    nodes: tuple = ()
    is_true: bool = False
    stickiness: float = 0.5
    shareability: float = 0.35
    impact: float = 0.6
    correction: CorrectionConfig = field(default_factory=CorrectionConfig)
    reply_back_prob: float = 0.0
    thread_heat: float = 0.0
    thread_concentration: float = 2.0
    claim_only: bool = False
    horizon: int = 30

    def __post_init__(self):
        check_field_types(self, "crisis")
        check_int("crisis.step", self.step, minimum=0)
        check_int("crisis.horizon", self.horizon, minimum=0)
        check_choice("crisis.source", self.source, ("random", "media", "broadcasters", "nodes"))
        check_int("crisis.k", self.k, minimum=1)
        object.__setattr__(self, "nodes", tuple(self.nodes))
        if self.source == "nodes" and not self.nodes:
            raise ValueError(
                "`crisis.nodes` must list nodes when crisis.source is 'nodes'; got ()."
            )
        for name in ("stickiness", "shareability", "impact"):
            check_probability(f"crisis.{name}", getattr(self, name))
        check_probability("crisis.reply_back_prob", self.reply_back_prob)
        if self.reply_back_prob >= 1.0:
            raise ValueError(
                f"`crisis.reply_back_prob` must be below 1; got {self.reply_back_prob!r}."
            )
        check_probability("crisis.thread_heat", self.thread_heat)
        if self.thread_heat >= 1.0:
            raise ValueError(f"`crisis.thread_heat` must be below 1; got {self.thread_heat!r}.")
        check_positive("crisis.thread_concentration", self.thread_concentration)
