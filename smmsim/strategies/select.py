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

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp
from numba import njit

from .._rng import as_generator
from .._validation import (
    check_choice,
    check_int,
    check_nonnegative,
    check_number,
    check_positive,
    check_probability,
    check_probability_array,
)
from ..graphs import SocialGraph, edge_probabilities, from_networkx
from . import _imm_kernel

__all__ = [
    "METHODS",
    "IC_METHODS",
    "SeedSelection",
    "select_seed_nodes",
    "select_seed_positions",
    "select_seed_nodes_budgeted",
    "select_seed_positions_budgeted",
    "run_imm",
    "run_imm_budgeted",
    "run_celf",
]

METHODS = ("random", "degree", "pagerank", "kcore", "degree_discount", "imm", "celf")
"""Seeding methods understood by :func:`select_seed_nodes`."""

IC_METHODS = ("degree_discount", "imm", "celf")
"""Methods that assume an IC edge probability ``p`` (it is required for them)."""

IMM_EPS = 0.3
"""Default IMM accuracy: the guarantee is ``1 - 1/e - eps``."""

CELF_N_RUNS = 100
"""Default number of live-arc snapshots for CELF."""

PAGERANK_DAMPING = 0.85


@dataclass(frozen=True, eq=False)
class SeedSelection:
    """Seed nodes chosen by an influence-maximisation algorithm.

    Attributes
    ----------
    seed_positions : ndarray of int64
        Chosen positions in pick order.
    spread_estimate : float
        Expected IC spread of the seeds (seeds included) estimated on the
        samples the seeds were chosen from; slightly optimistic for that reason.
    n_samples : int
        RR sets (IMM) or live-arc snapshots (CELF) behind the final choice.
    lower_bound : float
        IMM's lower bound on the optimal spread (``nan`` for CELF).
    """

    seed_positions: np.ndarray
    spread_estimate: float
    n_samples: int
    lower_bound: float = float("nan")


# ---------------------------------------------------------------------------
# Public entry points: networkx graphs and labels


def select_seed_nodes(graph, k, method, *, p=None, rng=None) -> list:
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
    arrays, p = _as_arrays(graph, p)
    positions = select_seed_positions(arrays, k, method, p=p, rng=rng)
    return arrays.node_ids[positions].tolist()


def select_seed_nodes_budgeted(graph, budget, cost, method="imm", *, p=None, rng=None) -> list:
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
    arrays, p = _as_arrays(graph, p)
    cost = _cost_array(graph, arrays, cost)
    positions = select_seed_positions_budgeted(arrays, budget, cost, method, p=p, rng=rng)
    return arrays.node_ids[positions].tolist()


# ---------------------------------------------------------------------------
# Array level: SocialGraph and positions


def select_seed_positions(social_graph, k, method, *, p=None, rng=None) -> np.ndarray:
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
    social_graph, budget, cost, method="imm", *, p=None, rng=None
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


