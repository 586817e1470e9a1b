"""Tests for smmsim.calibration: ABC-SMC fit, branching baseline, Bass (p, q) fits."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from smmsim.calibration import (
    PARAMETERS,
    bass_q_by_structure,
    calibrate,
    cross_validate,
    fit_bass,
    fit_branching,
    simulate_branching,
)
from smmsim.cascades import (
    SHAPE_COLUMNS,
    SHAPE_STATS,
    add_reply_chains,
    add_threads,
    cascade_shapes,
    claim_cascade_shapes,
    forest_shapes,
    ks_table,
)
from smmsim.classic import bass_mean_field
from smmsim.cli import main
from smmsim.scenario import load_config


def test_reply_chains_off_changes_nothing_and_on_adds_single_child_threads():
    lp = np.array([-1, 0, 0, 1, 1, 3, -1, 6, 7])
    t = np.arange(len(lp), dtype=float)
    same_lp, same_t = add_reply_chains(lp, t, 0.0, rng=1)
    assert same_lp is lp or np.array_equal(same_lp, lp)
    new_lp, new_t = add_reply_chains(lp, t, 0.6, rng=1)
    assert np.array_equal(new_lp[: len(lp)], lp)
    assert (new_lp[len(lp) :] < np.arange(len(lp), len(new_lp))).all()  # parents first
    added = np.arange(len(lp), len(new_lp))
    # every answer has at most one child, and answers only hang below replies to replies
    kids = np.bincount(new_lp[new_lp >= 0], minlength=len(new_lp))
    assert (kids[added] <= 1).all()
    openers = set(new_lp[added]) - set(added)
    assert openers <= {3, 4, 5, 8}
    assert (new_t[added] > new_t[new_lp[added]]).all()
    # roots and so the number of trees never change
    assert len(forest_shapes(new_lp, new_t)) == 2
    # the mean thread length is r / (1 - r) per opener
    big = np.concatenate([[-1, 0], np.arange(1, 20_000)])
    grown, _ = add_reply_chains(big, np.zeros(len(big)), 0.5, rng=2)
    assert (len(grown) - len(big)) / (len(big) - 2) == pytest.approx(1.0, rel=0.05)
    with pytest.raises(ValueError, match=r"`reply_back_prob` must be in \[0, 1\); got 1.0"):
        add_reply_chains(lp, t, 1.0)


def test_threads_off_change_nothing_and_on_grow_below_replies_only():
    lp = np.array([-1, 0, 0, 1, 1, 3, -1, 6, 7])
    t = np.arange(len(lp), dtype=float)
    same_lp, same_t = add_threads(lp, t, 0.0, rng=1)
    assert np.array_equal(same_lp, lp) and np.array_equal(same_t, t)
    new_lp, new_t = add_threads(lp, t, 0.5, 2.0, rng=1)
    assert np.array_equal(new_lp[: len(lp)], lp) and np.array_equal(new_t[: len(lp)], t)
    added = np.arange(len(lp), len(new_lp))
    assert (new_lp[added] < added).all()  # parents first
    assert (new_t[added] == new_t[new_lp[added]] + 1).all()
    assert 0 not in set(new_lp[added]) and 6 not in set(new_lp[added])  # never on a root
    kids = np.bincount(new_lp[new_lp >= 0], minlength=len(new_lp))
    answers = kids[added]
    assert (answers <= 2).all()
    assert len(forest_shapes(new_lp, new_t)) == 2
    with pytest.raises(ValueError, match=r"`heat` must be in \[0, 1\); got 1.0"):
        add_threads(lp, t, 1.0)
    with pytest.raises(ValueError, match="`concentration` must be > 0; got 0"):
        add_threads(lp, t, 0.5, 0)


def test_threads_are_unequal_so_deep_tweets_get_more_answers():
    """Mean answers per opener is the mean heat; under heat spread, deeper tweets get more."""
    star = np.concatenate([[-1], np.zeros(40_000, np.int64)])
    lp, _ = add_threads(star, np.zeros(len(star)), 0.3, 1.0, rng=4)
    kids = np.bincount(lp[lp >= 0], minlength=len(lp))
    assert kids[1 : len(star)].mean() == pytest.approx(0.3, rel=0.05)
    depth = np.zeros(len(lp), np.int64)
    for i in range(1, len(lp)):
        depth[i] = depth[lp[i]] + 1
    assert kids[depth == 1].mean() < kids[depth == 3].mean() < kids[depth >= 6].mean()
    # one shared heat (a huge concentration): about the same at every depth
    lp, _ = add_threads(star, np.zeros(len(star)), 0.3, 1e6, rng=4)
    kids = np.bincount(lp[lp >= 0], minlength=len(lp))
    depth = np.zeros(len(lp), np.int64)
    for i in range(1, len(lp)):
        depth[i] = depth[lp[i]] + 1
    assert kids[depth == 3].mean() == pytest.approx(0.3, abs=0.05)


def test_claim_threads_off_keep_the_engine_tree_and_on_only_add_tweets():
    from smmsim.engine import simulate
    from smmsim.scenario import ScenarioConfig

    cfg = ScenarioConfig.from_dict(
        {"graph": {"n_nodes": 800}, "crisis": {"enabled": True, "claim_only": True,
                                               "source": "random", "k": 5}}
    )  # fmt: skip
    run = simulate(cfg, rng=3)
    off = claim_cascade_shapes(run, rng=1)
    k = run.items.index("claim")
    plain = forest_shapes(run.tree_parent[k], run.tree_depth[k] * 3600.0)
    assert off["size"].tolist() == plain["size"].tolist()
    assert off["depth"].tolist() == plain["depth"].tolist()
    hot = cfg.with_overrides({"crisis.thread_heat": 0.6, "crisis.thread_concentration": 0.5})
    run_hot = simulate(hot, rng=3)
    assert np.array_equal(run_hot.tree_parent[k], run.tree_parent[k])  # same spread
    on = claim_cascade_shapes(run_hot, rng=1)
    assert (on["size"] >= off["size"]).all() and (on["depth"] >= off["depth"]).all()
    assert on["size"].sum() > off["size"].sum()
    with pytest.raises(ValueError, match="`crisis.thread_heat` must be below 1; got 1.0"):
        cfg.with_overrides({"crisis.thread_heat": 1.0})
    with pytest.raises(ValueError, match="crisis.thread_concentration"):
        cfg.with_overrides({"crisis.thread_concentration": 0.0})


def star_and_chain():
    # (cascade_id, label, lp, seconds): a star of 3 and a chain of 3
    return [
        (1, "x", np.array([-1, 0, 0, 0]), np.zeros(4)),
        (2, "x", np.array([-1, 0, 1]), np.zeros(3)),
    ]


def test_branching_fit_and_simulation():
    params = fit_branching(star_and_chain())
    assert params["root_mean"] == pytest.approx(2.0)  # 3 and 1 root replies
    assert params["reply_mean"] == pytest.approx(1 / 5)  # 5 replies, one answered
    a = simulate_branching(params, 50, rng=3)
    b = simulate_branching(params, 50, rng=3)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["label"]) == {"branching"}
    assert (a["size"] >= 1).all()
    critical = {"root_mean": 5.0, "root_size": 1.0, "reply_mean": 3.0, "reply_size": 1.0}
    capped = simulate_branching(critical, 3, rng=1, max_size=500)
    assert (capped["size"] <= 500).all()


def test_calibrate_tiny_writes_a_runnable_scenario(shared_data, tmp_path):
    out = tmp_path / "fit"
    args = ["calibrate", str(shared_data / "twitter-cascades-chile"), "--label", "True"]
    code = main([*args, "--out", str(out), "--budget", "tiny", "--seed", "5", "--workers", "1"])
    assert code == 0
    fit = pd.read_csv(out / "fit.csv", dtype={"label": str})
    assert list(fit.columns) == ["label", "model", "stat", "ks", "p", "n_observed", "n_simulated"]
    assert set(fit["model"]) == {"smmsim", "branching", "real_training"}
    assert set(fit["stat"]) == {"size", "depth", "max_breadth", "structural_virality"}
    assert (fit["n_observed"] == 34).all()  # 30% of 114 held out
    assert fit["ks"].between(0, 1).all() and fit["p"].between(0, 1).all()
    params = pd.read_csv(out / "params.csv")
    assert params["parameter"].tolist() == list(PARAMETERS)
    assert (params["q025"] <= params["q975"]).all()
    cfg = load_config(out / "fitted.yaml")
    assert cfg.crisis.enabled and cfg.crisis.claim_only
    for row in params.itertuples():
        got = cfg.with_overrides({}).to_dict()
        for part in row.config_path.split("."):
            got = got[part]
        assert got == pytest.approx(row.best)
    sim = tmp_path / "sim.csv"
    args = ["cascades", "--simulate", str(out / "fitted.yaml"), "--n", "20", "--seed", "1"]
    assert main([*args, "--out", str(sim)]) == 0
    assert list(pd.read_csv(sim).columns) == list(SHAPE_COLUMNS)
    # the fitted scenario's own seed reproduces the held-out check of fit.csv
    again = tmp_path / "again.csv"
    n_check = int(fit["n_simulated"].iloc[0])
    args = ["cascades", "--simulate", str(out / "fitted.yaml"), "--n", str(n_check)]
    assert main([*args, "--out", str(again)]) == 0
    test = fit[fit["model"] == "smmsim"].set_index("stat")
    split = pd.read_csv(out / "split.csv", dtype={"label": str})
    assert split["split"].value_counts().to_dict() == {"train": 80, "test": 34}
    shapes = cascade_shapes(shared_data / "twitter-cascades-chile", labels="True")
    held = shapes[shapes["cascade_id"].isin(split.loc[split["split"] == "test", "cascade_id"])]
    table = ks_table(held, pd.read_csv(again)).set_index("stat")
    for stat in test.index:
        assert table.loc[stat, "ks"] == pytest.approx(test.loc[stat, "ks"])
    ref = pd.read_csv(out / "ks_reference.csv", dtype={"label": str})
    assert ref["stat"].tolist() == [*SHAPE_STATS, "all"]
    assert (ref["n_observed"] == 34).all() and (ref["n_reference"] == n_check - 34).all()
    per_stat = ref.set_index("stat").loc[list(SHAPE_STATS)]
    assert per_stat["ks"].tolist() == pytest.approx(test.loc[list(SHAPE_STATS), "ks"].tolist())
    assert ref.set_index("stat").loc["all", "share_within"] <= per_stat["share_within"].min()


def test_cross_validation_holds_every_cascade_out_once(shared_data):
    path = shared_data / "twitter-cascades-chile"
    table = cross_validate(path, label="False", folds=2, budget="tiny", rng=3, workers=1)
    assert list(table.columns) == [
        "label", "fold", "model", "stat", "ks", "p", "n_observed", "n_simulated",
    ]  # fmt: skip
    per_fold = table[(table["fold"] != "pooled") & (table["model"] == "smmsim")]
    assert per_fold.groupby("fold")["n_observed"].first().tolist() == [50, 49]  # 99 cascades
    pooled = table[table["fold"] == "pooled"]
    assert set(pooled["model"]) == {"smmsim", "branching"}
    assert (pooled["n_observed"] == 99).all() and (pooled["n_simulated"] == 60).all()
    assert table["ks"].between(0, 1).all()
    again = cross_validate(path, label="False", folds=2, budget="tiny", rng=3, workers=1)
    pd.testing.assert_frame_equal(table, again)
    with pytest.raises(ValueError, match="`folds` must be"):
        cross_validate(path, folds=1)


def test_calibrate_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="`budget` must be one of"):
        calibrate(tmp_path, budget="huge")
    with pytest.raises(ValueError, match=r"`test_fraction` must be in \(0, 1\); got 1.5"):
        calibrate(tmp_path, test_fraction=1.5)


def test_fit_bass_recovers_a_known_curve():
    t = np.linspace(0, 25, 101)
    fit = fit_bass(t, 0.7 * bass_mean_field(0.01, 0.6, t))
    assert (fit["p"], fit["q"], fit["m"]) == pytest.approx((0.01, 0.6, 0.7), rel=1e-4)
    whole = fit_bass(t, bass_mean_field(0.03, 0.38, t), fit_market=False)
    assert (whole["p"], whole["q"], whole["m"]) == pytest.approx((0.03, 0.38, 1.0), rel=1e-4)
    with pytest.raises(ValueError, match="`t` and `fraction` must be 1-D"):
        fit_bass([0, 1], [0, 0.1])


def test_network_structure_lowers_the_bass_q():
    """Same people, same person-level q: local saturation on a lattice lowers the fitted q."""
    graphs = {
        "complete": nx.complete_graph(150),
        "lattice": nx.watts_strogatz_graph(150, 4, 0.0, seed=1),
    }
    table = bass_q_by_structure(graphs, 0.01, 0.5, n_runs=8, t_max=25.0, dt=0.25, rng=1)
    ratio = dict(zip(table["graph"], table["q_ratio"]))
    assert ratio["complete"] == pytest.approx(1.0, abs=0.15)
    assert ratio["lattice"] < 0.75 * ratio["complete"]
    assert table.loc[table["graph"] == "lattice", "clustering"].item() == pytest.approx(0.5)


def test_calibrate_on_a_dask_scheduler_matches_local(shared_data, tmp_path):
    from distributed import LocalCluster

    path = shared_data / "twitter-cascades-chile"
    local = calibrate(path, label="False", budget="tiny", rng=2, workers=1)
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    with cluster:
        remote = calibrate(
            path, label="False", budget="tiny", rng=2, scheduler=cluster.scheduler_address
        )
    pd.testing.assert_frame_equal(local.fit, remote.fit)
    pd.testing.assert_frame_equal(local.params, remote.params)


@pytest.mark.parametrize("label", ["False", "True"])
def test_shipped_claims_reproduce_their_held_out_ks(shared_data, label):
    """data/examples/claim_<label>.yaml: its header's held-out KS, by its own seed."""
    import re

    from smmsim.calibration import heldout_split
    from smmsim.cascades import read_reply_trees, simulated_cascade_shapes
    from smmsim.scenario import example_path

    path = example_path(f"claim_{label.lower()}")
    header = re.search(r"this claim\s+([\d.]+) / ([\d.]+) / ([\d.]+) / ([\d.]+)", path.read_text())
    claimed = [float(x) for x in header.groups()]
    trees = read_reply_trees(shared_data / "twitter-cascades-chile", labels=label)
    _, test_idx = heldout_split(len(trees), rng=0)
    shapes = cascade_shapes(shared_data / "twitter-cascades-chile", labels=label)
    ids = [trees[i][0] for i in test_idx]
    held = shapes[shapes["cascade_id"].isin(ids)]
    sim = simulated_cascade_shapes(load_config(path), 600)
    got = ks_table(held, sim).set_index("stat")["ks"]
    stats = ["size", "depth", "max_breadth", "structural_virality"]
    assert got[stats].round(3).tolist() == pytest.approx(claimed, abs=1e-9)


