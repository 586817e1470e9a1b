"""Tests for smmsim.classic: IC, LT, SIR, network Bass and the Bass curve.

Statistical tests use fixed seeds and state their tolerance. "SE" is the
binomial (or sample) standard error of the quantity compared; a tolerance of
4.5 SE would be exceeded by chance with probability about 7e-6 per comparison.
"""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from smmsim.classic import (
    ICModel,
    activation_frequency,
    bass_mean_field,
    bass_network,
    bass_peak,
    independent_cascade,
    linear_threshold,
    run_independent_cascade,
    sir,
)
from smmsim.classic import ic as classic
from smmsim.graphs import from_edges, from_networkx

Z = 4.5  # tolerance in standard errors for every Monte Carlo comparison

# ---------------------------------------------------------------------------
# Exact references, by enumeration


def _reach(adj, seeds):
    """Nodes reachable from ``seeds`` in the adjacency mapping ``adj``."""
    seen = set(seeds)
    stack = list(seen)
    while stack:
        u = stack.pop()
        for v in adj.get(u, ()):
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return seen


def exact_ic(G, seeds, p):
    """Exact IC activation probability per node and law of the final size.

    Sums over all 2**m live-edge worlds. In IC each edge is live independently
    with its probability (Kempe et al. 2003, Claim 2.3); the active set is what
    the seeds reach through live edges. An undirected edge gets one coin: IC
    tries it in two directions, but only the try by the endpoint activated
    first can change anything, so one coin per edge has the same law.
    """
    edges = list(G.edges(data=True))
    assert len(edges) <= 12, "enumeration is for tiny graphs"
    probs = [d[p] if isinstance(p, str) else p for _, _, d in edges]
    prob_active = dict.fromkeys(G, 0.0)
    size_law = np.zeros(G.number_of_nodes() + 1)
    for live in itertools.product((False, True), repeat=len(edges)):
        weight = 1.0
        adj = {}
        for (u, v, _), pe, is_live in zip(edges, probs, live, strict=True):
            weight *= pe if is_live else 1.0 - pe
            if is_live:
                adj.setdefault(u, []).append(v)
                if not G.is_directed():
                    adj.setdefault(v, []).append(u)
        if weight == 0.0:
            continue
        reached = _reach(adj, seeds)
        for v in reached:
            prob_active[v] += weight
        size_law[len(reached)] += weight
    # Clip float round-off (sums of weights can exceed 1 by an ulp).
    return pd.Series(prob_active).clip(0.0, 1.0), np.clip(size_law, 0.0, 1.0)


def exact_lt_size_law(G, seeds, weights=None):
    """Exact law of the LT final size via the live-edge equivalence.

    Kempe et al. (2003, Theorem 2.5): with uniform thresholds, the active set
    has the law of the set reachable from the seeds when each node v keeps at
    most one in-arc, arc u -> v with probability b(u, v) and none with
    probability 1 - sum_u b(u, v). An undirected edge is two arcs.
    """
    arcs = list(G.edges(data=True))
    if not G.is_directed():
        arcs += [(v, u, d) for u, v, d in arcs]
    choices = []
    for v in G:
        into = [(u, d) for u, w, d in arcs if w == v]
        b = [1.0 / len(into) if weights is None else d[weights] for _, d in into]
        choices.append([(None, 1.0 - sum(b))] + [(u, bu) for (u, _), bu in zip(into, b)])
    size_law = np.zeros(G.number_of_nodes() + 1)
    nodes = list(G)
    for pick in itertools.product(*choices):
        weight = math.prod(b for _, b in pick)
        if weight <= 1e-15:
            continue
        adj = {}
        for v, (u, _) in zip(nodes, pick, strict=True):
            if u is not None:
                adj.setdefault(u, []).append(v)
        size_law[len(_reach(adj, seeds))] += weight
    return np.clip(size_law, 0.0, 1.0)


def _check_law(sizes, law):
    """Empirical size frequencies match ``law`` within Z binomial SE per size."""
    n_runs = len(sizes)
    freq = np.bincount(sizes, minlength=len(law)) / n_runs
    se = np.sqrt(law * (1.0 - law) / n_runs)
    np.testing.assert_array_less(np.abs(freq - law), Z * se + 1e-12)


def _bowtie():
    """Directed graph, 11 arcs with per-arc probabilities (some 0 and 1), cycles."""
    G = nx.DiGraph()
    G.add_weighted_edges_from(
        [
            (0, 1, 0.5),
            (1, 2, 0.7),
            (2, 0, 0.9),
            (2, 3, 0.4),
            (3, 4, 0.8),
            (4, 3, 0.3),
            (4, 5, 0.6),
            (5, 2, 0.2),
            (1, 5, 0.1),
            (0, 6, 1.0),
            (6, 7, 0.0),
        ],
        weight="prob",
    )
    return G


def _letters():
    """Directed graph with string labels, 12 arcs including reciprocal pairs."""
    return nx.DiGraph(
        [
            ("a", "b"),
            ("b", "a"),
            ("b", "c"),
            ("c", "d"),
            ("d", "b"),
            ("d", "e"),
            ("e", "f"),
            ("f", "e"),
            ("f", "g"),
            ("g", "a"),
            ("c", "g"),
            ("a", "h"),
        ]
    )


def _kite_with_tail():
    """Undirected: K4 plus a triangle and a pendant (10 edges), an isolated node."""
    G = nx.complete_graph(4)
    G.add_edges_from([(3, 4), (4, 5), (5, 3), (5, 6)])
    G.add_node(7)
    probs = [0.15, 0.85, 0.5, 0.35, 0.65, 0.25, 0.95, 0.05, 0.55, 0.45]
    for (u, v), pe in zip(G.edges(), probs, strict=True):
        G[u][v]["prob"] = pe
    return G


def _cycle_with_chords():
    G = nx.cycle_graph(8)
    G.add_edges_from([(0, 4), (2, 6)])
    return G


# name, graph factory, seed nodes, p (float for every edge or attribute name)
IC_CASES = [
    ("path_undirected", lambda: nx.path_graph(5), [0], 0.6),
    ("house_x_undirected", nx.house_x_graph, [0], 0.35),
    ("cycle_chords_two_seeds", _cycle_with_chords, [0, 4], 0.25),
    ("kite_undirected_attr", _kite_with_tail, [0], "prob"),
    ("bowtie_directed_attr", _bowtie, [0], "prob"),
    ("letters_directed_dup_seeds", _letters, ["a", "d", "a"], 0.5),
]


@pytest.mark.parametrize(("name", "make", "seeds", "p"), IC_CASES, ids=[c[0] for c in IC_CASES])
def test_ic_activation_matches_exact_enumeration(name, make, seeds, p):
    # Uniform p runs the geometric-skip kernel, an attribute the per-arc one.
    G = make()
    exact, _ = exact_ic(G, seeds, p)
    n_runs = 200_000
    freq = activation_frequency(G, seeds, p, n_runs=n_runs, rng=20240501)
    assert list(freq.index) == list(G)
    se = np.sqrt(exact * (1.0 - exact) / n_runs)
    # Tolerance: Z binomial SE per node; nodes with probability 0 or 1 exactly.
    bad = (freq - exact).abs() > Z * se + 1e-12
    assert not bad.any(), pd.DataFrame({"sim": freq, "exact": exact, "se": se})[bad]


@pytest.mark.parametrize(
    ("name", "make", "seeds", "p"), IC_CASES[:4], ids=[c[0] for c in IC_CASES[:4]]
)
def test_ic_size_law_matches_exact_enumeration(name, make, seeds, p):
    G = make()
    _, law = exact_ic(G, seeds, p)
    sizes = independent_cascade(G, seeds, p, n_runs=100_000, rng=7)
    _check_law(sizes, law)


