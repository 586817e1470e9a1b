"""The ``smmsim app NOTEBOOK`` command: one notebook as a web app (Voila).

Parse and call :mod:`smmsim.apps`; ``smmsim.cli`` adds it with :func:`register`.
"""

from __future__ import annotations

import argparse
import sys

from ._args import Subparsers, int_at_least


def register(subparsers: Subparsers) -> None:
    """Add the ``app`` subcommand to ``subparsers``."""
    p = subparsers.add_parser(
        "app",
        help="serve one notebook as a web app: code hidden, sliders live (Voila)",
        description="Serve one notebook with Voila: its code is hidden, its figures and "
        "controls show, and moving a slider reruns the experiment. Stop it with Ctrl-C.",
        epilog="examples:\n  smmsim app 01_word_of_mouth\n"
        "  smmsim app notebooks/03_sticky_content.ipynb --no-browser --port 8870",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("notebook", help="a notebook file or the name of one (e.g. 01_word_of_mouth)")
    p.add_argument("--port", type=int_at_least(1), default=None, help="port (default 8866)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    p.set_defaults(handler=_cmd_app)


def _cmd_app(args) -> int:
    from ..apps import app_command, run

    try:
        cmd = app_command(args.notebook, port=args.port, no_browser=args.no_browser)
    except ValueError as err:
        print(f"smmsim app: error: {err}", file=sys.stderr)
        return 2
    return run(cmd)
