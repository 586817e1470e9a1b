"""Sweep parameters: one dotted config path and the values it takes (a list or a
range), checked when built."""

from __future__ import annotations

import json
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._dotted import plain, split_path
from .._validation import check_int, check_keys, check_number

RESERVED_COLUMNS = ("cell", "replicate", "seed", "error")
"""Result columns the sweep machinery owns."""


_PARAM_KEYS = ("values", "low", "high", "n", "log", "integer", "name")


_COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")


def _set(obj, name: str, value) -> None:
    # a frozen dataclass normalising its own field in __post_init__
    object.__setattr__(obj, name, value)


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _column_kind(values: Sequence) -> str:
    present = [v for v in values if v is not None]
    if not present:
        return "json"
    if all(isinstance(v, bool) for v in present):
        return "bool"
    if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in present):
        return "int64"
    if all(_is_number(v) for v in present):
        return "float64"
    if all(isinstance(v, str) for v in present):
        return "string"
    return "json"


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    """One varied config field.

    Parameters
    ----------
    path : str
        Dotted path of the field in the base config, e.g. ``"content.stickiness"``.
    name : str
        Result column; defaults to the path with dots replaced by underscores.
    values : tuple, optional
        Explicit values (a grid axis, or the choices a sampling design draws
        from uniformly).
    low, high : float, optional
        Range for sampling designs, or for a grid together with ``n``.
    n : int >= 2, optional
        Number of evenly spaced grid points between ``low`` and ``high``.
    log : bool, default False
        Space or sample the range on a log scale (needs ``low > 0``).
    integer : bool, default False
        Round to integers (an integer range includes ``high``).
    """

    path: str
    name: str
    values: tuple | None = None
    low: float | None = None
    high: float | None = None
    n: int | None = None
    log: bool = False
    integer: bool = False

    def __post_init__(self):
        where = f"parameters.{self.path}"
        split_path("parameters", self.path)
        if not isinstance(self.name, str) or not _COLUMN.match(self.name):
            raise ValueError(f"`{where}.name` must be a snake_case column name; got {self.name!r}.")
        for flag in ("log", "integer"):
            if not isinstance(getattr(self, flag), bool):
                value = getattr(self, flag)
                raise TypeError(f"`{where}.{flag}` must be true or false; got {value!r}.")
        if self.values is not None:
            extra = [k for k in ("low", "high", "n") if getattr(self, k) is not None]
            extra += [k for k in ("log", "integer") if getattr(self, k)]
            if extra:
                raise ValueError(
                    f"`{where}` gives `values` together with {', '.join(sorted(extra))}; "
                    "give either `values` or a range (low, high)."
                )
            values = self.values
            if not isinstance(values, (list, tuple)) or not values:
                raise ValueError(f"`{where}.values` must be a non-empty list; got {values!r}.")
            values = tuple(plain(v) for v in values)
            seen = set()
            for v in values:
                key = json.dumps(v, sort_keys=True, default=repr)
                if key in seen:
                    raise ValueError(f"`{where}.values` repeats the value {v!r}.")
                seen.add(key)
            _set(self, "values", values)
            return
        for bound in ("low", "high"):
            if getattr(self, bound) is None:
                raise ValueError(
                    f"`{where}` needs `values` or both `low` and `high`; `{bound}` is missing."
                )
        low = check_number(f"{where}.low", self.low)
        high = check_number(f"{where}.high", self.high)
        if not low < high:
            raise ValueError(f"`{where}.low` must be < high ({high!r}); got {low!r}.")
        if self.log and low <= 0:
            raise ValueError(f"`{where}.low` must be > 0 when log is true; got {low!r}.")
        if self.integer:
            if low != int(low) or high != int(high):
                raise ValueError(
                    f"`{where}` low and high must be whole numbers when integer is true; "
                    f"got {low!r} and {high!r}."
                )
            low, high = int(low), int(high)
        _set(self, "low", low)
        _set(self, "high", high)
        if self.n is not None:
            _set(self, "n", check_int(f"{where}.n", self.n, minimum=2))

    @property
    def kind(self) -> str:
        """Result column type: float64, int64, bool, string or json."""
        if self.values is not None:
            return _column_kind(self.values)
        return "int64" if self.integer else "float64"

    def _bounds(self) -> tuple[float, float]:
        """``(low, high)`` of a range parameter (set when ``values`` is None)."""
        assert self.low is not None and self.high is not None
        return self.low, self.high

    def _range(self) -> tuple[float, float, int]:
        """``(low, high, n)`` of a grid axis over a range."""
        assert self.n is not None
        return (*self._bounds(), self.n)

    def grid_values(self) -> list:
        """Values of this grid axis, in order."""
        if self.values is not None:
            return list(self.values)
        low, high, n = self._range()
        if self.log:
            points = np.geomspace(low, high, n)
        else:
            points = np.linspace(low, high, n)
        if self.integer:
            return list(dict.fromkeys(int(round(x)) for x in points))
        return [float(f"{x:.12g}") for x in points]

    def from_unit(self, u: np.ndarray) -> list:
        """Map points of [0, 1] to values of this parameter."""
        u = np.clip(np.asarray(u, dtype=np.float64), 0.0, 1.0)
        if self.values is not None:
            k = len(self.values)
            idx = np.minimum((u * k).astype(np.int64), k - 1)
            return [self.values[i] for i in idx.tolist()]
        low, high = self._bounds()
        if self.integer:
            top = high + 1.0
            if self.log:
                x = np.exp(math.log(low) + u * (math.log(top) - math.log(low)))
            else:
                x = low + u * (top - low)
            return np.minimum(np.floor(x), high).astype(np.int64).tolist()
        if self.log:
            x = np.exp(math.log(low) + u * (math.log(high) - math.log(low)))
        else:
            x = low + u * (high - low)
        return np.clip(x, low, high).tolist()

    def column_value(self, value: Any) -> Any:
        """The value as stored in the result column."""
        if value is None:
            return None
        kind = self.kind
        if kind == "json":
            return json.dumps(plain(value), sort_keys=True)
        if kind == "float64":
            return float(value)
        if kind == "int64":
            return int(value)
        return value

    def to_dict(self) -> dict:
        """Canonical mapping (as in a spec file)."""
        if self.values is not None:
            out = {"values": plain(list(self.values))}
        else:
            out = {"low": self.low, "high": self.high}
            if self.n is not None:
                out["n"] = self.n
            out["log"] = self.log
            out["integer"] = self.integer
        out["name"] = self.name
        return out


def _parse_parameter(path: str, entry, design_kind: str) -> Parameter:
    where = f"parameters.{path}"
    if isinstance(entry, (list, tuple)):
        entry = {"values": list(entry)}
    if not isinstance(entry, Mapping):
        raise TypeError(
            f"`{where}` must be a list of values or a mapping such as "
            f"{{low: 0.1, high: 0.5}}; got {type(entry).__name__} {entry!r}."
        )
    check_keys(where, dict(entry), _PARAM_KEYS)
    entry = dict(entry)
    name = entry.pop("name", path.replace(".", "_"))
    if "values" in entry:
        extra = sorted(set(entry) - {"values"})
        if extra:
            raise ValueError(
                f"`{where}` gives `values` together with {', '.join(extra)}; "
                "give either `values` or a range (low, high)."
            )
    param = Parameter(path=path, name=name, **entry)
    if param.values is None:
        if design_kind == "grid" and param.n is None:
            raise ValueError(
                f"`{where}` needs `n` (number of grid points) or a list of `values` "
                "in a grid design."
            )
        if design_kind != "grid" and param.n is not None:
            raise ValueError(
                f"`{where}.n` applies to grid designs only; the {design_kind} design "
                "samples the range (low, high)."
            )
    return param