LT_CASES = [
    ("path_undirected", lambda: nx.path_graph(5), [0], None),
    ("house_x_undirected", nx.house_x_graph, [0], None),
    ("letters_directed", _letters, ["a"], None),
    ("bowtie_directed_attr", _bowtie, [0], "lt_weight"),
]


@pytest.mark.parametrize(
    ("name", "make", "seeds", "weights"), LT_CASES, ids=[c[0] for c in LT_CASES]
)
def test_lt_size_law_matches_exact_enumeration(name, make, seeds, weights):
    G = make()
    if weights is not None:
        # Weights into each node: half of 1 / in-degree, so the sums stay <= 1/2.
        for u, v in G.edges():
            G[u][v][weights] = 0.5 / G.in_degree(v)
    law = exact_lt_size_law(G, seeds, weights)
    assert law.sum() == pytest.approx(1.0)
    sizes = linear_threshold(G, seeds, weights=weights, n_runs=100_000, rng=11)
    _check_law(sizes, law)


def test_sir_with_gamma_one_is_independent_cascade():
    # gamma = 1: every infected node transmits in exactly one step, as in IC.
    G = nx.house_x_graph()
    _, law = exact_ic(G, [0], 0.35)
    df = sir(G, [0], 0.35, 1.0, n_runs=50_000, rng=3)
    final = df.groupby("run")["recovered"].last().to_numpy()
    _check_law(final, law)


# ---------------------------------------------------------------------------
# Percolation theory (Newman 2002)


def percolation_theory(G, T):
    """Giant outbreak fraction S for bond percolation with transmissibility T.

    Uses G's own degree distribution p_k: u = G1(1 - T + T u),
    S = 1 - G0(1 - T + T u), with G0(x) = sum_k p_k x^k and
    G1(x) = G0'(x) / G0'(1).
    """
    deg = np.array([d for _, d in G.degree()])
    pk = np.bincount(deg) / len(deg)
    k = np.arange(len(pk))
    qk = k[1:] * pk[1:] / (k * pk).sum()  # excess-degree distribution

    def g0(x):
        return float(np.sum(pk * x**k))

    def g1(x):
        return float(np.sum(qk * x ** k[:-1]))

    u = 0.0  # fixed-point iteration from 0 converges to the smallest root
    for _ in range(5000):
        u_next = g1(1.0 - T + T * u)
        if abs(u_next - u) < 1e-14:
            break
        u = u_next
    return 1.0 - g0(1.0 - T + T * u)


def _power_law_configuration_graph(n, rng):
    # p_k ~ k^-2.5 on 2..100: heavy-tailed, far from Poisson.
    k = np.arange(2, 101)
    pk = k**-2.5 / np.sum(k**-2.5)
    deg = rng.choice(k, size=n, p=pk)
    deg[0] += deg.sum() % 2
    H = nx.Graph(nx.configuration_model(deg.tolist(), seed=int(rng.integers(2**31))))
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    return H


@pytest.mark.slow
@pytest.mark.parametrize(
    ("graph_kind", "T"),
    [("erdos_renyi", 0.4), ("erdos_renyi", 0.3), ("power_law_config", 0.4)],
)
def test_ic_large_outbreaks_match_bond_percolation(graph_kind, T):
    n = 20_000
    rng = np.random.default_rng(99)
    if graph_kind == "erdos_renyi":
        G = nx.fast_gnp_random_graph(n, 5.0 / (n - 1), seed=5)
    else:
        G = _power_law_configuration_graph(n, rng)
    S = percolation_theory(G, T)
    arrays = from_networkx(G, rng=0)
    n_cascades = 1500
    starts = rng.integers(n, size=n_cascades)  # a fresh random seed node per cascade
    sizes = np.array([run_independent_cascade(arrays, [s], T, rng=rng).sizes[0] for s in starts])
    fraction = sizes / n
    large = fraction > 0.05
    # Small outbreaks stay tiny (finite clusters), so the cut at 5% is clean.
    assert sizes[~large].max() < 200
    # Large-outbreak size: the giant cluster, S n; finite-size and graph
    # fluctuations are ~0.005, so the tolerance is 0.01 (absolute fraction).
    assert fraction[large].mean() == pytest.approx(S, abs=0.01)
    # In undirected percolation a random node is in the giant cluster with
    # probability S: Z binomial SE plus 0.01 for finite size.
    se = math.sqrt(S * (1 - S) / n_cascades)
    assert large.mean() == pytest.approx(S, abs=Z * se + 0.01)


# ---------------------------------------------------------------------------
# Bass diffusion

BASS_P, BASS_Q = 0.03, 0.38


@pytest.fixture(scope="module")
def complete_2000():
    n = 2000
    src, dst = np.triu_indices(n, 1)
    return from_edges(src, dst, n_nodes=n, trust=np.ones(len(src)))


def _mean_curve(df):
    return df.groupby("step").agg(
        t=("t", "first"), fraction=("fraction", "mean"), rate=("adoption_rate", "mean")
    )


def _rate_peak(curve, dt):
    """Time of the adoption-rate peak: quadratic fit within 1.5 of the smoothed maximum.

    The rate of row k is the mean over the sub-step ending at t, so it is placed
    at the sub-step's midpoint t - dt/2.
    """
    mid = curve["t"].to_numpy()[1:] - dt / 2
    rate = curve["rate"].to_numpy()[1:]
    width = max(1, round(1.0 / dt))
    smooth = np.convolve(rate, np.ones(width) / width, mode="same")
    k = int(np.argmax(smooth))
    near = np.abs(mid - mid[k]) <= 1.5
    a, b, _ = np.polyfit(mid[near], rate[near], 2)
    return -b / (2 * a)


def test_bass_network_complete_graph_follows_mean_field(complete_2000):
    # n = 2000, sub-step dt = 0.02, 50 runs averaged.
    dt = 0.02
    df = bass_network(complete_2000, BASS_P, BASS_Q, dt=dt, t_max=16.0, n_runs=50, rng=2024)
    curve = _mean_curve(df)
    t = curve["t"].to_numpy()
    # Whole curve: max |F_sim - F| <= 0.02 (seen: ~0.005).
    assert np.max(np.abs(curve["fraction"] - bass_mean_field(BASS_P, BASS_Q, t))) < 0.02
    t_star, f_star = bass_peak(BASS_P, BASS_Q)
    assert t_star == pytest.approx(6.19, abs=0.005)
    assert f_star == pytest.approx(0.4605, abs=5e-5)
    # Peak of the adoption rate: over seeds the estimate has sd ~0.065 in t and
    # ~0.008 in F; tolerances 0.25 and 0.03 (about 4 sd).
    t_peak = _rate_peak(curve, dt)
    assert t_peak == pytest.approx(t_star, abs=0.25)
    assert np.interp(t_peak, t, curve["fraction"]) == pytest.approx(f_star, abs=0.03)
    # The rate at the peak is (p + q)^2 / (4 q) per unit time; within 10%.
    near = np.abs(curve["t"] - dt / 2 - t_star) <= 0.5
    assert curve["rate"][near].mean() == pytest.approx(
        (BASS_P + BASS_Q) ** 2 / (4 * BASS_Q), rel=0.1
    )


def test_bass_whole_period_steps_delay_the_peak(complete_2000):
    # dt = 1: adoptions during a period only count from the next one. The
    # rate peak comes ~18% late (seen 7.1-7.5 over seeds against 6.19) and the
    # curve misses the mean field by ~0.1.
    df = bass_network(complete_2000, BASS_P, BASS_Q, dt=1.0, t_max=16.0, n_runs=50, rng=2024)
    curve = _mean_curve(df)
    t_star, _ = bass_peak(BASS_P, BASS_Q)
    delay = _rate_peak(curve, 1.0) / t_star - 1.0
    assert 0.10 < delay < 0.30
    gap = np.abs(curve["fraction"] - bass_mean_field(BASS_P, BASS_Q, curve["t"].to_numpy()))
    assert gap.max() > 0.05