class _SerialPool:
    def map(self, fn, tasks, callback):
        out = []
        for task in tasks:
            out.append(fn(task))
            callback()
        return out


class _ThreadedPool:
    """Like the threads of one Dask worker: tasks run concurrently, finish in any order."""

    def map(self, fn, tasks, callback):
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(4) as ex:
            out = list(ex.map(fn, reversed(tasks)))[::-1]
        for _ in tasks:
            callback()
        return out


def _toy_abc(pool, tmp_path, name):
    import pyabc

    from smmsim._abc import OrderedSampler, model_seed

    def model(pars):
        rng = np.random.default_rng(model_seed())
        return {"x": pars["mu"] + rng.normal(size=20).mean()}

    sampler = OrderedSampler(pool, np.random.SeedSequence(7), max_evaluations=400)
    abc = pyabc.ABCSMC(
        model,
        pyabc.Distribution(mu=pyabc.RV("uniform", -5.0, 10.0)),
        lambda x, x0: abs(x["x"] - x0["x"]),
        population_size=pyabc.ConstantPopulationSize(20, nr_calibration_particles=30),
        sampler=sampler,
    )
    abc.new(f"sqlite:///{tmp_path / name}", {"x": 1.5})
    history = abc.run(max_nr_populations=10)
    frame, w = history.get_distribution()
    return frame["mu"].to_numpy(), w, history.max_t, sampler.total_evaluations


