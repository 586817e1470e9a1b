"""Many engine runs in one compiled call: the batched path of ``simulate_replicates``.

:func:`run_batch` runs :func:`smmsim.engine._kernel.run_marketing` once per
key, on one work space, and gathers each run's outputs (per-step statistics,
cascade forests, the people whose interest changed, who were misinformed,
who bought) into flat arrays with offsets. A run's outputs depend only on its
key and the plan, so a batch gives exactly the runs of one ``simulate`` call
per key. It holds no Python objects and releases the GIL (``nogil``), so
batches on separate work spaces run at once in separate threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..metrics._campaign_kernel import count_customers_each, steps_block, totals_each
from ..metrics._tree_kernel import forests_summaries
from . import _kernel as K

# Layout of the per-run segment table: for each item its sharers, their tree
# parents, depths and the steps they shared at (ITEM_ROWS lists per item); then
# the changed, misinformed and bought lists.
SEG_ORDER, SEG_PARENT, SEG_DEPTH, SEG_BORN = 0, 1, 2, 3
ITEM_ROWS = 4


@njit(inline="always")
def _room(buf, used, extra):
    """``buf`` with room for ``used + extra`` entries (doubled when short)."""
    if used + extra <= len(buf):
        return buf
    grown = np.empty(max(2 * len(buf), used + extra), buf.dtype)
    grown[:used] = buf[:used]
    return grown


@njit(cache=True, nogil=True)
def run_batch(
    indptr, indices, trust, base_interest, base_customer,
    kind, ctr, decay, review_items, prm,
    ev_step, ev_item, ev_node, ev_type, ev_origin, ev_trust,
    seen, p_engage, p_max, cold, coldf, order, tparent, tdepth, born, origin,
    flags, icur, damage, ibefore, lists, counts, ev,
    n_steps, keys, first_run,
):  # fmt: skip
    """Run the plan once per key in ``keys``; run ``r`` gets stamp ``first_run + r``.

    The other arguments are those of :func:`smmsim.engine._kernel.run_marketing`
    (:func:`smmsim.engine._kernel.kernel_args`).

    Returns ``stats`` (every run's steps one after the other, shape (steps,
    n_items, N_FIELDS)), ``steps_run`` (n_runs + 1,: run r's steps are
    ``stats[steps_run[r]:steps_run[r + 1]]``), ``seg`` (n_runs, 4 *
    n_items + 3, 2: start and length in ``nodes`` of each list of a run, see
    ``SEG_*``), ``nodes`` (int32: every run's lists) and ``values`` (float64:
    the final interest of each changed person, then the interest before the
    claim of each misinformed one, at the same offsets as those two lists).
    """
    n_runs = len(keys)
    n_items = len(kind)
    n_seg = ITEM_ROWS * n_items + 3
    stats = np.empty((max(64, 4 * n_runs), n_items, K.N_FIELDS), np.int64)
    steps_run = np.zeros(n_runs + 1, np.int64)  # run r: stats[steps_run[r]:steps_run[r + 1]]
    seg = np.zeros((n_runs, n_seg, 2), np.int64)
    nodes = np.empty(1024, np.int32)
    values = np.empty(1024, np.float64)
    used = 0
    for r in range(n_runs):
        counts[:] = 0
        # positional, in the order of K.KERNEL_ARGS (a test checks it): called with
        # keywords, the kernel ran up to 2.6x slower (numba passed them packed).
        # numba caches this function with the kernel compiled into it but does not
        # see the kernel change: after editing _kernel.py, touch this file.
        st, t_last = K.run_marketing(
            indptr, indices, trust, base_interest, base_customer,
            kind, ctr, decay, review_items, prm,
            ev_step, ev_item, ev_node, ev_type, ev_origin, ev_trust,
            seen, p_engage, p_max, cold, coldf, order, tparent, tdepth, born, origin,
            flags, icur, damage, ibefore, lists, counts, ev,
            n_steps, keys[r], first_run + r,
        )  # fmt: skip
        t0 = steps_run[r]
        if t0 + t_last > len(stats):
            grown = np.empty((max(2 * len(stats), t0 + t_last), n_items, K.N_FIELDS), np.int64)
            grown[:t0] = stats[:t0]
            stats = grown
        stats[t0 : t0 + t_last] = st
        steps_run[r + 1] = t0 + t_last
        need = ITEM_ROWS * counts[:n_items].sum() + counts[n_items:].sum()
        nodes = _room(nodes, used, need)
        values = _room(values, used, need)
        j = 0
        for k in range(n_items):
            c = counts[k]
            for row in range(ITEM_ROWS):
                if row == SEG_ORDER:
                    nodes[used : used + c] = order[k, :c]
                elif row == SEG_PARENT:
                    nodes[used : used + c] = tparent[k, :c]
                elif row == SEG_DEPTH:
                    nodes[used : used + c] = tdepth[k, :c]
                else:
                    nodes[used : used + c] = born[k, :c]
                seg[r, j, 0] = used
                seg[r, j, 1] = c
                used += c
                j += 1
        for li in range(3):
            c = counts[n_items + li]
            seg[r, j, 0] = used
            seg[r, j, 1] = c
            for i in range(c):
                v = lists[li, i]
                nodes[used + i] = v
                if li == K.L_CHANGED:
                    values[used + i] = icur[v]
                elif li == K.L_MISINFORMED:
                    values[used + i] = ibefore[v]
            used += c
            j += 1
    return stats[: steps_run[n_runs]], steps_run, seg, nodes[:used], values[:used]


@njit(cache=True, nogil=True)
def chunk_tables(stats, steps_run, seg, nodes, campaign, is_customer, n_steps, ints, floats,
                 first_col):  # fmt: skip
    """What the replicate tables need of one :func:`run_batch` result, computed on the
    thread that ran it: each run's totals over its steps, its first item's tree metrics,
    its responsiveness (sharers of the ``campaign`` items who are customers at the end)
    and its steps taken; its per-step table written into ``ints`` and ``floats``
    (:func:`smmsim.metrics.campaign.step_blocks`) from column ``first_col`` on."""
    starts, ends = steps_run[:-1], steps_run[1:]
    totals = totals_each(stats, starts, ends)
    tree = SEG_PARENT  # item 0's parents
    sizes, depths, breadths, virality = forests_summaries(
        nodes, seg[:, tree, 0], seg[:, tree, 0] + seg[:, tree, 1]
    )
    n_runs = seg.shape[0]
    p_starts = np.empty((n_runs, len(campaign)), np.int64)
    p_ends = np.empty((n_runs, len(campaign)), np.int64)
    for j in range(len(campaign)):
        row = ITEM_ROWS * campaign[j] + SEG_ORDER
        p_starts[:, j] = seg[:, row, 0]
        p_ends[:, j] = seg[:, row, 0] + seg[:, row, 1]
    bought = seg.shape[1] - 3 + K.L_BOUGHT
    b_starts = seg[:, bought, 0].copy()
    b_ends = b_starts + seg[:, bought, 1]
    if len(campaign):
        responsive = count_customers_each(nodes, p_starts, p_ends, nodes, b_starts, b_ends,
                                          is_customer)  # fmt: skip
    else:
        responsive = np.zeros(n_runs, np.int64)
    steps_block(stats, starts, ends, n_steps, ints, floats, first_col)
    return totals, sizes, depths, breadths, virality, responsive, ends - starts
