"""The ``smmsim lab`` command: open JupyterLab on the notebook suite.

Parse and call :mod:`smmsim.apps`; ``smmsim.cli`` adds it with :func:`register`.
"""

from __future__ import annotations

import argparse
import sys

from ._args import Subparsers, int_at_least


def register(subparsers: Subparsers) -> None:
    """Add the ``lab`` subcommand to ``subparsers``."""
    p = subparsers.add_parser(
        "lab",
        help="open JupyterLab on the teaching notebooks",
        description="Start JupyterLab on the notebooks folder (the suite's notebooks, with their "
        "sliders live). Stop it with Ctrl-C.",
        epilog="examples:\n  smmsim lab\n  smmsim lab --no-browser --port 8890",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--port", type=int_at_least(1), default=None, help="port (default 8888)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    p.add_argument("--dir", default=None, help="folder to open (default: the notebooks)")
    p.set_defaults(handler=_cmd_lab)


def _cmd_lab(args) -> int:
    from ..apps import lab_command, run

    try:
        cmd = lab_command(args.dir, port=args.port, no_browser=args.no_browser)
    except ValueError as err:
        print(f"smmsim lab: error: {err}", file=sys.stderr)
        return 2
    return run(cmd)