def test_ordered_sampler_gives_the_same_populations_whatever_runs_them(tmp_path):
    """pyabc through OrderedSampler: one seed, one result, serial or threaded."""
    mu_a, w_a, t_a, n_a = _toy_abc(_SerialPool(), tmp_path, "a.db")
    mu_b, w_b, t_b, n_b = _toy_abc(_ThreadedPool(), tmp_path, "b.db")
    np.testing.assert_array_equal(mu_a, mu_b)
    np.testing.assert_array_equal(w_a, w_b)
    assert (t_a, n_a) == (t_b, n_b)
    # the evaluation cap stops the run between generations, before 10 populations
    assert t_a < 9 and n_a <= 400
    assert abs(np.sum(w_a * mu_a) - 1.5) < 0.5  # and it is a posterior around the data


def test_calibrate_gives_the_same_numbers_on_one_and_two_workers(shared_data):
    path = shared_data / "twitter-cascades-chile"
    one = calibrate(path, label="True", budget="tiny", rng=4, workers=1)
    two = calibrate(path, label="True", budget="tiny", rng=4, workers=2)
    for a, b in [(one.params, two.params), (one.fit, two.fit), (one.posterior, two.posterior),
                 (one.history, two.history)]:  # fmt: skip
        pd.testing.assert_frame_equal(a, b)
    assert one.config.to_dict() == two.config.to_dict()
