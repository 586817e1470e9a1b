"""The ``smmsim report`` command: run the notebooks, publish an HTML site.

Parse, call :func:`smmsim.reports.build_report`, report; no logic of its own.
``smmsim.cli`` adds it with :func:`register`. Exit codes: 0 the site was
written; 1 a notebook failed (the previous site is kept, the failed pages are
in ``DIR.failed``); 2 bad preset, notebook name, parameter, arguments or
presets file (nothing ran); 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

from ._args import Subparsers, int_at_least

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_EPILOG = """\
examples:
  smmsim report                                  # quick preset -> reports/site/index.html
  smmsim report --preset full --jobs 4           # publication size, 4 notebooks at once
  smmsim report --notebooks 1 -p stickiness=0.5  # rebuild page 1 only, the others stay
  smmsim report --notebooks 3,8 --out /tmp/site
  smmsim report --notebooks-dir my-course/notebooks

Presets live in data/presets.yaml next to the notebooks folder (quick, full,
and tiny for tests). -p values are checked against each notebook's parameters
cell before anything runs.
exit status: 0 site written; 1 a notebook failed (previous site kept, failed
pages in DIR.failed); 2 bad preset, notebook, parameter or presets file.
"""


def register(subparsers: Subparsers) -> None:
    """Add the ``report`` subcommand to ``subparsers``.

    The subparser sets ``handler``: a function taking the parsed arguments and
    returning the exit code.
    """
    p = subparsers.add_parser(
        "report",
        help="run the notebook suite with papermill and publish an HTML report site",
        description=(
            "Execute the notebooks with a parameter preset, in parallel, and write the\n"
            "executed notebooks, one HTML page each and an index.html to DIR. The site\n"
            "is replaced only if every notebook ran; --notebooks rebuilds some pages\n"
            "and keeps the others."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--preset",
        default="quick",
        metavar="NAME",
        help="parameter preset: quick (class; default) or full (publication)",
    )
    p.add_argument(
        "--notebooks",
        action="append",
        dest="notebooks",
        metavar="LIST",
        help="only these notebooks, by number or name, e.g. 3,8 or 02_who_to_seed; "
        "the other pages of the site are kept (default: all)",
    )
    p.add_argument("--notebook", action="append", dest="notebooks", help=argparse.SUPPRESS)
    p.add_argument(
        "-p",
        "--parameter",
        action="append",
        dest="parameters",
        default=[],
        metavar="NAME=VALUE",
        help="override a notebook parameter, e.g. -p n_nodes=500 -p seed_counts=[1,5] "
        "(repeatable; applies to every chosen notebook that has it)",
    )
    p.add_argument(
        "--jobs",
        type=int_at_least(1),
        default=None,
        metavar="N",
        help="notebooks run at once, each with its own kernel (default: the cores)",
    )
    p.add_argument(
        "--out", default="reports/site", metavar="DIR", help="site folder (default: reports/site)"
    )
    p.add_argument(
        "--notebooks-dir",
        default=None,
        metavar="DIR",
        help="the notebooks to build (default: notebooks/ here if it has notebooks, "
        "else the installed package's)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(handler=_cmd_report)


def _cmd_report(args) -> int:
    from ..reports import ReportError, build_report, parse_parameter_items

    try:
        index = build_report(
            args.preset,
            out=args.out,
            notebooks=args.notebooks,
            parameters=parse_parameter_items(args.parameters),
            jobs=args.jobs,
            notebooks_dir=args.notebooks_dir,
            progress=not args.quiet,
        )
    except ReportError as exc:
        print(f"smmsim report: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_FAILED
    except (ValueError, TypeError, FileNotFoundError) as exc:
        message = " ".join(str(exc).split())
        print(f"smmsim report: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("smmsim report: interrupted; no site was changed", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(index)
    return EXIT_OK
