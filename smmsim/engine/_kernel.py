"""Compiled kernel of the discrete-time marketing cascade.

Randomness is counter-based: each decision draws ``uniform(key, counter)``
where the counter names the decision (arc or event slot, item, purpose). The
same exposure therefore gets the same numbers in two runs that share the key,
which gives exact common random numbers for paired comparisons (a run with
and without a crisis differ only where the crisis changes what happens). The
key itself is drawn from the run's numpy Generator.

The uniforms are :func:`smmsim._streams.uniform` (SplitMix64 of ``key +
counter * golden_gamma``), as in the IC kernel.

Work arrays live in a :class:`Workspace` reused from run to run. Per-node
flags hold the number of the run that last set them (a *stamp*), so nothing
of size n is cleared between runs and a run costs time in proportion to what
it touches, as the IC kernel does.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from .._jit import helper, prefetch
from .._streams import uniform

# item kinds
BRAND, REVIEW_POS, REVIEW_NEG, CLAIM, CORRECTION = 0, 1, 2, 3, 4
# impression origins
PAID, OWNED, EARNED = 0, 1, 2
# event types: a person posts; the brand shows an item to a person; the brand
# answers everyone who has seen an item (node field = that item) so far
POST, EXPOSE, RESPOND = 0, 1, 2
# decision purposes (low 3 bits of a counter)
_ENGAGE, _CLICK, _BUY, _SHARE, _REVIEW, _DELAY, _VALENCE, _RESPOND = 0, 1, 2, 3, 4, 5, 6, 7
_SKIP, _START = 8, 9
_N_PURPOSES = 16

MAX_ITEMS = 8
"""Counter stride per slot: item indices (and hence draws) do not depend on how
many items a run has, so adding a crisis leaves the brand's draws unchanged."""

# fields of the per-step statistics array stats[step, item, field]
F_IMPRESSIONS = 0  # + origin
F_NEW_REACH = 3
F_ENGAGEMENTS = 4
F_SHARES = 5
F_CLICKS = 6  # + origin
F_CONVERSIONS = 9  # + origin
F_REFERRALS = 12
F_POSTS = 13
F_COMPLAINTS = 14  # on a claim's row: complaints (negative posts) it set off
F_NEW_REACH_EARNED = 15  # newly reached people whose first exposure was earned
F_EARNED_LOST = 16  # people reached by earned media only so far who now got a paid/owned one
N_FIELDS = 17

# Workspace.seen[item]: a bitset of the people exposed to the item this run
# (n / 8 bytes per item, so the reach pass over every tie hits the CPU cache;
# cleared at the start of each run). Rows n_items.. (one per item) mark the
# people who had a paid or owned exposure to the item (reach_earned_only).
# Workspace.p_engage[item, node]: the person's engagement chance (float32).
# Workspace.cold[item, node] = (stamp of the last run in which they shared the
# item, their share chance as float32 bits; ``coldf`` is a float32 view), read
# only after an engagement.
_STAMP, _PROB = 0, 1

# rows of Workspace.flags (stamps per node)
_RESPONDED, _MISINFORMED, _PREBUNKED, _CORRECTED, _CHANGED, _BOUGHT = 0, 1, 2, 3, 4, 5
# rows of Workspace.lists and entries of counts after the items
L_CHANGED, L_MISINFORMED, L_BOUGHT = 0, 1, 2


class Params(NamedTuple):
    """The scalar parameters of a run: planning fills them by name, the kernel reads
    them by name.

    This class and the named tuples below are the one definition of the kernel's
    inputs: the engine builds them and :func:`kernel_args` hands their fields to
    :func:`run_marketing` by name (a test checks the names match)."""

    trust_effect: float
    endorsement_uplift: float
    claim_impact: float
    recovery: float
    prebunk_protection: float
    review_effect: float
    review_prob: float
    review_delay_mean: float
    quality: float
    customer_share_boost: float
    respond_reach: float
    review_page_effect: float
    review_page_prior: float

    @classmethod
    def of(cls, **values: float) -> Params:
        """All fields as floats (an int from a YAML file would compile a second kernel)."""
        return cls._make(map(float, cls(**values)))

    def array(self) -> np.ndarray:
        """The values as the kernel takes them: float64, field ``name`` at ``P.name``."""
        return np.array(self, dtype=np.float64)


