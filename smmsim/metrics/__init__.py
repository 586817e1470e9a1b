"""Metrics of cascades and campaigns.

trees      structural virality, depth and breadth of cascade trees
campaign   the per-run summary and the per-step table of a campaign run
intervals  the confidence interval of a mean over replicates
"""

from .campaign import CRISIS_METRICS, SUMMARY_METRICS, steps_frame, summarize_run
from .intervals import half_width, z_value
from .trees import (
    cascade_breadth,
    cascade_depth,
    structural_virality,
    structural_virality_from_parents,
    tree_metrics_by_root,
    tree_metrics_from_parents,
)

__all__ = [
    "CRISIS_METRICS",
    "SUMMARY_METRICS",
    "summarize_run",
    "steps_frame",
    "cascade_breadth",
    "cascade_depth",
    "structural_virality",
    "structural_virality_from_parents",
    "tree_metrics_by_root",
    "tree_metrics_from_parents",
    "half_width",
    "z_value",
]
