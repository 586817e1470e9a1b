"""Compiled helpers of the campaign metrics (:mod:`smmsim.metrics.campaign`)."""

from __future__ import annotations

import numpy as np
from numba import njit


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
def count_customers_each(people, people_bounds, buyers, buyer_bounds, is_customer):
    """:func:`count_customers` of each run ``i``: its people
    ``people[people_bounds[i]:people_bounds[i + 1]]``, its buyers likewise."""
    n = len(people_bounds) - 1
    out = np.empty(n, np.int64)
    for i in range(n):
        out[i] = count_customers(
            people[people_bounds[i] : people_bounds[i + 1]],
            is_customer,
            buyers[buyer_bounds[i] : buyer_bounds[i + 1]],
        )
    return out
