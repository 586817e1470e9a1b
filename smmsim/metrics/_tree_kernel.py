"""Compiled kernels for cascade trees stored as parent arrays.

Three steps, all O(size of the cascade):

1. ``local_parents`` turns the engine's form (``parent`` indexed by graph
   position, ``order`` the activated positions) into local indices
   ``0 .. m-1`` in activation order, checking every parent was activated
   earlier. Its position -> local map is ``np.empty(len(parent))``, never
   filled: a slot is trusted only if it points back to itself through
   ``order`` (the sparse-set trick), so no O(n) reset is needed.
2. ``parents_first`` orders an arbitrary local parent array so that parents
   come before children (BFS from the roots), exposing cycles.
3. ``tree_stats`` computes size, depth, breadth and the Wiener index (sum of
   all pairwise distances) of every tree of a parents-first forest, from
   subtree sizes: an edge above a subtree of ``s`` nodes in a tree of ``n``
   nodes lies on ``s * (n - s)`` shortest paths.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Status codes returned by ``local_parents`` (0 means success).
OK = 0
ORDER_OUT_OF_RANGE = 1
DUPLICATE_IN_ORDER = 2
PARENT_OUT_OF_RANGE = 3
PARENT_NOT_EARLIER = 4


@njit(cache=True)
def local_parents(parent, order):
    """Map ``parent[order[i]]`` to local indices; return ``(lp, status, i)``.

    ``lp[i]`` is the local index of node ``order[i]``'s parent (-1 for a
    root). On failure ``status`` is one of the codes above and ``i`` the
    offending index into ``order``; ``lp`` is then only partly filled.
    """
    n = parent.shape[0]
    m = order.shape[0]
    loc = np.empty(n, np.int64)
    lp = np.empty(m, np.int64)
    for i in range(m):
        v = order[i]
        if v < 0 or v >= n:
            return lp, ORDER_OUT_OF_RANGE, i
        j = loc[v]
        if 0 <= j < i and order[j] == v:
            return lp, DUPLICATE_IN_ORDER, i
        loc[v] = i
        p = parent[v]
        if p == -1:
            lp[i] = -1
            continue
        if p < 0 or p >= n:
            return lp, PARENT_OUT_OF_RANGE, i
        j = loc[p]
        if not (0 <= j < i and order[j] == p):
            return lp, PARENT_NOT_EARLIER, i
        lp[i] = j
    return lp, OK, -1


@njit(cache=True)
def parents_first(lp):
    """Reorder a local parent array so parents precede children.

    ``lp`` holds values in ``[-1, m)``. Returns ``(perm, new_lp, n_reached)``:
    ``perm[k]`` is the old index of new node ``k`` (BFS from the roots, roots
    in index order) and ``new_lp`` the parents in the new indices. If
    ``n_reached < m`` the nodes never reached lie on or below a cycle.
    """
    m = lp.shape[0]
    n_children = np.zeros(m + 1, np.int64)
    for i in range(m):
        if lp[i] >= 0:
            n_children[lp[i] + 1] += 1
    for i in range(m):
        n_children[i + 1] += n_children[i]
    start = n_children  # CSR offsets: children of u at kids[start[u]:start[u+1]]
    fill = start[:-1].copy()
    kids = np.empty(max(start[m], 1), np.int64)
    for i in range(m):
        p = lp[i]
        if p >= 0:
            kids[fill[p]] = i
            fill[p] += 1
    perm = np.empty(m, np.int64)
    tail = 0
    for i in range(m):
        if lp[i] < 0:
            perm[tail] = i
            tail += 1
    head = 0
    while head < tail:
        u = perm[head]
        head += 1
        for k in range(start[u], start[u + 1]):
            perm[tail] = kids[k]
            tail += 1
    new_index = np.full(m, -1, np.int64)
    for k in range(tail):
        new_index[perm[k]] = k
    new_lp = np.full(tail, -1, np.int64)
    for k in range(tail):
        p = lp[perm[k]]
        if p >= 0:
            new_lp[k] = new_index[p]
    return perm[:tail], new_lp, tail


@njit(cache=True)
def tree_stats(lp):
    """Per-tree statistics of a parents-first forest (``lp[i] < i``).

    Returns ``(roots, sizes, depths, breadths, wiener, forest_breadth)``: one
    entry per tree in order of its root, where ``depths`` counts edges from
    the root, ``breadths`` is the largest number of nodes at one depth and
    ``wiener`` the sum of distances over all unordered pairs of the tree.
    ``forest_breadth`` is the largest number of nodes at one depth counting
    all trees together (every root at depth 0).
    """
    m = lp.shape[0]
    sub = np.ones(m, np.int64)
    depth = np.zeros(m, np.int64)
    tree = np.empty(m, np.int64)
    n_trees = 0
    max_depth = 0
    for i in range(m):
        p = lp[i]
        if p < 0:
            tree[i] = n_trees
            n_trees += 1
        else:
            tree[i] = tree[p]
            depth[i] = depth[p] + 1
            if depth[i] > max_depth:
                max_depth = depth[i]
    for i in range(m - 1, 0, -1):
        p = lp[i]
        if p >= 0:
            sub[p] += sub[i]
    roots = np.empty(n_trees, np.int64)
    sizes = np.empty(n_trees, np.int64)
    depths = np.zeros(n_trees, np.int64)
    breadths = np.zeros(n_trees, np.int64)
    wiener = np.zeros(n_trees, np.float64)
    for i in range(m):
        if lp[i] < 0:
            roots[tree[i]] = i
            sizes[tree[i]] = sub[i]
    # Wiener index, per-tree depth and the forest-wide count per depth.
    level = np.zeros(max_depth + 1, np.int64)
    for i in range(m):
        t = tree[i]
        level[depth[i]] += 1
        if depth[i] > depths[t]:
            depths[t] = depth[i]
        if lp[i] >= 0:
            s = sub[i]
            wiener[t] += float(s) * float(sizes[t] - s)
    forest_breadth = 0
    for d in range(max_depth + 1 if m > 0 else 0):
        if level[d] > forest_breadth:
            forest_breadth = level[d]
    # Per-tree breadth: bucket the nodes by tree, then count depths per bucket,
    # resetting only the counters each tree touched.
    offset = np.zeros(n_trees + 1, np.int64)
    for t in range(n_trees):
        offset[t + 1] = offset[t] + sizes[t]
    fill = offset[:-1].copy()
    bucket = np.empty(m, np.int64)
    for i in range(m):
        t = tree[i]
        bucket[fill[t]] = i
        fill[t] += 1
    level[:] = 0
    for t in range(n_trees):
        best = 0
        for k in range(offset[t], offset[t + 1]):
            d = depth[bucket[k]]
            level[d] += 1
            if level[d] > best:
                best = level[d]
        breadths[t] = best
        for k in range(offset[t], offset[t + 1]):
            level[depth[bucket[k]]] = 0
    return roots, sizes, depths, breadths, wiener, forest_breadth


@njit(cache=True)
def summary_of_stats(sizes, depths, wiener, forest_breadth):
    """Size, depth, breadth and pair-weighted structural virality of a forest, from
    :func:`tree_stats`'s per-tree ``sizes``, ``depths``, ``wiener`` and its
    ``forest_breadth``: the virality is the sum of the trees' Wiener indices over their
    pairs (0.0 without a pair)."""
    size = 0
    depth = 0
    pairs = 0
    total = 0.0
    for t in range(len(sizes)):
        size += sizes[t]
        pairs += sizes[t] * (sizes[t] - 1)
        total += wiener[t]
        if depths[t] > depth:
            depth = depths[t]
    virality = total / (pairs / 2.0) if pairs > 0 else 0.0
    return size, depth, forest_breadth, virality


@njit(cache=True, nogil=True)
def forests_summaries(lp, starts, ends):
    """:func:`summary_of_stats` of each parents-first forest ``lp[starts[i]:ends[i]]``
    (parent indices within the forest): arrays of sizes, depths, breadths, viralities."""
    n = len(starts)
    sizes = np.empty(n, np.int64)
    depths = np.empty(n, np.int64)
    breadths = np.empty(n, np.int64)
    virality = np.empty(n, np.float64)
    for i in range(n):
        _, sz, dp, _, wiener, fb = tree_stats(lp[starts[i] : ends[i]])
        sizes[i], depths[i], breadths[i], virality[i] = summary_of_stats(sz, dp, wiener, fb)
    return sizes, depths, breadths, virality
