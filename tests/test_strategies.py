"""Tests for smmsim.strategies: seeding heuristics, IMM, CELF and budgets."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from smmsim.classic import independent_cascade, run_independent_cascade
from smmsim.graphs import GraphConfig, build_graph, from_networkx
from smmsim.strategies import (
    METHODS,
    _imm_kernel,
    run_celf,
    run_imm,
    run_imm_budgeted,
    select_seed_nodes,
    select_seed_nodes_budgeted,
    select_seed_positions,
    select_seed_positions_budgeted,
)

N_EVAL_RUNS = 2000  # IC runs per spread estimate: standard error about 0.4 % of the mean
TOL = 0.03  # "at least as good" means within 3 %, about 7 standard errors


@pytest.fixture(scope="module")
def hk_graph():
    """Clustered, heavy-tailed graph (Holme-Kim, 3000 people, 10 broadcasters)."""
    return build_graph(GraphConfig(model="holme_kim", n_nodes=3000), rng=2024).to_networkx()


@pytest.fixture(scope="module")
def hk_arrays(hk_graph):
    return from_networkx(hk_graph, rng=0)


def mean_spread(graph, seed_nodes, p):
    return independent_cascade(graph, seed_nodes, p, n_runs=N_EVAL_RUNS, rng=11).mean()


def small_graph(n, edge_prob, seed, directed):
    return nx.gnp_random_graph(n, edge_prob, seed=seed, directed=directed)


# ---------------------------------------------------------------------------
# Quality of the seeds, measured by IC spread


@pytest.fixture(scope="module")
def spreads_p05(hk_graph):
    p = 0.05
    return {
        method: mean_spread(hk_graph, select_seed_nodes(hk_graph, 10, method, p=p, rng=5), p)
        for method in METHODS
    }


def test_degree_beats_random(spreads_p05):
    # Measured: random ~31, degree ~186.
    assert spreads_p05["degree"] > 3 * spreads_p05["random"]


@pytest.mark.parametrize("method", ["pagerank", "kcore", "degree_discount", "imm", "celf"])
def test_methods_match_or_beat_degree(spreads_p05, method):
    # Measured: degree ~186, pagerank ~186, kcore ~186, degree_discount ~188,
    # imm ~189, celf ~192.
    assert spreads_p05[method] >= (1 - TOL) * spreads_p05["degree"]
    assert spreads_p05[method] > 3 * spreads_p05["random"]


@pytest.mark.slow
def test_greedy_beats_degree_where_hubs_overlap(hk_graph):
    # At p = 0.1 the cascade is large and the top hubs reach the same people,
    # so greedy seeds (IMM, CELF) beat the degree ranking clearly.
    # Measured: degree ~779, degree_discount ~802, imm ~818-831, celf ~832.
    p = 0.1
    degree = mean_spread(hk_graph, select_seed_nodes(hk_graph, 10, "degree"), p)
    imm = mean_spread(hk_graph, select_seed_nodes(hk_graph, 10, "imm", p=p, rng=1), p)
    discount = mean_spread(hk_graph, select_seed_nodes(hk_graph, 10, "degree_discount", p=p), p)
    assert imm > 1.02 * degree
    assert discount >= degree


def test_budgeted_imm_beats_budgeted_heuristics(hk_graph):
    # Influencers charge by audience: cost = 1 + out-degree / 10.
    # Measured (budget 20, p = 0.05): random ~34, degree ~37, pagerank ~39,
    # kcore ~43, degree_discount ~43, imm ~63.
    p, budget = 0.05, 20.0
    cost = {v: 1.0 + d / 10 for v, d in hk_graph.out_degree()}
    spread = {}
    for method in ("random", "degree", "imm"):
        seeds = select_seed_nodes_budgeted(hk_graph, budget, cost, method, p=p, rng=5)
        assert sum(cost[v] for v in seeds) <= budget
        spread[method] = mean_spread(hk_graph, seeds, p)
    assert spread["imm"] > 1.2 * max(spread["random"], spread["degree"])


# ---------------------------------------------------------------------------
# Shape of the answer


@pytest.mark.parametrize("method", METHODS)
def test_k_distinct_nodes_of_the_graph(hk_graph, method):
    seeds = select_seed_nodes(hk_graph, 25, method, p=0.05, rng=3)
    assert len(seeds) == 25
    assert len(set(seeds)) == 25
    assert all(v in hk_graph for v in seeds)


@pytest.mark.parametrize("method", METHODS)
def test_labels_are_returned_as_in_the_graph(method):
    G = nx.relabel_nodes(nx.karate_club_graph(), lambda v: f"member-{v}")
    seeds = select_seed_nodes(G, 3, method, p=0.1, rng=0)
    assert all(isinstance(v, str) and v in G for v in seeds)
    assert len(set(seeds)) == 3


@pytest.mark.parametrize("method", ["random", "imm", "celf"])
def test_same_rng_gives_same_seeds(hk_graph, method):
    first = select_seed_nodes(hk_graph, 10, method, p=0.05, rng=42)
    again = select_seed_nodes(hk_graph, 10, method, p=0.05, rng=np.random.SeedSequence(42))
    assert first == again


def test_different_rng_gives_different_random_seeds(hk_graph):
    assert select_seed_nodes(hk_graph, 10, "random", rng=1) != select_seed_nodes(
        hk_graph, 10, "random", rng=2
    )


@pytest.mark.parametrize("method", METHODS)
def test_k_zero_and_k_all(method):
    G = nx.path_graph(6)
    assert select_seed_nodes(G, 0, method, p=0.3, rng=0) == []
    assert sorted(select_seed_nodes(G, 6, method, p=0.3, rng=0)) == list(range(6))


@pytest.mark.parametrize("method", ["degree", "pagerank", "kcore", "degree_discount"])
def test_heuristic_ties_follow_node_order(method):
    G = nx.empty_graph(["c", "a", "d", "b"])
    assert select_seed_nodes(G, 3, method, p=0.2) == ["c", "a", "d"]


@settings(derandomize=True, deadline=None, max_examples=40)
@given(
    n=hst.integers(1, 25),
    edge_prob=hst.floats(0.0, 0.4),
    directed=hst.booleans(),
    graph_seed=hst.integers(0, 10_000),
    method=hst.sampled_from(METHODS),
    p=hst.floats(0.0, 1.0),
    data=hst.data(),
)
def test_any_valid_k_gives_k_distinct_nodes(n, edge_prob, directed, graph_seed, method, p, data):
    G = small_graph(n, edge_prob, graph_seed, directed)
    k = data.draw(hst.integers(0, n), label="k")
    seeds = select_seed_nodes(G, k, method, p=p, rng=graph_seed)
    assert len(seeds) == k
    assert len(set(seeds)) == k
    assert set(seeds) <= set(G)


# ---------------------------------------------------------------------------
# Each heuristic against an independent reference


def test_degree_ranks_by_out_degree(hk_graph):
    seeds = select_seed_nodes(hk_graph, 20, "degree")
    nodes = list(hk_graph)
    expected = sorted(nodes, key=lambda v: (-hk_graph.out_degree(v), nodes.index(v)))[:20]
    assert seeds == expected


def test_kcore_uses_the_core_number(hk_graph):
    undirected = nx.Graph(hk_graph.to_undirected())
    undirected.remove_edges_from(nx.selfloop_edges(undirected))
    core = nx.core_number(undirected)
    seeds = select_seed_nodes(hk_graph, 30, "kcore")
    top = max(core.values())
    assert all(core[v] == top for v in seeds)
    degrees = [hk_graph.out_degree(v) for v in seeds]
    assert degrees == sorted(degrees, reverse=True)


def test_pagerank_matches_networkx_on_reversed_graph(hk_graph):
    rank = nx.pagerank(hk_graph.reverse(copy=True), alpha=0.85, tol=1e-12)
    expected = sorted(rank, key=rank.get, reverse=True)[:10]
    assert set(select_seed_nodes(hk_graph, 10, "pagerank")) == set(expected)


def _chen_degree_discount(G, k, p):
    # Straight transcription of DegreeDiscountIC (Chen, Wang & Yang 2009).
    nodes = list(G)
    order = {v: i for i, v in enumerate(nodes)}
    degree = dict(G.degree())
    discount = dict(degree)
    chosen = {v: 0 for v in G}
    seeds = []
    for _ in range(k):
        u = max((v for v in nodes if v not in seeds), key=lambda v: (discount[v], -order[v]))
        seeds.append(u)
        for v in G[u]:
            if v not in seeds:
                chosen[v] += 1
                t = chosen[v]
                discount[v] = degree[v] - 2 * t - (degree[v] - t) * t * p
    return seeds


@pytest.mark.parametrize("p", [0.01, 0.1])
def test_degree_discount_matches_chen_et_al(p):
    G = nx.powerlaw_cluster_graph(400, 3, 0.4, seed=7)
    assert select_seed_nodes(G, 30, "degree_discount", p=p) == _chen_degree_discount(G, 30, p)


# ---------------------------------------------------------------------------
# IMM and RR sets


def test_imm_finds_the_hub_of_a_star():
    res = run_imm(from_networkx(nx.star_graph(30), rng=0), 1, 0.3, rng=0)
    assert res.seed_positions.tolist() == [0]
    assert 1 + 30 * 0.3 * 0.7 < res.spread_estimate < 1 + 30 * 0.3 * 1.3
    assert res.n_samples > 0 and res.lower_bound >= 1


@pytest.mark.parametrize("per_arc", [False, True])
def test_rr_sets_estimate_spread_without_bias(hk_arrays, per_arc):
    # For seeds fixed in advance, n * (fraction of RR sets hit) is unbiased.
    graph, p = hk_arrays, 0.05
    seeds = select_seed_positions(graph, 5, "degree")
    probs = np.full(graph.n_arcs, p)
    in_indptr, in_src, in_p = _imm_kernel.reverse_csr(graph.indptr, graph.indices, probs)
    rng = np.random.default_rng(8)
    n_sets = 200_000
    if per_arc:
        rr_nodes, rr_ptr, _ = _imm_kernel.sample_rr_per_arc(in_indptr, in_src, in_p, n_sets, rng)
    else:
        rr_nodes, rr_ptr, _ = _imm_kernel.sample_rr_uniform(in_indptr, in_src, p, n_sets, rng)
    is_seed = np.zeros(graph.n_nodes, bool)
    is_seed[seeds] = True
    set_id = np.repeat(np.arange(n_sets), np.diff(rr_ptr))
    hit = np.zeros(n_sets, bool)
    hit[set_id[is_seed[rr_nodes]]] = True
    estimate = graph.n_nodes * hit.mean()
    truth = run_independent_cascade(graph, seeds, p, n_runs=20_000, rng=9).sizes.mean()
    # Standard error of the RR estimate is about n * sqrt(q (1 - q) / n_sets) ~ 0.8.
    assert abs(estimate - truth) < 4.0


def test_edge_attribute_probability_equal_to_a_float(hk_graph):
    G = hk_graph.copy()
    nx.set_edge_attributes(G, 0.05, "prob")
    by_name = select_seed_nodes(G, 5, "imm", p="prob", rng=3)
    assert by_name == select_seed_nodes(G, 5, "imm", p=0.05, rng=3)


@pytest.mark.parametrize("method", ["imm", "degree_discount", "celf"])
def test_per_edge_probabilities_steer_the_choice(method):
    # A big star whose ties never carry anything, and a small one whose ties do.
    G = nx.disjoint_union(nx.star_graph(30), nx.star_graph(10))
    for u, v in G.edges:
        G.edges[u, v]["prob"] = 0.0 if u < 31 and v < 31 else 0.9
    assert select_seed_nodes(G, 1, method, p="prob", rng=0) == [31]
    assert select_seed_nodes(G, 1, "degree") == [0]


def test_imm_options_change_the_sample_size(hk_arrays):
    loose = run_imm(hk_arrays, 10, 0.05, eps=0.5, rng=0)
    tight = run_imm(hk_arrays, 10, 0.05, eps=0.2, ell=2.0, rng=0)
    assert tight.n_samples > 4 * loose.n_samples


def test_celf_picks_the_root_of_a_path():
    g = from_networkx(nx.path_graph(8, create_using=nx.DiGraph), rng=0)
    res = run_celf(g, 1, 1.0, n_runs=3, rng=0)
    assert res.seed_positions.tolist() == [0]
    assert res.spread_estimate == 8.0


# ---------------------------------------------------------------------------
# Budgets


@pytest.mark.parametrize("method", METHODS)
def test_budget_is_never_exceeded(hk_graph, method):
    rng = np.random.default_rng(4)
    cost = rng.uniform(0.5, 5.0, size=hk_graph.number_of_nodes())
    position = {v: i for i, v in enumerate(hk_graph)}
    seeds = select_seed_nodes_budgeted(hk_graph, 30.0, cost, method, p=0.05, rng=1)
    assert len(set(seeds)) == len(seeds) > 0
    assert sum(cost[position[v]] for v in seeds) <= 30.0


@settings(derandomize=True, deadline=None, max_examples=40)
@given(
    n=hst.integers(1, 20),
    graph_seed=hst.integers(0, 10_000),
    method=hst.sampled_from(METHODS),
    budget=hst.floats(0.0, 20.0),
    costs=hst.lists(hst.floats(0.01, 10.0), min_size=20, max_size=20),
)
def test_budget_invariant_for_any_costs(n, graph_seed, method, budget, costs):
    G = small_graph(n, 0.2, graph_seed, directed=True)
    cost = costs[:n]
    seeds = select_seed_nodes_budgeted(G, budget, cost, method, p=0.2, rng=graph_seed)
    assert len(set(seeds)) == len(seeds)
    total = 0.0
    for v in seeds:  # summed in pick order, as the selection does
        total += cost[v]
    assert total <= budget
    # Every method keeps buying while anything still fits.
    left = [cost[v] for v in G if v not in seeds]
    assert not left or total + min(left) > budget


def test_budgeted_unit_costs_match_top_k():
    G = nx.powerlaw_cluster_graph(300, 2, 0.3, seed=1)
    for method in ("degree", "pagerank", "kcore", "degree_discount"):
        top = select_seed_nodes(G, 7, method, p=0.1)
        assert select_seed_nodes_budgeted(G, 7.0, 1.0, method, p=0.1) == top


def test_best_single_node_rule():
    # Per unit cost a leaf looks better (6.25 vs 5.5), but the hub alone
    # reaches ~11 people and two leaves ~9.5.
    g = from_networkx(nx.star_graph(20), rng=0)
    cost = [2.0] + [1.0] * 20
    res = run_imm_budgeted(g, 2.0, cost, 0.5, rng=0)
    assert res.seed_positions.tolist() == [0]


def test_cost_forms_agree():
    G = nx.karate_club_graph()
    nx.set_node_attributes(G, {v: 1.0 + (v % 3) for v in G}, "price")
    as_array = [1.0 + (v % 3) for v in G]
    forms = [as_array, np.array(as_array), {v: 1.0 + (v % 3) for v in G}, lambda v: 1.0 + v % 3]
    expected = select_seed_nodes_budgeted(G, 6.0, "price", "degree")
    for cost in forms:
        assert select_seed_nodes_budgeted(G, 6.0, cost, "degree") == expected


def test_zero_budget_gives_no_seeds(hk_arrays):
    for method in METHODS:
        assert len(select_seed_positions_budgeted(hk_arrays, 0.0, 1.0, method, p=0.1)) == 0


# ---------------------------------------------------------------------------
# Validation: every message names the field and shows the value


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"k": 3, "method": "loudest"}, r"`method` must be one of .*got 'loudest'"),
        ({"k": -1, "method": "degree"}, r"`k` must be an int >= 0; got -1"),
        ({"k": 11, "method": "degree"}, r"`k` must be <= the number of nodes \(10\); got 11"),
        ({"k": 2, "method": "imm", "p": 1.5}, r"`p` must be in \[0, 1\]; got 1.5"),
        ({"k": 2, "method": "degree", "p": -0.1}, r"`p` must be in \[0, 1\]; got -0.1"),
        ({"k": 2, "method": "imm"}, r"`p` is required for method 'imm'.*got None"),
        (
            {"k": 2, "method": "degree_discount"},
            r"`p` is required for method 'degree_discount'.*got None",
        ),
        ({"k": 2, "method": "celf"}, r"`p` is required for method 'celf'.*got None"),
        ({"k": 2, "method": "imm", "p": "prob"}, r"has no attribute `p`='prob'"),
    ],
)
def test_select_seed_nodes_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        select_seed_nodes(nx.path_graph(10), **kwargs)


def test_type_errors():
    with pytest.raises(TypeError, match=r"`graph` must be a networkx Graph .*got list"):
        select_seed_nodes([1, 2], 1, "degree")
    with pytest.raises(TypeError, match=r"`k` must be an int; got float 2.0"):
        select_seed_nodes(nx.path_graph(3), 2.0, "degree")
    with pytest.raises(TypeError, match=r"`social_graph` must be a SocialGraph; got Graph"):
        select_seed_positions(nx.path_graph(3), 1, "degree")
    g = from_networkx(nx.path_graph(3), rng=0)
    with pytest.raises(TypeError, match=r"`p` must be a number or an array .*got 'prob'"):
        select_seed_positions(g, 1, "imm", p="prob")
    with pytest.raises(TypeError, match=r"`cost` must hold numbers; got list"):
        select_seed_positions_budgeted(g, 1.0, ["a", "b", "c"], "degree")


def test_array_level_errors():
    g = from_networkx(nx.path_graph(4), rng=0)
    with pytest.raises(ValueError, match=r"`p` must be a number or have one entry per arc \(6\)"):
        select_seed_positions(g, 1, "imm", p=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"`p` must hold probabilities in \[0, 1\]; got .*2.0"):
        select_seed_positions(g, 1, "imm", p=[0.1, 0.1, 0.1, 0.1, 0.1, 2.0])
    with pytest.raises(ValueError, match=r"`eps` must be in \(0, 1\); got 1.0"):
        run_imm(g, 1, 0.1, eps=1.0)
    with pytest.raises(ValueError, match=r"`eps` must be in \(0, 1\); got 0.0"):
        run_imm(g, 1, 0.1, eps=0.0)
    with pytest.raises(ValueError, match=r"`ell` must be > 0; got -1.0"):
        run_imm(g, 1, 0.1, ell=-1)
    with pytest.raises(ValueError, match=r"`n_runs` must be an int >= 1; got 0"):
        run_celf(g, 1, 0.1, n_runs=0)
    with pytest.raises(ValueError, match=r"`k` must be <= the number of nodes \(4\); got 5"):
        run_imm(g, 5, 0.1)


@pytest.mark.parametrize(
    ("budget", "cost", "match"),
    [
        (-1.0, 1.0, r"`budget` must be >= 0; got -1.0"),
        (float("nan"), 1.0, r"`budget` must be finite; got nan"),
        (5.0, 0.0, r"`cost` must be > 0; got 0.0"),
        (5.0, [1.0, 2.0], r"`cost` must be a number or have one entry per node \(4\); got"),
        (5.0, [1.0, 0.0, 1.0, 1.0], r"`cost` must be finite and > 0 .*got 0.0 for node 1"),
        (5.0, [1.0, 1.0, math.inf, 1.0], r"`cost` must be finite and > 0 .*got inf for node 2"),
        (5.0, {0: 1.0, 1: 1.0, 2: 1.0}, r"`cost` has no entry for node 3"),
        (5.0, "price", r"node 0 has no attribute `cost`='price'"),
        (5.0, lambda v: 1.0 - v, r"`cost` must be finite and > 0 .*got 0.0 for node 1"),
    ],
)
def test_budget_errors(budget, cost, match):
    with pytest.raises(ValueError, match=match):
        select_seed_nodes_budgeted(nx.path_graph(4), budget, cost, "degree")


def test_budgeted_method_and_p_errors():
    G = nx.path_graph(4)
    with pytest.raises(ValueError, match=r"`method` must be one of .*got 'cheapest'"):
        select_seed_nodes_budgeted(G, 2.0, 1.0, "cheapest")
    with pytest.raises(ValueError, match=r"`p` is required for method 'imm'.*got None"):
        select_seed_nodes_budgeted(G, 2.0, 1.0)
    with pytest.raises(ValueError, match=r"`p` must be in \[0, 1\]; got 2.0"):
        select_seed_nodes_budgeted(G, 2.0, 1.0, "imm", p=2.0)


@pytest.mark.parametrize("p", [1e-19, 1e-300, 5e-324])
def test_imm_with_vanishing_p_does_not_overflow(p):
    """Geometric gaps of tiny p exceed int64 unless capped (this once segfaulted)."""
    G = nx.path_graph(30)
    seeds = select_seed_nodes(G, 3, "imm", p=p, rng=1)
    assert len(set(seeds)) == 3 and set(seeds) <= set(G)
