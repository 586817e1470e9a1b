"""smmsim.population: agent attributes over a social graph."""

import numpy as np
import pytest

from smmsim.graphs import GraphConfig, build_graph
from smmsim.population import ROLE_CODE, ROLES, PopulationConfig, build_population


@pytest.fixture(scope="module")
def graph():
    return build_graph(GraphConfig(n_nodes=300), rng=1)


def test_same_seed_same_population_and_another_seed_another(graph):
    a = build_population(graph, rng=3)
    b = build_population(graph, rng=3)
    c = build_population(graph, rng=4)
    for name in ("role", "activity", "share_propensity", "purchase_interest"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.activity, c.activity)


def test_attributes_are_probabilities_and_broadcasters_are_bloggers_or_media(graph):
    pop = build_population(graph, rng=2)
    assert pop.n_nodes == graph.n_nodes
    for name in ("activity", "share_propensity", "purchase_interest"):
        values = getattr(pop, name)
        assert ((values >= 0) & (values <= 1)).all()
    bc = np.flatnonzero(graph.broadcaster)
    assert set(pop.role[bc].tolist()) <= {ROLE_CODE["blogger"], ROLE_CODE["media"]}
    assert np.array_equal(pop.is_customer, pop.role == ROLE_CODE["customer"])


def test_homogeneous_population_is_everyone_at_the_mean(graph):
    pop = build_population(graph, PopulationConfig.homogeneous(), rng=0)
    assert (pop.activity == 1.0).all() and (pop.share_propensity == 1.0).all()


def test_role_positions(graph):
    pop = build_population(graph, rng=5)
    total = sum(len(pop.role_positions(r)) for r in ROLES)
    assert total == graph.n_nodes
    with pytest.raises(ValueError, match="`role` must be one of"):
        pop.role_positions("pirate")


def test_role_probs_must_sum_to_one():
    with pytest.raises(ValueError, match=r"`population.role_probs` must sum to 1; got 0.5"):
        PopulationConfig(role_probs={"customer": 0.5})


def test_role_probs_take_ordinary_roles_only():
    with pytest.raises(ValueError, match="population.role_probs"):
        PopulationConfig(role_probs={"media": 1.0})


def test_probabilities_are_checked():
    with pytest.raises(ValueError, match="population.activity"):
        PopulationConfig(activity=1.5)
    with pytest.raises(ValueError, match="population.heterogeneity"):
        PopulationConfig(heterogeneity=-1.0)
