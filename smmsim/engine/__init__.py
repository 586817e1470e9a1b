"""The discrete-time marketing cascade engine.

run        World, simulate, simulate_replicates, run_replicates -> Run
planning   a scenario's campaign, reviews and crisis turned into content items and events
_kernel    the compiled event loop
_batch     many runs of one plan in one compiled call
"""

from .run import (
    Run,
    World,
    make_world,
    run_replicates,
    simulate,
    simulate_replicates,
    world_for,
)

__all__ = [
    "Run",
    "World",
    "simulate",
    "simulate_replicates",
    "run_replicates",
    "make_world",
    "world_for",
]
