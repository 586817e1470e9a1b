"""Bass diffusion: on a network and the mean-field curve."""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._rng import RngLike, as_generator
from .._validation import (
    check_int,
    check_nonnegative,
    check_positive,
)
from ..graphs import GraphLike, NodeLabels
from . import _kernels as _classic_kernels
from ._inputs import _as_arrays, _seed_positions

__all__ = ["bass_network", "bass_mean_field", "bass_peak"]

# ---------------------------------------------------------------------------
# Bass diffusion

_MAX_SUBSTEPS = 10_000_000


def bass_network(
    graph: GraphLike,
    p: float,
    q: float,
    *,
    dt: float = 0.05,
    t_max: float = 20.0,
    n_runs: int = 1,
    seed_nodes: NodeLabels | None = None,
    rng: RngLike = None,
) -> pd.DataFrame:
    """Bass diffusion of a product on a network, in small time sub-steps.

    In every sub-step of length ``dt``, each person who has not adopted yet
    adopts with probability ``1 - exp(-(p + q * a / k) * dt)``: ``p`` is the
    external (advertising) rate, ``q`` the word-of-mouth rate, ``a`` the number
    of the person's in-neighbours who had adopted at the start of the sub-step
    and ``k`` the person's in-degree (``a / k = 0`` if ``k = 0``). On a complete
    graph with small ``dt`` this follows the mean-field Bass curve
    (:func:`bass_mean_field`).

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or SocialGraph
        A person watches their in-neighbours; an undirected edge works both ways.
    p : float >= 0
        Coefficient of innovation (external influence), per unit time.
    q : float >= 0
        Coefficient of imitation (word of mouth), per unit time.
    dt : float > 0, default 0.05
        Sub-step length. Adoptions within a sub-step only take effect in the
        next one, which delays diffusion by roughly ``dt``: whole-period steps
        (``dt = 1``) visibly lag the continuous-time curve.
    t_max : float > 0, default 20
        Simulated time span; the last row's ``t`` is ``ceil(t_max / dt) * dt``.
    n_runs : int >= 1, default 1
    seed_nodes : node label or iterable of node labels, optional
        People who have adopted at ``t = 0`` (default: nobody).
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    pandas.DataFrame
        One row per run and sub-step, with columns ``run``, ``step`` (int64),
        ``t`` (time at the end of the sub-step), ``adopters`` (cumulative count),
        ``fraction`` (adopters / n_nodes), ``new_adopters`` (adoptions during
        the sub-step ending at ``t``) and ``adoption_rate`` (``new_adopters /
        (n_nodes * dt)``: the fraction adopting per unit time, to compare with
        ``dF/dt``). Step 0 is the state at ``t = 0``; its ``new_adopters`` and
        ``adoption_rate`` are 0.

    Raises
    ------
    ValueError
        If ``p``, ``q`` are negative, ``dt`` or ``t_max`` not positive, there
        would be more than 10 million sub-steps, ``n_runs`` < 1, a seed node is
        not in the graph or the graph is empty.
    TypeError
        If an argument has the wrong type.

    See Also
    --------
    bass_mean_field, bass_peak

    References
    ----------
    .. [1] F. M. Bass, "A new product growth for model consumer durables",
       Management Science 15(5) (1969) 215-227.

    Examples
    --------
    >>> import networkx as nx
    >>> df = bass_network(nx.complete_graph(200), 0.03, 0.38, t_max=30.0, rng=1)
    >>> list(df.columns)
    ['run', 'step', 't', 'adopters', 'fraction', 'new_adopters', 'adoption_rate']
    >>> float(df["fraction"].iloc[-1])
    1.0
    """
    rng = as_generator(rng)
    p = check_nonnegative("p", p)
    q = check_nonnegative("q", q)
    dt = check_positive("dt", dt)
    t_max = check_positive("t_max", t_max)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    n_steps = max(1, int(np.ceil(t_max / dt - 1e-9)))
    if n_steps > _MAX_SUBSTEPS:
        raise ValueError(
            f"`t_max / dt` must be at most {_MAX_SUBSTEPS} sub-steps; "
            f"got t_max={t_max!r}, dt={dt!r}."
        )
    arrays, _ = _as_arrays(graph)
    seeds = _seed_positions(arrays, seed_nodes)
    n = arrays.n_nodes
    in_degree = np.bincount(arrays.indices, minlength=n).astype(np.int64)
    adopters = np.zeros((n_runs, n_steps + 1), np.int64)
    _classic_kernels.bass_runs(
        arrays.indptr, arrays.indices, in_degree, p, q, dt, n_steps, seeds, n_runs, rng, adopters
    )
    new = np.zeros_like(adopters)
    new[:, 1:] = np.diff(adopters, axis=1)
    steps = np.arange(n_steps + 1, dtype=np.int64)
    flat = adopters.ravel()
    return pd.DataFrame(
        {
            "run": np.repeat(np.arange(n_runs, dtype=np.int64), n_steps + 1),
            "step": np.tile(steps, n_runs),
            "t": np.tile(steps * dt, n_runs),
            "adopters": flat,
            "fraction": flat / n,
            "new_adopters": new.ravel(),
            "adoption_rate": new.ravel() / (n * dt),
        }
    )


