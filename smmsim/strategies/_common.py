"""What every seeding method shares: :class:`SeedSelection` and the checks of
graphs, k, probabilities, costs and budgets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np

from .._validation import (
    check_int,
    check_number,
    check_positive,
    check_probability,
    check_probability_array,
)
from ..graphs import SocialGraph, edge_probabilities, from_networkx

METHODS = ("random", "degree", "pagerank", "kcore", "degree_discount", "imm", "celf")
"""Seeding methods understood by :func:`smmsim.strategies.select_seed_nodes`."""

IC_METHODS = ("degree_discount", "imm", "celf")
"""Methods that assume an IC edge probability ``p`` (it is required for them)."""


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
