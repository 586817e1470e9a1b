"""Compiled kernel of the discrete-time marketing cascade.

Randomness is counter-based: each decision draws ``uniform(key, counter)``
where the counter names the decision (arc or event, item, purpose). The same
exposure therefore gets the same numbers in two runs that share the key, which
gives exact common random numbers for paired comparisons (a run with and
without a crisis differ only where the crisis changes what happens). The key
itself is drawn from the run's numpy Generator.

The mixing function is the SplitMix64 output function (Steele, Lea & Flood
2014) applied to ``key + counter * golden_gamma``: consecutive counters give
exactly the SplitMix64 sequence, which passes BigCrush.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53

# item kinds
BRAND, REVIEW_POS, REVIEW_NEG, CLAIM, CORRECTION = 0, 1, 2, 3, 4
# impression origins
PAID, OWNED, EARNED = 0, 1, 2
# event types: a person posts; the brand shows an item to a person; the brand
# answers everyone who has seen an item (node field = that item) so far
POST, EXPOSE, RESPOND = 0, 1, 2
# decision purposes (low 3 bits of a counter)
_ENGAGE, _CLICK, _BUY, _SHARE, _REVIEW, _DELAY, _VALENCE, _RESPOND = 0, 1, 2, 3, 4, 5, 6, 7


@njit(inline="always")
def uniform(key, counter):
    """U[0, 1) determined by ``key`` and ``counter`` (both uint64)."""
    z = key + counter * _GAMMA
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z = z ^ (z >> _S31)
    return float(z >> _S11) * _TO_UNIT


MAX_ITEMS = 8
"""Counter stride per slot: item indices (and hence draws) do not depend on how
many items a run has, so adding a crisis leaves the brand's draws unchanged."""


@njit(inline="always")
def _counter(slot, k, n_items, purpose):
    return np.uint64((slot * MAX_ITEMS + k) * 8 + purpose)


