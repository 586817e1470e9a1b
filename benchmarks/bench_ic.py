"""Time smmsim's independent cascade (IC) against cynetdiff, EoN and NDlib.

Every library runs on the same graphs, from the same seed nodes (chosen at
random with a fixed seed) and with the same edge probability ``p``:

- smmsim: on a :class:`~smmsim.graphs.SocialGraph` built once per graph.
  ``loop`` is ``ICModel.run(rng=g)`` per cascade, on a
  :class:`smmsim.classic.ICModel` built once from the graph, seeds and ``p``
  (as the peers' loops run their model objects); ``call`` is one
  :func:`smmsim.classic.run_independent_cascade` call per cascade (the plain
  function: validates its arguments and returns an ``ICResult`` each time);
  ``batch`` asks that function for many cascades in one call (``n_runs``).
  The kernels record each cascade's tree (parent, depth, order).
- cynetdiff: ``IndependentCascadeModel`` built by ``networkx_to_ic_model``.
  ``loop`` is ``reset_model()`` + ``advance_until_completion()`` per cascade;
  ``batch`` is ``compute_marginal_gains(seeds, [], n)`` (n cascades in C++).
- EoN: ``EoN.basic_discrete_SIR(G, p, initial_infecteds=...)``, the discrete
  SIR in which each infected node gets one chance, with probability p, to
  infect each susceptible neighbour: exactly IC.
- NDlib: ``ndlib.models.epidemics.IndependentCascadesModel`` with an edge
  ``threshold`` of p on every edge, iterated until no node is infected.

Setup (graph conversion, model construction) and the first call (numba JIT
compile or cache load) are reported apart from the per-cascade time. The
libraries take turns in ``--rounds`` rounds, so a burst of load from other
processes falls on all of them alike.

Run ``python benchmarks/bench_ic.py --help``; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from _common import (
    PeakRSS,
    machine_summary,
    markdown_table,
    release_memory,
    timed_loop,
    write_rows,
)

from smmsim.classic import ICModel, run_independent_cascade
from smmsim.graphs import SocialGraph, from_networkx
from smmsim.realdata import load_snap_edgelist, shared_data_dir

LIBRARIES = ("smmsim", "cynetdiff", "eon", "ndlib")
GRAPH_NAMES = ("ba", "hk", "facebook")

COLUMNS = [
    ("graph", "graph", "s"),
    ("p", "p", "g"),
    ("library", "library", "s"),
    ("mode", "mode", "s"),
    ("n_cascades", "cascades", ",d"),
    ("setup_s", "setup s", ".2f"),
    ("first_call_s", "first call s", ".3f"),
    ("mean_ms", "ms / cascade", ".4g"),
    ("cascades_per_s", "cascades / s", ",.0f"),
    ("edge_checks_per_s", "edge checks / s", ".3g"),
    ("edge_checks_source", "checks from", "s"),
    ("mean_size", "mean size", ",.1f"),
    ("se_size", "se", ".1f"),
    ("size_z", "z vs smmsim", "+.1f"),
    ("peak_rss_mib", "peak RSS MiB", ".1f"),
    ("ratio_to_smmsim", "time / smmsim", ".2f"),
    ("status", "status", "s"),
]


@dataclass
class Settings:
    """Run limits for one benchmark session."""

    seed: int
    n_seeds: int
    budget_s: float
    n_rounds: int
    limits: dict = field(default_factory=dict)

    def round_limits(self, library: str) -> tuple[int, int, float]:
        """(min_runs, max_runs, budget_s) of one round of ``library``'s loop."""
        lo, hi, budget = self.limits[library]
        k = self.n_rounds
        return max(1, -(-lo // k)), max(1, hi // k), budget / k


@dataclass
class GraphCase:
    """One benchmark graph in every representation the libraries need."""

    name: str
    G: nx.Graph
    arrays: SocialGraph
    seed_labels: list
    seed_positions: np.ndarray
    build_s: float
    convert_s: float

    def checks_of(self, labels) -> int:
        """Arcs examined by IC when ``labels`` end active: the sum of their out-degrees."""
        pos = self.arrays.index_of(list(labels), field_name="active")
        return int(self.arrays.out_degree[pos].sum())


# ---------------------------------------------------------------------------
# Graphs


def make_graph(name: str, n_nodes: int, seed: int) -> nx.Graph:
    """Build benchmark graph ``name`` (networkx draws from its own seeded RNG)."""
    if name == "ba":
        return nx.barabasi_albert_graph(n_nodes, 5, seed=seed)
    if name == "hk":
        return nx.powerlaw_cluster_graph(n_nodes, 5, 0.1, seed=seed)
    if name == "facebook":
        return load_snap_edgelist(shared_data_dir() / "ego-facebook" / "facebook_combined.txt")
    raise ValueError(f"`graph` must be one of {GRAPH_NAMES}; got {name!r}.")


def prepare_case(name: str, n_nodes: int, settings: Settings) -> GraphCase:
    """Build graph ``name``, convert it for smmsim and draw the shared seed nodes."""
    graph_seed, node_seed = np.random.SeedSequence(settings.seed).generate_state(2)
    t0 = time.perf_counter()
    G = make_graph(name, n_nodes, int(graph_seed))
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    arrays = from_networkx(G, attributes=False)  # the structure: what IC reads
    convert_s = time.perf_counter() - t0
    nodes = list(G)
    pick = np.random.default_rng(node_seed).choice(len(nodes), settings.n_seeds, replace=False)
    labels = [nodes[i] for i in sorted(pick.tolist())]
    return GraphCase(
        name=name,
        G=G,
        arrays=arrays,
        seed_labels=labels,
        seed_positions=arrays.index_of(labels),
        build_s=build_s,
        convert_s=convert_s,
    )


# ---------------------------------------------------------------------------
# Bookkeeping


class RunningStats:
    """Count, mean and standard deviation of cascade sizes, kept without storing them."""

    def __init__(self):
        self.n, self.total, self.total_sq = 0, 0.0, 0.0

    def add(self, sizes) -> None:
        sizes = np.asarray(sizes, dtype=np.float64)
        self.n += sizes.size
        self.total += float(sizes.sum())
        self.total_sq += float(np.square(sizes).sum())

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else math.nan

    @property
    def sd(self) -> float:
        if self.n < 2:
            return math.nan
        var = (self.total_sq - self.n * self.mean**2) / (self.n - 1)
        return math.sqrt(max(var, 0.0))


@dataclass
class Tally:
    """What one library/mode accumulated over the timed rounds."""

    seconds: float = 0.0
    calls: int = 0
    sizes: RunningStats = field(default_factory=RunningStats)
    n_cascades: int = 0
    checks: float = 0.0
    peak_rss_mib: float = math.nan


def batch_size_for(seconds_per_cascade: float) -> int:
    """Cascades per batch call so that one call takes about 50 ms."""
    return int(np.clip(0.05 / max(seconds_per_cascade, 1e-9), 200, 200_000))


# ---------------------------------------------------------------------------
# Libraries


class Bench:
    """One library on one graph at one ``p``: set up once, then timed in rounds.

    Subclasses set ``library`` and ``modes``, build the model in ``setup`` and
    return, from ``step(mode)``, a function running one timed call (one cascade,
    or one batch) and a function doing the untimed bookkeeping after it.
    """

    library = ""
    modes = ("loop",)
    checks_source = {"loop": "active sets"}

    def __init__(self, case: GraphCase, p: float, rng: np.random.Generator):
        self.case, self.p, self.rng = case, p, rng
        self.tally = {mode: Tally() for mode in self.modes}
        with PeakRSS() as mem:
            t0 = time.perf_counter()
            self.setup()
            self.setup_s = time.perf_counter() - t0
        self.setup_rss_mib = mem.delta
        t0 = time.perf_counter()
        self.warm_up()
        self.first_call_s = time.perf_counter() - t0

    def setup(self) -> None:
        """Build the library's own representation of the graph."""

    def warm_up(self) -> None:
        """Run one untimed cascade (compiles or loads compiled code)."""
        once, _ = self.step("loop")
        once()

    def step(self, mode: str):
        raise NotImplementedError

    def run(self, mode: str, *, min_runs: int, max_runs: int, budget_s: float) -> None:
        """Time calls of ``mode`` and add them to its tally."""
        tally = self.tally[mode]
        once, after = self.step(mode)
        with PeakRSS() as mem:
            times = timed_loop(
                once,
                min_runs=min_runs,
                max_runs=max_runs,
                budget_s=budget_s,
                after=lambda out: after(out, tally),
            )
        tally.seconds += float(np.sum(times))
        tally.calls += len(times)
        tally.peak_rss_mib = np.nanmax([tally.peak_rss_mib, mem.delta, self.setup_rss_mib])

    def rows(self) -> list[dict]:
        out = []
        for mode in self.modes:
            t = self.tally[mode]
            se = t.sizes.sd / math.sqrt(t.n_cascades) if t.n_cascades > 1 else math.nan
            out.append(
                {
                    "graph": self.case.name,
                    "n_nodes": self.case.arrays.n_nodes,
                    "n_arcs": self.case.arrays.n_arcs,
                    "p": self.p,
                    "library": self.library,
                    "mode": mode,
                    "n_cascades": t.n_cascades,
                    "n_calls": t.calls,
                    "setup_s": self.setup_s,
                    "first_call_s": self.first_call_s,
                    "total_s": t.seconds,
                    "mean_ms": 1e3 * t.seconds / t.n_cascades,
                    "cascades_per_s": t.n_cascades / t.seconds,
                    "edge_checks_per_s": t.checks / t.seconds,
                    "edge_checks_per_cascade": t.checks / t.n_cascades,
                    "edge_checks_source": self.checks_source[mode],
                    "mean_size": t.sizes.mean,
                    "sd_size": t.sizes.sd,
                    "se_size": se,
                    "size_z": math.nan,
                    "peak_rss_mib": t.peak_rss_mib,
                    "ratio_to_smmsim": math.nan,
                    "status": "ok",
                }
            )
        return out


class SmmsimBench(Bench):
    library = "smmsim"
    modes = ("loop", "call", "batch")
    checks_source = {"loop": "kernel count", "call": "kernel count", "batch": "kernel count"}

    def setup(self):
        # The SocialGraph is built once per graph (GraphCase); its conversion
        # time plus the model's construction is reported as this library's setup.
        self.model = ICModel(self.case.arrays, self.case.seed_labels, self.p)
        self.batch = None

    def step(self, mode):
        g, seeds, p, rng = self.case.arrays, self.case.seed_positions, self.p, self.rng
        if mode == "loop":
            model = self.model
            run = model.run

            def once_model():
                return run(rng=rng)

            def after_model(size, tally):
                tally.sizes.add([size])
                tally.n_cascades += 1
                checks = model.edge_checks  # this thread's running total
                tally.checks += checks - self.checks_seen
                self.checks_seen = checks

            self.checks_seen = model.edge_checks
            return once_model, after_model
        if mode == "call":

            def once():
                return run_independent_cascade(g, seeds, p, rng=rng)

        else:
            if self.batch is None:
                t0 = time.perf_counter()
                run_independent_cascade(g, seeds, p, n_runs=200, rng=rng)
                self.batch = batch_size_for((time.perf_counter() - t0) / 200)
            batch = self.batch

            def once():
                return run_independent_cascade(g, seeds, p, n_runs=batch, rng=rng)

        def after(res, tally):
            tally.sizes.add(res.sizes)
            tally.n_cascades += len(res.sizes)
            tally.checks += res.edge_checks

        return once, after

    def rows(self):
        rows = super().rows()
        for r in rows:
            r["setup_s"] = self.case.convert_s + (self.setup_s if r["mode"] == "loop" else 0.0)
        return rows


class CynetdiffBench(Bench):
    library = "cynetdiff"
    modes = ("loop", "batch")
    checks_source = {"loop": "active sets", "batch": "loop estimate"}

    def setup(self):
        from cynetdiff.utils import networkx_to_ic_model

        self.model, mapping = networkx_to_ic_model(
            self.case.G, activation_prob=self.p, rng=self.rng
        )
        self.seeds = [int(mapping[label]) for label in self.case.seed_labels]
        starts = np.asarray(self.model.starts, dtype=np.int64)
        self.degree = np.diff(np.append(starts, len(self.model.edges)))
        self.model.set_seeds(self.seeds)
        self.batch = None

    def step(self, mode):
        model, seeds, degree = self.model, self.seeds, self.degree
        if mode == "loop":

            def once():
                model.reset_model()
                model.advance_until_completion()

            def after(_, tally):
                active = np.fromiter(model.get_activated_nodes(), dtype=np.int64)
                tally.sizes.add([len(active)])
                tally.n_cascades += 1
                tally.checks += int(degree[active].sum())

            return once, after

        if self.batch is None:
            t0 = time.perf_counter()
            model.compute_marginal_gains(seeds, [], 200)
            self.batch = batch_size_for((time.perf_counter() - t0) / 200)
        batch = self.batch

        def once_batch():
            return model.compute_marginal_gains(seeds, [], batch)[0]

        def after_batch(mean, tally):
            # Only the batch mean is returned: count it as `batch` cascades of
            # that size (the spread comes from the loop tally in rows()).
            tally.sizes.n += batch
            tally.sizes.total += mean * batch
            tally.n_cascades += batch

        return once_batch, after_batch

    def rows(self):
        rows = super().rows()
        loop, batch = self.tally["loop"], self.tally["batch"]
        per_cascade = loop.checks / max(loop.n_cascades, 1)
        for r in rows:
            if r["mode"] == "batch":
                r["sd_size"] = loop.sizes.sd
                r["se_size"] = loop.sizes.sd / math.sqrt(batch.n_cascades)
                r["edge_checks_per_cascade"] = per_cascade
                r["edge_checks_per_s"] = per_cascade * batch.n_cascades / batch.seconds
        return rows


class EonBench(Bench):
    library = "eon"

    def setup(self):
        import EoN

        self.EoN = EoN
        self.seeds = list(self.case.seed_labels)
        self.root = np.random.SeedSequence(int(self.rng.integers(2**63)))
        self._next_stream()

    def _next_stream(self):
        self.child = self.root.spawn(1)[0]
        self.gen = np.random.default_rng(self.child)

    def step(self, mode):
        EoN, G, seeds, p = self.EoN, self.case.G, self.seeds, self.p

        def once():
            _, _, _, R = EoN.basic_discrete_SIR(G, p, initial_infecteds=seeds, rng=self.gen)
            return int(R[-1])

        def after(size, tally):
            # Replay the run (same random stream, same call order) with a
            # transmission test that records who got infected, to count the
            # arcs it examined.
            infected = list(seeds)

            def test(u, v, prob, gen):
                hit = gen.random() < prob
                if hit:
                    infected.append(v)
                return hit

            replay = np.random.default_rng(self.child)
            EoN.discrete_SIR(G, test, (p, replay), initial_infecteds=seeds, rng=replay)
            if len(infected) != size:
                raise RuntimeError(f"EoN replay reached {len(infected)} nodes, the run {size}.")
            tally.sizes.add([size])
            tally.n_cascades += 1
            tally.checks += self.case.checks_of(infected)
            self._next_stream()

        return once, after

    def warm_up(self):
        once, _ = self.step("loop")
        once()
        self._next_stream()


class NdlibBench(Bench):
    library = "ndlib"

    def setup(self):
        import ndlib.models.epidemics as ep
        import ndlib.models.ModelConfig as mc

        G = self.case.G
        self.seeds = list(self.case.seed_labels)
        # NDlib draws from numpy's global RandomState, which its constructor seeds.
        self.model = ep.IndependentCascadesModel(G, seed=int(self.rng.integers(2**31)))
        config = mc.Configuration()
        config.add_model_initial_configuration("Infected", self.seeds)
        for edge in G.edges():
            config.add_edge_configuration("threshold", edge, self.p)
        self.model.set_initial_status(config)

    def step(self, mode):
        model, seeds = self.model, self.seeds

        def once():
            model.reset(infected_nodes=seeds)
            state = model.iteration(node_status=False)
            while state["node_count"][1] > 0:
                state = model.iteration(node_status=False)
            return state["node_count"][2]

        def after(size, tally):
            active = [v for v, s in model.status.items() if s != 0]
            if len(active) != size:
                raise RuntimeError(f"NDlib status holds {len(active)} active nodes, counts {size}.")
            tally.sizes.add([size])
            tally.n_cascades += 1
            tally.checks += self.case.checks_of(active)

        return once, after


BENCHES = {"smmsim": SmmsimBench, "cynetdiff": CynetdiffBench, "eon": EonBench, "ndlib": NdlibBench}


def library_status(library: str) -> str:
    """'ok' if ``library`` imports, else why not."""
    module = {
        "smmsim": "smmsim",
        "cynetdiff": "cynetdiff",
        "eon": "EoN",
        "ndlib": "ndlib.models.epidemics",
    }[library]
    try:
        __import__(module)
    except ImportError as exc:
        return f"not installed ({exc.name})"
    return "ok"


def status_row(case: GraphCase, p: float, library: str, status: str) -> dict:
    """A row for a library that could not run."""
    return {
        "graph": case.name,
        "n_nodes": case.arrays.n_nodes,
        "n_arcs": case.arrays.n_arcs,
        "p": p,
        "library": library,
        "mode": "",
        "status": status,
    }


def compare(rows: list[dict]) -> None:
    """Fill ``ratio_to_smmsim`` and ``size_z`` in place.

    The ratio is against smmsim in the same mode (loop or batch). ``size_z`` tests
    whether a library's mean cascade size agrees with smmsim's batch mean: under
    the hypothesis that both sample the same size distribution, the library's
    mean has standard error ``sd_smmsim / sqrt(n_library)``. (Using the
    library's own spread fails for a handful of runs of a bimodal size
    distribution, where a few runs may all die out and show no spread at all.)
    """
    ok = [r for r in rows if r.get("status") == "ok"]
    ref = {(r["graph"], r["p"], r["mode"]): r for r in ok if r["library"] == "smmsim"}
    for r in ok:
        same = ref.get((r["graph"], r["p"], r["mode"]))
        if same is not None:
            r["ratio_to_smmsim"] = r["mean_ms"] / same["mean_ms"]
        base = ref.get((r["graph"], r["p"], "batch")) or ref.get((r["graph"], r["p"], "loop"))
        if base is not None and base is not r:
            se = math.hypot(base["sd_size"] / math.sqrt(r["n_cascades"]), base["se_size"])
            if se > 0:
                r["size_z"] = (r["mean_size"] - base["mean_size"]) / se


def bench_case(case: GraphCase, p: float, libs, settings: Settings, streams) -> list[dict]:
    """Set up every library on ``case`` at ``p``, time them in rounds, return rows."""
    benches, rows = [], []
    for lib in libs:
        status = library_status(lib)
        if status != "ok":
            rows.append(status_row(case, p, lib, status))
            print(f"   p={p:g} {lib:9s} {status}", flush=True)
            continue
        try:
            benches.append(BENCHES[lib](case, p, np.random.default_rng(streams[lib].spawn(1)[0])))
        except Exception as exc:  # a peer failing must not stop the others
            rows.append(status_row(case, p, lib, f"error: {type(exc).__name__}: {exc}"))
    for _ in range(settings.n_rounds):
        for bench in list(benches):
            lo, hi, budget = settings.round_limits(bench.library)
            try:
                for mode in bench.modes:
                    if mode == "batch":
                        bench.run(mode, min_runs=2, max_runs=10_000, budget_s=budget)
                    else:
                        bench.run(mode, min_runs=lo, max_runs=hi, budget_s=budget)
            except Exception as exc:
                benches.remove(bench)
                rows.append(status_row(case, p, bench.library, f"error: {exc!r}"))
            release_memory()
    for bench in benches:
        for r in bench.rows():
            print(
                f"   p={p:g} {r['library']:9s} {r['mode']:5s} {r['mean_ms']:10.4g} ms "
                f"x{r['n_cascades']:<9,d} mean size {r['mean_size']:9.1f}",
                flush=True,
            )
            rows.append(r)
    order = {lib: i for i, lib in enumerate(LIBRARIES)}
    rows.sort(key=lambda r: (order[r["library"]], r.get("mode", "") == "batch"))
    return rows


def call_breakdown(case: GraphCase, p: float, *, n_calls: int = 3000) -> dict[str, float]:
    """Split the cost of one smmsim cascade in loop mode, in microseconds.

    For ``ICModel.run`` (loop mode): the public call with a Generator; its
    compiled kernel alone on a ready work space; the numba dispatch of the
    kernel's seven arguments (an empty kernel taking the same ones); and the
    rest (the Python method call, this thread's state, the Generator check),
    by difference.

    For one ``run_independent_cascade`` call per cascade (call mode): the
    public call; its kernel alone; the dispatch of the kernel's ten arguments;
    and the wrapper's parts: finding this thread's work space for the graph
    and the Generator's kept uniforms, drawing a new block of 256 uniforms
    (one call in ~100 needs one at p = 0.01) and building the result (sizes, a
    copy of the last run's tree, the ``ICResult``).
    """
    from numba import njit

    from smmsim.classic import _ic_kernel
    from smmsim.classic import ic as classic

    g, seeds = case.arrays, case.seed_positions
    rng = np.random.default_rng(0)

    model = ICModel(g, case.seed_labels, p)
    model.run(rng=rng)
    space = model._threads.space
    model_kernel = model._kernel
    mu = rng.random(1 << 20)
    cursor = np.zeros(1, np.int64)

    def model_kernel_alone():
        # Reads the block on, a new cascade each call; at its end the paused
        # cascade is dropped and the block read again from the start.
        if model_kernel(g.indptr, g.indices, p, mu, cursor, space.work, space.state) < 0:
            space.state[_ic_kernel.PAUSED] = 0
            cursor[0] = 0

    @njit
    def takes_the_model_arguments(a, b, c, d, e, f, g_):
        return 0

    run_independent_cascade(g, seeds, p, rng=rng)
    ws = classic._workspace(g)
    u = rng.random(1 << 17)  # from any start below 2**15, more than one cascade here reads
    sizes = np.empty(1, np.int64)
    hits = np.zeros(0, np.int64)
    kernel = _ic_kernel.ic_uniform
    args = (g.indptr, g.indices, p, seeds, u, ws.work, ws.state, sizes, hits, 0)

    @njit
    def takes_the_same_arguments(a, b, c, d, e, f, g_, h, i, j):
        return 0

    kernel(*args)
    size = int(sizes[0])
    # A different stretch of the uniforms each call: a different cascade.
    starts = itertools.cycle(range(0, 1 << 15, 97))

    def kernel_alone():
        start = next(starts)
        return kernel(g.indptr, g.indices, p, seeds, u, ws.work, ws.state, sizes, hits, start)

    def result():
        tree = ws.work[1:4, :size].copy()
        return classic._new_result(np.empty(1, np.int64), hits, tree[0], tree[1], tree[2], 0)

    parts = [
        ("loop: ICModel.run (Generator)", lambda: model.run(rng=rng)),
        ("  its kernel on a ready work space", model_kernel_alone),
        (
            "    of which: numba dispatch of its 7 arguments",
            lambda: takes_the_model_arguments(
                g.indptr, g.indices, p, mu, cursor, space.work, space.state
            ),
        ),
        (
            "call: run_independent_cascade (Generator)",
            lambda: run_independent_cascade(g, seeds, p, rng=rng),
        ),
        ("  its kernel on a ready work space ", kernel_alone),
        (
            "    of which: numba dispatch of its 10 arguments",
            lambda: takes_the_same_arguments(
                g.indptr, g.indices, p, seeds, u, ws.work, ws.state, sizes, hits, 0
            ),
        ),
        ("  wrapper: work space lookup (graph, thread)", lambda: classic._workspace(g)),
        ("  wrapper: kept uniforms lookup (bit generator, thread)", lambda: classic._uniforms(rng)),
        ("  wrapper: new block of 256 uniforms (rng.random)", lambda: rng.random(256)),
        ("  wrapper: result (sizes, tree copy, ICResult)", result),
    ]
    out = {}
    for name, fn in parts:
        fn()
        t0 = time.perf_counter()
        for _ in range(n_calls):
            fn()
        out[name] = 1e6 * (time.perf_counter() - t0) / n_calls
        if name.startswith("    of which: numba dispatch of its 7"):
            # By difference: the public call minus its kernel.
            out["  the rest: method call, thread state, rng check"] = (
                out["loop: ICModel.run (Generator)"] - out["  its kernel on a ready work space"]
            )
    return out


# ---------------------------------------------------------------------------
# Command line


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fast subset: BA and ego-Facebook, n=20,000, short budgets",
    )
    parser.add_argument(
        "--libs",
        default=",".join(LIBRARIES),
        help=f"comma-separated subset of {','.join(LIBRARIES)}",
    )
    parser.add_argument(
        "--graphs", default=None, help=f"comma-separated subset of {','.join(GRAPH_NAMES)}"
    )
    parser.add_argument("--p", default="0.01,0.05", help="comma-separated edge probabilities")
    parser.add_argument(
        "--n-nodes",
        type=int,
        default=None,
        help="nodes in the synthetic graphs (default 100,000; quick 20,000)",
    )
    parser.add_argument("--n-seeds", type=int, default=10, help="seed nodes per cascade")
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds of timed cascades per library and mode (default 3, quick 0.5); "
        "EoN and NDlib get 3x this",
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="interleaved timing rounds (default 3, quick 1)"
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also split the cost of one smmsim call (wrapper, dispatch, result, kernel)",
    )
    parser.add_argument("--seed", type=int, default=20240501, help="RNG seed")
    parser.add_argument("--out", default=None, help="also write the table to a .csv or .md file")
    args = parser.parse_args(argv)
    args.lib_list = [x.strip().lower() for x in args.libs.split(",") if x.strip()]
    bad = sorted(set(args.lib_list) - set(LIBRARIES))
    if bad:
        parser.error(f"--libs must name libraries in {LIBRARIES}; got {bad}.")
    graphs = args.graphs or ("ba,facebook" if args.quick else ",".join(GRAPH_NAMES))
    args.graph_list = [x.strip().lower() for x in graphs.split(",") if x.strip()]
    bad = sorted(set(args.graph_list) - set(GRAPH_NAMES))
    if bad:
        parser.error(f"--graphs must name graphs in {GRAPH_NAMES}; got {bad}.")
    args.p_list = [float(x) for x in args.p.split(",")]
    if any(not 0.0 < p < 1.0 for p in args.p_list):
        parser.error(f"--p values must be in (0, 1); got {args.p_list}.")
    if args.n_nodes is None:
        args.n_nodes = 20_000 if args.quick else 100_000
    if args.budget is None:
        args.budget = 0.5 if args.quick else 3.0
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    return args


