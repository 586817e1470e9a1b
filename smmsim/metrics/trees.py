"""Metrics of cascades and campaigns.

Cascade-tree metrics (size, depth, breadth, structural virality) describe the
shape of one spread: who passed the content to whom. They take either a
cascade tree (a NetworkX graph or a ``{child: parent}`` mapping) or the
engine's array form (``parent`` indexed by graph position plus the activation
``order``), and all run in time linear in the size of the cascade.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeAlias

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _tree_kernel

__all__ = [
    "cascade_breadth",
    "cascade_depth",
    "structural_virality",
    "structural_virality_from_parents",
    "tree_metrics_by_root",
    "tree_metrics_from_parents",
]


# ---------------------------------------------------------------------------
# Cascade-tree metrics
# ---------------------------------------------------------------------------


Tree: TypeAlias = "nx.Graph | Mapping[Hashable, Hashable]"
"""A cascade tree: a networkx graph, or a mapping ``{child: parent}``."""


def structural_virality(tree: Tree) -> float:
    """Mean shortest-path distance over all pairs of nodes of a cascade tree.

    Structural virality (Goel et al. 2016) separates broadcast spread (one
    hub reaching everyone: low values, a star of ``n`` nodes gives
    ``2 (n - 1) / n``) from viral, person-to-person spread (long chains: high
    values, a path of ``n`` nodes gives ``(n + 1) / 3``).

    Parameters
    ----------
    tree : networkx.Graph, networkx.DiGraph or mapping
        The cascade tree. A graph is treated as undirected (edge directions
        are ignored). A mapping goes ``{child: parent}``; the root maps to
        ``None`` or ``-1``, or is simply absent as a key.

    Returns
    -------
    float >= 0
        The mean distance over the ``n (n - 1) / 2`` unordered pairs of
        nodes. A single-node tree has no pairs; it gets 0.0 by convention.

    Raises
    ------
    ValueError
        If ``tree`` is empty, contains a cycle (including a self-loop), is
        disconnected, or (for a mapping) has several roots or none.
    TypeError
        If ``tree`` is neither a NetworkX graph nor a mapping.

    See Also
    --------
    structural_virality_from_parents : the same on the engine's arrays.

    Notes
    -----
    Computed in O(n) time, not by all-pairs search: the edge above a subtree
    of ``s`` nodes lies on the shortest path of exactly ``s (n - s)`` pairs,
    so the sum of all pairwise distances (the Wiener index) is
    ``sum(s (n - s))`` over the edges, and structural virality is that sum
    divided by ``n (n - 1) / 2``.

    References
    ----------
    .. [1] S. Goel, A. Anderson, J. Hofman and D. J. Watts, "The structural
       virality of online diffusion", Management Science 62(1):180-196, 2016.
       doi:10.1287/mnsc.2015.2158

    Examples
    --------
    >>> import networkx as nx
    >>> structural_virality(nx.path_graph(5))  # (5 + 1) / 3
    2.0
    >>> structural_virality(nx.star_graph(4))  # 5 nodes: 2 * 4 / 5
    1.6
    >>> structural_virality({"b": "a", "c": "a", "d": "c"})
    1.6666666666666667
    """
    lp, _ = _tree_to_local_parents(tree, rooted=False)
    roots, sizes, _, _, wiener, _ = _tree_kernel.tree_stats(lp)
    return _mean_distance(float(wiener[0]), int(sizes[0]))


def cascade_depth(tree: Tree, *, root: Hashable | None = None) -> int:
    """Length in edges of the longest path from the root of a cascade tree.

    Parameters
    ----------
    tree : networkx.Graph, networkx.DiGraph or mapping
        The cascade tree. A mapping goes ``{child: parent}`` (root maps to
        ``None`` or ``-1``, or is absent as a key). A DiGraph without
        ``root`` must point its edges parent -> child (an arborescence, as
        :func:`networkx.bfs_tree` builds); its root is the node without
        incoming edges.
    root : node, optional
        The root. Required for an undirected graph; when given, a graph is
        treated as undirected and hung from this node.

    Returns
    -------
    int >= 0
        0 for a single node.

    Raises
    ------
    ValueError
        As :func:`structural_virality`, and if the root is missing or unclear.

    Examples
    --------
    >>> cascade_depth({"b": "a", "c": "a", "d": "c"})
    2
    """
    lp, _ = _tree_to_local_parents(tree, rooted=True, root=root)
    _, _, depths, _, _, _ = _tree_kernel.tree_stats(lp)
    return int(depths[0])


def cascade_breadth(tree: Tree, *, root: Hashable | None = None) -> int:
    """Largest number of nodes at one depth of a cascade tree.

    Parameters
    ----------
    tree : networkx.Graph, networkx.DiGraph or mapping
        As in :func:`cascade_depth`.
    root : node, optional
        As in :func:`cascade_depth`.

    Returns
    -------
    int >= 1
        The root level counts, so a single node has breadth 1.

    Raises
    ------
    ValueError
        As :func:`cascade_depth`.

    Examples
    --------
    >>> cascade_breadth({"b": "a", "c": "a", "d": "c"})
    2
    """
    lp, _ = _tree_to_local_parents(tree, rooted=True, root=root)
    _, _, _, breadths, _, _ = _tree_kernel.tree_stats(lp)
    return int(breadths[0])


def structural_virality_from_parents(parent: npt.ArrayLike, order: npt.ArrayLike) -> float:
    """Structural virality of the cascade forest held in the engine's arrays.

    Parameters
    ----------
    parent : 1-D int array, indexed by graph position
        ``parent[v]`` is the position of the node that activated ``v``, or
        -1 for a seed (a root). Entries of nodes not in ``order`` are ignored.
    order : 1-D int array
        Positions of the activated nodes in activation order. Every parent
        must appear in ``order`` before its children (true of activation
        order).

    Returns
    -------
    float >= 0
        For a single tree, its structural virality. For a forest (several
        seeds), the pair-weighted mean over the trees: the sum of all
        within-tree distances divided by the number of within-tree pairs,
        i.e. the mean distance over pairs of nodes that share a tree. 0.0 if
        there is no such pair (only seeds, or nothing).

    Raises
    ------
    ValueError
        If ``order`` holds a position outside ``parent``, repeats one, or a
        parent is not -1 and not activated before its child.
    TypeError
        If the arrays are not 1-D integer arrays.

    See Also
    --------
    tree_metrics_by_root : one row per tree, with each tree's own value.

    Notes
    -----
    O(len(order)) time; it never touches the entries of ``parent`` outside
    the cascade, so it costs the same on a graph of any size.

    Examples
    --------
    >>> import numpy as np
    >>> parent = np.array([-1, 0, 1, 2, 3, -1])   # path 0-1-2-3-4 and node 5
    >>> structural_virality_from_parents(parent, np.array([0, 1, 2, 3, 4]))
    2.0
    """
    return _metrics_of(_forest_stats(parent, order))["structural_virality"]


def tree_metrics_from_parents(parent: npt.ArrayLike, order: npt.ArrayLike) -> dict:
    """Size, depth, breadth and structural virality of a cascade in array form.

    Parameters
    ----------
    parent, order : 1-D int arrays
        As in :func:`structural_virality_from_parents`.

    Returns
    -------
    dict
        ``size`` (int, nodes in ``order``), ``depth`` (int, longest root-to-
        node path in edges over all trees), ``breadth`` (int, largest number
        of nodes at one depth, counting every tree with all seeds at depth
        0) and ``structural_virality`` (float, the pair-weighted mean of
        :func:`structural_virality_from_parents`). An empty cascade gives
        zeros.

    Raises
    ------
    ValueError, TypeError
        As :func:`structural_virality_from_parents`.

    Examples
    --------
    >>> import numpy as np
    >>> tree_metrics_from_parents(np.array([-1, 0, 0, 1]), np.arange(4))
    {'size': 4, 'depth': 2, 'breadth': 2, 'structural_virality': 1.6666666666666667}
    """
    return _metrics_of(_forest_stats(parent, order))


def forest_metrics_unchecked(parent: np.ndarray) -> dict:
    """:func:`tree_metrics_from_parents` ``(parent, np.arange(len(parent)))`` for a forest
    already parents-first (``parent[i] < i``, -1 for a root), as the engine's
    ``Run.tree_parent`` is by construction: the same numbers, without the checks and the
    relabelling (a third of the time)."""
    return _metrics_of(_tree_kernel.tree_stats(parent))


def _metrics_of(stats) -> dict:
    """Size, depth, breadth and pair-weighted structural virality of ``tree_stats``'s output."""
    _, sizes, depths, _, wiener, forest_breadth = stats
    size, depth, breadth, virality = _tree_kernel.summary_of_stats(
        sizes, depths, wiener, forest_breadth
    )
    return {
        "size": int(size),
        "depth": int(depth),
        "breadth": int(breadth),
        "structural_virality": float(virality),
    }


