"""Scenario configs: YAML round trips and validation errors that name the field."""

import pytest
import yaml

from smmsim.graphs import GraphConfig, build_graph
from smmsim.population import PopulationConfig, build_population
from smmsim.scenario import (
    DEFAULT_HEADER,
    ScenarioConfig,
    default_config_path,
    load_config,
    to_commented_yaml,
)
from smmsim.scenario.content import ContentConfig


def test_default_yaml_spells_out_the_built_in_defaults():
    cfg = load_config(default_config_path())
    assert cfg == ScenarioConfig(name="default", seed=cfg.seed)
    assert load_config() == cfg
    # the file is the generated, commented rendering: docs and values in sync
    expected = DEFAULT_HEADER + to_commented_yaml(cfg)
    assert default_config_path().read_text() == expected


def test_every_field_of_the_default_yaml_is_explained():
    lines = default_config_path().read_text().splitlines()
    for before, line in zip(lines, lines[1:]):
        if line.strip() and not line.lstrip().startswith("#"):
            assert before.lstrip().startswith("#"), f"no comment above {line.strip()!r}"


def test_round_trip_through_dict_and_yaml(tmp_path):
    cfg = ScenarioConfig.from_dict({"content": {"appeal": [1.0, 0.5]}, "steps": 7})
    assert ScenarioConfig.from_dict(cfg.to_dict()) == cfg
    path = tmp_path / "s.yaml"
    path.write_text(cfg.to_yaml())
    assert load_config(path) == cfg


def test_dotted_overrides():
    cfg = ScenarioConfig().with_overrides({"content.stickiness": 0.9, "graph.ties.trust_family": 1})
    assert cfg.content.stickiness == 0.9
    assert cfg.graph.ties.trust_family == 1


@pytest.mark.parametrize(
    ("data", "error", "match"),
    [
        ({"stepz": 3}, ValueError, r"unknown key\(s\) in `scenario`: 'stepz'"),
        ({"content": {"stikiness": 0.1}}, ValueError, r"unknown key.*`content`.*'stikiness'"),
        ({"content": {"stickiness": 1.5}}, ValueError, r"content\.stickiness.*\[0, 1\].*1\.5"),
        ({"content": {"click_through": -0.1}}, ValueError, r"content\.click_through.*-0\.1"),
        ({"reviews": {"page_effect": -1}}, ValueError, r"reviews\.page_effect.*-1"),
        ({"crisis": {"horizon": -2}}, ValueError, r"crisis\.horizon.*-2"),
        ({"content": {"half_life": 0}}, ValueError, r"content\.half_life.*> 0"),
        ({"graph": {"n_nodes": -3}}, ValueError, r"graph\.n_nodes.*-3"),
        ({"steps": 0}, ValueError, r"`steps` must be an int >= 1; got 0"),
        ({"steps": "ten"}, TypeError, r"`steps` must be an int; got str 'ten'"),
        ({"campaign": {"price": -1}}, ValueError, r"campaign\.price.*>= 0.*-1"),
        ({"campaign": {"seeding": {"method": "vip"}}}, ValueError, r"seeding\.method.*'vip'"),
        ({"campaign": {"seeding": {"k": -2}}}, ValueError, r"seeding\.k.*>= 0; got -2"),
        ({"dynamics": {"trust_effect": 2}}, ValueError, r"dynamics\.trust_effect.*2"),
        ({"population": {"activity": 1.2}}, ValueError, r"population\.activity.*1\.2"),
        ({"population": {"role_probs": {"customer": 1.0, "alien": 0.0}}}, ValueError, "alien"),
        ({"graph": 5}, TypeError, r"`graph` must be a mapping"),
    ],
)
def test_bad_values_are_named(data, error, match):
    with pytest.raises(error, match=match):
        ScenarioConfig.from_dict(data)


def test_bad_yaml_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.yaml"):
        load_config(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("steps: [1,\n")
    with pytest.raises(ValueError, match="broken.yaml is not valid YAML"):
        load_config(broken)
    listy = tmp_path / "list.yaml"
    listy.write_text(yaml.safe_dump([1, 2]))
    with pytest.raises(ValueError, match="must hold a mapping"):
        load_config(listy)


def test_content_appeal_needs_one_value_per_segment():
    with pytest.raises(ValueError, match=r"content\.appeal.*segment \(4\).*got 2"):
        ContentConfig(appeal=(1.0, 0.5)).appeal_for(4)
    with pytest.raises(ValueError, match=r"content\.appeal\[1\].*2\.0"):
        ContentConfig(appeal=(1.0, 2.0))


def test_population_attributes_are_in_range_and_roles_assigned():
    g = build_graph(GraphConfig(n_nodes=3000, n_broadcasters=20), rng=1)
    pop = build_population(g, PopulationConfig(), rng=2)
    for name in ("activity", "share_propensity", "purchase_interest"):
        values = getattr(pop, name)
        assert ((values >= 0) & (values <= 1)).all()
    assert abs(pop.activity.mean() - 0.6) < 0.02
    assert abs(pop.is_customer.mean() - 0.15) < 0.03
    broadcasters = set(pop.role_positions("blogger")) | set(pop.role_positions("media"))
    assert broadcasters == set(map(int, g.broadcaster.nonzero()[0]))
    with pytest.raises(ValueError, match=r"`role` must be one of.*'alien'"):
        pop.role_positions("alien")
    homo = build_population(g, PopulationConfig.homogeneous(), rng=0)
    assert (homo.activity == 1).all() and (homo.share_propensity == 1).all()


def test_relative_edge_list_path_is_read_next_to_the_config(tmp_path, monkeypatch):
    (tmp_path / "edges.txt").write_text("0 1\n1 2\n2 0\n")
    (tmp_path / "cfg.yaml").write_text("graph: {model: snap, path: edges.txt}\n")
    monkeypatch.chdir(tmp_path.parent)  # not next to the config
    cfg = load_config(tmp_path / "cfg.yaml")
    assert cfg.graph.path == str(tmp_path / "edges.txt")


def test_example_path_finds_the_shipped_examples():
    from smmsim.scenario import example_path

    assert load_config(example_path("campaign")).name == "campaign"
    with pytest.raises(ValueError, match=r"`name` must be one of the examples.*'nope'"):
        example_path("nope")


def test_a_sweep_spec_given_as_a_config_says_so():
    with pytest.raises(ValueError, match=r"sweep\.yaml looks like a sweep spec.*smmsim sweep"):
        load_config(default_config_path().parent / "examples" / "sweep.yaml")
