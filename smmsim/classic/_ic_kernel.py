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

:func:`ic_run_uniform` and :func:`ic_run_per_arc` run one cascade per call
for ``smmsim.classic.ICModel``, with as few arguments as possible (numba's
dispatch costs about 40 ns per array argument): the seeds, a paused flag, the
last size and a running count of edge checks live in a longer ``state``
(length ``MODEL_STATE_LEN + n_seeds``, the seeds last), and the read position
in the uniforms lives in ``cursor`` (int64, shape (1,)), which the kernel
advances, so the caller has nothing to update after a call. They grow a
cascade exactly as the batch kernels do (the same uniforms for the same
arcs), with the loop written out again: sharing it through an inlined helper
made the batch kernels 50% slower per small cascade.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .._jit import helper
from .._streams import run_key, uniform

# Largest skip ever returned by `_skip`: far more arcs than any graph holds, and
# small enough that adding it to an arc position cannot overflow int64.
_MAX_SKIP = 1 << 62

# Epochs run from 1 to _MAX_EPOCH - 1 and then wrap (stamps are zeroed).
_MAX_EPOCH = (1 << 31) - 1

# Layout of `state`.
EPOCH, RUN, HEAD, TAIL, ARC, ARC_END, CHECKS, UPOS = range(8)
STATE_LEN = 8

# Layout of an ICModel's `state`: the slots above, then these, then its seeds.
PAUSED, SIZE, TOTAL_CHECKS = range(STATE_LEN, STATE_LEN + 3)
MODEL_STATE_LEN = STATE_LEN + 3

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


# Helpers that take arrays are `@helper`s (smmsim._jit): no reference counting, a
# cost per cascade that small cascades feel.


@helper
def _check_seeds(seeds, n):
    """Index of the first seed outside ``0 .. n - 1``, or -1."""
    for i in range(len(seeds)):
        if seeds[i] < 0 or seeds[i] >= n:
            return i
    return -1


@helper
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


@helper
def _next_epoch(work, mark):
    mark += 1
    if mark >= _MAX_EPOCH:
        work[0, :] = 0
        mark = 1
    return mark


@helper
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


# ---------------------------------------------------------------------------
# One cascade per call, for ICModel


@helper
def _pause_model_run(state, head, tail, k, hi, checks, u, cursor):
    state[HEAD] = head
    state[TAIL] = tail
    state[ARC] = k
    state[ARC_END] = hi
    state[CHECKS] = checks
    state[PAUSED] = 1
    cursor[0] = len(u)
    return NEED_UNIFORMS


@helper
def _end_model_run(state, tail, checks, pos, cursor):
    state[PAUSED] = 0
    state[SIZE] = tail
    state[TOTAL_CHECKS] += checks
    cursor[0] = pos
    return tail


@njit(cache=True)
def ic_run_uniform(indptr, indices, p, u, cursor, work, state):
    """One cascade with one probability ``p`` for every arc, for an ICModel.

    The same cascade as a one-run :func:`ic_uniform` batch on the same
    uniforms (keep the two loops in step). The seeds are
    ``state[MODEL_STATE_LEN:]``, checked by the caller once. Reads ``u`` from
    ``cursor[0]`` and leaves ``cursor[0]`` at the first unread uniform. A new
    cascade starts unless ``state[PAUSED]`` is set, in which case the paused
    one resumes. Returns the final size (>= 0), or :data:`NEED_UNIFORMS`
    (every uniform of ``u`` was read: call again with a fresh ``u`` and
    ``cursor[0] = 0``). ``state[SIZE]`` keeps the size and
    ``state[TOTAL_CHECKS]`` adds up the arcs examined.
    """
    stamp = work[0]
    queue = work[1]
    nu = len(u)
    log_q = np.log1p(-p) if p < 1.0 else 0.0
    pos = cursor[0]
    if state[PAUSED]:
        mark = state[EPOCH]
        head = state[HEAD]
        tail = state[TAIL]
        k = state[ARC]
        hi = state[ARC_END]
        checks = state[CHECKS]
    else:
        mark = _next_epoch(work, state[EPOCH])
        state[EPOCH] = mark
        tail = _start_run(state[MODEL_STATE_LEN:], work, mark)
        head = k = hi = checks = 0
        if p <= 0.0:
            return _end_model_run(state, tail, 0, pos, cursor)
    while True:
        if p >= 1.0:
            gap = 0
        else:
            if pos == nu:
                return _pause_model_run(state, head, tail, k, hi, checks, u, cursor)
            gap = _skip(u[pos], log_q)
            pos += 1
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
    return _end_model_run(state, tail, checks, pos, cursor)


