"""Compiled independent-cascade kernels over CSR arrays.

Both kernels run many cascades back to back and reuse their work arrays: a
per-node stamp (the run number that last activated the node) replaces an O(n)
reset between runs, so a run costs time proportional to what it touches.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Largest skip ever returned by `_skip`: far more arcs than any graph holds, and
# small enough that adding it to an arc position cannot overflow int64.
_MAX_SKIP = 1 << 62


@njit(cache=True)
def _skip(rng, log_q):
    """Failed arcs before the next live one: a Geometric(p) draw, capped at _MAX_SKIP.

    Without the cap a tiny ``p`` (``log_q`` near 0) gives a quotient beyond the
    int64 range, whose conversion wraps to a negative skip and indexes outside
    the arc arrays.
    """
    x = np.log(1.0 - rng.random()) / log_q
    if not x < _MAX_SKIP:  # also catches NaN
        return _MAX_SKIP
    return int(x)


@njit(cache=True)
def ic_uniform(indptr, indices, seeds, p, n_runs, rng, sizes, parent, order, depth, hits):
    """IC with one probability ``p`` for every arc, skipping failed arcs.

    The live arcs of a cascade are a Bernoulli(p) process over the arcs the
    frontier checks, taken in BFS order; the gap to the next live arc is
    geometric, so only live arcs cost a random draw (log(U) / log(1 - p)).

    ``sizes[r]`` gets run r's final size; ``hits[v]`` (if not empty) counts the
    runs in which node v ended active. For the last run, ``order[:size]``
    holds the activated nodes in activation order, ``parent`` who activated
    each (-1 for seeds) and ``depth`` its generation.
    Returns the number of arcs examined over all runs (edge checks).
    """
    n = len(indptr) - 1
    stamp = np.zeros(n, np.int32)
    queue = np.empty(n, np.int32)
    checks = 0
    log_q = np.log1p(-p) if p < 1.0 else 0.0
    for r in range(n_runs):
        mark = r + 1
        tail = 0
        for s in seeds:
            if stamp[s] != mark:
                stamp[s] = mark
                queue[tail] = s
                parent[s] = -1
                depth[s] = 0
                tail += 1
        if p <= 0.0:
            sizes[r] = tail
            if len(hits):
                for i in range(tail):
                    hits[queue[i]] += 1
            if r == n_runs - 1:
                order[:tail] = queue[:tail]
            continue
        # gap: arcs still to skip before the next live arc
        if p >= 1.0:
            gap = 0
        else:
            gap = _skip(rng, log_q)
        head = 0
        while head < tail:
            u = queue[head]
            head += 1
            lo = indptr[u]
            hi = indptr[u + 1]
            d = hi - lo
            checks += d
            if gap >= d:
                gap -= d
                continue
            k = lo + gap
            while k < hi:
                v = indices[k]
                if stamp[v] != mark:
                    stamp[v] = mark
                    queue[tail] = v
                    parent[v] = u
                    depth[v] = depth[u] + 1
                    tail += 1
                if p >= 1.0:
                    k += 1
                else:
                    k += 1 + _skip(rng, log_q)
            gap = k - hi
        sizes[r] = tail
        if len(hits):
            for i in range(tail):
                hits[queue[i]] += 1
        if r == n_runs - 1:
            order[:tail] = queue[:tail]
    return checks


@njit(cache=True)
def ic_per_arc(indptr, indices, probs, seeds, n_runs, rng, sizes, parent, order, depth, hits):
    """IC with a probability per arc (one draw per arc checked).

    ``hits[v]`` counts the runs in which node v ended active.
    Returns the number of arcs examined over all runs.
    """
    n = len(indptr) - 1
    stamp = np.zeros(n, np.int32)
    queue = np.empty(n, np.int32)
    checks = 0
    for r in range(n_runs):
        mark = r + 1
        tail = 0
        for s in seeds:
            if stamp[s] != mark:
                stamp[s] = mark
                queue[tail] = s
                parent[s] = -1
                depth[s] = 0
                tail += 1
        head = 0
        while head < tail:
            u = queue[head]
            head += 1
            for k in range(indptr[u], indptr[u + 1]):
                checks += 1
                v = indices[k]
                if stamp[v] != mark and rng.random() < probs[k]:
                    stamp[v] = mark
                    queue[tail] = v
                    parent[v] = u
                    depth[v] = depth[u] + 1
                    tail += 1
        sizes[r] = tail
        if len(hits):
            for i in range(tail):
                hits[queue[i]] += 1
        if r == n_runs - 1:
            order[:tail] = queue[:tail]
    return checks
