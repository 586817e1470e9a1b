"""The ``smmsim data``, ``smmsim cascades`` and ``smmsim calibrate`` commands.

Parse, call :mod:`smmsim.realdata`, :mod:`smmsim.cascades` or
:mod:`smmsim.calibration`, report; no logic of their own. ``smmsim.cli`` adds
them with :func:`register`.
"""

from __future__ import annotations

import sys

from ._args import Subparsers, int_at_least

_positive_int = int_at_least(1)
_seed_int = int_at_least(0)

_CASCADES_EPILOG = """\
examples:
  smmsim cascades ../shared/data/twitter-cascades-chile --out shapes.csv
  smmsim cascades ../shared/data/twitter-cascades-chile/False.zip --out false.csv
  smmsim cascades --simulate out/fit/fitted.yaml --n 200 --seed 1 --out sim.csv

Columns: cascade_id, label, size, depth, max_breadth, structural_virality,
duration_s (one row per cascade; simulated cascades are labelled 'simulated').
"""

_CALIBRATE_EPILOG = """\
examples:
  smmsim calibrate ../shared/data/twitter-cascades-chile --label False --out out/fit_false
  smmsim calibrate PATH --label True --out out/fit_true --budget full --scheduler tcp://host:8786

Writes DIR/fitted.yaml (a runnable scenario: `smmsim cascades --simulate
DIR/fitted.yaml`), DIR/fit.csv (held-out KS table of the fitted model and of
the branching-process baseline, and of the training cascades themselves as
the noise floor), DIR/split.csv, DIR/posterior.csv and DIR/params.csv;
--folds K adds DIR/cv.csv (K-fold held-out KS, every cascade held out once).
"""


def register(subparsers: Subparsers) -> None:
    """Add the ``data``, ``cascades`` and ``calibrate`` subcommands."""
    data = subparsers.add_parser(
        "data",
        help="fetch the real data sets into the user cache, or show where they are",
        description="Real data: `fetch` downloads SNAP ego-Facebook and the Chilean Twitter "
        "cascades (sha256-checked) into the user cache; `where` shows where loaders look.",
    )
    dsub = data.add_subparsers(dest="data_command", metavar="ACTION")
    fetch = dsub.add_parser("fetch", help="download the data sets (sha256-checked)")
    fetch.add_argument(
        "names", nargs="*", help="data sets (ego-facebook, twitter-cascades-chile); default all"
    )
    fetch.add_argument("--dest", metavar="DIR", help="cache folder (default: the user cache)")
    fetch.add_argument(
        "--base-url", metavar="URL", help="fetch from this mirror instead (http(s):// or file://)"
    )
    fetch.set_defaults(handler=_cmd_fetch)
    where = dsub.add_parser("where", help="print where the loaders look, in order")
    where.set_defaults(handler=_cmd_where)

    def data_help(args: object) -> int:
        data.print_help()
        return 0

    data.set_defaults(handler=data_help)

    cas = subparsers.add_parser(
        "cascades",
        help="cascade shapes (size, depth, breadth, virality, duration) of real or simulated "
        "cascades to CSV",
        description="One row per cascade of real reply trees (PATH: a folder or zip of "
        "reply-tree files, or a folder of such zips) or of a scenario's simulated claim "
        "(--simulate CONFIG.yaml).",
        epilog=_CASCADES_EPILOG,
        formatter_class=_raw(),
    )
    cas.add_argument("path", nargs="?", metavar="PATH", help="reply-tree folder or zip")
    cas.add_argument("--simulate", metavar="CONFIG.yaml", help="simulate this scenario's claim")
    cas.add_argument("--n", type=_positive_int, default=100, help="simulated cascades (100)")
    cas.add_argument("--seed", type=_seed_int, default=None, help="RNG seed of --simulate")
    cas.add_argument("--label", action="append", help="only this label (repeatable)")
    cas.add_argument("--out", metavar="FILE.csv", required=True, help="where to write the table")
    cas.set_defaults(handler=_cmd_cascades)

    cal = subparsers.add_parser(
        "calibrate",
        help="fit the claim's spreading to real cascades of one label (ABC-SMC)",
        description="Fit the scenario's claim spreading parameters to the real cascades of "
        "one label by ABC-SMC (pyabc; the same seed gives the same fit on any number of "
        "workers) on a training split; report held-out KS distances against "
        "a fitted branching-process baseline.",
        epilog=_CALIBRATE_EPILOG,
        formatter_class=_raw(),
    )
    cal.add_argument("path", metavar="PATH", help="reply-tree folder or zip (real cascades)")
    cal.add_argument("--label", required=True, help="which label to fit (e.g. False)")
    cal.add_argument("--out", metavar="DIR", required=True, help="output folder")
    cal.add_argument("--budget", choices=("tiny", "quick", "full"), default="quick")
    cal.add_argument("--seed", type=_seed_int, default=0, help="RNG seed (default 0)")
    cal.add_argument("--workers", type=_positive_int, default=None, help="local processes")
    cal.add_argument("--scheduler", metavar="ADDRESS", help="run on this Dask scheduler")
    cal.add_argument(
        "--folds",
        type=int_at_least(2),
        default=None,
        metavar="K",
        help="also K-fold cross-validate (K more fits): DIR/cv.csv, every cascade held out once",
    )
    cal.set_defaults(handler=_cmd_calibrate)


