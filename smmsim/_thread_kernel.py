"""Compiled growth of conversation threads under a cascade forest.

:func:`grow_threads` runs the branching process of
:func:`smmsim.cascades.add_threads` one tweet at a time in a queue: the
openers first, then every answer in the order it was made, so the answers of
one generation of all threads come before the next generation's, and every
answer comes after the tweet it answers (the forest stays parents first).
Tweet ``j`` (the j-th in the queue) draws its two chances of an answer from
the counter-based stream ``uniform(key, 2 j)`` and ``uniform(key, 2 j + 1)``.
A loop per generation in numpy spent 15-20 us per generation on the binomial
draw of a handful of hot threads, which run for hundreds of generations.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._streams import uniform


@njit(cache=True)
def grow_threads(openers, heat, times, key, room):
    """Answers under ``openers`` (tweet ids) of thread heat ``heat`` (one per opener).

    Each tweet of a thread of heat ``h``, the opener included, is answered by
    each of two people with chance ``h / 2``; each answer one time unit after
    the tweet it answers. At most ``room`` answers are made (the queue stops
    at the first tweet whose answers do not fit). Returns ``(parent, time)``
    of the answers, numbered from ``len(times)`` on in the order made.
    """
    n0 = len(times)
    cap = max(16, min(room, 2 * len(openers)))
    parent = np.empty(cap, np.int64)
    stamp = np.empty(cap, np.float64)
    half = np.empty(cap, np.float64)  # h / 2 of each answer's thread
    made = 0
    j = 0  # queue position: openers, then answers
    n_open = len(openers)
    while j < n_open + made:
        if j < n_open:
            tweet, t, q = openers[j], times[openers[j]], 0.5 * heat[j]
        else:
            a = j - n_open
            tweet, t, q = n0 + a, stamp[a], half[a]
        counter = np.uint64(2 * j)
        answers = 0
        if uniform(key, counter) < q:
            answers += 1
        if uniform(key, counter + np.uint64(1)) < q:
            answers += 1
        j += 1
        if answers == 0:
            continue
        if made + answers > room:
            break
        if made + answers > cap:
            cap = min(room, 2 * cap + answers)
            parent = _grown(parent, made, cap)
            stamp = _grown(stamp, made, cap)
            half = _grown(half, made, cap)
        for _ in range(answers):
            parent[made] = tweet
            stamp[made] = t + 1.0
            half[made] = q
            made += 1
    return parent[:made].copy(), stamp[:made].copy()


@njit(cache=True)
def _grown(buf, used, cap):
    out = np.empty(cap, buf.dtype)
    out[:used] = buf[:used]
    return out
