"""Sizes that cannot fit are refused up front, with the estimate in the message (issue 7)."""

import time

import pytest

from smmsim._memory import available_memory, check_fits, format_bytes
from smmsim.engine import simulate, simulate_replicates
from smmsim.scenario import ScenarioConfig
from smmsim.sweep import load_spec, summarize

pytestmark = pytest.mark.skipif(available_memory() is None, reason="memory size unknown")

_SIZE = r"needs about [0-9.]+ [KMGTP]iB of memory; this machine has [0-9.]+ [KMGTP]iB"


def _refused_fast(call, match):
    t0 = time.monotonic()
    with pytest.raises(ValueError, match=match):
        call()
    assert time.monotonic() - t0 < 5  # before any allocation


def test_a_trillion_people():
    cfg = ScenarioConfig.from_dict({"graph": {"n_nodes": 10**12}, "steps": 5})
    _refused_fast(lambda: simulate(cfg, rng=1), rf"`graph\.n_nodes` = 1000000000000 .*{_SIZE}")


def test_a_billion_steps():
    cfg = ScenarioConfig.from_dict({"graph": {"n_nodes": 300}, "steps": 10**9})
    _refused_fast(lambda: simulate_replicates(cfg, rng=1), rf"`steps` = 1000000000 .*{_SIZE}")


def test_a_billion_replicates():
    cfg = ScenarioConfig.from_dict({"graph": {"n_nodes": 300}, "steps": 5})
    _refused_fast(
        lambda: simulate_replicates(cfg, n_replicates=10**9, rng=1),
        rf"`n_replicates` = 1000000000 .*{_SIZE}",
    )


def test_a_sweep_of_a_trillion_cells():
    spec = {
        "base": {},
        "parameters": {
            "content.stickiness": {"low": 0, "high": 1, "n": 10**6},
            "content.shareability": {"low": 0, "high": 1, "n": 10**6},
        },
        "seed": 1,
    }
    _refused_fast(lambda: load_spec(spec), rf"`parameters`: 1,000,000,000,000 cells .*{_SIZE}")


def test_a_sweep_of_a_billion_replicates():
    spec = {"base": {}, "parameters": {"content.stickiness": [0.1, 0.2]}, "n_replicates": 10**9}
    _refused_fast(
        lambda: load_spec({**spec, "seed": 1}), rf"`n_replicates` = 1,000,000,000 .*{_SIZE}"
    )


def test_a_billion_bootstrap_resamples():
    spec = load_spec(
        {
            "model": "smmsim.sweep.run:_demo_model",
            "base": {"content": {"stickiness": 0.2}, "n_seed_nodes": 5},
            "parameters": {"content.stickiness": [0.1, 0.3]},
            "n_replicates": 3,
            "seed": 7,
            "metrics": ["reach"],
        }
    )
    from smmsim.sweep import run_sweep

    df = run_sweep(spec, workers=1)
    _refused_fast(lambda: summarize(df, spec, n_boot=10**9), rf"`n_boot` = 1000000000 {_SIZE}")


def test_a_sweep_value_that_makes_a_bad_scenario_is_a_spec_error():
    spec = {"base": {}, "parameters": {"content.stickiness": [0.1, 7]}, "seed": 1}
    with pytest.raises(
        ValueError, match=r"`parameters\.content\.stickiness` = 7: `content\.stickiness` must be"
    ):
        load_spec(spec)


def test_check_fits_and_format_bytes():
    check_fits("anything", 10, available=100)
    with pytest.raises(ValueError, match=r"^`x` needs about 1\.0 KiB of memory; this machine"):
        check_fits("`x`", 1024, available=100)
    assert format_bytes(512) == "512 B" and format_bytes(1.5 * 2**40) == "1.5 TiB"
