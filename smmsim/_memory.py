"""Memory estimates, so that a size that cannot fit is refused before any work.

The estimates are rough upper bounds measured on the engine (bytes per
person, per tie, per step and replicate); the point is to refuse 10**12
people in a second with a clear message instead of a MemoryError after a
minute, not to predict the peak to the megabyte.
"""

from __future__ import annotations

import os
from typing import Protocol

__all__ = ["available_memory", "check_fits", "format_bytes"]

# Measured on the engine (smmsim 0.x, CPython 3.11, NumPy 2), rounded up:
# a 200,000-person Holme-Kim world took 66 MB (about 330 B a person, m = 4);
# a replicate of 2,000 people over 30 steps 60 kB; over 100,000 steps 118 MB
# (1.2 kB a step, with the per-step table built twice at the end).
BYTES_PER_PERSON = 64
BYTES_PER_ARC = 24
BYTES_PER_STEP_ITEM = 800
N_ITEMS = 3  # brand content, reviews, claim and correction share a table
BYTES_PER_PERSON_PER_REPLICATE = 24


def available_memory() -> int | None:
    """Bytes this process may use: physical memory, or a lower address-space limit.

    None when it cannot be found (then nothing is refused).
    """
    total = None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        total = None
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft not in (resource.RLIM_INFINITY, -1) and soft > 0:
            total = soft if total is None else min(total, soft)
    except (ImportError, ValueError, OSError):  # pragma: no cover - not POSIX
        pass
    return total


def format_bytes(n: float) -> str:
    """``1.5e12`` -> ``'1.4 TiB'``.

    Examples
    --------
    >>> format_bytes(3 * 2**30)
    '3.0 GiB'
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def check_fits(what: str, n_bytes: float, *, available: int | None = None) -> None:
    """Raise ``ValueError`` (not a late MemoryError) if ``n_bytes`` cannot fit in memory.

    ``what`` says which setting asks for it, e.g. ``"`graph.n_nodes` = 10**12"``.

    Examples
    --------
    >>> check_fits("`steps` = 10**9", 1.2e14, available=2**34)
    Traceback (most recent call last):
    ...
    ValueError: `steps` = 10**9 needs about 109.1 TiB of memory; this machine has 16.0 GiB.
    """
    available = available_memory() if available is None else available
    if available is not None and n_bytes > available:
        raise ValueError(
            f"{what} needs about {format_bytes(n_bytes)} of memory; this machine has "
            f"{format_bytes(available)}."
        )


class _GraphSize(Protocol):
    """What the estimate reads of a ``GraphConfig`` (this module sits below ``scenario``)."""

    @property
    def model(self) -> str: ...
    @property
    def n_nodes(self) -> int: ...
    @property
    def m(self) -> int: ...
    @property
    def mean_degree(self) -> float: ...
    @property
    def n_broadcasters(self) -> int: ...
    @property
    def followers_mean(self) -> float: ...
    @property
    def path(self) -> str | None: ...


class _ScenarioSize(Protocol):
    """What the estimate reads of a ``ScenarioConfig``."""

    @property
    def graph(self) -> _GraphSize: ...
    @property
    def steps(self) -> int: ...


def scenario_bytes(cfg: _ScenarioSize, n_replicates: int = 1) -> tuple[float, float]:
    """(world bytes, bytes per replicate) of running scenario ``cfg``."""
    g = cfg.graph
    if g.model == "snap":
        try:
            size = os.path.getsize(g.path) if g.path is not None else 0
        except (OSError, TypeError):
            size = 0
        n = size / 8  # a line "u v" of small ids is at least ~8 bytes
        arcs = 2 * size / 8
    else:
        n = g.n_nodes
        per = 2 * g.m if g.model in ("holme_kim", "barabasi_albert") else g.mean_degree
        arcs = n * per + g.n_broadcasters * g.followers_mean * n
    world = n * BYTES_PER_PERSON + arcs * BYTES_PER_ARC
    per_replicate = cfg.steps * N_ITEMS * BYTES_PER_STEP_ITEM + n * BYTES_PER_PERSON_PER_REPLICATE
    return world, per_replicate


def check_scenario_fits(
    cfg: _ScenarioSize, n_replicates: int = 1, *, replicates_name: str = "n_replicates"
) -> None:
    """Refuse a scenario (and number of replicates) that cannot fit, naming the culprit."""
    world, per = scenario_bytes(cfg)
    total = world + n_replicates * per
    available = available_memory()
    if available is None or total <= available:
        return
    g = cfg.graph
    step_part = cfg.steps * N_ITEMS * BYTES_PER_STEP_ITEM
    parts = {
        f"`graph.n_nodes` = {g.n_nodes}": world + n_replicates * (per - step_part),
        f"`steps` = {cfg.steps}": n_replicates * step_part,
        f"`{replicates_name}` = {n_replicates}": (n_replicates - 1) * per,
    }
    if g.model == "snap":
        parts[f"`graph.path` {g.path!r}"] = parts.pop(f"`graph.n_nodes` = {g.n_nodes}")
    culprit = max(parts, key=lambda name: parts[name])
    check_fits(f"{culprit} (with the rest of the scenario)", total, available=available)
