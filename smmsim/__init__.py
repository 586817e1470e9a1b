"""smmsim: simulate, measure and teach word-of-mouth virality in social media marketing.

>>> import smmsim
>>> run = smmsim.simulate(smmsim.load_config(), rng=1)   # the default scenario
>>> sorted(run.summary())[:3]
['amplification', 'cascade_breadth', 'cascade_depth']

Submodules
----------
graphs       synthetic and loaded social graphs, compact CSR arrays
population   agent attributes (segment, role, activity, share propensity, ...)
scenario     one runnable campaign: the unit YAML, the CLI and sweeps build
             (content items, marketing levers, reviews and crisis live under it)
engine       the discrete-time marketing cascade engine
experiments  ready-made comparisons built from paired replicates
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
    "engine",
    "experiments",
    "graphs",
    "io",
    "metrics",
    "population",
    "realdata",
    "scenario",
    "strategies",
    "sweep",
)

# The few names a student needs first, importable as smmsim.<name>.
_SHORTCUTS = {
    "ScenarioConfig": "scenario",
    "load_config": "scenario",
    "simulate": "engine",
    "simulate_replicates": "engine",
    "select_seed_nodes": "strategies",
    "independent_cascade": "classic",
    "structural_virality": "metrics",
}

__all__ = ["__version__", *_SUBMODULES, *_SHORTCUTS]


def __getattr__(name):
    # Submodules load on first use, so `import smmsim` stays fast and light.
    if name in _SUBMODULES:
        return import_module(f".{name}", __name__)
    if name in _SHORTCUTS:
        return getattr(import_module(f".{_SHORTCUTS[name]}", __name__), name)
    raise AttributeError(f"module 'smmsim' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