def test_bass_without_imitation_is_exponential():
    # q = 0: adoptions are independent; P(adopted by t_k) = 1 - exp(-p t_k) exactly.
    G = nx.gnm_random_graph(300, 900, seed=1)
    df = bass_network(G, 0.2, 0.0, dt=0.5, t_max=10.0, n_runs=200, rng=5)
    curve = _mean_curve(df)
    expected = 1.0 - np.exp(-0.2 * curve["t"].to_numpy())
    se = np.sqrt(expected * (1 - expected) / (300 * 200))
    np.testing.assert_array_less(np.abs(curve["fraction"] - expected), Z * se + 1e-12)


def test_bass_network_table_and_edge_cases():
    G = nx.path_graph(6)
    df = bass_network(G, 0.0, 0.5, dt=0.25, t_max=2.0, n_runs=3, seed_nodes=[0, 0], rng=1)
    assert list(df.columns) == [
        "run",
        "step",
        "t",
        "adopters",
        "fraction",
        "new_adopters",
        "adoption_rate",
    ]
    assert len(df) == 3 * 9
    first = df[df["step"] == 0]
    assert (first["adopters"] == 1).all() and (first["new_adopters"] == 0).all()
    for _, run in df.groupby("run"):
        assert (np.diff(run["adopters"]) >= 0).all()
        assert (
            run["adopters"].iloc[1:].to_numpy()
            == 1 + run["new_adopters"].cumsum().iloc[1:].to_numpy()
        ).all()
    np.testing.assert_allclose(df["adoption_rate"], df["new_adopters"] / (6 * 0.25))
    # p = 0 and no seeds: nobody ever adopts.
    none = bass_network(G, 0.0, 0.9, dt=0.5, t_max=5.0, rng=1)
    assert (none["adopters"] == 0).all()
    # t_max not a multiple of dt: the grid runs one sub-step past it.
    assert bass_network(G, 0.1, 0.1, dt=0.3, t_max=1.0, rng=1)["t"].iloc[-1] == pytest.approx(1.2)


def test_bass_network_is_reproducible():
    G = nx.gnm_random_graph(200, 600, seed=2)
    a = bass_network(G, 0.03, 0.38, dt=0.1, t_max=8.0, n_runs=4, rng=123)
    assert_frame_equal(a, bass_network(G, 0.03, 0.38, dt=0.1, t_max=8.0, n_runs=4, rng=123))
    b = bass_network(G, 0.03, 0.38, dt=0.1, t_max=8.0, n_runs=4, rng=124)
    assert not a.equals(b)


def test_bass_mean_field_solves_the_bass_equation():
    t = np.linspace(0.0, 30.0, 3001)
    F = bass_mean_field(BASS_P, BASS_Q, t)
    assert F[0] == 0.0 and F[-1] == pytest.approx(1.0, abs=1e-4)
    dF = np.gradient(F, t)
    np.testing.assert_allclose(dF[1:-1], ((BASS_P + BASS_Q * F) * (1 - F))[1:-1], atol=1e-4)
    # The rate peaks at bass_peak's time, where F = (q - p) / (2 q).
    t_star, f_star = bass_peak(BASS_P, BASS_Q)
    assert t[np.argmax(dF)] == pytest.approx(t_star, abs=0.01)
    assert f_star == pytest.approx((BASS_Q - BASS_P) / (2 * BASS_Q), rel=1e-12)
    assert isinstance(bass_mean_field(0.1, 0.2, 1.0), float)
    assert bass_peak(0.3, 0.2) == (0.0, 0.0)


# ---------------------------------------------------------------------------
# SIR


def test_sir_table_conserves_people_and_is_monotone():
    G = nx.gnm_random_graph(500, 1500, seed=4)
    df = sir(G, [0, 1, 2], 0.2, 0.3, n_runs=20, rng=8)
    assert list(df.columns) == ["run", "step", "susceptible", "infected", "recovered"]
    assert all(dtype == np.int64 for dtype in df.dtypes)
    assert (df[["susceptible", "infected", "recovered"]].sum(axis=1) == 500).all()
    counts = df.groupby("run").size()
    assert counts.nunique() == 1  # rectangular: every run has every step
    for _, run in df.groupby("run"):
        assert run["step"].tolist() == list(range(len(run)))
        assert (np.diff(run["susceptible"]) <= 0).all()
        assert (np.diff(run["recovered"]) >= 0).all()
        assert run["infected"].iloc[0] == 3 and run["recovered"].iloc[0] == 0
        assert run["infected"].iloc[-1] == 0
    assert_frame_equal(df, sir(G, [0, 1, 2], 0.2, 0.3, n_runs=20, rng=8))
    assert not df.equals(sir(G, [0, 1, 2], 0.2, 0.3, n_runs=20, rng=9))


def test_sir_stops_at_max_steps_and_mean_infectious_period():
    # beta = 0: the seed stays infected a Geometric(gamma) number of steps.
    G = nx.path_graph(3)
    df = sir(G, [1], 0.0, 0.25, n_runs=20_000, max_steps=200, rng=6)
    duration = df[df["infected"] > 0].groupby("run")["step"].max() + 1
    assert duration.mean() == pytest.approx(4.0, abs=Z * math.sqrt(12.0 / 20_000))
    # gamma = 0: nobody recovers, so every run lasts exactly max_steps.
    stuck = sir(G, [1], 0.5, 0.0, n_runs=2, max_steps=7, rng=6)
    assert len(stuck) == 2 * 8 and (stuck["recovered"] == 0).all()


# ---------------------------------------------------------------------------
# Hypothesis invariants (profile "ci" from conftest: derandomized)


@st.composite
def small_graphs(draw, max_nodes=8):
    n = draw(st.integers(1, max_nodes))
    node = st.integers(0, n - 1)
    edges = draw(st.lists(st.tuples(node, node), max_size=16))
    G = nx.DiGraph() if draw(st.booleans()) else nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    seeds = draw(st.lists(node, min_size=1, max_size=4))
    return G, seeds


def _reachable(G, seeds):
    out = set(seeds)
    for s in seeds:
        out |= nx.descendants(G, s)
    return len(out)


rng_seeds = st.integers(0, 2**32 - 1)
probabilities = st.floats(0.0, 1.0)


@given(small_graphs(), probabilities, rng_seeds)
def test_ic_sizes_within_bounds_and_reproducible(graph_seeds, p, seed):
    G, seeds = graph_seeds
    sizes = independent_cascade(G, seeds, p, n_runs=30, rng=seed)
    assert sizes.shape == (30,) and sizes.dtype == np.int64
    assert (sizes >= len(set(seeds))).all()
    assert (sizes <= _reachable(G, seeds)).all()  # <= n, and only reachable nodes
    np.testing.assert_array_equal(sizes, independent_cascade(G, seeds, p, n_runs=30, rng=seed))


@given(small_graphs(), rng_seeds)
def test_ic_extreme_probabilities(graph_seeds, seed):
    G, seeds = graph_seeds
    assert (independent_cascade(G, seeds, 0.0, n_runs=5, rng=seed) == len(set(seeds))).all()
    # p = 1: exactly the nodes reachable from the seeds.
    reach = _reachable(G, seeds)
    assert (independent_cascade(G, seeds, 1.0, n_runs=5, rng=seed) == reach).all()


