"""Random numbers: the Generator every function starts from, and every seed derivation.

Every public function that draws takes ``rng`` and starts with
``rng = as_generator(rng)``; kernels receive the Generator (or pre-drawn
uniforms), never create one.

All seeds are derived here, from a master ``numpy.random.SeedSequence`` and the
spawn keys named below, so a seed never depends on what was drawn before it:

- ``(KEY_SWEEP_DESIGN,)``: a sweep's design (random, LHS, Sobol, Morris draws);
- ``(KEY_SWEEP_RUNS, cell, replicate)``: one run of a sweep (independent streams);
- ``(KEY_SWEEP_CRN, replicate)``: a replicate shared by every cell (common random numbers);
- ``(KEY_SWEEP_SUMMARY,)``: the bootstrap of ``smmsim summarize``;
- ``(*root.spawn_key, i)``: replicate ``i`` below any root (:func:`replicate_seeds`);
- a world's graph and population: ``SeedSequence(graph_seed).spawn(2)`` (:func:`world_seeds`);
- a planned choice (who to seed): :func:`selection_rng`;
- a calibration (:func:`calibration_seeds`, below its root seed): ``(KEY_CAL_SPLIT,)`` the
  held-out split, ``(KEY_CAL_FIT, generation + 1, i)`` particle ``i`` of an ABC generation
  (:func:`particle_seed`), ``(KEY_CAL_CHECK, KEY_CHECK_REFINE, i)`` the re-scoring of
  candidate ``i``, ``(KEY_CAL_CHECK, KEY_CHECK_RUN)`` the fitted scenario's own seed,
  ``(KEY_CAL_BASELINE,)`` the branching baseline; fold ``k`` of a cross-validation has the
  same keys below ``(KEY_CAL_FOLD, k)``.
"""

from __future__ import annotations

import zlib
from typing import TypeAlias

import numpy as np

RngLike: TypeAlias = "np.random.Generator | np.random.SeedSequence | int | np.integer | None"
"""What an ``rng`` argument takes: a Generator, a SeedSequence, an int seed or None."""

SeedLike: TypeAlias = "np.random.SeedSequence | int | np.integer | None"
"""What a master seed takes (replicates are spawned from it, so not a Generator)."""


def as_generator(rng: RngLike = None) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``rng``.

    Parameters
    ----------
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Passed to :func:`numpy.random.default_rng`.

    Returns
    -------
    numpy.random.Generator
    """
    if isinstance(rng, bool) or not (
        rng is None
        or isinstance(rng, (int, np.integer, np.random.SeedSequence, np.random.Generator))
    ):
        raise TypeError(
            "`rng` must be None, an int, a numpy SeedSequence or a numpy Generator; "
            f"got {type(rng).__name__} {rng!r}."
        )
    if isinstance(rng, (int, np.integer)) and rng < 0:
        raise ValueError(f"`rng` seed must be a non-negative int; got {rng!r}.")
    return np.random.default_rng(rng)


KEY_SWEEP_DESIGN = 0
"""Spawn key of a sweep's design draws."""
KEY_SWEEP_RUNS = 1
"""Spawn-key prefix of a sweep's independent runs: ``(1, cell, replicate)``."""
KEY_SWEEP_CRN = 2
"""Spawn-key prefix of a sweep's common random numbers: ``(2, replicate)``."""
KEY_SWEEP_SUMMARY = 3
"""Spawn key of the bootstrap of a sweep summary."""


KEY_CAL_SPLIT = 0
"""Spawn key of a calibration's held-out split (and of a cross-validation's folds)."""
KEY_CAL_FIT = 1
"""Spawn-key prefix of a calibration's ABC particles: ``(1, generation + 1, particle)``."""
KEY_CAL_CHECK = 2
"""Spawn-key prefix of a calibration's checks (re-scoring, the fitted scenario's seed)."""
KEY_CAL_BASELINE = 3
"""Spawn key of a calibration's branching baseline."""
KEY_CAL_FOLD = 4
"""Spawn-key prefix of the fits of a cross-validation: ``(4, fold)``."""
KEY_CAL_REFERENCE = 5
"""Spawn key of a calibration's KS reference (:func:`smmsim.cascades.ks_reference`)."""
KEY_CHECK_REFINE = 0
"""Below ``KEY_CAL_CHECK``: ``(0, i)`` the re-scoring of candidate ``i``."""
KEY_CHECK_RUN = 1
"""Below ``KEY_CAL_CHECK``: the seed of the fitted scenario (its held-out check)."""


KEY_REPLICATE_THREADS = 1
"""Spawn key below a replicate's seed of the conversation threads added to its claim
cascade (:func:`smmsim.cascades.simulated_cascade_shapes`)."""


def as_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """``seed`` as a SeedSequence: a SeedSequence as is, an int or None through
    ``SeedSequence(seed)``."""
    return seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)


def seed_int(ss: np.random.SeedSequence) -> int:
    """A 63-bit int drawn from ``ss``: a seed that fits a result row and
    ``simulate(cfg, rng=seed)`` reproduces."""
    return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


def child(root: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """The child of ``root`` at spawn key ``key``, without advancing ``root``.

    Equal to the ``key``-th descendant that ``root.spawn`` would give, whatever
    was spawned from ``root`` before.
    """
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *key))


