"""ABC-SMC by pyabc, with particles evaluated in a fixed order.

pyabc's own parallel samplers keep whichever particles finish first, so the
same seed gives different populations on different numbers of workers (or on
a busy machine). :class:`OrderedSampler` replaces them: a generation is
evaluated in batches of consecutive particle indices, particle ``i`` of
generation ``t`` draws everything (its proposal and its simulation) from the
seed :func:`smmsim._rng.particle_seed` gives ``(t, i)``, and particles are
accepted in index order until the population is full. The batches go to local
processes, a Dask scheduler or this process (the pool of
:mod:`smmsim.calibration`); the numbers are the same on all of them.

pyabc draws proposals from numpy's global random state; a worker seeds it for
each particle and holds a lock from then until the model starts simulating
(:func:`model_seed`), so threads of one Dask worker cannot interleave draws.
"""

from __future__ import annotations

import functools
import math
import random
import threading
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import cloudpickle
import numpy as np
import pyabc

from ._rng import particle_seed

__all__ = ["OrderedSampler", "model_seed"]

_DRAWS = threading.Lock()
_HERE = threading.local()


@functools.lru_cache(maxsize=4)
def _load(blob: bytes) -> Any:
    return cloudpickle.loads(blob)


def _particle(task: tuple[bytes, np.ndarray, int]) -> Any:
    """Evaluate one particle (worker function): ``(simulate_one, state words, model seed)``."""
    blob, words, seed = task
    simulate_one = _load(blob)
    _HERE.seed = seed
    _DRAWS.acquire()
    _HERE.locked = True
    try:
        np.random.seed(words)  # noqa: NPY002 (pyabc draws from the global state)
        random.seed(int(words[0]))
        return simulate_one()
    finally:
        if _HERE.locked:
            _HERE.locked = False
            _DRAWS.release()


def model_seed() -> int:
    """The seed of the particle being evaluated (call it first thing in the model).

    It also ends the particle's draws from numpy's global state (its proposal),
    so other threads may start theirs while this one simulates.
    """
    if getattr(_HERE, "locked", False):
        _HERE.locked = False
        _DRAWS.release()
    return _HERE.seed


class BatchPool(Protocol):
    """What :class:`OrderedSampler` needs of a pool: results of ``fn`` over ``tasks`` in
    task order, ``callback()`` once per task done."""

    def map(
        self, fn: Callable[[Any], Any], tasks: list, callback: Callable[[], object]
    ) -> Iterable[Any]: ...


class OrderedSampler(pyabc.sampler.Sampler):
    """A pyabc sampler whose populations depend on the seed only.

    Parameters
    ----------
    pool : object with ``map(fn, tasks, callback)``
        Evaluates a batch, returning results in task order (see
        :mod:`smmsim.calibration`).
    root : numpy.random.SeedSequence
        Root of the particles' seeds.
    max_evaluations : int or None
        Cap on the evaluations of the whole run. A generation starts only if
        it is expected to fit (its population size over the last acceptance
        rate); one that reaches the cap is abandoned and pyabc stops with the
        populations done before it. The cap depends on counts only, so it
        cuts the run at the same place on any machine.
    min_batch : int, default 8
        Smallest batch. A batch is the number of evaluations the current
        acceptance rate says are still needed (so few are wasted past the
        last acceptance), never fewer than this.
    bar : tqdm progress bar, optional
        Advanced once per evaluated particle; its total (``max_evaluations``)
        grows by the particles of a batch evaluated past the population's
        last acceptance, which the cap does not count.

    Attributes
    ----------
    records : list of (generation, particle)
        Every particle evaluated and kept in the sample, accepted or not, in
        index order (generation -1 is pyabc's calibration sample from the
        prior).
    total_evaluations : int
    """

    def __init__(
        self,
        pool: BatchPool,
        root: np.random.SeedSequence,
        *,
        max_evaluations: int | None = None,
        min_batch: int = 8,
        bar: Any = None,
    ):
        super().__init__()
        self.pool = pool
        self.root = root
        self.max_evaluations = max_evaluations
        self.min_batch = int(min_batch)
        self.bar = bar
        self.callback = bar.update if bar is not None else (lambda: None)
        self.records: list = []
        self.total_evaluations = 0
        self._rate = 1.0

    def _left(self) -> float:
        if self.max_evaluations is None:
            return math.inf
        return self.max_evaluations - self.total_evaluations

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: Callable[[], Any],
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,
        ana_vars: Any = None,
    ) -> pyabc.Sample:
        sample = self._create_empty_sample()
        limit = min(max_eval, self._left())
        if t >= 0 and n / max(self._rate, 1e-3) > limit:
            sample.ok = False
            self.nr_evaluations_ = 0
            return sample
        blob = cloudpickle.dumps(simulate_one)
        accepted = index = 0
        rate = 1.0 if all_accepted else self._rate
        while accepted < n and index < limit:
            size = max(self.min_batch, math.ceil((n - accepted) / max(rate, 1e-3)))
            size = int(min(size, limit - index))
            tasks = []
            for i in range(index, index + size):
                words, seed = particle_seed(self.root, t, i)
                tasks.append((blob, words, seed))
            first = index
            for particle in self.pool.map(_particle, tasks, self.callback):
                index += 1
                sample.append(particle)
                self.records.append((t, particle))
                if particle.accepted:
                    accepted += 1
                    if accepted == n:
                        break
            if self.bar is not None and first + len(tasks) > index:
                self.bar.total += first + len(tasks) - index  # evaluated, not counted
                self.bar.refresh()
            rate = max(accepted, 1) / index
        self.nr_evaluations_ = index
        self.total_evaluations += index
        if accepted < n:
            sample.ok = False
        elif not all_accepted:
            self._rate = rate
        return sample
