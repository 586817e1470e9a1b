"""Graph set-up: networkx conversion against cynetdiff's, SNAP edge-list load against pyarrow.

Part 1, conversion. On ``networkx.barabasi_albert_graph(100_000, 5)`` (and
Holme-Kim with ``--graphs ba,hk``), in interleaved rounds:

- ``smmsim structure``: ``from_networkx(G, attributes=False)``, what
  ``ICModel(G, ...)``, ``independent_cascade(G, ...)`` and the seeding
  strategies use (the adjacency read once, no attributes);
- ``smmsim attributes``: ``from_networkx(G, rng=0)`` (tie, trust and segment
  attributes read, missing trust drawn);
- ``smmsim ICModel``: ``ICModel(G, seeds, p)``, the whole set-up of an IC model
  from a networkx graph;
- ``cynetdiff``: ``cynetdiff.utils.networkx_to_ic_model(G, activation_prob=p)``.

Part 2, SNAP load. A SNAP-format file of ``--lines`` edge lines (default
10,000,000; tab separated, ids of a 1,000,000-node Chung-Lu graph, four
comment lines on top, as SNAP's files have) is written to a temporary folder
and read by:

- ``smmsim parse``: ``smmsim._edgelist.read_edge_pairs``, the id pairs in file
  order (what pyarrow returns);
- ``smmsim load``: ``smmsim.realdata``'s ``load_snap_edgelist(path,
  return_arrays=True)`` path (``smmsim._edgelist.load_edge_arrays``): parse,
  relabel ids to positions, drop self-loops and repeated edges;
- ``pyarrow``: ``pyarrow.csv.read_csv`` with the comment lines skipped, two
  int64 columns converted to numpy, on all cores (the ceiling), and on one
  thread.

Each figure is the minimum over ``--rounds`` rounds: the machine is shared,
and the minimum is the least disturbed run.

Run: python benchmarks/bench_setup.py [--rounds 5] [--lines 10000000] [--graphs ba,hk]
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
from _common import machine_summary

from smmsim import _edgelist
from smmsim.graphs import from_networkx


def _best(fn, rounds):
    times = []
    for _ in range(rounds):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        del out
    return min(times), times


def conversion(graph_names, n_nodes, rounds, p=0.05):
    try:
        from cynetdiff.utils import networkx_to_ic_model
    except ImportError:
        networkx_to_ic_model = None
    try:
        from smmsim.classic import ICModel
    except ImportError:
        ICModel = None
    from_networkx(nx.path_graph(4), attributes=False)  # compile outside the timings
    from_networkx(nx.path_graph(4), rng=0)
    rows = []
    for name in graph_names:
        if name == "ba":
            G, label = nx.barabasi_albert_graph(n_nodes, 5, seed=1), f"BA n={n_nodes:,} m=5"
        else:
            G = nx.powerlaw_cluster_graph(n_nodes, 5, 0.1, seed=1)
            label = f"Holme-Kim n={n_nodes:,} m=5"
        seeds = list(range(0, n_nodes, n_nodes // 10))[:10]
        cases = {
            "smmsim structure": lambda G=G: from_networkx(G, attributes=False),
            "smmsim attributes": lambda G=G: from_networkx(G, rng=0),
        }
        if ICModel is not None:
            cases["smmsim ICModel"] = lambda G=G, seeds=seeds: ICModel(G, seeds, p)
        if networkx_to_ic_model is not None:
            cases["cynetdiff"] = lambda G=G: networkx_to_ic_model(G, activation_prob=p)
        times = {k: [] for k in cases}
        for _ in range(rounds):  # interleaved: a burst of load falls on all alike
            for k, fn in cases.items():
                times[k].append(_best(fn, 1)[0])
        ref = min(times["cynetdiff"]) if "cynetdiff" in times else float("nan")
        for k, ts in times.items():
            rows.append((label, k, min(ts), float(np.median(ts)), min(ts) / ref))
    print(f"\n## Conversion from networkx (min and median of {rounds} rounds, seconds)\n")
    print("| graph | converter | min s | median s | min / cynetdiff min |")
    print("|---|---|--:|--:|--:|")
    for label, k, best, med, ratio in rows:
        print(f"| {label} | {k} | {best:.3f} | {med:.3f} | {ratio:.2f} |")
    return rows


def write_snap_file(path: Path, n_lines: int, n_nodes: int = 1_000_000, seed: int = 1) -> None:
    """A SNAP-style edge list of ``n_lines`` lines: Chung-Lu ids, repeats and all."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    w = (np.arange(n_nodes) + 10.0) ** (-1 / 1.5)
    cdf = np.cumsum(w) / w.sum()
    ends = np.searchsorted(cdf, rng.random(2 * n_lines)).reshape(2, -1)
    with path.open("wb") as fh:
        fh.write(
            b"# Undirected graph: synthetic Chung-Lu (smmsim benchmark)\n"
            b"# Chung-Lu degree exponent 2.5\n"
            + f"# Nodes: {n_nodes} Edges: {n_lines}\n".encode()
            + b"# FromNodeId\tToNodeId\n"
        )
        table = pa.table({"u": ends[0], "v": ends[1]})
        pacsv.write_csv(
            table,
            fh,
            write_options=pacsv.WriteOptions(include_header=False, delimiter="\t"),
        )


