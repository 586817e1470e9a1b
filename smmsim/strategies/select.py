"""Seeding strategies: which people a campaign reaches first.

A brand that seeds content with a few people (influencers, bloggers, early
customers) chooses them with a *strategy*. This module offers the usual
heuristics and two influence-maximisation algorithms with guarantees, for a
fixed number of seeds ``k`` or under a budget when seeds have different costs.

==================  =========================================================
method              rule
==================  =========================================================
``random``          ``k`` people drawn uniformly without replacement
``degree``          largest out-degree (audience size)
``pagerank``        largest PageRank of the "listens to" graph
``kcore``           largest core number, then out-degree (Kitsak et al. 2010)
``degree_discount`` DegreeDiscountIC for the IC model (Chen, Wang & Yang 2009)
``imm``             IMM reverse-influence sampling (Tang, Shi & Xiao 2015)
``celf``            lazy greedy on Monte Carlo live-arc snapshots (Leskovec
                    et al. 2007)
==================  =========================================================

``degree_discount``, ``imm`` and ``celf`` assume the independent cascade (IC)
model with edge probability ``p``; the others ignore ``p``. Heuristics break
ties by node order (position in ``list(graph)``); only ``random``, ``imm``
and ``celf`` draw random numbers.

Two layers mirror :mod:`smmsim.classic`: ``select_seed_nodes*`` take a
networkx graph and return node labels; ``select_seed_positions*``,
:func:`run_imm`, :func:`run_imm_budgeted` and :func:`run_celf` work on a
:class:`~smmsim.graphs.SocialGraph` and return array positions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from .._rng import RngLike, as_generator
from .._validation import (
    check_choice,
    check_nonnegative,
)
from ..graphs import GraphLike, SocialGraph
from ._common import (
    IC_METHODS,
    METHODS,
    _as_arrays,
    _check_cost,
    _check_k,
    _check_social_graph,
    _cost_array,
    _fill_budget,
    _resolve_p,
)
from .celf import CELF_N_RUNS, _celf
from .heuristics import _degree_discount, _heuristic_order, _heuristic_score
from .imm import IMM_EPS, _imm

NodeCosts: TypeAlias = (
    "float | npt.ArrayLike | Mapping[Hashable, float] | Callable[[Hashable], float] | str"
)
"""What a ``cost`` of seeding takes: one number, one per node (array or mapping), a
callable of the node or a node attribute's name."""

__all__ = [
    "METHODS",
    "IC_METHODS",
    "select_seed_nodes",
    "select_seed_positions",
    "select_seed_nodes_budgeted",
    "select_seed_positions_budgeted",
]


def select_seed_nodes(
    graph: GraphLike, k: int, method: str, *, p: float | str | None = None, rng: RngLike = None
) -> list:
    """Choose ``k`` distinct seed nodes of ``graph`` with a seeding strategy.

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or SocialGraph
        An undirected edge works both ways; a directed one points the way
        content travels (from the sharer to the one who sees it).
    k : int, 0 <= k <= number of nodes
        Number of seed nodes.
    method : {"random", "degree", "pagerank", "kcore", "degree_discount", "imm", "celf"}
        The strategy (see the module docstring). ``imm`` runs with ``eps=0.3``
        and ``ell=1`` and ``celf`` with 100 snapshots; call :func:`run_imm` or
        :func:`run_celf` for other settings.
    p : float in [0, 1] or str, optional
        IC probability of every edge, or the name of an edge attribute holding
        each edge's probability. Required for ``degree_discount``, ``imm`` and
        ``celf``; checked but unused by the other methods.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    list
        ``k`` distinct node labels, in pick order (best first).

    Raises
    ------
    ValueError
        If ``method`` is unknown, ``k`` is negative or larger than the number
        of nodes, ``p`` is outside [0, 1], or ``p`` is missing for a method
        that needs it.
    TypeError
        If ``graph`` is not a networkx graph or SocialGraph, or ``k`` is not an int.

    See Also
    --------
    select_seed_nodes_budgeted : seeds with different costs under a budget.
    select_seed_positions : the same on a SocialGraph, returning positions.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.star_graph(5)
    >>> select_seed_nodes(G, 1, "degree")
    [0]
    >>> select_seed_nodes(G, 2, "imm", p=0.5, rng=1)[0]
    0
    """
    method = check_choice("method", method, METHODS)
    arrays, probs = _as_arrays(graph, p)  # an attribute name read from the networkx graph
    positions = select_seed_positions(arrays, k, method, p=probs, rng=rng)
    return arrays.node_ids[positions].tolist()


