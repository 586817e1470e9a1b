"""The ``smmsim`` command line: parse, build configs, call the API. No model logic here."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence

import numpy as np

from .._rng import fresh_seed
from ._args import Parser, Subparsers, int_at_least

DESCRIPTION = """\
smmsim: simulate word-of-mouth virality in social media marketing.

Examples:
  smmsim simulate                                  # the default scenario
  smmsim simulate --config data/examples/campaign.yaml --replicates 20
  smmsim simulate --config my.yaml --json          # machine-readable summary
  smmsim simulate --out steps.parquet              # per-step table to Parquet
  smmsim cascades ../shared/data/twitter-cascades-chile --out shapes.csv
  smmsim calibrate ../shared/data/twitter-cascades-chile --label False --out out/fit
  smmsim lab                                       # JupyterLab on the notebooks
  smmsim app 01_word_of_mouth                      # one notebook as a web app
"""


_positive_int = int_at_least(1)
_seed_int = int_at_least(0)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="smmsim", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"smmsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sim = sub.add_parser(
        "simulate",
        help="run one scenario (with replicates) and print its metrics",
        description="Run one scenario with replicates and print a summary table of its metrics "
        "(mean, standard deviation and a 95% confidence interval over replicates). "
        "Without a seed (in the config or --seed) a fresh one is drawn and printed, "
        "so any run can be repeated.",
    )
    sim.add_argument(
        "--config",
        metavar="FILE.yaml",
        help="scenario YAML (default: data/default.yaml, the built-in defaults)",
    )
    sim.add_argument(
        "--seed", type=_seed_int, default=None, help="master RNG seed (default: the config's seed)"
    )
    sim.add_argument(
        "--replicates", type=_positive_int, default=1, help="independent replicates (default 1)"
    )
    sim.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    sim.add_argument(
        "--out", metavar="FILE.parquet", help="write the per-step table of every replicate"
    )
    sim.set_defaults(handler=_cmd_simulate)
    register_sweep: Callable[[Subparsers], None] | None
    try:
        from .sweep import register as register_sweep
    except ImportError:  # pragma: no cover - sweeps not installed
        register_sweep = None
    if register_sweep is not None:
        register_sweep(sub)
    from .report import register as register_report

    register_report(sub)
    from .app import register as register_app
    from .lab import register as register_lab

    register_lab(sub)
    register_app(sub)
    from .realdata import register as register_realdata

    register_realdata(sub)
    return parser


def _summary_table(summary) -> dict:
    """Mean, sd and 95% CI (:func:`smmsim.metrics.intervals.half_width`) of each metric.

    With a single finite value the sd and CI are NaN (shown as n/a); the CI of a
    metric that cannot be negative is clipped at 0.
    """
    from ..metrics.intervals import half_width

    metrics = [c for c in summary.columns if c not in ("replicate", "seed")]
    out = {}
    for m in metrics:
        values = summary[m].astype(float).to_numpy()
        finite = values[np.isfinite(values)]
        mean = float(finite.mean()) if len(finite) else float("nan")
        sd = float(finite.std(ddof=1)) if len(finite) > 1 else float("nan")
        half = half_width(sd, len(finite)) if len(finite) > 1 else float("nan")
        low, high = mean - half, mean + half
        if len(finite) and (finite >= 0).all():
            low = max(low, 0.0)
        out[m] = {"mean": mean, "sd": sd, "ci_low": low, "ci_high": high, "n": len(finite)}
    return out


def _cmd_simulate(args) -> int:
    from ..engine import simulate_replicates
    from ..scenario import load_config

    if args.out:
        from ..io import check_output_file

        check_output_file("--out", args.out)  # before the work, not after
    cfg = load_config(args.config)
    from .._memory import check_scenario_fits

    check_scenario_fits(cfg, args.replicates, replicates_name="--replicates")
    seed = args.seed if args.seed is not None else cfg.seed
    if seed is None:  # draw one and say which, so the run can be repeated
        seed = fresh_seed(32)
    summary, steps = simulate_replicates(
        cfg, n_replicates=args.replicates, rng=seed, progress=sys.stderr.isatty()
    )
    table = _summary_table(summary)
    if args.out:
        from ..io import write_parquet

        write_parquet(steps, args.out)
    if args.json:
        payload = {name: _clean(v["mean"]) for name, v in table.items()}
        payload["replicates"] = args.replicates
        payload["seed"] = seed
        payload["config"] = args.config or "default"
        payload["ci95"] = {
            name: [_clean(v["ci_low"]), _clean(v["ci_high"])] for name, v in table.items()
        }
        print(json.dumps(payload, indent=2))
    else:
        n_people = f"{int(summary['reach'].size and _n_people(cfg)):,}"
        print(
            f"scenario: {cfg.name}   people: {n_people}   replicates: {args.replicates}   "
            f"seed: {seed} (repeat with --seed {seed})"
        )
        print(f"{'metric':<24}{'mean':>14}{'sd':>12}{'95% CI':>28}")
        for name, v in table.items():
            ci = f"[{_fmt(v['ci_low'])}, {_fmt(v['ci_high'])}]"
            print(f"{name:<24}{_fmt(v['mean']):>14}{_fmt(v['sd']):>12}{ci:>28}")
        print("roi = (gross profit - cost) / cost, as a fraction (0.25 = +25%); n/a: nothing spent")
        if args.out:
            print(f"per-step table written to {args.out}")
    return 0


def _n_people(cfg) -> int:
    from ..engine import world_for

    return world_for(cfg).graph.n_nodes


def _clean(x):
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def _fmt(x) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    if abs(x - round(x)) < 1e-9:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:,.1f}"
    return f"{x:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``smmsim`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except (ValueError, TypeError, OSError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"smmsim: error: {message}", file=sys.stderr)
        return 2
    except MemoryError as exc:  # an estimate up front should have refused it
        print(f"smmsim: error: out of memory ({exc or 'allocation failed'})", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("smmsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
