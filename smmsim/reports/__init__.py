"""Run the notebook suite with papermill and publish a static HTML report site.

``build_report("quick")`` executes every notebook of the suite (``notebooks/``
here if it has notebooks, else the installed package's) with the parameters
of a preset (``data/presets.yaml``: ``quick`` for class, ``full`` for
publication), in parallel worker processes each with its own kernel, and
writes one static page per notebook, a thumbnail of its key figure and an
``index.html`` of cards. The site is rendered in a work folder next to
``out`` and swapped in only when every notebook ran; a build killed at any
moment leaves nothing that the next build does not clean up or restore.

The command line is ``smmsim report [--preset quick|full] [--notebooks 3,8]
[-p name=value ...] [--jobs N] [--out DIR] [--notebooks-dir DIR]``.

What the report reads from a notebook (the conventions notebooks follow)
------------------------------------------------------------------------
- **Parameters**: the first code cell, tagged ``parameters``, holds only
  ``name: type = literal  # comment`` lines (types int, float, str, bool,
  list, dict). Presets and ``-p`` are checked against it before anything runs.
- **Title and summary**: the first markdown heading and the paragraph after it.
- **Thumbnail**: the first ``image/png`` output of the cell tagged
  ``key-figure``, else the first ``image/png`` output of the notebook.
- **Kernel-free sliders**: outputs of mimetype ``application/vnd.vegalite.v*+json``
  (or ``application/vnd.vega.v*+json``) are drawn by vega-embed from
  ``assets/vega-embed.js``, written into the site from ``vl-convert-python``
  (no CDN); their parameter bindings (sliders) work on the static page.
  ipywidgets views (``application/vnd.jupyter.widget-view+json``) are dropped:
  there is no kernel behind them.
- **Exercises**: answers folded in markdown as
  ``<details><summary>Answer</summary> ... </details>`` stay folded.
- **Status**: ``ok``; ``failed`` (a cell raised: the exception's last line is
  shown on the card and printed by the CLI); ``no-real-data`` when a
  notebook shows an output of mimetype ``application/vnd.smmsim.report+json``
  with ``{"status": "no-real-data", "what": ..., "how": ...}``
  (:func:`smmsim.reports.status.show_missing_data`): the card says "ran
  without its real data" and how to get it.

Pages hide code by default (a "Show code" toggle shows it) and have a print
stylesheet.
"""

from __future__ import annotations

from .build import ReportError, build_report, default_jobs
from .execute import execute_notebook
from .pages import notebook_html
from .site import SITE_MARKER
from .status import STATUS_MIMETYPE, show_missing_data
from .suite import (
    NotebookParameter,
    find_presets,
    list_notebooks,
    load_presets,
    notebooks_dir,
    parse_parameter_items,
    presets_path,
    read_parameters,
    select_notebooks,
)

__all__ = [
    "SITE_MARKER",
    "STATUS_MIMETYPE",
    "NotebookParameter",
    "ReportError",
    "build_report",
    "default_jobs",
    "execute_notebook",
    "find_presets",
    "list_notebooks",
    "load_presets",
    "notebook_html",
    "notebooks_dir",
    "parse_parameter_items",
    "presets_path",
    "read_parameters",
    "select_notebooks",
    "show_missing_data",
]
