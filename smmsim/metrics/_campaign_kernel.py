"""Compiled helpers of the campaign metrics (:mod:`smmsim.metrics.campaign`)."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..engine import _kernel as K


@njit(cache=True, nogil=True)
def count_customers(people, is_customer, buyers):
    """How many distinct entries of ``people`` are customers at the end of a run:
    ``is_customer[v]`` or ``v`` in ``buyers``. O((p + b) log(p + b)), no O(n) pass."""
    p = np.sort(people)
    b = np.sort(buyers)
    j = 0
    count = 0
    last = -1
    for i in range(len(p)):
        v = p[i]
        if v == last:
            continue
        last = v
        while j < len(b) and b[j] < v:
            j += 1
        if is_customer[v] or (j < len(b) and b[j] == v):
            count += 1
    return count


@njit(cache=True, nogil=True)
def count_customers_each(people, people_starts, people_ends, buyers, buyer_starts, buyer_ends,
                         is_customer):  # fmt: skip
    """:func:`count_customers` of each run ``i``: its people the segments
    ``people[people_starts[i, j]:people_ends[i, j]]`` (one per item), its buyers
    ``buyers[buyer_starts[i]:buyer_ends[i]]``."""
    n = people_starts.shape[0]
    out = np.empty(n, np.int64)
    most = 0
    for i in range(n):
        most = max(most, (people_ends[i] - people_starts[i]).sum())
    gathered = np.empty(most, people.dtype)
    for i in range(n):
        m = 0
        for j in range(people_starts.shape[1]):
            a, b = people_starts[i, j], people_ends[i, j]
            gathered[m : m + b - a] = people[a:b]
            m += b - a
        out[i] = count_customers(gathered[:m], is_customer, buyers[buyer_starts[i] : buyer_ends[i]])
    return out


@njit(cache=True, nogil=True)
def totals_each(stats, starts, ends):
    """Each run's per-step counts summed over its steps ``stats[starts[i]:ends[i]]``:
    shape (runs, items, fields)."""
    n = len(starts)
    out = np.zeros((n, stats.shape[1], stats.shape[2]), np.int64)
    for i in range(n):
        for t in range(starts[i], ends[i]):
            out[i] += stats[t]
    return out


# The integer columns of the per-step table, in order (steps_block's rows).
STEP_INT_COLUMNS = (
    "impressions_paid", "impressions_owned", "impressions_earned", "new_reach",
    "new_reach_earned_only", "engagements", "shares", "website_sessions", "conversions",
    "website_sessions_paid", "conversions_paid", "website_sessions_owned", "conversions_owned",
    "website_sessions_earned", "conversions_earned", "referrals", "reach", "reach_earned_only",
)  # fmt: skip
STEP_FLOAT_COLUMNS = ("earned_reach_share",)


@njit(cache=True, nogil=True)
def steps_block(stats, starts, ends, n_steps, ints, floats, first_col):
    """Write the per-step table of each run ``i`` (its steps ``stats[starts[i]:ends[i]]``,
    then zeros up to ``n_steps``) into ``ints`` (the :data:`STEP_INT_COLUMNS`, one row
    each) and ``floats`` (:data:`STEP_FLOAT_COLUMNS`), columns ``first_col`` on: one
    column per (run, step, item)."""
    n_items = stats.shape[1]
    col = first_col
    for i in range(len(starts)):
        reach = np.zeros(n_items, np.int64)
        earned_only = np.zeros(n_items, np.int64)
        for t in range(n_steps):
            row = starts[i] + t
            for k in range(n_items):
                ints[:, col] = 0
                if row < ends[i]:
                    s = stats[row, k]
                    for o in range(3):
                        ints[o, col] = s[K.F_IMPRESSIONS + o]
                        ints[9 + 2 * o, col] = s[K.F_CLICKS + o]
                        ints[10 + 2 * o, col] = s[K.F_CONVERSIONS + o]
                    ints[3, col] = s[K.F_NEW_REACH]
                    ints[4, col] = s[K.F_NEW_REACH_EARNED] - s[K.F_EARNED_LOST]
                    ints[5, col] = s[K.F_ENGAGEMENTS]
                    ints[6, col] = s[K.F_SHARES]
                    ints[7, col] = s[K.F_CLICKS] + s[K.F_CLICKS + 1] + s[K.F_CLICKS + 2]
                    ints[8, col] = (s[K.F_CONVERSIONS] + s[K.F_CONVERSIONS + 1]
                                    + s[K.F_CONVERSIONS + 2])  # fmt: skip
                    ints[15, col] = s[K.F_REFERRALS]
                    reach[k] += ints[3, col]
                    earned_only[k] += ints[4, col]
                ints[16, col] = reach[k]
                ints[17, col] = earned_only[k]
                share = 0.0
                if reach[k] > 0:
                    share = earned_only[k] / reach[k]
                floats[0, col] = share
                col += 1
