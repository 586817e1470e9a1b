"""The ``smmsim report`` command: run the notebooks, publish an HTML site.

Parse, call :func:`smmsim.reports.build_report`, report; no logic of its own.
``smmsim.cli`` adds it with :func:`register`. Exit codes: 0 the site was
written; 1 a notebook failed (the previous site is kept, the failed pages are
in ``DIR.failed``); 2 bad preset, notebook name, arguments or presets file;
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_EPILOG = """\
examples:
  smmsim report                          # quick preset -> reports/site/index.html
  smmsim report --preset full            # publication size (about a minute)
  smmsim report --notebook 05_who_to_seed --out /tmp/site

Presets live in data/presets.yaml (quick, full, and tiny for tests).
exit status: 0 site written; 1 a notebook failed (previous site kept, failed
pages in DIR.failed); 2 bad preset, notebook or presets file.
"""


def register(subparsers) -> None:
    """Add the ``report`` subcommand to ``subparsers``.

    The subparser sets ``handler``: a function taking the parsed arguments and
    returning the exit code.
    """
    p = subparsers.add_parser(
        "report",
        help="run the notebook suite with papermill and publish an HTML report site",
        description=(
            "Execute every notebook in notebooks/ with a parameter preset and write\n"
            "the executed notebooks, one HTML page each and an index.html to DIR.\n"
            "The site is replaced as a whole, and only if every notebook ran."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--preset",
        default="quick",
        metavar="NAME",
        help="parameter preset: quick (class, under a minute; default) or full (publication)",
    )
    p.add_argument(
        "--out", default="reports/site", metavar="DIR", help="site folder (default: reports/site)"
    )
    p.add_argument(
        "--notebook",
        action="append",
        dest="notebooks",
        metavar="NAME",
        help="run only this notebook, e.g. 05_who_to_seed (repeatable; default: all)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(handler=_cmd_report)


def _cmd_report(args) -> int:
    from ..reports import ReportError, build_report

    try:
        index = build_report(
            args.preset, out=args.out, notebooks=args.notebooks, progress=not args.quiet
        )
    except ReportError as exc:
        print(f"smmsim report: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (ValueError, TypeError, FileNotFoundError) as exc:
        message = " ".join(str(exc).split())
        print(f"smmsim report: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("smmsim report: interrupted; the previous site is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(index)
    return EXIT_OK
