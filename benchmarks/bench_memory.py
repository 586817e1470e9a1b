"""Peak memory of building a 1M-node, 10M-edge SocialGraph and running IC on it.

The graph is made without networkx: numpy edge arrays (a Chung-Lu graph with a
power-law expected-degree sequence, or a uniform random graph) go straight to
:func:`smmsim.graphs.from_edges`. Then independent cascades run on it at a
supercritical ``p``. The headline figure is the process's peak resident set
size, ``resource.getrusage(RUSAGE_SELF).ru_maxrss``; the target is < 2 GiB.

Each stage prints the RSS after it and the lifetime peak so far, so the stage
that set the peak is visible. With ``--profile-lines`` a second, separate pass
(after the headline figures are taken) traces numpy's allocations with
``tracemalloc`` line by line through ``from_edges`` to show which lines hold
the memory.

Run ``python benchmarks/bench_memory.py --help``; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import tracemalloc

import numpy as np
from _common import machine_summary, maxrss_mib, release_memory, rss_mib, write_rows

from smmsim.classic import run_independent_cascade
from smmsim.graphs import from_edges

GIB = 1024.0

COLUMNS = [
    ("stage", "stage", "s"),
    ("seconds", "seconds", ".2f"),
    ("rss_after_mib", "RSS after MiB", ",.0f"),
    ("maxrss_mib", "peak RSS so far MiB", ",.0f"),
    ("note", "note", "s"),
]


def chung_lu_edges(n_nodes, n_edges, exponent, *, rng, chunk=2_000_000):
    """``n_edges`` distinct undirected edges of a Chung-Lu graph, as int32 arrays.

    Each endpoint is node ``i`` with probability proportional to the weight
    ``w_i = (i + i0) ** (-1 / (exponent - 1))``, so expected degrees follow a
    power law with tail exponent ``exponent``. Endpoints are drawn by inverting
    the continuous cumulative weight (O(1) per draw). Self-loops and repeated
    pairs are dropped and topped up until ``n_edges`` remain.
    """
    i0 = 10.0
    b = 1.0 - 1.0 / (exponent - 1.0)  # exponent of the cumulative weight
    lo, hi = i0**b, (n_nodes + i0) ** b

    def endpoints(size):
        x = (lo + rng.random(size) * (hi - lo)) ** (1.0 / b) - i0
        return np.minimum(x.astype(np.int64), n_nodes - 1)

    def draw(k):
        parts = []
        for start in range(0, k, chunk):
            size = min(chunk, k - start)
            parts.append(pair_keys(endpoints(size), endpoints(size), n_nodes))
        return np.concatenate(parts)

    return distinct_edges(draw, n_nodes, n_edges, rng=rng)


def uniform_edges(n_nodes, n_edges, *, rng):
    """``n_edges`` distinct undirected edges chosen uniformly at random (Erdos-Renyi G(n, m))."""

    def draw(k):
        return pair_keys(rng.integers(n_nodes, size=k), rng.integers(n_nodes, size=k), n_nodes)

    return distinct_edges(draw, n_nodes, n_edges, rng=rng)


def pair_keys(a, b, n_nodes):
    """Key ``lo * n + hi`` per pair, dropping self-loops."""
    keep = a != b
    a, b = a[keep], b[keep]
    return np.minimum(a, b) * n_nodes + np.maximum(a, b)


def sorted_unique(keys):
    """``np.unique(keys)`` by sort and compare (NumPy 2.4's np.unique is ~100x slower here)."""
    keys = np.sort(keys)
    keep = np.empty(len(keys), dtype=bool)
    keep[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def distinct_edges(draw, n_nodes, n_edges, *, rng):
    """Distinct edge keys from ``draw(k)`` until there are exactly ``n_edges``, as int32 pairs."""
    keys = sorted_unique(draw(n_edges))
    while len(keys) < n_edges:
        extra = draw(int((n_edges - len(keys)) * 1.2) + 1000)
        keys = sorted_unique(np.concatenate([keys, extra]))
    if len(keys) > n_edges:
        # Keep a random subset of exactly n_edges (sorted keys: do not truncate).
        keep = np.sort(rng.permutation(len(keys))[:n_edges])
        keys = keys[keep]
    src = (keys // n_nodes).astype(np.int32)
    dst = (keys % n_nodes).astype(np.int32)
    return src, dst


def line_memory_profile(func, *args, **kwargs):
    """Run ``func`` tracing numpy/Python allocations per line of ``func`` itself.

    Returns ``(result, rows)``; each row holds a source line of ``func``, the
    traced memory still held after it and the peak reached while it ran
    (callees included), both relative to the start, in MiB.
    """
    import linecache

    code = func.__code__
    rows = []
    state = {"line": None}
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]

    def close_line():
        if state["line"] is not None:
            current, peak = tracemalloc.get_traced_memory()
            rows.append((state["line"], (current - base) / 2**20, (peak - base) / 2**20))

    def local_trace(frame, event, arg):
        if event in ("line", "return"):
            close_line()
            tracemalloc.reset_peak()
            state["line"] = frame.f_lineno if event == "line" else None
        return local_trace

    def global_trace(frame, event, arg):
        if frame.f_code is code:
            return local_trace
        return None

    sys.settrace(global_trace)
    try:
        result = func(*args, **kwargs)
    finally:
        sys.settrace(None)
        tracemalloc.stop()
    merged = {}
    for line, held, peak in rows:
        old = merged.get(line)
        merged[line] = (held, peak if old is None else max(peak, old[1]))
    out = [
        {
            "line": line,
            "held_mib": held,
            "peak_mib": peak,
            "source": linecache.getline(code.co_filename, line).strip(),
        }
        for line, (held, peak) in sorted(merged.items())
    ]
    return result, out


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-nodes", type=int, default=1_000_000)
    parser.add_argument("--n-edges", type=int, default=10_000_000, help="undirected edges")
    parser.add_argument("--graph", choices=("chung-lu", "uniform"), default="chung-lu")
    parser.add_argument(
        "--exponent", type=float, default=2.5, help="Chung-Lu degree tail exponent (> 2)"
    )
    parser.add_argument("--p", type=float, default=0.05, help="IC edge probability")
    parser.add_argument("--n-seeds", type=int, default=10)
    parser.add_argument("--n-cascades", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20240501, help="RNG seed")
    parser.add_argument(
        "--profile-lines",
        action="store_true",
        help="afterwards, trace from_edges line by line with tracemalloc",
    )
    parser.add_argument("--out", default=None, help="also write the stages to a .csv or .md file")
    return parser.parse_args(argv)


def main(argv=None) -> list[dict]:
    args = parse_args(argv)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    command = " ".join(["python", *sys.argv])
    print(f"# bench_memory  {stamp}  {machine_summary()}")
    print(f"# command: {command}")
    edge_seq, trust_seq, run_seq = np.random.SeedSequence(args.seed).spawn(3)
    rows = []

    def stage(name, seconds, note=""):
        row = {
            "stage": name,
            "seconds": seconds,
            "rss_after_mib": rss_mib(),
            "maxrss_mib": maxrss_mib(),
            "note": note,
        }
        rows.append(row)
        print(
            f"{name:34s} {seconds:7.2f} s   RSS {row['rss_after_mib']:8,.0f} MiB   "
            f"peak so far {row['maxrss_mib']:8,.0f} MiB   {note}",
            flush=True,
        )

    # Compile (or load) the IC kernel on a tiny graph so JIT memory is its own line.
    t0 = time.perf_counter()
    tiny = from_edges([0, 1], [1, 2], n_nodes=3, rng=0)
    run_independent_cascade(tiny, [0], 0.5, rng=0)
    stage("imports + JIT warm-up", time.perf_counter() - t0)

    t0 = time.perf_counter()
    rng = np.random.default_rng(edge_seq)
    if args.graph == "chung-lu":
        src, dst = chung_lu_edges(args.n_nodes, args.n_edges, args.exponent, rng=rng)
    else:
        src, dst = uniform_edges(args.n_nodes, args.n_edges, rng=rng)
    # Hand the generator's scratch memory back to the OS, so the next stage
    # starts from what the edge arrays themselves hold.
    release_memory()
    stage(
        f"edge arrays ({args.graph})",
        time.perf_counter() - t0,
        f"{len(src):,} edges, int32 src/dst = {(src.nbytes + dst.nbytes) / 2**20:.0f} MiB",
    )

    t0 = time.perf_counter()
    g = from_edges(src, dst, n_nodes=args.n_nodes, rng=trust_seq)
    stage(
        "from_edges -> SocialGraph",
        time.perf_counter() - t0,
        f"{g.n_arcs:,} arcs; SocialGraph arrays {g.nbytes() / 2**20:.0f} MiB",
    )

    deg = g.out_degree.astype(np.float64)
    p_c = deg.sum() / max((deg * (deg - 1)).sum(), 1.0)
    seeds = np.random.default_rng(run_seq).choice(g.n_nodes, args.n_seeds, replace=False)
    run_rng = np.random.default_rng(run_seq.spawn(1)[0])
    t0 = time.perf_counter()
    res = run_independent_cascade(g, seeds, args.p, n_runs=args.n_cascades, rng=run_rng)
    secs = time.perf_counter() - t0
    sizes = res.sizes
    stage(
        f"IC x{args.n_cascades} (one call, p={args.p:g})",
        secs,
        f"{1e3 * secs / args.n_cascades:.1f} ms/cascade, mean size {sizes.mean():,.0f} "
        f"(min {sizes.min():,}, max {sizes.max():,}), "
        f"{res.edge_checks / secs:.3g} edge checks/s; max degree {int(deg.max()):,}, "
        f"epidemic threshold <k>/<k(k-1)> = {p_c:.4f}",
    )
    t0 = time.perf_counter()
    loop_sizes = [run_independent_cascade(g, seeds, args.p, rng=run_rng).sizes[0] for _ in range(5)]
    secs = time.perf_counter() - t0
    stage(
        "IC x5 (one call each)",
        secs,
        f"{1e3 * secs / 5:.1f} ms/cascade, mean size {np.mean(loop_sizes):,.0f}; "
        f"last tree depth {int(res.depth.max())}",
    )

    peak = maxrss_mib()
    verdict = "meets" if peak < 2 * GIB else "MISSES"
    print(
        f"\nPEAK RSS (ru_maxrss) = {peak:,.0f} MiB = {peak / GIB:.2f} GiB: {verdict} the "
        f"< 2 GiB target"
    )
    rows.append(
        {
            "stage": "PEAK (ru_maxrss)",
            "seconds": math.nan,
            "rss_after_mib": math.nan,
            "maxrss_mib": peak,
            "note": f"{verdict} < 2 GiB",
        }
    )

    if args.profile_lines:
        del g, res
        print("\nfrom_edges, line by line (tracemalloc; MiB relative to the call's start):")
        print(f"{'line':>5} {'held after':>11} {'peak during':>12}  source")
        _, lines = line_memory_profile(from_edges, src, dst, n_nodes=args.n_nodes, rng=trust_seq)
        for r in lines:
            if r["peak_mib"] >= 1.0 or r["held_mib"] >= 1.0:
                print(
                    f"{r['line']:5d} {r['held_mib']:11,.0f} {r['peak_mib']:12,.0f}  {r['source']}"
                )
        print(f"peak of the whole call: {max(r['peak_mib'] for r in lines):,.0f} MiB")

    if args.out:
        preamble = f"bench_memory, {stamp}, {machine_summary()}\n\nCommand: `{command}`"
        write_rows(args.out, rows, COLUMNS, preamble)
        print(f"wrote {args.out}")
    return rows


if __name__ == "__main__":
    main()
