"""Compiled kernels for the classic models: linear threshold, SIR and network Bass.

All kernels work on the out-arc CSR arrays of a :class:`~smmsim.graphs.SocialGraph`
(``indptr``, ``indices``) and receive the ``numpy.random.Generator`` they draw
from; none creates one. Like the IC kernels, they run many replicates back to
back and use per-node run stamps instead of an O(n) reset between runs where
that matters.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def lt_runs(indptr, indices, weights, seeds, n_runs, rng, sizes):
    """Linear-threshold cascades; writes each run's final size into ``sizes``.

    ``weights[k]`` is the influence of arc k's source on its target. A node's
    threshold is uniform on (0, 1], drawn the first time an active in-neighbour
    touches it in a run (equivalent in law to drawing every threshold up front,
    and it costs nothing for nodes the cascade never reaches). A node activates
    once the summed weight of its active in-neighbours reaches its threshold.
    The final active set does not depend on the order in which active nodes
    are processed, so a FIFO queue gives the same law as synchronous rounds.
    """
    n = len(indptr) - 1
    active = np.zeros(n, np.int64)  # run number that activated the node
    touched = np.zeros(n, np.int64)  # run number that drew the node's threshold
    acc = np.zeros(n, np.float64)
    theta = np.zeros(n, np.float64)
    queue = np.empty(n, np.int32)
    for r in range(n_runs):
        mark = r + 1
        tail = 0
        for s in seeds:
            if active[s] != mark:
                active[s] = mark
                queue[tail] = s
                tail += 1
        head = 0
        while head < tail:
            u = queue[head]
            head += 1
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                if active[v] == mark:
                    continue
                if touched[v] != mark:
                    touched[v] = mark
                    acc[v] = 0.0
                    theta[v] = 1.0 - rng.random()
                acc[v] += weights[k]
                if acc[v] >= theta[v]:
                    active[v] = mark
                    queue[tail] = v
                    tail += 1
        sizes[r] = tail


@njit(cache=True)
def sir_runs(indptr, indices, beta, gamma, seeds, n_runs, max_steps, rng):
    """Discrete-time SIR trajectories for ``n_runs`` runs.

    In each step every infected node tries once to infect each susceptible
    out-neighbour (arc k succeeds with probability ``beta[k]``); then every
    node that was infected at the start of the step recovers with probability
    ``gamma``. Nodes infected during a step neither transmit nor recover in it.
    A run stops when nobody is infected or after ``max_steps`` steps.

    Returns ``(infected, recovered, lengths)``: the trajectories of all runs
    concatenated (run r holds ``lengths[r]`` entries, steps 0, 1, ...).
    """
    n = len(indptr) - 1
    ever = np.zeros(n, np.int64)  # run number that infected the node
    cur = np.empty(n, np.int32)
    nxt = np.empty(n, np.int32)
    lengths = np.zeros(n_runs, np.int64)
    cap = max(16, n_runs * 8)
    inf_buf = np.empty(cap, np.int64)
    rec_buf = np.empty(cap, np.int64)
    total = 0
    for r in range(n_runs):
        mark = r + 1
        n_cur = 0
        for s in seeds:
            if ever[s] != mark:
                ever[s] = mark
                cur[n_cur] = s
                n_cur += 1
        n_rec = 0
        step = 0
        while True:
            if total == cap:
                cap *= 2
                grown = np.empty(cap, np.int64)
                grown[:total] = inf_buf[:total]
                inf_buf = grown
                grown = np.empty(cap, np.int64)
                grown[:total] = rec_buf[:total]
                rec_buf = grown
            inf_buf[total] = n_cur
            rec_buf[total] = n_rec
            total += 1
            if n_cur == 0 or step == max_steps:
                break
            n_nxt = 0
            for i in range(n_cur):
                u = cur[i]
                for k in range(indptr[u], indptr[u + 1]):
                    v = indices[k]
                    if ever[v] != mark and rng.random() < beta[k]:
                        ever[v] = mark
                        nxt[n_nxt] = v
                        n_nxt += 1
            for i in range(n_cur):
                if rng.random() < gamma:
                    n_rec += 1
                else:
                    nxt[n_nxt] = cur[i]
                    n_nxt += 1
            cur, nxt = nxt, cur
            n_cur = n_nxt
            step += 1
        lengths[r] = step + 1
    return inf_buf[:total].copy(), rec_buf[:total].copy(), lengths


@njit(cache=True)
def bass_runs(indptr, indices, in_degree, p, q, dt, n_steps, seeds, n_runs, rng, adopters):
    """Network Bass diffusion; ``adopters[r, k]`` gets the adopters after sub-step k.

    In every sub-step of length ``dt`` each non-adopter v adopts with
    probability ``1 - exp(-(p + q * a_v / k_v) * dt)``, where ``a_v`` counts
    v's in-neighbours that had adopted at the start of the sub-step and
    ``k_v`` is v's in-degree (the fraction is 0 when ``k_v == 0``). Updates
    are synchronous: adoptions in a sub-step take effect in the next one.
    """
    n = len(indptr) - 1
    adopted = np.zeros(n, np.int64)  # run number in which the node adopted
    count = np.zeros(n, np.int64)  # adopted in-neighbours
    pool = np.empty(n, np.int32)  # current non-adopters (order is irrelevant)
    new = np.empty(n, np.int32)
    for r in range(n_runs):
        mark = r + 1
        count[:] = 0
        n_new = 0
        for s in seeds:
            if adopted[s] != mark:
                adopted[s] = mark
                new[n_new] = s
                n_new += 1
        n_pool = 0
        for v in range(n):
            if adopted[v] != mark:
                pool[n_pool] = v
                n_pool += 1
        n_adopted = 0
        for step in range(n_steps + 1):
            if step > 0:
                n_new = 0
                i = 0
                while i < n_pool:
                    v = pool[i]
                    rate = p
                    if in_degree[v] > 0:
                        rate += q * count[v] / in_degree[v]
                    if rng.random() < -np.expm1(-rate * dt):
                        new[n_new] = v
                        n_new += 1
                        n_pool -= 1
                        pool[i] = pool[n_pool]
                    else:
                        i += 1
            for j in range(n_new):
                u = new[j]
                adopted[u] = mark
                for k in range(indptr[u], indptr[u + 1]):
                    count[indices[k]] += 1
            n_adopted += n_new
            adopters[r, step] = n_adopted
