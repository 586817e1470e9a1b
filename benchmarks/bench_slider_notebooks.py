"""Time one slider update of every interactive notebook, as a student sees it.

For each notebook the script runs its code cells (parameters at the
``quick`` preset: class size, 5,000 people and 10 replicates, in every
notebook whose experiment has those parameters) up to
and including the cell of its interactive experiment, without displaying
anything; the kernel-free chart's grid is precomputed as in the notebook (its
results are cached, as they are for a student). Then it moves each control,
one at a time from the defaults (what a student does), to values not seen
before: slider values off the chart's grid. A dropdown's options are all on
the grid, so its updates only redraw; they are counted in ``cached``. It
times :meth:`smmsim.notebook.InteractiveView.update` (rerun + figure) plus
the PNG of the live figure area. Target (issue 9): at most 0.5 s per update
on one core.

    python benchmarks/bench_slider_notebooks.py                 # every notebook
    python benchmarks/bench_slider_notebooks.py 07 10 --moves 3 # some, 3 values per control
    python benchmarks/bench_slider_notebooks.py --rounds 3      # fastest of 3 per update
    python benchmarks/bench_slider_notebooks.py 05 --set n_nodes=5000  # another size

On a shared machine ``--rounds`` times each update several times and keeps
the fastest; every round is a first visit of that value (its result is
computed again, unless the chart had it precomputed, and the texts the live
figure keeps from it are dropped).

Prints per notebook and view: the number of timed updates (and how many of
them were cache hits), median and worst wall time, median and worst CPU time
of this process (on a shared machine the CPU time is what one free core
would take) and the median CPU time of the rerun alone (the rest is drawing
the figure and its PNG). The real-data notebooks (11, 14, 15) use the data
found by :mod:`smmsim.realdata`, as the notebook does.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def _cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _move_values(view, moves: int) -> list[dict]:
    """One control at a time to up to ``moves`` values other than its default (off the grid)."""
    from smmsim._widgets import Slider

    out = []
    for name, c in view.controls.items():
        if isinstance(c, Slider):
            grid = set(c.grid_values(view.defaults[name]))
            vals = [v for v in c.values() if v != view.defaults[name] and v not in grid]
            if not vals:  # every value is on the grid
                vals = [v for v in c.values() if v != view.defaults[name]]
            stride = max(1, len(vals) // moves)
            vals = vals[stride // 2 :: stride][:moves]
        else:
            vals = [v for v in c.options if v != view.defaults[name]][:moves]
        out += [{name: v} for v in vals]
    return out


def bench_notebook(path: Path, params: dict, moves: int, rounds: int = 1) -> list[tuple]:
    """[(view title, wall times, cpu times)] of each interactive view of ``path``."""
    import matplotlib.pyplot as plt

    from smmsim import _widgets

    views = []
    ns = {"display": lambda *a, **k: None, "__name__": "__main__"}
    cells = _cells(path)
    last = max(i for i, s in enumerate(cells) if "interactive_" in s)
    os.chdir(path.parent)
    from smmsim import notebook as nb

    def capture(*a, **k):
        views.append(_widgets.interactive_experiment(*a, **{**k, "display": False}))
        return views[-1]

    def capture_scenario(*a, **k):
        views.append(_widgets.interactive_scenario(*a, **{**k, "display": False}))
        return views[-1]

    nb._bench_capture, nb._bench_capture_scenario = capture, capture_scenario
    ns["_bench_capture"], ns["_bench_capture_scenario"] = capture, capture_scenario
    for i, src in enumerate(cells[: last + 1]):
        if i == 0:
            src += "\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
        src = src.replace("interactive_experiment(", "_bench_capture(")
        src = src.replace("interactive_scenario(", "_bench_capture_scenario(")
        with contextlib.redirect_stdout(io.StringIO()):  # the notebook's own prints
            exec(compile(src, f"{path.name}[{i}]", "exec"), ns)
        plt.close("all")
    kept = _widgets._text_canvases()[0].kept  # the texts the live figures keep
    out = []
    for view in views:
        wall, cpu, runs, hits = [], [], [], 0
        for values in _move_values(view, moves):
            view.values = dict(view.defaults)  # one control moved from the defaults
            full = view._complete(values)
            key = tuple(full[k] for k in view.controls)
            hit = key in view._cache
            hits += hit
            seen = [set(cache) for cache in kept]
            best = None
            for _ in range(rounds):
                # every round a first visit: the result not cached (unless it was
                # precomputed for the chart), no text kept that this value brought
                if not hit:
                    view._cache.pop(key, None)
                for cache, before in zip(kept, seen):
                    for k in set(cache) - before:
                        del cache[k]
                view.values = dict(view.defaults)
                start, start_cpu = time.perf_counter(), time.process_time()
                view.result(**values)  # the rerun alone (cached for the update)
                run_cpu = time.process_time() - start_cpu
                fig = view.update(**values)
                view._render(fig)
                times = (time.perf_counter() - start, time.process_time() - start_cpu, run_cpu)
                best = times if best is None else tuple(map(min, best, times))
                plt.close("all")
            wall.append(best[0])
            cpu.append(best[1])
            runs.append(best[2])
        out.append((view.title or "", wall, cpu, runs, hits))
    return out


def _overrides(path: Path, settings: list[str]) -> dict:
    """The ``--set`` values whose parameter the notebook's first cell defines."""
    import ast

    first = _cells(path)[0]
    out = {}
    for item in settings:
        name, _, value = item.partition("=")
        if f"\n{name}:" in "\n" + first:
            out[name] = ast.literal_eval(value)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="number prefixes (default: all)")
    parser.add_argument("--moves", type=int, default=3, help="values per control")
    parser.add_argument(
        "--preset", default="quick",
        help="a preset of data/presets.yaml, or 'none' for the notebooks' own defaults",
    )  # fmt: skip
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="time each update this many times (each a first visit) and keep the fastest",
    )  # fmt: skip
    parser.add_argument(
        "--set", action="append", default=[], metavar="PARAM=VALUE",
        help="override a parameter in every notebook that has it (e.g. n_nodes=5000)",
    )  # fmt: skip
    parser.add_argument("--all-cores", action="store_true", help="do not pin to one core")
    args = parser.parse_args(argv)
    if not args.all_cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import matplotlib

    matplotlib.use("Agg")
    sys.path.insert(0, str(ROOT))
    from smmsim.reports import load_presets

    presets = {}
    if args.preset != "none":
        presets = load_presets(folder=NOTEBOOKS)[args.preset]["notebooks"]
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.notebooks:
        paths = [p for p in paths if any(p.name.startswith(n) for n in args.notebooks)]
    print(f"one update = rerun + figure + PNG; preset {args.preset}; "
          f"fastest of {args.rounds} round(s) per update; "
          f"{'all cores' if args.all_cores else 'one core'}; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    head = [
        "notebook",
        "updates",
        "cached",
        "wall med",
        "wall max",
        "cpu med",
        "cpu max",
        "run cpu",
    ]
    print(f"{head[0]:<36} {head[1]:>7} {head[2]:>7} " + " ".join(f"{h:>9}" for h in head[3:]))
    for path in paths:
        if not any("interactive_" in s for s in _cells(path)):
            print(f"{path.stem:<36} no interactive experiment")
            continue
        try:
            params = {**presets.get(path.stem, {}), **_overrides(path, args.set)}
            results = bench_notebook(path, params, args.moves, args.rounds)
        except Exception as exc:  # report and go on
            print(f"{path.stem:<36} failed: {type(exc).__name__}: {exc}")
            continue
        for title, wall, cpu, runs, hits in results:
            name = path.stem if len(results) == 1 else f"{path.stem[:20]} {title[:15]}"
            nums = [
                statistics.median(wall),
                max(wall),
                statistics.median(cpu),
                max(cpu),
                statistics.median(runs),
            ]
            print(f"{name:<36} {len(wall):>7} {hits:>7} " + " ".join(f"{x:>9.3f}" for x in nums),
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
