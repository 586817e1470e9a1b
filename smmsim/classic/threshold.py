"""Linear threshold (Kempe, Kleinberg & Tardos 2003)."""

from __future__ import annotations

import numpy as np

from .._rng import RngLike, as_generator
from .._validation import (
    check_int,
)
from ..graphs import GraphLike, NodeLabels
from . import _kernels as _classic_kernels
from ._inputs import ArcValues, _arc_values, _as_arrays, _seed_positions

__all__ = ["linear_threshold"]


def linear_threshold(
    graph: GraphLike,
    seed_nodes: NodeLabels,
    *,
    weights: ArcValues | None = None,
    n_runs: int = 1,
    rng: RngLike = None,
) -> np.ndarray:
    """Final sizes of linear-threshold runs.

    Every node draws a threshold uniformly at random in each run and becomes
    active once the summed influence weights of its active in-neighbours reach
    it (Kempe, Kleinberg & Tardos 2003). Activation is permanent.

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or SocialGraph
        Influence flows along arcs; an undirected edge works both ways.
    seed_nodes : node label or iterable of node labels
        Initially active nodes (duplicates count once).
    weights : None, str, float or ndarray, optional
        Influence ``b(u, v)`` of each arc ``u -> v``, each in [0, 1], with the
        weights into every node summing to at most 1. ``None`` (default) gives
        ``1 / in_degree(v)``. A str names an edge attribute (networkx graphs);
        a float applies to every arc; an ndarray of shape ``(n_arcs,)`` gives
        one weight per arc in CSR order (SocialGraph only).
    n_runs : int >= 1, default 1
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    ndarray of int64, shape (n_runs,)
        Final number of active nodes (seed nodes included) per run.

    Raises
    ------
    ValueError
        If a seed node is not in the graph, the graph is empty, ``n_runs`` < 1,
        a weight lies outside [0, 1], an edge lacks the named attribute, or the
        weights into some node sum to more than 1.
    TypeError
        If ``graph`` or ``weights`` has the wrong type.

    See Also
    --------
    independent_cascade : the other model of Kempe et al. (2003).

    Notes
    -----
    Thresholds are uniform on (0, 1]. Kempe et al. show that the active set has
    the same law as the set reachable from the seeds when every node keeps at
    most one incoming arc, arc ``u -> v`` with probability ``b(u, v)``; the
    tests use that to check the simulation against exact enumeration.

    References
    ----------
    .. [1] D. Kempe, J. Kleinberg and E. Tardos, "Maximizing the spread of
       influence through a social network", Proc. KDD 2003, pp. 137-146.

    Examples
    --------
    >>> import networkx as nx
    >>> linear_threshold(nx.star_graph(4), [0], n_runs=2, rng=0).tolist()  # leaves: weight 1
    [5, 5]
    >>> linear_threshold(nx.path_graph(5), [0], weights=1.0, n_runs=2, rng=0).tolist()
    Traceback (most recent call last):
    ...
    ValueError: `weights` into each node must sum to at most 1; node 1 gets 2.0.
    """
    rng = as_generator(rng)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    arrays, G = _as_arrays(graph)
    seeds = _seed_positions(arrays, seed_nodes)
    n = arrays.n_nodes
    if weights is None:
        in_degree = np.bincount(arrays.indices, minlength=n)
        w = 1.0 / in_degree[arrays.indices]
    else:
        w = _arc_values("weights", weights, arrays, G)
        totals = np.bincount(arrays.indices, weights=w, minlength=n)
        over = np.flatnonzero(totals > 1.0 + 1e-9)
        if len(over):
            label = arrays.node_ids[over[0]]
            label = label.item() if isinstance(label, np.generic) else label
            raise ValueError(
                "`weights` into each node must sum to at most 1; "
                f"node {label!r} gets {float(totals[over[0]])!r}."
            )
    sizes = np.zeros(n_runs, np.int64)
    _classic_kernels.lt_runs(arrays.indptr, arrays.indices, w, seeds, n_runs, rng, sizes)
    return sizes


# ---------------------------------------------------------------------------
# SIR