@given(st.integers(1, 10), st.integers(0, 2**32 - 1), rng_seeds)
def test_ic_full_probability_on_connected_graph_reaches_everyone(n, graph_seed, seed):
    G = nx.random_labeled_tree(n, seed=graph_seed) if n > 1 else nx.empty_graph(1)
    G.add_edges_from(nx.gnm_random_graph(n, n, seed=graph_seed).edges())
    assert (independent_cascade(G, [n // 2], 1.0, n_runs=3, rng=seed) == n).all()


@given(small_graphs(), probabilities, probabilities, rng_seeds)
def test_ic_mean_size_monotone_in_p(graph_seeds, p1, p2, seed):
    G, seeds = graph_seeds
    lo, hi = sorted((p1, p2))
    n_runs = 2000
    a = independent_cascade(G, seeds, lo, n_runs=n_runs, rng=seed)
    b = independent_cascade(G, seeds, hi, n_runs=n_runs, rng=seed + 1)
    # E[size] is non-decreasing in p; allow Z standard errors of the difference.
    se = math.sqrt(a.var() / n_runs + b.var() / n_runs)
    assert b.mean() >= a.mean() - Z * se - 1e-12


@given(small_graphs(), rng_seeds)
def test_lt_sizes_within_bounds_and_reproducible(graph_seeds, seed):
    G, seeds = graph_seeds
    sizes = linear_threshold(G, seeds, n_runs=30, rng=seed)
    assert (sizes >= len(set(seeds))).all()
    assert (sizes <= _reachable(G, seeds)).all()
    np.testing.assert_array_equal(sizes, linear_threshold(G, seeds, n_runs=30, rng=seed))


@given(small_graphs(), probabilities, probabilities, rng_seeds)
def test_sir_invariants(graph_seeds, beta, gamma, seed):
    G, seeds = graph_seeds
    df = sir(G, seeds, beta, gamma, n_runs=3, max_steps=50, rng=seed)
    n = G.number_of_nodes()
    assert (df[["susceptible", "infected", "recovered"]].sum(axis=1) == n).all()
    assert (df.loc[df["step"] == 0, "infected"] == len(set(seeds))).all()
    assert (df["recovered"] + df["infected"] <= _reachable(G, seeds)).all()


# ---------------------------------------------------------------------------
# SocialGraph input


def test_models_accept_social_graph():
    G = nx.house_x_graph()
    arrays = from_networkx(G, rng=0)
    lt_nx = linear_threshold(G, [0], n_runs=50, rng=1)
    np.testing.assert_array_equal(linear_threshold(arrays, [0], n_runs=50, rng=1), lt_nx)
    assert_frame_equal(sir(arrays, [0], 0.3, 0.5, rng=1), sir(G, [0], 0.3, 0.5, rng=1))
    assert_frame_equal(
        bass_network(arrays, 0.1, 0.4, t_max=3.0, rng=1),
        bass_network(G, 0.1, 0.4, t_max=3.0, rng=1),
    )
    # Per-arc arrays work with a SocialGraph.
    w = np.full(arrays.n_arcs, 0.25)
    assert linear_threshold(arrays, [0], weights=w, n_runs=5, rng=1).min() >= 1
    assert len(sir(arrays, [0], np.zeros(arrays.n_arcs), 1.0, rng=1)) == 2


# ---------------------------------------------------------------------------
# run_independent_cascade: uniform blocks, reused work spaces, threads


@pytest.fixture(scope="module")
def ba_arrays():
    return from_networkx(nx.barabasi_albert_graph(400, 3, seed=4), rng=0)


def _ic_outputs(res):
    return (res.sizes, res.hits, res.order, res.parent, res.depth, res.edge_checks)


def _assert_same_result(a, b):
    for x, y in zip(_ic_outputs(a), _ic_outputs(b), strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("p", [0.08, 0.3, "per_arc"])
@pytest.mark.parametrize("n_runs", [1, 40])
def test_ic_results_do_not_depend_on_uniform_block_sizes(ba_arrays, monkeypatch, p, n_runs):
    # A run that exhausts a block of uniforms pauses and resumes on the next:
    # one uniform per block (a pause at every draw) must give the same results.
    if p == "per_arc":
        p = np.random.default_rng(3).uniform(0.0, 0.4, ba_arrays.n_arcs)
    kwargs = {"n_runs": n_runs, "count_hits": True}
    ref = run_independent_cascade(ba_arrays, [5, 17], p, rng=12, **kwargs)
    monkeypatch.setattr(classic, "_BLOCK", 1)
    monkeypatch.setattr(classic, "_MAX_BLOCK", 1)
    tiny = run_independent_cascade(ba_arrays, [5, 17], p, rng=12, **kwargs)
    _assert_same_result(ref, tiny)
    assert ref.sizes.max() > 20  # real cascades, which needed many blocks


@pytest.mark.parametrize("p", [0.08, "per_arc"])
def test_ic_calls_with_one_generator_read_one_stream(ba_arrays, p):
    # k one-run calls with a Generator read its uniforms without gaps, as one
    # k-run call with a fresh copy of it does, however calls with other
    # generators, graphs and seeds are interleaved.
    if p == "per_arc":
        p = np.random.default_rng(3).uniform(0.0, 0.3, ba_arrays.n_arcs)
    other_graph = from_networkx(nx.path_graph(30), rng=0)
    gen, other = np.random.default_rng(5), np.random.default_rng(6)
    loop = []
    for _ in range(60):
        loop.append(run_independent_cascade(ba_arrays, [5, 17], p, rng=gen).sizes[0])
        run_independent_cascade(ba_arrays, [1], 0.5, rng=other)
        run_independent_cascade(other_graph, [0], 0.5, rng=other)
        run_independent_cascade(ba_arrays, [2], 0.2, n_runs=3, rng=9)
    batch = run_independent_cascade(ba_arrays, [5, 17], p, n_runs=60, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(loop, batch.sizes)
    assert len(set(loop)) > 5


def test_ic_calls_with_one_generator_read_one_stream_for_large_cascades():
    # A cascade that needs ~10^4 uniforms draws blocks of 256, 1024, 4096 and
    # 16384 and may leave more than 4,096 unread; those were once dropped, so
    # a loop of one-run calls no longer matched one batch call.
    g = from_networkx(nx.barabasi_albert_graph(3000, 3, seed=2), rng=0)
    probs = np.full(g.n_arcs, 0.25)
    gen = np.random.default_rng(3)
    loop = [int(run_independent_cascade(g, [0], probs, rng=gen).sizes[0]) for _ in range(8)]
    batch = run_independent_cascade(g, [0], probs, n_runs=8, rng=np.random.default_rng(3))
    assert loop == batch.sizes.tolist()


def test_ic_same_seed_same_result_whatever_ran_before(ba_arrays):
    ref = run_independent_cascade(ba_arrays, [3, 8], 0.2, n_runs=30, count_hits=True, rng=4)
    for n_runs in (1, 500):  # advance the work space's epochs, on this graph and others
        run_independent_cascade(ba_arrays, [0], 1.0, n_runs=n_runs, rng=1)
        run_independent_cascade(from_networkx(nx.path_graph(9), rng=0), [0], 1.0, rng=1)
    again = run_independent_cascade(ba_arrays, [3, 8], 0.2, n_runs=30, count_hits=True, rng=4)
    _assert_same_result(ref, again)
    other = run_independent_cascade(ba_arrays, [3, 8], 0.2, n_runs=30, count_hits=True, rng=5)
    assert not np.array_equal(ref.sizes, other.sizes)


def test_ic_stamps_survive_the_epoch_counter_wrapping(ba_arrays):
    from smmsim.classic import _ic_kernel

    ref = run_independent_cascade(ba_arrays, [3, 8], 0.2, n_runs=30, count_hits=True, rng=4)
    ws = classic._workspace(ba_arrays)
    # Epochs run up to 2**31 - 2; then the stamps are zeroed and epochs restart at 1.
    ws.state[_ic_kernel.EPOCH] = 2**31 - 10
    run_independent_cascade(ba_arrays, [0], 1.0, rng=0)  # every node stamped 2**31 - 9
    wrapped = run_independent_cascade(ba_arrays, [3, 8], 0.2, n_runs=30, count_hits=True, rng=4)
    _assert_same_result(ref, wrapped)
    assert 1 <= ws.state[_ic_kernel.EPOCH] <= 30


def test_ic_threads_get_their_own_work_spaces(ba_arrays):
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(seed, p) for seed in range(12) for p in (0.05, 0.2, 0.5)]

    def one(job):
        seed, p = job
        res = run_independent_cascade(ba_arrays, [seed, 40], p, n_runs=200, rng=seed)
        gen = np.random.default_rng(seed)
        loop = [run_independent_cascade(ba_arrays, [seed], p, rng=gen).sizes[0] for _ in range(50)]
        return res.sizes.tolist(), res.order.tolist(), loop

    serial = [one(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(one, jobs))
    assert threaded == serial


def test_ic_work_space_is_dropped_with_its_graph():
    import gc
    import weakref

    g = from_networkx(nx.path_graph(50), rng=0)
    run_independent_cascade(g, [0], 0.5, rng=np.random.default_rng(0))
    ws = weakref.ref(classic._workspace(g))
    assert ws() is not None
    del g
    gc.collect()
    assert ws() is None


def test_ic_result_tree_is_aligned_with_activation_order(ba_arrays):
    res = run_independent_cascade(ba_arrays, [9, 4, 9, 4, 31], 0.25, n_runs=3, rng=2)
    order, parent, depth = res.order, res.parent, res.depth
    assert order.dtype == parent.dtype == depth.dtype == np.int32
    assert len(order) == len(parent) == len(depth) == res.sizes[-1]
    assert order[:3].tolist() == [9, 4, 31]  # seeds first, as given, repeats dropped
    assert (parent[:3] == -1).all() and (depth[:3] == 0).all()
    assert len(set(order.tolist())) == len(order)
    place = {v: i for i, v in enumerate(order.tolist())}
    for i in range(3, len(order)):
        u, v = int(parent[i]), int(order[i])
        assert place[u] < i and depth[i] == depth[place[u]] + 1
        assert v in ba_arrays.indices[ba_arrays.indptr[u] : ba_arrays.indptr[u + 1]]
    assert res.last_tree() == dict(zip(order.tolist(), parent.tolist(), strict=True))
    assert res.sizes[-1] > 10


def test_ic_zero_probability_after_a_full_cascade_keeps_only_the_seeds(ba_arrays):
    assert run_independent_cascade(ba_arrays, [0], 1.0, rng=0).sizes[0] == ba_arrays.n_nodes
    res = run_independent_cascade(ba_arrays, np.array([7, 7, 2], np.int32), 0.0, rng=0)
    assert res.sizes.tolist() == [2] and res.order.tolist() == [7, 2]
    assert res.edge_checks == 0


@pytest.mark.parametrize("bad", [-1, 400, 2**40])
def test_run_independent_cascade_rejects_seed_positions_outside_the_graph(ba_arrays, bad):
    before = run_independent_cascade(ba_arrays, [3], 0.5, n_runs=5, rng=0)
    with pytest.raises(ValueError, match=rf"`seed_nodes` holds position {bad} outside 0\.\.399"):
        run_independent_cascade(ba_arrays, np.array([3, bad], np.int64), 0.5, rng=0)
    after = run_independent_cascade(ba_arrays, [3], 0.5, n_runs=5, rng=0)
    _assert_same_result(before, after)


# ---------------------------------------------------------------------------
# Bad input: every message names the field and shows the value


@pytest.fixture
def attr_graph():
    G = nx.path_graph(3)
    G[0][1]["prob"] = 0.5
    G[1][2]["prob"] = 0.5
    return G


@pytest.mark.parametrize("func", [independent_cascade, activation_frequency])
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"p": 1.5}, ValueError, r"`p` must be in \[0, 1\]; got 1\.5"),
        ({"p": -0.1}, ValueError, r"`p` must be in \[0, 1\]; got -0\.1"),
        ({"p": float("nan")}, ValueError, r"`p` must be finite; got nan"),
        ({"p": True}, TypeError, r"`p` must be a number; got bool True"),
        ({"seed_nodes": ["zzz"]}, ValueError, r"`seed_nodes` .* not in the graph: 'zzz'"),
        ({"seed_nodes": 99}, ValueError, r"`seed_nodes` .* not in the graph: 99"),
        ({"graph": nx.Graph()}, ValueError, r"`graph` is empty"),
        ({"graph": "not a graph"}, TypeError, r"`graph` must be a networkx .*; got str"),
        ({"n_runs": 0}, ValueError, r"`n_runs` must be an int >= 1; got 0"),
        ({"n_runs": 2.5}, TypeError, r"`n_runs` must be an int; got float 2\.5"),
        ({"p": "weight"}, ValueError, r"edge \(0, 1\) has no attribute `p`='weight'"),
    ],
)
def test_ic_bad_input(func, attr_graph, kwargs, error, match):
    args = {"graph": attr_graph, "seed_nodes": [0], "p": 0.5, "n_runs": 10} | kwargs
    with pytest.raises(error, match=match):
        func(args.pop("graph"), args.pop("seed_nodes"), args.pop("p"), **args)


def test_ic_bad_edge_attribute_value(attr_graph):
    attr_graph[1][2]["prob"] = 1.25
    # The value may print as np.float64(1.25) (numpy 2 repr in _validation).
    match = r"`p \(edge attribute 'prob'\)` .*got (np\.float64\()?1\.25"
    with pytest.raises(ValueError, match=match):
        independent_cascade(attr_graph, [0], "prob")


def test_run_independent_cascade_validates_p():
    arrays = from_networkx(nx.path_graph(3), rng=0)
    with pytest.raises(ValueError, match=r"`p` must be in \[0, 1\]; got 2\.0"):
        run_independent_cascade(arrays, [0], 2.0)
    match = r"`p` must hold probabilities .*got (np\.float64\()?-1\.0"
    with pytest.raises(ValueError, match=match):
        run_independent_cascade(arrays, [0], np.array([0.5, -1.0, 0.5, 0.5]))


def test_ic_tiny_probability_does_not_overflow():
    # A skip of log(U) / log(1 - p) overflowed int64 for p < ~1e-18 and indexed
    # outside the arc arrays (segfault); it is now capped.
    G = nx.path_graph(50)
    for p in (1e-19, 1e-300, 5e-324):
        assert (independent_cascade(G, [0], p, n_runs=2000, rng=1) == 1).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"weights": "w"}, ValueError, r"`weights` names edge attribute 'w', which edge \(0, 1\)"),
        ({"weights": 1.0}, ValueError, r"`weights` into each node .* node 1 gets 2\.0"),
        ({"weights": -0.5}, ValueError, r"`weights` must be in \[0, 1\]; got -0\.5"),
        ({"weights": np.ones(4)}, TypeError, r"`weights` as an array needs a SocialGraph"),
        ({"n_runs": 0}, ValueError, r"`n_runs` must be an int >= 1; got 0"),
        ({"seed_nodes": ["zzz"]}, ValueError, r"`seed_nodes` .* not in the graph: 'zzz'"),
        ({"graph": nx.DiGraph()}, ValueError, r"`graph` is empty"),
        ({"graph": [(0, 1)]}, TypeError, r"`graph` must be a networkx .*; got list"),
    ],
)
def test_lt_bad_input(kwargs, error, match):
    args = {"graph": nx.path_graph(3), "seed_nodes": [0]} | kwargs
    with pytest.raises(error, match=match):
        linear_threshold(args.pop("graph"), args.pop("seed_nodes"), **args)


