"""smmsim._jit: the kernels' helpers run without reference counting, and run right."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from smmsim._jit import helper, prefetch
from smmsim.classic import _ic_kernel
from smmsim.engine import _kernel


@helper
def _bump(counts, values, i):
    counts[i] += 1
    values[i] = values[i] * 2.0 + 1.0


@njit
def _loop(counts, values, idx):
    for i in idx:
        _bump(counts, values, i)
    return counts.sum()


def test_a_helper_writes_through_its_array_arguments_from_a_kernel_loop():
    counts, values = np.zeros(4, np.int64), np.zeros(4)
    idx = np.array([0, 2, 2, 3, 2])
    assert _loop(counts, values, idx) == 5
    assert counts.tolist() == [1, 0, 3, 1]
    assert values.tolist() == [1.0, 0.0, 7.0, 1.0]


def test_the_kernels_array_helpers_are_compiled_without_reference_counting():
    helpers = [
        _kernel._mark, _kernel._expose, _kernel._schedule, _kernel._add_sharer,
        _kernel._count_reach, _kernel._mark_all, _kernel._share_chance, _kernel._session,
        _kernel._kind_effect,
        _kernel._respond, _ic_kernel._start_run, _ic_kernel._grow_uniform,
        _ic_kernel._grow_per_arc,
    ]  # fmt: skip
    for fn in helpers:
        assert fn.targetoptions.get("_nrt") is False, fn.py_func.__name__


@njit
def _sum_with_prefetch(values, ahead):
    total = 0.0
    for i in range(len(values)):
        prefetch(values, i + ahead)  # past the end too: a hint never faults
        total += values[i]
    return total


def test_prefetch_is_only_a_hint():
    values = np.arange(100, dtype=np.float64)
    for ahead in (0, 8, 99, 10_000):
        assert _sum_with_prefetch(values, ahead) == values.sum()


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 300),
    ties=st.lists(st.integers(0, 10**6), max_size=200),
    marked=st.lists(st.integers(0, 10**6), max_size=100),
)
def test_the_two_reach_loops_mark_and_count_alike(n, ties, marked):
    indices = np.array([t % n for t in ties], np.int32)
    start = np.zeros((2, (n + 63) // 64), np.uint64)
    for m in marked:
        _kernel._mark(start, 1, m % n)
    counts, rows = [], []
    for mixed in (True, False):
        seen = start.copy()
        counts.append(_kernel._mark_all(seen, 1, indices, 0, len(indices), mixed))
        rows.append(seen)
    expected = {int(x) for x in indices} - {m % n for m in marked}
    assert counts == [len(expected), len(expected)]
    assert np.array_equal(rows[0], rows[1])
    assert np.array_equal(rows[0][0], start[0])  # the other item's row is untouched
