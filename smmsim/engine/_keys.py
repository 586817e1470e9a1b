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

_MASK32 = np.uint64(0xFFFFFFFF)
_INIT_A = np.uint64(0x43B0D7E5)
_MULT_A = np.uint64(0x931E8875)
_INIT_B = np.uint64(0x8B51F9DD)
_MULT_B = np.uint64(0x58F38DED)
_MIX_L = np.uint64(0xCA01F9DD)
_MIX_R = np.uint64(0x4973F715)
_S16 = np.uint64(16)
_S32 = np.uint64(32)
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


@njit(inline="always")
def _hashmix(value, h):
    value = (value ^ h) & _MASK32
    h = (h * _MULT_A) & _MASK32
    value = (value * h) & _MASK32
    return value ^ (value >> _S16), h


@njit(inline="always")
def _mix(x, y):
    r = (_MIX_L * x - _MIX_R * y) & _MASK32
    return r ^ (r >> _S16)


@njit(cache=True)
def kernel_keys(seeds):
    """``default_rng(s).integers(0, 2**63, dtype=np.int64)`` for each seed ``0 <= s < 2**64``."""
    out = np.empty(len(seeds), np.uint64)
    pool = np.empty(4, np.uint64)
    words = np.empty(8, np.uint64)
    for j in range(len(seeds)):
        s = seeds[j]
        n_words = 1 if s <= _MASK32 else 2
        entropy0 = s & _MASK32
        entropy1 = s >> _S32
        h = _INIT_A
        for i in range(4):
            e = entropy0 if i == 0 else (entropy1 if i == 1 and n_words == 2 else np.uint64(0))
            pool[i], h = _hashmix(e, h)
        for i_src in range(4):
            for i_dst in range(4):
                if i_src != i_dst:
                    v, h = _hashmix(pool[i_src], h)
                    pool[i_dst] = _mix(pool[i_dst], v)
        h = _INIT_B
        for i in range(8):
            v = (pool[i % 4] ^ h) & _MASK32
            h = (h * _MULT_B) & _MASK32
            v = (v * h) & _MASK32
            words[i] = v ^ (v >> _S16)
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