P = Params._make(range(len(Params._fields)))
"""Index of each parameter in :meth:`Params.array`: the kernel reads ``prm[P.name]``.
(The kernel takes an array: handed the named tuple itself, the batch of runs ran
1.7x slower.)"""


class Network(NamedTuple):
    """The graph (CSR arcs with their trust) and the people's fixed traits."""

    indptr: np.ndarray
    indices: np.ndarray
    trust: np.ndarray
    base_interest: np.ndarray
    base_customer: np.ndarray


class Items(NamedTuple):
    """Per content item: kind (``BRAND``...), click-through, novelty decay; and the
    positions of the positive and negative review items (-1 if none)."""

    kind: np.ndarray
    ctr: np.ndarray
    decay: np.ndarray
    review_items: np.ndarray


class StaticEvents(NamedTuple):
    """The planned events of a run (see :class:`smmsim.engine.planning.Events`);
    the kernel's arguments ``ev_step``, ``ev_item``, ..."""

    step: np.ndarray
    item: np.ndarray
    node: np.ndarray
    type: np.ndarray
    origin: np.ndarray
    trust: np.ndarray


class EventBuffer(NamedTuple):
    """Storage of the events of a run (static ones first), linked per step by ``next``."""

    item: np.ndarray
    node: np.ndarray
    type: np.ndarray
    origin: np.ndarray
    trust: np.ndarray
    slot: np.ndarray
    next: np.ndarray


class Work(NamedTuple):
    """The work arrays of :class:`Workspace` as the kernel sees them."""

    seen: np.ndarray
    p_engage: np.ndarray
    p_max: np.ndarray
    cold: np.ndarray
    coldf: np.ndarray
    order: np.ndarray
    tparent: np.ndarray
    tdepth: np.ndarray
    born: np.ndarray
    origin: np.ndarray
    flags: np.ndarray
    icur: np.ndarray
    damage: np.ndarray
    ibefore: np.ndarray
    lists: np.ndarray
    counts: np.ndarray
    ev: EventBuffer


