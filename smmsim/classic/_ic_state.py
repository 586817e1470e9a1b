"""Per-thread work arrays of the IC kernels and the buffered uniform streams
they draw from (one Generator's uniforms, kept between calls)."""

from __future__ import annotations

import threading
import weakref

import numpy as np

from ..graphs import SocialGraph
from . import _ic_kernel

# Work spaces and uniform buffers of the IC kernels


class _Workspace:
    """Work arrays of the IC kernels for one graph, reused from call to call.

    ``work`` (int32, shape (4, n_nodes)) holds the stamps, queue and tree rows
    described in :mod:`smmsim.classic._ic_kernel`; ``state`` the kernel's epoch and
    paused position. Stamps start at 0 and epochs at 1, so a fresh work space
    needs no other initialisation.
    """

    __slots__ = ("work", "state", "pieces", "__weakref__")

    def __init__(self, n_nodes: int):
        self.work = np.zeros((4, n_nodes), np.int32)
        self.state = np.zeros(_ic_kernel.STATE_LEN, np.int64)
        self.pieces = None  # (work, epochs) of the pieces of a parallel batch


class _Uniforms:
    """Uniforms drawn from one bit generator but not read yet: ``buf[cursor[0]:]``.

    The read position is a one-element int64 array so that the kernels of
    :class:`ICModel` advance it themselves.
    """

    __slots__ = ("buf", "cursor", "owner")

    def __init__(self, owner: int):
        self.buf = _NO_UNIFORMS
        self.cursor = np.zeros(1, np.int64)
        self.owner = owner  # id() of the bit generator


class _ThreadCache(threading.local):
    """Per-thread IC state: work spaces by graph, unread uniforms by bit generator.

    Every kernel call writes its work space, so two threads must never share
    one: each thread gets its own (``threading.local``). Work spaces are keyed
    weakly by graph and uniforms weakly by the bit generator's ``lock`` (bit
    generators take no weak references; each has its own lock, which lives as
    long as it does), so both are dropped with their owner. ``graph`` /
    ``workspace`` (weak references both, so a dropped graph's work space is
    freed at once) and ``lock`` / ``uniforms`` remember the last of each for a
    fast repeat lookup.
    """

    def __init__(self):
        self.workspaces = weakref.WeakKeyDictionary()
        self.graph = None
        self.workspace = None
        self.by_lock = weakref.WeakKeyDictionary()
        self.lock = None
        self.uniforms = None


_NO_UNIFORMS = np.zeros(0, np.float64)
_NO_HITS = np.zeros(0, np.int64)
_CACHE = _ThreadCache()

# Uniforms per draw: a first block of _BLOCK (64 per run for a batch), then
# 4x larger blocks while a call needs more, up to _MAX_BLOCK (2 MiB). Unread
# uniforms are kept for the Generator's next call; when at most _KEEP of a
# larger block are left, they are copied into a small array so that the block
# itself can be freed.
_BLOCK = 256
_MAX_BLOCK = 1 << 18
_KEEP = 4096


def _workspace(graph: SocialGraph) -> _Workspace:
    """This thread's work space for ``graph`` (created on first use)."""
    cache = _CACHE
    last = cache.graph
    if last is not None and last() is graph:
        return cache.workspace()
    ws = cache.workspaces.get(graph)
    if ws is None or ws.work.shape[1] != graph.n_nodes:
        ws = cache.workspaces[graph] = _Workspace(graph.n_nodes)
    cache.graph = weakref.ref(graph)
    cache.workspace = weakref.ref(ws)
    return ws


def _uniforms(rng: np.random.Generator) -> _Uniforms:
    """This thread's unread uniforms of ``rng``'s bit generator (created on first use)."""
    cache = _CACHE
    bit_generator = rng.bit_generator
    lock = bit_generator.lock
    last = cache.lock
    if last is not None and last() is lock and cache.uniforms.owner == id(bit_generator):
        return cache.uniforms
    held = cache.by_lock.get(lock)
    if held is None or held.owner != id(bit_generator):
        held = cache.by_lock[lock] = _Uniforms(id(bit_generator))
    cache.lock = weakref.ref(lock)
    cache.uniforms = held
    return held


def _keep_unread(held: _Uniforms, u: np.ndarray, pos: int) -> None:
    """Leave ``u[pos:]`` for the next call with ``held``'s Generator (nothing is dropped)."""
    if len(u) > _KEEP and len(u) - pos <= _KEEP:
        u, pos = u[pos:].copy(), 0
    held.buf = u
    held.cursor[0] = pos
