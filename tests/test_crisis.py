"""Crisis and correction: damage against the paired no-crisis run."""

import numpy as np
import pandas as pd
import pytest

from smmsim.engine import simulate, simulate_replicates
from smmsim.scenario import load_config
from smmsim.scenario.earned import CrisisConfig

CRISIS = "data/examples/crisis.yaml"


def crisis(**overrides):
    cfg = load_config(CRISIS).with_overrides({"graph.n_nodes": 2500, **overrides})
    return cfg


def test_baseline_is_exactly_the_run_without_the_crisis():
    """Common random numbers: the paired baseline equals a separate no-crisis run."""
    cfg = crisis()
    run = simulate(cfg, rng=9)
    calm = simulate(cfg.with_overrides({"crisis.enabled": False}), rng=9)
    for name in ("conversions", "clicks", "shares"):
        assert np.array_equal(run.baseline.per_step[name][:, :3], calm.per_step[name][:, :3])
    s = run.summary()
    assert s["baseline_conversions"] == calm.summary()["conversions"]
    assert s["lost_sales"] == s["baseline_conversions"] - s["conversions"]
    assert s["negative_reach"] > 0 and s["misinformed"] > 0


def test_example_crisis_json_metrics_present():
    s = simulate(load_config(CRISIS), rng=1).summary()
    for name in (
        "reach",
        "website_sessions",
        "conversions",
        "revenue",
        "cost",
        "roi",
        "responsiveness",
        "earned_impressions",
        "lost_sales",
    ):
        assert name in s


@pytest.mark.slow
def test_later_correction_never_does_less_damage_and_none_is_worst():
    """Mean damage over 30 paired replicates (same seeds for every delay).

    Damage = lost sales and lost purchase intent. With common random numbers
    the comparisons are paired; a later correction may tie an earlier one but
    must not do less damage by more than noise (0.5 sales; 2% of intent loss).
    """
    delays = [0, 2, 5, 10]
    rows = []
    for d in [*delays, None]:
        over = (
            {"crisis.correction.delay": d}
            if d is not None
            else {"crisis.correction.enabled": False}
        )
        s, _ = simulate_replicates(crisis(**over), n_replicates=30, rng=4)
        rows.append(
            {
                "delay": d,
                "lost_sales": s["lost_sales"].mean(),
                "intent_loss": s["intent_loss"].mean(),
            }
        )
    table = pd.DataFrame(rows)
    lost = table["lost_sales"].to_numpy()
    intent = table["intent_loss"].to_numpy()
    assert (np.diff(lost) >= -0.5).all(), table
    assert (np.diff(intent) >= -0.02 * intent.max()).all(), table
    # no correction is the worst, clearly for intent
    assert lost[-1] >= lost[:-1].max() - 0.5
    assert intent[-1] > 1.1 * intent[0]
    assert lost[-1] > lost[0]


def test_intent_after_correction_stays_below_pre_crisis_when_recovery_below_one():
    cfg = crisis(**{"reviews.enabled": False, "crisis.correction.recovery": 0.6})
    run = simulate(cfg, rng=3)
    m = run.misinformed
    assert m.sum() > 100
    # continued influence: every misinformed person ends below their pre-claim interest
    assert (run.interest_after[m] < run.interest_before[m]).all()
    assert run.summary()["corrected_interest_gap"] > 0
    # full recovery restores everyone the correction reached and who engaged with it
    full = simulate(cfg.with_overrides({"crisis.correction.recovery": 1.0}), rng=3)
    assert full.summary()["corrected_interest_gap"] < run.summary()["corrected_interest_gap"]


def test_prebunking_protects():
    """The correction shown to everyone before the claim spreads blunts it."""
    common = {
        "crisis.correction.target": "everyone",
        "crisis.correction.delay": 0,
        "crisis.correction.reach": 0.9,
        "reviews.enabled": False,
    }
    protected = simulate_replicates(
        crisis(**common, **{"crisis.correction.prebunk_protection": 1.0}), n_replicates=5, rng=2
    )[0]
    exposed = simulate_replicates(
        crisis(**common, **{"crisis.correction.prebunk_protection": 0.0}), n_replicates=5, rng=2
    )[0]
    assert protected["intent_loss"].mean() < exposed["intent_loss"].mean()


def test_negative_reviews_can_follow_a_claim():
    cfg = crisis(
        **{
            "reviews.post_prob": 1.0,
            "reviews.quality": 1.0,
            "population.role_probs.customer": 0.5,
            "population.role_probs.prospect": 0.15,
        }
    )
    s = simulate(cfg, rng=5).summary()
    # quality 1: buyers' reviews are all positive; the negative posts are complaints
    assert s["complaints"] > 0
    assert s["reviews_negative"] == 0
    calm = simulate(cfg.with_overrides({"crisis.enabled": False}), rng=5).summary()
    assert calm["complaints"] == 0 and s["sentiment"] < calm["sentiment"]


