"""Independent cascade (IC), the reference model of the package.

The marketing engine (:mod:`smmsim.engine`) reduces to :func:`independent_cascade`
when every optional mechanism is off. Linear threshold, SIR and Bass are in
:mod:`.threshold`, :mod:`.sir` and :mod:`.bass`; input handling in :mod:`._inputs`;
work spaces and uniform streams in :mod:`._ic_state`.

IC comes three ways: :func:`independent_cascade` (sizes of a batch of runs on
a labelled graph), :func:`run_independent_cascade` (the batch on compact
arrays, with the last cascade's tree) and :class:`ICModel` (set up once from
a graph, seed nodes and ``p``; ``run()`` returns one cascade's size at little
more than the cost of the cascade). All three give the same cascades from the
same stream of random numbers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from .._rng import RngLike, as_generator
from .._validation import (
    check_int,
    check_probability,
    check_probability_array,
)
from ..graphs import GraphLike, NodeLabels, SocialGraph
from . import _ic_kernel
from ._ic_state import (
    _BLOCK,
    _CACHE,
    _MAX_BLOCK,
    _NO_HITS,
    _NO_UNIFORMS,
    _keep_unread,
    _Uniforms,
    _uniforms,
    _workspace,
)
from ._inputs import ArcValues, _as_arrays, _ic_probabilities, _prepare, _seed_order

__all__ = [
    "ICModel",
    "ICResult",
    "independent_cascade",
    "activation_frequency",
    "run_independent_cascade",
]


@dataclass(eq=False, slots=True)
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
    seed_positions: npt.ArrayLike,
    p: float | np.ndarray,
    *,
    n_runs: int = 1,
    count_hits: bool = False,
    parallel: bool = False,
    rng: RngLike = None,
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
    first: float | np.ndarray
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
    return ICResult(sizes, hits, tree[0], tree[1], tree[2], checks)


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
    return ICResult(sizes, hits, tree[0], tree[1], tree[2], int(checks.sum()))


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
        self.rng: Any = _UNBOUND  # no rng a caller passes, None included, `is` this
        self.held: _Uniforms = _Uniforms(-1)  # replaced by _bind before the first draw
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

    def __init__(self, graph: GraphLike, seed_nodes: NodeLabels, p: ArcValues):
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

    def __getstate__(self):
        # Per-thread state (work spaces, the last Generator) is not pickled.
        return self._graph, self._seeds, self._p

    def __setstate__(self, state) -> None:
        self._setup(*state)

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
    def p(self) -> float | np.ndarray:
        """The probability of every arc (float), or a copy of the per-arc array."""
        return self._p if isinstance(self._p, float) else self._p.copy()

    def run(self, *, rng: RngLike = None) -> int:
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

    def runs(self, n_runs: int, *, rng: RngLike = None) -> np.ndarray:
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
        return ICResult(np.array([size]), _NO_HITS, order, tree[1], tree[2], checks)

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


def independent_cascade(
    graph: GraphLike,
    seed_nodes: NodeLabels,
    p: ArcValues,
    *,
    n_runs: int = 1,
    parallel: bool = False,
    rng: RngLike = None,
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
    graph: GraphLike,
    seed_nodes: NodeLabels,
    p: ArcValues,
    *,
    n_runs: int,
    parallel: bool = False,
    rng: RngLike = None,
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
