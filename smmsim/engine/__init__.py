"""The discrete-time marketing cascade engine.

run        World, simulate, simulate_replicates -> Run
planning   a scenario's campaign, reviews and crisis turned into content items and events
_kernel    the compiled event loop
"""

from .run import Run, World, make_world, simulate, simulate_replicates, world_for

__all__ = ["Run", "World", "simulate", "simulate_replicates", "make_world", "world_for"]
