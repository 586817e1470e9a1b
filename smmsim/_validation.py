"""Input checks that raise errors naming the field, the rule and the value."""

from __future__ import annotations

import dataclasses
import math
import numbers
import os
from collections.abc import Collection
from typing import Any

import numpy as np


def check_probability(name: str, value: Any) -> float:
    """Return ``value`` as float, raising if it is not a number in [0, 1]."""
    value = check_number(name, value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"`{name}` must be in [0, 1]; got {value!r}.")
    return value


def check_number(name: str, value: Any) -> float:
    """Return ``value`` as a finite float, raising TypeError/ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a number; got {type(value).__name__} {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be finite; got {value!r}.")
    return value


def check_nonnegative(name: str, value: Any) -> float:
    """Return ``value`` as float, raising if it is negative."""
    value = check_number(name, value)
    if value < 0:
        raise ValueError(f"`{name}` must be >= 0; got {value!r}.")
    return value


def check_positive(name: str, value: Any) -> float:
    """Return ``value`` as float, raising if it is not > 0."""
    value = check_number(name, value)
    if value <= 0:
        raise ValueError(f"`{name}` must be > 0; got {value!r}.")
    return value


def check_int(name: str, value: Any, *, minimum: int | None = None) -> int:
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


def check_choice(name: str, value: Any, choices: Collection[str]) -> str:
    """Raise if ``value`` is not one of ``choices``."""
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {sorted(choices)}; got {value!r}.")
    return value


def check_keys(where: str, data: dict, allowed: Collection[str]) -> None:
    """Raise if ``data`` holds keys outside ``allowed`` (catches config typos)."""
    if not isinstance(data, dict):
        raise TypeError(f"`{where}` must be a mapping; got {type(data).__name__} {data!r}.")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown key(s) in `{where}`: {', '.join(map(repr, unknown))}; "
            f"allowed keys are {', '.join(sorted(allowed))}."
        )


def check_field_types(obj: Any, where: str) -> None:
    """Raise ``TypeError`` if a field of config dataclass ``obj`` has the wrong kind of value.

    Fields annotated ``bool`` take a bool only (YAML ``true`` / ``false``; the
    text ``"false"`` or the number 1 are refused), ``str`` fields take text,
    ``tuple`` fields a list or tuple; ``| None`` also allows None; a section
    (a field whose default is a config dataclass) takes an instance of that
    class. ``where`` is the dotted section of ``obj`` in a scenario (``""`` at
    the top).

    Examples
    --------
    >>> from smmsim.scenario.earned import CrisisConfig
    >>> CrisisConfig(enabled="false")
    Traceback (most recent call last):
    ...
    TypeError: `crisis.enabled` must be true or false; got str 'false'.
    """
    for f in dataclasses.fields(obj):
        if not f.init:
            continue
        kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        optional = kind.endswith("| None")
        kind = kind.removesuffix("| None").strip()
        value = getattr(obj, f.name)
        if value is None and optional:
            continue
        name = f"{where}.{f.name}" if where else f.name
        shown = list(value) if isinstance(value, tuple) else value  # as YAML wrote it
        got = f"got {type(shown).__name__} {shown!r}"
        if kind == "bool" and not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"`{name}` must be true or false; {got}.")
        if kind == "str" and not isinstance(value, (str, os.PathLike)):
            raise TypeError(f"`{name}` must be text; {got}.")
        if kind == "tuple" and not isinstance(value, (list, tuple, np.ndarray)):
            raise TypeError(f"`{name}` must be a list; {got}.")
        section = f.default_factory
        if dataclasses.is_dataclass(section) and not isinstance(value, section):
            raise TypeError(
                f"`{name}` must be a {section.__name__} (a mapping in YAML); {got}."
            )
