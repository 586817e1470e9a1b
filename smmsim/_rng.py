"""Random-number helpers shared by every module that draws.

Every public function that draws takes ``rng`` and starts with
``rng = as_generator(rng)``; kernels receive the Generator, never create one.
"""

from __future__ import annotations

import numpy as np

RNG_DOC = """rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced)."""


def as_generator(rng=None) -> np.random.Generator:
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


def spawn_seeds(seed, n: int) -> list[np.random.SeedSequence]:
    """Spawn ``n`` independent child seed sequences from ``seed``.

    Child ``i`` is the same whatever ``n`` is, so adding replicates later leaves
    the existing ones unchanged.
    """
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return root.spawn(n)


def replicate_seeds(seed, n_points: int, n_replicates: int) -> list[list[np.random.SeedSequence]]:
    """Seed sequences for ``n_points`` parameter cells times ``n_replicates`` each."""
    root = np.random.SeedSequence(seed)
    return [p.spawn(n_replicates) for p in root.spawn(n_points)]
