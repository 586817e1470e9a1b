"""Time one slider update of the notebooks' interactive experiments at class size.

A slider update (what :meth:`smmsim.notebook.InteractiveView.update` does
when a student moves a control) reruns the scenario's replicates at the new
value and redraws the figure; the figure is rendered to PNG as Jupyter's
inline backend does. Every timed update uses a value not seen before (no
cache hits). Target (issue 9): at most 0.5 s at 5,000 people and 10
replicates, on one core.

    python benchmarks/bench_widgets.py            # both scenarios, 8 updates each
    python benchmarks/bench_widgets.py --updates 4 --replicates 10 --n-nodes 5000

Scenarios: ``default`` is the built-in default scenario at ``--n-nodes``
people with a stickiness slider; ``campaign`` is data/examples/campaign.yaml
(5,000 people, every lever) with a stickiness slider (the influencers are
chosen by IMM, which depends on stickiness: each new value replans them) and
with a click-through slider (no replanning).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def time_updates(cfg, field, values, *, n_replicates, draw):
    from smmsim import notebook as nb

    view = nb.interactive_scenario(
        cfg, {field: nb.slider(0.0, 1.0, 0.01)}, draw,
        n_replicates=n_replicates, rng=1, display=False,
    )  # fmt: skip
    times, cpu = [], []
    for v in values:
        start, start_cpu = time.perf_counter(), time.process_time()
        fig = view.update(**{field: v})
        view._render(fig)  # the PNG the live figure area shows
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-nodes", type=int, default=5000)
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--updates", type=int, default=8)
    parser.add_argument("--all-cores", action="store_true", help="do not pin to one core")
    args = parser.parse_args(argv)
    if not args.all_cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import matplotlib

    matplotlib.use("Agg")
    from smmsim import notebook as nb
    from smmsim.scenario import ScenarioConfig, load_config

    def draw(res, values):
        return nb.plot_steps(res.steps, ["reach", "reach_earned_only"], kinds="brand")

    default = ScenarioConfig.from_dict({"graph": {"n_nodes": args.n_nodes}})
    campaign = load_config(ROOT / "data" / "examples" / "campaign.yaml")
    # warm up: compile the kernels, build the graphs
    time_updates(default, "content.stickiness", [0.3], n_replicates=1, draw=draw)
    time_updates(campaign, "content.click_through", [0.15], n_replicates=1, draw=draw)
    u = args.updates
    cases = [
        ("default", default, "content.stickiness", [0.12 + 0.05 * i for i in range(u)]),
        ("campaign", campaign, "content.click_through", [0.05 + 0.02 * i for i in range(u)]),
        ("campaign", campaign, "content.stickiness", [0.11 + 0.06 * i for i in range(u)]),
    ]
    print(f"one slider update = {args.replicates} replicates + figure + PNG; "
          f"{'all cores' if args.all_cores else 'one core'}")  # fmt: skip
    print("wall: elapsed time; cpu: this process's CPU time (what one core does when the")
    print(f"machine is shared; load average now {os.getloadavg()[0]:.1f})")
    head = ["scenario", "slider", "people", "wall median", "wall max", "cpu median", "cpu max"]
    print(f"{head[0]:<10} {head[1]:<22} {head[2]:>7} " + " ".join(f"{h:>11}" for h in head[3:]))
    for name, cfg, field, values in cases:
        wall, cpu = time_updates(cfg, field, values, n_replicates=args.replicates, draw=draw)
        n = cfg.graph.n_nodes
        nums = [statistics.median(wall), max(wall), statistics.median(cpu), max(cpu)]
        print(f"{name:<10} {field:<22} {n:>7} " + " ".join(f"{x:>11.3f}" for x in nums))


if __name__ == "__main__":
    main()
