"""The engine before and after a change, in one process: a base checkout against this tree.

``--base PATH`` is a checkout of an older commit (``git worktree add /tmp/kbase
4b9008a``); its ``smmsim`` package is imported under another name (through a
link in a temporary folder), so both versions run interleaved in one process
on the same graphs, seeds and scenario as ``bench_engine.py``. Timed: one
``simulate`` call per cascade, and ``run_replicates`` per replicate (Run
objects included), each the minimum over ``--rounds`` of the process's CPU
time (``time.process_time``: on a shared machine the time the process waits
for a core is left out; wall time with ``--wall``). Rounds alternate which
version goes first. The two versions' cascades are checked equal. Numba's cache
goes to a folder of its own (``$NUMBA_CACHE_DIR``, default a new temporary one per
run, so both versions are compiled afresh): code cached by the base checkout run as
``smmsim`` would clash with this tree's in one process.

Run: python benchmarks/bench_engine_ab.py --base /tmp/kbase [--rounds 9] [--n-nodes N]
[--cases ba,hk,ego] [--ps 0,0.01,0.05]
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="smmsim_ab_numba_"))

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
from _common import machine_summary  # noqa: E402

from smmsim.realdata import load_snap_edgelist, shared_data_dir  # noqa: E402


def graphs(n: int, cases: str):
    if "ba" in cases:
        yield f"BA n={n:,} m=5", lambda: nx.barabasi_albert_graph(n, 5, seed=1)
    if "hk" in cases:
        yield f"Holme-Kim n={n:,} m=5", lambda: nx.powerlaw_cluster_graph(n, 5, 0.1, seed=1)
    if "ego" in cases:
        path = shared_data_dir() / "ego-facebook" / "facebook_combined.txt"
        yield "ego-Facebook", lambda: load_snap_edgelist(path)


def _package(name):
    return {
        m: importlib.import_module(f"{name}.{m}")
        for m in ("engine", "graphs", "population", "scenario")
    }


def _scenario(S, p, seeds):
    return S.ScenarioConfig.from_dict(
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
    ap.add_argument("--base", required=True, help="checkout of the older commit")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--sims", type=int, default=300, help="simulate calls per round")
    ap.add_argument("--runs", type=int, default=1000, help="replicates per run_replicates call")
    ap.add_argument("--wall", action="store_true", help="wall time instead of CPU time")
    ap.add_argument("--n-nodes", type=int, default=20_000, help="nodes of the BA and HK graphs")
    ap.add_argument("--cases", default="ba,hk,ego", help="graphs, comma-separated")
    ap.add_argument("--ps", default="0,0.01,0.05", help="values of p, comma-separated")
    args = ap.parse_args(argv)
    link = Path(tempfile.mkdtemp()) / "smmsim_base"
    link.symlink_to(Path(args.base).resolve() / "smmsim")
    sys.path.insert(0, str(link.parent))
    versions = {"base": _package("smmsim_base"), "this": _package("smmsim")}
    clock = time.perf_counter if args.wall else time.process_time
    print(f"# bench_engine_ab: {machine_summary()}; load average {os.getloadavg()[0]:.1f}")
    print(f"# base {args.base}; {'wall' if args.wall else 'CPU'} time, minimum of {args.rounds}")
    print(
        "\n| graph | p | simulate us base | this | this / base "
        "| batch us base | this | this / base |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for name, make in graphs(args.n_nodes, args.cases):
        G = make()
        sides = {}
        for tag, v in versions.items():
            sg = v["graphs"].from_networkx(G, attributes=False)
            world = v["engine"].make_world(
                sg, v["population"].PopulationConfig.homogeneous(), rng=0
            )
            seeds = np.random.default_rng(7).choice(sg.n_nodes, size=10, replace=False)
            sides[tag] = (v, world, [sg.node_ids[i].item() for i in seeds])
        for p in (float(x) for x in args.ps.split(",")):
            fns = {}
            for tag, (v, world, labels) in sides.items():
                E, cfg = v["engine"], _scenario(v["scenario"], p, labels)
                E.simulate(cfg, rng=0, world=world)
                keys = list(range(args.runs))

                def sim(E=E, cfg=cfg, world=world):
                    for r in range(args.sims):
                        E.simulate(cfg, rng=r, world=world)

                def batch(E=E, cfg=cfg, world=world, keys=keys):
                    return E.run_replicates(cfg, keys, world=world)

                fns[tag] = (sim, batch)
            sizes = {tag: [r.count[0] for r in fns[tag][1]()] for tag in fns}
            assert sizes["base"] == sizes["this"], "the two versions' cascades differ"
            best = {(tag, k): float("inf") for tag in fns for k in (0, 1)}
            for i in range(args.rounds):
                for tag in ("base", "this") if i % 2 == 0 else ("this", "base"):
                    for k, n in ((0, args.sims), (1, args.runs)):
                        t0 = clock()
                        fns[tag][k]()
                        best[tag, k] = min(best[tag, k], (clock() - t0) / n * 1e6)
            s0, s1, b0, b1 = best["base", 0], best["this", 0], best["base", 1], best["this", 1]
            print(
                f"| {name} | {p} | {s0:.1f} | {s1:.1f} | {s1 / s0:.3f} "
                f"| {b0:.1f} | {b1:.1f} | {b1 / b0:.3f} |",
                flush=True,
            )
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
