"""Classic diffusion models for teaching and validation.

Small, well-known reference models: independent cascade (IC), linear
threshold (LT), SIR, Bass diffusion on a network and the Bass mean-field
curve. The marketing engine (:mod:`smmsim.engine`) reduces to :func:`independent_cascade`
when every optional mechanism is off.

IC comes three ways: :func:`independent_cascade` (sizes of a batch of runs on
a labelled graph), :func:`run_independent_cascade` (the batch on compact
arrays, with the last cascade's tree) and :class:`ICModel` (set up once from
a graph, seed nodes and ``p``; ``run()`` returns one cascade's size at little
more than the cost of the cascade). All three give the same cascades from the
same stream of random numbers.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from .._rng import as_generator
from .._validation import (
    check_int,
    check_nonnegative,
    check_positive,
    check_probability,
    check_probability_array,
)
from ..graphs import SocialGraph, from_networkx
from . import _ic_kernel
from . import _kernels as _classic_kernels

__all__ = [
    "ICModel",
    "ICResult",
    "independent_cascade",
    "activation_frequency",
    "run_independent_cascade",
    "linear_threshold",
    "sir",
    "bass_network",
    "bass_mean_field",
    "bass_peak",
]


@dataclass(frozen=True, eq=False)
class ICResult:
    """Outcome of a batch of IC runs on a :class:`~smmsim.graphs.SocialGraph`.

    Attributes
    ----------
    sizes : ndarray of int64, shape (n_runs,)
        Final number of active nodes (seeds included) per run.
    hits : ndarray of int64, shape (n_nodes,) or (0,)
        Runs in which each node ended active (empty unless requested).
    order : ndarray of int32, shape (sizes[-1],)
        The last run's activated positions, in activation order (seeds first,
        in the order given, repeats dropped).
    parent : ndarray of int32, shape (sizes[-1],)
        ``parent[i]`` is the position of the node that activated ``order[i]``
        (-1 for a seed). Aligned with ``order``, not indexed by node.
    depth : ndarray of int32, shape (sizes[-1],)
        Generation of ``order[i]`` (0 for seeds). Aligned with ``order``.
    edge_checks : int
        Arcs examined over all runs.
    """

    sizes: np.ndarray
    hits: np.ndarray
    order: np.ndarray
    parent: np.ndarray
    depth: np.ndarray
    edge_checks: int

    def last_tree(self) -> dict[int, int]:
        """Parent mapping (child position -> parent position, root -> -1) of the last run."""
        return dict(zip(self.order.tolist(), self.parent.tolist(), strict=True))


# ---------------------------------------------------------------------------
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


def _new_result(sizes, hits, order, parent, depth, checks) -> ICResult:
    # ICResult(...) costs ~0.5 us through the frozen dataclass's __init__
    # (object.__setattr__ per field), a large share of a one-cascade call.
    res = object.__new__(ICResult)
    fields = res.__dict__
    fields["sizes"] = sizes
    fields["hits"] = hits
    fields["order"] = order
    fields["parent"] = parent
    fields["depth"] = depth
    fields["edge_checks"] = checks
    return res


def _bad_seed(seeds, n_nodes: int, i: int) -> ValueError:
    return ValueError(
        f"`seed_nodes` holds position {seeds[i]} outside 0..{n_nodes - 1}: {seeds!r}."
    )


def _run_batch(kernel, indptr, indices, first, seeds, work, state, sizes, hits, rng, held):
    """Run ``len(sizes)`` cascades with a batch kernel, drawing uniform blocks as needed.

    Reads ``held``'s unread uniforms first (none if ``held`` is None) and leaves
    the rest of the last block there. Returns the edge checks.
    """
    if held is None:
        u, start = _NO_UNIFORMS, 0
    else:
        u, start = held.buf, int(held.cursor[0])
    n_runs = len(sizes)
    block = _BLOCK if n_runs == 1 else max(_BLOCK, min(64 * n_runs, _MAX_BLOCK))
    while True:
        checks = kernel(indptr, indices, first, seeds, u, work, state, sizes, hits, start)
        if checks >= 0:
            break
        if checks == _ic_kernel.BAD_SEED:
            raise _bad_seed(seeds, len(indptr) - 1, state[_ic_kernel.RUN])
        # Out of uniforms: resume the paused run on a fresh block.
        if start < 0:
            block = min(4 * block, _MAX_BLOCK)
        u, start = rng.random(block), -1
    if held is not None:
        _keep_unread(held, u, int(state[_ic_kernel.UPOS]))
    return checks


# Seed arrays of these dtypes (type numbers) go to the kernel as they are.
_SEED_TYPES = (np.dtype(np.int32).num, np.dtype(np.int64).num)
_GENERATOR = np.random.Generator


def run_independent_cascade(
    graph: SocialGraph,
    seed_positions,
    p,
    *,
    n_runs: int = 1,
    count_hits: bool = False,
    parallel: bool = False,
    rng=None,
) -> ICResult:
    """Run IC on compact arrays: the fast path every other IC entry point uses.

    Parameters
    ----------
    graph : SocialGraph
    seed_positions : array_like of int
        Seed nodes as positions in ``0 .. n_nodes - 1`` (repeats count once).
    p : float in [0, 1] or ndarray of float, shape (n_arcs,)
        One probability for every arc, or one per arc.
    n_runs : int >= 1
    count_hits : bool
        Count, per node, the runs in which it ended active.
    parallel : bool, default False
        Run the cascades on every core (numba threads), each from its own
        counter-based stream; see Notes.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    ICResult

    Raises
    ------
    ValueError
        If a seed position lies outside the graph, ``p`` is outside [0, 1] (or
        not one per arc) or ``n_runs`` < 1.

    See Also
    --------
    ICModel : the same cascades from a model built once, for one call per cascade.

    Notes
    -----
    The compiled kernel reads uniforms pre-drawn with ``rng.random`` in
    blocks: one per live arc for a single ``p`` (failed arcs are skipped with
    a geometric gap), one per arc checked for per-arc probabilities. A run
    that exhausts a block pauses and resumes on the next one, so the runs
    read one unbroken stream of uniforms and the results do not depend on the
    block sizes.

    When ``rng`` is a Generator, the uniforms of its last block that a call
    leaves unread are kept, in the calling thread, for as long as its bit
    generator exists, and the next call with that Generator reads them first
    (a block is at most 2 MiB; when at most 4,096 uniforms of a larger block
    are left, they are copied and the block freed). So ``k`` calls with
    ``n_runs=1`` and one Generator give the same sizes as one call with
    ``n_runs=k`` and a copy of it, as do :meth:`ICModel.run` and
    :meth:`ICModel.runs` with that Generator. The Generator itself is
    advanced by whole blocks: its own next draws come after the kept ones.

    The kernel's work arrays are kept between calls, one set per graph and
    thread, so a call costs time in proportion to the cascades it runs, not to
    the size of the graph.

    With ``parallel=True`` the runs are split among numba's threads
    (``numba.set_num_threads``), and run ``r`` draws from a counter-based
    stream (SplitMix64) keyed by ``r`` and one 63-bit key drawn from ``rng``
    (``rng.integers``): its cascade is the same whatever the number of
    threads, so the whole result is too. The numbers differ from
    ``parallel=False``'s single stream (the same distribution; kept uniforms
    are neither read nor dropped). For one ``p`` a live arc costs one
    uniform, as without ``parallel``; with per-arc probabilities arc ``k`` is
    live in run ``r`` iff its ``k``-th uniform is below ``p[k]``. numba's
    threads are those of its threading layer (GNU OpenMP here): a process
    forked after a parallel call is terminated when it makes one itself, so
    use the ``spawn`` start method for worker processes (as smmsim's sweeps
    do).

    Examples
    --------
    >>> from smmsim.graphs import from_edges
    >>> g = from_edges([0, 1, 2], [1, 2, 3], n_nodes=5, rng=0)
    >>> res = run_independent_cascade(g, [0], 1.0, n_runs=2, rng=0)
    >>> res.sizes.tolist(), res.order.tolist(), res.parent.tolist(), res.depth.tolist()
    ([4, 4], [0, 1, 2, 3], [-1, 0, 1, 2], [0, 1, 2, 3])
    """
    cache = _CACHE
    if type(rng) is _GENERATOR:
        # Inlined fast path of _uniforms(rng): the same Generator as last time.
        bit_generator = rng.bit_generator
        last = cache.lock
        if (
            last is not None
            and last() is bit_generator.lock
            and cache.uniforms.owner == id(bit_generator)
        ):
            held = cache.uniforms
        else:
            held = _uniforms(rng)
    else:
        rng = as_generator(rng)
        held = None
    if type(n_runs) is not int or n_runs < 1:
        n_runs = check_int("n_runs", n_runs, minimum=1)
    seeds = seed_positions
    if type(seeds) is not np.ndarray or seeds.ndim != 1 or seeds.dtype.num not in _SEED_TYPES:
        seeds = np.asarray(seeds, dtype=np.int64).ravel()
    if type(p) is float and 0.0 <= p <= 1.0:
        kernel, first = _ic_kernel.ic_uniform, p
    elif np.ndim(p) == 0:
        first = check_probability("p", p.item() if isinstance(p, np.ndarray) else p)
        kernel = _ic_kernel.ic_uniform
    else:
        probs = np.asarray(p, dtype=np.float64)
        if probs.shape != (graph.n_arcs,):
            raise ValueError(f"`p` must be a float or have one entry per arc ({graph.n_arcs}).")
        first = check_probability_array("p", probs)
        kernel = _ic_kernel.ic_per_arc
    last = cache.graph
    ws = cache.workspace() if last is not None and last() is graph else _workspace(graph)
    if parallel:
        return _run_parallel(graph, ws, seeds, first, kernel, n_runs, count_hits, rng)
    work, state = ws.work, ws.state
    hits = np.zeros(graph.n_nodes, np.int64) if count_hits else _NO_HITS
    sizes = np.empty(n_runs, np.int64)
    checks = _run_batch(
        kernel, graph.indptr, graph.indices, first, seeds, work, state, sizes, hits, rng, held
    )
    tree = work[1:4, : sizes[-1]].copy()  # the last run's order, parent and depth
    return _new_result(sizes, hits, tree[0], tree[1], tree[2], checks)


def _run_parallel(graph, ws, seeds, first, kernel, n_runs, count_hits, rng) -> ICResult:
    """``run_independent_cascade(..., parallel=True)``: one counter-based stream per run."""
    import numba

    n_pieces = max(1, min(n_runs, numba.get_num_threads()))
    pieces = ws.pieces
    if pieces is None or pieces[0].shape[0] < n_pieces:
        pieces = ws.pieces = (
            np.zeros((n_pieces, 4, graph.n_nodes), np.int32),
            np.zeros(n_pieces, np.int64),
        )
    work, epochs = pieces[0][:n_pieces], pieces[1][:n_pieces]
    if kernel is _ic_kernel.ic_uniform:
        p, probs = first, _NO_PROBS
    else:
        p, probs = 0.0, first
    key = np.uint64(rng.integers(0, 2**63, dtype=np.int64))
    sizes = np.empty(n_runs, np.int64)
    checks = np.empty(n_runs, np.int64)
    hits = np.zeros((n_pieces, graph.n_nodes if count_hits else 0), np.int64)
    bad = _ic_kernel.ic_parallel(
        graph.indptr, graph.indices, p, probs, seeds, key, work, epochs, sizes, checks, hits
    )
    if bad >= 0:
        raise _bad_seed(seeds, graph.n_nodes, bad)
    tree = work[-1, 1:4, : sizes[-1]].copy()
    hits = hits.sum(axis=0) if count_hits else _NO_HITS
    return _new_result(sizes, hits, tree[0], tree[1], tree[2], int(checks.sum()))


_NO_PROBS = np.zeros(0, np.float64)


# ---------------------------------------------------------------------------
# ICModel: one graph, seeds and p, set up once


_UNBOUND = object()


class _ModelSpace:
    """One thread's state of an :class:`ICModel`.

    ``work`` and ``state`` are the kernels' work space (``state`` holds the
    seeds after the slots listed in :mod:`smmsim.classic._ic_kernel`); ``rng`` and
    ``held`` are the Generator of the last call and its unread uniforms;
    ``block`` is the size of the next block of uniforms to draw.
    """

    __slots__ = ("work", "state", "rng", "held", "block")

    def __init__(self, n_nodes: int, seeds: np.ndarray):
        self.work = np.zeros((4, n_nodes), np.int32)
        self.state = np.zeros(_ic_kernel.MODEL_STATE_LEN + len(seeds), np.int64)
        self.state[_ic_kernel.MODEL_STATE_LEN :] = seeds
        self.rng = _UNBOUND  # no rng a caller passes, None included, `is` this
        self.held = None
        self.block = _BLOCK


class _ModelThreads(threading.local):
    """``space``: this thread's :class:`_ModelSpace`, made on its first use."""

    def __init__(self, n_nodes: int, seeds: np.ndarray):
        self.space = _ModelSpace(n_nodes, seeds)