def test_crisis_sources():
    media = simulate(crisis(**{"crisis.source": "media", "crisis.k": 1}), rng=1)
    g = media.world.graph
    claim = media.items.index("claim")
    first = media.sharers[claim][0]
    assert g.broadcaster[first]
    nodes = simulate(crisis(**{"crisis.source": "nodes", "crisis.nodes": [7, 8]}), rng=1)
    assert set(nodes.sharers[claim][:2].tolist()) == {7, 8}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"step": -1}, r"crisis\.step.*>= 0; got -1"),
        ({"source": "tv"}, r"crisis\.source.*'tv'"),
        ({"impact": 1.5}, r"crisis\.impact.*1\.5"),
        ({"source": "nodes"}, r"crisis\.nodes.*must list nodes"),
    ],
)
def test_crisis_config_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CrisisConfig(**kwargs)
    with pytest.raises(ValueError, match=r"crisis\.correction\.recovery.*1\.2"):
        load_config(CRISIS).with_overrides({"crisis.correction.recovery": 1.2})


def test_correction_delay_curve_is_tidy_and_paired():
    from smmsim.experiments import correction_delay_curve

    cfg = crisis(**{"graph.n_nodes": 800})
    curve = correction_delay_curve(cfg, [1, 6], n_replicates=4, rng=3)
    assert len(curve) == 3 * 4
    assert curve["delay"].isna().sum() == 4 and (~curve["corrected"]).sum() == 4
    # paired: the no-crisis baseline is the same in every arm
    base = curve.groupby("replicate")["baseline_conversions"].nunique()
    assert (base == 1).all()
    with pytest.raises(ValueError, match=r"crisis\.enabled.*got False"):
        correction_delay_curve(cfg.with_overrides({"crisis.enabled": False}), [1])
    with pytest.raises(ValueError, match=r"delays\[\].*>= 0; got -2"):
        correction_delay_curve(cfg, [-2])


def test_mean_ci_summarises_a_curve_per_delay():
    from smmsim.experiments import correction_delay_curve, mean_ci

    curve = correction_delay_curve(crisis(**{"graph.n_nodes": 800}), [1, 6], n_replicates=5, rng=2)
    table = mean_ci(curve, "delay", ["lost_sales", "intent_loss"])
    assert len(table) == 3 * 2  # two delays and no correction (NaN), two metrics
    assert (table["n"] == 5).all()
    assert (table["ci_low"] <= table["mean"]).all() and (table["mean"] <= table["ci_high"]).all()
    with pytest.raises(ValueError, match=r"columns not in the table: \['nope'\]"):
        mean_ci(curve, "delay", "nope")


@pytest.mark.slow
def test_an_early_correction_slows_the_claim():
    """People who have seen the correction pass the claim on less: negative reach
    grows with the correction delay (paired means over 20 replicates; a later
    delay may tie but not fall by more than 2% of the no-correction reach)."""
    from smmsim.experiments import correction_delay_curve

    curve = correction_delay_curve(crisis(), [0, 3, 8], n_replicates=20, rng=6)
    reach = curve.groupby("delay", dropna=False)["negative_reach"].mean().to_numpy()
    assert (np.diff(reach) >= -0.02 * reach[-1]).all(), reach
    assert reach[0] < 0.8 * reach[-1]  # answering at once clearly slows the claim


@pytest.mark.slow
def test_the_crisis_costs_future_sales_after_the_campaign():
    # the lasting drop in interest, counted over crisis.horizon steps after the run
    s = simulate_replicates(load_config("data/examples/crisis.yaml"), n_replicates=10, rng=7)[0]
    d = s["lost_sales_after"]
    assert d.mean() - 1.96 * d.std(ddof=1) / np.sqrt(len(d)) > 0
    assert np.allclose(s["lost_sales_total"], s["lost_sales"] + s["lost_sales_after"])
    longer = simulate(crisis(**{"crisis.horizon": 60}), rng=7).summary()
    shorter = simulate(crisis(**{"crisis.horizon": 30}), rng=7).summary()
    assert longer["lost_sales_after"] == pytest.approx(2 * shorter["lost_sales_after"])
    assert simulate(crisis(**{"crisis.horizon": 0}), rng=7).summary()["lost_sales_after"] == 0.0


def test_a_true_claim_is_not_undone_by_the_answer():
    false, true = crisis(**{"crisis.is_true": False}), crisis(**{"crisis.is_true": True})
    f, t = simulate(false, rng=2), simulate(true, rng=2)
    # the same people saw the claim and the answer; only the recovery differs
    assert f.summary()["negative_reach"] == t.summary()["negative_reach"]
    m = t.misinformed_nodes
    lost_true = (t.interest_before_claim - t.interest_after[m]).mean()
    lost_false = (f.interest_before_claim - f.interest_after[f.misinformed_nodes]).mean()
    assert lost_true > lost_false > 0


def test_summary_metrics_lists_exactly_what_summarize_run_returns():
    from smmsim.metrics import CRISIS_METRICS, SUMMARY_METRICS

    assert len(set(SUMMARY_METRICS)) == len(SUMMARY_METRICS)
    with_crisis = simulate(crisis(), rng=3).summary()
    assert list(with_crisis) == list(SUMMARY_METRICS)
    calm = simulate(crisis().with_overrides({"crisis.enabled": False}), rng=3).summary()
    assert list(calm) == [m for m in SUMMARY_METRICS if m not in CRISIS_METRICS]
    claim_only = simulate(crisis().with_overrides({"crisis.claim_only": True}), rng=3).summary()
    assert set(claim_only) <= set(SUMMARY_METRICS)