def main(argv=None) -> list[dict]:
    args = parse_args(argv)
    # The pure-Python peers get a longer budget (they are 100-1000x slower) and
    # a cap on runs, so a full session stays within minutes.
    slow = 3 * args.budget
    limits = {
        "smmsim": (20, 100_000, args.budget),
        "cynetdiff": (20, 100_000, args.budget),
        "eon": (3, 10, slow) if args.quick else (6, 200, slow),
        "ndlib": (2, 3, slow) if args.quick else (6, 12, slow),
    }
    settings = Settings(
        seed=args.seed,
        n_seeds=args.n_seeds,
        budget_s=args.budget,
        n_rounds=args.rounds,
        limits=limits,
    )
    stamp = time.strftime("%Y-%m-%d %H:%M")
    command = " ".join(["python", *sys.argv])
    print(f"# bench_ic  {stamp}  {machine_summary()}")
    print(f"# command: {command}")
    print(f"# load average at start: {os.getloadavg()[0]:.2f}")
    streams = dict(
        zip(LIBRARIES, np.random.SeedSequence(args.seed).spawn(len(LIBRARIES)), strict=True)
    )
    rows = []
    for name in args.graph_list:
        case = prepare_case(name, args.n_nodes, settings)
        g = case.arrays
        print(
            f"\n## {name}: {g.n_nodes:,} nodes, {g.n_arcs // 2:,} edges ({g.n_arcs:,} arcs), "
            f"mean degree {g.n_arcs / g.n_nodes:.1f}; built in {case.build_s:.1f} s, "
            f"SocialGraph conversion {case.convert_s:.2f} s"
        )
        print(f"   seed nodes: {case.seed_labels}")
        for p in args.p_list:
            rows.extend(bench_case(case, p, args.lib_list, settings, streams))
        if args.breakdown:
            for p in args.p_list:
                print(f"   cost of one smmsim call, {name}, p={p:g} (microseconds):")
                for part, us in call_breakdown(case, p).items():
                    print(f"     {part:50s} {us:9.2f}")
        del case
        release_memory()
    compare(rows)
    print(f"\n# load average at end: {os.getloadavg()[0]:.2f}\n")
    print(markdown_table(rows, COLUMNS))
    for r in rows:
        if abs(r.get("size_z", 0.0) or 0.0) > 4:
            print(
                f"WARNING: {r['library']} {r['mode']} on {r['graph']} p={r['p']:g}: mean size "
                f"{r['mean_size']:.1f} is {r['size_z']:+.1f} standard errors from smmsim's."
            )
    calls = {
        (r["graph"], r["p"]): r
        for r in rows
        if r.get("library") == "smmsim" and r.get("mode") == "call" and r.get("status") == "ok"
    }
    for r in rows:
        if r.get("library") == "cynetdiff" and r.get("status") == "ok":
            target = 0.5 if r["p"] >= 0.05 else 1.0
            share = 1.0 / r["ratio_to_smmsim"]
            verdict = "meets" if share <= target else "MISSES"
            print(
                f"target {r['graph']} p={r['p']:g} {r['mode']}: smmsim takes {share:.2f}x "
                f"cynetdiff's time (target <= {target:g}x): {verdict}"
            )
            call = calls.get((r["graph"], r["p"]))
            if r["mode"] == "loop" and call is not None:
                print(
                    f"  (one run_independent_cascade call per cascade instead: "
                    f"{call['mean_ms'] / r['mean_ms']:.2f}x cynetdiff's loop time)"
                )
    if args.out:
        preamble = f"bench_ic, {stamp}, {machine_summary()}\n\nCommand: `{command}`"
        write_rows(args.out, rows, COLUMNS, preamble)
        print(f"wrote {args.out}")
    return rows


if __name__ == "__main__":
    main()
