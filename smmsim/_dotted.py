"""Dotted paths into nested config mappings (``"campaign.levers.influencers.spend"``).

The one place that splits, checks, reads and sets such paths, for scenario
overrides (:meth:`smmsim.scenario.ScenarioConfig.with_overrides`) and for sweep
specs (``fixed:`` and ``parameters:``). Also :func:`plain`, which turns configs
and NumPy scalars into the plain Python values that YAML and JSON hold.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["split_path", "check_path", "set_path", "apply_values", "plain"]

_SEGMENT = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)$")


def split_path(where: str, path: object) -> list[str]:
    """Split a dotted path, raising if it is empty or malformed."""
    if not isinstance(path, str) or not path:
        raise TypeError(f"`{where}` keys must be dotted paths (str); got {path!r}.")
    parts = path.split(".")
    for part in parts:
        if not _SEGMENT.match(part):
            raise ValueError(
                f"`{where}` key {path!r} is not a dotted path of config keys "
                "(e.g. 'content.stickiness')."
            )
    return parts


def _step(node: Any, part: str) -> Any:
    if isinstance(node, Mapping):
        return node[part]
    if isinstance(node, list) and part.isdigit():
        return node[int(part)]
    raise KeyError(part)


def check_path(where: str, config: Mapping, path: str) -> None:
    """Raise ValueError unless ``path`` names an existing key of ``config``."""
    node: Any = config
    walked: list[str] = []
    for part in split_path(where, path):
        try:
            nxt = _step(node, part)
        except (KeyError, IndexError):
            here = ".".join(walked) or "the base config"
            if isinstance(node, Mapping):
                keys = ", ".join(sorted(map(str, node))) or "none"
                hint = f"keys there: {keys}"
            elif node is None:
                hint = f"'{here}' is null in the base config; give it a value there first"
            else:
                hint = f"'{here}' is a {type(node).__name__}, not a section"
            raise ValueError(
                f"`{where}`: {path!r} is not a key of the base config "
                f"(no {part!r} in {here}; {hint})."
            ) from None
        walked.append(part)
        node = nxt


def set_path(config: dict, path: str, value: Any, *, create: bool = False) -> None:
    """Set ``config[a][b][c] = value`` for ``path == "a.b.c"``, in place.

    Without ``create`` the path must exist (see :func:`check_path`); list items are
    addressed by their index. With ``create``, missing or null sections are made.

    Raises
    ------
    ValueError
        With ``create``, when a section on the way holds a value, not a mapping.
    """
    parts = path.split(".")
    node: Any = config
    for part in parts[:-1]:
        if create:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                raise ValueError(f"cannot set `{path}`: `{part}` is not a section.")
            node = child
        else:
            node = _step(node, part)
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def apply_values(base: Mapping, paths: Sequence[str], values: Sequence) -> dict:
    """Return a deep copy of ``base`` with ``values`` set at ``paths``."""
    config = copy.deepcopy(dict(base))
    for path, value in zip(paths, values):
        set_path(config, path, copy.deepcopy(value))
    return config


def plain(value: Any) -> Any:
    """Plain Python values for YAML and JSON: configs become dicts, tuples lists,
    NumPy scalars Python numbers (containers are converted all the way down)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
