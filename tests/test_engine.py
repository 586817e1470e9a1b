"""The marketing engine: reduction to independent cascade, determinism, invariants."""

import dataclasses
import gc

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from smmsim.classic import run_independent_cascade
from smmsim.engine import run_replicates, simulate, simulate_replicates, world_for
from smmsim.scenario import ScenarioConfig

# Every optional mechanism off: always online, always passes on, no trust
# effect, uniform appeal, no decay, homogeneous people.
IC_LIMIT = {
    "steps": 500,
    "graph": {"n_nodes": 1500, "m": 3, "n_broadcasters": 0},
    "population": {"activity": 1.0, "share_propensity": 1.0, "heterogeneity": 0.0},
    "dynamics": {"trust_effect": 0.0},
    "reviews": {"enabled": False},
    "content": {"stickiness": 0.5, "shareability": 0.3},
    "campaign": {"seeding": {"method": "degree", "k": 3}},
}


def small(**sections):
    base = {"graph": {"n_nodes": 400, "m": 3}, "steps": 40}
    base.update(sections)
    return ScenarioConfig.from_dict(base)


@pytest.mark.slow
def test_engine_with_mechanisms_off_is_independent_cascade():
    """Two-sample test: final sizes of the engine vs classic IC, p = 0.5 * 0.3.

    3,000 runs each. The two-sample Kolmogorov-Smirnov test must not reject
    at alpha = 0.001 and the means must agree within 4 standard errors.
    """
    cfg = ScenarioConfig.from_dict(IC_LIMIT)
    world = world_for(cfg)
    n_runs = 3000
    engine = np.array([simulate(cfg, rng=s).count[0] for s in range(n_runs)])
    seeds = np.argsort(-world.graph.out_degree, kind="stable")[:3]
    classic = run_independent_cascade(world.graph, seeds, 0.15, n_runs=n_runs, rng=99).sizes
    assert stats.ks_2samp(engine, classic).pvalue > 1e-3
    se = np.sqrt(engine.var() / n_runs + classic.var() / n_runs)
    assert abs(engine.mean() - classic.mean()) < 4 * se
    assert engine.mean() > 30  # a real cascade, not a trivial one


def test_every_exposure_of_a_sharer_is_an_impression():
    cfg = ScenarioConfig.from_dict(IC_LIMIT)
    run = simulate(cfg, rng=5)
    g = world_for(cfg).graph
    assert run.per_step["impressions"].sum() == g.out_degree[run.sharers[0]].sum()


def test_cascade_tree_is_consistent():
    run = simulate(ScenarioConfig.from_dict(IC_LIMIT), rng=3)
    g = world_for(run.config).graph
    nodes, parent, depth = run.sharers[0], run.tree_parent[0], run.tree_depth[0]
    assert len(set(nodes.tolist())) == len(nodes)  # each person shares at most once
    for i, v in enumerate(nodes.tolist()):
        p = parent[i]
        if p < 0:
            assert depth[i] == 0
            continue
        # the parent shared earlier, is one generation up, and is tied to v
        assert p < i
        assert depth[i] == depth[p] + 1
        u = nodes[p]
        assert v in g.indices[g.indptr[u] : g.indptr[u + 1]]
    tree = run.tree(0)
    assert len(tree) == run.count[0]
    assert sum(parent is None for parent in tree.values()) == 3


def test_same_seed_same_results_different_seed_different():
    cfg = small()
    a, b, c = (simulate(cfg, rng=s) for s in (11, 11, 12))
    pd.testing.assert_frame_equal(a.steps_frame(), b.steps_frame())
    pd.testing.assert_series_equal(pd.Series(a.summary()), pd.Series(b.summary()))
    assert not a.steps_frame().equals(c.steps_frame())
    # cfg.seed is used when no rng is given
    d = simulate(dataclasses.replace(cfg, seed=11))
    pd.testing.assert_series_equal(pd.Series(d.summary()), pd.Series(a.summary()))


