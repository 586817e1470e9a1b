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


# -- Configs that mean what they say (issue 7) -----------------------------------------


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"crisis": {"enabled": "false"}}, r"`crisis\.enabled` must be true or false; got str 'f"),
        ({"graph": {"directed": "maybe"}}, r"`graph\.directed` must be true or false; got str"),
        ({"reviews": {"enabled": 1}}, r"`reviews\.enabled` must be true or false; got int 1\."),
        (
            {"crisis": {"correction": {"enabled": "no"}}},
            r"`crisis\.correction\.enabled` must be true or false; got str 'no'",
        ),
        ({"crisis": {"is_true": "yes"}}, r"`crisis\.is_true` must be true or false"),
    ],
)
def test_booleans_take_yaml_bools_only(data, match):
    with pytest.raises(TypeError, match=match):
        ScenarioConfig.from_dict(data)


def test_name_must_be_text():
    with pytest.raises(TypeError, match=r"^`name` must be text; got dict \{'a': 1\}\.$"):
        ScenarioConfig.from_dict({"name": {"a": 1}})
    with pytest.raises(TypeError, match=r"`content\.name` must be text; got list \['a'\]"):
        ScenarioConfig.from_dict({"content": {"name": ["a"]}})


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"campaign": {"seeding": {"nodes": 5}}}, r"`campaign\.seeding\.nodes` must be a list"),
        ({"content": {"appeal": 3}}, r"`content\.appeal` must be a list; got int 3"),
        (
            {"campaign": {"levers": {"targeted_ads": {"segments": 2}}}},
            r"`campaign\.levers\.targeted_ads\.segments` must be a list; got int 2",
        ),
        ({"crisis": {"nodes": 7}}, r"`crisis\.nodes` must be a list; got int 7"),
    ],
)
def test_a_scalar_where_a_list_belongs(data, match):
    with pytest.raises(TypeError, match=match):
        ScenarioConfig.from_dict(data)


def test_sections_built_directly_are_checked_too():
    from smmsim.scenario.levers import LeversConfig

    with pytest.raises(TypeError, match=r"^`graph` must be a GraphConfig \(a mapping in YAML\)"):
        ScenarioConfig(graph={"n_nodes": 5})
    with pytest.raises(TypeError, match=r"^`campaign\.levers\.referral` must be a ReferralConfig"):
        LeversConfig(referral=3)


def test_graph_path_must_be_text():
    with pytest.raises(TypeError, match=r"`graph\.path` must be text; got int 5\."):
        ScenarioConfig.from_dict({"graph": {"model": "snap", "path": 5}})


def test_crisis_after_the_last_step_is_refused():
    with pytest.raises(ValueError, match=r"`crisis\.step` must be < steps \(8\).*got 8\."):
        ScenarioConfig.from_dict({"steps": 8, "crisis": {"enabled": True, "step": 8}})
    # off, the step does not matter; at the last step it fires
    ScenarioConfig.from_dict({"steps": 8, "crisis": {"enabled": False, "step": 50}})
    ScenarioConfig.from_dict({"steps": 8, "crisis": {"enabled": True, "step": 7}})


@pytest.mark.parametrize("model", ["erdos_renyi", "sbm"])
@pytest.mark.parametrize("mean_degree", [0, 300, 1000.5])
def test_mean_degree_must_be_positive_and_below_the_people(model, mean_degree):
    with pytest.raises(ValueError, match=r"`graph\.mean_degree` must be > 0 and < graph\.n_nodes"):
        GraphConfig(model=model, n_nodes=300, mean_degree=mean_degree)


# -- Fuzzing the config loader (hypothesis; derandomized profile in conftest.py) -------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _leaf_paths(data, prefix=""):
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and key != "role_probs":
            yield from _leaf_paths(value, path + ".")
        else:
            yield path


_LEAVES = sorted(_leaf_paths(ScenarioConfig().to_dict()))
_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=8),
        st.sampled_from(["false", "true", "yes", "0", "random", "claim_audience", "snap"]),
    ),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=4), inner, max_size=2),
    max_leaves=4,
)


@settings(max_examples=400)  # cheap examples: many of them
@given(path=st.sampled_from(_LEAVES), value=_VALUES)
def test_fuzz_config_errors_are_one_line_and_name_the_field(path, value):
    try:
        ScenarioConfig().with_overrides({path: value})
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert "\n" not in message
        leaf = path.rsplit(".", 1)[-1]
        assert leaf in message or "budget" in message, message