class ICModel:
    """Independent cascade on one graph from fixed seed nodes: set up once, run often.

    The graph, the seed nodes and the probabilities are converted and checked
    once, here; :meth:`run` then costs little more than the cascade itself
    (well under a microsecond of fixed cost), for loops that need one cascade
    at a time. :func:`independent_cascade` and :func:`run_independent_cascade`
    give the same cascades (see Notes).

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or SocialGraph
        An undirected edge works both ways; parallel edges of a multigraph are
        separate chances. A networkx graph is converted with
        :func:`~smmsim.graphs.from_networkx` (node order ``list(graph)``).
    seed_nodes : node label or iterable of node labels
        Initially active nodes (repeats count once), as labels: for a
        SocialGraph, its ``node_ids``. A hashable ``seed_nodes`` that is itself
        a node of the graph (a tuple label, say) is one seed node. The seeds
        are taken in the order given, which fixes the cascades' order of
        activation; a set's are taken in graph order.
    p : float in [0, 1], str or ndarray
        One probability for every arc, the name of an edge attribute holding
        each edge's probability (networkx graphs), or one probability per arc
        in CSR order (SocialGraph only).

    Raises
    ------
    ValueError
        If a seed node is not in the graph, the graph is empty, ``p`` (or an
        edge's probability) lies outside [0, 1], an edge lacks the named
        attribute or an array ``p`` does not have one entry per arc.
    TypeError
        If ``graph`` or ``p`` has the wrong type.

    See Also
    --------
    independent_cascade : sizes of a batch of cascades in one call.
    run_independent_cascade : the batch kernel on a SocialGraph, with the tree.

    Notes
    -----
    Randomness: every call reads the uniforms of ``rng`` as one stream, with
    the same kept-uniforms rule as :func:`run_independent_cascade`. So with one
    Generator ``g``, ``[model.run(rng=g) for _ in range(k)]`` equals
    ``model.runs(k, rng=h)`` and ``independent_cascade(graph, seed_nodes, p,
    n_runs=k, rng=h)`` for a Generator ``h`` in the same state as ``g``, such
    as ``copy.deepcopy(g)`` or one built from the same seed. Calls with ``g``
    may be mixed with other IC calls on ``g`` in the same thread without
    breaking the stream. An int or SeedSequence ``rng`` starts afresh at every
    call (every ``run(rng=5)`` gives the same cascade), and ``None`` draws
    fresh entropy at every call, which costs far more than the cascade: pass
    a Generator in a loop.

    Threads: the model keeps a work space of 16 bytes per node for each
    thread that uses it, so one model may run in several threads at once.
    The last cascade and the edge-check count are per thread too.

    Examples
    --------
    >>> import networkx as nx
    >>> import numpy as np
    >>> model = ICModel(nx.path_graph(5), [0], 1.0)
    >>> model.run(rng=np.random.default_rng(1))
    5
    >>> model.last_cascade().order.tolist()
    [0, 1, 2, 3, 4]
    >>> g = np.random.default_rng(7)
    >>> star = ICModel(nx.star_graph(50), 0, 0.2)
    >>> loop = [star.run(rng=g) for _ in range(4)]
    >>> loop == star.runs(4, rng=np.random.default_rng(7)).tolist()
    True
    """

    __slots__ = (
        "_graph",
        "_seeds",
        "_p",
        "_indptr",
        "_indices",
        "_kernel",
        "_batch_kernel",
        "_threads",
    )

    def __init__(self, graph, seed_nodes, p):
        arrays, G = _as_arrays(graph)
        seeds = _seed_order(arrays, seed_nodes)
        self._setup(arrays, seeds, _ic_probabilities(p, arrays, G))

    def _setup(self, arrays: SocialGraph, seeds: np.ndarray, p) -> None:
        self._graph = arrays
        self._seeds = np.array(seeds, dtype=np.int64)
        self._p = p
        self._indptr = arrays.indptr
        self._indices = arrays.indices
        if isinstance(p, float):
            self._kernel, self._batch_kernel = _ic_kernel.ic_run_uniform, _ic_kernel.ic_uniform
        else:
            self._kernel, self._batch_kernel = _ic_kernel.ic_run_per_arc, _ic_kernel.ic_per_arc
        self._threads = _ModelThreads(arrays.n_nodes, self._seeds)

    def __reduce__(self):
        # Per-thread state (work spaces, the last Generator) is not pickled.
        return _rebuild_model, (self._graph, self._seeds, self._p)

    def __repr__(self) -> str:
        p = self._p if isinstance(self._p, float) else "per arc"
        return (
            f"ICModel(n_nodes={self._graph.n_nodes}, n_arcs={self._graph.n_arcs}, "
            f"n_seeds={len(self._seeds)}, p={p})"
        )

    @property
    def graph(self) -> SocialGraph:
        """The graph as compact arrays (positions index its ``node_ids``)."""
        return self._graph

    @property
    def seed_positions(self) -> np.ndarray:
        """Positions of the seed nodes, in the order given (repeats kept; a copy)."""
        return self._seeds.copy()

    @property
    def p(self):
        """The probability of every arc (float), or a copy of the per-arc array."""
        return self._p if isinstance(self._p, float) else self._p.copy()

    def run(self, *, rng=None) -> int:
        """Run one cascade and return its final size.

        Parameters
        ----------
        rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
            Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
            gives reproducible results; a Generator is used as is (and advanced).

        Returns
        -------
        int
            Number of active nodes at the end, seed nodes included.

        Raises
        ------
        TypeError
            If ``rng`` has the wrong type.
        """
        space = self._threads.space
        if rng is not space.rng:
            self._bind(space, rng)
        held = space.held
        size = self._kernel(
            self._indptr, self._indices, self._p, held.buf, held.cursor, space.work, space.state
        )
        if size < 0:
            size = self._resume(space)
        return size

    def runs(self, n_runs: int, *, rng=None) -> np.ndarray:
        """Run ``n_runs`` cascades in one compiled call and return their final sizes.

        Parameters
        ----------
        n_runs : int >= 1
        rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
            Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
            gives reproducible results; a Generator is used as is (and advanced).

        Returns
        -------
        ndarray of int64, shape (n_runs,)

        Raises
        ------
        ValueError
            If ``n_runs`` < 1.
        TypeError
            If ``n_runs`` or ``rng`` has the wrong type.
        """
        n_runs = check_int("n_runs", n_runs, minimum=1)
        space = self._threads.space
        if rng is not space.rng:
            self._bind(space, rng)
        state = space.state
        sizes = np.empty(n_runs, np.int64)
        state[_ic_kernel.PAUSED] = 0
        state[_ic_kernel.SIZE] = -1  # no complete cascade until the batch ends
        checks = _run_batch(
            self._batch_kernel,
            self._indptr,
            self._indices,
            self._p,
            self._seeds,
            space.work,
            state,
            sizes,
            _NO_HITS,
            space.rng,
            space.held,
        )
        state[_ic_kernel.TOTAL_CHECKS] += checks
        state[_ic_kernel.SIZE] = sizes[-1]
        return sizes

    def last_cascade(self) -> ICResult:
        """The last cascade run by this model in the calling thread.

        Returns
        -------
        ICResult
            ``sizes`` holds its size alone, ``hits`` is empty, ``order``,
            ``parent`` and ``depth`` describe its tree (copies) and
            ``edge_checks`` counts the arcs it examined.

        Raises
        ------
        RuntimeError
            If no cascade has run to its end in this thread.
        """
        space = self._threads.space
        size = int(space.state[_ic_kernel.SIZE])
        if space.state[_ic_kernel.EPOCH] == 0 or size < 0:
            raise RuntimeError("ICModel.last_cascade(): no cascade has run in this thread yet.")
        tree = space.work[1:4, :size].copy()
        order = tree[0]
        indptr = self._indptr
        if isinstance(self._p, float) and self._p <= 0.0:
            checks = 0  # the kernel stops at once: no arc is examined
        else:
            checks = int((indptr[order + 1] - indptr[order]).sum())
        return _new_result(np.array([size]), _NO_HITS, order, tree[1], tree[2], checks)

    @property
    def edge_checks(self) -> int:
        """Arcs examined by this model's cascades in the calling thread so far."""
        return int(self._threads.space.state[_ic_kernel.TOTAL_CHECKS])

    def _bind(self, space: _ModelSpace, rng) -> None:
        """Make ``rng`` the Generator of this thread's calls, with its unread uniforms."""
        gen = as_generator(rng)
        space.held = _uniforms(gen) if gen is rng else _Uniforms(id(gen.bit_generator))
        space.rng = gen

    def _resume(self, space: _ModelSpace) -> int:
        """Draw blocks of uniforms until the paused cascade ends; return its size."""
        state, held, rng, kernel = space.state, space.held, space.rng, self._kernel
        try:
            while True:
                u = rng.random(space.block)
                held.buf = u
                held.cursor[0] = 0
                size = kernel(
                    self._indptr, self._indices, self._p, u, held.cursor, space.work, state
                )
                if size >= 0:
                    return size
                space.block = min(4 * space.block, _MAX_BLOCK)
        except BaseException:
            state[_ic_kernel.PAUSED] = 0  # drop the interrupted cascade
            state[_ic_kernel.SIZE] = -1
            raise