def test_replicates_are_stable_when_more_are_added():
    cfg = small()
    s3, _ = simulate_replicates(cfg, n_replicates=3, rng=7)
    s5, steps5 = simulate_replicates(cfg, n_replicates=5, rng=7)
    pd.testing.assert_frame_equal(s3, s5.iloc[:3])
    assert list(steps5["replicate"].unique()) == [0, 1, 2, 3, 4]


def test_common_random_numbers_click_through_does_not_change_the_cascade():
    """Clicks draw from their own counters, so the shares are identical."""
    lo = small(content={"click_through": 0.05})
    hi = small(content={"click_through": 0.5})
    a, b = simulate(lo, rng=21), simulate(hi, rng=21)
    assert np.array_equal(a.sharers[0], b.sharers[0])
    assert np.array_equal(a.tree_parent[0], b.tree_parent[0])
    assert b.summary()["website_sessions"] > a.summary()["website_sessions"]


def test_zero_stickiness_reaches_only_seed_audience():
    run = simulate(small(content={"stickiness": 0.0}), rng=1)
    s = run.summary()
    assert s["shares"] == s["seed_posts"] == 10
    assert s["engagements"] == 0 and s["conversions"] == 0


def test_certain_sharing_on_connected_graph_reaches_everyone():
    cfg = ScenarioConfig.from_dict(
        {**IC_LIMIT, "content": {"stickiness": 1.0, "shareability": 1.0}}
    )
    run = simulate(cfg, rng=1)
    assert run.count[0] == run.world.graph.n_nodes
    assert run.summary()["reach"] == run.world.graph.n_nodes


def test_novelty_decay_shrinks_cascades():
    fresh = simulate_replicates(small(content={"stickiness": 0.6}), n_replicates=30, rng=3)[0]
    stale = simulate_replicates(
        small(content={"stickiness": 0.6, "half_life": 1.0}), n_replicates=30, rng=3
    )[0]
    assert stale["shares"].mean() < fresh["shares"].mean()


def test_appeal_by_segment_targets_engagement():
    # appeal 0 for segments 1-3: only segment-0 people ever engage
    run = simulate(small(content={"appeal": [1.0, 0.0, 0.0, 0.0], "stickiness": 0.9}), rng=2)
    seg = run.world.graph.segment
    earned = run.sharers[0][run.tree_parent[0] >= 0]
    assert len(earned) > 0 and (seg[earned] == 0).all()


@settings(max_examples=25)
@given(
    stickiness=st.floats(0, 1),
    shareability=st.floats(0, 1),
    k=st.integers(0, 30),
    seed=st.integers(0, 2**32 - 1),
)
def test_invariants(stickiness, shareability, k, seed):
    cfg = small(
        content={"stickiness": stickiness, "shareability": shareability},
        campaign={"seeding": {"method": "random", "k": k}},
    )
    s = simulate(cfg, rng=seed).summary()
    n = cfg.graph.n_nodes
    assert s["reach"] >= s["shares"] >= s["seed_posts"] == k
    assert k <= s["cascade_size"] <= n and s["reach"] <= n
    assert s["engagements"] >= s["website_sessions"] >= s["conversions"] >= 0
    assert (
        s["impressions"] == s["impressions_paid"] + s["impressions_owned"] + s["impressions_earned"]
    )
    assert s["impressions"] >= s["reach"] - k


def test_unknown_seed_node_is_named():
    with pytest.raises(ValueError, match=r"campaign\.seeding\.nodes.*'nobody'"):
        simulate(small(campaign={"seeding": {"nodes": ["nobody"]}}), rng=0)


def test_too_many_seeds_is_an_error():
    with pytest.raises(ValueError, match=r"campaign\.seeding\.k.*<= n_nodes \(400\); got 401"):
        simulate(small(campaign={"seeding": {"k": 401}}), rng=0)


