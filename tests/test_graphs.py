"""Graph generators, conversion to CSR arrays and the SNAP loader."""

import networkx as nx
import numpy as np
import pytest

from smmsim.graphs import (
    TIE_CODE,
    GraphConfig,
    TieConfig,
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