def _rebuild_model(graph: SocialGraph, seeds: np.ndarray, p) -> ICModel:
    model = object.__new__(ICModel)
    model._setup(graph, seeds, p)
    return model


# ---------------------------------------------------------------------------
# Input handling shared by the models


def _as_arrays(graph) -> tuple[SocialGraph, nx.Graph | None]:
    """Return the graph as a SocialGraph, plus the networkx graph it came from (or None)."""
    if isinstance(graph, SocialGraph):
        return graph, None
    if isinstance(graph, nx.Graph):
        if graph.number_of_nodes() == 0:
            raise ValueError("`graph` is empty: it has no nodes.")
        # The structure only: no trust draw (unused here, and the caller's
        # generator must not be advanced by the conversion).
        return from_networkx(graph, attributes=False), graph
    raise TypeError(
        f"`graph` must be a networkx Graph or DiGraph or a SocialGraph; got {type(graph).__name__}."
    )


def _is_node(arrays: SocialGraph, label) -> bool:
    try:
        arrays.index_of([label])
    except ValueError:
        return False
    return True


def _seed_order(arrays: SocialGraph, seed_nodes) -> np.ndarray:
    """Positions of ``seed_nodes`` in the order given (repeats kept; a set's in graph order).

    ``seed_nodes`` is one label (a str, bytes, a non-iterable, or any label
    that is itself a node, such as a tuple) or an iterable of labels.
    """
    if seed_nodes is None:
        return np.zeros(0, np.int32)
    if isinstance(seed_nodes, np.ndarray) and seed_nodes.ndim == 0:
        seed_nodes = seed_nodes.item()
    if (
        isinstance(seed_nodes, (str, bytes))
        or not hasattr(seed_nodes, "__iter__")
        or (isinstance(seed_nodes, Hashable) and _is_node(arrays, seed_nodes))
    ):
        return arrays.index_of([seed_nodes], field_name="seed_nodes")
    positions = arrays.index_of(list(seed_nodes), field_name="seed_nodes")
    if isinstance(seed_nodes, (set, frozenset)):
        # A set has no order (and a set of str iterates in a different order
        # in every process): take its seeds in graph order.
        positions.sort()
    return positions


