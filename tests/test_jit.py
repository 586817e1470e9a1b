"""smmsim._jit: the kernels' helpers run without reference counting, and run right."""

from __future__ import annotations

import numpy as np
from numba import njit

from smmsim._jit import helper
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
        _kernel._count_reach, _kernel._share_chance, _kernel._session, _kernel._kind_effect,
        _kernel._respond, _ic_kernel._start_run, _ic_kernel._grow_uniform,
        _ic_kernel._grow_per_arc,
    ]  # fmt: skip
    for fn in helpers:
        assert fn.targetoptions.get("_nrt") is False, fn.py_func.__name__
