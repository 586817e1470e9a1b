"""Graph generators, conversion to CSR arrays and the SNAP loader."""

import networkx as nx
import numpy as np
import pytest

from smmsim.graphs import (
    TIE_CODE,
    TIE_TYPES,
    GraphConfig,
    TieConfig,
    _draw_trust,
    build_graph,
    edge_probabilities,
    from_edges,
    from_networkx,
)
from smmsim.realdata import load_snap_edgelist


@pytest.fixture
def facebook(shared_data):
    return shared_data / "ego-facebook" / "facebook_combined.txt"


def _undirected(g):
    return g.to_networkx().to_undirected()


def test_holme_kim_is_clustered_heavy_tailed_and_homophilous():
    g = build_graph(GraphConfig(n_nodes=3000, m=4, n_broadcasters=0), rng=1)
    H = _undirected(g)
    degrees = np.array([d for _, d in H.degree()])
    # clustering far above an Erdos-Renyi graph of the same density (~0.003)
    assert nx.average_clustering(H) > 0.1
    # heavy tail: the largest hub has many times the mean degree
    assert degrees.max() > 10 * degrees.mean()
    src = np.repeat(np.arange(g.n_nodes), g.out_degree)
    same = (g.segment[src] == g.segment[g.indices]).mean()
    assert same > 0.5  # 4 segments: 0.25 without homophily


def test_same_seed_same_graph_different_seed_different_graph():
    a = build_graph(GraphConfig(n_nodes=500), rng=3)
    b = build_graph(GraphConfig(n_nodes=500), rng=3)
    c = build_graph(GraphConfig(n_nodes=500), rng=4)
    assert np.array_equal(a.indices, b.indices) and np.array_equal(a.trust, b.trust)
    assert not np.array_equal(a.indices, c.indices)


def test_trust_follows_tie_type_ordering():
    g = build_graph(GraphConfig(n_nodes=2000, n_broadcasters=5), rng=2)
    means = [g.trust[g.tie_type == TIE_CODE[t]].mean() for t in TIE_CODE]
    assert means == sorted(means, reverse=True)  # family > friends > colleagues > followers
    assert ((g.trust >= 0) & (g.trust <= 1)).all()


def test_followers_are_one_way_arcs_from_broadcasters():
    g = build_graph(GraphConfig(n_nodes=1000, n_broadcasters=3, followers_mean=0.1), rng=5)
    src = np.repeat(np.arange(g.n_nodes), g.out_degree)
    followers = g.tie_type == TIE_CODE["followers"]
    assert followers.any()
    assert g.broadcaster[src[followers]].all()
    assert g.broadcaster.sum() == 3


@pytest.mark.parametrize("model", ["barabasi_albert", "erdos_renyi", "sbm"])
def test_other_models_build(model):
    g = build_graph(GraphConfig(model=model, n_nodes=400, n_broadcasters=0), rng=0)
    assert g.n_nodes == 400 and g.n_arcs > 400
    assert (g.indices != np.repeat(np.arange(400), g.out_degree)).all()  # no self loops


def test_from_networkx_keeps_labels_and_undirected_edges_work_both_ways():
    G = nx.Graph([("a", "b"), ("b", "c")])
    g = from_networkx(G, rng=0)
    assert list(g.node_ids) == ["a", "b", "c"]
    assert g.n_arcs == 4
    assert list(g.index_of(["c", "a"])) == [2, 0]
    D = nx.DiGraph([(1, 2)])
    assert from_networkx(D, rng=0).n_arcs == 1


def test_edge_probabilities_from_attribute():
    G = nx.DiGraph()
    G.add_edge(0, 1, w=0.2)
    G.add_edge(1, 2, w=0.7)
    g = from_networkx(G, rng=0)
    assert edge_probabilities(G, g, "w").tolist() == [0.2, 0.7]
    G.add_edge(2, 0, w=1.5)
    with pytest.raises(ValueError, match=r"p \(edge attribute 'w'\).*1\.5"):
        edge_probabilities(G, from_networkx(G, rng=0), "w")


def test_snap_loader_matches_known_facts(facebook):
    G = load_snap_edgelist(facebook)
    assert G.number_of_nodes() == 4039
    assert G.number_of_edges() == 88234
    assert nx.is_connected(G)
    assert nx.average_clustering(G) == pytest.approx(0.6055, abs=5e-4)
    src, dst, ids = load_snap_edgelist(facebook, return_arrays=True)
    assert len(ids) == 4039 and len(src) == 88234