def run_imm(social_graph, k, p, *, eps=IMM_EPS, ell=1.0, rng=None) -> SeedSelection:
    """Influence maximisation by IMM reverse-influence sampling.

    Returns ``k`` seeds whose expected IC spread is at least
    ``(1 - 1/e - eps)`` times the best possible, with probability at least
    ``1 - 1/n**ell`` (Tang, Shi & Xiao 2015).

    Parameters
    ----------
    social_graph : SocialGraph
    k : int, 0 <= k <= social_graph.n_nodes
    p : float in [0, 1] or ndarray of float, shape (n_arcs,)
        IC probability of every arc, or one per arc.
    eps : float in (0, 1), default 0.3
        Accuracy; the number of RR sets grows like ``1 / eps**2``. The
        paper's experiments often use 0.5, which is about 2.5 times faster
        but measurably noisier when single-node spreads are small (on a
        3000-node Holme-Kim graph with ``p = 0.02`` and ``k = 50`` its seeds
        reached about 3 % fewer people than the top-degree ones; 0.3 closed
        most of that gap and 0.2 all of it).
    ell : float > 0, default 1
        Confidence: failure probability at most ``1 / n**ell``.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    SeedSelection

    Raises
    ------
    ValueError
        If ``k``, ``p``, ``eps`` or ``ell`` is out of range.

    Notes
    -----
    A reverse-reachable (RR) set is the set of nodes that reach a uniformly
    random root in one random live-arc graph; a seed set hits it with
    probability ``sigma(S) / n``. IMM first grows the number of RR sets,
    halving a guess ``x`` of the optimum until greedy coverage confirms it,
    which gives a lower bound ``LB`` on the optimal spread; it then takes
    ``theta = lambda* / LB`` RR sets and returns greedy maximum coverage on
    them. Two details differ from the paper's pseudo-code: the final
    ``theta`` RR sets are drawn afresh rather than reusing the first phase's
    (Chen 2018 showed the reuse breaks the martingale argument), and ``LB``
    is at least ``k``, since ``k`` seeds always reach themselves.
    RR sets are sampled by a compiled breadth-first search over the in-arcs;
    with one ``p`` for all arcs, failed arcs are skipped with geometric jumps.

    References
    ----------
    Tang, Y., Shi, Y., & Xiao, X. (2015). Influence maximization in
    near-linear time: a martingale approach. SIGMOD, 1539-1552.

    Borgs, C., Brautbar, M., Chayes, J., & Lucier, B. (2014). Maximizing
    social influence in nearly optimal time. SODA, 946-957.

    Chen, W. (2018). An issue in the martingale analysis of the influence
    maximization algorithm IMM. CSoNet, 286-297.

    Examples
    --------
    >>> import networkx as nx
    >>> from smmsim.graphs import from_networkx
    >>> g = from_networkx(nx.star_graph(20), rng=0)
    >>> res = run_imm(g, 1, 0.5, rng=0)
    >>> res.seed_positions.tolist(), bool(8 < res.spread_estimate < 14)
    ([0], True)
    """
    graph = _check_social_graph(social_graph)
    k = _check_k(k, graph.n_nodes)
    probs = _resolve_p(graph, p, "imm")
    eps, ell = _check_eps_ell(eps, ell)
    rng = as_generator(rng)
    return _imm(graph, probs, k, None, None, eps, ell, rng)


def run_imm_budgeted(
    social_graph, budget, cost, p, *, eps=IMM_EPS, ell=1.0, rng=None
) -> SeedSelection:
    """IMM under a budget: cost-effective greedy on RR-set coverage.

    Parameters
    ----------
    social_graph : SocialGraph
    budget : float >= 0
    cost : float > 0 or array_like of float > 0, shape (n_nodes,)
    p : float in [0, 1] or ndarray of float, shape (n_arcs,)
    eps : float in (0, 1), default 0.3
    ell : float > 0, default 1
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    SeedSelection
        The summed cost of ``seed_positions`` never exceeds ``budget``.

    Notes
    -----
    The number of RR sets follows IMM with ``k`` set to the largest number of
    nodes the budget can buy (the cheapest ones), which is conservative. Node
    selection is the better of cost-effective greedy and greedy started from
    the best affordable single node (see :func:`select_seed_positions_budgeted`),
    so the guarantee is the budgeted one, about ``(1 - 1/e) / 2`` rather
    than ``1 - 1/e``, less the sampling error ``eps``.

    Examples
    --------
    >>> import networkx as nx
    >>> from smmsim.graphs import from_networkx

    The hub costs twice as much as a leaf. Per unit cost a leaf looks better
    (about 6.25 people reached per unit against 5.5), but two leaves reach
    only about 9.5 people and the hub alone about 11:

    >>> g = from_networkx(nx.star_graph(20), rng=0)
    >>> cost = [2.0] + [1.0] * 20
    >>> run_imm_budgeted(g, 2.0, cost, 0.5, rng=0).seed_positions.tolist()
    [0]
    """
    graph = _check_social_graph(social_graph)
    budget = check_nonnegative("budget", budget)
    cost = _check_cost(cost, graph.n_nodes, graph.node_ids)
    probs = _resolve_p(graph, p, "imm")
    eps, ell = _check_eps_ell(eps, ell)
    rng = as_generator(rng)
    return _imm(graph, probs, None, cost, budget, eps, ell, rng)


def run_celf(social_graph, k, p, *, n_runs=CELF_N_RUNS, rng=None) -> SeedSelection:
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


