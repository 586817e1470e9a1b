"""SIR epidemics on a network."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._rng import RngLike, as_generator
from .._validation import (
    check_int,
    check_probability,
)
from ..graphs import GraphLike, NodeLabels
from . import _kernels as _classic_kernels
from ._inputs import ArcValues, _arc_values, _as_arrays, _seed_positions

__all__ = ["sir"]


def sir(
    graph: GraphLike,
    seed_nodes: NodeLabels,
    beta: ArcValues,
    gamma: float,
    *,
    n_runs: int = 1,
    max_steps: int = 1000,
    rng: RngLike = None,
) -> pd.DataFrame:
    """Discrete-time SIR epidemics on a graph, as a tidy table per run and step.

    At every step each infected node tries once to infect each susceptible
    out-neighbour, succeeding with probability ``beta``; then each node that was
    infected at the start of the step recovers with probability ``gamma``.
    People infected during a step start transmitting (and may recover) in the
    next one, so an infection lasts a geometric number of steps with mean
    ``1 / gamma``.

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or SocialGraph
        Infection travels along arcs; an undirected edge works both ways.
    seed_nodes : node label or iterable of node labels
        Infected at step 0 (duplicates count once).
    beta : float in [0, 1], str or ndarray
        Per-step transmission probability over each arc: one number, the name
        of an edge attribute (networkx graphs), or one value per arc in CSR
        order (SocialGraph only).
    gamma : float in [0, 1]
        Per-step recovery probability.
    n_runs : int >= 1, default 1
    max_steps : int >= 1, default 1000
        A run stops when nobody is infected or after this many steps.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    pandas.DataFrame
        Columns ``run``, ``step``, ``susceptible``, ``infected``, ``recovered``
        (int64), one row per run and step from 0 to the last step at which any
        run still had infected nodes (or ``max_steps``). Every run has the same
        steps: a run that died out earlier repeats its final state, so means
        over runs per step are unbiased.

    Raises
    ------
    ValueError
        If ``beta`` or ``gamma`` lies outside [0, 1], a seed node is not in the
        graph, the graph is empty, ``n_runs`` < 1 or ``max_steps`` < 1.
    TypeError
        If an argument has the wrong type.

    See Also
    --------
    independent_cascade : with ``gamma = 1`` every infected node transmits in
        exactly one step, and the final ``recovered`` count has the IC law
        with ``p = beta``.

    References
    ----------
    .. [1] W. O. Kermack and A. G. McKendrick, "A contribution to the
       mathematical theory of epidemics", Proc. R. Soc. A 115 (1927) 700-721.
    .. [2] M. E. J. Newman, "Spread of epidemic disease on networks", Phys.
       Rev. E 66 (2002) 016128.

    Examples
    --------
    >>> import networkx as nx
    >>> sir(nx.path_graph(4), [0], 1.0, 1.0, rng=0)
       run  step  susceptible  infected  recovered
    0    0     0            3         1          0
    1    0     1            2         1          1
    2    0     2            1         1          2
    3    0     3            0         1          3
    4    0     4            0         0          4
    """
    rng = as_generator(rng)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    max_steps = check_int("max_steps", max_steps, minimum=1)
    gamma = check_probability("gamma", gamma)
    arrays, G = _as_arrays(graph)
    seeds = _seed_positions(arrays, seed_nodes)
    probs = _arc_values("beta", beta, arrays, G)
    infected, recovered, lengths = _classic_kernels.sir_runs(
        arrays.indptr, arrays.indices, probs, gamma, seeds, n_runs, max_steps, rng
    )
    n_rows = int(lengths.max())
    # Pad each run with its final state up to the longest run.
    ends = np.cumsum(lengths)
    offset = np.arange(n_rows)[None, :]
    take = np.minimum(offset, lengths[:, None] - 1) + (ends - lengths)[:, None]
    inf = infected[take].ravel()
    rec = recovered[take].ravel()
    return pd.DataFrame(
        {
            "run": np.repeat(np.arange(n_runs, dtype=np.int64), n_rows),
            "step": np.tile(np.arange(n_rows, dtype=np.int64), n_runs),
            "susceptible": arrays.n_nodes - inf - rec,
            "infected": inf,
            "recovered": rec,
        }
    )