def test_snap_model_builds_from_path(facebook):
    cfg = GraphConfig(model="snap", path=str(facebook), n_broadcasters=0)
    g = build_graph(cfg, rng=0)
    assert g.n_nodes == 4039 and g.n_arcs == 2 * 88234


def test_malformed_edge_list_line_is_named(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("# comment\n0 1\n1 x\n")
    with pytest.raises(ValueError, match=r"line 3 in bad\.txt.*'1 x'"):
        load_snap_edgelist(bad)
    short = tmp_path / "short.txt"
    short.write_text("0 1\n7\n")
    with pytest.raises(ValueError, match=r"line 2 in short\.txt.*expected 'u v'"):
        load_snap_edgelist(short)
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n")
    with pytest.raises(ValueError, match="empty"):
        load_snap_edgelist(empty)
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        load_snap_edgelist(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_nodes": -5}, r"graph\.n_nodes.*>= 2.*-5"),
        ({"model": "smallworld"}, r"graph\.model.*'smallworld'"),
        ({"homophily": 1.5}, r"graph\.homophily.*\[0, 1\].*1\.5"),
        ({"m": 10, "n_nodes": 5}, r"graph\.m.*< graph\.n_nodes.*10"),
        ({"model": "snap"}, r"graph\.path.*required"),
        ({"followers_mean": -1.0}, r"graph\.followers_mean.*>= 0.*-1\.0"),
    ],
)
def test_graph_config_errors_name_field_and_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GraphConfig(**kwargs)


def test_tie_config_probabilities_must_sum_to_one():
    with pytest.raises(ValueError, match=r"family_prob \+ friends_prob.*must be 1"):
        TieConfig(family_prob=0.5, friends_prob=0.5, colleagues_prob=0.5)
    with pytest.raises(ValueError, match=r"unknown key.*'colour'"):
        GraphConfig.from_dict({"ties": {"colour": 1}})


def test_from_edges_rejects_bad_input():
    with pytest.raises(ValueError, match=r"`dst` holds node position 9 outside 0\.\.2"):
        from_edges([0], [9], n_nodes=3)
    with pytest.raises(ValueError, match="`n_nodes` must be an int >= 1; got 0"):
        from_edges([], [], n_nodes=0)
    with pytest.raises(ValueError, match=r"`trust` must hold probabilities.*2\.0"):
        from_edges([0], [1], n_nodes=2, trust=[2.0])


def test_empty_networkx_graph_is_an_error():
    with pytest.raises(ValueError, match="`graph` is empty"):
        from_networkx(nx.Graph())


# ---------------------------------------------------------------------------
# from_edges: counting-sort CSR, chunked trust, memory


def _reference_csr(src, dst, n, directed, tie, trust, extra=None, extra_trust=None):
    """CSR by a stable argsort of the concatenated arc list (the plain way)."""
    src, dst = np.asarray(src, np.int64), np.asarray(dst, np.int64)
    if not directed:
        src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
        tie, trust = np.concatenate([tie, tie]), np.concatenate([trust, trust])
    if extra is not None:
        src, dst = np.concatenate([src, extra[0]]), np.concatenate([dst, extra[1]])
        tie = np.concatenate([tie, np.full(len(extra[0]), TIE_CODE["followers"], np.int8)])
        trust = np.concatenate([trust, extra_trust])
    order = np.argsort(src, kind="stable")
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))])
    return indptr, dst[order].astype(np.int32), tie[order], trust[order]


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint16])
def test_from_edges_matches_a_stable_sort_of_the_arcs(directed, dtype):
    rng = np.random.default_rng(8)
    n, m = 300, 4000  # repeated edges, self-loops and isolated nodes included
    src = rng.integers(0, n - 20, m).astype(dtype)
    dst = rng.integers(0, n - 20, m).astype(dtype)
    tie = rng.integers(0, 3, m).astype(np.int8)
    trust = rng.random(m).astype(np.float32)
    extra = (rng.integers(0, n, 500), rng.integers(0, n, 500))
    g = from_edges(src, dst, n_nodes=n, directed=directed, tie_type=tie, trust=trust, rng=1)
    ref = _reference_csr(src, dst, n, directed, tie, trust)
    for name, want in zip(("indptr", "indices", "tie_type", "trust"), ref, strict=True):
        got = getattr(g, name)
        assert got.dtype == want.dtype, name
        np.testing.assert_array_equal(got, want, err_msg=name)
    # Follower arcs come after each source's own edges (the edge trust is
    # given, so the follower trust is the generator's first draw).
    g = from_edges(src, dst, n_nodes=n, directed=directed, tie_type=tie, trust=trust,
                   extra_arcs=extra, rng=1)  # fmt: skip
    followers = np.full(500, TIE_CODE["followers"], np.int8)
    follower_trust = _draw_trust(followers, TieConfig(), np.random.default_rng(1))
    ref = _reference_csr(src, dst, n, directed, tie, trust, extra, follower_trust)
    for name, want in zip(("indptr", "indices", "tie_type", "trust"), ref, strict=True):
        np.testing.assert_array_equal(getattr(g, name), want, err_msg=name)


