"""One thread against two: smmsim's parallel batches (numba threads).

Cases, each timed with ``numba.set_num_threads(1)`` and ``(2)`` in
interleaved rounds (minimum over ``--rounds``; the machine is shared, and
the minimum is the least disturbed run), with the result checked identical:

- ``IC batch``: ``run_independent_cascade(graph, seeds, p, n_runs, parallel=True)``
  on BA n=100,000 m=5, p = 0.01 (1,000,000 runs) and 0.05 (5,000 runs), 10 seeds;
- ``activation_frequency``: the same with the per-node counts (``count_hits``);
- ``engine runs``: ``smmsim.engine.run_replicates(cfg, seeds, parallel=True)``
  (the compiled batches and the Run objects), and ``engine replicates``:
  ``simulate_replicates(cfg, n_replicates, parallel=True)`` (those runs' summary
  and per-step tables, computed with the runs on each thread; no Run objects), on
  the default scenario at 5,000 people (500 replicates) and 50,000 people (200);
  identical = every run's per-step counts, every value of both tables (compared
  outside the timed call).

Each case runs for a tenth of a second or more (shorter ones moved by 20% from
run to run here).

Speed-up = time with 1 thread / time with 2. Also printed: how busy the
machine was (load average), and the cores the process actually got with 2
threads (its CPU time / wall time, the best round), since a second thread
helps only if a second core is free.

Run: python benchmarks/bench_threads.py [--rounds 5] [--quick]
"""

from __future__ import annotations

import argparse
import inspect
import os
import time

import networkx as nx
import numba
import numpy as np
from _common import machine_summary

from smmsim.classic import run_independent_cascade
from smmsim.graphs import from_networkx


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    wall = time.perf_counter() - t0
    return wall, (time.process_time() - c0) / wall, out


def _same(a, b) -> bool:
    """Whether two cases' results are identical (compared outside the timed call)."""
    if isinstance(a, tuple):  # simulate_replicates: (summary, steps)
        return all(x.equals(y) for x, y in zip(a, b, strict=True))
    if isinstance(a, list):  # run_replicates: Run objects
        return all(np.array_equal(x.stats, y.stats) for x, y in zip(a, b, strict=True))
    return np.array_equal(a, b)


def cases(quick: bool):
    n = 20_000 if quick else 100_000
    g = from_networkx(nx.barabasi_albert_graph(n, 5, seed=1), attributes=False)
    seeds = np.random.default_rng(0).choice(n, 10, replace=False)
    for p, runs in ((0.01, 1_000_000), (0.05, 5_000)):
        if quick:
            runs //= 10

        def ic(p=p, runs=runs):
            r = run_independent_cascade(g, seeds, p, n_runs=runs, parallel=True, rng=1)
            return r.sizes

        def freq(p=p, runs=runs):
            r = run_independent_cascade(
                g, seeds, p, n_runs=runs, count_hits=True, parallel=True, rng=1
            )
            return r.hits

        yield f"IC batch, BA n={n:,}, p={p}, {runs:,} runs", ic, runs
        yield f"activation_frequency, BA n={n:,}, p={p}, {runs:,} runs", freq, runs
    try:
        from smmsim._rng import as_seed_sequence, replicate_seeds
        from smmsim.engine import run_replicates, simulate_replicates
        from smmsim.scenario import ScenarioConfig
    except ImportError:
        return
    if "parallel" not in inspect.signature(simulate_replicates).parameters:
        return
    for people, reps in ((5_000, 500), (50_000, 200)):
        cfg = ScenarioConfig.from_dict({"graph": {"n_nodes": people}})
        reps = reps // 5 if quick else reps

        def runs(cfg=cfg, reps=reps):
            return run_replicates(cfg, replicate_seeds(as_seed_sequence(1), reps), parallel=True)

        name = f"engine runs, default scenario, {people:,} people, {reps} replicates"
        yield name, runs, reps

        def engine(cfg=cfg, reps=reps):
            return simulate_replicates(cfg, n_replicates=reps, rng=1, parallel=True)

        name = f"engine replicates, default scenario, {people:,} people, {reps} replicates"
        yield name, engine, reps


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = ap.parse_args(argv)
    max_threads = numba.config.NUMBA_NUM_THREADS
    print(f"# bench_threads: {machine_summary()}; numba threads available {max_threads}")
    print(f"load average at the start {os.getloadavg()[0]:.1f}\n")
    print("| case | 1 thread s | 2 threads s | speed-up | cores used (2 threads) | identical |")
    print("|---|--:|--:|--:|--:|---|")
    for name, fn, _ in cases(args.quick):
        if args.only not in name:
            continue
        numba.set_num_threads(1)
        fn()  # compile and warm up
        times = {1: [], 2: []}
        busy = {1: [], 2: []}
        outs = {}
        for _ in range(args.rounds):
            for t in (1, 2):
                numba.set_num_threads(min(t, max_threads))
                dt, cores, outs[t] = _timed(fn)
                times[t].append(dt)
                busy[t].append(cores)
        numba.set_num_threads(max_threads)
        same = _same(outs[1], outs[2])
        a, b = min(times[1]), min(times[2])
        print(
            f"| {name} | {a:.3f} | {b:.3f} | {a / b:.2f} | {max(busy[2]):.2f} "
            f"| {'yes' if same else 'NO'} |"
        )
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