@overload
def bass_mean_field(p: float, q: float, t: float) -> float: ...
@overload
def bass_mean_field(p: float, q: float, t: npt.ArrayLike) -> float | np.ndarray: ...
def bass_mean_field(p: float, q: float, t: npt.ArrayLike) -> float | np.ndarray:
    """Cumulative adoption fraction of the mean-field Bass model.

    Solves ``dF/dt = (p + q F)(1 - F)`` with ``F(0) = 0``::

        F(t) = (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t))

    Parameters
    ----------
    p : float > 0
        Coefficient of innovation, per unit time.
    q : float >= 0
        Coefficient of imitation, per unit time.
    t : float >= 0 or array_like of float >= 0
        Times.

    Returns
    -------
    float or ndarray
        ``F(t)``, shaped like ``t``.

    Raises
    ------
    ValueError
        If ``p <= 0``, ``q < 0`` or a time is negative or not finite.

    See Also
    --------
    bass_peak, bass_network

    References
    ----------
    .. [1] F. M. Bass, "A new product growth for model consumer durables",
       Management Science 15(5) (1969) 215-227.

    Examples
    --------
    >>> round(bass_mean_field(0.03, 0.38, 6.1926), 4)
    0.4605
    >>> bass_mean_field(0.03, 0.38, [0.0, 50.0]).round(6).tolist()
    [0.0, 1.0]
    """
    p = check_positive("p", p)
    q = check_nonnegative("q", q)
    try:
        times = np.asarray(t, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"`t` must be a number or an array of numbers; got {t!r}.") from None
    bad = ~(np.isfinite(times) & (times >= 0))
    if bad.any():
        raise ValueError(f"`t` must be finite and >= 0; got {float(times[bad].flat[0])!r}.")
    decay = np.exp(-(p + q) * times)
    F = (1.0 - decay) / (1.0 + (q / p) * decay)
    return float(F) if F.ndim == 0 else F


def bass_peak(p: float, q: float) -> tuple[float, float]:
    """Time and cumulative adoption at the peak of the mean-field Bass adoption rate.

    Parameters
    ----------
    p : float > 0
        Coefficient of innovation, per unit time.
    q : float >= 0
        Coefficient of imitation, per unit time.

    Returns
    -------
    t_peak : float
        ``ln(q / p) / (p + q)``, or 0 when ``q <= p`` (the rate is then highest
        at launch).
    fraction_at_peak : float
        ``F(t_peak)``, which equals ``(q - p) / (2 q)`` when ``q > p``.

    Raises
    ------
    ValueError
        If ``p <= 0`` or ``q < 0``.

    See Also
    --------
    bass_mean_field

    Examples
    --------
    >>> t_peak, f_peak = bass_peak(0.03, 0.38)
    >>> round(t_peak, 2), round(f_peak, 4)
    (6.19, 0.4605)
    """
    p = check_positive("p", p)
    q = check_nonnegative("q", q)
    if q <= p:
        return 0.0, 0.0
    t_peak = float(np.log(q / p) / (p + q))
    return t_peak, bass_mean_field(p, q, t_peak)
