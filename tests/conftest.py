"""Shared pytest configuration.

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


@pytest.fixture(scope="session")
def shared_data():
    """The shared real-data folder; skipped locally if absent, an error under CI."""
    from smmsim.realdata import shared_data_dir

    try:
        return shared_data_dir()
    except FileNotFoundError:
        if os.environ.get("CI"):
            raise
        pytest.skip("shared real-data folder (../shared/data or $SMMSIM_DATA) not available")