def test_lt_bad_weights_for_social_graph():
    arrays = from_networkx(nx.path_graph(3), rng=0)
    with pytest.raises(ValueError, match=r"`weights` must have one entry per arc \(4\); got shape"):
        linear_threshold(arrays, [0], weights=np.ones(3))
    with pytest.raises(TypeError, match=r"`weights` may name an edge attribute only .*'w'"):
        linear_threshold(arrays, [0], weights="w")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"beta": 1.5}, ValueError, r"`beta` must be in \[0, 1\]; got 1\.5"),
        ({"gamma": -0.2}, ValueError, r"`gamma` must be in \[0, 1\]; got -0\.2"),
        ({"beta": "b"}, ValueError, r"`beta` names edge attribute 'b'"),
        ({"max_steps": 0}, ValueError, r"`max_steps` must be an int >= 1; got 0"),
        ({"n_runs": -3}, ValueError, r"`n_runs` must be an int >= 1; got -3"),
        ({"seed_nodes": [7]}, ValueError, r"`seed_nodes` .* not in the graph: 7"),
        ({"graph": nx.Graph()}, ValueError, r"`graph` is empty"),
    ],
)
def test_sir_bad_input(kwargs, error, match):
    args = {"graph": nx.path_graph(3), "seed_nodes": [0], "beta": 0.5, "gamma": 0.5} | kwargs
    with pytest.raises(error, match=match):
        sir(args.pop("graph"), args.pop("seed_nodes"), args.pop("beta"), args.pop("gamma"), **args)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"p": -0.1}, ValueError, r"`p` must be >= 0; got -0\.1"),
        ({"q": -1}, ValueError, r"`q` must be >= 0; got -1\.0"),
        ({"dt": 0.0}, ValueError, r"`dt` must be > 0; got 0\.0"),
        ({"t_max": -5}, ValueError, r"`t_max` must be > 0; got -5\.0"),
        ({"dt": 1e-9}, ValueError, r"`t_max / dt` must be at most .*dt=1e-09"),
        ({"n_runs": 0}, ValueError, r"`n_runs` must be an int >= 1; got 0"),
        ({"seed_nodes": ["x"]}, ValueError, r"`seed_nodes` .* not in the graph: 'x'"),
        ({"graph": nx.Graph()}, ValueError, r"`graph` is empty"),
    ],
)
def test_bass_network_bad_input(kwargs, error, match):
    args = {"graph": nx.path_graph(3), "p": 0.1, "q": 0.3} | kwargs
    with pytest.raises(error, match=match):
        bass_network(args.pop("graph"), args.pop("p"), args.pop("q"), **args)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: bass_mean_field(0.0, 0.4, 1.0), ValueError, r"`p` must be > 0; got 0\.0"),
        (lambda: bass_mean_field(0.1, -0.4, 1.0), ValueError, r"`q` must be >= 0; got -0\.4"),
        (lambda: bass_mean_field(0.1, 0.4, [1.0, -2.0]), ValueError, r"`t` .* >= 0; got -2\.0"),
        (lambda: bass_mean_field(0.1, 0.4, "soon"), TypeError, r"`t` must be a number .*'soon'"),
        (lambda: bass_peak(-0.1, 0.4), ValueError, r"`p` must be > 0; got -0\.1"),
    ],
)
def test_bass_curve_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------------
# ICModel: set up once, one cascade per call


