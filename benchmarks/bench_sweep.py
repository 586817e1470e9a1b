"""Throughput of parameter sweeps: local processes against a Dask LocalCluster.

The sweep: the example campaign (``data/examples/campaign.yaml``: every lever,
buyers' reviews) on a 10,000-agent graph with a crisis and its correction
switched on, a grid over review quality and price, 1,000 runs in all. It runs
three ways, each from a cold start (a fresh process, so no graph, seed
selection or compiled kernel is left over) into a fresh results folder, and
``--repeat`` times (the fastest counts: other load on the machine only ever
slows a measurement down):

- ``local x1``: ``run_sweep(workers=1)``, in this process;
- ``local x2``: ``run_sweep(workers=2)``, two spawned worker processes;
- ``dask x2``: ``run_sweep(dask="local", workers=2)``, a Dask LocalCluster
  with two single-threaded worker processes, started and stopped inside the
  timing.

Reported per executor: wall-clock time and runs/s end to end (worker start-up,
graph construction and seed selection per worker, Parquet writes included);
per worker, the rate inside chunks (from the run log) and the steady rate
after each worker's first chunk (which pays imports, graph and seed
selection); and how many times each worker process built the graph (read
from the engine's cache inside the workers: it must be 1). The overhead of
Dask is its wall time relative to local processes with the same number of
workers. All three must produce identical rows; the script checks that.

Also printed: each executor's efficiency, its steady per-worker rate against
local x1's (target: at least 80% of one worker's rate x workers), end to end
as well, and its start-up time (wall time minus runs / (workers x steady
rate)), reported apart.

Run ``python benchmarks/bench_sweep.py`` (about two minutes on 2 cores);
``--runs``, ``--nodes`` and ``--workers`` scale it.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from smmsim import __version__
from smmsim.scenario import load_config
from smmsim.sweep import load_spec, run_scenario, run_sweep

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = ROOT / "data" / "examples" / "campaign.yaml"


def counted_run(config, *, rng=None) -> dict:
    """``run_scenario`` plus the number of graphs this process has built so far."""
    from smmsim.engine import run as engine

    out = dict(run_scenario(config, rng=rng))
    worlds = getattr(engine, "_WORLDS", None)
    out["graph_builds"] = worlds.builds if worlds is not None else math.nan
    return out


counted_run.prepare = run_scenario.prepare


def make_spec(n_runs: int, n_nodes: int, seed: int):
    # 20 cells (review quality x price), replicates make up the run count. Neither
    # changes who gets seeded, so seed selection (IMM) runs once per worker, as
    # graph construction does: the benchmark measures the sweep, not IMM.
    n_cells = 20
    n_replicates = max(1, round(n_runs / n_cells))
    return load_spec(
        {
            "description": "bench_sweep: full marketing model, 10k agents",
            "model": "bench_sweep:counted_run",
            # A custom model gets the base as written: spell out every default.
            "base": load_config(CAMPAIGN).to_dict(),
            "fixed": {"graph.n_nodes": n_nodes, "crisis.enabled": True},
            "parameters": {
                "reviews.quality": {"low": 0.5, "high": 0.9, "n": 5},
                "campaign.price": [30.0, 50.0, 70.0, 90.0],
            },
            "n_replicates": n_replicates,
            "seed": seed,
            "metrics": ["reach", "shares", "conversions", "revenue", "roi", "graph_builds"],
        }
    )


def _log(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "_runlog.jsonl").read_text().splitlines()]


def measure(spec, label: str, folder: Path, **kwargs) -> tuple[dict, pd.DataFrame]:
    t0 = time.perf_counter()
    df = run_sweep(spec, folder, progress=False, **kwargs)
    wall = time.perf_counter() - t0
    log = _log(folder)
    chunks = [r for r in log if r["event"] == "chunk"]
    compute = sum(r["seconds"] for r in chunks)
    pids = {(r["host"], r["pid"]) for r in chunks}
    # Steady state: leave out each worker's first chunk (imports, graph, seed selection).
    seen, steady_runs, steady_s = set(), 0, 0.0
    for r in chunks:
        if (r["host"], r["pid"]) in seen:
            steady_runs += r["runs"]
            steady_s += r["seconds"]
        seen.add((r["host"], r["pid"]))
    # Rows -> chunk -> worker: the most graphs any worker built.
    chunk_of = (df["cell"] * spec.n_replicates + df["replicate"]) // spec.chunk_size
    worker_of = {r["chunk"]: (r["host"], r["pid"]) for r in chunks}
    builds = df.groupby(chunk_of.map(worker_of))["graph_builds"].max()
    if df["error"].notna().any():
        first = df["error"].dropna().iloc[0]
        raise SystemExit(f"{label}: {df['error'].notna().sum()} runs failed, e.g. {first}")
    return {
        "executor": label,
        "workers": len(pids),
        "runs": len(df),
        "failed": int(df["error"].notna().sum()),
        "wall_s": wall,
        "runs_per_s": len(df) / wall,
        "chunk_runs_per_s_per_worker": len(df) / compute if compute else math.nan,
        "steady_runs_per_s_per_worker": steady_runs / steady_s if steady_s else math.nan,
        "graph_builds_per_worker": int(builds.max()),
    }, df.drop(columns="graph_builds")


def _measure_child(args) -> tuple[dict, pd.DataFrame]:
    spec_dict, label, folder, kwargs = args
    return measure(load_spec(spec_dict), label, Path(folder), **kwargs)


def _in_fresh_process(spec, label, folder, kwargs) -> tuple[dict, pd.DataFrame]:
    # Each measurement starts cold in its own process: no graph, seed selection
    # or compiled kernel left over from an earlier measurement.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        job = (spec.to_dict(), label, str(folder), kwargs)
        return pool.submit(_measure_child, job).result()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs per sweep (default 1000)")
    parser.add_argument("--nodes", type=int, default=10_000, help="agents (default 10000)")
    parser.add_argument("--workers", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument(
        "--repeat", type=int, default=3, help="measurements per executor; the best counts"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)

    spec = make_spec(args.runs, args.nodes, args.seed)
    print(
        f"smmsim {__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores"
    )
    print(
        f"sweep: {spec.n_cells} cells x {spec.n_replicates} replicates = {spec.n_runs} runs, "
        f"{args.nodes} agents, {spec.n_chunks} chunks of {spec.chunk_size} runs"
    )
    rows, frames = [], []
    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as tmp:
        tmp = Path(tmp)
        for label, kwargs in (
            ("local x1", {"workers": 1}),
            (f"local x{args.workers}", {"workers": args.workers}),
            (f"dask x{args.workers}", {"workers": args.workers, "dask": "local"}),
        ):
            tries = []
            for k in range(args.repeat):
                folder = tmp / f"{label.replace(' ', '_')}_{k}"
                tries.append(_in_fresh_process(spec, label, folder, kwargs))
            row, df = min(tries, key=lambda t: t[0]["wall_s"])
            rows.append(row)
            frames.append(df)
            print(
                f"  {label:<10} {row['wall_s']:7.2f} s  {row['runs_per_s']:8.1f} runs/s  "
                f"(per worker: {row['chunk_runs_per_s_per_worker']:.0f} runs/s in chunks, "
                f"{row['steady_runs_per_s_per_worker']:.0f} after the first; "
                f"graph built {row['graph_builds_per_worker']}x)",
                flush=True,
            )
    identical = all(f.equals(frames[0]) for f in frames[1:])
    table = pd.DataFrame(rows)
    local, dask = table.iloc[1], table.iloc[2]
    overhead = dask["wall_s"] / local["wall_s"] - 1.0
    print()
    print(table.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    print()
    speedup = local["runs_per_s"] / rows[0]["runs_per_s"]
    print(f"speed-up of {local['executor']} over local x1: {speedup:.2f}x")
    # Efficiency: the rate with W workers against W x one worker's rate, in the
    # steady state (after each worker's first chunk, which pays imports, graph
    # and seed selection); start-up: the wall time not explained by that rate.
    one = rows[0]["steady_runs_per_s_per_worker"]
    print(f"one worker's steady rate (local x1): {one:.1f} runs/s")
    for row in rows:
        w = row["workers"]
        steady = row["steady_runs_per_s_per_worker"]
        startup = row["wall_s"] - row["runs"] / (w * steady)
        print(
            f"  {row['executor']:<10} steady efficiency {steady / one:6.1%} of {w} x one "
            f"worker's rate; end to end {row['runs_per_s'] / (w * rows[0]['runs_per_s']):6.1%}; "
            f"start-up {startup:.1f} s of {row['wall_s']:.1f} s"
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    print(f"Dask overhead relative to local processes (wall time): {100 * overhead:+.0f}%")
    print(f"rows identical across executors: {identical}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"rows": rows, "dask_overhead": overhead, "identical": identical}, indent=2)
        )
    return 0 if identical and not table["failed"].any() else 1


if __name__ == "__main__":
    sys.exit(main())