def _seed_positions(arrays: SocialGraph, seed_nodes) -> np.ndarray:
    """Distinct array positions of ``seed_nodes`` (one label or an iterable of labels), sorted."""
    return np.unique(_seed_order(arrays, seed_nodes))


def _edge_attribute(G: nx.Graph, arrays: SocialGraph, attr: str, missing) -> list:
    """Edge attribute ``attr`` of every arc of ``arrays`` (built from ``G``), in CSR order.

    Parallel edges of a multigraph keep their own values (their arcs have the
    same ends, so which of them gets which value does not matter).
    ``missing(u, v)`` returns the exception to raise for an edge without it.
    """
    pos = {label: i for i, label in enumerate(arrays.node_ids.tolist())}
    by_arc: dict[tuple[int, int], list] = {}
    for u, v, data in G.edges(data=True):
        if attr not in data:
            raise missing(u, v)
        value = data[attr]
        by_arc.setdefault((pos[u], pos[v]), []).append(value)
        if not G.is_directed():
            by_arc.setdefault((pos[v], pos[u]), []).append(value)
    values = {arc: iter(vals) for arc, vals in by_arc.items()}
    src = np.repeat(np.arange(arrays.n_nodes), arrays.out_degree)
    return [next(values[arc]) for arc in zip(src.tolist(), arrays.indices.tolist(), strict=True)]