def replicate_seeds(root: np.random.SeedSequence, n_replicates: int) -> list[int]:
    """Integer seeds of replicates 0..n-1: the i-th child of ``root``, as a 63-bit int.

    The children are built from ``root``'s entropy and spawn key (not by
    ``root.spawn``, which would advance ``root``), so the result never depends
    on what was spawned before, and adding replicates leaves the first ones as
    they were. Many seeds are computed by compiled code (:mod:`smmsim._seedseq`:
    numpy's hashing, checked against numpy on the first seed of every call).
    """
    if n_replicates < 8:
        return [seed_int(child(root, i)) for i in range(n_replicates)]
    from ._seedseq import assembled_words, child_seed_ints

    entropy = root.entropy
    words: int | list[int] | None = None
    if isinstance(entropy, int):
        words = entropy
    elif isinstance(entropy, (list, tuple)) and all(isinstance(v, int) for v in entropy):
        words = list(entropy)
    if words is not None and all(isinstance(v, int) for v in root.spawn_key):
        seeds = child_seed_ints(assembled_words(words, root.spawn_key), 0, n_replicates)
        if int(seeds[0]) == seed_int(child(root, 0)):  # numpy changed its hashing: never
            return seeds.tolist()  # run on wrong seeds
    return [seed_int(child(root, i)) for i in range(n_replicates)]


def fresh_seed(bits: int = 63) -> int:
    """A new seed from OS entropy, below ``2**bits`` (printed, so a run can be repeated)."""
    return int(np.random.SeedSequence().entropy % 2**bits)


def world_seeds(graph_seed: int) -> tuple[np.random.SeedSequence, np.random.SeedSequence]:
    """Seeds of a world's graph and of its population, from ``graph_seed``."""
    graph_ss, population_ss = np.random.SeedSequence(graph_seed).spawn(2)
    return graph_ss, population_ss


def selection_rng(graph_seed: int, key: tuple) -> np.random.Generator:
    """The Generator of one planned choice (who to seed), made once per graph.

    Its seed words are the graph seed and the CRC-32 of ``repr(key)``, so each
    choice (named by ``key``) has its own stream, the same in every replicate.
    """
    words = [graph_seed, zlib.crc32(repr(key).encode())]
    return np.random.default_rng(np.random.SeedSequence(words))


def design_seed(seed: int) -> np.random.SeedSequence:
    """The SeedSequence that draws a sweep's design (independent of every run)."""
    return np.random.SeedSequence(seed, spawn_key=(KEY_SWEEP_DESIGN,))


def summary_seed(seed: int) -> np.random.SeedSequence:
    """The SeedSequence of a sweep summary's bootstrap."""
    return np.random.SeedSequence(seed, spawn_key=(KEY_SWEEP_SUMMARY,))


def run_seed(seed: int, cell: int, replicate: int, *, common_random_numbers: bool) -> int:
    """The integer seed of one run (cell, replicate) of a sweep.

    Independent streams come from ``SeedSequence(seed).spawn(3)[1]``, whose
    child ``cell`` spawns one child per replicate; with common random numbers
    every cell shares ``SeedSequence(seed).spawn(3)[2].spawn(...)[replicate]``.
    The child is reduced to a 63-bit int so that ``simulate(cfg, rng=seed)``
    reproduces the run from its result row.
    """
    key: tuple[int, ...]
    if common_random_numbers:
        key = (KEY_SWEEP_CRN, replicate)
    else:
        key = (KEY_SWEEP_RUNS, cell, replicate)
    return seed_int(np.random.SeedSequence(seed, spawn_key=key))


def calibration_seeds(root: np.random.SeedSequence) -> dict[str, np.random.SeedSequence]:
    """The named seeds of one calibration below ``root``: split, fit, check, baseline,
    reference."""
    keys = {"split": KEY_CAL_SPLIT, "fit": KEY_CAL_FIT, "check": KEY_CAL_CHECK,
            "baseline": KEY_CAL_BASELINE, "reference": KEY_CAL_REFERENCE}  # fmt: skip
    return {name: child(root, key) for name, key in keys.items()}


def fold_root(root: np.random.SeedSequence, fold: int) -> np.random.SeedSequence:
    """The root of fold ``fold``'s calibration seeds in a cross-validation."""
    return child(root, KEY_CAL_FOLD, fold)


def particle_seed(
    fit: np.random.SeedSequence, generation: int, index: int
) -> tuple[np.ndarray, int]:
    """The seeds of ABC particle ``index`` of ``generation`` (-1 is the prior's calibration).

    Returns
    -------
    (words, seed)
        ``words``: uint32 words for numpy's global state (the proposal draws);
        ``seed``: a 63-bit int for the particle's simulation.
    """
    ss = child(fit, generation + 1, index)
    return ss.generate_state(4), seed_int(child(ss, 0))


def refine_seeds(check: np.random.SeedSequence, n: int) -> list[int]:
    """Integer seeds of the re-scoring of a calibration's ``n`` best candidates."""
    return replicate_seeds(child(check, KEY_CHECK_REFINE), n)


def check_seed(check: np.random.SeedSequence) -> int:
    """The seed a fitted scenario carries (its held-out check), a 63-bit int."""
    return seed_int(child(check, KEY_CHECK_RUN))
