"""ScenarioConfig: one runnable campaign, the unit YAML, the CLI, sweeps and notebooks build.

A scenario is a nested, validated, frozen configuration. ``from_dict`` rejects
unknown keys at every level (naming the dotted path), so a typo in a YAML file
is an error, never a silently ignored setting.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._dotted import plain, set_path
from .._validation import (
    check_choice,
    check_field_types,
    check_int,
    check_keys,
    check_nonnegative,
    check_probability,
)
from ..graphs import GraphConfig, TieConfig
from ..io import read_yaml
from ..population import PopulationConfig
from .content import ContentConfig
from .earned import CorrectionConfig, CrisisConfig, ReviewsConfig
from .levers import LEVER_SECTIONS, LeversConfig

__all__ = [
    "DynamicsConfig",
    "SeedingConfig",
    "CampaignConfig",
    "ScenarioConfig",
    "load_config",
    "default_config_path",
    "example_path",
]

SEEDING_METHODS = (
    "none",
    "random",
    "degree",
    "pagerank",
    "kcore",
    "degree_discount",
    "imm",
    "celf",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DynamicsConfig:
    """Switches and strengths of the optional mechanisms.

    Parameters
    ----------
    trust_effect : float in [0, 1], default 0.5
        How much tie trust scales the chance of noticing: the engagement
        chance is multiplied by ``1 - trust_effect + trust_effect * trust``.
        0 switches the mechanism off.
    endorsement_uplift : float >= 0, default 1.0
        A purchase after a click is ``interest * (1 + uplift * trust)`` likely:
        the implicit endorsement of a trusted sender. 0 switches it off.
    ad_trust : float in [0, 1], default 0.48
        Trust in paid ads (Nielsen 2015: online video ads 48%).
    owned_trust : float in [0, 1], default 0.70
        Trust in the brand's own channels (Nielsen 2015: branded websites 70%).
    """

    trust_effect: float = 0.5
    endorsement_uplift: float = 1.0
    ad_trust: float = 0.48
    owned_trust: float = 0.70

    def __post_init__(self):
        check_field_types(self, "dynamics")
        check_probability("dynamics.trust_effect", self.trust_effect)
        check_nonnegative("dynamics.endorsement_uplift", self.endorsement_uplift)
        check_probability("dynamics.ad_trust", self.ad_trust)
        check_probability("dynamics.owned_trust", self.owned_trust)


@dataclass(frozen=True, slots=True, kw_only=True)
class SeedingConfig:
    """Who posts the content first (organic seeding on owned channels).

    Parameters
    ----------
    method : str, default "degree"
        One of "none", "random", "degree", "pagerank", "kcore",
        "degree_discount", "imm", "celf" (see :mod:`smmsim.strategies`).
        The choice is made once per graph (not per replicate), as a marketer
        would plan it.
    k : int >= 0, default 10
        Number of seed nodes.
    nodes : tuple, default ()
        Explicit seed node labels (override ``method``).
    """

    method: str = "degree"
    k: int = 10
    nodes: tuple = ()

    def __post_init__(self):
        check_field_types(self, "campaign.seeding")
        check_choice("campaign.seeding.method", self.method, SEEDING_METHODS)
        check_int("campaign.seeding.k", self.k, minimum=0)
        object.__setattr__(self, "nodes", tuple(self.nodes))


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignConfig:
    """The brand's campaign: what it sells, its budget and its levers.

    Parameters
    ----------
    budget : float >= 0, default 0
        Total money for the paid levers; lever allocations must fit in it.
    price : float >= 0, default 50
        Price of one purchase.
    margin : float in [0, 1], default 0.4
        Share of the price that is gross profit (used for ROI).
    seeding : SeedingConfig
        Free organic posts on the brand's owned channels.
    levers : LeversConfig
        Paid and owned levers, each with its own cost model.
    """

    budget: float = 0.0
    price: float = 50.0
    margin: float = 0.4
    seeding: SeedingConfig = field(default_factory=SeedingConfig)
    levers: LeversConfig = field(default_factory=LeversConfig)

    def __post_init__(self):
        check_field_types(self, "campaign")
        check_nonnegative("campaign.budget", self.budget)
        check_nonnegative("campaign.price", self.price)
        check_probability("campaign.margin", self.margin)
        total = self.levers.total
        if total > self.budget + 1e-9:
            raise ValueError(
                f"lever spends add up to {total:g}, more than `campaign.budget` "
                f"({self.budget:g}): {self.levers.allocations()}."
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioConfig:
    """One runnable scenario.

    Parameters
    ----------
    name : str
        A label for the scenario (shown in outputs).
    steps : int >= 1, default 30
        Number of discrete time steps (think: hours or days).
    seed : int or None, default None
        RNG seed of the dynamics (replicates spawn from it).
    graph_seed : int >= 0, default 0
        Seed of the graph and population, fixed across replicates so that
        replicates differ only in the dynamics.
    graph : GraphConfig
        The social graph: synthetic model or a SNAP edge list, ties and trust.
    population : PopulationConfig
        Roles and per-person attributes laid over the graph.
    dynamics : DynamicsConfig
        Strengths of the optional mechanisms (trust, endorsement).
    content : ContentConfig
        The brand's content item.
    campaign : CampaignConfig
        Price, budget, organic seeding and paid / owned / earned levers.
    reviews : ReviewsConfig
        Buyers' reviews (earned media).
    crisis : CrisisConfig
        A negative claim and the company's correction (off by default).

    Examples
    --------
    >>> cfg = ScenarioConfig.from_dict({"steps": 5, "content": {"stickiness": 0.2}})
    >>> cfg.content.stickiness
    0.2
    """

    name: str = "scenario"
    steps: int = 30
    seed: int | None = None
    graph_seed: int = 0
    graph: GraphConfig = field(default_factory=GraphConfig)
    population: PopulationConfig = field(default_factory=PopulationConfig)
    dynamics: DynamicsConfig = field(default_factory=DynamicsConfig)
    content: ContentConfig = field(default_factory=ContentConfig)
    campaign: CampaignConfig = field(default_factory=CampaignConfig)
    reviews: ReviewsConfig = field(default_factory=ReviewsConfig)
    crisis: CrisisConfig = field(default_factory=CrisisConfig)

    def __post_init__(self):
        check_field_types(self, "")
        check_int("steps", self.steps, minimum=1)
        if self.seed is not None:
            check_int("seed", self.seed, minimum=0)
        check_int("graph_seed", self.graph_seed, minimum=0)
        if self.crisis.enabled and self.crisis.step >= self.steps:
            raise ValueError(
                f"`crisis.step` must be < steps ({self.steps}), or the claim never appears; "
                f"got {self.crisis.step!r}."
            )

    # -- conversion -------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict | None) -> ScenarioConfig:
        """Build and validate from a nested mapping (as read from YAML)."""
        return _build(cls, data or {}, "scenario")

    def to_dict(self) -> dict:
        """Nested plain-Python mapping; ``from_dict(cfg.to_dict()) == cfg``."""
        return plain(self)

    def replace(self, **changes: Any) -> ScenarioConfig:
        """Copy with top-level fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def with_overrides(self, overrides: Mapping[str, Any]) -> ScenarioConfig:
        """Copy with dotted-path overrides, e.g. ``{"content.stickiness": 0.5}``."""
        data = self.to_dict()
        for path, value in overrides.items():
            set_path(data, path, value, create=True)
        return ScenarioConfig.from_dict(data)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)


