"""smmsim.engine.planning: a scenario's campaign as content items and events."""

import numpy as np
import pytest

from smmsim.engine import world_for
from smmsim.engine.planning import plan_draws, plan_run
from smmsim.scenario import ScenarioConfig, load_config


@pytest.fixture(scope="module")
def campaign():
    from smmsim.scenario import example_path

    cfg = load_config(example_path("campaign")).with_overrides({"graph.n_nodes": 800})
    return cfg, world_for(cfg)


def _events(plan):
    return {k: np.asarray(v).tolist() for k, v in plan.events.arrays().items()}


def test_same_rng_same_plan(campaign):
    cfg, world = campaign
    a = plan_run(cfg, world, np.random.default_rng(1))
    b = plan_run(cfg, world, np.random.default_rng(1))
    assert _events(a) == _events(b)
    assert a.costs == b.costs and len(a.items) == len(b.items)


def test_costs_stay_within_each_levers_spend(campaign):
    cfg, world = campaign
    plan = plan_run(cfg, world, np.random.default_rng(2))
    levers = cfg.campaign.levers
    for name, cost in plan.costs.items():
        assert 0 <= cost <= getattr(levers, name).spend + 1e-9, name


def test_a_plan_without_random_levers_draws_nothing():
    cfg = ScenarioConfig()
    if plan_draws(cfg):
        pytest.skip("the default scenario plans random draws")
    world = world_for(cfg)
    a = plan_run(cfg, world, np.random.default_rng(1))
    b = plan_run(cfg, world, np.random.default_rng(2))
    assert _events(a) == _events(b)
