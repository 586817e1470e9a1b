"""Classic diffusion models for teaching and validation.

Independent cascade (``ICModel``, ``independent_cascade``, ``run_independent_cascade``),
linear threshold, SIR and the Bass model, on NetworkX graphs or CSR arrays.
"""

from .ic import (
    ICModel,
    ICResult,
    activation_frequency,
    bass_mean_field,
    bass_network,
    bass_peak,
    independent_cascade,
    linear_threshold,
    run_independent_cascade,
    sir,
)

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
