"""The full marketing engine against smmsim's own IC, on the same graphs.

IC is timed in one batched call (``run_independent_cascade(..., n_runs)``) and
one cascade at a time (``ICModel.run``). Issue target: the full marketing
model with one content item and no extras
(no levers, no reviews, no crisis; homogeneous people, no trust effect, so each
arc passes the item on with probability p = stickiness x shareability) stays
within 3x of smmsim's IC time per cascade. Both run from the same 10 random
seed nodes with the same p. Reported: mean ms per cascade (IC in one batched
call and called once per cascade from Python; the engine through
``smmsim.engine.simulate``, which includes planning and result assembly), mean
cascade size (the two must agree), and the ratio engine / IC. The engine is
timed three ways: one ``simulate`` call per cascade, the batched path
(``smmsim.engine.run_replicates``: all the cascades in one compiled call, the
same runs, checked equal), and through ``simulate_replicates`` (the same path with
its summary and per-step tables of ``steps`` = 200 rows a replicate, which sweeps and
sliders use; its own seeds, so not checked equal). Also printed: the batched path's
per-replicate fixed cost (p = 0), as the minimum of ``--rounds`` calls and as the
mean of 20 calls whose runs (or tables, for ``simulate_replicates``) are kept (the
last 5 calls' alive, as a user collecting replicates holds them; Python's garbage
collections included). Each other time
is the minimum of ``--rounds`` rounds.

Run: python benchmarks/bench_engine.py [--quick] [--runs N] [--rounds R]
"""

from __future__ import annotations

import argparse
import os
import time

import networkx as nx
import numpy as np
from _common import machine_summary

from smmsim.classic import ICModel, run_independent_cascade
from smmsim.engine import make_world, run_replicates, simulate, simulate_replicates
from smmsim.graphs import from_networkx
from smmsim.population import PopulationConfig
from smmsim.realdata import load_snap_edgelist, shared_data_dir
from smmsim.scenario import ScenarioConfig


def graphs(quick: bool):
    n = 20_000 if quick else 100_000
    yield f"BA n={n:,} m=5", nx.barabasi_albert_graph(n, 5, seed=1)
    yield f"Holme-Kim n={n:,} m=5", nx.powerlaw_cluster_graph(n, 5, 0.1, seed=1)
    path = shared_data_dir() / "ego-facebook" / "facebook_combined.txt"
    yield "ego-Facebook", load_snap_edgelist(path)


def scenario(p: float, seeds) -> ScenarioConfig:
    return ScenarioConfig.from_dict(
        {
            "steps": 200,
            "dynamics": {"trust_effect": 0.0},
            "content": {"stickiness": p, "shareability": 1.0, "click_through": 0.0},
            "campaign": {"seeding": {"nodes": list(seeds)}},
            "reviews": {"enabled": False},
        }
    )


def _best(fn, rounds):
    """Minimum wall time of ``fn()`` over ``rounds`` calls, and its last result."""
    best, out = float("inf"), None
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20k-node synthetic graphs")
    ap.add_argument("--runs", type=int, default=2000, help="cascades per measurement")
    ap.add_argument("--rounds", type=int, default=3, help="take the minimum of this many")
    args = ap.parse_args(argv)
    runs, rounds = args.runs, args.rounds
    print(f"# bench_engine: {machine_summary()}; load average {os.getloadavg()[0]:.1f}")
    print(f"# {runs} cascades per measurement, minimum of {rounds} rounds; times per cascade\n")
    print(
        "| graph | p | IC batch ms | IC loop ms | engine simulate ms | engine batch ms "
        "| engine replicates ms | IC size | engine size | batch / IC batch "
        "| replicates / IC batch | simulate / IC batch | batch / IC loop |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    fixed = []
    for name, G in graphs(args.quick):
        sg = from_networkx(G, attributes=False)
        world = make_world(sg, PopulationConfig.homogeneous(), rng=0)
        seeds = np.random.default_rng(7).choice(sg.n_nodes, size=10, replace=False)
        labels = [sg.node_ids[i].item() for i in seeds]
        model = ICModel(sg, [sg.node_ids[i] for i in seeds], p=0.01)
        for p in (0.0, 0.01, 0.05):
            cfg = scenario(p, labels)
            run_independent_cascade(sg, seeds, p, n_runs=2, rng=0)  # compile / cache load
            simulate(cfg, rng=0, world=world)
            run_replicates(cfg, [0, 1], world=world)
            keys = list(range(runs))
            t_batch, reps = _best(lambda cfg=cfg: run_replicates(cfg, keys, world=world), rounds)  # noqa: B023
            simulate_replicates(cfg, n_replicates=2, rng=0, world=world)
            t_tables, _ = _best(
                lambda cfg=cfg: simulate_replicates(cfg, n_replicates=runs, rng=0, world=world),  # noqa: B023
                rounds,
            )
            if p == 0.0:
                kept, t0 = [], time.perf_counter()
                for _ in range(20):
                    kept = [*kept[-4:], run_replicates(cfg, keys, world=world)]
                mean = (time.perf_counter() - t0) / (20 * runs) * 1e6
                kept, t0 = [], time.perf_counter()
                for i in range(20):
                    tables = simulate_replicates(cfg, n_replicates=runs, rng=i, world=world)
                    kept = [*kept[-4:], tables]
                mean_tables = (time.perf_counter() - t0) / (20 * runs) * 1e6
                fixed.append((name, t_batch / runs * 1e6, mean, t_tables / runs * 1e6, mean_tables))
                del kept
                continue
            t_ic, ic = _best(
                lambda p=p: run_independent_cascade(sg, seeds, p, n_runs=runs, rng=1),  # noqa: B023
                rounds,
            )
            model = ICModel(sg, [sg.node_ids[i] for i in seeds], p)
            gen = np.random.default_rng(2)

            def loop(model=model, gen=gen):
                for _ in range(runs):
                    model.run(rng=gen)

            t_loop, _ = _best(loop, rounds)

            def one_by_one(cfg=cfg):
                return [simulate(cfg, rng=r, world=world).count[0] for r in range(runs)]  # noqa: B023

            t_sim, sizes = _best(one_by_one, rounds)
            batch_sizes = np.array([r.count[0] for r in reps])
            assert np.array_equal(batch_sizes, sizes), "batch and simulate disagree"
            ic_batch, ic_loop = t_ic / runs * 1e3, t_loop / runs * 1e3
            eng, eng_batch = t_sim / runs * 1e3, t_batch / runs * 1e3
            eng_tables = t_tables / runs * 1e3
            print(
                f"| {name} | {p} | {ic_batch:.4f} | {ic_loop:.4f} | {eng:.4f} | {eng_batch:.4f} "
                f"| {eng_tables:.4f} | {ic.sizes.mean():,.1f} | {batch_sizes.mean():,.1f} "
                f"| {eng_batch / ic_batch:.1f} | {eng_tables / ic_batch:.1f} "
                f"| {eng / ic_batch:.1f} | {eng_batch / ic_loop:.1f} |"
            )
    print("\nPer-replicate fixed cost of the batched path (p = 0: the seeds post, nobody engages;")
    print("one run_replicates call of all runs, Run objects included; fastest call, and the")
    print("mean of 20 calls with the last 5 calls' runs kept, garbage collections included):")
    for name, us, mean, tables, mean_tables in fixed:
        print(
            f"  {name}: {us:.1f} us per replicate (mean of 20 calls {mean:.1f} us); "
            f"simulate_replicates with its tables {tables:.1f} us (mean of 20 calls, "
            f"tables kept, {mean_tables:.1f} us)"
        )
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
