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
cascade size (the two must agree), and the ratio engine / IC.

Run: python benchmarks/bench_engine.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np

from smmsim.classic import ICModel, run_independent_cascade
from smmsim.engine import make_world, simulate
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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20k-node synthetic graphs")
    ap.add_argument("--runs", type=int, default=2000, help="cascades per measurement")
    args = ap.parse_args(argv)
    print(
        f"{'graph':<24}{'p':>6}{'IC batch ms':>13}{'IC loop ms':>12}{'engine ms':>11}"
        f"{'IC size':>10}{'eng size':>10}{'engine/IC':>11}{'eng/IC loop':>12}"
    )
    for name, G in graphs(args.quick):
        sg = from_networkx(G, rng=0)
        world = make_world(sg, PopulationConfig.homogeneous(), rng=0)
        seeds = np.random.default_rng(7).choice(sg.n_nodes, size=10, replace=False)
        labels = [sg.node_ids[i].item() for i in seeds]
        for p in (0.01, 0.05):
            cfg = scenario(p, labels)
            t0 = time.perf_counter()
            run_independent_cascade(sg, seeds, p, n_runs=2, rng=0)
            simulate(cfg, rng=0, world=world)
            compile_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            ic = run_independent_cascade(sg, seeds, p, n_runs=args.runs, rng=1)
            ic_batch = (time.perf_counter() - t0) / args.runs * 1e3
            model = ICModel(sg, [sg.node_ids[i] for i in seeds], p)
            gen = np.random.default_rng(2)
            t0 = time.perf_counter()
            for _ in range(args.runs):
                model.run(rng=gen)
            ic_loop = (time.perf_counter() - t0) / args.runs * 1e3
            sizes = np.empty(args.runs)
            t0 = time.perf_counter()
            for r in range(args.runs):
                sizes[r] = simulate(cfg, rng=r, world=world).count[0]
            eng = (time.perf_counter() - t0) / args.runs * 1e3
            print(
                f"{name:<24}{p:>6}{ic_batch:>13.3f}{ic_loop:>12.3f}{eng:>11.3f}"
                f"{ic.sizes.mean():>10.1f}{sizes.mean():>10.1f}{eng / ic_batch:>11.2f}"
                f"{eng / ic_loop:>12.2f}   (compile/cache load {compile_s:.1f}s)"
            )


if __name__ == "__main__":
    main()
