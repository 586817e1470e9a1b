"""smmsim._rng: every seed derivation, by its named spawn keys."""

import numpy as np
import pytest

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