# ---------------------------------------------------------------------------
# Validation and conversion


def _as_arrays(graph, p):
    if isinstance(graph, SocialGraph):
        return graph, p
    if not isinstance(graph, nx.Graph):
        raise TypeError(
            "`graph` must be a networkx Graph or DiGraph, or a SocialGraph; "
            f"got {type(graph).__name__}."
        )
    arrays = from_networkx(graph, attributes=False)  # the structure only
    if isinstance(p, str):
        p = edge_probabilities(graph, arrays, p)
    return arrays, p


def _check_social_graph(graph):
    if not isinstance(graph, SocialGraph):
        raise TypeError(f"`social_graph` must be a SocialGraph; got {type(graph).__name__}.")
    return graph


def _check_k(k, n):
    k = check_int("k", k, minimum=0)
    if k > n:
        raise ValueError(f"`k` must be <= the number of nodes ({n}); got {k}.")
    return k


def _check_eps_ell(eps, ell):
    eps = check_number("eps", eps)
    if not 0.0 < eps < 1.0:
        raise ValueError(f"`eps` must be in (0, 1); got {eps!r}.")
    return eps, check_positive("ell", ell)


def _resolve_p(graph, p, method):
    # Returns None (unused), a float (one probability for every arc) or an
    # ndarray with one probability per arc.
    if p is None:
        if method in IC_METHODS:
            raise ValueError(
                f"`p` is required for method {method!r} (the IC edge probability "
                "it assumes); got None."
            )
        return None
    if isinstance(p, str):
        raise TypeError(
            "`p` must be a number or an array of per-arc probabilities for a "
            f"SocialGraph (edge-attribute names need a networkx graph); got {p!r}."
        )
    if np.ndim(p) == 0:
        return check_probability("p", p)
    probs = np.asarray(p, dtype=np.float64)
    if probs.shape != (graph.n_arcs,):
        raise ValueError(
            f"`p` must be a number or have one entry per arc ({graph.n_arcs}); "
            f"got shape {probs.shape}."
        )
    check_probability_array("p", probs)
    if len(probs) == 0:
        return 0.0
    if np.all(probs == probs[0]):
        return float(probs[0])
    return probs


