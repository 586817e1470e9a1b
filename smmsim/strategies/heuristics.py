"""Heuristic seeding: degree, PageRank, k-core and degree discount."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numba import njit

from . import _imm_kernel

PAGERANK_DAMPING = 0.85


def _heuristic_score(graph, method):
    if method == "degree":
        return graph.out_degree.astype(np.float64)
    if method == "pagerank":
        return _pagerank(graph)
    # Core number, with out-degree as a fractional tie-break.
    degree = graph.out_degree
    return _core_numbers(graph) + degree / (degree.max(initial=0) + 1.0)


def _heuristic_order(graph, method):
    # Best first; ties by node order.
    return np.argsort(-_heuristic_score(graph, method), kind="stable")


def _pagerank(graph, damping=PAGERANK_DAMPING, tol=1e-12, max_iter=1000):
    # PageRank of the reversed graph: an arc u -> v (v sees what u shares)
    # counts as v's vote for u. Row u of `votes` holds 1 / in_degree(v) for
    # each out-neighbour v, so rank flows from listeners to the people they
    # listen to; listeners with nobody to listen to spread theirs uniformly.
    n = graph.n_nodes
    in_degree = np.bincount(graph.indices, minlength=n).astype(np.float64)
    data = 1.0 / in_degree[graph.indices] if graph.n_arcs else np.empty(0)
    votes = sp.csr_matrix((data, graph.indices, graph.indptr), shape=(n, n))
    silent = in_degree == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (votes @ x) + (damping * x[silent].sum() + 1.0 - damping) / n
        done = np.abs(new - x).sum() < n * tol
        x = new
        if done:
            break
    # Round away float noise so that symmetric nodes tie and order by position.
    return np.round(x / x.max(), 10)


def _core_numbers(graph):
    n = graph.n_nodes
    src = np.repeat(np.arange(n, dtype=np.int64), graph.out_degree)
    dst = graph.indices.astype(np.int64)
    keep = src != dst
    a = np.concatenate([src[keep], dst[keep]])
    b = np.concatenate([dst[keep], src[keep]])
    key = np.unique(a * n + b)
    a, b = key // n, key % n
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=ptr[1:])
    return _core_kernel(ptr, b)


@njit(cache=True)
def _core_kernel(ptr, nbr):
    # Batagelj & Zaversnik (2003): peel nodes in order of current degree,
    # keeping them bucket-sorted by degree so each peel step is O(1).
    n = len(ptr) - 1
    deg = ptr[1:] - ptr[:-1]
    max_deg = 0
    for v in range(n):
        max_deg = max(max_deg, deg[v])
    bucket = np.zeros(max_deg + 2, np.int64)
    for v in range(n):
        bucket[deg[v] + 1] += 1
    for d in range(max_deg + 1):
        bucket[d + 1] += bucket[d]
    # bucket[d] is now where degree-d nodes start in `vert`.
    pos = np.empty(n, np.int64)
    vert = np.empty(n, np.int64)
    fill = bucket.copy()
    for v in range(n):
        pos[v] = fill[deg[v]]
        vert[pos[v]] = v
        fill[deg[v]] += 1
    for i in range(n):
        v = vert[i]
        for j in range(ptr[v], ptr[v + 1]):
            u = nbr[j]
            if deg[u] > deg[v]:
                # Move u to the front of its bucket, then shrink its degree.
                du = deg[u]
                front = bucket[du]
                w = vert[front]
                if u != w:
                    vert[pos[u]] = w
                    pos[w] = pos[u]
                    vert[front] = u
                    pos[u] = front
                bucket[du] += 1
                deg[u] -= 1
    return deg


def _degree_discount(graph, probs, cost, budget, max_picks, use_ratio):
    uniform = np.ndim(probs) == 0
    p = float(probs) if uniform else 0.0
    arc_p = np.full(graph.n_arcs, p) if uniform else probs
    in_indptr, in_src, in_p = _imm_kernel.reverse_csr(graph.indptr, graph.indices, arc_p)
    return _degree_discount_kernel(
        graph.indptr, graph.indices, arc_p, in_indptr, in_src, in_p, uniform, p,
        np.asarray(cost, np.float64), float(budget), int(max_picks), use_ratio,
    )  # fmt: skip


@njit(cache=True)
def _degree_discount_kernel(
    indptr, indices, arc_p, in_indptr, in_src, in_p, uniform, p, cost, budget, max_picks, use_ratio
):
    # For each node: t_in seeds point to it, t_out of its out-neighbours are
    # seeds, a sums the probabilities of seed arcs into it and b those of its
    # arcs to non-seeds. The chance v is not yet active is about 1 - a and
    # its expected reach as a seed about 1 + b.
    n = len(indptr) - 1
    t_in = np.zeros(n, np.int64)
    t_out = np.zeros(n, np.int64)
    a = np.zeros(n)
    b = np.zeros(n)
    for v in range(n):
        for j in range(indptr[v], indptr[v + 1]):
            b[v] += arc_p[j]
    chosen = np.zeros(n, np.bool_)
    picks = np.empty(min(n, max_picks), np.int64)
    n_picks = 0
    spent = 0.0
    while n_picks < max_picks:
        best = -1
        best_key = -np.inf
        for v in range(n):
            if chosen[v] or spent + cost[v] > budget:
                continue
            if use_ratio:
                key = max((1.0 - a[v]) * (1.0 + b[v]), 0.0) / cost[v]
            elif uniform:
                d = indptr[v + 1] - indptr[v]
                key = d - t_out[v] - t_in[v] - t_in[v] * (d - t_out[v]) * p
            else:
                key = (1.0 - a[v]) * (1.0 + b[v])
            if key > best_key:
                best_key = key
                best = v
        if best < 0:
            break
        chosen[best] = True
        picks[n_picks] = best
        n_picks += 1
        spent += cost[best]
        for j in range(indptr[best], indptr[best + 1]):
            w = indices[j]
            t_in[w] += 1
            a[w] += arc_p[j]
        for j in range(in_indptr[best], in_indptr[best + 1]):
            u = in_src[j]
            t_out[u] += 1
            b[u] -= in_p[j]
    return picks[:n_picks].copy()
