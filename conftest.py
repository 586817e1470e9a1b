"""Shared pytest configuration (tests and the package's doctests).

Real data: tests that read it take the ``shared_data`` fixture, and doctests
that read it say so in a comment on the line that reads it
(``# reads ../shared/data``). Without the
data they are skipped with the reason printed (``-ra``); with
``SMMSIM_REQUIRE_DATA=1`` (``.ci/run`` sets it when ``../shared/data`` exists)
a missing folder is an error instead, so a real-data test can never be skipped
silently where the data should be.

Hypothesis runs derandomized by default (profile ``ci``): the same examples on
every run and machine, no example database, and no per-example deadline (the
first call of a numba kernel compiles). Pick another registered profile with
``HYPOTHESIS_PROFILE=dev``.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=50, database=None)
settings.register_profile("dev", deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


import pytest  # noqa: E402

_REAL_DATA_MARK = "# reads ../shared/data"
_NO_DATA = "real data not found (../shared/data or $SMMSIM_DATA); see ../shared/data/README.md"


def _data_required() -> bool:
    return os.environ.get("SMMSIM_REQUIRE_DATA", "").strip().lower() in ("1", "true", "yes")


def _real_data_dir():
    """The real-data folder, or None when it is absent and not required."""
    from smmsim.realdata import shared_data_dir

    try:
        return shared_data_dir()
    except FileNotFoundError:
        if _data_required():
            raise
        return None


def pytest_collection_modifyitems(config, items):
    doctests = [
        item
        for item in items
        if type(item).__name__ == "DoctestItem"
        and any(_REAL_DATA_MARK in example.source for example in item.dtest.examples)
    ]
    if doctests and _real_data_dir() is None:
        for item in doctests:
            item.add_marker(pytest.mark.skip(reason=_NO_DATA))


@pytest.fixture(scope="session")
def shared_data():
    """The real-data folder; the test is skipped without it unless SMMSIM_REQUIRE_DATA=1."""
    folder = _real_data_dir()
    if folder is None:
        pytest.skip(_NO_DATA)
    return folder


@pytest.fixture(scope="session")
def quick_site(tmp_path_factory):
    """The quick-preset site of the project's notebook suite, built once per test run.

    This is how CI executes every notebook at the quick preset, lesson checks
    on (tests/test_notebooks.py), and what the site tests open
    (tests/test_reports.py). Two notebooks run at a time. When a notebook
    fails, the build's ``.failed`` folder is returned instead, so that each
    notebook's test reports its own outcome.
    """
    from pathlib import Path

    from smmsim.reports import ReportError, build_report

    root = Path(__file__).resolve().parent
    out = tmp_path_factory.mktemp("quick") / "site"
    try:
        return build_report("quick", out=out, notebooks_dir=root / "notebooks", jobs=2)
    except ReportError:
        return out.with_name(out.name + ".failed") / "index.html"