# Which nested dataclass each section field holds.
_SECTIONS: dict[tuple[type, str], type] = {
    (ScenarioConfig, "graph"): GraphConfig,
    (ScenarioConfig, "population"): PopulationConfig,
    (ScenarioConfig, "dynamics"): DynamicsConfig,
    (ScenarioConfig, "content"): ContentConfig,
    (ScenarioConfig, "campaign"): CampaignConfig,
    (GraphConfig, "ties"): TieConfig,
    (CampaignConfig, "seeding"): SeedingConfig,
    (CampaignConfig, "levers"): LeversConfig,
    (ScenarioConfig, "reviews"): ReviewsConfig,
    (ScenarioConfig, "crisis"): CrisisConfig,
    (CrisisConfig, "correction"): CorrectionConfig,
    **{(LeversConfig, name): cls for name, cls in LEVER_SECTIONS.items()},
}


def _build(cls, data, where):
    check_keys(where, data, cls.__dataclass_fields__)
    kwargs = {}
    for key, value in data.items():
        sub = _SECTIONS.get((cls, key))
        path = key if where == "scenario" else f"{where}.{key}"
        if sub is not None:
            if isinstance(value, sub):
                kwargs[key] = value
            elif value is None:
                continue
            else:
                kwargs[key] = _build(sub, value, path)
        elif isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        message = str(exc)
        if message.startswith("`"):  # already names the field
            raise TypeError(message) from None
        raise TypeError(f"in `{where}`: {message}") from None


