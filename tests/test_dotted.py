"""smmsim._dotted: dotted config paths."""

import numpy as np
import pytest

from smmsim._dotted import apply_values, check_path, plain, set_path, split_path
from smmsim.scenario import ScenarioConfig


def test_split_path():
    assert split_path("fixed", "campaign.levers.0.spend") == ["campaign", "levers", "0", "spend"]


@pytest.mark.parametrize("bad", ["", "a..b", "a.b-c", " a"])
def test_split_path_refuses_malformed_paths(bad):
    with pytest.raises((ValueError, TypeError), match="`fixed`"):
        split_path("fixed", bad)


def test_split_path_refuses_non_strings():
    with pytest.raises(TypeError, match=r"`fixed` keys must be dotted paths \(str\); got 3"):
        split_path("fixed", 3)


def test_check_path_names_the_keys_there():
    config = {"content": {"stickiness": 0.3, "decay": 0.1}}
    check_path("parameters", config, "content.stickiness")
    with pytest.raises(ValueError, match=r"no 'stick' in content; keys there: decay, stickiness"):
        check_path("parameters", config, "content.stick")
    with pytest.raises(ValueError, match="is a float, not a section"):
        check_path("parameters", config, "content.stickiness.x")


def test_set_path_existing_and_created():
    config = {"a": {"b": [1, 2]}}
    set_path(config, "a.b.1", 5)
    assert config == {"a": {"b": [1, 5]}}
    with pytest.raises(KeyError):
        set_path(config, "x.y", 1)
    set_path(config, "x.y", 1, create=True)
    assert config["x"] == {"y": 1}
    with pytest.raises(ValueError, match="cannot set `x.y.z`: `y` is not a section"):
        set_path(config, "x.y.z", 1, create=True)


def test_apply_values_leaves_the_base_alone():
    base = {"a": {"b": 1}}
    out = apply_values(base, ["a.b"], [2])
    assert out == {"a": {"b": 2}} and base == {"a": {"b": 1}}


def test_plain_converts_configs_tuples_and_numpy_scalars():
    assert plain({"x": (np.int64(1), np.float64(0.5))}) == {"x": [1, 0.5]}
    assert type(plain(np.float64(0.5))) is float
    cfg = ScenarioConfig()
    assert plain(cfg) == cfg.to_dict()
    assert ScenarioConfig.from_dict(plain(cfg)) == cfg


def test_with_overrides_goes_through_set_path():
    cfg = ScenarioConfig().with_overrides({"content.stickiness": 0.5})
    assert cfg.content.stickiness == 0.5
