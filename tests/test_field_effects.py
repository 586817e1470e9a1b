"""Every field documented in data/default.yaml changes something a user can measure.

Each field is perturbed in a context where it acts (a small campaign with
every lever, reviews and a crisis, or the one model or source it belongs
to), and some output must move: the run's summary or per-step table with the
same seed, or the graph and population the run is built on.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from smmsim.cascades import claim_cascade_shapes
from smmsim.engine import simulate
from smmsim.scenario import ScenarioConfig, default_config_path

FULL = {
    "steps": 25,
    "seed": 3,
    "graph": {"n_nodes": 800, "n_broadcasters": 6},
    "population": {"purchase_interest": 0.2},
    "content": {"click_through": 0.3, "stickiness": 0.4},
    "campaign": {
        "budget": 2000,
        "levers": {
            "broadcast_ads": {"spend": 8},
            "targeted_ads": {"spend": 15},
            "influencers": {"spend": 200, "method": "degree"},
            "employee_advocacy": {"spend": 100},
            "outreach": {"spend": 300},
            "referral": {"spend": 200},
        },
    },
    "reviews": {"post_prob": 0.6},
    "crisis": {"enabled": True, "step": 2, "k": 5},
}


def _leaves(data, prefix=""):
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and key != "role_probs":
            yield from _leaves(value, path + ".")
        else:
            yield path, value


FIELDS = dict(_leaves(yaml.safe_load(default_config_path().read_text())))


def _merge(base, extra):
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _edge_list(path, seed):
    rng = np.random.default_rng(seed)
    edges = {(int(a), int(b)) for a, b in rng.integers(0, 300, size=(1500, 2)) if a != b}
    path.write_text("".join(f"{a} {b}\n" for a, b in sorted(edges)))
    return path


def _snap_context(tmp_path):
    path = _edge_list(tmp_path / "edges.txt", 0)
    return {"graph": {"model": "snap", "path": str(path)}}


# field -> (context overrides, perturbed value); the rest: a generic nudge
SPECIAL = {
    "graph.model": ({}, "erdos_renyi"),
    "graph.mean_degree": ({"graph": {"model": "erdos_renyi"}}, 4.0),
    "graph.n_nodes": ({}, 900),
    "graph.path": (None, None),  # snap context, set in the test
    "graph.directed": (None, True),
    "graph.ties.family_prob": ({}, {"family_prob": 0.35, "friends_prob": 0.35}),
    "graph.ties.friends_prob": ({}, {"friends_prob": 0.35, "colleagues_prob": 0.5}),
    "graph.ties.colleagues_prob": ({}, {"colleagues_prob": 0.1, "family_prob": 0.35}),
    "population.role_probs": (
        {},
        {
            "customer": 0.4,
            "employee": 0.02,
            "prospect": 0.25,
            "public": 0.29,
            "reviewer": 0.03,
            "trade_group": 0.01,
        },
    ),  # fmt: skip
    "content.name": ({}, "launch"),
    "content.appeal": ({}, [1.0, 0.2, 0.2, 0.2]),
    "content.half_life": ({}, 2.0),
    "campaign.budget": ({}, 100.0),  # below the allocations: refused, naming the field
    "campaign.seeding.method": ({}, "random"),
    "campaign.seeding.nodes": ({}, [1, 2, 3]),
    "campaign.levers.influencers.method": ({}, "pagerank"),
    "campaign.levers.targeted_ads.segments": ({}, [3]),
    "crisis.source": ({}, "media"),
    "crisis.nodes": ({"crisis": {"source": "nodes", "nodes": [1, 2]}}, [5, 6]),
    "name": ({}, "another-name"),
    "campaign.levers.referral.spend": ({}, 5.0),  # the pool caps what the programme pays
    "crisis.enabled": ({"crisis": {"enabled": False}}, True),
    "crisis.correction.target": ({}, "everyone"),
    "crisis.claim_only": ({}, True),
    # the threads' spread acts only where there are threads
    "crisis.thread_concentration": ({"crisis": {"thread_heat": 0.5}}, 5.0),
    "reviews.enabled": ({}, False),
    "crisis.correction.enabled": ({}, False),
    "crisis.is_true": ({}, True),
    "graph.n_segments": ({}, 2),
    "graph.followers_sigma": ({}, 1.5),  # log-normal audiences instead of Pareto
}


def _nudge(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value * 2 if value >= 3 else value + 2
    if isinstance(value, float):
        if 0.0 <= value <= 1.0:
            return 0.9 if value < 0.5 else 0.15
        return value * 2 + 1
    raise AssertionError(f"no generic nudge for {value!r}")


def _set(data, path, value):
    data = _merge(data, {})
    node = data
    parts = path.split(".")
    for p in parts[:-1]:
        node[p] = dict(node.get(p, {}))
        node = node[p]
    if isinstance(value, dict) and parts[-1].endswith("_prob") and path.startswith("graph.ties"):
        node.update(value)
    else:
        node[parts[-1]] = value
    return data


def _outputs(data):
    cfg = ScenarioConfig.from_dict(data)
    run = simulate(cfg)
    g, pop = run.world.graph, run.world.population
    return {
        "name": cfg.name,
        "summary": run.summary(),
        "steps": run.steps_frame(),
        # the claim's reply trees (crisis.reply_back_prob adds back-and-forth threads)
        "claim_trees": claim_cascade_shapes(run, rng=0) if cfg.crisis.enabled else None,
        "graph": (g.indptr.tobytes(), g.indices.tobytes(), g.trust.tobytes(), g.segment.tobytes()),
        "population": (pop.activity.tobytes(), pop.purchase_interest.tobytes(),
                       pop.role.tobytes(), pop.is_customer.tobytes()),
    }  # fmt: skip


def _moved(a, b) -> bool:
    if a["name"] != b["name"] or a["graph"] != b["graph"] or a["population"] != b["population"]:
        return True
    sa, sb = a["summary"], b["summary"]
    if sa.keys() != sb.keys():
        return True
    for k in sa:
        x, y = sa[k], sb[k]
        if not (x == y or (isinstance(x, float) and np.isnan(x) and np.isnan(y))):
            return True
    if (a["claim_trees"] is None) != (b["claim_trees"] is None):
        return True
    if a["claim_trees"] is not None and not a["claim_trees"].equals(b["claim_trees"]):
        return True
    return not a["steps"].equals(b["steps"])


def test_every_documented_field_is_tried():
    assert len(FIELDS) > 80
    assert "content.valence" not in FIELDS and "content.origin" not in FIELDS


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(FIELDS))
def test_changing_a_field_moves_an_output(path, tmp_path):
    context, value = SPECIAL.get(path, ({}, None))
    base = _merge(FULL, {"name": "field-check"})
    if path.startswith("graph.") and path.split(".")[1] in ("path", "directed"):
        base = _merge(base, _snap_context(tmp_path))
        if path == "graph.path":
            value = str(_edge_list(tmp_path / "other.txt", 1))
    base = _merge(base, context or {})
    if value is None:
        current = base
        for p in path.split("."):
            current = current.get(p, None) if isinstance(current, dict) else None
        value = _nudge(current if current is not None else FIELDS[path])
    if path == "campaign.budget":
        with pytest.raises(ValueError, match="budget"):
            ScenarioConfig.from_dict(_set(base, path, value))
        return
    before = _outputs(base)
    after = _outputs(_set(base, path, value))
    assert _moved(before, after), f"changing `{path}` to {value!r} moved no output"
