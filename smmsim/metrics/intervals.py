"""Confidence intervals of means over replicates: the one place that sets the width.

Every table and figure of the package that shows a mean "with its 95% CI" (the
``smmsim simulate`` summary, :func:`smmsim.experiments.mean_ci`, the notebook
helpers, :func:`smmsim.lessons.paired_difference`) takes its half width from
:func:`half_width`: the normal approximation ``z * sd / sqrt(n)`` with ``z`` the
two-sided quantile of ``confidence`` (1.959964 at 0.95).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["z_value", "half_width"]


def z_value(confidence: float = 0.95) -> float:
    """Two-sided normal quantile of ``confidence`` (1.959964 at 0.95).

    Raises
    ------
    ValueError
        If ``confidence`` is not a number in (0, 1).
    """
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        raise TypeError(f"`confidence` must be a number in (0, 1); got {confidence!r}.")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"`confidence` must be in (0, 1); got {confidence!r}.")
    from scipy.special import ndtri

    return float(ndtri(0.5 + confidence / 2))


def half_width(
    sd: float | np.ndarray | pd.Series,
    n: int | np.ndarray | pd.Series,
    *,
    confidence: float = 0.95,
) -> float | np.ndarray | pd.Series:
    """Half width of the confidence interval of a mean: ``z * sd / sqrt(n)``.

    Parameters
    ----------
    sd : float, ndarray or pandas.Series
        Standard deviation of the values (``ddof=1``). (A list is not read as
        an array: pass ``np.asarray(values)``.)
    n : int, ndarray or pandas.Series
        Number of values (at least 1).
    confidence : float in (0, 1), default 0.95

    Returns
    -------
    float, or an array / pandas Series shaped like ``sd``

    Examples
    --------
    >>> round(half_width(2.0, 4), 4)
    1.96
    """
    z = z_value(confidence)
    if isinstance(sd, (int, float, np.number)) and isinstance(n, (int, np.integer)):
        return z * float(sd) / math.sqrt(int(n))
    return z * sd / np.sqrt(n)
