"""Compiled independent-cascade kernels over CSR arrays.

The kernels draw no random numbers themselves: they read pre-drawn uniforms
from a buffer ``u`` in order, one per draw. When the buffer runs out in the
middle of a cascade, a kernel saves where it stopped in ``state`` and returns
:data:`NEED_UNIFORMS`; the caller passes a fresh buffer with ``start=-1``
and the kernel carries on exactly where it stopped. A batch of runs therefore
reads one unbroken stream of uniforms, each once, whatever the buffer sizes:
the results do not depend on how the stream was cut into buffers.

The work arrays live in a caller-owned ``work`` array of shape ``(4, n)``,
reused from call to call:

``work[0]`` (stamp)
    The epoch (run number, counted over all calls) that last activated each
    node. A node is active in the current run iff its stamp equals the run's
    epoch, so nothing is reset between runs or calls; the stamps are zeroed
    only when the epoch counter reaches the int32 limit.
``work[1]`` (queue)
    Active nodes in activation order (BFS queue); after a run its first
    ``size`` entries are the run's activation order.
``work[2]``, ``work[3]`` (tree)
    For the node at each queue position, the node that activated it (-1 for
    seeds) and its generation.

``state`` (int64, length :data:`STATE_LEN`) holds the epoch between calls and
the position of a paused run.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Largest skip ever returned by `_skip`: far more arcs than any graph holds, and
# small enough that adding it to an arc position cannot overflow int64.
_MAX_SKIP = 1 << 62

# Epochs run from 1 to _MAX_EPOCH - 1 and then wrap (stamps are zeroed).
_MAX_EPOCH = (1 << 31) - 1

# Layout of `state`.
EPOCH, RUN, HEAD, TAIL, ARC, ARC_END, CHECKS, UPOS = range(8)
STATE_LEN = 8

# Return codes (edge checks, >= 0, when every run is done).
NEED_UNIFORMS = -1
BAD_SEED = -2


@njit(cache=True)
def _skip(x, log_q):
    """Failed arcs before the next live one, from one uniform ``x`` in [0, 1).

    A Geometric(p) draw by inversion, ``log(1 - x) / log(1 - p)``, capped at
    _MAX_SKIP: without the cap a tiny ``p`` (``log_q`` near 0) gives a quotient
    beyond the int64 range, whose conversion wraps to a negative skip and
    indexes outside the arc arrays.
    """
    g = np.log(1.0 - x) / log_q
    if not g < _MAX_SKIP:  # also catches NaN
        return _MAX_SKIP
    return int(g)


@njit(cache=True)
def _check_seeds(seeds, n):
    """Index of the first seed outside ``0 .. n - 1``, or -1."""
    for i in range(len(seeds)):
        if seeds[i] < 0 or seeds[i] >= n:
            return i
    return -1


@njit(cache=True)
def _start_run(seeds, work, mark):
    """Activate the seeds (repeats once) for epoch ``mark``; return their number."""
    stamp = work[0]
    queue = work[1]
    tail = 0
    for s in seeds:
        if stamp[s] != mark:
            stamp[s] = mark
            queue[tail] = s
            work[2, tail] = -1
            work[3, tail] = 0
            tail += 1
    return tail


@njit(cache=True)
def _next_epoch(work, mark):
    mark += 1
    if mark >= _MAX_EPOCH:
        work[0, :] = 0
        mark = 1
    return mark


@njit(cache=True)
def _end_run(work, tail, r, sizes, hits):
    sizes[r] = tail
    if len(hits):
        for i in range(tail):
            hits[work[1, i]] += 1


@njit(cache=True)
def ic_uniform(indptr, indices, p, seeds, u, work, state, sizes, hits, start):
    """IC with one probability ``p`` for every arc, skipping failed arcs.

    The live arcs of a cascade are a Bernoulli(p) process over the arcs the
    frontier checks, taken in BFS order; the gap to the next live arc is
    geometric, so only live arcs cost a uniform (log(U) / log(1 - p)).

    Runs ``len(sizes)`` cascades from ``seeds``; ``sizes[r]`` gets run r's
    final size and ``hits[v]`` (if not empty) counts the runs in which node v
    ended active. After the last run, ``work[1:4, :size]`` hold its activation
    order, parents and generations.

    ``start >= 0`` begins a new batch reading ``u`` from index ``start``;
    ``start < 0`` resumes the paused batch reading a fresh ``u`` from 0.
    Returns the number of arcs examined over all runs (edge checks; then
    ``state[UPOS]`` is the first unread index of ``u``), or
    :data:`NEED_UNIFORMS` (every uniform was read: call again with more and
    ``start=-1``), or :data:`BAD_SEED` (``state[RUN]`` holds the index of the
    first seed outside the graph).
    """
    n = len(indptr) - 1
    stamp = work[0]
    queue = work[1]
    n_runs = len(sizes)
    nu = len(u)
    log_q = np.log1p(-p) if p < 1.0 else 0.0
    mark = state[EPOCH]
    if start < 0:
        pos = 0
        r = state[RUN]
        head = state[HEAD]
        tail = state[TAIL]
        k = state[ARC]
        hi = state[ARC_END]
        checks = state[CHECKS]
        paused = True
    else:
        bad = _check_seeds(seeds, n)
        if bad >= 0:
            state[RUN] = bad
            return BAD_SEED
        pos = start
        r = 0
        head = tail = k = hi = checks = 0
        paused = False
    while r < n_runs:
        if not paused:
            mark = _next_epoch(work, mark)
            tail = _start_run(seeds, work, mark)
            head = 0
            k = 0
            hi = 0
            if p <= 0.0:
                _end_run(work, tail, r, sizes, hits)
                r += 1
                continue
        paused = False
        # Invariant: arcs k .. hi - 1 of the node at queue position head - 1
        # are unchecked; every later arc is in a later node's list.
        while True:
            if p >= 1.0:
                gap = 0
            else:
                if pos == nu:
                    state[EPOCH] = mark
                    state[RUN] = r
                    state[HEAD] = head
                    state[TAIL] = tail
                    state[ARC] = k
                    state[ARC_END] = hi
                    state[CHECKS] = checks
                    state[UPOS] = pos
                    return NEED_UNIFORMS
                gap = _skip(u[pos], log_q)
                pos += 1
            # The next live arc is `gap` arcs on from k, in BFS order.
            done = False
            while k + gap >= hi:
                gap -= hi - k
                if head == tail:
                    done = True
                    break
                node = queue[head]
                head += 1
                k = indptr[node]
                hi = indptr[node + 1]
                checks += hi - k
            if done:
                break
            k += gap
            v = indices[k]
            if stamp[v] != mark:
                stamp[v] = mark
                queue[tail] = v
                work[2, tail] = queue[head - 1]
                work[3, tail] = work[3, head - 1] + 1
                tail += 1
            k += 1
        _end_run(work, tail, r, sizes, hits)
        r += 1
    state[EPOCH] = mark
    state[UPOS] = pos
    return checks


@njit(cache=True)
def ic_per_arc(indptr, indices, probs, seeds, u, work, state, sizes, hits, start):
    """IC with a probability per arc: one uniform per arc checked into an inactive node.

    Arguments, results and return codes as in :func:`ic_uniform`.
    """
    n = len(indptr) - 1
    stamp = work[0]
    queue = work[1]
    n_runs = len(sizes)
    nu = len(u)
    mark = state[EPOCH]
    if start < 0:
        pos = 0
        r = state[RUN]
        head = state[HEAD]
        tail = state[TAIL]
        k = state[ARC]
        hi = state[ARC_END]
        checks = state[CHECKS]
        paused = True
    else:
        bad = _check_seeds(seeds, n)
        if bad >= 0:
            state[RUN] = bad
            return BAD_SEED
        pos = start
        r = 0
        head = tail = k = hi = checks = 0
        paused = False
    while r < n_runs:
        if not paused:
            mark = _next_epoch(work, mark)
            tail = _start_run(seeds, work, mark)
            head = 0
            k = 0
            hi = 0
        paused = False
        while True:
            if k == hi:
                if head == tail:
                    break
                node = queue[head]
                head += 1
                k = indptr[node]
                hi = indptr[node + 1]
                checks += hi - k
                continue
            v = indices[k]
            if stamp[v] != mark:
                if pos == nu:
                    state[EPOCH] = mark
                    state[RUN] = r
                    state[HEAD] = head
                    state[TAIL] = tail
                    state[ARC] = k
                    state[ARC_END] = hi
                    state[CHECKS] = checks
                    state[UPOS] = pos
                    return NEED_UNIFORMS
                x = u[pos]
                pos += 1
                if x < probs[k]:
                    stamp[v] = mark
                    queue[tail] = v
                    work[2, tail] = queue[head - 1]
                    work[3, tail] = work[3, head - 1] + 1
                    tail += 1
            k += 1
        _end_run(work, tail, r, sizes, hits)
        r += 1
    state[EPOCH] = mark
    state[UPOS] = pos
    return checks
