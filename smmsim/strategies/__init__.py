"""Seeding strategies: which people a campaign reaches first.

Heuristics (degree, PageRank, k-core, degree discount, random), influence maximisation
(IMM, CELF) and their budgeted forms, behind ``select_seed_nodes``.
"""

from .select import (
    IC_METHODS,
    METHODS,
    SeedSelection,
    run_celf,
    run_imm,
    run_imm_budgeted,
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
