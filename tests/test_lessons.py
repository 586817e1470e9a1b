"""smmsim.lessons: the experiment and figure helpers of notebooks 06-14."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from smmsim.engine import simulate_replicates
from smmsim.lessons import (
    compare_factors,
    matched_synthetic_graph,
    paired_difference,
    plot_dashboard,
    plot_lever_bars,
    with_spends,
)
from smmsim.scenario import ScenarioConfig, load_config


@pytest.fixture(scope="module")
def small():
    return ScenarioConfig.from_dict({"graph": {"n_nodes": 300}, "seed": 3})


def test_with_spends_sets_the_named_levers_and_zeroes_the_rest():
    cfg = load_config("data/examples/campaign.yaml")
    out = with_spends(cfg, {"influencers": 100.0, "referral": 20.0})
    alloc = out.campaign.levers.allocations()
    assert alloc["influencers"] == 100.0 and alloc["referral"] == 20.0
    assert sum(alloc.values()) == 120.0
    assert out.campaign.budget == 120.0
    assert with_spends(cfg, {}, budget=50.0).campaign.budget == 50.0


def test_with_spends_rejects_unknown_levers_negative_spends_and_overspending(small):
    with pytest.raises(ValueError, match="unknown lever 'tv'"):
        with_spends(small, {"tv": 10.0})
    with pytest.raises(ValueError, match=r"spends\['outreach'\]"):
        with_spends(small, {"outreach": -1.0})
    with pytest.raises(ValueError, match="more than `campaign.budget`"):
        with_spends(small, {"outreach": 100.0}, budget=50.0)


def test_compare_factors_crosses_the_levels_with_paired_replicates(small):
    table = compare_factors(
        small,
        {
            "stick": {0.1: {"content.stickiness": 0.1}, 0.6: {"content.stickiness": 0.6}},
            "share": {"low": {"content.shareability": 0.1}, "high": {"content.shareability": 0.6}},
        },
        n_replicates=3,
        rng=5,
    )
    assert list(table.columns[:3]) == ["stick", "share", "replicate"]
    assert len(table) == 2 * 2 * 3
    assert table.groupby(["stick", "share"]).size().eq(3).all()
    # the same replicate seeds in every arm
    assert table.groupby("replicate")["seed"].nunique().eq(1).all()
    means = table.groupby("stick")["engagements"].mean()
    assert means[0.6] > means[0.1]
    again = compare_factors(
        small,
        {
            "stick": {0.1: {"content.stickiness": 0.1}, 0.6: {"content.stickiness": 0.6}},
            "share": {"low": {"content.shareability": 0.1}, "high": {"content.shareability": 0.6}},
        },
        n_replicates=3,
        rng=5,
    )
    pd.testing.assert_frame_equal(again, table)


def test_compare_factors_rejects_empty_factors(small):
    with pytest.raises(ValueError, match="at least one factor"):
        compare_factors(small, {})
    with pytest.raises(ValueError, match=r"`factors\['x'\]` must have at least one level"):
        compare_factors(small, {"x": {}})


def test_paired_difference_uses_the_per_replicate_differences():
    t = pd.DataFrame(
        {
            "arm": ["a"] * 4 + ["b"] * 4,
            "replicate": [0, 1, 2, 3] * 2,
            "x": [1.0, 5.0, 9.0, 13.0, 2.0, 6.0, 10.0, 14.0],
        }
    )
    d = paired_difference(t, "x", "arm", "b", "a")
    # every pair differs by exactly 1: no spread, although each arm varies a lot
    assert d == {"mean": 1.0, "ci_low": 1.0, "ci_high": 1.0, "n": 4}
    t.loc[7, "x"] = 16.0
    d = paired_difference(t, "x", "arm", "b", "a")
    assert d["ci_low"] < d["mean"] < d["ci_high"]


def test_paired_difference_errors():
    t = pd.DataFrame({"arm": ["a"], "replicate": [0], "x": [1.0]})
    with pytest.raises(ValueError, match="column 'y' is not in the table"):
        paired_difference(t, "y", "arm", "a", "a")
    with pytest.raises(ValueError, match="`reference` 'b' has no rows"):
        paired_difference(t, "x", "arm", "a", "b")
    with pytest.raises(ValueError, match=r"`confidence` must be in \(0, 1\)"):
        paired_difference(t, "x", "arm", "a", "a", confidence=1.0)


def test_figures_have_labelled_axes(small):
    table = compare_factors(
        with_spends(small, {}, budget=10.0),
        {"lever": {"ads": {"campaign.levers.broadcast_ads.spend": 10.0}, "none": {}}},
        n_replicates=2,
        rng=1,
    )
    fig = plot_lever_bars(table, ["conversions", "reach"], by="lever")
    assert isinstance(fig, Figure)
    assert [ax.get_xlabel() for ax in fig.axes] == [
        "Conversions (purchases)",
        "Reach (people exposed)",
    ]
    summary, steps = simulate_replicates(small, n_replicates=2, rng=1)
    fig = plot_dashboard(summary, steps)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "Website traffic",
        "Return on investment",
        "Customer responsiveness",
        "Reach / virality",
    ]
    assert all(ax.get_ylabel() for ax in fig.axes)


def test_matched_synthetic_graph_keeps_size_and_mean_degree():
    G = nx.gnm_random_graph(200, 1000, seed=1)
    hk = matched_synthetic_graph(G)
    assert hk["graph.n_nodes"] == 200 and hk["graph.m"] == 5
    er = matched_synthetic_graph(G, model="erdos_renyi")
    assert er["graph.mean_degree"] == pytest.approx(10.0)
    cfg = ScenarioConfig.from_dict({}).with_overrides(hk)
    assert cfg.graph.n_nodes == 200
    with pytest.raises(ValueError, match="`model` must be"):
        matched_synthetic_graph(G, model="sbm")
    assert np.isfinite(hk["graph.triad_prob"])


def test_percolation_fraction_solves_its_equation_and_vanishes_below_the_threshold():
    from smmsim.lessons import percolation_giant_fraction

    ps = np.array([0.1, 0.2, 0.3, 0.9])
    s = percolation_giant_fraction(8.0, ps)
    assert s[0] == 0.0  # c p = 0.8 < 1
    above = ps > 1 / 8
    np.testing.assert_allclose(s[above], 1 - np.exp(-8.0 * ps[above] * s[above]), atol=1e-12)
    assert np.all(np.diff(s) >= 0)


def test_sir_transmissibility_limits():
    from smmsim.lessons import sir_transmissibility

    assert sir_transmissibility(0.25, 1.0) == pytest.approx(0.25)
    assert sir_transmissibility(0.0, 0.5) == 0.0
    assert sir_transmissibility(0.2, 1e-9) == pytest.approx(1.0, abs=1e-6)
    # geometric duration K with mean 2: T = 1 - E[(1 - beta)^K]
    k = np.arange(1, 200)
    expected = 1 - np.sum(0.5 * 0.5 ** (k - 1) * 0.9**k)
    assert sir_transmissibility(0.1, 0.5) == pytest.approx(expected)


def test_outbreak_curve_counts_sizes_and_large_outbreaks():
    from smmsim.lessons import outbreak_curve

    G = nx.path_graph(50)
    ic = outbreak_curve(G, [0.0, 1.0], n_runs=3, rng=1)
    assert ic.groupby("probability")["size"].agg(list).to_dict() == {0.0: [1, 1, 1], 1.0: [50] * 3}
    assert ic["large"].tolist() == [False] * 3 + [True] * 3
    sir = outbreak_curve(G, [1.0], model="sir", gamma=1.0, n_runs=2, rng=1)
    assert sir["size"].tolist() == [50, 50]
    again = outbreak_curve(G, [0.5], n_runs=4, rng=7)
    pd.testing.assert_frame_equal(again, outbreak_curve(G, [0.5], n_runs=4, rng=7))
    with pytest.raises(ValueError, match="`model` must be 'ic' or 'sir'"):
        outbreak_curve(G, [0.5], model="sis")


def test_graph_facts_and_degree_figure():
    from smmsim.graphs import GraphConfig, build_graph
    from smmsim.lessons import graph_facts, plot_degree_ccdf

    g = build_graph(GraphConfig(n_nodes=300), rng=1)
    facts = graph_facts({"a": g})
    assert facts.loc[0, "people"] == 300 and facts.loc[0, "ties"] == g.n_arcs
    assert facts.loc[0, "max_audience"] == g.out_degree.max()
    assert 0 < facts.loc[0, "top1pct_share"] < 1
    fig = plot_degree_ccdf({"a": g})
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_ylabel()


def test_cascade_figures():
    from smmsim.lessons import plot_rank_tests, plot_shape_vs_size

    rows = [
        {
            "stat": s,
            "matched": m,
            "auc": 0.5 + 0.05 * (not m),
            "auc_ci_low": 0.4,
            "auc_ci_high": 0.7,
            "n_x": 10,
            "n_y": 12,
        }
        for m in (False, True)
        for s in ("depth", "structural_virality")
    ]
    fig = plot_rank_tests(pd.DataFrame(rows))
    assert "AUC" in fig.axes[0].get_xlabel()
    shapes = pd.DataFrame(
        {
            "label": ["False", "True"] * 3,
            "size": [2, 3, 10, 12, 50, 40],
            "depth": [1, 1, 3, 2, 6, 5],
            "max_breadth": [1, 2, 5, 6, 20, 18],
            "structural_virality": [1.0, 1.3, 2.0, 2.1, 3.0, 2.8],
        }
    )
    fig = plot_shape_vs_size(shapes)
    assert [ax.get_ylabel() for ax in fig.axes][0] == "Depth (longest reply chain)"


def test_plot_sensitivity_draws_morris_indices_and_refuses_other_tables():
    from smmsim.lessons import plot_sensitivity

    rows = []
    for p, mu in (("broadcast_ads", 0.5), ("influencers", -0.4)):
        for index, value in (("mu", mu), ("mu_star", abs(mu)), ("sigma", 0.1)):
            rows.append(
                {
                    "metric": "roi",
                    "method": "morris",
                    "parameter": p,
                    "parameter_2": None,
                    "index": index,
                    "value": value,
                    "conf": 0.05,
                }
            )
    fig = plot_sensitivity(pd.DataFrame(rows), "roi")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Influencers", "Broadcast ads"]  # sorted by mu*
    with pytest.raises(ValueError, match="no Morris indices for metric 'reach'"):
        plot_sensitivity(pd.DataFrame(rows), "reach")


def _sweep_rows():
    rng = np.random.default_rng(0)
    rows = []
    for cell in range(8):
        ads, infl = rng.uniform(0, 300), rng.uniform(0, 300)
        for rep in range(3):
            rows.append(
                {
                    "cell": cell,
                    "replicate": rep,
                    "broadcast_ads": ads,
                    "influencers": infl,
                    "conversions": 10 + 0.1 * ads + rng.normal(),
                    "roi": -0.5 + 0.001 * ads,
                    "error": None,
                }
            )
    return pd.DataFrame(rows)


def test_sweep_effect_table_means_each_cell_and_the_figure_shows_the_trend():
    from smmsim.lessons import plot_sweep_effect, sweep_effect_table

    results = _sweep_rows()
    cells = sweep_effect_table(results, "broadcast_ads", "conversions")
    assert len(cells) == 8 and (cells["n"] == 3).all()
    assert cells["broadcast_ads"].is_monotonic_increasing
    one = results[results["cell"] == cells["cell"].iloc[0]]
    assert cells["conversions"].iloc[0] == pytest.approx(one["conversions"].mean())
    fig = plot_sweep_effect(results, "broadcast_ads", ["conversions", "roi"])
    assert [ax.get_xlabel() for ax in fig.axes] == ["Broadcast ads spend ($)"] * 2
    assert [len(ax.lines) for ax in fig.axes] == [1, 1]  # the trend line
    with pytest.raises(ValueError, match="lacks column 'tv'"):
        sweep_effect_table(results, "tv", "roi")


def test_matched_rank_tests_reuses_the_unmatched_tests():
    from smmsim.cascades import size_matched_tests
    from smmsim.lessons import matched_rank_tests

    rng = np.random.default_rng(1)
    sizes = np.concatenate([rng.integers(2, 60, 40), rng.integers(2, 30, 40)])
    shapes = pd.DataFrame(
        {
            "label": ["False"] * 40 + ["True"] * 40,
            "size": sizes,
            "depth": np.maximum(1, sizes // 4),
            "max_breadth": np.maximum(1, sizes // 2),
            "structural_virality": 1 + np.log(sizes),
        }
    )
    first = matched_rank_tests(shapes, 1.25, n_boot=20, rng=3)
    again = matched_rank_tests(shapes, 2.0, n_boot=20, rng=3, unmatched=first)
    whole = size_matched_tests(shapes, max_ratio=2.0, n_boot=20, rng=3)
    keep = ["stat", "matched", "auc", "n_x", "n_y", "n_pairs"]
    pd.testing.assert_frame_equal(
        again[keep][again["matched"]].reset_index(drop=True),
        whole[keep][whole["matched"]].reset_index(drop=True),
    )
    assert again[~again["matched"]]["auc_ci_low"].tolist() == (
        first[~first["matched"]]["auc_ci_low"].tolist()
    )
    with pytest.raises(ValueError, match="no 'False'/'True' cascades match"):
        far = shapes.assign(size=np.where(shapes["label"] == "False", 1000, 2))
        matched_rank_tests(far, 1.5, n_boot=5, rng=1)


def test_auc_table_sweep_trend_and_ecdf_table():
    from smmsim.lessons import auc_table, ecdf_table, sweep_trend

    tests = pd.DataFrame(
        {"stat": ["depth"] * 2, "matched": [False, True], "auc": [0.6, 0.5],
         "auc_ci_low": [0.5, 0.4], "auc_ci_high": [0.7, 0.6], "p": [0.1, 0.9]}
    )  # fmt: skip
    assert auc_table(tests)["sample"].tolist() == ["all cascades", "matched on size"]
    cells = pd.DataFrame({"x": [0.0, 100.0, 200.0], "y": [1.0, 2.0, 3.0]})
    assert sweep_trend(cells, "x", "y") == pytest.approx(2.0)
    assert sweep_trend(cells.assign(x=5.0), "x", "y") == 0.0
    table = pd.DataFrame({"depth": [0, 1, 1, 3, 2], "source": ["a", "a", "a", "a", "b"]})
    e = ecdf_table(table, "depth", hue="source")
    a = e[e["source"] == "a"]
    assert a["depth"].tolist() == [0, 1, 2, 3]
    assert a["share"].tolist() == [0.25, 0.75, 0.75, 1.0]
    assert e[e["source"] == "b"]["share"].tolist() == [0.0, 0.0, 1.0]
