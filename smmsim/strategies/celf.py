"""CELF greedy influence maximisation on sampled live-arc graphs."""

from __future__ import annotations

import heapq

import numpy as np
from numba import njit

from .._rng import RngLike, as_generator
from .._validation import (
    check_int,
)
from ..graphs import SocialGraph
from ._common import SeedSelection, _affordable_count, _check_k, _check_social_graph, _resolve_p

CELF_N_RUNS = 100
"""Default number of live-arc snapshots for CELF."""


def run_celf(
    social_graph: SocialGraph,
    k: int,
    p: float | np.ndarray,
    *,
    n_runs: int = CELF_N_RUNS,
    rng: RngLike = None,
) -> SeedSelection:
    """Greedy influence maximisation with CELF lazy evaluation.

    Draws ``n_runs`` live-arc snapshots of the IC model (each arc live with
    its probability) and greedily adds the node that reaches the most new
    nodes, averaged over the snapshots. The snapshot average is submodular,
    so CELF's lazy re-evaluation returns exactly the greedy choice on it,
    which is within ``1 - 1/e`` of the best seed set *for those snapshots*.

    Parameters
    ----------
    social_graph : SocialGraph
    k : int, 0 <= k <= social_graph.n_nodes
    p : float in [0, 1] or ndarray of float, shape (n_arcs,)
    n_runs : int >= 1, default 100
        Snapshots; memory is ``n_runs * (n_arcs + n_nodes)`` bytes and the
        first pass costs one search per node and snapshot, so keep graphs
        small (a few thousand nodes) or use :func:`run_imm`.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    SeedSelection

    References
    ----------
    Kempe, D., Kleinberg, J., & Tardos, E. (2003). Maximizing the spread of
    influence through a social network. KDD, 137-146.

    Leskovec, J., Krause, A., Guestrin, C., Faloutsos, C., VanBriesen, J., &
    Glance, N. (2007). Cost-effective outbreak detection in networks. KDD,
    420-429.

    Examples
    --------
    >>> import networkx as nx
    >>> from smmsim.graphs import from_networkx
    >>> g = from_networkx(nx.star_graph(10), rng=0)
    >>> run_celf(g, 1, 1.0, n_runs=5, rng=0).spread_estimate
    11.0
    """
    graph = _check_social_graph(social_graph)
    k = _check_k(k, graph.n_nodes)
    probs = _resolve_p(graph, p, "celf")
    n_runs = check_int("n_runs", n_runs, minimum=1)
    rng = as_generator(rng)
    return _celf(graph, probs, k, None, None, n_runs, rng)


@njit(cache=True)
def _reach_gain(indptr, indices, live, reached, v, queue, seen, commit):
    # Nodes reachable from v over live arcs and not yet reached by the seeds,
    # summed over snapshots. Reached sets are closed under reachability, so
    # the search can stop at reached nodes. With `commit`, mark them reached.
    total = 0
    for r in range(live.shape[0]):
        if reached[r, v]:
            continue
        queue[0] = v
        seen[v] = True
        head = 0
        tail = 1
        while head < tail:
            u = queue[head]
            head += 1
            for j in range(indptr[u], indptr[u + 1]):
                if live[r, j]:
                    w = indices[j]
                    if not seen[w] and not reached[r, w]:
                        seen[w] = True
                        queue[tail] = w
                        tail += 1
        total += tail
        for i in range(tail):
            seen[queue[i]] = False
            if commit:
                reached[r, queue[i]] = True
    return total


@njit(cache=True)
def _all_reach_gains(indptr, indices, live, reached, queue, seen):
    n = len(indptr) - 1
    gains = np.empty(n, np.int64)
    for v in range(n):
        gains[v] = _reach_gain(indptr, indices, live, reached, v, queue, seen, False)
    return gains


def _celf(graph, probs, k, cost, budget, n_runs, rng):
    n = graph.n_nodes
    budgeted = cost is not None
    if not budgeted:
        cost = np.ones(n)
        budget = float(k)
        max_picks = k
    else:
        max_picks = n
        if _affordable_count(cost, budget) == 0:
            return SeedSelection(np.empty(0, np.int64), 0.0, 0)
    live = np.empty((n_runs, graph.n_arcs), dtype=np.bool_)
    for r in range(n_runs):
        live[r] = rng.random(graph.n_arcs) < probs
    queue = np.empty(n, np.int32)
    seen = np.zeros(n, np.bool_)
    args = (graph.indptr, graph.indices, live)
    first_gains = _all_reach_gains(*args, np.zeros((n_runs, n), np.bool_), queue, seen)

    def greedy(first):  # not annotated: mypy misreads calls of numba dispatchers
        reached = np.zeros((n_runs, n), np.bool_)
        chosen = np.zeros(n, bool)
        picks = []
        total = 0
        spent = 0.0
        if first >= 0:
            total += _reach_gain(*args, reached, first, queue, seen, True)
            chosen[first] = True
            picks.append(first)
            spent += cost[first]
        # Heap entries: (-gain / cost, node, number of picks when computed).
        heap = [(-first_gains[v] / cost[v], v, 0) for v in range(n)]
        heapq.heapify(heap)
        while heap and len(picks) < max_picks:
            _, v, fresh = heapq.heappop(heap)
            if chosen[v] or spent + cost[v] > budget:
                continue  # the budget only shrinks: v will never fit again
            if fresh == len(picks):
                total += _reach_gain(*args, reached, v, queue, seen, True)
                chosen[v] = True
                picks.append(v)
                spent += cost[v]
            else:
                gain = _reach_gain(*args, reached, v, queue, seen, False)
                heapq.heappush(heap, (-gain / cost[v], v, len(picks)))
        return np.asarray(picks, dtype=np.int64), total

    picks, total = greedy(-1)
    if budgeted:
        hits = np.where(cost <= budget, first_gains, -1)
        single = int(np.argmax(hits))
        if hits[single] >= 0 and (len(picks) == 0 or picks[0] != single):
            picks2, total2 = greedy(single)
            if total2 > total:
                picks, total = picks2, total2
    return SeedSelection(picks, total / n_runs, n_runs)