def _as_floats(name: str, attr: str, raw: list) -> np.ndarray:
    try:
        return np.array(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"`{name}` edge attribute {attr!r} must hold numbers; got {raw[:3]!r}..."
        ) from None


def _ic_probabilities(p, arrays: SocialGraph, G: nx.Graph | None):
    """IC probabilities: one float for every arc, or an array with one per arc."""
    if isinstance(p, str):
        if G is None:
            raise TypeError(
                f"`p` may name an edge attribute only for a networkx graph; "
                f"got {p!r} with a SocialGraph."
            )

        def missing(u, v):
            return ValueError(f"edge ({u!r}, {v!r}) has no attribute `p`={p!r}.")

        raw = _edge_attribute(G, arrays, p, missing)
        return check_probability_array(f"p (edge attribute {p!r})", _as_floats("p", p, raw))
    if isinstance(p, np.ndarray) and p.ndim == 0:
        p = p.item()
    if isinstance(p, (np.ndarray, list, tuple)):
        if G is not None:
            raise TypeError(
                "`p` as an array needs a SocialGraph (one entry per arc); for a networkx "
                f"graph pass a number or an edge attribute name; got {type(p).__name__}."
            )
        try:
            probs = np.array(p, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"`p` must hold numbers; got {p!r}.") from None
        if probs.shape != (arrays.n_arcs,):
            raise ValueError(
                f"`p` must have one entry per arc ({arrays.n_arcs}); got shape {probs.shape}."
            )
        return check_probability_array("p", probs)
    return check_probability("p", p)


def _arc_values(name: str, value, arrays: SocialGraph, G: nx.Graph | None) -> np.ndarray:
    """One float per arc of ``arrays`` from a number, an edge attribute name or an array.

    Every value must lie in [0, 1]. An attribute name needs the networkx graph
    ``G``; an array (one entry per arc, in CSR order) needs a SocialGraph.
    """
    if isinstance(value, str):
        if G is None:
            raise TypeError(
                f"`{name}` may name an edge attribute only for a networkx graph; "
                f"got {value!r} with a SocialGraph."
            )

        def missing(u, v):
            return ValueError(
                f"`{name}` names edge attribute {value!r}, which edge ({u!r}, {v!r}) lacks."
            )

        values = _as_floats(name, value, _edge_attribute(G, arrays, value, missing))
        return check_probability_array(f"{name} (edge attribute {value!r})", values)
    if isinstance(value, (np.ndarray, list, tuple)):
        if G is not None:
            raise TypeError(
                f"`{name}` as an array needs a SocialGraph (one entry per arc); for a networkx "
                f"graph pass a number or an edge attribute name; got {type(value).__name__}."
            )
        try:
            values = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"`{name}` must hold numbers; got {value!r}.") from None
        if values.shape != (arrays.n_arcs,):
            raise ValueError(
                f"`{name}` must have one entry per arc ({arrays.n_arcs}); got shape {values.shape}."
            )
        return check_probability_array(name, values)
    return np.full(arrays.n_arcs, check_probability(name, value))


# ---------------------------------------------------------------------------
# Independent cascade on labelled graphs


def _prepare(graph, seed_nodes, p):
    arrays, G = _as_arrays(graph)
    seeds = _seed_order(arrays, seed_nodes)
    return arrays, seeds, _ic_probabilities(p, arrays, G)