def _per_arc_probs(arrays, hi=0.3):
    return np.random.default_rng(3).uniform(0.0, hi, arrays.n_arcs)


@pytest.mark.parametrize("p", [0.08, 0.3, "per_arc"])
def test_ic_model_loop_equals_one_batch_with_a_copy_of_the_generator(ba_arrays, p):
    # One cascade per call reads the Generator's uniforms as one stream: the
    # same sizes as one batch call with a Generator in the same state, through
    # every entry point. p = 0.3 takes off (hundreds of uniforms per cascade,
    # many fresh blocks within one run() call).
    if p == "per_arc":
        p = _per_arc_probs(ba_arrays)
    model = ICModel(ba_arrays, [5, 17], p)
    gen = np.random.default_rng(11)
    loop = [model.run(rng=gen) for _ in range(80)]
    assert all(type(size) is int for size in loop)
    batch = run_independent_cascade(ba_arrays, [5, 17], p, n_runs=80, rng=np.random.default_rng(11))
    np.testing.assert_array_equal(loop, batch.sizes)
    np.testing.assert_array_equal(loop, model.runs(80, rng=np.random.default_rng(11)))
    assert len(set(loop)) > 5
    # The next calls carry on with the same stream.
    more = [model.run(rng=gen) for _ in range(5)] + model.runs(5, rng=gen).tolist()
    again = model.runs(90, rng=np.random.default_rng(11))
    np.testing.assert_array_equal(more, again[80:])


def test_ic_model_matches_independent_cascade_on_networkx_graphs():
    G = _kite_with_tail()
    for p in (0.4, "prob"):
        model = ICModel(G, [0, 5], p)
        gen = np.random.default_rng(2)
        loop = [model.run(rng=gen) for _ in range(300)]
        sizes = independent_cascade(G, [0, 5], p, n_runs=300, rng=np.random.default_rng(2))
        np.testing.assert_array_equal(loop, sizes)


def test_ic_model_results_do_not_depend_on_uniform_block_sizes(ba_arrays, monkeypatch):
    p = 0.3
    ref = ICModel(ba_arrays, [5, 17], p).runs(30, rng=4)
    monkeypatch.setattr(classic, "_BLOCK", 1)
    monkeypatch.setattr(classic, "_MAX_BLOCK", 1)
    model = ICModel(ba_arrays, [5, 17], p)  # blocks of one uniform: a pause at every draw
    gen = np.random.default_rng(4)
    np.testing.assert_array_equal([model.run(rng=gen) for _ in range(30)], ref)
    np.testing.assert_array_equal(model.runs(30, rng=4), ref)
    assert ref.max() > 50


def test_ic_model_calls_mixed_with_other_ic_calls_on_one_generator(ba_arrays):
    # Whoever reads a Generator's kept uniforms, they are read once each, in
    # order: the same sizes as the same sequence of calls made another way.
    a = ICModel(ba_arrays, [5, 17], 0.2)
    b = ICModel(ba_arrays, [3], _per_arc_probs(ba_arrays))
    gen = np.random.default_rng(8)
    mixed = []
    for _ in range(40):
        mixed.append(a.run(rng=gen))
        mixed.append(int(run_independent_cascade(ba_arrays, [3], b.p, rng=gen).sizes[0]))
        mixed.append(b.run(rng=gen))
        mixed.extend(a.runs(2, rng=gen).tolist())
        a.run(rng=np.random.default_rng(1))  # another Generator in between
    gen = np.random.default_rng(8)
    plain = []
    for _ in range(40):
        plain.append(int(run_independent_cascade(ba_arrays, [5, 17], 0.2, rng=gen).sizes[0]))
        for _ in range(2):
            plain.append(int(run_independent_cascade(ba_arrays, [3], b.p, rng=gen).sizes[0]))
        plain.extend(run_independent_cascade(ba_arrays, [5, 17], 0.2, n_runs=2, rng=gen).sizes)
    assert mixed == plain


def test_ic_model_seeds_and_none(ba_arrays):
    model = ICModel(ba_arrays, [5, 17], 0.2)
    # An int seed starts afresh at every call; a Generator carries on.
    assert len({model.run(rng=123) for _ in range(5)}) == 1
    assert model.run(rng=123) == run_independent_cascade(ba_arrays, [5, 17], 0.2, rng=123).sizes[0]
    np.testing.assert_array_equal(model.runs(20, rng=5), model.runs(20, rng=5))
    assert not np.array_equal(model.runs(20, rng=5), model.runs(20, rng=6))
    seq = np.random.SeedSequence(9)
    assert model.run(rng=seq) == model.run(rng=np.random.SeedSequence(9))
    sizes = [model.run() for _ in range(50)]  # fresh entropy each call
    assert all(2 <= s <= ba_arrays.n_nodes for s in sizes) and len(set(sizes)) > 1