def _check_cost(cost, n, labels):
    if np.ndim(cost) == 0:
        value = check_positive("cost", cost.item() if isinstance(cost, np.ndarray) else cost)
        return np.full(n, value)
    try:
        values = np.asarray(cost, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"`cost` must hold numbers; got {type(cost).__name__} {cost!r}.") from None
    if values.shape != (n,):
        raise ValueError(
            f"`cost` must be a number or have one entry per node ({n}); got shape {values.shape}."
        )
    bad = ~(np.isfinite(values) & (values > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        label = labels[i : i + 1].tolist()[0] if isinstance(labels, np.ndarray) else labels[i]
        raise ValueError(
            f"`cost` must be finite and > 0 for every node; got {float(values[i])!r} "
            f"for node {label!r}."
        )
    return values


def _cost_array(graph, arrays, cost):
    # Turn a mapping, callable or node-attribute name into an array in node order.
    labels = arrays.node_ids.tolist()
    if isinstance(cost, str):
        if not isinstance(graph, nx.Graph):
            raise TypeError(
                f"`cost` as a node-attribute name needs a networkx graph; got {cost!r}."
            )
        values = []
        for v in labels:
            if cost not in graph.nodes[v]:
                raise ValueError(f"node {v!r} has no attribute `cost`={cost!r}.")
            values.append(graph.nodes[v][cost])
        cost = values
    elif isinstance(cost, Mapping):
        values = []
        for v in labels:
            if v not in cost:
                raise ValueError(f"`cost` has no entry for node {v!r}.")
            values.append(cost[v])
        cost = values
    elif callable(cost):
        cost = [cost(v) for v in labels]
    return _check_cost(cost, len(labels), labels)


def _fill_budget(order, cost, budget):
    picks = []
    spent = 0.0
    for v in order.tolist():
        c = float(cost[v])
        if spent + c <= budget:
            picks.append(v)
            spent += c
    return np.asarray(picks, dtype=np.int64)


def _affordable_count(cost, budget):
    # Largest number of nodes the budget can buy: the cheapest ones first.
    return int(np.searchsorted(np.cumsum(np.sort(cost)), budget, side="right"))


# ---------------------------------------------------------------------------
# Heuristics


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


# ---------------------------------------------------------------------------
# IMM


def _imm(graph, probs, k, cost, budget, eps, ell, rng):
    # k given: unit costs and budget k. cost given: budgeted, k unknown.
    n = graph.n_nodes
    budgeted = cost is not None
    if not budgeted:
        cost = np.ones(n)
        budget = float(k)
        max_picks = size = k
    else:
        max_picks = n
        size = _affordable_count(cost, budget)
    if size == 0:
        return SeedSelection(np.empty(0, np.int64), 0.0, 0, 0.0)
    if n == 1:
        return SeedSelection(np.zeros(1, np.int64), 1.0, 0, 1.0)

    if np.ndim(probs) == 0:
        in_indptr, in_src, _ = _imm_kernel.reverse_csr(graph.indptr, graph.indices)

        def sample(n_sets):
            return _imm_kernel.sample_rr_uniform(in_indptr, in_src, float(probs), n_sets, rng)[:2]
    else:
        in_indptr, in_src, in_p = _imm_kernel.reverse_csr(graph.indptr, graph.indices, probs)

        def sample(n_sets):
            return _imm_kernel.sample_rr_per_arc(in_indptr, in_src, in_p, n_sets, rng)[:2]

    def select(rr_nodes, rr_ptr):
        inv_ptr, inv_sets = _imm_kernel.invert_rr(rr_nodes, rr_ptr, n)
        args = (rr_nodes, rr_ptr, inv_ptr, inv_sets, cost, budget, max_picks)
        picks, covered = _imm_kernel.greedy_cover(*args, -1)
        if budgeted:
            hits = np.where(cost <= budget, np.diff(inv_ptr), -1)
            single = int(np.argmax(hits))
            if hits[single] >= 0 and (len(picks) == 0 or picks[0] != single):
                picks2, covered2 = _imm_kernel.greedy_cover(*args, single)
                if covered2 > covered:
                    picks, covered = picks2, covered2
        return picks, covered

    log_n = math.log(n)
    ell = ell * (1.0 + math.log(2.0) / log_n)
    log_binom = math.lgamma(n + 1) - math.lgamma(size + 1) - math.lgamma(n - size + 1)
    e_1 = 1.0 - 1.0 / math.e

    # Phase 1 (sampling): find a lower bound LB on the optimal spread.
    eps1 = math.sqrt(2.0) * eps
    lam1 = (2.0 + 2.0 * eps1 / 3.0) * (log_binom + ell * log_n + math.log(math.log2(n)))
    lam1 *= n / eps1**2
    rr_nodes = np.empty(0, np.int32)
    rr_ptr = np.zeros(1, np.int64)
    lower = 1.0
    for i in range(1, int(math.log2(n))):
        x = n / 2.0**i
        missing = math.ceil(lam1 / x) - (len(rr_ptr) - 1)
        if missing > 0:
            new_nodes, new_ptr = sample(missing)
            rr_nodes = np.concatenate([rr_nodes, new_nodes])
            rr_ptr = np.concatenate([rr_ptr, new_ptr[1:] + rr_ptr[-1]])
        _, covered = select(rr_nodes, rr_ptr)
        estimate = n * covered / (len(rr_ptr) - 1)
        if estimate >= (1.0 + eps1) * x:
            lower = estimate / (1.0 + eps1)
            break
    lower = max(lower, float(size))  # `size` seeds always reach themselves

    # Phase 2 (node selection) on fresh RR sets (Chen 2018).
    alpha = math.sqrt(ell * log_n + math.log(2.0))
    beta = math.sqrt(e_1 * (log_binom + ell * log_n + math.log(2.0)))
    lam_star = 2.0 * n * (e_1 * alpha + beta) ** 2 / eps**2
    theta = math.ceil(lam_star / lower)
    rr_nodes, rr_ptr = sample(theta)
    picks, covered = select(rr_nodes, rr_ptr)
    return SeedSelection(picks.astype(np.int64), n * covered / theta, theta, lower)


# ---------------------------------------------------------------------------
# CELF on live-arc snapshots


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

    def greedy(first):
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
