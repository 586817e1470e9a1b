"""smmsim: simulate, measure and teach word-of-mouth virality in social media marketing.

Submodules
----------
graphs       synthetic and loaded social graphs, compact CSR arrays
population   agent attributes (segment, role, activity, share propensity, ...)
content      content items (stickiness, shareability, appeal, decay, ...)
scenario     one runnable campaign: the unit YAML, the CLI and sweeps build
engine       the discrete-time marketing cascade engine
classic      independent cascade, linear threshold, SIR, Bass
metrics      reach, virality, structural virality, ROI, ...
strategies   seeding policies and influence maximisation
sweep        parameter sweeps, local or on Dask
realdata     loaders for SNAP edge lists and Twitter cascades
"""

from importlib import import_module

__version__ = "0.1.0"

_SUBMODULES = (
    "classic",
    "content",
    "engine",
    "graphs",
    "io",
    "metrics",
    "population",
    "realdata",
    "scenario",
    "strategies",
    "sweep",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name):
    # Submodules load on first use, so `import smmsim` stays fast and light.
    if name in _SUBMODULES:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'smmsim' has no attribute {name!r}")
