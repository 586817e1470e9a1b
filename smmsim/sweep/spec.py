"""Sweep specs and designs: what to vary, which cells to run and their seeds.

Private helper of :mod:`smmsim.sweep`. Everything here is pure: the same spec
always gives the same cells, the same run seeds and the same hash, whatever
machine or executor runs it.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .._dotted import apply_values, check_path, plain, set_path, split_path
from .._rng import run_seed
from .._validation import check_int, check_keys
from ..io import read_yaml
from .design import Design, design_points, n_design_cells
from .parameters import _COLUMN, RESERVED_COLUMNS, Parameter, _parse_parameter

DEFAULT_METRICS = (
    "reach",
    "shares",
    "engagements",
    "website_sessions",
    "conversions",
    "revenue",
    "cost",
    "roi",
)


"""Metrics kept when a spec names none."""


_SPEC_KEYS = (
    "description",
    "model",
    "base",
    "fixed",
    "parameters",
    "design",
    "n_replicates",
    "seed",
    "common_random_numbers",
    "metrics",
    "chunk_size",
)


def _default_chunk_size(n_runs: int, n_replicates: int) -> int:
    # About 32 chunks (load balance, resume granularity) of at most 250 runs,
    # aligned to whole cells so that per-cell set-up (config validation,
    # seed selection) happens once per cell; a cell of more than 250
    # replicates is split into equal parts.
    cap = 250
    target = max(1, min(cap, math.ceil(n_runs / 32)))
    if n_replicates <= cap:
        return n_replicates * max(1, target // n_replicates)
    return math.ceil(n_replicates / math.ceil(n_replicates / cap))


def import_object(where: str, target: str) -> Any:
    """Import ``"package.module:attribute"`` from an installed package.

    A spec that names a model is code: importing it runs that module. So the
    current directory is left out of the search (the ``''`` entry of
    ``sys.path``, or the folder ``python -m`` puts first): a file there can
    neither be run by a spec nor shadow an installed package.
    """
    if not isinstance(target, str) or target.count(":") != 1:
        raise ValueError(f"`{where}` must look like 'package.module:function'; got {target!r}.")
    module, _, attr = target.partition(":")
    saved = list(sys.path)
    cwd = os.getcwd()
    sys.path[:] = [
        p for i, p in enumerate(saved) if p not in ("", ".") and not (i == 0 and p == cwd)
    ]
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(
            f"`{where}`: cannot import {target!r} from the installed packages ({exc}); "
            "the current directory is not searched."
        ) from None
    finally:
        sys.path[:] = saved
    if not callable(obj):
        raise TypeError(f"`{where}`: {target!r} is not callable.")
    return obj


def _check_metrics(metrics) -> None:
    if isinstance(metrics, str) or not isinstance(metrics, (list, tuple)) or not metrics:
        raise ValueError(f"`metrics` must be a non-empty list of metric names; got {metrics!r}.")
    for m in metrics:
        if not isinstance(m, str) or not _COLUMN.match(m):
            raise ValueError(f"`metrics` entries must be snake_case names; got {m!r}.")
    if len(set(metrics)) != len(metrics):
        raise ValueError(f"`metrics` repeats a name: {list(metrics)!r}.")


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepSpec:
    """A parameter sweep: a base config, what to vary, how, and how often.

    Build one with :meth:`from_dict` or :meth:`from_yaml`; both validate every
    field and raise ``ValueError`` / ``TypeError`` naming the field.

    Parameters
    ----------
    base : dict
        The base scenario config (as in a scenario YAML file), with any
        ``fixed`` values already applied.
    parameters : tuple of Parameter
        The varied fields, in spec order (the first varies slowest in a grid).
    design : Design
        Which cells to run.
    n_replicates : int >= 1
        Runs per cell.
    seed : int >= 0
        Master seed: it alone determines the design and every run seed.
    common_random_numbers : bool
        If true, replicate ``r`` of every cell uses the same random stream
        (paired comparisons across cells); else every run has its own stream.
    metrics : tuple of str
        Summary metrics kept per run.
    chunk_size : int >= 1
        Runs per result file (and per task).
    model : str, optional
        ``"module:function"`` run function; ``None`` runs the smmsim engine.
        A spec that names a model is code: loading it imports that module,
        which runs it. Only installed packages are searched, never the
        current directory; run specs you trust, as you would a script.
    description : str, optional
        Free text.
    """

    base: dict
    parameters: tuple
    design: Design
    n_replicates: int
    seed: int
    common_random_numbers: bool = False
    metrics: tuple = DEFAULT_METRICS
    chunk_size: int = 1
    model: str | None = None
    description: str | None = None
    _cells: list | None = field(default=None, init=False, repr=False, compare=False)
    _unit: object = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.description is not None and not isinstance(self.description, str):
            raise TypeError(f"`description` must be text; got {self.description!r}.")
        if self.model is not None and not isinstance(self.model, str):
            raise TypeError(f"`model` must be 'module:function'; got {self.model!r}.")
        if not isinstance(self.base, Mapping):
            raise TypeError(f"`base` must be a mapping; got {type(self.base).__name__}.")
        if not isinstance(self.design, Design):
            raise TypeError(f"`design` must be a Design; got {type(self.design).__name__}.")
        if not isinstance(self.parameters, tuple) or not self.parameters:
            raise ValueError(
                f"`parameters` must be a non-empty tuple of Parameter; got {self.parameters!r}."
            )
        for p in self.parameters:
            if not isinstance(p, Parameter):
                raise TypeError(f"`parameters` entries must be Parameter; got {p!r}.")
            check_path("parameters", self.base, p.path)
            if p.values is None and (self.design.kind == "grid") != (p.n is not None):
                raise ValueError(
                    f"`parameters.{p.path}`: a grid needs `n` (or `values`); the "
                    f"{self.design.kind} design samples the range and takes no `n`."
                )
        paths = [p.path for p in self.parameters]
        for a in paths:
            for b in paths:
                if a != b and b.startswith(a + "."):
                    raise ValueError(f"`parameters`: {a!r} contains {b!r}; vary one of them.")
        check_int("n_replicates", self.n_replicates, minimum=1)
        check_int("seed", self.seed, minimum=0)
        if not isinstance(self.common_random_numbers, bool):
            raise TypeError(
                "`common_random_numbers` must be true or false; "
                f"got {self.common_random_numbers!r}."
            )
        _check_metrics(self.metrics)
        columns = {}
        for name in RESERVED_COLUMNS:
            columns[name] = "a reserved column"
        for m in self.metrics:
            if m in columns:
                raise ValueError(f"`metrics`: {m!r} clashes with {columns[m]}.")
            columns[m] = "a metric"
        for p in self.parameters:
            if p.name in columns:
                raise ValueError(
                    f"`parameters.{p.path}` column {p.name!r} clashes with {columns[p.name]}; "
                    "give it another `name`."
                )
            columns[p.name] = f"parameter {p.path!r}"
        check_int("chunk_size", self.chunk_size, minimum=1)

    # -- construction -------------------------------------------------------

    @classmethod
    def from_yaml(cls, path: str | os.PathLike) -> SweepSpec:
        """Load and validate a spec file; a relative ``base`` path is read
        relative to the spec file."""
        path = Path(path)
        data = read_yaml(path, "sweep spec")
        if data is None:
            raise ValueError(
                f"sweep spec {path} is empty; it needs at least `base`, `parameters` and "
                "`seed` (example: data/examples/sweep.yaml)."
            )
        if not isinstance(data, Mapping):
            raise TypeError(f"sweep spec {path} must hold a mapping; got {type(data).__name__}.")
        return cls.from_dict(data, base_dir=path.parent)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, base_dir: str | os.PathLike | None = None
    ) -> SweepSpec:
        """Validate a spec mapping (the contents of a spec YAML file).

        Parameters
        ----------
        data : dict
            Keys: ``base`` (mapping, or path of a scenario YAML file),
            ``parameters`` (dotted path -> list of values or range mapping),
            ``design``, ``n_replicates``, ``seed``, and optionally ``fixed``,
            ``metrics``, ``common_random_numbers``, ``chunk_size``, ``model``,
            ``description``.
        base_dir : path-like, optional
            Directory a relative ``base`` path is read from (default: cwd).

        Raises
        ------
        ValueError, TypeError
            For unknown keys or bad values; the message names the field.
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"a sweep spec must be a mapping; got {type(data).__name__}.")
        check_keys("sweep spec", dict(data), _SPEC_KEYS)
        for key in ("base", "parameters", "seed"):
            if key not in data:
                raise ValueError(f"`{key}` is required in a sweep spec.")

        description = data.get("description")
        model = data.get("model")
        if model is not None:
            import_object("model", model)

        base = data["base"]
        if isinstance(base, (str, Path)):
            base_path = Path(base_dir or ".") / base
            base = read_yaml(base_path, "base config")
        if not isinstance(base, Mapping):
            raise TypeError(
                f"`base` must be a mapping or the path of a YAML file; got {type(base).__name__}."
            )
        base = plain(dict(base))
        if model is None:
            base = _normalise_scenario(base)

        fixed = data.get("fixed") or {}
        if not isinstance(fixed, Mapping):
            raise TypeError(f"`fixed` must map dotted paths to values; got {fixed!r}.")
        for path, value in fixed.items():
            check_path("fixed", base, path)
            set_path(base, path, plain(value))
        if fixed and model is None:
            base = _normalise_scenario(base)

        design = Design.from_dict(data.get("design", "grid"))

        params_in = data["parameters"]
        if not isinstance(params_in, Mapping) or not params_in:
            raise ValueError(
                "`parameters` must map at least one dotted config path to its values; "
                f"got {params_in!r}."
            )
        parameters = []
        for path, entry in params_in.items():
            split_path("parameters", path)
            if path in fixed:
                raise ValueError(f"`parameters`: {path!r} is also in `fixed`; keep one.")
            check_path("parameters", base, path)
            parameters.append(_parse_parameter(path, entry, design.kind))
        n_replicates = data.get("n_replicates", 1)
        metrics = data.get("metrics", DEFAULT_METRICS)
        _check_metrics(metrics)
        n_replicates = check_int("n_replicates", n_replicates, minimum=1)
        n_cells = n_design_cells(design, parameters)
        n_runs = n_cells * n_replicates
        chunk_size = data.get("chunk_size")
        if chunk_size is None:
            chunk_size = _default_chunk_size(n_runs, n_replicates)

        n_columns = len(parameters) + len(metrics) + 4  # cell, replicate, seed, error
        _check_sweep_fits(n_cells, n_replicates, len(parameters), n_columns)
        if model is None:
            _check_engine_values(base, parameters, n_replicates=n_replicates)

        return cls(
            base=base,
            parameters=tuple(parameters),
            design=design,
            n_replicates=n_replicates,
            seed=data["seed"],
            common_random_numbers=data.get("common_random_numbers", False),
            metrics=tuple(metrics),
            chunk_size=chunk_size,
            model=model,
            description=description,
        )

    # -- derived --------------------------------------------------------------

    def _points(self):
        if self._cells is None:
            unit, cells = design_points(self.design, self.parameters, self.seed)
            object.__setattr__(self, "_unit", unit)
            object.__setattr__(self, "_cells", cells)
        return self._unit, self._cells

    @property
    def cells(self) -> list[tuple]:
        """Config values per cell (one tuple per cell, in parameter order)."""
        return self._points()[1]

    @property
    def unit_points(self) -> np.ndarray | None:
        """Cell coordinates in [0, 1]^k for sampling designs, else None."""
        return self._points()[0]

    @property
    def n_cells(self) -> int:
        """Number of parameter cells."""
        return n_design_cells(self.design, self.parameters)

    @property
    def n_runs(self) -> int:
        """Number of runs: cells times replicates."""
        return self.n_cells * self.n_replicates

    @property
    def n_chunks(self) -> int:
        """Number of result chunks."""
        return math.ceil(self.n_runs / self.chunk_size)

    @property
    def parameter_columns(self) -> list[str]:
        """Result columns of the varied parameters."""
        return [p.name for p in self.parameters]

    def config(self, cell: int) -> dict:
        """The full config dict of one cell."""
        return apply_values(self.base, [p.path for p in self.parameters], self.cells[cell])

    def seed_of(self, cell: int, replicate: int) -> int:
        """The run seed of (cell, replicate); see :func:`run_seed`."""
        return run_seed(
            self.seed, cell, replicate, common_random_numbers=self.common_random_numbers
        )

    def to_dict(self) -> dict:
        """Canonical mapping; ``from_dict(spec.to_dict())`` gives an equal spec."""
        out: dict[str, object] = {}
        if self.description is not None:
            out["description"] = self.description
        if self.model is not None:
            out["model"] = self.model
        out["base"] = copy.deepcopy(self.base)
        out["parameters"] = {p.path: p.to_dict() for p in self.parameters}
        out["design"] = self.design.to_dict()
        out["n_replicates"] = self.n_replicates
        out["seed"] = self.seed
        out["common_random_numbers"] = self.common_random_numbers
        out["metrics"] = list(self.metrics)
        out["chunk_size"] = self.chunk_size
        return out

    def to_yaml(self) -> str:
        """The canonical spec as YAML text."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, default_flow_style=None)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical spec: equal specs, equal fingerprints."""
        text = json.dumps(
            self.to_dict(), sort_keys=True, separators=(",", ":"), default=repr, allow_nan=True
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_sweep_fits(n_cells: int, n_replicates: int, n_params: int, n_columns: int) -> None:
    """Refuse a sweep whose design or result rows cannot fit in memory."""
    from .._memory import check_fits

    n_runs = n_cells * n_replicates
    need = n_cells * (100.0 + 64.0 * n_params) + n_runs * (8.0 * n_columns + 64.0)
    if n_replicates > n_cells:
        what = f"`n_replicates` = {n_replicates:,} (x {n_cells:,} cells = {n_runs:,} runs)"
    else:
        what = f"`parameters`: {n_cells:,} cells (x {n_replicates:,} replicates = {n_runs:,} runs)"
    check_fits(what, need)


def _check_engine_values(base: dict, parameters, *, n_replicates: int, limit: int = 64) -> None:
    """Each value a parameter takes must be valid for its field and fit in memory.

    Checked one parameter at a time on the base config (a few values of a
    long list), so that a bad value is a spec error now, not a failed run in
    every cell later. A value that only clashes with other fields (a spend
    above the budget, say) is left to fail in its cells, with the reason.
    """
    from .._memory import check_scenario_fits
    from ..scenario import ScenarioConfig

    for p in parameters:
        if p.values is not None:
            values = list(p.values)
        elif p.n is not None and p.n <= limit:
            values = p.grid_values()
        else:
            values = p.from_unit(np.linspace(0.0, 1.0, limit if p.n is None else min(limit, p.n)))
        if len(values) > limit:
            pick = np.unique(np.linspace(0, len(values) - 1, limit).round().astype(int))
            values = [values[i] for i in pick]
        for value in values:
            config = apply_values(base, [p.path], [value])
            try:
                cfg = ScenarioConfig.from_dict(config)
            except (ValueError, TypeError) as exc:
                first = " ".join(str(exc).split())
                if f"`{p.path}`" not in first:
                    continue  # a clash with other fields: that cell fails, and says why
                raise type(exc)(f"`parameters.{p.path}` = {value!r}: {first}") from None
            try:
                check_scenario_fits(cfg, 1)
            except ValueError as exc:
                raise ValueError(f"`parameters.{p.path}` = {value!r}: {exc}") from None


def _normalise_scenario(base: dict) -> dict:
    """Validate ``base`` as a ScenarioConfig and return its full dict."""
    from ..scenario import ScenarioConfig

    try:
        return plain(ScenarioConfig.from_dict(base).to_dict())
    except (ValueError, TypeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise type(exc)(f"base config: {first}") from None


def diff_specs(old: Mapping, new: Mapping, *, limit: int = 4) -> list[str]:
    """Dotted paths where two canonical spec dicts differ (at most ``limit``)."""
    out: list[str] = []

    def walk(a: Any, b: Any, prefix: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for key in list(dict.fromkeys([*a, *b])):
                walk(a.get(key, "<missing>"), b.get(key, "<missing>"), f"{prefix}{key}.")
        elif a != b:
            out.append(prefix.rstrip("."))

    walk(old, new, "")
    return out
