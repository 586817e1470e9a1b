"""How a notebook tells the report that it ran without its real data.

A notebook that cannot find real data and skips or replaces that part shows
one display output of mimetype :data:`STATUS_MIMETYPE` holding
``{"status": "no-real-data", "what": ..., "how": ...}``. The report then marks
its card "ran without its real data" and says how to get it. The same output
carries a visible note (markdown and plain text) for JupyterLab and the page.

This module imports nothing heavy, so any notebook can use it.

Examples
--------
>>> bundle = missing_data_bundle("Twitter cascades", "set $SMMSIM_DATA")
>>> bundle[STATUS_MIMETYPE]["status"]
'no-real-data'
"""

from __future__ import annotations

__all__ = ["STATUS_MIMETYPE", "NO_REAL_DATA", "missing_data_bundle", "show_missing_data"]

STATUS_MIMETYPE = "application/vnd.smmsim.report+json"
NO_REAL_DATA = "no-real-data"


def missing_data_bundle(what: str, how: str) -> dict:
    """The display bundle that marks a notebook as run without its real data.

    Parameters
    ----------
    what : str
        Which data was missing, e.g. ``"Twitter reply cascades"``.
    how : str
        How to get it, e.g. ``"put False.zip and True.zip in ../shared/data"``.

    Returns
    -------
    dict
        mimetype -> data, for ``IPython.display.display(bundle, raw=True)``.
    """
    for name, value in (("what", what), ("how", how)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"`{name}` must be a non-empty text; got {value!r}.")
    text = f"Ran without its real data ({what}). To get it: {how}"
    return {
        STATUS_MIMETYPE: {"status": NO_REAL_DATA, "what": what, "how": how},
        "text/markdown": f"**Ran without its real data** ({what}). To get it: {how}",
        "text/plain": text,
    }


def show_missing_data(what: str, how: str) -> None:
    """Display :func:`missing_data_bundle` in the running notebook."""
    from IPython.display import display

    display(missing_data_bundle(what, how), raw=True)