def test_steps_frame_covers_every_step_and_splits_sessions_by_origin():
    cfg = small(steps=60)
    run = simulate(cfg, rng=4)
    frame = run.steps_frame()
    assert run.n_steps < 60 and frame["step"].nunique() == 60  # padded with zeros
    late = frame[frame["step"] >= run.n_steps]
    assert (late[["shares", "website_sessions", "conversions"]] == 0).all().all()
    split = frame[["website_sessions_paid", "website_sessions_owned", "website_sessions_earned"]]
    assert (split.sum(axis=1) == frame["website_sessions"]).all()
    assert frame["website_sessions"].sum() == run.summary()["website_sessions"]


# ---------------------------------------------------------------------------
# Batched replicates: one compiled call, exactly the runs of one simulate each


def _loop_replicates(cfg, n, rng):
    from smmsim._rng import replicate_seeds

    seeds = replicate_seeds(np.random.SeedSequence(rng), n)
    rows, frames = [], []
    for i, s in enumerate(seeds):
        run = simulate(cfg, rng=s)
        rows.append({"replicate": i, "seed": s, **run.summary()})
        f = run.steps_frame()
        f.insert(0, "replicate", i)
        frames.append(f)
    return pd.DataFrame(rows), pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize(
    "sections",
    [
        {},
        {"reviews": {"enabled": True, "post_prob": 0.5}, "content": {"click_through": 0.3}},
        {"content": {"stickiness": 0.9, "shareability": 0.8, "half_life": 3.0}},
        {"campaign": {"seeding": {"method": "random", "k": 5}}},
        # referral rewards (a cost that depends on the run), an int price, influencers
        {
            "campaign": {
                "budget": 5000,
                "price": 40,
                "levers": {
                    "referral": {"spend": 300, "reward": 7.5},
                    "influencers": {"spend": 100},
                },
            }
        },
        {"content": {"stickiness": 0.0}, "reviews": {"enabled": False}},  # nothing spreads
    ],
)
def test_batched_replicates_equal_one_simulate_call_each(sections):
    cfg = small(**sections)
    want = _loop_replicates(cfg, 12, 5)
    for parallel in (False, True):
        got = simulate_replicates(cfg, n_replicates=12, rng=5, parallel=parallel)
        pd.testing.assert_frame_equal(got[0], want[0], check_exact=True)
        pd.testing.assert_frame_equal(got[1], want[1], check_exact=True)
    from smmsim._rng import replicate_seeds
    from smmsim.engine import run_replicates

    seeds = replicate_seeds(np.random.SeedSequence(5), 12)
    for run, seed in zip(run_replicates(cfg, seeds), seeds, strict=True):
        one = simulate(cfg, rng=seed)
        assert run.n_steps == one.n_steps and run.seed == one.seed
        np.testing.assert_array_equal(run.stats, one.stats)
        for a, b in zip(run.sharers + run.tree_parent + run.tree_depth + run.sharer_steps,
                        one.sharers + one.tree_parent + one.tree_depth + one.sharer_steps,
                        strict=True):  # fmt: skip
            np.testing.assert_array_equal(a, b)
        for name in ("changed", "changed_interest", "buyers", "misinformed_nodes"):
            np.testing.assert_array_equal(getattr(run, name), getattr(one, name), err_msg=name)
        assert run.costs == one.costs


def test_batched_replicates_are_the_same_on_one_and_two_threads():
    import numba

    cfg = small(reviews={"enabled": True, "post_prob": 0.5}, content={"click_through": 0.3})
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = simulate_replicates(cfg, n_replicates=70, rng=2, parallel=True)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = simulate_replicates(cfg, n_replicates=70, rng=2, parallel=True)  # 8 chunks
    finally:
        numba.set_num_threads(old)
    pd.testing.assert_frame_equal(one[0], two[0], check_exact=True)
    pd.testing.assert_frame_equal(one[1], two[1], check_exact=True)
    pd.testing.assert_frame_equal(one[0], simulate_replicates(cfg, n_replicates=70, rng=2)[0])