def select_seed_nodes_budgeted(
    graph: GraphLike,
    budget: float,
    cost: NodeCosts,
    method: str = "imm",
    *,
    p: float | str | None = None,
    rng: RngLike = None,
) -> list:
    """Choose seed nodes whose total cost stays within ``budget``.

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or SocialGraph
    budget : float >= 0
        Money available for seeding; the summed cost of the returned nodes
        never exceeds it.
    cost : float > 0, array_like, mapping, callable or str
        Cost of seeding each node: one number for all, an array in node order
        (``list(graph)``), a mapping ``node -> cost``, a callable
        ``cost(node)``, or the name of a node attribute. Every cost must be
        finite and > 0.
    method : str, default "imm"
        As in :func:`select_seed_nodes`.
    p : float in [0, 1] or str, optional
        As in :func:`select_seed_nodes`.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    list
        Distinct node labels in pick order.

    Raises
    ------
    ValueError
        As :func:`select_seed_nodes`, and if ``budget`` is negative or a cost
        is missing, not finite or not > 0.

    See Also
    --------
    select_seed_positions_budgeted : the array-level version (rules in its Notes).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.star_graph(4)
    >>> select_seed_nodes_budgeted(G, 3.0, {0: 5.0, 1: 1, 2: 1, 3: 1, 4: 1}, "degree")
    [1, 2, 3]
    """
    method = check_choice("method", method, METHODS)
    arrays, probs = _as_arrays(graph, p)
    costs = _cost_array(graph, arrays, cost)  # one per node, in node order
    positions = select_seed_positions_budgeted(arrays, budget, costs, method, p=probs, rng=rng)
    return arrays.node_ids[positions].tolist()


def select_seed_positions(
    social_graph: SocialGraph,
    k: int,
    method: str,
    *,
    p: float | np.ndarray | None = None,
    rng: RngLike = None,
) -> np.ndarray:
    """Choose ``k`` distinct seed positions of a :class:`~smmsim.graphs.SocialGraph`.

    Parameters
    ----------
    social_graph : SocialGraph
    k : int, 0 <= k <= social_graph.n_nodes
    method : {"random", "degree", "pagerank", "kcore", "degree_discount", "imm", "celf"}
    p : float in [0, 1] or ndarray of float, shape (n_arcs,), optional
        IC probability of every arc, or one per arc. Required for
        ``degree_discount``, ``imm`` and ``celf``.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    ndarray of int64, shape (k,)
        Positions in pick order.

    Notes
    -----
    ``degree`` ranks by out-degree. ``pagerank`` runs PageRank (damping 0.85)
    on the reversed graph, so a node scores high when people who listen to
    many others listen to it. ``kcore`` uses the core number of the
    undirected simple graph. ``degree_discount`` discounts a candidate's
    degree by its already chosen neighbours: with ``t_in`` seeds pointing to
    ``v`` and ``t_out`` seeds among its ``d`` out-neighbours its score is
    ``d - t_out - t_in - t_in (d - t_out) p``, Chen et al.'s
    ``d - 2t - (d - t) t p`` on an undirected graph. With one probability per
    arc it scores ``(1 - a)(1 + b)``, where ``a`` sums the probabilities of
    arcs from seeds into ``v`` and ``b`` those of ``v``'s arcs to non-seeds
    (for a single ``p`` this is ``1 + p`` times the score above).

    References
    ----------
    Chen, W., Wang, Y., & Yang, S. (2009). Efficient influence maximization
    in social networks. KDD, 199-208.

    Kitsak, M., et al. (2010). Identification of influential spreaders in
    complex networks. Nature Physics, 6, 888-893.

    Batagelj, V., & Zaversnik, M. (2003). An O(m) algorithm for cores
    decomposition of networks. arXiv:cs/0310049.

    Brin, S., & Page, L. (1998). The anatomy of a large-scale hypertextual
    web search engine. Computer Networks and ISDN Systems, 30, 107-117.
    """
    graph = _check_social_graph(social_graph)
    method = check_choice("method", method, METHODS)
    k = _check_k(k, graph.n_nodes)
    probs = _resolve_p(graph, p, method)
    rng = as_generator(rng)
    if k == 0:
        return np.empty(0, np.int64)
    if method == "random":
        return rng.choice(graph.n_nodes, size=k, replace=False).astype(np.int64)
    if method in ("degree", "pagerank", "kcore"):
        return _heuristic_order(graph, method)[:k].astype(np.int64)
    if method == "degree_discount":
        ones = np.ones(graph.n_nodes)
        return _degree_discount(graph, probs, ones, float(k), k, use_ratio=False)
    if method == "imm":
        return _imm(graph, probs, k, None, None, IMM_EPS, 1.0, rng).seed_positions
    return _celf(graph, probs, k, None, None, CELF_N_RUNS, rng).seed_positions


