"""Input checks that raise errors naming the field, the rule and the value."""

from __future__ import annotations

import math
import numbers

import numpy as np


def check_probability(name: str, value) -> float:
    """Return ``value`` as float, raising if it is not a number in [0, 1]."""
    value = check_number(name, value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"`{name}` must be in [0, 1]; got {value!r}.")
    return value


def check_number(name: str, value) -> float:
    """Return ``value`` as a finite float, raising TypeError/ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a number; got {type(value).__name__} {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be finite; got {value!r}.")
    return value


def check_nonnegative(name: str, value) -> float:
    """Return ``value`` as float, raising if it is negative."""
    value = check_number(name, value)
    if value < 0:
        raise ValueError(f"`{name}` must be >= 0; got {value!r}.")
    return value


def check_positive(name: str, value) -> float:
    """Return ``value`` as float, raising if it is not > 0."""
    value = check_number(name, value)
    if value <= 0:
        raise ValueError(f"`{name}` must be > 0; got {value!r}.")
    return value


def check_int(name: str, value, *, minimum: int | None = None) -> int:
    """Return ``value`` as int, raising if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an int; got {type(value).__name__} {value!r}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be an int >= {minimum}; got {value!r}.")
    return value


def check_probability_array(name: str, values: np.ndarray) -> np.ndarray:
    """Raise if any entry of ``values`` lies outside [0, 1] or is NaN."""
    values = np.asarray(values, dtype=np.float64)
    bad = ~((values >= 0.0) & (values <= 1.0))
    if bad.any():
        first = float(values[np.flatnonzero(bad)[0]])
        raise ValueError(
            f"`{name}` must hold probabilities in [0, 1]; got {first!r} "
            f"({int(bad.sum())} bad value(s))."
        )
    return values


def check_choice(name: str, value, choices) -> str:
    """Raise if ``value`` is not one of ``choices``."""
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {sorted(choices)}; got {value!r}.")
    return value


def check_keys(where: str, data: dict, allowed) -> None:
    """Raise if ``data`` holds keys outside ``allowed`` (catches config typos)."""
    if not isinstance(data, dict):
        raise TypeError(f"`{where}` must be a mapping; got {type(data).__name__} {data!r}.")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown key(s) in `{where}`: {', '.join(map(repr, unknown))}; "
            f"allowed keys are {', '.join(sorted(allowed))}."
        )