def test_trust_drawn_in_chunks_equals_one_draw(monkeypatch):
    from smmsim import graphs

    ties = TieConfig(trust_concentration=8.0)
    tie = np.random.default_rng(2).integers(0, 4, 10_001).astype(np.int8)
    mean = np.clip(ties.mean_trust()[tie], 1e-6, 1 - 1e-6)
    a = mean * ties.trust_concentration
    whole = np.random.default_rng(3).beta(a, ties.trust_concentration - a).astype(np.float32)
    monkeypatch.setattr(graphs, "_TRUST_CHUNK", 999)
    chunked = graphs._draw_trust(tie, ties, np.random.default_rng(3))
    assert chunked.dtype == np.float32
    np.testing.assert_array_equal(chunked, whole)
    flat = graphs._draw_trust(tie, TieConfig(trust_concentration=0.0), np.random.default_rng(3))
    np.testing.assert_array_equal(flat, ties.mean_trust()[tie].astype(np.float32))


def test_from_edges_memory_stays_near_its_output(monkeypatch):
    # The old argsort build held ~4.8x its output in numpy buffers at its peak
    # (int64 copies, both arc directions, the permutation, float64 trust).
    import tracemalloc

    from smmsim import graphs

    monkeypatch.setattr(graphs, "_TRUST_CHUNK", 1 << 16)
    rng = np.random.default_rng(0)
    n, m = 200_000, 1_000_000
    src = rng.integers(0, n, m).astype(np.int32)
    dst = rng.integers(0, n, m).astype(np.int32)
    from_edges(src[:10], dst[:10], n_nodes=n, rng=1)  # compile outside the trace
    tracemalloc.start()
    try:
        g = from_edges(src, dst, n_nodes=n, rng=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Arc arrays: 18 bytes per edge. Also held at the peak: the tie codes and
    # trust per edge (5 bytes) and the node arrays (~1.4x here): 1.5x in all.
    output = g.indices.nbytes + g.tie_type.nbytes + g.trust.nbytes
    assert peak < 2.0 * output, (peak / 2**20, output / 2**20)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tie_type": [0, 1]}, r"`tie_type` must have one entry per edge \(3\); got shape \(2,\)"),
        ({"trust": [0.5] * 4}, r"`trust` must have one entry per edge \(3\); got shape \(4,\)"),
        ({"extra_arcs": ([0], [7])}, r"`extra_arcs` holds node position 7 outside 0\.\.4"),
        ({"extra_arcs": ([0, 1], [2])}, r"`extra_arcs` must hold two arrays of equal length"),
        ({"src": [[0, 1, 2]]}, r"`src` must be a 1-D array of node positions; got shape \(1, 3\)"),
        ({"src": [0, -2, 1]}, r"`src` holds node position -2 outside 0\.\.4"),
    ],
)
def test_from_edges_rejects_malformed_arrays(kwargs, match):
    args = {"src": [0, 1, 2], "dst": [1, 2, 3]} | kwargs
    with pytest.raises(ValueError, match=match):
        from_edges(args.pop("src"), args.pop("dst"), n_nodes=5, rng=0, **args)


def test_sort_based_unique_equals_numpy_unique():
    from smmsim.graphs import _sorted_unique
    from smmsim.realdata import _unique

    rng = np.random.default_rng(4)
    for x in (np.zeros(0, np.int64), np.array([5]), np.array([3, 3, 3]), rng.integers(0, 90, 5000)):
        np.testing.assert_array_equal(_sorted_unique(x), np.unique(x))
        np.testing.assert_array_equal(_unique(x), np.unique(x))
        ids, inverse = _unique(x, return_inverse=True)
        want_ids, want_inverse = np.unique(x, return_inverse=True)
        np.testing.assert_array_equal(ids, want_ids)
        np.testing.assert_array_equal(inverse, want_inverse)
        assert inverse.dtype == want_inverse.dtype


