"""Kernel keys of integer seeds, compiled: ``default_rng(seed).integers(0, 2**63)`` for many seeds.

``simulate(cfg, rng=seed)`` draws its kernel key as the first
``integers(0, 2**63, dtype=np.int64)`` of ``numpy.random.default_rng(seed)``.
Building a Generator costs tens of microseconds, more than a small run, so
a batch of replicates computes the keys here instead: numpy's SeedSequence
hashing of the seed (``generate_state(4, np.uint64)``), PCG64's seeding
from those four words, its first output, and Lemire's bounded integer for
the range 2**63 (which keeps the top 63 bits: ``x >> 1``). The test suite
and every batch (on its first seed) check the result against numpy itself.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._seedseq import MASK32 as _MASK32
from .._seedseq import S32 as _S32
from .._seedseq import draw_words, mix_pool

# PCG64's 128-bit multiplier, high and low words
_PCG_HI = np.uint64(0x2360ED051FC65DA4)
_PCG_LO = np.uint64(0x4385DF649FCCF645)


@njit(inline="always")
def _mul64(a, b):
    """The 128-bit product of two uint64 as (high, low)."""
    a0, a1 = a & _MASK32, a >> _S32
    b0, b1 = b & _MASK32, b >> _S32
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> _S32) + (p01 & _MASK32) + (p10 & _MASK32)
    lo = (p00 & _MASK32) | ((mid & _MASK32) << _S32)
    hi = p11 + (p01 >> _S32) + (p10 >> _S32) + (mid >> _S32)
    return hi, lo


@njit(inline="always")
def _step(s_hi, s_lo, i_hi, i_lo):
    """PCG64 state step: state * multiplier + increment (mod 2**128)."""
    hi, lo = _mul64(s_lo, _PCG_LO)
    hi = hi + s_lo * _PCG_HI + s_hi * _PCG_LO
    lo2 = lo + i_lo
    carry = np.uint64(1) if lo2 < lo else np.uint64(0)
    return hi + i_hi + carry, lo2


@njit(cache=True)
def kernel_keys(seeds):
    """``default_rng(s).integers(0, 2**63, dtype=np.int64)`` for each seed ``0 <= s < 2**64``."""
    out = np.empty(len(seeds), np.uint64)
    pool = np.empty(4, np.uint64)
    words = np.empty(8, np.uint64)
    entropy = np.empty(2, np.uint64)
    for j in range(len(seeds)):
        s = seeds[j]
        entropy[0] = s & _MASK32
        entropy[1] = s >> _S32
        mix_pool(entropy, 1 if s <= _MASK32 else 2, pool)  # the seed's 32-bit words
        draw_words(pool, words)
        seed_hi = words[0] | (words[1] << _S32)
        seed_lo = words[2] | (words[3] << _S32)
        inc_hi = words[4] | (words[5] << _S32)
        inc_lo = words[6] | (words[7] << _S32)
        # increment = (initseq << 1) | 1
        i_hi = (inc_hi << np.uint64(1)) | (inc_lo >> np.uint64(63))
        i_lo = (inc_lo << np.uint64(1)) | np.uint64(1)
        s_hi, s_lo = _step(np.uint64(0), np.uint64(0), i_hi, i_lo)
        lo = s_lo + seed_lo
        s_hi = s_hi + seed_hi + (np.uint64(1) if lo < s_lo else np.uint64(0))
        s_lo = lo
        s_hi, s_lo = _step(s_hi, s_lo, i_hi, i_lo)
        s_hi, s_lo = _step(s_hi, s_lo, i_hi, i_lo)  # the first output's step
        x = s_hi ^ s_lo
        rot = s_hi >> np.uint64(58)
        x = (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))
        out[j] = x >> np.uint64(1)
    return out