class Workspace:
    """Reusable work arrays for runs on one graph with up to ``n_items`` items."""

    def __init__(self, n_nodes: int, n_items: int):
        n, k = n_nodes, n_items
        self.n_nodes, self.n_items = n, k
        self.run = 0
        self.seen = np.zeros((2 * k, (n + 63) // 64), np.uint64)
        self.p_engage = np.zeros((k, n), np.float32)
        self.p_max = np.zeros(k)
        self.cold = np.zeros((k, n, 2), np.uint32)
        self.coldf = self.cold.view(np.float32)
        self.rec_keys: list[tuple | None] = [None] * k  # what the probabilities were filled for
        self.order = np.zeros((k, n), np.int32)
        self.tparent = np.zeros((k, n), np.int32)
        self.tdepth = np.zeros((k, n), np.int32)
        self.born = np.zeros((k, n), np.int32)
        self.origin = np.zeros((k, n), np.uint8)
        self.flags = np.zeros((6, n), np.int32)
        self.icur = np.zeros(n)
        self.damage = np.zeros(n)
        self.ibefore = np.zeros(n)
        self.lists = np.zeros((3, n), np.int32)
        self.counts = np.zeros(k + 3, np.int64)
        self.events = _event_buffers(0)

    def next_run(self) -> int:
        """Stamp of a new run (stamps wrap safely by clearing, every 2**31 runs)."""
        self.run += 1
        if self.run >= 2**31 - 1:  # stamps are int32 in flags
            self.clear_stamps()
            self.run = 1
        self.counts[:] = 0
        return self.run

    def reserve_runs(self, n_runs: int) -> int:
        """Stamps for ``n_runs`` runs in a row: returns the first."""
        if self.run + n_runs >= 2**31 - 1:  # stamps are int32: clear them, as next_run does
            self.clear_stamps()
            self.run = 0
        first = self.run + 1
        self.run += n_runs
        return first

    def clear_stamps(self) -> None:
        self.cold[:, :, _STAMP] = 0
        self.flags[:] = 0

    def fill_probabilities(self, k, key, p_engage, p_share):
        """Set item k's per-person probabilities (skipped if ``key`` is unchanged)."""
        if self.rec_keys[k] != key:
            self.p_engage[k] = p_engage
            self.p_max[k] = float(self.p_engage[k].max()) if self.n_nodes else 0.0
            self.coldf[k, :, _PROB] = p_share
            self.rec_keys[k] = key

    def event_buffers(self, capacity: int) -> EventBuffer:
        if len(self.events.item) < capacity:
            self.events = _event_buffers(max(capacity, 2 * len(self.events.item)))
        return self.events

    def arrays(self, event_capacity: int) -> Work:
        """The work arrays for the kernel, with room for ``event_capacity`` events."""
        return Work(
            self.seen, self.p_engage, self.p_max, self.cold, self.coldf, self.order,
            self.tparent, self.tdepth, self.born, self.origin, self.flags, self.icur,
            self.damage, self.ibefore, self.lists, self.counts,
            self.event_buffers(event_capacity),
        )  # fmt: skip


KERNEL_ARGS = (
    *Network._fields,
    *Items._fields,
    "prm",
    *(f"ev_{name}" for name in StaticEvents._fields),
    *Work._fields,
)
"""The first parameters of :func:`run_marketing` and ``_batch.run_batch``: the fields
of the tuples, in this order (``tests/test_engine.py`` checks the kernels' signatures)."""


def kernel_args(
    net: Network, items: Items, prm: np.ndarray, events: StaticEvents, work: Work
) -> tuple:
    """The first arguments of :func:`run_marketing` (see :data:`KERNEL_ARGS`); ``prm`` is
    :meth:`Params.array`.

    Positional: a numba call with keywords resolves them in Python, which cost
    about a millisecond per call."""
    return (*net, *items, prm, *events, *work)


def _event_buffers(cap) -> EventBuffer:
    i64 = np.int64
    return EventBuffer(
        np.empty(cap, i64), np.empty(cap, i64), np.empty(cap, i64), np.empty(cap, i64),
        np.empty(cap, np.float64), np.empty(cap, i64), np.empty(cap, i64),
    )  # fmt: skip


def event_capacity(n_nodes, ev_type, n_steps) -> int:
    """Room for the static events, one review and one complaint per person, and
    one exposure per person (plus one re-arm per step) for each RESPOND event."""
    n_respond = int((np.asarray(ev_type) == RESPOND).sum())
    return len(ev_type) + n_nodes * (2 + n_respond) + n_respond * (n_steps + 1) + 1


@njit(inline="always")
def _counter(slot, k, purpose):
    return np.uint64((slot * MAX_ITEMS + k) * _N_PURPOSES + purpose)


# Helpers that take arrays are `@helper`s (smmsim._jit): no reference counting.


@helper
def _mark(bits, k, x):
    """Set bit x of row k; True if it was clear (a first exposure)."""
    word = x >> 6
    mask = np.uint64(1) << np.uint64(x & 63)
    old = bits[k, word]
    if old & mask:
        return False
    bits[k, word] = old | mask
    return True


@helper
def _expose(bits, k, n_items, x, o, acc):
    """Mark x as exposed to item k by origin o; count new reach and earned-only reach."""
    first = _mark(bits, k, x)
    if first:
        acc[k, F_NEW_REACH] += 1
    if o == EARNED:
        if first:
            acc[k, F_NEW_REACH_EARNED] += 1
    elif _mark(bits, n_items + k, x) and not first:
        # seen before, and only through earned media until now
        acc[k, F_EARNED_LOST] += 1
    return first


@helper
def _is_set(bits, k, x):
    return (bits[k, x >> 6] >> np.uint64(x & 63)) & np.uint64(1) == np.uint64(1)


@helper
def _interest(flags, icur, base, run, v):
    """Person v's purchase interest now (changed this run, or the base value)."""
    if flags[_CHANGED, v] == run:
        return icur[v]
    return base[v]


@helper
def _append(lists, counts, n_items, li, v):
    """Append v to the list ``li`` (``L_*``) of this run."""
    lists[li, counts[n_items + li]] = v
    counts[n_items + li] += 1


@helper
def _set_interest(flags, icur, lists, counts, n_items, run, v, value):
    if flags[_CHANGED, v] != run:
        flags[_CHANGED, v] = run
        _append(lists, counts, n_items, L_CHANGED, v)
    icur[v] = value


@njit(inline="always")
def _skip(key, counter, log_miss):
    """Arcs to pass over before the next candidate: Geometric(q), log_miss = log(1 - q)."""
    if log_miss == 0.0:
        return 0
    x = np.log(1.0 - uniform(key, counter)) / log_miss
    return int(x) if x < 1e15 else 1_000_000_000_000_000


@helper
def _schedule(step, k, v, slot, etype, origin, etrust, ev, head, tail_ev, n_steps, evc):
    """Add an event at ``step`` (dropped past the horizon or when the buffer is full).

    ``ev`` is the :class:`EventBuffer`; evc = [events stored, events pending]."""
    n_ev = evc[0]
    if step >= n_steps or n_ev >= len(ev.item):
        return
    evc[0] += 1
    evc[1] += 1
    ev.item[n_ev] = k
    ev.node[n_ev] = v
    ev.type[n_ev] = etype
    ev.origin[n_ev] = origin
    ev.trust[n_ev] = etrust
    ev.slot[n_ev] = slot
    ev.next[n_ev] = -1
    if head[step] < 0:
        head[step] = n_ev
    else:
        ev.next[tail_ev[step]] = n_ev
    tail_ev[step] = n_ev


@helper
def _respond(kc, seen_k, o, w_trust, t, n, slot0, key, run, respond_reach, seen, flags, lo, hi, ev,
             head, tail_ev, n_steps, evc):  # fmt: skip
    """A RESPOND event: the brand answers, with item kc, the people who have seen item
    seen_k and were not considered yet, each reached with prob. ``respond_reach``
    (exposures at the end of this step's list, reached in this step), and answers
    again next step while seen_k still spreads. Person x's draw is at slot slot0 + x."""
    for x in range(n):
        if _is_set(seen, seen_k, x) and flags[_RESPONDED, x] != run:
            flags[_RESPONDED, x] = run
            if uniform(key, _counter(slot0 + x, kc, _RESPOND)) < respond_reach:
                _schedule(t, kc, x, slot0 + x, EXPOSE, o, w_trust, ev, head, tail_ev, n_steps,
                          evc)  # fmt: skip
    if hi[seen_k] > lo[seen_k]:
        _schedule(t + 1, kc, seen_k, 0, RESPOND, o, w_trust, ev, head, tail_ev, n_steps, evc)


@helper
def _add_sharer(cold, order, tparent, tdepth, born, origin, counts, acc, urun, k, v, iu, b, o):
    """v shares item k: appended to its sharers, under the sharer at position iu (-1: a root)."""
    cold[k, v, _STAMP] = urun
    c = counts[k]
    order[k, c] = v
    tparent[k, c] = iu
    tdepth[k, c] = tdepth[k, iu] + 1 if iu >= 0 else 0
    born[k, c] = b
    origin[k, c] = o
    counts[k] = c + 1
    acc[k, F_SHARES] += 1


_AHEAD = 8  # sharers between a prefetch of ties and their use (4-16 ran alike)


@helper
def _mark_all(seen, k, indices, a0, a1, mixed):
    """Mark ``indices[a0:a1]`` in row k of ``seen``; return how many were clear.

    Two loops with the same result. ``mixed`` (about as many ties seen as not):
    write every word, no branch to mispredict. Otherwise: test, and write only the
    clear ones, which keeps a dense graph's writes from waiting on each other (the
    always-write loop ran 1.6x slower on ego-Facebook, the branching one 2.5x slower
    on a BA graph of 100,000)."""
    new = 0
    if mixed:
        for j in range(a0, a1):
            x = indices[j]
            word = x >> 6
            sh = np.uint64(x & 63)
            old = seen[k, word]
            seen[k, word] = old | (np.uint64(1) << sh)
            new += np.int64(((old >> sh) & np.uint64(1)) ^ np.uint64(1))
    else:
        for j in range(a0, a1):
            if _mark(seen, k, indices[j]):
                new += 1
    return new


@helper
def _count_reach(indptr, indices, order, origin, seen, acc, n_items, k, lo, hi):
    """Impressions and reach of the out-ties of item k's sharers ``lo .. hi - 1``."""
    new = 0
    new_earned = 0
    mixed = True
    for ii in range(lo, hi):
        if ii + _AHEAD < hi:  # the ties of a sharer a few places on
            prefetch(indices, indptr[order[k, ii + _AHEAD]])
        u = order[k, ii]
        a0 = indptr[u]
        a1 = indptr[u + 1]
        og = origin[k, ii]
        acc[k, F_IMPRESSIONS + og] += a1 - a0
        if og == EARNED:
            c = _mark_all(seen, k, indices, a0, a1, mixed)
            new += c
            new_earned += c
            if a1 - a0 >= 8:  # the next sharer's ties are likely as new as these
                mixed = 0.2 * (a1 - a0) < c < 0.8 * (a1 - a0)
        else:
            for j in range(a0, a1):
                _expose(seen, k, n_items, indices[j], og, acc)
    acc[k, F_NEW_REACH] += new
    acc[k, F_NEW_REACH_EARNED] += new_earned


@helper
def _share_chance(coldf, base_customer, flags, kd, k, v, run, share_boost, prebunk_protection):
    """v's chance of sharing item k (of kind kd) after engaging with it."""
    s = coldf[k, v, _PROB]
    if share_boost > 0.0 and kd != CLAIM:
        if base_customer[v] or flags[_BOUGHT, v] == run:
            s = min(1.0, s * (1.0 + share_boost))
    if kd == CLAIM and (flags[_PREBUNKED, v] == run or flags[_CORRECTED, v] == run):
        # someone who has seen the correction passes the claim on less
        s *= 1.0 - prebunk_protection
    return s


@njit(inline="always")
def _tie_rate(decay, p_max, log_miss_item, t, b):
    """``(fade, q, log(1 - q))`` of a sharer's ties at step t, its chain started at step b.

    Engagement: candidate ties come at rate q = p_max * fade (geometric skips),
    each kept with its own chance / q (thinning), so every tie engages
    independently with exactly its own chance (novelty decay fades it)."""
    if decay > 0.0 and t > b:
        fade = np.exp(-decay * (t - b))
        q = p_max * fade
        return fade, q, (np.log1p(-q) if q < 1.0 else 0.0)
    return 1.0, p_max, log_miss_item  # no decay: the item's own rate


@njit(inline="always")
def _engage_chance(p, trust_effect, w):
    """Chance of engaging, ``p`` scaled by the trust ``w`` in the one who showed it."""
    if trust_effect > 0.0:
        p *= 1.0 - trust_effect + trust_effect * w
    return p


@njit(cache=True)
def run_marketing(
    indptr, indices, trust, base_interest, base_customer,
    kind, ctr, decay, review_items, prm,
    ev_step, ev_item, ev_node, ev_type, ev_origin, ev_trust,
    seen, p_engage, p_max, cold, coldf, order, tparent, tdepth, born, origin,
    flags, icur, damage, ibefore, lists, counts, ev,
    n_steps, key, run,
):  # fmt: skip
    """Run one marketing cascade.

    Called with :func:`kernel_args` (the fields of :class:`Network`,
    :class:`Items`, ``prm`` (:meth:`Params.array`), the static events as ``ev_*``
    and :class:`Work`: :data:`KERNEL_ARGS`), and the horizon, the run's key
    and its stamp. (The arrays are separate arguments, not tuples: the loop ran
    3-5x slower when it read them out of tuple arguments.)

    Each step: the posts of the step join their item's sharers (:func:`_add_sharer`),
    the sharers' out-ties are counted as impressions and reach (:func:`_count_reach`),
    then one loop walks the direct exposures and the sharers' candidate ties (geometric
    skips), and an engaged person may buy (:func:`_session`), be moved by a review,
    claim or correction (:func:`_kind_effect`) and share (:func:`_share_chance`). The
    helpers are ``@helper`` (:mod:`smmsim._jit`, no reference counting); with numba's
    ``inline="always"`` instead, the batch of runs ran 1.3-2.7x slower at p = 0.05
    (``benchmarks/bench_engine_ab.py``).

    Returns ``(stats, n_steps_run)``: ``stats[step, item, field]`` (fields
    ``F_*``). Item k's sharers are ``order[k, :counts[k]]`` in activation
    order, with ``tparent`` (position of the parent in that order, -1 for a
    root) and ``tdepth``. ``lists``/``counts`` after the items hold the people
    whose interest changed, who were misinformed, and who bought.
    """
    n = len(indptr) - 1
    n_arcs = len(indices)
    n_items = len(kind)
    urun = np.uint32(run)
    seen[:, :] = 0
    n_static = len(ev_step)
    trust_effect = prm[P.trust_effect]
    prebunk_protection = prm[P.prebunk_protection]
    review_delay_mean = prm[P.review_delay_mean]
    share_boost = prm[P.customer_share_boost]
    respond_reach = prm[P.respond_reach]
    # the product page shows the reviews posted so far: a visitor's purchase
    # chance is scaled by 1 + page_effect * (pos - neg) / (pos + neg + prior)
    page_effect = prm[P.review_page_effect]
    page_prior = prm[P.review_page_prior]
    n_rev_pos = 0
    n_rev_neg = 0
    page = 1.0
    log_delay = np.log(1.0 - 1.0 / review_delay_mean) if review_delay_mean > 1.0 else 0.0

    # per-step statistics, grown on demand
    cap_t = min(n_steps, 64)
    stats = np.zeros((cap_t, n_items, N_FIELDS), np.int64)

    # events in per-step buckets (linked lists); reviews and answers are added on the fly
    nxt = ev[6]
    head = np.full(n_steps + 1, -1, np.int64)
    tail_ev = np.full(n_steps + 1, -1, np.int64)
    evc = np.zeros(2, np.int64)  # [events stored, events pending]
    for i in range(n_static):
        _schedule(ev_step[i], ev_item[i], ev_node[i], n_arcs + i, ev_type[i], ev_origin[i],
                  ev_trust[i], ev, head, tail_ev, n_steps, evc)  # fmt: skip
    e_item = ev[0]
    e_node = ev[1]
    e_type = ev[2]
    e_origin = ev[3]
    e_trust = ev[4]
    e_slot = ev[5]

    lo = np.zeros(n_items, np.int64)
    hi = np.zeros(n_items, np.int64)
    log_miss_item = np.zeros(n_items)
    for k in range(n_items):
        if 0.0 < p_max[k] < 1.0:
            log_miss_item[k] = np.log1p(-p_max[k])
    # this step's counts; the hot loop writes here, never to the growing `stats`
    acc = np.zeros((n_items, N_FIELDS), np.int64)
    t_last = 0
    for t in range(n_steps):
        acc[:] = 0
        # 1. posts scheduled for this step join the frontier of their item
        e = head[t]
        while e >= 0:
            if e_type[e] == POST:
                k = e_item[e]
                v = e_node[e]
                acc[k, F_POSTS] += 1
                if k == review_items[0]:
                    n_rev_pos += 1
                elif k == review_items[1]:
                    n_rev_neg += 1
                if cold[k, v, _STAMP] != urun:
                    _add_sharer(cold, order, tparent, tdepth, born, origin, counts, acc, urun, k,
                                v, -1, t, e_origin[e])  # fmt: skip
                    _expose(seen, k, n_items, v, e_origin[e], acc)
            e = nxt[e]
        if page_effect > 0.0 and n_rev_pos + n_rev_neg > 0:
            rating = (n_rev_pos - n_rev_neg) / (n_rev_pos + n_rev_neg + page_prior)
            page = max(0.0, 1.0 + page_effect * rating)
        for k in range(n_items):
            hi[k] = counts[k]
        # this step's sharers: every out-tie is an impression and reaches its target
        for k in range(n_items):
            _count_reach(indptr, indices, order, origin, seen, acc, n_items, k, lo[k], hi[k])
        # 2. direct exposures (ads, owned channels), then 3. this step's sharers
        # expose their out-ties. One loop body handles both sources.
        e = head[t]
        phase = 0
        k = 0
        i = lo[0]
        a = 0
        a_end = 0
        u = -1
        iu = -1
        o = 0
        b = t
        fade = 1.0
        q = 1.0
        log_miss = 0.0
        while True:
            if phase == 0:
                if e < 0:
                    phase = 1
                    k = 0
                    i = lo[0]
                    continue
                cur = e
                e = nxt[e]
                evc[1] -= 1
                if e_type[cur] == RESPOND:
                    _respond(e_item[cur], e_node[cur], e_origin[cur], e_trust[cur], t, n,
                             n_arcs + n_static, key, run, respond_reach, seen, flags, lo, hi,
                             ev, head, tail_ev, n_steps, evc)  # fmt: skip
                    if e < 0:  # answers were added to this step's list: go on with them
                        e = nxt[cur]
                    continue
                if e_type[cur] != EXPOSE:
                    continue
                k = e_item[cur]
                v = e_node[cur]
                u = -1
                iu = -1
                w = e_trust[cur]
                o = e_origin[cur]
                b = t
                slot = e_slot[cur]
                # a direct exposure: impression, reach, engagement draw
                acc[k, F_IMPRESSIONS + o] += 1
                _expose(seen, k, n_items, v, o, acc)
                p = _engage_chance(p_engage[k, v], trust_effect, w)
                if uniform(key, _counter(slot, k, _ENGAGE)) >= p:
                    continue
            else:
                if a >= a_end:
                    if i < hi[k]:
                        # next sharer (its ties' impressions and reach are counted above)
                        iu = i
                        u = order[k, i]
                        i += 1
                        a = indptr[u]
                        a_end = indptr[u + 1]
                        o = origin[k, iu]
                        b = born[k, iu]
                        fade, q, log_miss = _tie_rate(decay[k], p_max[k], log_miss_item[k], t, b)
                        if q <= 0.0:
                            a = a_end
                        else:
                            a += _skip(key, _counter(a, k, _START), log_miss)
                        continue
                    lo[k] = hi[k]
                    k += 1
                    if k == n_items:
                        break
                    i = lo[k]
                    continue
                # a candidate tie
                slot = a
                v = indices[a]
                # the tie's trust, read only when it matters (a large array, read at
                # random): here with a trust effect, on a website visit below
                w = trust[a] if trust_effect > 0.0 else 1.0
                a += 1 + _skip(key, _counter(slot, k, _SKIP), log_miss)
                p = _engage_chance(p_engage[k, v] * fade, trust_effect, w)
                if uniform(key, _counter(slot, k, _ENGAGE)) * q >= p:
                    continue
            # ---- v engaged with item k (exposed by u, or by the brand if u < 0)
            acc[k, F_ENGAGEMENTS] += 1
            kd = kind[k]
            if kd != BRAND:
                _kind_effect(kd, k, v, slot, t, key, run, n_items, n_steps, prm, base_interest,
                             base_customer, review_items, flags, icur, damage, ibefore, lists,
                             counts, ev, head, tail_ev, evc, acc)  # fmt: skip
            if ctr[k] > 0.0 and uniform(key, _counter(slot, k, _CLICK)) < ctr[k]:
                if u >= 0:
                    w = trust[slot]
                _session(kd, k, v, u, o, w, slot, t, key, run, n_items, n_steps, page,
                         log_delay, prm, base_interest, base_customer, review_items, flags, icur,
                         lists, counts, ev, head, tail_ev, evc, acc)  # fmt: skip
            if cold[k, v, _STAMP] != urun:
                s = _share_chance(coldf, base_customer, flags, kd, k, v, run, share_boost,
                                  prebunk_protection)  # fmt: skip
                if s > 0.0 and uniform(key, _counter(slot, k, _SHARE)) < s:
                    _add_sharer(cold, order, tparent, tdepth, born, origin, counts, acc, urun, k,
                                v, iu, b, EARNED)  # fmt: skip
        if t >= cap_t:
            grown = np.zeros((min(2 * cap_t, n_steps), n_items, N_FIELDS), np.int64)
            grown[:cap_t] = stats
            stats = grown
            cap_t = len(stats)
        stats[t] = acc
        active = False
        for k in range(n_items):
            if counts[k] > hi[k]:
                active = True
        t_last = t + 1
        if not active and evc[1] == 0:
            break
    return stats[:t_last], t_last


@helper
def _kind_effect(kd, k, v, slot, t, key, run, n_items, n_steps, prm, base_interest, base_customer,
                 review_items, flags, icur, damage, ibefore, lists, counts, ev, head, tail_ev, evc,
                 acc):  # fmt: skip
    """What engaging with item k (of kind kd) does to v: reviews move interest, a
    claim misinforms (and may set off a complaint), a correction corrects or prebunks."""
    if kd == REVIEW_POS:
        x = _interest(flags, icur, base_interest, run, v)
        _set_interest(flags, icur, lists, counts, n_items, run, v,
                      min(1.0, x * (1.0 + prm[P.review_effect])))  # fmt: skip
    elif kd == REVIEW_NEG:
        x = _interest(flags, icur, base_interest, run, v)
        _set_interest(flags, icur, lists, counts, n_items, run, v,
                      x * (1.0 - prm[P.review_effect]))  # fmt: skip
    elif kd == CLAIM:
        if flags[_MISINFORMED, v] != run:
            flags[_MISINFORMED, v] = run
            _append(lists, counts, n_items, L_MISINFORMED, v)
            x = _interest(flags, icur, base_interest, run, v)
            ibefore[v] = x
            hit = prm[P.claim_impact]
            if flags[_PREBUNKED, v] == run:
                hit *= 1.0 - prm[P.prebunk_protection]
            damage[v] = x * hit
            _set_interest(flags, icur, lists, counts, n_items, run, v, x - damage[v])
            # a misinformed customer may post a complaint (negative review)
            is_cust = base_customer[v] or flags[_BOUGHT, v] == run
            if is_cust and prm[P.review_prob] > 0.0 and review_items[1] >= 0:
                if uniform(key, _counter(slot, k, _REVIEW)) < prm[P.review_prob] * hit:
                    if t + 1 < n_steps:
                        acc[k, F_COMPLAINTS] += 1
                    _schedule(t + 1, review_items[1], v, slot, POST, EARNED, 1.0, ev,
                              head, tail_ev, n_steps, evc)  # fmt: skip
    elif kd == CORRECTION:
        if flags[_MISINFORMED, v] == run:
            if flags[_CORRECTED, v] != run:
                flags[_CORRECTED, v] = run
                x = _interest(flags, icur, base_interest, run, v)
                _set_interest(flags, icur, lists, counts, n_items, run, v,
                              x + prm[P.recovery] * damage[v])  # fmt: skip
        else:
            flags[_PREBUNKED, v] = run


@helper
def _session(kd, k, v, u, o, w_trust, slot, t, key, run, n_items, n_steps, page, log_delay, prm,
             base_interest, base_customer, review_items, flags, icur, lists, counts, ev, head,
             tail_ev, evc, acc):  # fmt: skip
    """v visits the website: a non-customer may buy, a buyer may post a review."""
    acc[k, F_CLICKS + o] += 1
    is_cust = base_customer[v] or flags[_BOUGHT, v] == run
    if is_cust or kd == CLAIM:
        return
    q_buy = _interest(flags, icur, base_interest, run, v)
    q_buy *= 1.0 + prm[P.endorsement_uplift] * w_trust
    q_buy *= page
    if uniform(key, _counter(slot, k, _BUY)) >= q_buy:
        return
    flags[_BOUGHT, v] = run
    _append(lists, counts, n_items, L_BOUGHT, v)
    acc[k, F_CONVERSIONS + o] += 1
    if u >= 0 and (base_customer[u] or flags[_BOUGHT, u] == run):
        acc[k, F_REFERRALS] += 1
    if prm[P.review_prob] > 0.0 and review_items[0] >= 0:
        if uniform(key, _counter(slot, k, _REVIEW)) < prm[P.review_prob]:
            delay = _review_delay(key, slot, k, log_delay, n_steps)
            good = uniform(key, _counter(slot, k, _VALENCE)) < prm[P.quality]
            item = review_items[0] if good else review_items[1]
            _schedule(t + delay, item, v, slot, POST, EARNED, 1.0, ev, head, tail_ev, n_steps, evc)


@njit(inline="always")
def _review_delay(key, slot, k, log_delay, n_steps):
    """Geometric delay of a review with the given mean (>= 1 step)."""
    delay = 1
    if log_delay < 0.0:
        r = uniform(key, _counter(slot, k, _DELAY))
        gap = np.log(1.0 - r) / log_delay
        delay = 1 + (int(gap) if gap < n_steps else n_steps)
    return delay