def independent_cascade(
    graph, seed_nodes, p, *, n_runs: int = 1, parallel: bool = False, rng=None
) -> np.ndarray:
    """Final sizes of independent-cascade runs on a graph.

    Every active node gets one chance to activate each inactive out-neighbour,
    succeeding with the arc's probability (Kempe, Kleinberg & Tardos 2003).

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or SocialGraph
        An undirected edge works both ways; parallel edges of a multigraph are
        separate chances.
    seed_nodes : node label or iterable of node labels
        Initially active nodes (duplicates count once). A hashable
        ``seed_nodes`` that is itself a node (a tuple label, say) is one seed
        node. Seeds are taken in the order given (a set's in graph order).
    p : float in [0, 1], str or ndarray
        Probability for every edge, the name of an edge attribute holding each
        edge's probability (networkx graphs), or one probability per arc in
        CSR order (SocialGraph only).
    n_runs : int >= 1, default 1
    parallel : bool, default False
        Run on every core, one counter-based stream per run: the same result
        for any number of threads (see :func:`run_independent_cascade`).
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    ndarray of int64, shape (n_runs,)
        Final number of activated nodes (seed nodes included) per run.

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1], a seed node is not in the graph, the graph
        is empty or ``n_runs`` < 1.
    TypeError
        If an argument has the wrong type.

    See Also
    --------
    ICModel : the same cascades one at a time, from a model set up once.

    References
    ----------
    .. [1] D. Kempe, J. Kleinberg and E. Tardos, "Maximizing the spread of
       influence through a social network", Proc. KDD 2003, pp. 137-146.

    Examples
    --------
    >>> import networkx as nx
    >>> independent_cascade(nx.path_graph(5), [0], 1.0, n_runs=2, rng=0)
    array([5, 5])
    """
    check_int("n_runs", n_runs, minimum=1)
    arrays, seeds, probs = _prepare(graph, seed_nodes, p)
    return run_independent_cascade(
        arrays, seeds, probs, n_runs=n_runs, parallel=parallel, rng=rng
    ).sizes


def activation_frequency(
    graph, seed_nodes, p, *, n_runs: int, parallel: bool = False, rng=None
) -> pd.Series:
    """Fraction of IC runs in which each node ended activated.

    Parameters
    ----------
    graph, seed_nodes, p
        As in :func:`independent_cascade`.
    n_runs : int >= 1
    parallel : bool, default False
        Run on every core, one counter-based stream per run: the same result
        for any number of threads (see :func:`run_independent_cascade`).
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    pandas.Series of float, named ``activation_frequency``
        Indexed by node label (index name ``node``), in graph order; tuple
        labels stay tuples (a flat Index, not a MultiIndex).

    Examples
    --------
    >>> import networkx as nx
    >>> activation_frequency(nx.path_graph(3), [0], 0.0, n_runs=10, rng=0).tolist()
    [1.0, 0.0, 0.0]
    >>> activation_frequency(nx.grid_2d_graph(2, 2), (0, 0), 1.0, n_runs=1, rng=0)
    node
    (0, 0)    1.0
    (0, 1)    1.0
    (1, 0)    1.0
    (1, 1)    1.0
    Name: activation_frequency, dtype: float64
    """
    check_int("n_runs", n_runs, minimum=1)
    arrays, seeds, probs = _prepare(graph, seed_nodes, p)
    res = run_independent_cascade(
        arrays, seeds, probs, n_runs=n_runs, count_hits=True, parallel=parallel, rng=rng
    )
    labels = list(graph) if isinstance(graph, nx.Graph) else arrays.node_ids.tolist()
    # tupleize_cols=False: tuple labels (grid graphs) make a flat Index, not a MultiIndex.
    index = pd.Index(labels, name="node", tupleize_cols=False)
    return pd.Series(res.hits / n_runs, index=index, name="activation_frequency")


# ---------------------------------------------------------------------------
# Linear threshold


def linear_threshold(graph, seed_nodes, *, weights=None, n_runs: int = 1, rng=None) -> np.ndarray:
    """Final sizes of linear-threshold runs.

    Every node draws a threshold uniformly at random in each run and becomes
    active once the summed influence weights of its active in-neighbours reach
    it (Kempe, Kleinberg & Tardos 2003). Activation is permanent.

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or SocialGraph
        Influence flows along arcs; an undirected edge works both ways.
    seed_nodes : node label or iterable of node labels
        Initially active nodes (duplicates count once).
    weights : None, str, float or ndarray, optional
        Influence ``b(u, v)`` of each arc ``u -> v``, each in [0, 1], with the
        weights into every node summing to at most 1. ``None`` (default) gives
        ``1 / in_degree(v)``. A str names an edge attribute (networkx graphs);
        a float applies to every arc; an ndarray of shape ``(n_arcs,)`` gives
        one weight per arc in CSR order (SocialGraph only).
    n_runs : int >= 1, default 1
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    ndarray of int64, shape (n_runs,)
        Final number of active nodes (seed nodes included) per run.

    Raises
    ------
    ValueError
        If a seed node is not in the graph, the graph is empty, ``n_runs`` < 1,
        a weight lies outside [0, 1], an edge lacks the named attribute, or the
        weights into some node sum to more than 1.
    TypeError
        If ``graph`` or ``weights`` has the wrong type.

    See Also
    --------
    independent_cascade : the other model of Kempe et al. (2003).

    Notes
    -----
    Thresholds are uniform on (0, 1]. Kempe et al. show that the active set has
    the same law as the set reachable from the seeds when every node keeps at
    most one incoming arc, arc ``u -> v`` with probability ``b(u, v)``; the
    tests use that to check the simulation against exact enumeration.

    References
    ----------
    .. [1] D. Kempe, J. Kleinberg and E. Tardos, "Maximizing the spread of
       influence through a social network", Proc. KDD 2003, pp. 137-146.

    Examples
    --------
    >>> import networkx as nx
    >>> linear_threshold(nx.star_graph(4), [0], n_runs=2, rng=0).tolist()  # leaves: weight 1
    [5, 5]
    >>> linear_threshold(nx.path_graph(5), [0], weights=1.0, n_runs=2, rng=0).tolist()
    Traceback (most recent call last):
    ...
    ValueError: `weights` into each node must sum to at most 1; node 1 gets 2.0.
    """
    rng = as_generator(rng)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    arrays, G = _as_arrays(graph)
    seeds = _seed_positions(arrays, seed_nodes)
    n = arrays.n_nodes
    if weights is None:
        in_degree = np.bincount(arrays.indices, minlength=n)
        w = 1.0 / in_degree[arrays.indices]
    else:
        w = _arc_values("weights", weights, arrays, G)
        totals = np.bincount(arrays.indices, weights=w, minlength=n)
        over = np.flatnonzero(totals > 1.0 + 1e-9)
        if len(over):
            label = arrays.node_ids[over[0]]
            label = label.item() if isinstance(label, np.generic) else label
            raise ValueError(
                "`weights` into each node must sum to at most 1; "
                f"node {label!r} gets {float(totals[over[0]])!r}."
            )
    sizes = np.zeros(n_runs, np.int64)
    _classic_kernels.lt_runs(arrays.indptr, arrays.indices, w, seeds, n_runs, rng, sizes)
    return sizes


