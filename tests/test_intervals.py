"""smmsim.metrics.intervals: the one confidence interval of a mean."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from smmsim.metrics.intervals import half_width, z_value


def test_z_is_the_two_sided_normal_quantile():
    assert z_value() == pytest.approx(1.959963984540054)
    assert z_value(0.9) == pytest.approx(stats.norm.ppf(0.95))


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, -0.1])
def test_confidence_outside_0_1_is_refused(bad):
    with pytest.raises(ValueError, match="confidence"):
        z_value(bad)


def test_confidence_must_be_a_number():
    with pytest.raises(TypeError, match="confidence"):
        z_value("0.95")


def test_half_width_on_scalars_arrays_and_series():
    z = z_value()
    assert half_width(2.0, 4) == pytest.approx(z)
    np.testing.assert_allclose(half_width(np.array([1.0, 2.0]), np.array([1, 4])), [z, z])
    out = half_width(pd.Series([3.0]), pd.Series([9]))
    assert isinstance(out, pd.Series) and out.iloc[0] == pytest.approx(z)


def test_every_mean_interval_of_the_package_has_the_same_width():
    from smmsim.cli.main import _summary_table
    from smmsim.experiments import mean_ci
    from smmsim.lessons import paired_difference

    values = [1.0, 2.0, 4.0, 7.0]
    want = half_width(float(np.std(values, ddof=1)), len(values))
    t = pd.DataFrame({"arm": ["a"] * 4, "x": values})
    row = mean_ci(t, "arm", "x").iloc[0]
    assert row["ci_high"] - row["mean"] == pytest.approx(want)
    cli = _summary_table(pd.DataFrame({"replicate": range(4), "x": values}))["x"]
    assert cli["ci_high"] - cli["mean"] == pytest.approx(want)
    pairs = pd.DataFrame(
        {"arm": ["b"] * 4 + ["a"] * 4, "replicate": [*range(4), *range(4)],
         "x": [*values, 0.0, 0.0, 0.0, 0.0]}  # fmt: skip
    )
    diff = paired_difference(pairs, "x", "arm", "b", "a")
    assert diff["ci_high"] - diff["mean"] == pytest.approx(want)