def tree_metrics_by_root(parent: npt.ArrayLike, order: npt.ArrayLike) -> pd.DataFrame:
    """One row per tree of a cascade forest: root, size, depth, breadth, virality.

    Parameters
    ----------
    parent, order : 1-D int arrays
        As in :func:`structural_virality_from_parents`.

    Returns
    -------
    pandas.DataFrame
        Columns ``root`` (graph position of the seed), ``size``, ``depth``,
        ``breadth`` and ``structural_virality`` (0.0 for a lone seed), one row
        per seed in activation order.

    Raises
    ------
    ValueError, TypeError
        As :func:`structural_virality_from_parents`.

    Examples
    --------
    >>> import numpy as np
    >>> tree_metrics_by_root(np.array([-1, 0, -1, 2, 2]), np.arange(5))
       root  size  depth  breadth  structural_virality
    0     0     2      1        1             1.000000
    1     2     3      1        2             1.333333
    """
    order = _check_index_array("order", order)
    roots, sizes, depths, breadths, wiener, _ = _forest_stats(parent, order)
    return pd.DataFrame(
        {
            "root": order[roots].astype(np.int64),
            "size": sizes,
            "depth": depths,
            "breadth": breadths,
            "structural_virality": _mean_distances(wiener, sizes),
        }
    )


