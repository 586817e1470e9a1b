"""Input handling of the classic models: graphs as CSR arrays, seed nodes as
positions, per-arc probabilities and weights from numbers or edge attributes."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeAlias, cast

import networkx as nx
import numpy as np

from .._validation import (
    check_probability,
    check_probability_array,
)
from ..graphs import GraphLike, NodeLabels, SocialGraph, from_networkx

ArcValues: TypeAlias = "float | str | np.ndarray | Sequence[float]"
"""One value for every arc, an edge attribute name (networkx graphs) or one value per arc."""


def _as_arrays(graph: GraphLike) -> tuple[SocialGraph, nx.Graph | None]:
    """Return the graph as a SocialGraph, plus the networkx graph it came from (or None)."""
    if isinstance(graph, SocialGraph):
        return graph, None
    if isinstance(graph, nx.Graph):
        if graph.number_of_nodes() == 0:
            raise ValueError("`graph` is empty: it has no nodes.")
        # The structure only: no trust draw (unused here, and the caller's
        # generator must not be advanced by the conversion).
        return from_networkx(graph, attributes=False), graph
    raise TypeError(
        f"`graph` must be a networkx Graph or DiGraph or a SocialGraph; got {type(graph).__name__}."
    )


def _is_node(arrays: SocialGraph, label: Hashable) -> bool:
    try:
        arrays.index_of([label])
    except ValueError:
        return False
    return True


def _seed_order(arrays: SocialGraph, seed_nodes: NodeLabels | None) -> np.ndarray:
    """Positions of ``seed_nodes`` in the order given (repeats kept; a set's in graph order).

    ``seed_nodes`` is one label (a str, bytes, a non-iterable, or any label
    that is itself a node, such as a tuple) or an iterable of labels.
    """
    if seed_nodes is None:
        return np.zeros(0, np.int32)
    if isinstance(seed_nodes, np.ndarray) and seed_nodes.ndim == 0:
        seed_nodes = seed_nodes.item()
    if (
        isinstance(seed_nodes, (str, bytes))
        or not hasattr(seed_nodes, "__iter__")
        or (isinstance(seed_nodes, Hashable) and _is_node(arrays, seed_nodes))
    ):
        return arrays.index_of([seed_nodes], field_name="seed_nodes")
    labels = list(cast(Iterable[Hashable], seed_nodes))  # has __iter__ and is not one node
    positions = arrays.index_of(labels, field_name="seed_nodes")
    if isinstance(seed_nodes, (set, frozenset)):
        # A set has no order (and a set of str iterates in a different order
        # in every process): take its seeds in graph order.
        positions.sort()
    return positions


def _seed_positions(arrays: SocialGraph, seed_nodes: NodeLabels | None) -> np.ndarray:
    """Distinct array positions of ``seed_nodes`` (one label or an iterable of labels), sorted."""
    return np.unique(_seed_order(arrays, seed_nodes))


def _edge_attribute(
    G: nx.Graph, arrays: SocialGraph, attr: str, missing: Callable[[Any, Any], Exception]
) -> list:
    """Edge attribute ``attr`` of every arc of ``arrays`` (built from ``G``), in CSR order.

    Parallel edges of a multigraph keep their own values (their arcs have the
    same ends, so which of them gets which value does not matter).
    ``missing(u, v)`` returns the exception to raise for an edge without it.
    """
    pos = {label: i for i, label in enumerate(arrays.node_ids.tolist())}
    by_arc: dict[tuple[int, int], list] = {}
    for u, v, data in G.edges(data=True):
        if attr not in data:
            raise missing(u, v)
        value = data[attr]
        by_arc.setdefault((pos[u], pos[v]), []).append(value)
        if not G.is_directed():
            by_arc.setdefault((pos[v], pos[u]), []).append(value)
    values = {arc: iter(vals) for arc, vals in by_arc.items()}
    src = np.repeat(np.arange(arrays.n_nodes), arrays.out_degree)
    return [next(values[arc]) for arc in zip(src.tolist(), arrays.indices.tolist(), strict=True)]


def _as_floats(name: str, attr: str, raw: list) -> np.ndarray:
    try:
        return np.array(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"`{name}` edge attribute {attr!r} must hold numbers; got {raw[:3]!r}..."
        ) from None


def _ic_probabilities(p: ArcValues, arrays: SocialGraph, G: nx.Graph | None) -> float | np.ndarray:
    """IC probabilities: one float for every arc, or an array with one per arc."""
    if isinstance(p, str):
        if G is None:
            raise TypeError(
                f"`p` may name an edge attribute only for a networkx graph; "
                f"got {p!r} with a SocialGraph."
            )

        def missing(u, v):
            return ValueError(f"edge ({u!r}, {v!r}) has no attribute `p`={p!r}.")

        raw = _edge_attribute(G, arrays, p, missing)
        return check_probability_array(f"p (edge attribute {p!r})", _as_floats("p", p, raw))
    if isinstance(p, np.ndarray) and p.ndim == 0:
        p = p.item()
    if isinstance(p, (np.ndarray, list, tuple)):
        return _per_arc_array("p", p, arrays, G)
    return check_probability("p", p)


def _per_arc_array(
    name: str, value: ArcValues, arrays: SocialGraph, G: nx.Graph | None
) -> np.ndarray:
    """``value`` (an array or list, one entry per arc in CSR order) checked, as a float copy.

    Needs a SocialGraph: a networkx graph has no arc order a user could follow.
    """
    if G is not None:
        raise TypeError(
            f"`{name}` as an array needs a SocialGraph (one entry per arc); for a networkx "
            f"graph pass a number or an edge attribute name; got {type(value).__name__}."
        )
    try:
        values = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must hold numbers; got {value!r}.") from None
    if values.shape != (arrays.n_arcs,):
        raise ValueError(
            f"`{name}` must have one entry per arc ({arrays.n_arcs}); got shape {values.shape}."
        )
    return check_probability_array(name, values)


def _arc_values(name: str, value: ArcValues, arrays: SocialGraph, G: nx.Graph | None) -> np.ndarray:
    """One float per arc of ``arrays`` from a number, an edge attribute name or an array.

    Every value must lie in [0, 1]. An attribute name needs the networkx graph
    ``G``; an array (one entry per arc, in CSR order) needs a SocialGraph.
    """
    if isinstance(value, str):
        if G is None:
            raise TypeError(
                f"`{name}` may name an edge attribute only for a networkx graph; "
                f"got {value!r} with a SocialGraph."
            )

        def missing(u, v):
            return ValueError(
                f"`{name}` names edge attribute {value!r}, which edge ({u!r}, {v!r}) lacks."
            )

        values = _as_floats(name, value, _edge_attribute(G, arrays, value, missing))
        return check_probability_array(f"{name} (edge attribute {value!r})", values)
    if isinstance(value, (np.ndarray, list, tuple)):
        return _per_arc_array(name, value, arrays, G)
    return np.full(arrays.n_arcs, check_probability(name, value))


# ---------------------------------------------------------------------------
# Independent cascade on labelled graphs


def _prepare(
    graph: GraphLike, seed_nodes: NodeLabels, p: ArcValues
) -> tuple[SocialGraph, np.ndarray, float | np.ndarray]:
    arrays, G = _as_arrays(graph)
    seeds = _seed_order(arrays, seed_nodes)
    return arrays, seeds, _ic_probabilities(p, arrays, G)