@njit(cache=True)
def run_marketing(
    indptr,
    indices,
    trust,
    segment,
    activity,
    share_prop,
    interest,
    customer,
    kind,
    stickiness,
    shareability,
    ctr,
    decay,
    appeal,
    ev_step,
    ev_item,
    ev_node,
    ev_type,
    ev_origin,
    ev_trust,
    params,
    review_items,
    n_steps,
    key,
    impressions,
    new_reach,
    engagements,
    shares,
    clicks,
    conversions,
    referrals,
    order,
    parent,
    depth,
    count,
    n_posted,
    intent_before,
):
    """Run one marketing cascade; fills the per-step arrays in place.

    ``params`` = (trust_effect, endorsement_uplift, claim_impact, recovery,
    prebunk_protection, review_effect, review_prob, review_delay_mean, quality,
    customer_share_boost, respond_reach).
    Per-step outputs have shape (n_steps, n_items); ``impressions``, ``clicks``
    and ``conversions`` have a last axis for the origin of the exposure
    (paid, owned, earned). ``interest`` and ``customer`` are updated in place.
    Returns the number of steps simulated.
    """
    n = len(indptr) - 1
    n_arcs = len(indices)
    n_items = len(kind)
    n_static = len(ev_step)
    trust_effect = params[0]
    uplift = params[1]
    claim_impact = params[2]
    recovery = params[3]
    prebunk_protection = params[4]
    review_effect = params[5]
    review_prob = params[6]
    review_delay_mean = params[7]
    quality = params[8]
    share_boost = params[9]
    respond_reach = params[10]

    seen = np.zeros((n_items, n), np.uint8)
    shared = np.zeros((n_items, n), np.uint8)
    born = np.zeros((n_items, n), np.int32)
    origin_of = np.zeros((n_items, n), np.uint8)
    misinformed = np.zeros(n, np.uint8)
    prebunked = np.zeros(n, np.uint8)
    corrected = np.zeros(n, np.uint8)
    damage = np.zeros(n, np.float64)
    responded = np.zeros(n, np.uint8)

    # events in per-step buckets (linked lists); reviews are added on the fly
    n_respond = 0
    for i in range(n_static):
        if ev_type[i] == RESPOND:
            n_respond += 1
    # room for every static event, one review and one complaint per person,
    # and one exposure per person for each RESPOND event
    cap = n_static + n * (2 + n_respond) + n_respond * (n_steps + 1)
    nxt = np.full(cap, -1, np.int64)
    head = np.full(n_steps + 1, -1, np.int64)
    tail_ev = np.full(n_steps + 1, -1, np.int64)
    e_item = np.empty(cap, np.int64)
    e_node = np.empty(cap, np.int64)
    e_type = np.empty(cap, np.int64)
    e_origin = np.empty(cap, np.int64)
    e_trust = np.empty(cap, np.float64)
    e_slot = np.empty(cap, np.int64)
    n_ev = 0
    for i in range(n_static):
        s = ev_step[i]
        if s >= n_steps:
            continue
        e_item[n_ev] = ev_item[i]
        e_node[n_ev] = ev_node[i]
        e_type[n_ev] = ev_type[i]
        e_origin[n_ev] = ev_origin[i]
        e_trust[n_ev] = ev_trust[i]
        e_slot[n_ev] = n_arcs + i
        if head[s] < 0:
            head[s] = n_ev
        else:
            nxt[tail_ev[s]] = n_ev
        tail_ev[s] = n_ev
        n_ev += 1
    evc = np.array([n_ev, n_ev], np.int64)

    lo = np.zeros(n_items, np.int64)
    hi = np.zeros(n_items, np.int64)
    t_last = 0
    for t in range(n_steps):
        # 1. posts scheduled for this step join the frontier of their item
        e = head[t]
        while e >= 0:
            if e_type[e] == POST:
                k = e_item[e]
                v = e_node[e]
                n_posted[k] += 1
                if shared[k, v] == 0:
                    shared[k, v] = 1
                    origin_of[k, v] = e_origin[e]
                    born[k, v] = t
                    parent[k, v] = -1
                    depth[k, v] = 0
                    order[k, count[k]] = v
                    count[k] += 1
                    shares[t, k] += 1
                    if seen[k, v] == 0:
                        seen[k, v] = 1
                        new_reach[t, k] += 1
            e = nxt[e]
        for k in range(n_items):
            hi[k] = count[k]
        # 2. direct exposures (ads, owned channels), then 3. this step's sharers
        # expose their out-ties. One loop body handles both sources.
        e = head[t]
        phase = 0
        k = 0
        i = lo[0]
        a = 0
        a_end = 0
        u = -1
        o = 0
        b = t
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
                    # answer people who have seen item e_node[cur] and were not
                    # considered yet; each is reached with prob. respond_reach.
                    # Exposures go to the end of this step's list (reached below).
                    seen_k = e_node[cur]
                    kc = e_item[cur]
                    for x in range(n):
                        if seen[seen_k, x] == 1 and responded[x] == 0:
                            responded[x] = 1
                            c = _counter(n_arcs + n_static + x, kc, n_items, _RESPOND)
                            if uniform(key, c) < respond_reach:
                                _schedule(
                                    t,
                                    kc,
                                    x,
                                    n_arcs + n_static + x,
                                    EXPOSE,
                                    e_origin[cur],
                                    e_trust[cur],
                                    head,
                                    tail_ev,
                                    nxt,
                                    e_item,
                                    e_node,
                                    e_type,
                                    e_origin,
                                    e_trust,
                                    e_slot,
                                    n_steps,
                                    evc,
                                )
                    # keep answering while the item still spreads
                    if hi[seen_k] > lo[seen_k]:
                        _schedule(
                            t + 1,
                            kc,
                            seen_k,
                            0,
                            RESPOND,
                            e_origin[cur],
                            e_trust[cur],
                            head,
                            tail_ev,
                            nxt,
                            e_item,
                            e_node,
                            e_type,
                            e_origin,
                            e_trust,
                            e_slot,
                            n_steps,
                            evc,
                        )
                    if e < 0:
                        e = nxt[cur]
                    continue
                if e_type[cur] != EXPOSE:
                    continue
                k = e_item[cur]
                v = e_node[cur]
                u = -1
                w = e_trust[cur]
                o = e_origin[cur]
                b = t
                slot = e_slot[cur]
            else:
                if a < a_end:
                    v = indices[a]
                    w = trust[a]
                    slot = a
                    a += 1
                elif i < hi[k]:
                    u = order[k, i]
                    i += 1
                    a = indptr[u]
                    a_end = indptr[u + 1]
                    o = origin_of[k, u]
                    b = born[k, u]
                    continue
                else:
                    lo[k] = hi[k]
                    k += 1
                    if k == n_items:
                        break
                    i = lo[k]
                    continue
            impressions[t, k, o] += 1
            if seen[k, v] == 0:
                seen[k, v] = 1
                new_reach[t, k] += 1
            p = activity[v] * stickiness[k] * appeal[k, segment[v]]
            if trust_effect > 0.0:
                p *= 1.0 - trust_effect + trust_effect * w
            if decay[k] > 0.0 and t > b:
                p *= np.exp(-decay[k] * (t - b))
            if uniform(key, _counter(slot, k, n_items, _ENGAGE)) >= p:
                continue
            engagements[t, k] += 1
            kd = kind[k]
            if kd == REVIEW_POS:
                interest[v] = min(1.0, interest[v] * (1.0 + review_effect))
            elif kd == REVIEW_NEG:
                interest[v] = interest[v] * (1.0 - review_effect)
            elif kd == CLAIM:
                if misinformed[v] == 0:
                    if intent_before[v] < 0.0:
                        intent_before[v] = interest[v]
                    hit = claim_impact
                    if prebunked[v] == 1:
                        hit *= 1.0 - prebunk_protection
                    damage[v] = interest[v] * hit
                    interest[v] -= damage[v]
                    misinformed[v] = 1
                    # a misinformed customer may post a complaint (negative review)
                    if customer[v] == 1 and review_prob > 0.0 and review_items[1] >= 0:
                        if uniform(key, _counter(slot, k, n_items, _REVIEW)) < review_prob * hit:
                            _schedule(
                                t + 1,
                                review_items[1],
                                v,
                                slot,
                                POST,
                                EARNED,
                                1.0,
                                head,
                                tail_ev,
                                nxt,
                                e_item,
                                e_node,
                                e_type,
                                e_origin,
                                e_trust,
                                e_slot,
                                n_steps,
                                evc,
                            )
            elif kd == CORRECTION:
                if misinformed[v] == 1:
                    if corrected[v] == 0:
                        interest[v] += recovery * damage[v]
                        corrected[v] = 1
                else:
                    prebunked[v] = 1
            if ctr[k] > 0.0 and uniform(key, _counter(slot, k, n_items, _CLICK)) < ctr[k]:
                clicks[t, k, o] += 1
                if customer[v] == 0 and kd != CLAIM:
                    q = interest[v] * (1.0 + uplift * w)
                    if uniform(key, _counter(slot, k, n_items, _BUY)) < q:
                        customer[v] = 1
                        conversions[t, k, o] += 1
                        if u >= 0 and customer[u] == 1:
                            referrals[t, k] += 1
                        if review_prob > 0.0 and review_items[0] >= 0:
                            if uniform(key, _counter(slot, k, n_items, _REVIEW)) < review_prob:
                                # geometric delay with the given mean (>= 1 step)
                                r = uniform(key, _counter(slot, k, n_items, _DELAY))
                                delay = 1
                                if review_delay_mean > 1.0:
                                    delay = 1 + int(
                                        np.log(1.0 - r) / np.log(1.0 - 1.0 / review_delay_mean)
                                    )
                                good = uniform(key, _counter(slot, k, n_items, _VALENCE)) < quality
                                item = review_items[0] if good else review_items[1]
                                _schedule(
                                    t + delay,
                                    item,
                                    v,
                                    slot,
                                    POST,
                                    EARNED,
                                    1.0,
                                    head,
                                    tail_ev,
                                    nxt,
                                    e_item,
                                    e_node,
                                    e_type,
                                    e_origin,
                                    e_trust,
                                    e_slot,
                                    n_steps,
                                    evc,
                                )
            if shared[k, v] == 0:
                s = shareability[k] * share_prop[v]
                if share_boost > 0.0 and customer[v] == 1 and kd != CLAIM:
                    s = min(1.0, s * (1.0 + share_boost))
                if s > 0.0 and uniform(key, _counter(slot, k, n_items, _SHARE)) < s:
                    shared[k, v] = 1
                    parent[k, v] = u
                    depth[k, v] = depth[k, u] + 1 if u >= 0 else 0
                    born[k, v] = b
                    origin_of[k, v] = EARNED
                    order[k, count[k]] = v
                    count[k] += 1
                    shares[t, k] += 1
        active = False
        for k in range(n_items):
            if count[k] > hi[k]:
                active = True
        t_last = t + 1
        if not active and evc[1] == 0:
            break
    return t_last


@njit(cache=True)
def _schedule(
    step,
    k,
    v,
    slot,
    etype,
    origin,
    etrust,
    head,
    tail_ev,
    nxt,
    e_item,
    e_node,
    e_type,
    e_origin,
    e_trust,
    e_slot,
    n_steps,
    evc,
):
    # evc = [events stored, events pending]: a mutable counter shared with the caller
    n_ev = evc[0]
    if step >= n_steps or n_ev >= len(e_item):
        return
    evc[0] += 1
    evc[1] += 1
    e_item[n_ev] = k
    e_node[n_ev] = v
    e_type[n_ev] = etype
    e_origin[n_ev] = origin
    e_trust[n_ev] = etrust
    e_slot[n_ev] = slot
    nxt[n_ev] = -1
    if head[step] < 0:
        head[step] = n_ev
    else:
        nxt[tail_ev[step]] = n_ev
    tail_ev[step] = n_ev