# -- helpers ----------------------------------------------------------------


def _mean_distance(wiener: float, n: int) -> float:
    return wiener / (n * (n - 1) / 2.0) if n > 1 else 0.0


def _mean_distances(wiener: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    pairs = sizes * (sizes - 1) / 2.0
    out = np.zeros(len(sizes))
    np.divide(wiener, pairs, out=out, where=pairs > 0)
    return out


def _check_index_array(name: str, values) -> np.ndarray:
    values = np.asarray(values)
    if values.ndim != 1:
        raise TypeError(f"`{name}` must be a 1-D integer array; got shape {values.shape}.")
    if values.dtype.kind not in "iu":
        if values.size == 0:
            return values.astype(np.int64)
        raise TypeError(f"`{name}` must be a 1-D integer array; got dtype {values.dtype}.")
    return values


_STATUS_MESSAGES = {
    _tree_kernel.ORDER_OUT_OF_RANGE: "`order[{i}]` = {v} is not a position of `parent` "
    "(must be in [0, {n}))",
    _tree_kernel.DUPLICATE_IN_ORDER: "`order` must list each node once; position {v} "
    "repeats at order[{i}]",
    _tree_kernel.PARENT_OUT_OF_RANGE: "`parent[{v}]` = {p} must be -1 (a root) or a "
    "position in [0, {n})",
    _tree_kernel.PARENT_NOT_EARLIER: "`parent[{v}]` = {p} must be activated before node "
    "{v}, i.e. appear earlier in `order` (node {v} is at order[{i}])",
}


def _forest_stats(parent, order):
    """Run the kernels on the engine's form, raising on invalid input."""
    parent = _check_index_array("parent", parent)
    order = _check_index_array("order", order)
    lp, status, i = _tree_kernel.local_parents(parent, order)
    if status != _tree_kernel.OK:
        v = int(order[i])
        p = int(parent[v]) if 0 <= v < len(parent) else None
        msg = _STATUS_MESSAGES[status].format(i=int(i), v=v, p=p, n=len(parent))
        raise ValueError(f"invalid cascade arrays: {msg}.")
    return _tree_kernel.tree_stats(lp)


def _tree_to_local_parents(tree, *, rooted: bool, root=None):
    """Convert a tree to a parents-first local parent array and its node labels.

    With ``rooted=False`` any node may serve as root (undirected metrics).
    """
    if isinstance(tree, nx.Graph):
        return _graph_to_local_parents(tree, rooted=rooted, root=root)
    if isinstance(tree, Mapping):
        return _mapping_to_local_parents(tree, root=root)
    raise TypeError(
        "`tree` must be a networkx Graph/DiGraph or a {child: parent} mapping; "
        f"got {type(tree).__name__}."
    )


def _graph_to_local_parents(G, *, rooted: bool, root):
    n = G.number_of_nodes()
    if n == 0:
        raise ValueError("`tree` is empty: a cascade tree needs at least one node.")
    loops = list(nx.selfloop_edges(G))
    if loops:
        raise ValueError(
            f"`tree` is not a tree: it contains a cycle (self-loop at {loops[0][0]!r})."
        )
    if root is not None:
        if root not in G:
            raise ValueError(f"`root` {root!r} is not a node of `tree`.")
    elif rooted and G.is_directed():
        sources = [v for v, d in G.in_degree() if d == 0]
        if len(sources) != 1:
            shown = ", ".join(map(repr, sources[:5])) + (" ..." if len(sources) > 5 else "")
            raise ValueError(
                "`tree` DiGraph edges must point parent -> child with exactly one root "
                f"(node without incoming edges); found {len(sources)}: {shown or 'none'}. "
                "Pass `root` to treat the graph as undirected."
            )
        root = sources[0]
    elif rooted:
        raise ValueError("`root` is required for an undirected `tree` (which node is the root?).")
    else:
        root = next(iter(G))
    if G.is_directed():
        succ, pred = G.succ, G.pred

        def neighbors(u: Hashable) -> Iterable[Hashable]:
            yield from succ[u]
            yield from pred[u]
    else:
        adj = G.adj

        def neighbors(u: Hashable) -> Iterable[Hashable]:
            return adj[u]

    index = {root: 0}
    labels = [root]
    lp = [-1]
    queue = deque([root])
    while queue:
        u = queue.popleft()
        iu = index[u]
        for w in neighbors(u):
            if w not in index:
                index[w] = len(labels)
                labels.append(w)
                lp.append(iu)
                queue.append(w)
    if len(labels) < n:
        raise ValueError(
            f"`tree` is not a tree: it is disconnected (only {len(labels)} of {n} nodes "
            f"are reachable from {root!r})."
        )
    # A connected graph on n nodes is a tree iff it has n - 1 edges; more means a
    # cycle (parallel edges, or u->v together with v->u in a DiGraph, included).
    if G.number_of_edges() != n - 1:
        raise ValueError(
            f"`tree` is not a tree: it contains a cycle ({n} nodes are connected by "
            f"more than {n - 1} edges)."
        )
    return np.asarray(lp, dtype=np.int64), labels


def _mapping_to_local_parents(mapping, *, root):
    index = {}
    labels = []
    raw = []
    for child in mapping:
        if child not in index:
            index[child] = len(labels)
            labels.append(child)
            raw.append(None)
    for child, par in mapping.items():
        if par is None or (isinstance(par, (int, np.integer)) and par == -1):
            continue
        if par not in index:
            index[par] = len(labels)
            labels.append(par)
            raw.append(None)
        raw[index[child]] = index[par]
    if not labels:
        raise ValueError("`tree` is empty: a cascade tree needs at least one node.")
    lp = np.fromiter((-1 if p is None else p for p in raw), dtype=np.int64, count=len(raw))
    roots = np.flatnonzero(lp < 0)
    if len(roots) == 0:
        raise ValueError("`tree` is not a tree: every node has a parent, so it contains a cycle.")
    if len(roots) > 1:
        shown = ", ".join(repr(labels[r]) for r in roots[:5]) + (" ..." if len(roots) > 5 else "")
        raise ValueError(
            f"`tree` is not a tree: it has several roots ({len(roots)}: {shown}); "
            "a cascade tree has exactly one node without a parent."
        )
    if root is not None and labels[roots[0]] != root:
        raise ValueError(f"`root` {root!r} is not the root of `tree` ({labels[roots[0]]!r}).")
    perm, new_lp, n_reached = _tree_kernel.parents_first(lp)
    if n_reached < len(lp):
        reached = np.zeros(len(lp), dtype=bool)
        reached[perm] = True
        stuck = labels[int(np.flatnonzero(~reached)[0])]
        raise ValueError(
            f"`tree` is not a tree: it contains a cycle (node {stuck!r} never reaches the "
            f"root {labels[roots[0]]!r} by following parents)."
        )
    return new_lp, [labels[k] for k in perm]