# ---------------------------------------------------------------------------
# SIR


def sir(
    graph,
    seed_nodes,
    beta,
    gamma,
    *,
    n_runs: int = 1,
    max_steps: int = 1000,
    rng=None,
) -> pd.DataFrame:
    """Discrete-time SIR epidemics on a graph, as a tidy table per run and step.

    At every step each infected node tries once to infect each susceptible
    out-neighbour, succeeding with probability ``beta``; then each node that was
    infected at the start of the step recovers with probability ``gamma``.
    People infected during a step start transmitting (and may recover) in the
    next one, so an infection lasts a geometric number of steps with mean
    ``1 / gamma``.

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or SocialGraph
        Infection travels along arcs; an undirected edge works both ways.
    seed_nodes : node label or iterable of node labels
        Infected at step 0 (duplicates count once).
    beta : float in [0, 1], str or ndarray
        Per-step transmission probability over each arc: one number, the name
        of an edge attribute (networkx graphs), or one value per arc in CSR
        order (SocialGraph only).
    gamma : float in [0, 1]
        Per-step recovery probability.
    n_runs : int >= 1, default 1
    max_steps : int >= 1, default 1000
        A run stops when nobody is infected or after this many steps.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    pandas.DataFrame
        Columns ``run``, ``step``, ``susceptible``, ``infected``, ``recovered``
        (int64), one row per run and step from 0 to the last step at which any
        run still had infected nodes (or ``max_steps``). Every run has the same
        steps: a run that died out earlier repeats its final state, so means
        over runs per step are unbiased.

    Raises
    ------
    ValueError
        If ``beta`` or ``gamma`` lies outside [0, 1], a seed node is not in the
        graph, the graph is empty, ``n_runs`` < 1 or ``max_steps`` < 1.
    TypeError
        If an argument has the wrong type.

    See Also
    --------
    independent_cascade : with ``gamma = 1`` every infected node transmits in
        exactly one step, and the final ``recovered`` count has the IC law
        with ``p = beta``.

    References
    ----------
    .. [1] W. O. Kermack and A. G. McKendrick, "A contribution to the
       mathematical theory of epidemics", Proc. R. Soc. A 115 (1927) 700-721.
    .. [2] M. E. J. Newman, "Spread of epidemic disease on networks", Phys.
       Rev. E 66 (2002) 016128.

    Examples
    --------
    >>> import networkx as nx
    >>> sir(nx.path_graph(4), [0], 1.0, 1.0, rng=0)
       run  step  susceptible  infected  recovered
    0    0     0            3         1          0
    1    0     1            2         1          1
    2    0     2            1         1          2
    3    0     3            0         1          3
    4    0     4            0         0          4
    """
    rng = as_generator(rng)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    max_steps = check_int("max_steps", max_steps, minimum=1)
    gamma = check_probability("gamma", gamma)
    arrays, G = _as_arrays(graph)
    seeds = _seed_positions(arrays, seed_nodes)
    probs = _arc_values("beta", beta, arrays, G)
    infected, recovered, lengths = _classic_kernels.sir_runs(
        arrays.indptr, arrays.indices, probs, gamma, seeds, n_runs, max_steps, rng
    )
    n_rows = int(lengths.max())
    # Pad each run with its final state up to the longest run.
    ends = np.cumsum(lengths)
    offset = np.arange(n_rows)[None, :]
    take = np.minimum(offset, lengths[:, None] - 1) + (ends - lengths)[:, None]
    inf = infected[take].ravel()
    rec = recovered[take].ravel()
    return pd.DataFrame(
        {
            "run": np.repeat(np.arange(n_runs, dtype=np.int64), n_rows),
            "step": np.tile(np.arange(n_rows, dtype=np.int64), n_runs),
            "susceptible": arrays.n_nodes - inf - rec,
            "infected": inf,
            "recovered": rec,
        }
    )


# ---------------------------------------------------------------------------
# Bass diffusion

_MAX_SUBSTEPS = 10_000_000


