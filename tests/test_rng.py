"""smmsim._rng: every seed derivation, by its named spawn keys."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smmsim import _rng


def test_as_generator_checks_its_input():
    assert isinstance(_rng.as_generator(1), np.random.Generator)
    with pytest.raises(TypeError, match="`rng` must be None, an int"):
        _rng.as_generator(1.5)
    with pytest.raises(ValueError, match="`rng` seed must be a non-negative int; got -1"):
        _rng.as_generator(-1)


def test_replicate_seeds_are_the_children_of_the_root_and_keep_their_prefix():
    root = np.random.SeedSequence(7)
    seeds = _rng.replicate_seeds(root, 5)
    assert seeds[:3] == _rng.replicate_seeds(root, 3)
    kids = np.random.SeedSequence(7).spawn(5)
    assert seeds == [int(k.generate_state(1, np.uint64)[0] >> np.uint64(1)) for k in kids]
    assert all(0 <= s < 2**63 for s in seeds)


def test_sweep_keys_are_the_spawn_tree_of_the_master_seed():
    design, runs, crn, summary = np.random.SeedSequence(42).spawn(4)
    assert _rng.design_seed(42).generate_state(4).tolist() == design.generate_state(4).tolist()
    assert _rng.summary_seed(42).generate_state(4).tolist() == summary.generate_state(4).tolist()
    independent = runs.spawn(5)[4].spawn(3)[2]
    assert _rng.run_seed(42, 4, 2, common_random_numbers=False) == _rng.seed_int(independent)
    shared = crn.spawn(3)[2]
    for cell in (0, 4):
        assert _rng.run_seed(42, cell, 2, common_random_numbers=True) == _rng.seed_int(shared)


def test_child_does_not_advance_its_root():
    root = np.random.SeedSequence(3)
    a = _rng.child(root, 1).generate_state(2).tolist()
    root.spawn(4)
    assert _rng.child(root, 1).generate_state(2).tolist() == a


def test_world_and_selection_streams_are_fixed_by_the_graph_seed():
    g1, p1 = _rng.world_seeds(5)
    g2, p2 = np.random.SeedSequence(5).spawn(2)
    assert g1.generate_state(2).tolist() == g2.generate_state(2).tolist()
    assert p1.generate_state(2).tolist() == p2.generate_state(2).tolist()
    a = _rng.selection_rng(5, ("seeding", "random", 3)).random(3)
    b = _rng.selection_rng(5, ("seeding", "random", 3)).random(3)
    c = _rng.selection_rng(5, ("seeding", "random", 4)).random(3)
    assert a.tolist() == b.tolist() and a.tolist() != c.tolist()


def test_fresh_seed_is_in_range():
    assert 0 <= _rng.fresh_seed(32) < 2**32


def _numpy_child_seed(entropy, key, i):
    ss = np.random.SeedSequence(entropy, spawn_key=(*key, i))
    return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


@settings(max_examples=60, deadline=None)
@given(
    entropy=st.one_of(
        st.integers(0, 2**160), st.lists(st.integers(0, 2**70), min_size=1, max_size=6)
    ),
    key=st.lists(st.integers(0, 2**64), max_size=4),
    first=st.one_of(st.integers(0, 50), st.integers(2**32 - 3, 2**33)),
)
def test_compiled_child_seeds_equal_numpy(entropy, key, first):
    from smmsim._seedseq import assembled_words, child_seed_ints

    got = child_seed_ints(assembled_words(entropy, key), first, 4).tolist()
    assert got == [_numpy_child_seed(entropy, key, first + j) for j in range(4)]


@pytest.mark.parametrize("master", [0, 1, 2**90 + 3, None])
def test_replicate_seeds_are_the_children_of_the_root(master):
    root = np.random.SeedSequence(master) if master is not None else np.random.SeedSequence()
    for n in (1, 7, 8, 300):
        want = [_rng.seed_int(_rng.child(root, i)) for i in range(n)]
        got = _rng.replicate_seeds(root, n)
        assert got == want and all(type(s) is int for s in got)
    below = _rng.child(root, 5, 2)  # a root with a spawn key of its own
    assert _rng.replicate_seeds(below, 20) == [
        _rng.seed_int(_rng.child(below, i)) for i in range(20)
    ]