def test_ic_model_last_cascade_and_edge_checks(ba_arrays):
    model = ICModel(ba_arrays, [9, 4, 9, 31], 0.25)
    with pytest.raises(RuntimeError, match=r"no cascade has run in this thread yet"):
        model.last_cascade()
    gen = np.random.default_rng(3)
    total = 0
    for _ in range(20):
        size = model.run(rng=gen)
        last = model.last_cascade()
        total += last.edge_checks
        assert last.sizes.tolist() == [size] and len(last.order) == size
    ref = run_independent_cascade(ba_arrays, [9, 4, 9, 31], 0.25, n_runs=20, rng=3)
    for x, y in zip(_ic_outputs(last)[2:5], _ic_outputs(ref)[2:5], strict=True):
        np.testing.assert_array_equal(x, y)
    assert model.edge_checks == total == ref.edge_checks
    assert last.order[:3].tolist() == [9, 4, 31] and (last.parent[:3] == -1).all()
    # After a batch: the batch's last cascade.
    sizes = model.runs(7, rng=4)
    ref = run_independent_cascade(ba_arrays, [9, 4, 9, 31], 0.25, n_runs=7, rng=4)
    np.testing.assert_array_equal(sizes, ref.sizes)
    np.testing.assert_array_equal(model.last_cascade().order, ref.order)
    np.testing.assert_array_equal(model.last_cascade().depth, ref.depth)
    assert model.edge_checks == total + ref.edge_checks
    # p = 0: only the seeds, and the kernel examines no arc.
    none = ICModel(ba_arrays, [9, 4], 0.0)
    assert none.run(rng=1) == 2 and none.last_cascade().edge_checks == 0


def test_ic_model_threads_share_a_model(ba_arrays):
    from concurrent.futures import ThreadPoolExecutor

    model = ICModel(ba_arrays, [5, 40], 0.2)

    def one(seed):
        gen = np.random.default_rng(seed)
        loop = [model.run(rng=gen) for _ in range(300)]
        return loop, model.last_cascade().order.tolist(), model.runs(50, rng=seed).tolist()

    serial = [one(seed) for seed in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(one, range(8)))
    assert threaded == serial


def test_ic_model_recovers_from_an_interrupted_cascade(ba_arrays):
    class Failing(np.random.Generator):
        def random(self, *args, **kwargs):
            raise KeyboardInterrupt

    model = ICModel(ba_arrays, [5, 17], 0.3)
    with pytest.raises(KeyboardInterrupt):
        model.run(rng=Failing(np.random.PCG64(1)))
    with pytest.raises(RuntimeError, match="no cascade has run"):
        model.last_cascade()
    # The interrupted cascade is dropped, not resumed by the next call.
    gen = np.random.default_rng(6)
    loop = [model.run(rng=gen) for _ in range(10)]
    np.testing.assert_array_equal(loop, model.runs(10, rng=6))


def test_ic_model_exact_edge_cases_and_properties():
    G = nx.path_graph(6)
    assert ICModel(G, [2, 2, 4], 0.0).run(rng=1) == 2
    assert ICModel(G, 0, 1.0).run(rng=1) == 6
    assert ICModel(G, [], 0.5).run(rng=1) == 0
    model = ICModel(G, [3, 1], 0.5)
    assert model.seed_positions.tolist() == [3, 1] and model.p == 0.5
    assert model.graph.n_nodes == 6
    assert repr(model) == "ICModel(n_nodes=6, n_arcs=10, n_seeds=2, p=0.5)"
    arrays = from_networkx(G, rng=0)
    per_arc = ICModel(arrays, [0], np.ones(arrays.n_arcs))
    assert per_arc.run(rng=0) == 6 and "p=per arc" in repr(per_arc)
    per_arc.p[:] = 0.0  # a copy: the model is unchanged
    assert per_arc.run(rng=0) == 6


def test_ic_model_pickles():
    import pickle

    model = ICModel(_kite_with_tail(), [0], "prob")
    model.run(rng=1)
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.runs(50, rng=2), model.runs(50, rng=2))
    with pytest.raises(RuntimeError, match="no cascade has run"):
        pickle.loads(pickle.dumps(model)).last_cascade()  # per-thread state is not pickled


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"p": 1.5}, ValueError, r"`p` must be in \[0, 1\]; got 1\.5"),
        ({"p": float("nan")}, ValueError, r"`p` must be finite; got nan"),
        ({"p": None}, TypeError, r"`p` must be a number; got NoneType None"),
        ({"p": "weight"}, ValueError, r"edge \(0, 1\) has no attribute `p`='weight'"),
        ({"p": np.ones(4)}, TypeError, r"`p` as an array needs a SocialGraph"),
        ({"seed_nodes": ["zzz"]}, ValueError, r"`seed_nodes` .* not in the graph: 'zzz'"),
        ({"seed_nodes": [[0]]}, ValueError, r"`seed_nodes` .* not in the graph: \[0\]"),
        ({"graph": nx.Graph()}, ValueError, r"`graph` is empty"),
        ({"graph": {0: [1]}}, TypeError, r"`graph` must be a networkx .*; got dict"),
    ],
)
def test_ic_model_bad_input(attr_graph, kwargs, error, match):
    args = {"graph": attr_graph, "seed_nodes": [0], "p": 0.5} | kwargs
    with pytest.raises(error, match=match):
        ICModel(args["graph"], args["seed_nodes"], args["p"])


def test_ic_model_bad_input_social_graph_and_calls():
    arrays = from_networkx(nx.path_graph(3), rng=0)
    with pytest.raises(
        ValueError, match=r"`p` must have one entry per arc \(4\); got shape \(3,\)"
    ):
        ICModel(arrays, [0], np.full(3, 0.5))
    with pytest.raises(ValueError, match=r"`p` must hold probabilities .*got -0\.5"):
        ICModel(arrays, [0], np.array([0.5, -0.5, 0.5, 0.5]))
    with pytest.raises(TypeError, match=r"`p` may name an edge attribute only .*'prob'"):
        ICModel(arrays, [0], "prob")
    with pytest.raises(ValueError, match=r"`seed_nodes` holds a node not in the graph: 3"):
        ICModel(arrays, [0, 3], 0.5)
    model = ICModel(arrays, [0], 0.5)
    with pytest.raises(ValueError, match=r"`n_runs` must be an int >= 1; got 0"):
        model.runs(0)
    with pytest.raises(TypeError, match=r"`n_runs` must be an int; got float 2\.0"):
        model.runs(2.0)
    with pytest.raises(TypeError, match=r"`rng` must be None, an int, .*got str 'seed'"):
        model.run(rng="seed")
    with pytest.raises(ValueError, match=r"`rng` seed must be a non-negative int; got -1"):
        model.runs(3, rng=-1)


# ---------------------------------------------------------------------------
# Node labels and seed forms


def test_activation_frequency_with_tuple_labels_is_indexed_by_node():
    G = nx.grid_2d_graph(4, 4)
    freq = activation_frequency(G, [(0, 0)], 1.0, n_runs=3, rng=0)
    assert not isinstance(freq.index, pd.MultiIndex)
    assert freq.index.name == "node" and freq.index.tolist() == list(G)
    assert (freq == 1.0).all() and freq[(3, 3)] == 1.0
    none = activation_frequency(G, [(1, 2)], 0.0, n_runs=3, rng=0)
    assert none[(1, 2)] == 1.0 and none.drop([(1, 2)]).eq(0.0).all()
    # A tuple that is a node is one seed node, not a list of two labels.
    assert (independent_cascade(G, (0, 0), 0.0, n_runs=2, rng=0) == 1).all()
    assert ICModel(G, (3, 3), 0.0).run(rng=0) == 1
    assert (linear_threshold(G, (0, 0), weights=0.0, n_runs=2, rng=0) == 1).all()


