"""Classic diffusion models for teaching and validation.

Independent cascade (``ICModel``, ``independent_cascade``, ``run_independent_cascade``:
``ic``), linear threshold (``threshold``), SIR (``sir``) and the Bass model (``bass``),
on NetworkX graphs or CSR arrays (``_inputs``).
"""

from .bass import bass_mean_field, bass_network, bass_peak
from .ic import (
    ICModel,
    ICResult,
    activation_frequency,
    independent_cascade,
    run_independent_cascade,
)
from .sir import sir
from .threshold import linear_threshold

__all__ = [
    "ICModel",
    "ICResult",
    "independent_cascade",
    "activation_frequency",
    "run_independent_cascade",
    "linear_threshold",
    "sir",
    "bass_network",
    "bass_mean_field",
    "bass_peak",
]