def snap_load(n_lines, rounds):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    def arrow(threads):
        def read():
            t = pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(
                    column_names=["u", "v"], skip_rows=4, use_threads=threads
                ),
                parse_options=pacsv.ParseOptions(delimiter="\t"),
                convert_options=pacsv.ConvertOptions(
                    column_types={"u": pa.int64(), "v": pa.int64()}
                ),
            )
            return t.column(0).to_numpy(), t.column(1).to_numpy()

        return read

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "edges.txt"
        t0 = time.perf_counter()
        write_snap_file(path, n_lines)
        size = os.path.getsize(path)
        print(
            f"\n## SNAP edge list: {n_lines:,} lines, {size / 2**20:.0f} MiB "
            f"(written in {time.perf_counter() - t0:.1f} s)\n"
        )
        small = Path(tmp) / "small.txt"
        small.write_text("0 1\n1 2\n")
        _edgelist.load_edge_arrays(small)  # compile outside the timings
        cases = {
            "smmsim parse (read_edge_pairs)": lambda: _edgelist.read_edge_pairs(path),
            "smmsim load (parse, relabel, dedupe)": lambda: _edgelist.load_edge_arrays(path),
            "pyarrow read_csv, all cores": arrow(True),
            "pyarrow read_csv, one thread": arrow(False),
        }
        u, v = _edgelist.read_edge_pairs(path)
        ua, va = arrow(True)()
        assert np.array_equal(u, ua) and np.array_equal(v, va), "readers disagree"
        src, _, ids = _edgelist.load_edge_arrays(path)
        print(f"{len(ids):,} distinct ids, {len(src):,} distinct edges after dedupe\n")
        del u, v, ua, va, src, ids
        times = {k: [] for k in cases}
        for _ in range(rounds):
            for k, fn in cases.items():
                times[k].append(_best(fn, 1)[0])
    ref = min(times["pyarrow read_csv, all cores"])
    print(f"| reader | min s | median s | min / pyarrow (all cores) min |  ({rounds} rounds)")
    print("|---|--:|--:|--:|")
    for k, ts in times.items():
        print(f"| {k} | {min(ts):.2f} | {np.median(ts):.2f} | {min(ts) / ref:.2f} |")
    return times


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n-nodes", type=int, default=100_000)
    ap.add_argument("--graphs", default="ba")
    ap.add_argument("--lines", type=int, default=10_000_000)
    ap.add_argument("--skip", default="", help="'conversion' or 'snap' to leave a part out")
    args = ap.parse_args(argv)
    print(f"# bench_setup: {machine_summary()}; load average {os.getloadavg()[0]:.1f}")
    if "conversion" not in args.skip:
        conversion(args.graphs.split(","), args.n_nodes, args.rounds)
    if "snap" not in args.skip:
        snap_load(args.lines, args.rounds)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