def default_config_path() -> Path:
    """Path of the project's default scenario, ``data/default.yaml``.

    It spells out the built-in defaults (``ScenarioConfig()``) so a student can
    read and copy them; a test keeps the two equal.
    """
    return Path(__file__).resolve().parents[2] / "data" / "default.yaml"


def example_path(name: str) -> Path:
    """Path of an example config shipped in the project's ``data/examples``.

    Examples
    --------
    >>> example_path("campaign").name
    'campaign.yaml'
    """
    folder = Path(__file__).resolve().parents[2] / "data" / "examples"
    path = folder / (name if name.endswith(".yaml") else f"{name}.yaml")
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.yaml"))
        raise ValueError(f"`name` must be one of the examples {known}; got {name!r}.")
    return path


def load_config(path: str | os.PathLike | None = None) -> ScenarioConfig:
    """Load and validate a scenario YAML file (the default one if ``path`` is None).

    A relative ``graph.path`` is looked up next to the config file first, then
    in the working directory.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        On invalid YAML, unknown keys or bad values (the message names them).
    """
    if path is None:
        path = default_config_path()
        if not path.is_file():  # installed without the project folder
            return ScenarioConfig()
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"config file not found: {str(path)!r}.")
    data = read_yaml(path, "config file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError(f"config file {path.name} must hold a mapping; got {type(data).__name__}.")
    if {"base", "parameters"} <= set(data):
        raise ValueError(
            f"{path.name} looks like a sweep spec (it has `base` and `parameters`): "
            f"run it with `smmsim sweep {path} --out DIR`."
        )
    graph = data.get("graph")
    if isinstance(graph, dict) and isinstance(graph.get("path"), str):
        # a relative edge-list path is read next to the config file when it is there
        beside = path.parent / graph["path"]
        if not Path(graph["path"]).is_absolute() and beside.is_file():
            data = {**data, "graph": {**graph, "path": str(beside)}}
    return ScenarioConfig.from_dict(data)


# ---------------------------------------------------------------------------
# A YAML rendering with every field's meaning, from the config docstrings


def _param_docs(cls) -> dict:
    """Field name -> (type, description) from a numpydoc ``Parameters`` section."""
    import inspect

    lines = (inspect.getdoc(cls) or "").splitlines()
    docs, current, inside = {}, [], False
    for i, line in enumerate(lines):
        if line.strip() == "Parameters" and i + 1 < len(lines) and lines[i + 1].startswith("---"):
            inside = True
            continue
        if not inside or line.startswith("---"):
            continue
        if line and not line.startswith(" "):
            if i + 1 < len(lines) and lines[i + 1].startswith("---"):
                break  # the next section
            names, _, kind = line.partition(" : ")
            current = [n.strip() for n in names.split(",")]
            for name in current:
                docs[name] = [kind.strip(), ""]
        elif line.strip():
            for name in current:
                docs[name][1] = (docs[name][1] + " " + line.strip()).strip()
    return docs


def _yaml_scalar(value) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    return text[:-4].strip() if text.endswith("\n...") else text.removesuffix("...").strip()


def _commented(obj, indent: int, out: list) -> None:
    import textwrap

    docs = _param_docs(type(obj))
    pad = " " * indent
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        kind, text = docs.get(f.name, ("", ""))
        note = f"{kind}: {text}" if kind and text else (kind or text)
        if note:
            for chunk in textwrap.wrap(note, width=max(40, 88 - indent)):
                out.append(f"{pad}# {chunk}")
        if dataclasses.is_dataclass(value):
            out.append(f"{pad}{f.name}:")
            _commented(value, indent + 2, out)
        else:
            out.append(f"{pad}{f.name}: {_yaml_scalar(plain(value))}")


def to_commented_yaml(cfg: ScenarioConfig) -> str:
    """YAML of ``cfg`` with each field's type and meaning as a comment above it."""
    out: list = []
    _commented(cfg, 0, out)
    return "\n".join(out) + "\n"


DEFAULT_HEADER = """\
# The default scenario of smmsim, spelled out: the built-in defaults
# (ScenarioConfig()) with a name and a seed, each field with its meaning.
# Where the default numbers come from: data/parameter_sources.yaml.
# Copy this file, change values, run:  smmsim simulate --config FILE.yaml
# (Generated by smmsim.scenario.to_commented_yaml; tests keep it in sync.)
"""
