"""Classic diffusion models for teaching and validation.

Small, well-known reference models: independent cascade (IC), linear
threshold (LT), SIR, Bass diffusion on a network and the Bass mean-field
curve. The marketing engine (:mod:`smmsim.engine`) reduces to :func:`independent_cascade`
when every optional mechanism is off.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from . import _ic_kernel
from ._rng import as_generator
from ._validation import check_int
from .graphs import SocialGraph, edge_probabilities, from_networkx

__all__ = [
    "ICResult",
    "independent_cascade",
    "activation_frequency",
    "run_independent_cascade",
]


@dataclass(frozen=True, eq=False)
class ICResult:
    """Outcome of a batch of IC runs on a :class:`~smmsim.graphs.SocialGraph`.

    Attributes
    ----------
    sizes : ndarray of int64, shape (n_runs,)
        Final number of active nodes (seeds included) per run.
    hits : ndarray of int64, shape (n_nodes,) or (0,)
        Runs in which each node ended active (empty unless requested).
    order, parent, depth : ndarray of int32
        The last run's cascade tree: activated positions in activation order,
        the position of the node that activated each (-1 for seeds), and each
        one's generation.
    edge_checks : int
        Arcs examined over all runs.
    """

    sizes: np.ndarray
    hits: np.ndarray
    order: np.ndarray
    parent: np.ndarray
    depth: np.ndarray
    edge_checks: int

    def last_tree(self) -> dict[int, int]:
        """Parent mapping (child position -> parent position, root -> -1) of the last run."""
        nodes = self.order
        return dict(zip(nodes.tolist(), self.parent[nodes].tolist()))


def run_independent_cascade(
    graph: SocialGraph,
    seed_positions,
    p,
    *,
    n_runs: int = 1,
    count_hits: bool = False,
    rng=None,
) -> ICResult:
    """Run IC on compact arrays: the fast path every other IC entry point uses.

    Parameters
    ----------
    graph : SocialGraph
    seed_positions : array_like of int
        Seed nodes as positions in ``0 .. n_nodes - 1``.
    p : float in [0, 1] or ndarray of float, shape (n_arcs,)
        One probability for every arc, or one per arc.
    n_runs : int >= 1
    count_hits : bool
        Count, per node, the runs in which it ended active.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    ICResult
    """
    rng = as_generator(rng)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    n = graph.n_nodes
    seeds = np.unique(np.asarray(seed_positions, dtype=np.int32))
    if len(seeds) and (seeds[0] < 0 or seeds[-1] >= n):
        raise ValueError(f"`seed_nodes` holds a position outside 0..{n - 1}: {seeds!r}.")
    sizes = np.zeros(n_runs, np.int64)
    parent = np.full(n, -1, np.int32)
    depth = np.zeros(n, np.int32)
    order = np.empty(n, np.int32)
    hits = np.zeros(n if count_hits else 0, np.int64)
    if np.ndim(p) == 0:
        checks = _ic_kernel.ic_uniform(
            graph.indptr, graph.indices, seeds, float(p), n_runs, rng, sizes, parent, order,
            depth, hits,
        )
    else:
        probs = np.asarray(p, dtype=np.float64)
        if probs.shape != (graph.n_arcs,):
            raise ValueError(f"`p` must be a float or have one entry per arc ({graph.n_arcs}).")
        if count_hits is False:
            hits = np.zeros(0, np.int64)
        checks = _ic_kernel.ic_per_arc(
            graph.indptr, graph.indices, probs, seeds, n_runs, rng, sizes, parent, order,
            depth, hits if count_hits else np.zeros(n, np.int64),
        )
    last = order[: sizes[-1]].copy()
    return ICResult(sizes, hits, last, parent, depth, int(checks))


def _prepare(graph, seed_nodes, p):
    if not isinstance(graph, nx.Graph):
        raise TypeError(f"`graph` must be a networkx Graph or DiGraph; got {type(graph).__name__}.")
    if graph.number_of_nodes() == 0:
        raise ValueError("`graph` is empty: it has no nodes.")
    if isinstance(seed_nodes, (str, bytes)) or not hasattr(seed_nodes, "__iter__"):
        seed_nodes = [seed_nodes]
    seed_nodes = list(seed_nodes)
    arrays = from_networkx(graph, rng=0)
    seeds = arrays.index_of(seed_nodes, field_name="seed_nodes")
    if isinstance(p, str):
        probs = edge_probabilities(graph, arrays, p)
    else:
        probs = edge_probabilities(graph, arrays, p)[:1].item() if arrays.n_arcs else 0.0
        if arrays.n_arcs == 0:
            from ._validation import check_probability

            probs = check_probability("p", p)
    return arrays, seeds, probs


def independent_cascade(graph, seed_nodes, p, *, n_runs: int = 1, rng=None) -> np.ndarray:
    """Final sizes of independent-cascade runs on a networkx graph.

    Every active node gets one chance to activate each inactive out-neighbour,
    succeeding with the arc's probability (Kempe, Kleinberg & Tardos 2003).

    Parameters
    ----------
    graph : networkx.Graph or networkx.DiGraph
        An undirected edge works both ways.
    seed_nodes : iterable of node labels
        Initially active nodes (duplicates count once).
    p : float in [0, 1] or str
        Probability for every edge, or the name of an edge attribute holding
        each edge's probability.
    n_runs : int >= 1, default 1
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    ndarray of int64, shape (n_runs,)
        Final number of activated nodes (seed nodes included) per run.

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1], a seed node is not in the graph, the graph
        is empty or ``n_runs`` < 1.

    Examples
    --------
    >>> import networkx as nx
    >>> independent_cascade(nx.path_graph(5), [0], 1.0, n_runs=2, rng=0)
    array([5, 5])
    """
    check_int("n_runs", n_runs, minimum=1)
    arrays, seeds, probs = _prepare(graph, seed_nodes, p)
    return run_independent_cascade(arrays, seeds, probs, n_runs=n_runs, rng=rng).sizes


def activation_frequency(graph, seed_nodes, p, *, n_runs: int, rng=None) -> pd.Series:
    """Fraction of IC runs in which each node ended activated.

    Parameters
    ----------
    graph, seed_nodes, p
        As in :func:`independent_cascade`.
    n_runs : int >= 1
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    pandas.Series of float, indexed by node (in ``graph`` order)

    Examples
    --------
    >>> import networkx as nx
    >>> activation_frequency(nx.path_graph(3), [0], 0.0, n_runs=10, rng=0).tolist()
    [1.0, 0.0, 0.0]
    """
    check_int("n_runs", n_runs, minimum=1)
    arrays, seeds, probs = _prepare(graph, seed_nodes, p)
    res = run_independent_cascade(arrays, seeds, probs, n_runs=n_runs, count_hits=True, rng=rng)
    index = pd.Index(list(graph), name="node")
    return pd.Series(res.hits / n_runs, index=index, name="activation_frequency")