def _raw():
    import argparse

    return argparse.RawDescriptionHelpFormatter


def _cmd_fetch(args) -> int:
    from ..realdata import fetch_data

    paths = fetch_data(
        args.names or None, cache_dir=args.dest, base_url=args.base_url, progress=_tty()
    )
    for rel, path in paths.items():
        print(f"{rel}: {path}")
    return 0


def _cmd_where(args) -> int:
    from ..realdata import DATASETS, _search_roots

    for what, folder in _search_roots():
        if folder is None:
            print(f"{what}: (not set / not found)")
            continue
        have = [rel for rel in DATASETS if (folder / rel).exists()]
        print(f"{what}: {folder}  ({len(have)} of {len(DATASETS)} files)")
    return 0


def _cmd_cascades(args) -> int:
    from .. import cascades
    from ..io import check_output_file, write_text_atomic

    if (args.path is None) == (args.simulate is None):
        raise ValueError("give either PATH (real reply trees) or --simulate CONFIG.yaml.")
    check_output_file("--out", args.out, example="shapes.csv")  # before the work, not after
    if args.simulate is not None:
        from ..scenario import load_config

        cfg = load_config(args.simulate)
        table = cascades.simulated_cascade_shapes(cfg, args.n, rng=args.seed)
    else:
        table = cascades.cascade_shapes(args.path, labels=args.label)
    write_text_atomic(args.out, table.loc[:, list(cascades.SHAPE_COLUMNS)].to_csv(index=False))
    counts = table.groupby("label").size().to_dict()
    print(f"{len(table)} cascades ({counts}) written to {args.out}")
    return 0


def _cmd_calibrate(args) -> int:
    from ..calibration import calibrate
    from ..io import check_output_folder

    check_output_folder("--out", args.out)  # before the fit, not after it
    common = dict(label=args.label, budget=args.budget, rng=args.seed, workers=args.workers,
                  scheduler=args.scheduler, progress=True)  # fmt: skip
    result = calibrate(args.path, out=args.out, **common)
    print(result.report())
    if args.folds is not None:
        from pathlib import Path

        from ..calibration import cross_validate
        from ..io import write_text_atomic

        table = cross_validate(args.path, folds=args.folds, **common)
        write_text_atomic(Path(args.out) / "cv.csv", table.to_csv(index=False))
        folds = table[table["fold"] != "pooled"]
        print(f"{args.folds}-fold held-out KS, mean over the folds (real_training: the floor):")
        print(folds.pivot_table(index="stat", columns="model", values="ks").round(3).to_string())
        pooled = table[table["fold"] == "pooled"].pivot(index="stat", columns="model", values="ks")
        print("all cascades against the out-of-fold simulations, pooled:")
        print(pooled.round(3).to_string())
    return 0


def _tty() -> bool:
    return sys.stderr.isatty()