def select_seed_positions_budgeted(
    social_graph: SocialGraph,
    budget: float,
    cost: float | npt.ArrayLike,
    method: str = "imm",
    *,
    p: float | np.ndarray | None = None,
    rng: RngLike = None,
) -> np.ndarray:
    """Choose seed positions whose total cost stays within ``budget``.

    Parameters
    ----------
    social_graph : SocialGraph
    budget : float >= 0
    cost : float > 0 or array_like of float > 0, shape (n_nodes,)
        Cost of seeding each node.
    method : str, default "imm"
        As in :func:`select_seed_positions`.
    p : float in [0, 1] or ndarray of float, shape (n_arcs,), optional
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    ndarray of int64
        Distinct positions in pick order; their costs, summed in that order,
        never exceed ``budget``.

    Notes
    -----
    ``random`` walks a random permutation and ``degree``, ``pagerank`` and
    ``kcore`` walk the nodes by score / cost (ties by position; the
    ``kcore`` score is the core number plus out-degree / (max out-degree + 1)
    so that degree breaks ties between equal cores), taking every
    node that still fits, so the budget is used as fully as that order allows.
    ``degree_discount`` repeatedly takes the affordable node with the largest
    estimated gain ``(1 - a)(1 + b)`` per unit cost (see
    :func:`select_seed_positions`). ``imm`` and ``celf`` run cost-effective
    greedy (largest marginal gain per unit cost among the nodes that fit) and
    also greedy started from the best affordable single node, and keep the
    better; this is at least as good as the usual "better of cost-effective
    greedy and the best single node", which is within ``(1 - 1/e) / 2`` of
    the optimum (Leskovec et al. 2007; Khuller, Moss & Naor 1999).
    """
    graph = _check_social_graph(social_graph)
    method = check_choice("method", method, METHODS)
    budget = check_nonnegative("budget", budget)
    cost = _check_cost(cost, graph.n_nodes, graph.node_ids)
    probs = _resolve_p(graph, p, method)
    rng = as_generator(rng)
    n = graph.n_nodes
    if method == "random":
        return _fill_budget(rng.permutation(n), cost, budget)
    if method in ("degree", "pagerank", "kcore"):
        score = _heuristic_score(graph, method)
        return _fill_budget(np.argsort(-(score / cost), kind="stable"), cost, budget)
    if method == "degree_discount":
        return _degree_discount(graph, probs, cost, budget, n, use_ratio=True)
    if method == "imm":
        return _imm(graph, probs, None, cost, budget, IMM_EPS, 1.0, rng).seed_positions
    return _celf(graph, probs, None, cost, budget, CELF_N_RUNS, rng).seed_positions
