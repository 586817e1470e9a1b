"""Compiled kernels for reverse-influence sampling and greedy maximum coverage.

A reverse-reachable (RR) set for a root ``v`` is the set of nodes that reach
``v`` in one random live-arc graph of the independent cascade (each arc live
with its probability). The chance that a seed set ``S`` hits a random RR set
(uniform root) equals ``sigma(S) / n``, so the spread of ``S`` is estimated by
``n`` times the fraction of RR sets it covers (Borgs et al. 2014).

RR sets are grown by a breadth-first search over *in*-arcs, so the caller
builds the reversed CSR once with :func:`reverse_csr`. All RR sets of a batch
live in one flat array (``rr_nodes``) with offsets ``rr_ptr``, like a CSR.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def reverse_csr(indptr, indices, probs=None):
    """In-arc CSR of an out-arc CSR.

    Parameters
    ----------
    indptr : ndarray of int64, shape (n_nodes + 1,)
    indices : ndarray of int, shape (n_arcs,)
        Out-arc CSR: the targets of node ``u`` are ``indices[indptr[u]:indptr[u + 1]]``.
    probs : ndarray of float64, shape (n_arcs,), optional
        One value per out-arc, carried over to the matching in-arc.

    Returns
    -------
    in_indptr : ndarray of int64, shape (n_nodes + 1,)
    in_src : ndarray of int32, shape (n_arcs,)
        The sources of the in-arcs of ``v`` are ``in_src[in_indptr[v]:in_indptr[v + 1]]``,
        in increasing order of the source position.
    in_probs : ndarray of float64, shape (n_arcs,) or None
        ``probs`` permuted to in-arc order.
    """
    n = len(indptr) - 1
    indices = np.asarray(indices)
    src = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))
    # A stable sort by target keeps the sources of each target in increasing order.
    order = np.argsort(indices, kind="stable")
    in_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(indices, minlength=n), out=in_indptr[1:])
    in_probs = None if probs is None else np.ascontiguousarray(probs[order], dtype=np.float64)
    return in_indptr, src[order], in_probs


@njit(cache=True)
def _push(nodes, top, value):
    # Append to a growable int32 buffer, doubling it when full.
    if top == len(nodes):
        bigger = np.empty(2 * len(nodes), np.int32)
        bigger[:top] = nodes[:top]
        nodes = bigger
    nodes[top] = value
    return nodes, top + 1


_MAX_GAP = 1 << 62


@njit(cache=True)
def _gap(rng, log_q):
    """Failed arcs before the next live one, Geometric(p), capped at 2**62.

    Without the cap a tiny ``p`` (``log_q`` near 0) gives a quotient beyond the
    int64 range, which wraps negative and indexes outside the arc arrays.
    """
    x = np.log(1.0 - rng.random()) / log_q
    if x >= _MAX_GAP:
        return _MAX_GAP
    return int(x)


@njit(cache=True)
def sample_rr_uniform(in_indptr, in_src, p, n_sets, rng):
    """Sample ``n_sets`` RR sets when every arc has the same probability ``p``.

    The live in-arcs met by the search form a Bernoulli(p) sequence, so the
    kernel jumps straight to the next live arc with a geometric gap
    (``log(U) / log(1 - p)``): only live arcs cost a random draw.

    Returns
    -------
    rr_nodes : ndarray of int32
    rr_ptr : ndarray of int64, shape (n_sets + 1,)
        RR set ``r`` is ``rr_nodes[rr_ptr[r]:rr_ptr[r + 1]]``; its root comes first.
    n_checks : int
        In-arcs examined (the work done).
    """
    n = len(in_indptr) - 1
    stamp = np.zeros(n, np.int64)
    rr_ptr = np.zeros(n_sets + 1, np.int64)
    nodes = np.empty(max(16, 2 * n_sets), np.int32)
    top = 0
    n_checks = 0
    log_q = np.log1p(-p) if 0.0 < p < 1.0 else 0.0
    for r in range(n_sets):
        mark = r + 1
        root = min(int(rng.random() * n), n - 1)
        head = top
        nodes, top = _push(nodes, top, root)
        stamp[root] = mark
        if p > 0.0:
            gap = 0 if p >= 1.0 else _gap(rng, log_q)
            while head < top:
                u = nodes[head]
                head += 1
                lo = in_indptr[u]
                hi = in_indptr[u + 1]
                n_checks += hi - lo
                if gap >= hi - lo:
                    gap -= hi - lo
                    continue
                k = lo + gap
                while k < hi:
                    w = in_src[k]
                    if stamp[w] != mark:
                        stamp[w] = mark
                        nodes, top = _push(nodes, top, w)
                    if p >= 1.0:
                        k += 1
                    else:
                        k += 1 + _gap(rng, log_q)
                gap = k - hi
        rr_ptr[r + 1] = top
    return nodes[:top].copy(), rr_ptr, n_checks


@njit(cache=True)
def sample_rr_per_arc(in_indptr, in_src, in_probs, n_sets, rng):
    """Sample ``n_sets`` RR sets with one probability per in-arc (one draw per arc).

    Returns the same triple as :func:`sample_rr_uniform`.
    """
    n = len(in_indptr) - 1
    stamp = np.zeros(n, np.int64)
    rr_ptr = np.zeros(n_sets + 1, np.int64)
    nodes = np.empty(max(16, 2 * n_sets), np.int32)
    top = 0
    n_checks = 0
    for r in range(n_sets):
        mark = r + 1
        root = min(int(rng.random() * n), n - 1)
        head = top
        nodes, top = _push(nodes, top, root)
        stamp[root] = mark
        while head < top:
            u = nodes[head]
            head += 1
            for k in range(in_indptr[u], in_indptr[u + 1]):
                n_checks += 1
                w = in_src[k]
                if stamp[w] != mark and rng.random() < in_probs[k]:
                    stamp[w] = mark
                    nodes, top = _push(nodes, top, w)
        rr_ptr[r + 1] = top
    return nodes[:top].copy(), rr_ptr, n_checks


@njit(cache=True)
def invert_rr(rr_nodes, rr_ptr, n):
    """Node -> RR-set incidence: the sets holding ``v`` are ``sets[ptr[v]:ptr[v + 1]]``."""
    ptr = np.zeros(n + 1, np.int64)
    for x in rr_nodes:
        ptr[x + 1] += 1
    for v in range(n):
        ptr[v + 1] += ptr[v]
    fill = ptr[:-1].copy()
    sets = np.empty(len(rr_nodes), np.int64)
    for r in range(len(rr_ptr) - 1):
        for j in range(rr_ptr[r], rr_ptr[r + 1]):
            v = rr_nodes[j]
            sets[fill[v]] = r
            fill[v] += 1
    return ptr, sets


@njit(cache=True)
def greedy_cover(rr_nodes, rr_ptr, inv_ptr, inv_sets, cost, budget, max_picks, first):
    """Cost-effective greedy maximum coverage of RR sets.

    Each step takes the unchosen node with the largest (newly covered sets) /
    cost among those that still fit in the budget; ties go to the lowest
    position. With unit costs and ``budget = max_picks = k`` this is the
    classic greedy for k-coverage, and it always returns k nodes (nodes that
    cover nothing new fill up in position order).

    Parameters
    ----------
    cost : ndarray of float64 > 0, shape (n_nodes,)
    budget : float
        The sum of chosen costs, accumulated in pick order, never exceeds it.
    max_picks : int
    first : int
        A node to take first (it must fit in the budget), or -1.

    Returns
    -------
    picks : ndarray of int64
        Chosen positions in pick order.
    n_covered : int
        RR sets hit by ``picks``.
    """
    n = len(inv_ptr) - 1
    n_sets = len(rr_ptr) - 1
    gain = np.empty(n, np.int64)
    for v in range(n):
        gain[v] = inv_ptr[v + 1] - inv_ptr[v]
    covered = np.zeros(n_sets, np.bool_)
    chosen = np.zeros(n, np.bool_)
    picks = np.empty(min(n, max_picks), np.int64)
    n_picks = 0
    n_covered = 0
    spent = 0.0
    while n_picks < max_picks:
        best = -1
        if n_picks == 0 and first >= 0:
            best = first
        else:
            best_key = -np.inf
            for v in range(n):
                if chosen[v] or spent + cost[v] > budget:
                    continue
                key = gain[v] / cost[v]
                if key > best_key:
                    best_key = key
                    best = v
            if best < 0:
                break
        chosen[best] = True
        picks[n_picks] = best
        n_picks += 1
        spent += cost[best]
        for j in range(inv_ptr[best], inv_ptr[best + 1]):
            r = inv_sets[j]
            if not covered[r]:
                covered[r] = True
                n_covered += 1
                for q in range(rr_ptr[r], rr_ptr[r + 1]):
                    gain[rr_nodes[q]] -= 1
    return picks[:n_picks].copy(), n_covered
