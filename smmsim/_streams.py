"""Counter-based uniforms for compiled kernels: ``uniform(key, counter)``.

A run that draws ``uniform(run_key(key, r), i)`` for its i-th number needs
no state shared with other runs, so runs can go on any thread in any order
and give the same numbers. The mixing function is the SplitMix64 output
function (Steele, Lea & Flood 2014) applied to ``key + counter *
golden_gamma``: consecutive counters give exactly the SplitMix64 sequence,
which passes BigCrush. The engine kernel (:mod:`smmsim.engine._kernel`) uses
the same function.

References
----------
.. [1] G. L. Steele, D. Lea and C. H. Flood, "Fast splittable pseudorandom
   number generators", OOPSLA 2014, pp. 453-472.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(inline="always")
def mix(z):
    """The SplitMix64 output function of ``z`` (uint64)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always")
def uniform(key, counter):
    """U[0, 1) determined by ``key`` and ``counter`` (both uint64), 53 random bits."""
    return float(mix(key + counter * _GAMMA) >> _S11) * _TO_UNIT


@njit(inline="always")
def run_key(key, r):
    """The key of run ``r`` of a batch keyed ``key``: the r-th SplitMix64 output from it."""
    return mix(key + np.uint64(r + 1) * _GAMMA)