@njit(cache=True)
def ic_run_per_arc(indptr, indices, probs, u, cursor, work, state):
    """One cascade with a probability per arc, for an ICModel; as :func:`ic_run_uniform`.

    The same cascade as a one-run :func:`ic_per_arc` batch on the same uniforms.
    """
    stamp = work[0]
    queue = work[1]
    nu = len(u)
    pos = cursor[0]
    if state[PAUSED]:
        mark = state[EPOCH]
        head = state[HEAD]
        tail = state[TAIL]
        k = state[ARC]
        hi = state[ARC_END]
        checks = state[CHECKS]
    else:
        mark = _next_epoch(work, state[EPOCH])
        state[EPOCH] = mark
        tail = _start_run(state[MODEL_STATE_LEN:], work, mark)
        head = k = hi = checks = 0
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
                return _pause_model_run(state, head, tail, k, hi, checks, u, cursor)
            x = u[pos]
            pos += 1
            if x < probs[k]:
                stamp[v] = mark
                queue[tail] = v
                work[2, tail] = queue[head - 1]
                work[3, tail] = work[3, head - 1] + 1
                tail += 1
        k += 1
    return _end_model_run(state, tail, checks, pos, cursor)


# ---------------------------------------------------------------------------
# A batch on every core: one counter-based stream per run


@helper
def _grow_uniform(indptr, indices, p, log_q, w, mark, tail, rkey):
    """Grow one cascade with one ``p`` (geometric skips); return (size, edge checks)."""
    stamp = w[0]
    queue = w[1]
    head = k = hi = checks = 0
    i = np.uint64(0)
    if p <= 0.0:
        return tail, 0
    while True:
        if p >= 1.0:
            gap = 0
        else:
            gap = _skip(uniform(rkey, i), log_q)
            i += np.uint64(1)
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
            w[2, tail] = queue[head - 1]
            w[3, tail] = w[3, head - 1] + 1
            tail += 1
        k += 1
    return tail, checks


@helper
def _grow_per_arc(indptr, indices, probs, w, mark, tail, rkey):
    """Grow one cascade with a probability per arc: arc k is live iff ``uniform(rkey, k) < p_k``."""
    stamp = w[0]
    queue = w[1]
    head = checks = 0
    while head < tail:
        node = queue[head]
        head += 1
        lo, hi = indptr[node], indptr[node + 1]
        checks += hi - lo
        for k in range(lo, hi):
            v = indices[k]
            if stamp[v] != mark and uniform(rkey, np.uint64(k)) < probs[k]:
                stamp[v] = mark
                queue[tail] = v
                w[2, tail] = node
                w[3, tail] = w[3, head - 1] + 1
                tail += 1
    return tail, checks


@njit(cache=True, parallel=True)
def ic_parallel(indptr, indices, p, probs, seeds, key, work, epochs, sizes, checks, hits):
    """``len(sizes)`` IC runs spread over ``work.shape[0]`` pieces run on every thread.

    Run ``r`` reads its own counter-based stream, keyed ``run_key(key, r)``
    (one ``p``: the i-th live-arc gap from counter i; per-arc ``probs``, if not
    empty: arc k is live iff ``uniform(run key, k) < probs[k]``), so its
    cascade does not depend on which piece or thread runs it. Piece ``c`` uses
    ``work[c]`` (int32, shape (4, n), as :func:`ic_uniform`'s) and its epoch
    ``epochs[c]``, and counts its runs' activations in ``hits[c]`` (if
    ``hits.shape[1]``). ``sizes[r]`` and ``checks[r]`` get run r's final size
    and edge checks; the last run's tree is left in the last piece's work.
    Returns the index of the first seed outside the graph, or -1.
    """
    bad = _check_seeds(seeds, len(indptr) - 1)
    if bad >= 0:
        return bad
    n_pieces = work.shape[0]
    n_runs = len(sizes)
    per_arc = len(probs) > 0
    log_q = np.log1p(-p) if p < 1.0 else 0.0
    count = hits.shape[1] > 0
    for c in prange(n_pieces):
        w = work[c]
        mark = epochs[c]
        for r in range(c * n_runs // n_pieces, (c + 1) * n_runs // n_pieces):
            mark = _next_epoch(w, mark)
            tail = _start_run(seeds, w, mark)
            rkey = run_key(key, r)
            if per_arc:
                size, ch = _grow_per_arc(indptr, indices, probs, w, mark, tail, rkey)
            else:
                size, ch = _grow_uniform(indptr, indices, p, log_q, w, mark, tail, rkey)
            sizes[r] = size
            checks[r] = ch
            if count:
                for i in range(size):
                    hits[c, w[1, i]] += 1
        epochs[c] = mark
    return -1
