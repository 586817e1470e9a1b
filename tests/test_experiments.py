"""smmsim.experiments: ready-made comparisons with paired replicate seeds."""

import pandas as pd
import pytest

from smmsim.experiments import compare, mean_ci
from smmsim.scenario import ScenarioConfig

SMALL = ScenarioConfig().with_overrides({"graph.n_nodes": 300, "steps": 10})


def test_compare_pairs_the_seeds_of_its_arms():
    table = compare(SMALL, {"low": {"content.stickiness": 0.1}, "high": {}}, n_replicates=3, rng=4)
    assert list(table["arm"].unique()) == ["low", "high"]
    seeds = table.groupby("arm", sort=False)["seed"].apply(list)
    assert seeds["low"] == seeds["high"]
    again = compare(SMALL, {"low": {"content.stickiness": 0.1}, "high": {}}, n_replicates=3, rng=4)
    pd.testing.assert_frame_equal(table, again)


def test_compare_needs_an_arm_and_replicates():
    with pytest.raises(ValueError, match="`arms` must name at least one arm"):
        compare(SMALL, {}, n_replicates=2, rng=1)
    with pytest.raises(ValueError, match="`n_replicates` must be an int >= 1; got 0"):
        compare(SMALL, {"a": {}}, n_replicates=0, rng=1)


def test_mean_ci_is_tidy_and_checks_its_input():
    t = pd.DataFrame({"arm": ["a", "a", "b", "b"], "x": [1.0, 3.0, 5.0, 5.0]})
    out = mean_ci(t, "arm", "x")
    assert list(out.columns) == ["arm", "metric", "n", "mean", "ci_low", "ci_high"]
    assert out["ci_low"].le(out["mean"]).all() and out["ci_high"].ge(out["mean"]).all()
    with pytest.raises(ValueError, match=r"`confidence` must be in \(0, 1\); got 1.5"):
        mean_ci(t, "arm", "x", confidence=1.5)
    with pytest.raises(ValueError, match=r"columns not in the table: \['y'\]"):
        mean_ci(t, "arm", "y")
