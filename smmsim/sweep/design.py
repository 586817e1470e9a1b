"""Designs of a sweep: grid, random, Latin hypercube, Sobol and Morris, and the
cells they give."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._rng import design_seed
from .._validation import check_int, check_keys
from .parameters import Parameter, _set

DESIGN_KINDS = ("grid", "random", "lhs", "sobol", "morris")
"""Supported designs."""


_DESIGN_KEYS = {
    "grid": ("kind",),
    "random": ("kind", "n_samples"),
    "lhs": ("kind", "n_samples"),
    "sobol": ("kind", "n_base", "second_order"),
    "morris": ("kind", "n_trajectories", "n_levels"),
}


_DESIGN_DEFAULTS = {
    "n_samples": None,
    "n_base": None,
    "second_order": False,
    "n_trajectories": None,
    "n_levels": 4,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Design:
    """Which parameter cells a sweep runs.

    Parameters
    ----------
    kind : {"grid", "random", "lhs", "sobol", "morris"}
        ``grid``: every combination of the parameter values. ``random``:
        independent uniform draws. ``lhs``: Latin hypercube. ``sobol``:
        Saltelli's scheme for Sobol indices (SALib). ``morris``: Morris
        elementary-effect trajectories (SALib).
    n_samples : int >= 1
        Cells of a ``random`` or ``lhs`` design.
    n_base : int, a power of 2
        Base sample size ``N`` of a ``sobol`` design; it runs ``N * (k + 2)``
        cells for ``k`` parameters, or ``N * (2k + 2)`` with second order.
    second_order : bool, default False
        Whether a ``sobol`` design also estimates second-order indices.
    n_trajectories : int >= 2
        Trajectories of a ``morris`` design; it runs ``r * (k + 1)`` cells.
    n_levels : even int >= 2, default 4
        Grid levels of a ``morris`` design.
    """

    kind: str = "grid"
    n_samples: int | None = None
    n_base: int | None = None
    second_order: bool = False
    n_trajectories: int | None = None
    n_levels: int = 4

    def __post_init__(self):
        kind = self.kind
        if kind not in DESIGN_KINDS:
            raise ValueError(f"`design.kind` must be one of {list(DESIGN_KINDS)}; got {kind!r}.")
        unused = [
            k
            for k in ("n_samples", "n_base", "second_order", "n_trajectories", "n_levels")
            if k not in _DESIGN_KEYS[kind] and getattr(self, k) != _DESIGN_DEFAULTS[k]
        ]
        if unused:
            raise ValueError(
                f"`design.{unused[0]}` does not apply to a {kind} design; "
                f"got {getattr(self, unused[0])!r}."
            )
        if kind in ("random", "lhs"):
            if self.n_samples is None:
                raise ValueError(f"`design.n_samples` is required for a {kind} design.")
            _set(self, "n_samples", check_int("design.n_samples", self.n_samples, minimum=1))
        elif kind == "sobol":
            if self.n_base is None:
                raise ValueError("`design.n_base` is required for a sobol design.")
            n_base = check_int("design.n_base", self.n_base, minimum=2)
            if n_base & (n_base - 1):
                raise ValueError(
                    f"`design.n_base` must be a power of 2 (Sobol balance); got {n_base!r}."
                )
            _set(self, "n_base", n_base)
            if not isinstance(self.second_order, bool):
                raise TypeError(
                    f"`design.second_order` must be true or false; got {self.second_order!r}."
                )
        elif kind == "morris":
            if self.n_trajectories is None:
                raise ValueError("`design.n_trajectories` is required for a morris design.")
            _set(
                self,
                "n_trajectories",
                check_int("design.n_trajectories", self.n_trajectories, minimum=2),
            )
            levels = check_int("design.n_levels", self.n_levels, minimum=2)
            if levels % 2:
                raise ValueError(f"`design.n_levels` must be even; got {levels!r}.")
            _set(self, "n_levels", levels)

    @classmethod
    def from_dict(cls, data: str | Mapping[str, Any]) -> Design:
        """Build from ``"grid"`` or a mapping such as ``{kind: lhs, n_samples: 50}``."""
        if isinstance(data, str):
            data = {"kind": data}
        if not isinstance(data, Mapping):
            raise TypeError(
                f"`design` must be a design name or a mapping; got {type(data).__name__} {data!r}."
            )
        kind = data.get("kind")
        if kind not in DESIGN_KINDS:
            raise ValueError(f"`design.kind` must be one of {list(DESIGN_KINDS)}; got {kind!r}.")
        check_keys(f"design ({kind})", dict(data), _DESIGN_KEYS[kind])
        return cls(**dict(data))

    def to_dict(self) -> dict:
        """Canonical mapping (only the fields this kind uses)."""
        return {k: getattr(self, k) for k in _DESIGN_KEYS[self.kind]}


def _size(value: int | None) -> int:
    """A design size that ``Design.__post_init__`` has checked is set for its kind."""
    assert value is not None
    return value


def _salib_problem(parameters: Sequence[Parameter]) -> dict:
    return {
        "num_vars": len(parameters),
        "names": [p.name for p in parameters],
        "bounds": [[0.0, 1.0]] * len(parameters),
    }


def _latin_hypercube(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    # One point in each of n equal strata per dimension, strata paired at random.
    strata = np.argsort(rng.random((k, n)), axis=1).T
    return (strata + rng.random((n, k))) / n


def design_points(
    design: Design, parameters: Sequence[Parameter], seed: int
) -> tuple[np.ndarray | None, list[tuple]]:
    """Cells of a design.

    Returns
    -------
    unit : ndarray of shape (n_cells, n_parameters), or None for a grid
        Cell coordinates in the unit hypercube, as SALib samples and analyses them.
    cells : list of tuple
        Config values per cell, one per parameter, in parameter order.
    """
    k = len(parameters)
    if design.kind == "grid":
        axes = [p.grid_values() for p in parameters]
        return None, [tuple(c) for c in itertools.product(*axes)]
    ss = design_seed(seed)
    if design.kind == "random":
        unit = np.random.default_rng(ss).random((_size(design.n_samples), k))
    elif design.kind == "lhs":
        unit = _latin_hypercube(_size(design.n_samples), k, np.random.default_rng(ss))
    elif design.kind == "sobol":
        from SALib.sample import sobol

        unit = sobol.sample(
            _salib_problem(parameters),
            design.n_base,
            calc_second_order=design.second_order,
            scramble=True,
            seed=int(ss.generate_state(1)[0]),
        )
    else:
        from SALib.sample import morris

        unit = morris.sample(
            _salib_problem(parameters),
            design.n_trajectories,
            num_levels=design.n_levels,
            seed=int(ss.generate_state(1)[0]),
        )
    columns = [p.from_unit(unit[:, j]) for j, p in enumerate(parameters)]
    return unit, list(zip(*columns))


def _grid_length(p: Parameter) -> int:
    """``len(p.grid_values())`` without listing a long axis."""
    if p.values is not None:
        return len(p.values)
    low, high, n = p._range()
    if not p.integer:
        return n
    if not p.log and n >= high - low + 1:  # every integer of the range, once
        return int(high - low + 1)
    return len(p.grid_values())


def n_design_cells(design: Design, parameters: Sequence[Parameter]) -> int:
    """Number of cells a design runs (without drawing it)."""
    k = len(parameters)
    if design.kind == "grid":
        return math.prod(_grid_length(p) for p in parameters)
    if design.kind in ("random", "lhs"):
        return _size(design.n_samples)
    if design.kind == "sobol":
        return _size(design.n_base) * ((2 * k + 2) if design.second_order else (k + 2))
    return _size(design.n_trajectories) * (k + 1)