def test_activation_frequency_with_string_and_mixed_labels():
    letters = _letters()
    freq = activation_frequency(letters, "a", 1.0, n_runs=2, rng=0)
    assert freq.index.tolist() == list(letters) and (freq == 1.0).all()
    mixed = nx.Graph([(0, "a"), ("a", 2), (2, "b")])
    mixed.add_node((5, "x"))
    freq = activation_frequency(mixed, "a", 1.0, n_runs=2, rng=0)
    assert freq.index.tolist() == [0, "a", 2, "b", (5, "x")]
    assert freq.tolist() == [1.0, 1.0, 1.0, 1.0, 0.0]
    assert independent_cascade(mixed, [(5, "x"), 0], 1.0, rng=0).tolist() == [5]


@pytest.mark.parametrize("directed", [False, True])
def test_ic_parallel_edges_are_separate_chances(directed):
    # Two parallel edges 0-1 with probabilities 0.5 and 0 give node 1 a 0.5
    # chance; the edge attribute of each parallel edge is its own (the values
    # were once collapsed to the last edge's).
    G = nx.MultiDiGraph() if directed else nx.MultiGraph()
    G.add_edge(0, 1, prob=0.5)
    G.add_edge(0, 1, prob=0.0)
    G.add_edge(0, 1, prob=0.2)
    G.add_edge(1, 2, prob=1.0)
    exact, _ = exact_ic(G, [0], "prob")
    assert exact[1] == pytest.approx(0.6)
    n_runs = 100_000
    freq = activation_frequency(G, [0], "prob", n_runs=n_runs, rng=7)
    se = np.sqrt(exact * (1 - exact) / n_runs)
    np.testing.assert_array_less(np.abs(freq - exact), Z * se + 1e-12)
    # One probability for all: 1 - (1 - p)**3 for node 1.
    freq = activation_frequency(G, [0], 0.5, n_runs=n_runs, rng=8)
    assert abs(freq[1] - 0.875) < Z * math.sqrt(0.875 * 0.125 / n_runs)
    # LT and SIR read per-arc values the same way: SIR with gamma = 1 is IC.
    df = sir(G, [0], "prob", 1.0, n_runs=n_runs, rng=9)
    final = df.groupby("run")["recovered"].last()
    _check_law(final.to_numpy(), exact_ic(G, [0], "prob")[1])


def test_ic_self_loops_isolated_seeds_and_seed_forms():
    G = nx.path_graph(5)
    G.add_edge(2, 2)
    G.add_node(9)
    assert independent_cascade(G, [9], 1.0, n_runs=2, rng=0).tolist() == [1, 1]
    assert independent_cascade(G, [0], 1.0, rng=0).tolist() == [5]
    freq = activation_frequency(G, [9, 0], 1.0, n_runs=2, rng=0)
    assert freq.tolist() == [1.0] * 6
    ref = independent_cascade(G, [1, 3], 0.5, n_runs=50, rng=4)
    for seeds in (np.array([1, 3]), [np.int64(1), np.int32(3)], (1, 3), iter([1, 3])):
        np.testing.assert_array_equal(independent_cascade(G, seeds, 0.5, n_runs=50, rng=4), ref)
    one = independent_cascade(G, [3], 0.5, n_runs=50, rng=4)
    for seed in (3, np.int64(3), np.array(3)):
        np.testing.assert_array_equal(independent_cascade(G, seed, 0.5, n_runs=50, rng=4), one)
        assert ICModel(G, seed, 0.5).seed_positions.tolist() == [3]


def test_a_set_of_seeds_is_taken_in_graph_order():
    # A set has no order of its own (a set of str iterates differently in
    # every process), so its seeds are taken in graph order: reproducible.
    G = nx.Graph()
    G.add_nodes_from(range(199, -1, -1))  # graph order 199, 198, ..., 0
    G.add_edges_from(nx.barabasi_albert_graph(200, 2, seed=1).edges())
    seeds = {1, 2, 3}  # iterates 1, 2, 3; graph order is 3, 2, 1
    ref = independent_cascade(G, [3, 2, 1], 0.3, n_runs=200, rng=5)
    for unordered in (seeds, frozenset(seeds)):
        np.testing.assert_array_equal(
            independent_cascade(G, unordered, 0.3, n_runs=200, rng=5), ref
        )
    assert ICModel(G, seeds, 0.3).seed_positions.tolist() == [196, 197, 198]
    assert not np.array_equal(independent_cascade(G, [1, 2, 3], 0.3, n_runs=200, rng=5), ref)


# ---------------------------------------------------------------------------
# parallel=True: every core, one counter-based stream per run


def _with_threads(n, fn):
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    try:
        return fn()
    finally:
        numba.set_num_threads(old)


@pytest.mark.parametrize("p", [0.05, 0.3, "per_arc", 0.0, 1.0])
def test_parallel_batch_is_the_same_for_one_and_two_threads(p):
    g = from_networkx(nx.barabasi_albert_graph(2000, 3, seed=1), rng=0)
    if p == "per_arc":
        p = np.random.default_rng(2).random(g.n_arcs) * 0.2

    def run():
        return run_independent_cascade(
            g, [3, 50, 700], p, n_runs=301, count_hits=True, parallel=True, rng=7
        )

    one, two = _with_threads(1, run), _with_threads(2, run)
    for name in ("sizes", "hits", "order", "parent", "depth"):
        np.testing.assert_array_equal(getattr(one, name), getattr(two, name), err_msg=name)
    assert one.edge_checks == two.edge_checks
    assert one.hits.sum() == one.sizes.sum()
    if isinstance(p, float) and p in (0.0, 1.0):
        assert (one.sizes == (3 if p == 0.0 else g.n_nodes)).all()
    again = run_independent_cascade(g, [3, 50, 700], p, n_runs=301, parallel=True, rng=7)
    np.testing.assert_array_equal(again.sizes, one.sizes)  # a fresh call, reused work space
    other = run_independent_cascade(g, [3, 50, 700], p, n_runs=301, parallel=True, rng=8)
    if isinstance(p, np.ndarray) or 0.0 < p < 1.0:
        assert not np.array_equal(other.sizes, one.sizes)


def test_parallel_batch_samples_the_same_distribution_as_the_single_stream():
    g = from_networkx(nx.barabasi_albert_graph(3000, 3, seed=4), rng=0)
    for p in (0.1, np.full(g.n_arcs, 0.1)):
        a = run_independent_cascade(g, [0, 9], p, n_runs=4000, rng=1).sizes
        b = run_independent_cascade(g, [0, 9], p, n_runs=4000, parallel=True, rng=2).sizes
        se = np.sqrt(a.var() / len(a) + b.var() / len(b))
        assert abs(a.mean() - b.mean()) < 4 * se, (a.mean(), b.mean(), se)


def test_parallel_frequency_and_sizes_match_the_batch_and_name_a_bad_seed():
    G = nx.karate_club_graph()
    freq = activation_frequency(G, [0], 0.2, n_runs=500, parallel=True, rng=3)
    sizes = independent_cascade(G, [0], 0.2, n_runs=500, parallel=True, rng=3)
    assert freq.sum() * 500 == pytest.approx(sizes.sum())
    assert freq[0] == 1.0
    g = from_networkx(G, attributes=False)
    with pytest.raises(ValueError, match=r"`seed_nodes` holds position 99 outside 0\.\.33"):
        run_independent_cascade(g, [0, 99], 0.2, n_runs=5, parallel=True, rng=0)