def bass_network(
    graph,
    p,
    q,
    *,
    dt: float = 0.05,
    t_max: float = 20.0,
    n_runs: int = 1,
    seed_nodes=None,
    rng=None,
) -> pd.DataFrame:
    """Bass diffusion of a product on a network, in small time sub-steps.

    In every sub-step of length ``dt``, each person who has not adopted yet
    adopts with probability ``1 - exp(-(p + q * a / k) * dt)``: ``p`` is the
    external (advertising) rate, ``q`` the word-of-mouth rate, ``a`` the number
    of the person's in-neighbours who had adopted at the start of the sub-step
    and ``k`` the person's in-degree (``a / k = 0`` if ``k = 0``). On a complete
    graph with small ``dt`` this follows the mean-field Bass curve
    (:func:`bass_mean_field`).

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or SocialGraph
        A person watches their in-neighbours; an undirected edge works both ways.
    p : float >= 0
        Coefficient of innovation (external influence), per unit time.
    q : float >= 0
        Coefficient of imitation (word of mouth), per unit time.
    dt : float > 0, default 0.05
        Sub-step length. Adoptions within a sub-step only take effect in the
        next one, which delays diffusion by roughly ``dt``: whole-period steps
        (``dt = 1``) visibly lag the continuous-time curve.
    t_max : float > 0, default 20
        Simulated time span; the last row's ``t`` is ``ceil(t_max / dt) * dt``.
    n_runs : int >= 1, default 1
    seed_nodes : node label or iterable of node labels, optional
        People who have adopted at ``t = 0`` (default: nobody).
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    pandas.DataFrame
        One row per run and sub-step, with columns ``run``, ``step`` (int64),
        ``t`` (time at the end of the sub-step), ``adopters`` (cumulative count),
        ``fraction`` (adopters / n_nodes), ``new_adopters`` (adoptions during
        the sub-step ending at ``t``) and ``adoption_rate`` (``new_adopters /
        (n_nodes * dt)``: the fraction adopting per unit time, to compare with
        ``dF/dt``). Step 0 is the state at ``t = 0``; its ``new_adopters`` and
        ``adoption_rate`` are 0.

    Raises
    ------
    ValueError
        If ``p``, ``q`` are negative, ``dt`` or ``t_max`` not positive, there
        would be more than 10 million sub-steps, ``n_runs`` < 1, a seed node is
        not in the graph or the graph is empty.
    TypeError
        If an argument has the wrong type.

    See Also
    --------
    bass_mean_field, bass_peak

    References
    ----------
    .. [1] F. M. Bass, "A new product growth for model consumer durables",
       Management Science 15(5) (1969) 215-227.

    Examples
    --------
    >>> import networkx as nx
    >>> df = bass_network(nx.complete_graph(200), 0.03, 0.38, t_max=30.0, rng=1)
    >>> list(df.columns)
    ['run', 'step', 't', 'adopters', 'fraction', 'new_adopters', 'adoption_rate']
    >>> float(df["fraction"].iloc[-1])
    1.0
    """
    rng = as_generator(rng)
    p = check_nonnegative("p", p)
    q = check_nonnegative("q", q)
    dt = check_positive("dt", dt)
    t_max = check_positive("t_max", t_max)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    n_steps = max(1, int(np.ceil(t_max / dt - 1e-9)))
    if n_steps > _MAX_SUBSTEPS:
        raise ValueError(
            f"`t_max / dt` must be at most {_MAX_SUBSTEPS} sub-steps; "
            f"got t_max={t_max!r}, dt={dt!r}."
        )
    arrays, _ = _as_arrays(graph)
    seeds = _seed_positions(arrays, seed_nodes)
    n = arrays.n_nodes
    in_degree = np.bincount(arrays.indices, minlength=n).astype(np.int64)
    adopters = np.zeros((n_runs, n_steps + 1), np.int64)
    _classic_kernels.bass_runs(
        arrays.indptr, arrays.indices, in_degree, p, q, dt, n_steps, seeds, n_runs, rng, adopters
    )
    new = np.zeros_like(adopters)
    new[:, 1:] = np.diff(adopters, axis=1)
    steps = np.arange(n_steps + 1, dtype=np.int64)
    flat = adopters.ravel()
    return pd.DataFrame(
        {
            "run": np.repeat(np.arange(n_runs, dtype=np.int64), n_steps + 1),
            "step": np.tile(steps, n_runs),
            "t": np.tile(steps * dt, n_runs),
            "adopters": flat,
            "fraction": flat / n,
            "new_adopters": new.ravel(),
            "adoption_rate": new.ravel() / (n * dt),
        }
    )


def bass_mean_field(p, q, t):
    """Cumulative adoption fraction of the mean-field Bass model.

    Solves ``dF/dt = (p + q F)(1 - F)`` with ``F(0) = 0``::

        F(t) = (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t))

    Parameters
    ----------
    p : float > 0
        Coefficient of innovation, per unit time.
    q : float >= 0
        Coefficient of imitation, per unit time.
    t : float >= 0 or array_like of float >= 0
        Times.

    Returns
    -------
    float or ndarray
        ``F(t)``, shaped like ``t``.

    Raises
    ------
    ValueError
        If ``p <= 0``, ``q < 0`` or a time is negative or not finite.

    See Also
    --------
    bass_peak, bass_network

    References
    ----------
    .. [1] F. M. Bass, "A new product growth for model consumer durables",
       Management Science 15(5) (1969) 215-227.

    Examples
    --------
    >>> round(bass_mean_field(0.03, 0.38, 6.1926), 4)
    0.4605
    >>> bass_mean_field(0.03, 0.38, [0.0, 50.0]).round(6).tolist()
    [0.0, 1.0]
    """
    p = check_positive("p", p)
    q = check_nonnegative("q", q)
    try:
        times = np.asarray(t, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"`t` must be a number or an array of numbers; got {t!r}.") from None
    bad = ~(np.isfinite(times) & (times >= 0))
    if bad.any():
        raise ValueError(f"`t` must be finite and >= 0; got {float(times[bad].flat[0])!r}.")
    decay = np.exp(-(p + q) * times)
    F = (1.0 - decay) / (1.0 + (q / p) * decay)
    return float(F) if F.ndim == 0 else F


def bass_peak(p, q) -> tuple[float, float]:
    """Time and cumulative adoption at the peak of the mean-field Bass adoption rate.

    Parameters
    ----------
    p : float > 0
        Coefficient of innovation, per unit time.
    q : float >= 0
        Coefficient of imitation, per unit time.

    Returns
    -------
    t_peak : float
        ``ln(q / p) / (p + q)``, or 0 when ``q <= p`` (the rate is then highest
        at launch).
    fraction_at_peak : float
        ``F(t_peak)``, which equals ``(q - p) / (2 q)`` when ``q > p``.

    Raises
    ------
    ValueError
        If ``p <= 0`` or ``q < 0``.

    See Also
    --------
    bass_mean_field

    Examples
    --------
    >>> t_peak, f_peak = bass_peak(0.03, 0.38)
    >>> round(t_peak, 2), round(f_peak, 4)
    (6.19, 0.4605)
    """
    p = check_positive("p", p)
    q = check_nonnegative("q", q)
    if q <= p:
        return 0.0, 0.0
    t_peak = float(np.log(q / p) / (p + q))
    return t_peak, bass_mean_field(p, q, t_peak)
