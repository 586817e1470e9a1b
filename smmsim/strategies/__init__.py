"""Seeding strategies: which people a campaign reaches first.

Heuristics (degree, PageRank, k-core, degree discount, random: ``heuristics``),
influence maximisation (``imm``, ``celf``) and their budgeted forms, behind
``select_seed_nodes`` (``select``); ``SeedSelection`` and the input checks in ``_common``.
"""

from ._common import IC_METHODS, METHODS, SeedSelection
from .celf import run_celf
from .imm import run_imm, run_imm_budgeted
from .select import (
    select_seed_nodes,
    select_seed_nodes_budgeted,
    select_seed_positions,
    select_seed_positions_budgeted,
)

__all__ = [
    "METHODS",
    "IC_METHODS",
    "SeedSelection",
    "select_seed_nodes",
    "select_seed_positions",
    "select_seed_nodes_budgeted",
    "select_seed_positions_budgeted",
    "run_imm",
    "run_imm_budgeted",
    "run_celf",
]