def test_runs_leave_the_garbage_collector_alone_but_for_the_run_itself():
    # each object a run keeps that Python's collector tracks is walked by every full
    # collection: with lists here, batches of 2,000 runs set one off every fifth call
    cfg = ScenarioConfig.from_dict({"graph": {"n_nodes": 300}, "steps": 10})
    runs = run_replicates(cfg, list(range(5)))
    gc.collect()
    for run in runs:
        for name in ("items", "kinds", "sharers", "tree_parent", "tree_depth", "sharer_steps"):
            assert not gc.is_tracked(getattr(run, name)), name
        assert not gc.is_tracked(run.costs)
    assert runs[0].items.index(runs[0].items[0]) == 0


def test_parallel_runs_equal_runs_one_by_one_on_any_number_of_threads():
    import numba

    from smmsim._rng import replicate_seeds
    from smmsim.engine import run_replicates, world_for

    cfg = small(reviews={"enabled": True, "post_prob": 0.5}, content={"click_through": 0.3})
    seeds = replicate_seeds(np.random.SeedSequence(4), 7)
    old = numba.get_num_threads()
    by_threads = []
    try:
        for t in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(t)
            by_threads.append(run_replicates(cfg, seeds, parallel=True))
    finally:
        numba.set_num_threads(old)
    one_by_one = [simulate(cfg, rng=s) for s in seeds]
    for runs in by_threads:
        for run, one in zip(runs, one_by_one, strict=True):
            np.testing.assert_array_equal(run.stats, one.stats)
            for a, b in zip(run.sharers + run.tree_parent + run.sharer_steps + (run.buyers,),
                            one.sharers + one.tree_parent + one.sharer_steps + (one.buyers,),
                            strict=True):  # fmt: skip
                np.testing.assert_array_equal(a, b)
    # one work space per piece run at once, given back and reused
    pool = world_for(cfg).cache.workspaces[len(by_threads[0][0].items)]
    assert 1 <= len(pool) <= 2
    run_replicates(cfg, seeds, parallel=True)
    assert len(world_for(cfg).cache.workspaces[len(by_threads[0][0].items)]) == len(pool)


@pytest.mark.parametrize(
    "cfg",
    [
        small(reviews={"enabled": True, "post_prob": 0.5}, content={"click_through": 0.3}),
        # a claim and nothing else: the brand's item is there but nobody shares it
        small(crisis={"enabled": True, "claim_only": True}),
        small(crisis={"enabled": True, "step": 2, "correction": {"enabled": True}}, steps=12),
        small(content={"stickiness": 0.0}),  # the seeds post, nothing spreads
    ],
    ids=["reviews", "claim-only", "crisis", "no-spread"],
)
def test_batched_tables_equal_the_tables_of_each_run(cfg):
    from smmsim.metrics.campaign import steps_table, summary_columns
    from smmsim.metrics.trees import tree_metrics_from_parents

    runs = [simulate(cfg, rng=s) for s in range(5)]
    cols = summary_columns(runs)
    for i, run in enumerate(runs):  # the batched tree metrics against the checked path
        parent = run.tree_parent[0]
        want = tree_metrics_from_parents(parent, np.arange(len(parent)))
        assert cols["cascade_size"][i] == want["size"]
        assert cols["cascade_depth"][i] == want["depth"]
        assert cols["cascade_breadth"][i] == want["breadth"]
        assert cols["structural_virality"][i] == want["structural_virality"]
    for i, run in enumerate(runs):
        want = run.summary()
        got = {name: col[i] for name, col in cols.items()}
        assert list(got) == list(want)
        for name, value in want.items():
            assert type(got[name]) is type(value), name
            assert got[name] == value or (value != value and got[name] != got[name]), name
    table = steps_table(runs)
    for i, run in enumerate(runs):
        part = table[table["replicate"] == i].drop(columns="replicate").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, run.steps_frame(), check_exact=True)
    with pytest.raises(ValueError, match="runs of one scenario"):
        summary_columns([runs[0], simulate(small(), rng=1)])


