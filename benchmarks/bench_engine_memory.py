"""Peak memory of the full marketing engine on a 1M-node, 10M-edge graph.

Builds the heavy-tailed Chung-Lu graph of ``bench_memory.py`` (numpy arrays
straight into :func:`smmsim.graphs.from_edges`, no networkx), lays a
population over it, then runs the engine: once with one content item and no
extras at a supercritical p, and once with a budgeted campaign (ads,
influencers chosen by degree, employee advocacy, outreach, referral), reviews
and a crisis with its paired no-crisis run. Prints per-stage RSS and the
process's peak resident set size (ru_maxrss); the target is < 2 GiB.

Run: python benchmarks/bench_engine_memory.py [--n-nodes N] [--n-edges M]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import maxrss_mib, rss_mib
from bench_memory import chung_lu_edges

from smmsim.engine import make_world, simulate
from smmsim.graphs import from_edges
from smmsim.scenario import ScenarioConfig


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-nodes", type=int, default=1_000_000)
    ap.add_argument("--n-edges", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(1)

    def stage(name, t0, note=""):
        print(
            f"{name:<34}{time.perf_counter() - t0:>8.2f} s   RSS {rss_mib():>7,.0f} MiB   "
            f"peak {maxrss_mib():>7,.0f} MiB   {note}"
        )

    t0 = time.perf_counter()
    src, dst = chung_lu_edges(args.n_nodes, args.n_edges, 2.5, rng=rng)
    stage("edge arrays", t0)
    t0 = time.perf_counter()
    graph = from_edges(src, dst, n_nodes=args.n_nodes, rng=rng)
    del src, dst
    stage("from_edges", t0, f"{graph.n_arcs:,} arcs, arrays {graph.nbytes() / 2**20:,.0f} MiB")
    t0 = time.perf_counter()
    world = make_world(graph, rng=2)
    stage("population", t0)

    ic_like = ScenarioConfig.from_dict(
        {
            "steps": 200,
            "population": {"activity": 1.0, "share_propensity": 1.0, "heterogeneity": 0.0},
            "dynamics": {"trust_effect": 0.0},
            "content": {"stickiness": 0.05, "shareability": 1.0, "click_through": 0.0},
            "campaign": {"seeding": {"method": "random", "k": 10}},
            "reviews": {"enabled": False},
        }
    )
    campaign = ScenarioConfig.from_dict(
        {
            "steps": 40,
            "content": {"stickiness": 0.3, "shareability": 0.3},
            "campaign": {
                "budget": 20_000,
                "seeding": {"method": "degree", "k": 20},
                "levers": {
                    "broadcast_ads": {"spend": 4000, "steps": 10},
                    "targeted_ads": {"spend": 4000, "steps": 10},
                    "influencers": {"spend": 5000, "method": "degree"},
                    "employee_advocacy": {"spend": 1000},
                    "outreach": {"spend": 1000},
                    "referral": {"spend": 5000},
                },
            },
            "crisis": {"enabled": True, "step": 3, "source": "random", "k": 20},
        }
    )
    for name, cfg in (
        ("one item, no extras (p=0.05)", ic_like),
        ("full campaign + crisis", campaign),
    ):
        # the world's population has no broadcasters: outreach finds nobody to pitch
        simulate(cfg, rng=0, world=world)  # compile / warm the workspace
        t0 = time.perf_counter()
        for r in range(args.runs):
            s = simulate(cfg, rng=r + 1, world=world).summary()
        per_run = (time.perf_counter() - t0) / args.runs
        stage(name, t0, f"{per_run:.2f} s/run, reach {s['reach']:,}, shares {s['shares']:,}")
    peak = maxrss_mib()
    print(
        f"\npeak resident memory: {peak:,.0f} MiB = {peak / 1024:.2f} GiB "
        f"(target < 2 GiB: {'met' if peak < 2048 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
