"""numpy's SeedSequence hashing, compiled, for the many seeds a batch of replicates needs.

``numpy.random.SeedSequence(entropy, spawn_key).generate_state(...)`` takes
about 12 us per call from Python, more than a small engine run; a batch of
replicates needs one per replicate (:func:`smmsim._rng.replicate_seeds`).
This module computes the same words: the entropy and the spawn key as
little-endian 32-bit words (the entropy padded with zeros to the pool size
when there is a spawn key), mixed into a pool of four words, then drawn from
the pool (numpy's ``mix_entropy`` and ``generate_state``). The tests and every
call (on its first seed) check the result against numpy itself.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numba import njit

MASK32 = np.uint64(0xFFFFFFFF)
INIT_A = np.uint64(0x43B0D7E5)
MULT_A = np.uint64(0x931E8875)
INIT_B = np.uint64(0x8B51F9DD)
MULT_B = np.uint64(0x58F38DED)
MIX_L = np.uint64(0xCA01F9DD)
MIX_R = np.uint64(0x4973F715)
S16 = np.uint64(16)
S32 = np.uint64(32)
POOL_SIZE = 4


@njit(inline="always")
def hashmix(value, h):
    """numpy's ``hashmix``: (mixed value, next hash constant), 32-bit words in uint64."""
    value = (value ^ h) & MASK32
    h = (h * MULT_A) & MASK32
    value = (value * h) & MASK32
    return value ^ (value >> S16), h


@njit(inline="always")
def mix(x, y):
    """numpy's ``mix`` of two pool words."""
    r = (MIX_L * x - MIX_R * y) & MASK32
    return r ^ (r >> S16)


@njit(inline="always")
def mix_pool(entropy, n, pool):
    """Mix the first ``n`` words of ``entropy`` into ``pool`` (numpy's ``mix_entropy``)."""
    h = INIT_A
    for i in range(POOL_SIZE):
        pool[i], h = hashmix(entropy[i] if i < n else np.uint64(0), h)
    for i_src in range(POOL_SIZE):
        for i_dst in range(POOL_SIZE):
            if i_src != i_dst:
                v, h = hashmix(pool[i_src], h)
                pool[i_dst] = mix(pool[i_dst], v)
    for i_src in range(POOL_SIZE, n):
        for i_dst in range(POOL_SIZE):
            v, h = hashmix(entropy[i_src], h)
            pool[i_dst] = mix(pool[i_dst], v)


@njit(inline="always")
def draw_words(pool, words):
    """Fill ``words`` from ``pool`` (numpy's ``generate_state`` in 32-bit words)."""
    h = INIT_B
    for i in range(len(words)):
        v = (pool[i % POOL_SIZE] ^ h) & MASK32
        h = (h * MULT_B) & MASK32
        v = (v * h) & MASK32
        words[i] = v ^ (v >> S16)


@njit(cache=True)
def child_seed_ints(prefix, first, count):
    """``int(SeedSequence(entropy, spawn_key=(*key, i)).generate_state(1, np.uint64)[0] >> 1)``
    for ``i`` in ``first .. first + count - 1``, where ``prefix`` holds the assembled
    words of the entropy and ``key`` (:func:`assembled_words`)."""
    n0 = len(prefix)
    entropy = np.empty(n0 + 2, np.uint64)
    entropy[:n0] = prefix
    pool = np.empty(POOL_SIZE, np.uint64)
    words = np.empty(2, np.uint64)
    out = np.empty(count, np.uint64)
    for j in range(count):
        i = np.uint64(first + j)
        entropy[n0] = i & MASK32
        n = n0 + 1
        if i > MASK32:
            entropy[n0 + 1] = i >> S32
            n += 1
        mix_pool(entropy, n, pool)
        draw_words(pool, words)
        out[j] = (words[0] | (words[1] << S32)) >> np.uint64(1)
    return out


def int_words(value: int) -> list[int]:
    """A non-negative int as little-endian 32-bit words (``[0]`` for 0), as numpy does."""
    if value < 0:
        raise ValueError(f"seed words must be non-negative; got {value!r}.")
    words = [value & 0xFFFFFFFF]
    value >>= 32
    while value:
        words.append(value & 0xFFFFFFFF)
        value >>= 32
    return words


def assembled_words(entropy: int | Iterable[int], spawn_key: Iterable[int]) -> np.ndarray:
    """The words numpy mixes for a SeedSequence's children: its entropy (padded with zeros
    to the pool size) and its spawn key, each int as :func:`int_words`."""
    values = [entropy] if isinstance(entropy, (int, np.integer)) else list(entropy)
    words = [w for v in values for w in int_words(int(v))]
    words += [0] * max(0, POOL_SIZE - len(words))
    words += [w for v in spawn_key for w in int_words(int(v))]
    return np.array(words, dtype=np.uint64)
