"""The ``smmsim sweep`` and ``smmsim summarize`` commands.

Parse, call :mod:`smmsim.sweep`, report; no logic of their own.
``smmsim.cli`` adds them with :func:`register`. Exit codes: 0 success, 1 some
runs failed (their errors are in the results), 2 bad spec, arguments or results
folder, 3 the executor failed (finished chunks are saved; rerun to resume),
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ._args import Subparsers, int_at_least

if TYPE_CHECKING:  # heavy imports wait until a command runs
    import pandas as pd

    from ..sweep import SweepSpec

EXIT_OK, EXIT_RUNS_FAILED, EXIT_USAGE, EXIT_ABORTED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

_SWEEP_EPILOG = """\
exit status: 0 all runs succeeded; 1 some runs failed (see the `error` column);
2 bad spec, arguments or results folder; 3 executor failure (rerun to resume).
Rerunning the same command on the same --out folder resumes an interrupted sweep.
"""


_positive_int = int_at_least(1)
_seed_int = int_at_least(0)


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1); got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1); got {text!r}")
    return value


def _error(command: str, exc: BaseException) -> None:
    message = " ".join(str(exc).split()) or type(exc).__name__
    print(f"smmsim {command}: error: {message}", file=sys.stderr)


def register(subparsers: Subparsers) -> None:
    """Add the ``sweep`` and ``summarize`` subcommands to ``subparsers``.

    Each subparser sets ``handler``: a handler taking the parsed arguments and
    returning the exit code.
    """
    p = subparsers.add_parser(
        "sweep",
        help="run a parameter sweep (replicates, designs, local or Dask workers)",
        description=(
            "Run the parameter sweep described by SPEC.yaml and write one Parquet file\n"
            "per finished chunk to DIR; read every row with pandas.read_parquet(DIR).\n"
            "Example spec: data/examples/sweep.yaml."
        ),
        epilog=_SWEEP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", metavar="SPEC.yaml", help="sweep spec file")
    p.add_argument("--out", required=True, metavar="DIR", help="results folder")
    p.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="worker processes (default: all cores; 1 runs in this process)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--dask",
        choices=["local"],
        help="run on a Dask LocalCluster started for this sweep (--workers N workers)",
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on a running Dask scheduler at ADDRESS"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_sweep)

    s = subparsers.add_parser(
        "summarize",
        help="per-cell means with bootstrap CIs, sensitivity indices, main-effect figure",
        description=(
            "Summarise the sweep results in DIR: per-cell means with bootstrap confidence "
            "intervals, Sobol / Morris indices where the design allows, and a main-effect "
            "figure. Tables are written as Parquet to DIR/_summary (or --to)."
        ),
    )
    s.add_argument("results", metavar="DIR", help="results folder written by `smmsim sweep`")
    s.add_argument(
        "--metric",
        action="append",
        dest="metrics",
        metavar="NAME",
        help="metric to summarise (repeatable; default: all)",
    )
    s.add_argument("--confidence", type=_fraction, default=0.95, help="CI level (default 0.95)")
    s.add_argument(
        "--n-boot", type=_positive_int, default=1000, help="bootstrap resamples (default 1000)"
    )
    s.add_argument(
        "--seed",
        type=_seed_int,
        help="seed of the bootstrap, an int >= 0 (default: derived from the sweep's seed)",
    )
    s.add_argument("--to", metavar="OUTDIR", help="where to write (default DIR/_summary)")
    s.add_argument("--no-figure", action="store_true", help="skip the main-effect figure")
    s.set_defaults(handler=cmd_summarize)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Handle ``smmsim sweep``."""
    from ..sweep import (
        SweepAbortedError,
        SweepFolderError,
        SweepLockedError,
        load_spec,
        run_sweep,
    )

    try:
        spec = load_spec(args.spec)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        _error("sweep", exc)
        return EXIT_USAGE
    if args.scheduler and args.workers:
        _error("sweep", ValueError("--workers does not apply to --scheduler"))
        return EXIT_USAGE
    dask = "local" if args.dask else args.scheduler
    try:
        df = run_sweep(
            spec,
            args.out,
            workers=args.workers,
            dask=dask,
            progress=False if args.quiet else None,
        )
    except (SweepFolderError, SweepLockedError, ValueError, TypeError) as exc:
        _error("sweep", exc)
        return EXIT_USAGE
    except SweepAbortedError as exc:
        _error("sweep", exc)
        return EXIT_ABORTED
    except KeyboardInterrupt:
        print(
            f"smmsim sweep: interrupted; finished chunks are saved in {args.out}: "
            "rerun the same command to resume.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    n_failed = int(df["error"].notna().sum())
    print(
        f"{spec.n_cells} cells x {spec.n_replicates} replicates = {len(df)} runs "
        f"({n_failed} failed) -> {args.out}"
    )
    if n_failed:
        for line in _failure_lines(df, spec):
            print(line, file=sys.stderr)
        return EXIT_RUNS_FAILED
    return EXIT_OK


def _summary_folder(results, to) -> Path:
    """The folder ``summarize`` writes to, checked before any work.

    The default is ``DIR/_summary`` (readers of the results skip ``_`` names);
    any other ``--to`` inside the results folder is refused, as is a file.
    """
    from ..io import check_output_folder

    default = Path(results) / "_summary"
    if to is None:
        return check_output_folder("--to", default)
    to = Path(to)
    inside = to.resolve()
    root = Path(results).resolve()
    if (inside == root or root in inside.parents) and inside != default.resolve():
        raise ValueError(
            f"`--to` {str(to)!r} lies inside the results folder {str(results)!r}; the summary "
            "would be read back as results: choose a folder outside it (default: "
            f"{str(default)!r})."
        )
    return check_output_folder("--to", to)


def cmd_summarize(args: argparse.Namespace) -> int:
    """Handle ``smmsim summarize``."""
    import pandas as pd

    from .._rng import summary_seed
    from ..sweep import SweepFolderError, plot_main_effect, summarize
    from ..sweep.store import read_spec, read_table

    try:
        to = _summary_folder(args.results, args.to)
        spec = read_spec(args.results)
        df = read_table(args.results, spec)
    except (SweepFolderError, ValueError, TypeError, OSError) as exc:
        _error("summarize", exc)
        return EXIT_USAGE
    seed = summary_seed(spec.seed) if args.seed is None else args.seed
    try:
        from .._memory import check_fits

        check_fits(f"`--n-boot` {args.n_boot}", 16.0 * args.n_boot * spec.n_replicates)
        summary = summarize(
            df,
            spec,
            metrics=args.metrics,
            confidence=args.confidence,
            n_boot=args.n_boot,
            rng=seed,
        )
    except (ValueError, TypeError) as exc:
        _error("summarize", exc)
        return EXIT_USAGE
    to.mkdir(parents=True, exist_ok=True)
    written = []
    from ..io import write_parquet

    for name in ("cells", "sensitivity", "failures"):
        table = getattr(summary, name)
        if name == "cells" or not table.empty:
            written.append(write_parquet(table, to / f"{name}.parquet"))
    if not args.no_figure and not df.empty:
        fig = plot_main_effect(df, spec, metrics=args.metrics, confidence=args.confidence, rng=seed)
        fig.savefig(to / "main_effect.png", dpi=110)
        written.append(to / "main_effect.png")

    with pd.option_context("display.width", 120, "display.max_columns", 20):
        for note in summary.notes:
            print(f"note: {note}")
        cells = summary.cells
        print(f"per-cell means ({100 * args.confidence:g}% bootstrap CI), {len(cells)} rows:")
        print(cells.head(12).to_string(index=False))
        if len(cells) > 12:
            print(f"... ({len(cells) - 12} more rows in cells.parquet)")
        if not summary.sensitivity.empty:
            print("sensitivity indices:")
            print(summary.sensitivity.to_string(index=False))
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def _failure_lines(df: pd.DataFrame, spec: SweepSpec, *, limit: int = 3) -> list[str]:
    """Short lines describing failed runs (for the command line)."""
    failed = df[df["error"].notna()]
    if failed.empty:
        return []
    lines = [
        f"{len(failed)} of {len(df)} runs failed, in {failed['cell'].nunique()} of "
        f"{df['cell'].nunique()} cells."
    ]
    for (cell, error), group in failed.groupby(["cell", "error"], sort=True):
        if len(lines) > limit:
            lines.append("  ... (see the `error` column and _runlog.jsonl)")
            break
        values = ", ".join(f"{p.path}={v!r}" for p, v in zip(spec.parameters, spec.cells[cell]))
        lines.append(f"  cell {cell} ({values}), {len(group)} run(s): {error}")
    return lines
