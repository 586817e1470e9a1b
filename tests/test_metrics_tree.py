"""Tests for the cascade-tree metrics in smmsim.metrics (structural virality & co)."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smmsim.metrics import (
    cascade_breadth,
    cascade_depth,
    structural_virality,
    structural_virality_from_parents,
    tree_metrics_by_root,
    tree_metrics_from_parents,
)

# Derandomized by the "ci" Hypothesis profile of conftest.py; no deadline (numba compiles).
DERANDOMIZED = settings(deadline=None, max_examples=100)


def path_value(n: int) -> float:
    return (n + 1) / 3 if n > 1 else 0.0


def star_value(n: int) -> float:
    return 2 * (n - 1) / n if n > 1 else 0.0


@st.composite
def trees(draw, max_nodes: int = 40) -> nx.Graph:
    """Random labelled trees: random recursive trees and uniform (Pruefer) trees."""
    n = draw(st.integers(1, max_nodes))
    labels = draw(st.permutations(range(n)))
    if n > 2 and draw(st.booleans()):
        seq = draw(st.lists(st.integers(0, n - 1), min_size=n - 2, max_size=n - 2))
        T = nx.from_prufer_sequence(seq)
    else:
        T = nx.Graph()
        T.add_nodes_from(range(n))
        T.add_edges_from((i, draw(st.integers(0, i - 1))) for i in range(1, n))
    return nx.relabel_nodes(T, dict(enumerate(labels)))


def to_parent_arrays(T: nx.Graph, root, n_positions: int, rng):
    """Embed ``T`` (nodes 0..n-1) at random positions of a bigger graph, BFS order."""
    positions = rng.permutation(n_positions)[: T.number_of_nodes()]
    parent = np.full(n_positions, -7, dtype=np.int64)  # junk outside the cascade
    order = [positions[root]]
    parent[positions[root]] = -1
    for u, v in nx.bfs_edges(T, root):
        parent[positions[v]] = positions[u]
        order.append(positions[v])
    return parent, np.asarray(order, dtype=np.int64), positions


# -- exact values ---------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 4, 5, 10, 101])
def test_path_value_is_n_plus_1_over_3(n):
    assert structural_virality(nx.path_graph(n)) == pytest.approx((n + 1) / 3, rel=1e-12)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 10, 101])
def test_star_value_is_2_n_minus_1_over_n(n):
    assert structural_virality(nx.star_graph(n - 1)) == pytest.approx(2 * (n - 1) / n, rel=1e-12)


def test_single_node_is_zero_by_convention():
    G = nx.Graph()
    G.add_node("only")
    assert structural_virality(G) == 0.0
    assert structural_virality({"only": None}) == 0.0
    assert cascade_depth({"only": None}) == 0
    assert cascade_breadth({"only": None}) == 1


def test_two_nodes_is_one():
    assert structural_virality({"b": "a"}) == 1.0


def test_large_path_runs_in_linear_time():
    # All-pairs search would need ~10^10 steps here; the subtree-size sum is instant.
    n = 200_000
    parent = np.arange(-1, n - 1, dtype=np.int64)
    assert structural_virality_from_parents(parent, np.arange(n)) == pytest.approx((n + 1) / 3)
    mapping = {i: i - 1 for i in range(1, n)}
    assert structural_virality(mapping) == pytest.approx((n + 1) / 3)


def test_parent_mapping_root_markers_are_equivalent():
    absent = {"b": "a", "c": "a", "d": "c"}
    assert structural_virality(absent) == structural_virality({**absent, "a": None})
    numeric = {1: 0, 2: 0, 3: 2}
    assert structural_virality(numeric) == structural_virality({**numeric, 0: -1})
    assert structural_virality(numeric) == pytest.approx(10 / 6)


# -- agreement with networkx on random trees ---------------------------------------------


@DERANDOMIZED
@given(trees())
def test_matches_networkx_average_shortest_path_length(T):
    expected = nx.average_shortest_path_length(T) if len(T) > 1 else 0.0
    assert structural_virality(T) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@DERANDOMIZED
@given(trees())
def test_parent_mapping_and_digraph_give_the_graph_value(T):
    root = next(iter(T))
    mapping = {v: u for u, v in nx.bfs_edges(T, root)}
    value = structural_virality(T)
    if mapping:
        assert structural_virality(mapping) == pytest.approx(value, rel=1e-12)
    assert structural_virality(nx.bfs_tree(T, root)) == pytest.approx(value, rel=1e-12)
    # edges pointing child -> parent: still the same undirected tree
    assert structural_virality(nx.bfs_tree(T, root).reverse()) == pytest.approx(value, rel=1e-12)


@DERANDOMIZED
@given(trees(max_nodes=80))
def test_between_star_and_path_values(T):
    n = len(T)
    sv = structural_virality(T)
    assert star_value(n) - 1e-12 <= sv <= path_value(n) + 1e-12


@DERANDOMIZED
@given(trees(), st.integers(0, 2**32 - 1))
def test_array_form_matches_graph_form(T, seed):
    rng = np.random.default_rng(seed)
    root = int(rng.integers(len(T)))
    n_positions = len(T) + int(rng.integers(0, 50))
    parent, order, positions = to_parent_arrays(T, root, n_positions, rng)
    assert structural_virality_from_parents(parent, order) == pytest.approx(
        structural_virality(T), rel=1e-12, abs=1e-12
    )
    depth_of = nx.single_source_shortest_path_length(T, root)
    metrics = tree_metrics_from_parents(parent.astype(np.int32), order.astype(np.int32))
    assert metrics == {
        "size": len(T),
        "depth": max(depth_of.values()),
        "breadth": max(Counter(depth_of.values()).values()),
        "structural_virality": pytest.approx(structural_virality(T), rel=1e-12, abs=1e-12),
    }
    assert cascade_depth(T, root=root) == metrics["depth"]
    assert cascade_breadth(T, root=root) == metrics["breadth"]
    assert cascade_depth(nx.bfs_tree(T, root)) == metrics["depth"]
    assert cascade_breadth(nx.bfs_tree(T, root)) == metrics["breadth"]


@DERANDOMIZED
@given(st.lists(trees(max_nodes=15), min_size=1, max_size=5), st.integers(0, 2**32 - 1))
def test_forest_is_pair_weighted_mean_over_trees(forest, seed):
    rng = np.random.default_rng(seed)
    F = nx.disjoint_union_all(forest)
    components = [F.subgraph(c) for c in nx.connected_components(F)]
    roots = [next(iter(c)) for c in components]
    parent = np.full(len(F), -1, dtype=np.int64)
    orders = []
    for c, r in zip(components, roots, strict=True):
        orders.append([r] + [v for _, v in nx.bfs_edges(c, r)])
        for u, v in nx.bfs_edges(c, r):
            parent[v] = u
    # interleave the trees' activation orders, as several seeds spreading at once
    order, heads = [], [0] * len(orders)
    while len(order) < len(F):
        k = int(rng.integers(len(orders)))
        if heads[k] < len(orders[k]):
            order.append(orders[k][heads[k]])
            heads[k] += 1
    order = np.asarray(order)
    pairs = [len(c) * (len(c) - 1) / 2 for c in components]
    total = sum(
        p * structural_virality(nx.Graph(c)) for p, c in zip(pairs, components, strict=True)
    )
    expected = total / sum(pairs) if sum(pairs) else 0.0
    assert structural_virality_from_parents(parent, order) == pytest.approx(expected, rel=1e-12)

    by_root = tree_metrics_by_root(parent, order)
    assert list(by_root.columns) == ["root", "size", "depth", "breadth", "structural_virality"]
    assert sorted(by_root["root"]) == sorted(roots)
    assert by_root["size"].sum() == len(F)
    for row in by_root.itertuples():
        c = next(c for c in components if row.root in c)
        assert row.structural_virality == pytest.approx(structural_virality(nx.Graph(c)))
        assert row.depth == cascade_depth(nx.Graph(c), root=row.root)
        assert row.breadth == cascade_breadth(nx.Graph(c), root=row.root)

    metrics = tree_metrics_from_parents(parent, order)
    assert metrics["size"] == len(F)
    assert metrics["depth"] == by_root["depth"].max()
    # breadth counts all trees together, every seed at depth 0
    depth_of = {}
    for r, c in zip(roots, components, strict=True):
        depth_of.update(nx.single_source_shortest_path_length(c, r))
    assert metrics["breadth"] == max(Counter(depth_of.values()).values())


def test_array_form_edge_cases():
    empty = tree_metrics_from_parents(np.array([-1, 0]), np.array([], dtype=np.int64))
    assert empty == {"size": 0, "depth": 0, "breadth": 0, "structural_virality": 0.0}
    seeds_only = tree_metrics_from_parents(np.full(5, -1), np.array([4, 1, 2]))
    assert seeds_only == {"size": 3, "depth": 0, "breadth": 3, "structural_virality": 0.0}
    assert structural_virality_from_parents(np.full(5, -1), [4, 1]) == 0.0
    assert tree_metrics_by_root(np.full(3, -1), []).empty


def test_depth_and_breadth_of_a_known_tree():
    #        r
    #      / | \
    #     a  b  c
    #    / \     \
    #   d   e     f
    #             |
    #             g
    tree = {"a": "r", "b": "r", "c": "r", "d": "a", "e": "a", "f": "c", "g": "f"}
    assert cascade_depth(tree) == 3
    assert cascade_breadth(tree) == 3
    assert cascade_depth(tree, root="r") == 3
    G = nx.Graph(list(tree.items()))
    assert cascade_depth(G, root="r") == 3
    assert cascade_depth(G, root="g") == 5  # hung from a leaf, the same tree is deeper
    assert cascade_breadth(G, root="g") == 2


# -- errors --------------------------------------------------------------------------


def test_cycle_raises():
    with pytest.raises(ValueError, match="not a tree: it contains a cycle"):
        structural_virality(nx.cycle_graph(4))
    with pytest.raises(ValueError, match="self-loop at 0"):
        structural_virality(nx.Graph([(0, 0), (0, 1)]))
    with pytest.raises(ValueError, match="contains a cycle"):
        structural_virality(nx.DiGraph([(0, 1), (1, 0)]))
    with pytest.raises(ValueError, match="contains a cycle"):
        structural_virality(nx.MultiGraph([(0, 1), (0, 1)]))


def test_disconnected_raises():
    with pytest.raises(ValueError, match=r"disconnected \(only 2 of 4 nodes"):
        structural_virality(nx.Graph([(0, 1), (2, 3)]))


def test_empty_raises():
    with pytest.raises(ValueError, match="`tree` is empty"):
        structural_virality(nx.Graph())
    with pytest.raises(ValueError, match="`tree` is empty"):
        structural_virality({})


def test_mapping_with_several_roots_raises():
    with pytest.raises(ValueError, match=r"several roots \(2: 'a', 'x'\)"):
        structural_virality({"b": "a", "y": "x"})
    with pytest.raises(ValueError, match="several roots"):
        structural_virality({"a": None, "b": -1})


def test_mapping_with_cycle_raises():
    with pytest.raises(ValueError, match="every node has a parent, so it contains a cycle"):
        structural_virality({"a": "b", "b": "a"})
    with pytest.raises(ValueError, match="cycle \\(node 'c' never reaches the root 'a'"):
        structural_virality({"b": "a", "c": "d", "d": "c"})
    with pytest.raises(ValueError, match="contains a cycle"):
        structural_virality({"b": "a", "c": "c"})


def test_wrong_type_raises():
    with pytest.raises(TypeError, match="`tree` must be a networkx Graph/DiGraph or a"):
        structural_virality([(0, 1)])


def test_root_errors():
    with pytest.raises(ValueError, match="`root` is required for an undirected `tree`"):
        cascade_depth(nx.path_graph(3))
    with pytest.raises(ValueError, match="`root` 9 is not a node of `tree`"):
        cascade_depth(nx.path_graph(3), root=9)
    with pytest.raises(ValueError, match="parent -> child with exactly one root .* found 2: 0, 2"):
        cascade_breadth(nx.DiGraph([(0, 1), (2, 1)]))
    with pytest.raises(ValueError, match="`root` 'b' is not the root of `tree` \\('a'\\)"):
        cascade_depth({"b": "a"}, root="b")


def test_array_errors():
    parent = np.array([-1, 0, 1, 0])
    with pytest.raises(ValueError, match=r"`order\[1\]` = 7 is not a position of `parent`"):
        structural_virality_from_parents(parent, [0, 7])
    with pytest.raises(ValueError, match=r"each node once; position 0 repeats at order\[2\]"):
        structural_virality_from_parents(parent, [0, 1, 0])
    with pytest.raises(ValueError, match=r"`parent\[2\]` = 1 must be activated before node 2"):
        structural_virality_from_parents(parent, [0, 2, 1])
    with pytest.raises(ValueError, match=r"`parent\[1\]` = 0 must be activated before"):
        tree_metrics_from_parents(parent, [1])
    with pytest.raises(ValueError, match=r"`parent\[1\]` = 9 must be -1 \(a root\) or a position"):
        tree_metrics_by_root(np.array([-1, 9]), [0, 1])
    with pytest.raises(ValueError, match=r"`parent\[1\]` = -3 must be -1"):
        tree_metrics_from_parents(np.array([-1, -3]), [0, 1])
    with pytest.raises(TypeError, match="`order` must be a 1-D integer array; got dtype float64"):
        structural_virality_from_parents(parent, np.array([0.0, 1.0]))
    with pytest.raises(
        TypeError, match=r"`parent` must be a 1-D integer array; got shape \(2, 2\)"
    ):
        structural_virality_from_parents(np.zeros((2, 2), dtype=int), [0])


def test_the_engines_unchecked_forest_metrics_equal_the_checked_ones():
    from smmsim.engine import run_replicates
    from smmsim.metrics.trees import forest_metrics_unchecked
    from smmsim.scenario import ScenarioConfig

    cfg = ScenarioConfig.from_dict({"graph": {"n_nodes": 2000}})
    runs = run_replicates(cfg, list(range(40)))
    assert sum(len(r.sharers[0]) > 20 for r in runs) > 10  # real cascades, not just seeds
    for r in runs:
        for parent in r.tree_parent:
            expected = tree_metrics_from_parents(parent, np.arange(len(parent)))
            assert forest_metrics_unchecked(parent) == expected
