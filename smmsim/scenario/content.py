"""Content items: what a brand (or a rumour) puts into the network."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .._validation import (
    check_field_types,
    check_positive,
    check_probability,
)

__all__ = ["ContentConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContentConfig:
    """Properties of one piece of content.

    Parameters
    ----------
    name : str, default "post"
    stickiness : float in [0, 1], default 0.3
        Chance that an exposed, online person engages (before trust, appeal
        and novelty decay).
    shareability : float in [0, 1], default 0.3
        Chance that an engaged person passes it on (times their share
        propensity).
    appeal : tuple of float in [0, 1], default ()
        Targeting fit per audience segment: multiplies stickiness. Empty means
        1 for every segment; a shorter tuple is an error when the graph has
        more segments.
    half_life : float > 0 or None, default None
        Novelty half-life in steps: engagement falls by half every
        ``half_life`` steps after the content first went out. None: no decay.
    click_through : float in [0, 1], default 0.1
        Chance that an engagement becomes a website session.
    """

    name: str = "post"
    stickiness: float = 0.3
    shareability: float = 0.3
    appeal: tuple = ()
    half_life: float | None = None
    click_through: float = 0.1

    def __post_init__(self):
        check_field_types(self, "content")
        check_probability("content.stickiness", self.stickiness)
        check_probability("content.shareability", self.shareability)
        check_probability("content.click_through", self.click_through)
        if self.half_life is not None:
            check_positive("content.half_life", self.half_life)
        object.__setattr__(self, "appeal", tuple(self.appeal))
        for i, a in enumerate(self.appeal):
            check_probability(f"content.appeal[{i}]", a)

    @property
    def decay_rate(self) -> float:
        """Per-step exponential decay rate ln(2) / half_life (0 for no decay)."""
        return 0.0 if self.half_life is None else math.log(2.0) / self.half_life

    def appeal_for(self, n_segments: int) -> list[float]:
        """Appeal per segment, for a graph with ``n_segments`` segments."""
        if not self.appeal:
            return [1.0] * n_segments
        if len(self.appeal) < n_segments:
            raise ValueError(
                f"`content.appeal` needs one value per segment ({n_segments}); "
                f"got {len(self.appeal)}: {self.appeal!r}."
            )
        return list(self.appeal[:n_segments])