def test_missing_snap_path_names_the_field(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"`graph\.path`.*nowhere\.txt"):
        build_graph(GraphConfig(model="snap", path=str(tmp_path / "nowhere.txt")), rng=0)


# ---------------------------------------------------------------------------
# from_networkx: the adjacency read once, attributes only when asked for


def _graphs_to_convert():
    rng = np.random.default_rng(5)
    ba = nx.barabasi_albert_graph(500, 3, seed=1)
    loops = nx.gnm_random_graph(60, 300, seed=2)
    loops.add_edges_from([(3, 3), (0, 0), (59, 59)])
    loops.add_nodes_from([100, 101])  # isolated, after the others
    shuffled = nx.Graph()
    order = rng.permutation(80).tolist()
    shuffled.add_nodes_from(order)  # integer labels not in position order
    shuffled.add_edges_from(nx.gnm_random_graph(80, 200, seed=3).edges())
    labels = nx.relabel_nodes(nx.karate_club_graph(), lambda v: f"p{v}")
    directed = nx.gnp_random_graph(70, 0.08, seed=4, directed=True)
    directed.add_edge(5, 5)
    attrs = nx.gnm_random_graph(50, 150, seed=6)
    for k, (u, v) in enumerate(attrs.edges()):
        attrs.edges[u, v]["tie"] = TIE_TYPES[k % 3]
    trusted = nx.gnm_random_graph(40, 90, seed=7, directed=True)
    for u, v in trusted.edges():
        trusted.edges[u, v]["trust"] = (u * 7 + v) % 10 / 10
    for v in trusted:
        trusted.nodes[v]["segment"] = v % 3
    view = nx.subgraph_view(ba, filter_node=lambda v: v % 7 != 0)
    mixed = nx.Graph([(0, np.int64(1)), (np.int64(1), 2), (2, 0)])
    return [ba, loops, shuffled, labels, directed, attrs, trusted, view, mixed,
            nx.empty_graph(5), nx.path_graph(1)]  # fmt: skip


@pytest.mark.parametrize("k", range(11))
def test_from_networkx_equals_the_edge_list_conversion(k):
    from smmsim.graphs import _from_edge_view

    G = _graphs_to_convert()[k]
    got = from_networkx(G, rng=3, ties=TieConfig(trust_concentration=5.0))
    ties = TieConfig(trust_concentration=5.0)
    want = _from_edge_view(G, rng=3, ties=ties, segment_attr="segment")
    for name in ("indptr", "indices", "node_ids", "tie_type", "trust", "segment", "broadcaster"):
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    structure = from_networkx(G, attributes=False)
    np.testing.assert_array_equal(structure.indptr, want.indptr)
    np.testing.assert_array_equal(structure.indices, want.indices)
    np.testing.assert_array_equal(structure.node_ids, want.node_ids)
    assert (structure.tie_type == TIE_CODE["friends"]).all()
    assert (structure.trust == np.float32(TieConfig().mean_trust()[TIE_CODE["friends"]])).all()
    assert (structure.segment == 0).all()


def test_from_networkx_without_attributes_draws_nothing():
    G = nx.barabasi_albert_graph(200, 2, seed=0)
    rng = np.random.default_rng(1)
    state = rng.bit_generator.state
    from_networkx(G, attributes=False, rng=rng)
    assert rng.bit_generator.state == state


def test_from_networkx_multigraph_keeps_one_arc_per_edge_key():
    G = nx.MultiGraph([(0, 1), (0, 1), (1, 2)])
    g = from_networkx(G, rng=0)
    assert g.indptr.tolist() == [0, 2, 5, 6]
    assert g.indices.tolist() == [1, 1, 2, 0, 0, 1]  # own edges first, then reversed ones


def test_from_networkx_rejects_an_unknown_tie_and_a_bad_trust():
    G = nx.Graph()
    G.add_edge(0, 1, tie="enemies")
    with pytest.raises(ValueError, match=r"edge attribute `tie` must be one of .*'enemies'"):
        from_networkx(G, rng=0)
    from_networkx(G, attributes=False)  # not read
    G = nx.Graph()
    G.add_edge(0, 1, trust=1.5)
    with pytest.raises(ValueError, match=r"`trust` must hold probabilities.*1\.5"):
        from_networkx(G, rng=0)