def test_run_replicates_refuses_a_plan_that_draws():
    from smmsim.engine import run_replicates

    cfg = small(crisis={"enabled": True})
    with pytest.raises(ValueError, match="`cfg` draws random numbers when planned"):
        run_replicates(cfg, [1, 2])


def test_compiled_kernel_keys_equal_numpy_seeding():
    from smmsim.engine._keys import kernel_keys

    rng = np.random.default_rng(0)
    seeds = [0, 1, 2**32 - 1, 2**32, 2**63 - 1, 2**64 - 1, *rng.integers(0, 2**63, 500).tolist()]
    want = [np.random.default_rng(s).integers(0, 2**63, dtype=np.int64) for s in seeds]
    np.testing.assert_array_equal(kernel_keys(np.array(seeds, dtype=np.uint64)), want)


def test_kernel_takes_the_named_layout_by_name():
    """The kernel's parameters are the fields of the layout tuples (one definition)."""
    import inspect

    from smmsim.engine import _batch
    from smmsim.engine import _kernel as K

    fields = [
        *K.Network._fields,
        *K.Items._fields,
        "prm",
        *(f"ev_{f}" for f in K.StaticEvents._fields),
        *K.Work._fields,
    ]
    assert list(K.KERNEL_ARGS) == fields
    kernel = list(inspect.signature(K.run_marketing.py_func).parameters)
    batch = list(inspect.signature(_batch.run_batch.py_func).parameters)
    assert kernel == [*fields, "n_steps", "key", "run"]
    assert batch == [*fields, "n_steps", "keys", "first_run"]
    # the batch calls the kernel positionally (keywords made it up to 2.6x slower)
    import ast

    tree = ast.parse(inspect.getsource(_batch.run_batch.py_func))
    (call,) = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
               and ast.unparse(n.func) == "K.run_marketing"]  # fmt: skip
    assert not call.keywords
    assert [ast.unparse(a) for a in call.args] == [*fields, "n_steps", "keys[r]", "first_run + r"]
    with pytest.raises(TypeError):
        K.Params.of(trust_effect=0.0)  # every parameter named, none forgotten


def test_kernel_params_are_floats():
    from smmsim.engine import _kernel as K

    values = dict.fromkeys(K.Params._fields, 1)
    assert all(isinstance(x, float) for x in K.Params.of(**values))


def test_replicates_on_a_given_world_are_its_runs():
    import networkx as nx

    from smmsim.engine import make_world
    from smmsim.graphs import from_networkx

    world = make_world(from_networkx(nx.barabasi_albert_graph(300, 3, seed=2)), rng=1)
    cfg = small(reviews={"enabled": True, "post_prob": 0.5})
    summary, steps = simulate_replicates(cfg, n_replicates=6, rng=3, world=world)
    for row in summary.itertuples():
        run = simulate(cfg, rng=row.seed, world=world)
        assert row.reach == run.summary()["reach"]
        assert row.cascade_size == run.summary()["cascade_size"]
    other = simulate_replicates(cfg, n_replicates=6, rng=3)[0]  # cfg's own 400-node graph
    assert not summary["reach"].equals(other["reach"])


def test_summary_of_runs_on_two_worlds_counts_each_against_its_own_people():
    from smmsim.engine import make_world
    from smmsim.metrics.campaign import summary_columns

    cfg = small(content={"stickiness": 0.6, "shareability": 0.5})
    graph = world_for(cfg).graph
    worlds = [make_world(graph, rng=seed) for seed in (1, 2)]  # other customers
    runs = [simulate(cfg, rng=s, world=w) for s in range(3) for w in worlds]
    got = summary_columns(runs)["responsiveness"]
    assert got == [r.summary()["responsiveness"] for r in runs]
    assert len(set(got)) > 1
