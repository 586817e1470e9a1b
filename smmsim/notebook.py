"""Plotting and table helpers for the teaching notebooks.

Every function takes the tidy tables that :mod:`smmsim.engine`,
:mod:`smmsim.experiments`, :mod:`smmsim.classic` and :mod:`smmsim.realdata`
return and gives back a :class:`matplotlib.figure.Figure` or a
:class:`pandas.DataFrame`. No model logic lives here: the helpers sum,
average, label and draw.

Figures are made through pyplot (so that Jupyter's inline display is set up)
and closed at once: a notebook cell that ends with one shows it exactly once,
and nothing piles up in pyplot. Save one with ``fig.savefig("name.png")``.

Examples
--------
>>> from smmsim.engine import simulate_replicates
>>> from smmsim.scenario import ScenarioConfig
>>> cfg = ScenarioConfig.from_dict({"graph": {"n_nodes": 300}})
>>> summary, steps = simulate_replicates(cfg, n_replicates=3, rng=1)
>>> fig = plot_steps(steps, ["website_sessions", "conversions"])
>>> len(fig.axes)
2
>>> metric_families_table(summary)["family"].unique().tolist()
['Website traffic', 'Return on investment', 'Customer responsiveness', 'Reach / virality']
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from .metrics.intervals import half_width

if TYPE_CHECKING:
    import networkx as nx

    from .engine import Run
    from .graphs import SocialGraph

__all__ = [
    "METRIC_LABELS",
    "METRIC_FAMILIES",
    "step_totals",
    "plot_steps",
    "plot_impressions_by_origin",
    "metric_families_table",
    "plot_money",
    "plot_mean_ci",
    "plot_seed_choices",
    "plot_delay_curve",
    "plot_adoption_curves",
    "plot_ecdfs",
    "SOURCE_LABELS",
    "reach_sources_table",
    "plot_reach_sources",
    "plot_funnel_by_source",
    "plot_takeoff",
    "plot_steps_by",
    "cascade_frames",
    "graph_layout",
    "plot_cascade_sizes",
    "tie_type_table",
    "plot_social_graph",
    "cascade_size_table",
    "plot_cascade_on_graph",
    "plot_cascade_tree",
]

# ---------------------------------------------------------------------------
# Names, units and colours

METRIC_LABELS = {
    # per step (Run.steps_frame) and per run (Run.summary)
    "website_sessions": "Website sessions (visits)",
    "sessions_paid": "Website sessions from paid media",
    "sessions_owned": "Website sessions from owned media",
    "sessions_earned": "Website sessions from earned media",
    "conversions": "Conversions (purchases)",
    "revenue": "Revenue ($)",
    "gross_profit": "Gross profit ($)",
    "cost": "Cost ($)",
    "roi": "ROI: (gross profit - cost) / cost",
    "cost_per_acquisition": "Cost per acquisition ($ per purchase)",
    "earned_media_value": "Earned media value ($ at the ad CPM)",
    "responsiveness": "Customers who posted (people)",
    "reviews_positive": "Positive reviews",
    "reviews_negative": "Negative reviews",
    "sentiment": "Sentiment (share of positive impressions)",
    "reach": "Reach (people exposed)",
    "reach_earned_only": "Reached by word of mouth only (people)",
    "earned_reach_share": "Share of reach by word of mouth only",
    "new_reach": "Newly reached people",
    "impressions": "Impressions",
    "impressions_paid": "Paid impressions",
    "impressions_owned": "Owned impressions",
    "impressions_earned": "Earned impressions",
    "engagements": "Engagements",
    "shares": "Shares (people who passed it on)",
    "virality_rate": "Virality rate (shares / reach)",
    "amplification": "Amplification (shares per seed post)",
    "cascade_depth": "Cascade depth (generations)",
    "structural_virality": "Structural virality (mean distance)",
    "referrals": "Referred purchases",
    # crisis (experiments.correction_delay_curve)
    "lost_sales": "Lost sales (purchases)",
    "lost_sales_after": "Lost sales after the campaign (purchases)",
    "lost_sales_total": "Lost sales, in and after the campaign (purchases)",
    "lost_revenue": "Lost revenue ($)",
    "intent_loss": "Drop in mean purchase interest (percentage points)",
    "negative_reach": "People who saw the claim",
    "correction_reach": "People who saw the correction",
    "misinformed": "People who engaged with the claim",
    # classic models and real cascades
    "fraction": "Share of people who adopted",
    "size": "Cascade size (tweets)",
    "depth": "Depth (longest reply chain)",
    "breadth": "Breadth (most tweets at one depth)",
}
"""Human-readable axis labels (with units) of the metric columns."""

METRIC_FAMILIES = {
    "Website traffic": (
        ("website_sessions", "visits to the brand's website"),
        ("sessions_paid", "... after seeing an ad"),
        ("sessions_owned", "... after a post on the brand's own channels"),
        ("sessions_earned", "... after a share or a review by a person"),
    ),
    "Return on investment": (
        ("conversions", "purchases"),
        ("revenue", "purchases x price"),
        ("cost", "money spent on all levers"),
        ("gross_profit", "revenue x margin"),
        ("roi", "(gross profit - cost) / cost"),
        ("cost_per_acquisition", "cost / purchases"),
        ("earned_media_value", "earned impressions priced at the ad CPM"),
    ),
    "Customer responsiveness": (
        ("responsiveness", "customers who posted (shared or reviewed)"),
        ("reviews_positive", "positive reviews by buyers"),
        ("reviews_negative", "negative reviews by buyers"),
        ("sentiment", "positive share of people's posts seen"),
    ),
    "Reach / virality": (
        ("reach", "unique people exposed to the brand's content"),
        ("impressions_paid", "exposures bought (ads, influencers)"),
        ("impressions_owned", "exposures from the brand's own channels"),
        ("impressions_earned", "exposures from people's shares and reviews"),
        ("shares", "people who passed the content on"),
        ("virality_rate", "shares / reach"),
        ("amplification", "shares by people per post the brand made"),
        ("cascade_depth", "longest chain of shares"),
        ("structural_virality", "mean distance in the cascade tree"),
    ),
}
"""The four metric families of social media marketing: metric -> meaning."""

ORIGIN_COLORS = {"paid": "#4C72B0", "owned": "#DD8452", "earned": "#55A868"}
KIND_COLORS = {
    "brand": "#4C72B0",
    "review_positive": "#55A868",
    "review_negative": "#8C8C8C",
    "claim": "#C44E52",
    "correction": "#8172B3",
}
_PERCENT = {"roi", "virality_rate", "sentiment", "intent_loss", "earned_reach_share"}
_STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#E5E5E5",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10.5,
    "font.size": 10.5,
    "legend.frameon": False,
    "axes.prop_cycle": mpl.cycler(  # type: ignore[attr-defined]
        color=["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3"]
    ),
}
_DPI = 110


def _styled(func):
    """Draw under the module's style, whatever the caller's rcParams."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(_STYLE):
            return func(*args, **kwargs)

    return wrapper


def _new_figure(figsize) -> Figure:
    # pyplot loads the backend, which sets up Jupyter's inline display of figures;
    # closing leaves the figure to the caller (shown once, when a cell returns it)
    fig = plt.figure(figsize=figsize, dpi=_DPI, layout="constrained")
    plt.close(fig)
    return fig


def _figure(n_panels: int, *, ncols: int = 2, panel=(5.0, 3.4), title=None):
    ncols = max(1, min(ncols, n_panels))
    nrows = -(-n_panels // ncols)
    fig = _new_figure((panel[0] * ncols, panel[1] * nrows + 0.4))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title, fontsize=13, fontweight="bold")
    return fig, list(axes[:n_panels])


def _label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric.replace("_", " ").capitalize())


def _format_axis(axis, metric: str) -> None:
    if metric == "intent_loss":  # a drop in a probability: percentage points, no % sign
        axis.set_major_formatter(FuncFormatter(lambda x, _p: f"{100 * x:.2g}"))
    elif metric in _PERCENT:
        axis.set_major_formatter(PercentFormatter(1.0, decimals=None, symbol="%"))
    else:
        axis.set_major_formatter(FuncFormatter(_thousands))


def _caption(fig, text: str) -> None:
    """A small grey note under the panels (laid out by constrained layout)."""
    fig.supxlabel(text, fontsize=9, color="#555555")


def _zero_floor(ax, values) -> None:
    """Start the y axis at 0 when every value is >= 0, so sizes are not exaggerated."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) and values.min() >= 0:
        ax.set_ylim(bottom=0)


def _thousands(x, _pos=None) -> str:
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:g}"


def _check_columns(table: pd.DataFrame, columns, what: str = "table") -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"`{what}` must be a pandas DataFrame; got {type(table).__name__}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"`{what}` lacks column(s) {missing}; it has {list(table.columns)}.")


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def _mean_ci(table: pd.DataFrame, by: list, metric: str) -> pd.DataFrame:
    """Mean and 95% CI (:func:`~smmsim.metrics.intervals.half_width`) of ``metric`` per group."""
    g = table.groupby(by, dropna=False, sort=True)[metric]
    out = g.agg(n="count", mean="mean", sd="std").reset_index()
    half = half_width(out["sd"].fillna(0.0), out["n"].clip(lower=1))
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out


# ---------------------------------------------------------------------------
# Per-step tables (analytics-report style)


def step_totals(
    steps: pd.DataFrame,
    metrics: str | Sequence[str] | None = None,
    *,
    by: str | None = None,
    kinds: str | Sequence[str] | None = None,
    cumulative: bool = False,
) -> pd.DataFrame:
    """Per-replicate, per-step totals over content items, with every step present.

    A run stops early once nothing moves, so replicates can have different
    numbers of steps; missing steps count as 0 here (or keep the last total
    with ``cumulative=True``), so means over replicates are taken over all of
    them.

    Parameters
    ----------
    steps : pandas.DataFrame
        A per-step table: :meth:`smmsim.engine.Run.steps_frame` (one run) or
        the second table of :func:`smmsim.engine.simulate_replicates` (with a
        ``replicate`` column).
    metrics : str or list of str, optional
        Per-step count columns to total (default: every numeric column except
        ``reach``, which is already cumulative per item).
    by : {None, "kind", "item"}, default None
        Keep items apart by their kind (brand, claim, correction, ...) or name.
    kinds : str or list of str, optional
        Only these kinds of item (e.g. ``"brand"``).
    cumulative : bool, default False
        Running totals over steps instead of per-step counts.

    Returns
    -------
    pandas.DataFrame
        Columns ``replicate``, ``step``, the ``by`` column if any, then the metrics.

    Raises
    ------
    ValueError
        If a column is missing or ``by`` is not one of the choices.

    Examples
    --------
    >>> steps = pd.DataFrame({"replicate": [0, 0, 1], "step": [0, 1, 0],
    ...                       "item": ["post"] * 3, "kind": ["brand"] * 3,
    ...                       "website_sessions": [3, 1, 5]})
    >>> step_totals(steps, "website_sessions", cumulative=True)["website_sessions"].tolist()
    [3, 4, 5, 5]
    """
    if by not in (None, "kind", "item"):
        raise ValueError(f"`by` must be None, 'kind' or 'item'; got {by!r}.")
    _check_columns(steps, ["step", "item", "kind"], "steps")
    if metrics is None:
        skip = {"replicate", "step", "reach"}
        metrics = [
            c for c in steps.columns if c not in skip and pd.api.types.is_numeric_dtype(steps[c])
        ]
    metrics = _as_list(metrics)
    _check_columns(steps, metrics, "steps")
    frame = steps if "replicate" in steps.columns else steps.assign(replicate=0)
    if kinds is not None:
        frame = frame[frame["kind"].isin(_as_list(kinds))]
    keys = ["replicate", "step"] + ([by] if by else [])
    totals = frame.groupby(keys, sort=True)[metrics].sum()
    # every replicate x step (x group) present, so that means cover all replicates
    levels = [
        np.unique(steps["replicate"]) if "replicate" in steps.columns else np.array([0]),
        np.arange(int(steps["step"].max()) + 1 if len(steps) else 0),
    ]
    if by:
        levels.append(pd.unique(frame[by]))
    full = pd.MultiIndex.from_product(levels, names=keys)
    totals = totals.reindex(full, fill_value=0)
    if cumulative:
        group = ["replicate"] + ([by] if by else [])
        totals = totals.groupby(level=group, sort=False).cumsum()
    return totals.reset_index()


@_styled
def plot_steps(
    steps: pd.DataFrame,
    metrics: str | Sequence[str] = ("website_sessions", "conversions"),
    *,
    by: str | None = None,
    kinds: str | Sequence[str] | None = None,
    cumulative: bool = False,
    ncols: int = 2,
    title: str | None = None,
) -> Figure:
    """Metrics per step, averaged over replicates, with a 95% band.

    Parameters
    ----------
    steps : pandas.DataFrame
        A per-step table (see :func:`step_totals`).
    metrics : str or list of str, default ("website_sessions", "conversions")
        One panel each.
    by : {None, "kind", "item"}, default None
        One line per kind (or item) of content instead of their total.
    kinds : str or list of str, optional
        Only these kinds of item.
    cumulative : bool, default False
        Running totals instead of per-step counts.
    ncols : int >= 1, default 2
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    metrics = _as_list(metrics)
    totals = step_totals(steps, metrics, by=by, kinds=kinds, cumulative=cumulative)
    n_rep = totals["replicate"].nunique()
    fig, axes = _figure(len(metrics), ncols=ncols, title=title)
    groups: list = [None] if by is None else list(pd.unique(totals[by]))
    # step_totals has every replicate x step (x group), in that order: the
    # means and CIs over replicates are array reductions (a groupby per line
    # and metric was a third of drawing the figure)
    steps_axis = np.arange(len(totals) // max(1, n_rep * len(groups)))
    shape = (n_rep, len(steps_axis), len(groups))
    handles = []
    for ax, metric in zip(axes, metrics):
        values = totals[metric].to_numpy(dtype=float).reshape(shape)
        mean = values.mean(axis=0)
        half = half_width(values.std(axis=0, ddof=1), n_rep) if n_rep > 1 else 0 * mean
        for j, group in enumerate(groups):
            color = KIND_COLORS.get(group) if by == "kind" else None
            label = None if group is None else str(group).replace("_", " ")
            (line,) = ax.plot(steps_axis, mean[:, j], lw=2, color=color, label=label)
            if ax is axes[0]:
                handles.append(line)
            if n_rep > 1:
                ax.fill_between(
                    steps_axis,
                    np.clip(mean[:, j] - half[:, j], 0, None),  # type: ignore[index]
                    mean[:, j] + half[:, j],  # type: ignore[index]
                    color=line.get_color(),
                    alpha=0.2,
                    lw=0,
                )
        prefix = "Cumulative " if cumulative else ""
        name = _label(metric)
        ax.set_title(prefix + (name[0].lower() + name[1:] if prefix else name))
        ax.set_xlabel("Time step")
        ax.set_ylabel("total so far" if cumulative else "per step")
        ax.set_ylim(bottom=0)
        ax.set_xlim(0, max(1, int(totals["step"].max())))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        _format_axis(ax.yaxis, metric)
    note = f"Lines: mean over {n_rep} replicates; bands: 95% confidence interval"
    if by is not None:
        # the caption goes into the legend's title: a caption and a legend both
        # laid out "outside lower" by constrained layout overlap
        fig.legend(
            handles=handles,
            title=f"content ({by})" + (f". {note}" if n_rep > 1 else ""),
            title_fontsize=9,
            loc="outside lower center",
            ncols=min(len(handles), 5),
        )
    elif n_rep > 1:
        _caption(fig, note)
    return fig


@_styled
def plot_impressions_by_origin(
    steps: pd.DataFrame, *, kinds: str | Sequence[str] | None = None, title: str | None = None
) -> Figure:
    """Impressions per step split into paid, owned and earned media.

    Left: mean impressions per step, stacked by origin. Right: mean total per
    origin over the run, with its share of all impressions.

    Parameters
    ----------
    steps : pandas.DataFrame
        A per-step table with ``impressions_paid``, ``impressions_owned`` and
        ``impressions_earned`` (see :func:`step_totals`).
    kinds : str or list of str, optional
        Only these kinds of item (default: all the campaign's content).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    cols = [f"impressions_{o}" for o in ORIGIN_COLORS]
    totals = step_totals(steps, cols, kinds=kinds)
    mean = totals.groupby("step")[cols].mean()
    fig = _new_figure((11, 3.9))
    ax, bx = fig.subplots(1, 2, width_ratios=[2.2, 1])
    ax.stackplot(
        mean.index,
        *(mean[c] for c in cols),
        labels=[o.capitalize() for o in ORIGIN_COLORS],
        colors=list(ORIGIN_COLORS.values()),
        alpha=0.85,
    )
    ax.set_title("Impressions per step, by media type")
    ax.set_xlabel("Time step")
    ax.set_ylabel("impressions per step")
    ax.set_xlim(0, max(1, int(mean.index.max())))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.legend(loc="upper right")
    per_run = totals.groupby("replicate")[cols].sum().mean()
    share = per_run / max(per_run.sum(), 1)
    names = [o.capitalize() for o in ORIGIN_COLORS]
    bars = bx.barh(names[::-1], per_run.to_numpy()[::-1], color=list(ORIGIN_COLORS.values())[::-1])
    for bar, value, s in zip(bars, per_run.to_numpy()[::-1], share.to_numpy()[::-1]):
        bx.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f"  {value:,.0f} ({s:.0%})",
            va="center",
            fontsize=9.5,
        )
    bx.set_title("Total over the run")
    bx.set_xlabel("impressions")
    bx.set_xlim(0, per_run.max() * 1.45 if per_run.max() > 0 else 1)
    bx.xaxis.set_major_formatter(FuncFormatter(_thousands))
    bx.grid(axis="y", visible=False)
    if title:
        fig.suptitle(title, fontsize=13, fontweight="bold")
    n_rep = totals["replicate"].nunique()
    if n_rep > 1:
        _caption(fig, f"Means over {n_rep} replicates")
    return fig


# ---------------------------------------------------------------------------
# The four metric families


def metric_families_table(summary: pd.DataFrame | dict, *, formatted: bool = True) -> pd.DataFrame:
    """The run summary grouped into the four metric families of SMM.

    Parameters
    ----------
    summary : pandas.DataFrame or dict
        One row per replicate (the first table of
        :func:`smmsim.engine.simulate_replicates`) or one run's
        :meth:`~smmsim.engine.Run.summary`.
    formatted : bool, default True
        Return readable text (thousands separators, percentages, the 95%
        confidence interval as one column) instead of numbers.

    Returns
    -------
    pandas.DataFrame
        One row per metric. Formatted: indexed by ``metric``, with columns
        ``family``, ``meaning``, ``mean`` and ``95% CI`` (text). Otherwise
        columns ``family``, ``metric``, ``meaning``, ``n``, ``mean``,
        ``ci_low``, ``ci_high`` (numbers). Metrics missing from ``summary``
        are left out.
    """
    if isinstance(summary, dict):
        summary = pd.DataFrame([summary])
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"`summary` must be a DataFrame or dict; got {type(summary).__name__}.")
    rows = []
    for family, metrics in METRIC_FAMILIES.items():
        for metric, meaning in metrics:
            if metric not in summary.columns:
                continue
            values = pd.to_numeric(summary[metric], errors="coerce").dropna()
            n = len(values)
            mean = float(values.mean()) if n else float("nan")
            half = half_width(float(values.std(ddof=1)), n) if n > 1 else float("nan")
            rows.append(
                {
                    "family": family,
                    "metric": metric,
                    "meaning": meaning,
                    "n": n,
                    "mean": mean,
                    "ci_low": mean - half,
                    "ci_high": mean + half,
                }
            )
    table = pd.DataFrame(rows)
    if not formatted:
        return table

    def fmt(metric, x):
        if not np.isfinite(x):
            return "n/a"
        if metric in _PERCENT:
            return f"{x:.1%}"
        if metric in ("revenue", "cost", "gross_profit", "earned_media_value"):
            return f"${x:,.0f}"
        if metric == "cost_per_acquisition":
            return f"${x:,.2f}"
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"

    return pd.DataFrame(
        {
            "family": table["family"].to_numpy(),
            "meaning": table["meaning"].to_numpy(),
            "mean": [fmt(m, x) for m, x in zip(table["metric"], table["mean"])],
            "95% CI": [
                "n/a" if not np.isfinite(lo) else f"{fmt(m, lo)} to {fmt(m, hi)}"
                for m, lo, hi in zip(table["metric"], table["ci_low"], table["ci_high"])
            ],
        },
        index=pd.Index(table["metric"], name="metric"),
    )


@_styled
def plot_money(summary: pd.DataFrame | dict, *, title: str | None = None) -> Figure:
    """Where the money went and what came back: cost by lever vs gross profit.

    Parameters
    ----------
    summary : pandas.DataFrame or dict
        Replicate rows (or one run's summary) with ``cost_<lever>``,
        ``revenue``, ``gross_profit``, ``cost`` and ``roi``.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One stacked bar of mean cost by lever next to bars of mean revenue and
        gross profit; the title states the mean ROI and cost per acquisition.
    """
    if isinstance(summary, dict):
        summary = pd.DataFrame([summary])
    _check_columns(summary, ["revenue", "gross_profit", "cost", "roi"], "summary")
    levers = [c for c in summary.columns if c.startswith("cost_") and c != "cost_per_acquisition"]
    mean = summary[[*levers, "revenue", "gross_profit", "cost"]].mean()
    fig = _new_figure((9, 4.2))
    ax = fig.subplots()
    bottom = 0.0
    colors = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, col in enumerate(c for c in levers if mean[c] > 0):
        ax.bar(
            "Cost",
            mean[col],
            bottom=bottom,
            color=colors[i % len(colors)],
            label=col.removeprefix("cost_").replace("_", " "),
            width=0.6,
        )
        bottom += mean[col]
    ax.bar("Revenue", mean["revenue"], color="#C8C8C8", width=0.6)
    ax.bar("Gross profit", mean["gross_profit"], color="#4D4D4D", width=0.6)
    if bottom > 0:  # named in the legend (a label on the line ran into the bars)
        ax.axhline(bottom, color="black", ls="--", lw=1, label="break-even:\ngross profit = cost")
    for x, value in zip(
        ["Cost", "Revenue", "Gross profit"], [bottom, mean["revenue"], mean["gross_profit"]]
    ):
        ax.annotate(
            f"${value:,.0f}",
            (x, value),
            ha="center",
            va="bottom",
            xytext=(0, 3),
            textcoords="offset points",
            fontweight="bold",
        )
    ax.set_ylabel("dollars (mean per campaign)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"${x:,.0f}"))
    ax.set_ylim(0, max(bottom, mean["revenue"], 1) * 1.15)
    ax.grid(axis="x", visible=False)
    if bottom > 0:
        handles, labels = ax.get_legend_handles_labels()  # the break-even line last
        order = sorted(range(len(labels)), key=lambda i: labels[i].startswith("break-even"))
        ax.legend(
            [handles[i] for i in order], [labels[i] for i in order],
            title="cost by lever", loc="upper left", bbox_to_anchor=(1.0, 1.0),
        )  # fmt: skip
    roi = pd.to_numeric(summary["roi"], errors="coerce").mean()
    cpa = pd.to_numeric(summary.get("cost_per_acquisition"), errors="coerce")
    parts = [f"ROI {roi:+.0%}" if np.isfinite(roi) else "ROI n/a (nothing spent)"]
    if cpa is not None and np.isfinite(cpa.mean()):
        parts.append(f"cost per acquisition ${cpa.mean():,.2f}")
    ax.set_title(title or "Money in, money out: " + ", ".join(parts))
    if len(summary) > 1:
        _caption(fig, f"Means over {len(summary)} replicates; gross profit = revenue x margin")
    return fig


# ---------------------------------------------------------------------------
# Comparisons with confidence intervals


@_styled
def plot_mean_ci(
    table: pd.DataFrame,
    x: str,
    metrics: str | Sequence[str],
    *,
    hue: str | None = None,
    ncols: int = 2,
    logx: bool = False,
    title: str | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Mean and 95% confidence interval of metrics against ``x``, one panel each.

    Parameters
    ----------
    table : pandas.DataFrame
        Replicate rows, e.g. from :func:`smmsim.experiments.compare` with a
        column for the varied parameter.
    x : str
        Column on the horizontal axis (numbers or categories).
    metrics : str or list of str
        One panel per metric.
    hue : str, optional
        One line per value of this column (e.g. the seeding method).
    ncols : int >= 1, default 2
    logx : bool, default False
    title, xlabel : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    metrics = _as_list(metrics)
    _check_columns(table, [x, *metrics] + ([hue] if hue else []))
    fig, axes = _figure(len(metrics), ncols=ncols, title=title)
    numeric = pd.api.types.is_numeric_dtype(table[x])
    hues = [None] if hue is None else list(pd.unique(table[hue]))
    n_rep = int(table.groupby([x] + ([hue] if hue else [])).size().min())
    for ax, metric in zip(axes, metrics):
        for i, h in enumerate(hues):
            part = table if h is None else table[table[hue] == h]
            stats = _mean_ci(part, [x], metric)
            if not numeric:  # keep the order of first appearance
                order = {v: k for k, v in enumerate(pd.unique(table[x]))}
                stats = stats.sort_values(x, key=lambda s: s.map(order))
            xs = stats[x].astype(str) if not numeric else stats[x]
            ax.errorbar(
                xs,
                stats["mean"],
                yerr=[stats["mean"] - stats["ci_low"], stats["ci_high"] - stats["mean"]],
                marker="o",
                ms=5,
                lw=2,
                ls="-" if numeric else "none",  # no line joining categories
                capsize=3,
                label=None if h is None else str(h),
                zorder=3 + i,
            )
        ax.set_title(_label(metric))
        ax.set_xlabel(xlabel or _label(x))
        if logx and numeric:
            ax.set_xscale("log")
            ticks = np.sort(pd.unique(table[x]))
            ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
            ax.minorticks_off()
        _zero_floor(ax, table[metric])
        _format_axis(ax.yaxis, metric)
        if hue is not None:
            ax.legend(title=hue)
    _caption(fig, f"Points: mean over {n_rep} runs; bars: 95% confidence interval")
    return fig


@_styled
def plot_seed_choices(
    graph: nx.Graph, seed_nodes: dict, *, layout_seed: int = 0, title: str | None = None
) -> Figure:
    """Draw a (small) graph once per strategy, its seed nodes highlighted.

    Parameters
    ----------
    graph : networkx.Graph
        A graph small enough to draw (a few hundred nodes).
    seed_nodes : dict of str -> list
        Strategy name -> the seed nodes it chose.
    layout_seed : int, default 0
        Seed of the spring layout (the same picture every time).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import networkx as nx

    if not isinstance(graph, (nx.Graph, nx.DiGraph)):
        raise TypeError(f"`graph` must be a networkx graph; got {type(graph).__name__}.")
    if not seed_nodes:
        raise ValueError("`seed_nodes` must name at least one strategy; got an empty mapping.")
    pos = nx.spring_layout(graph, seed=layout_seed, k=1.6 / np.sqrt(max(len(graph), 1)))
    xy = np.array([pos[v] for v in graph])
    degree = np.array([d for _, d in graph.degree()], dtype=float)
    fig, axes = _figure(
        len(seed_nodes), ncols=min(3, len(seed_nodes)), panel=(4.4, 4.4), title=title
    )
    segments = np.array([(pos[u], pos[v]) for u, v in graph.edges()])
    from matplotlib.collections import LineCollection

    for ax, (name, seeds) in zip(axes, seed_nodes.items()):
        ax.add_collection(LineCollection(segments, colors="#CCCCCC", linewidths=0.5, zorder=1))  # type: ignore[arg-type]
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=6 + 2.5 * degree,
            c="#9DB4D3",
            edgecolors="white",
            linewidths=0.3,
            zorder=2,
        )
        idx = [list(graph).index(s) for s in seeds]
        ax.scatter(
            xy[idx, 0],
            xy[idx, 1],
            s=30 + 4 * degree[idx],
            c="#C44E52",
            edgecolors="black",
            linewidths=0.8,
            zorder=3,
            label="seed",
        )
        ax.set_title(f"{name}: {len(seeds)} seeds")
        ax.set_axis_off()
        ax.set_aspect("equal")
    fig.supxlabel("dot size grows with the number of ties; red: chosen seed nodes", fontsize=9.5)
    return fig


# ---------------------------------------------------------------------------
# Crisis


@_styled
def plot_delay_curve(
    curve: pd.DataFrame,
    metrics: str | Sequence[str] = ("lost_sales", "intent_loss"),
    *,
    title: str | None = None,
) -> Figure:
    """Crisis damage against the correction delay, and without any correction.

    Parameters
    ----------
    curve : pandas.DataFrame
        From :func:`smmsim.experiments.correction_delay_curve`: ``delay``
        (NaN for the no-correction arm) and the crisis metrics per replicate.
    metrics : str or list of str, default ("lost_sales", "intent_loss")
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Mean and 95% CI per delay; the no-correction arm as a red dashed
        line with its band.
    """
    metrics = _as_list(metrics)
    _check_columns(curve, ["delay", *metrics], "curve")
    fig, axes = _figure(len(metrics), title=title)
    corrected = curve[curve["delay"].notna()]
    never = curve[curve["delay"].isna()]
    n_rep = int(corrected.groupby("delay").size().min()) if len(corrected) else len(never)
    for ax, metric in zip(axes, metrics):
        if len(corrected):
            s = _mean_ci(corrected, ["delay"], metric)
            ax.errorbar(
                s["delay"],
                s["mean"],
                yerr=[s["mean"] - s["ci_low"], s["ci_high"] - s["mean"]],
                marker="o",
                lw=2,
                capsize=3,
                label="corrected after delay",
            )
        if len(never):
            m = float(never[metric].mean())
            half = half_width(float(never[metric].std(ddof=1)), len(never))
            ax.axhline(m, color="#C44E52", ls="--", lw=2, label="never corrected")
            if np.isfinite(half):
                ax.axhspan(m - half, m + half, color="#C44E52", alpha=0.12, lw=0)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_title(_label(metric))
        ax.set_xlabel("Correction delay (steps after the claim appears)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        _format_axis(ax.yaxis, metric)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=len(handles))
    _caption(
        fig,
        "Damage against the same campaign without the crisis. "
        f"Mean over {n_rep} paired replicates; bars and band: 95% confidence interval",
    )
    return fig


# ---------------------------------------------------------------------------
# Validation: classic models and real cascades


@_styled
def plot_adoption_curves(
    curves: pd.DataFrame,
    theory: pd.DataFrame | None = None,
    *,
    hue: str = "graph",
    title: str | None = None,
) -> Figure:
    """Adoption over time on several networks against a theoretical curve.

    Parameters
    ----------
    curves : pandas.DataFrame
        Rows of :func:`smmsim.classic.bass_network` with a ``hue`` column
        naming the network (columns ``run``, ``t``, ``fraction``,
        ``adoption_rate``).
    theory : pandas.DataFrame, optional
        Columns ``t`` and ``fraction`` (e.g. :func:`smmsim.classic.bass_mean_field`).
        Its adoption rate is taken as the slope of ``fraction``.
    hue : str, default "graph"
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Left: cumulative share of adopters (mean over runs, band 5-95% of
        runs). Right: adoption rate per unit time.
    """
    _check_columns(curves, [hue, "t", "fraction", "adoption_rate"], "curves")
    fig, (ax, bx) = _figure(2, title=title)
    for name in pd.unique(curves[hue]):
        part = curves[curves[hue] == name]
        g = part.groupby("t")
        mean = g["fraction"].mean()
        (line,) = ax.plot(mean.index, mean, lw=2, label=str(name))
        if "run" in part and part["run"].nunique() > 1:
            ax.fill_between(
                mean.index,
                g["fraction"].quantile(0.05),
                g["fraction"].quantile(0.95),
                color=line.get_color(),
                alpha=0.15,
                lw=0,
            )
        # smoothed over one unit of time, so that the rate is readable on small graphs
        dt = float(np.median(np.diff(mean.index))) if len(mean) > 1 else 1.0
        window = max(1, int(round(1.0 / dt)))
        rate = g["adoption_rate"].mean().rolling(window, center=True, min_periods=1).mean()
        bx.plot(rate.index, rate, lw=2, color=line.get_color(), label=str(name))
    if theory is not None:
        _check_columns(theory, ["t", "fraction"], "theory")
        ax.plot(theory["t"], theory["fraction"], "k--", lw=1.8, label="mean-field theory")
        slope = np.gradient(theory["fraction"].to_numpy(), theory["t"].to_numpy())
        bx.plot(theory["t"], slope, "k--", lw=1.8, label="mean-field theory")
    ax.set_title("Cumulative adoption")
    ax.set_ylabel("share of people who adopted")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.02)
    bx.set_title("Adoption rate (smoothed over one time unit)")
    bx.set_ylabel("share adopting per unit time")
    bx.yaxis.set_major_formatter(PercentFormatter(1.0))
    bx.set_ylim(bottom=0)
    for a in (ax, bx):
        a.set_xlabel("Time (the unit of p and q, e.g. years)")
        a.set_xlim(0, float(curves["t"].max()))
    ax.legend(loc="lower right")
    n_runs = int(curves.groupby(hue)["run"].nunique().min()) if "run" in curves else 1
    if n_runs > 1:
        _caption(fig, f"Lines: mean over {n_runs} runs per network; bands: 90% of the runs")
    return fig


@_styled
def plot_ecdfs(
    table: pd.DataFrame,
    metrics: str | Sequence[str],
    *,
    hue: str = "label",
    logx: str | Iterable[str] = (),
    colors: dict | None = None,
    ncols: int = 2,
    title: str | None = None,
) -> Figure:
    """Empirical distribution functions of metrics, one line per group.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per observation (e.g. one per cascade from
        :func:`smmsim.realdata.twitter_cascade_summary`).
    metrics : str or list of str
        One panel each.
    hue : str, default "label"
    logx : str or iterable of str, default ()
        Metrics drawn on a log scale.
    colors : dict, optional
        Group -> colour.
    ncols : int >= 1, default 2
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Share of observations at or below each value; the legend gives each
        group's size and median.
    """
    metrics = _as_list(metrics)
    logx = set(_as_list(logx))
    _check_columns(table, [hue, *metrics])
    panels = []  # per metric: [(group, sorted values)] of the groups with values
    for metric in metrics:
        groups = [(name, np.sort(table.loc[table[hue] == name, metric].dropna().to_numpy(float)))
                  for name in pd.unique(table[hue])]  # fmt: skip
        panels.append([(name, values) for name, values in groups if len(values)])
    key = (tuple(metrics), tuple(sorted(logx)), hue, ncols, title is None,
           repr(sorted((colors or {}).items(), key=repr)),
           tuple(tuple(name for name, _ in groups) for groups in panels))  # fmt: skip
    from . import _widgets

    live = _widgets.drawing_live()
    kept = _LIVE_ECDFS.get(key) if live else None
    if kept is not None:  # a live update: new lines on the axes of the previous update
        fig = kept
        if title:
            fig.suptitle(title, fontsize=13, fontweight="bold")
        for ax, groups in zip(fig.axes, panels):
            texts = ax.get_legend().get_texts() if groups else []
            for line, text, (name, values) in zip(ax.get_lines(), texts, groups):
                line.set_data(values, np.arange(1, len(values) + 1) / len(values))
                text.set_text(_ecdf_label(name, values))
            ax.relim()
            ax.autoscale_view()
        return fig
    fig, axes = _figure(len(metrics), ncols=ncols, title=title)
    for ax, metric, groups in zip(axes, metrics, panels):
        for name, values in groups:
            frac = np.arange(1, len(values) + 1) / len(values)
            ax.step(values, frac, where="post", lw=2, color=(colors or {}).get(name),
                    label=_ecdf_label(name, values))  # fmt: skip
        ax.set_title(_label(metric))
        ax.set_xlabel("value (log scale)" if metric in logx else "value")
        ax.set_ylabel("share at or below the value")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        if metric in logx:
            ax.set_xscale("log")
        ax.legend(title=hue, loc="lower right", fontsize=9)
    if live:  # the next live update only moves the lines (and relabels the legend)
        _LIVE_ECDFS.clear()
        _LIVE_ECDFS[key] = fig
    return fig


_LIVE_ECDFS: dict = {}  # the live figure of plot_ecdfs: key -> figure


def _ecdf_label(name, values) -> str:
    return f"{name} (n={len(values)}, median {np.median(values):,.3g})"


# ---------------------------------------------------------------------------
# Word of mouth, trust, sticky content, cascades on the graph (notebooks 01-04)

SOURCE_LABELS = {
    "own": "brand's own audience",
    "earned": "word of mouth only",
}


def reach_sources_table(steps: pd.DataFrame) -> pd.DataFrame:
    """Per step: mean reach of the brand item split by who brought it (with 95% CIs).

    ``source`` is ``"brand's own audience"`` (people with at least one paid
    or owned exposure) or ``"word of mouth only"`` (people only shares and
    reviews reached, the
    ``reach_earned_only`` column of the per-step table); ``people`` is the
    mean over replicates of the running total.

    Examples
    --------
    >>> steps = pd.DataFrame({"replicate": [0, 0], "step": [0, 1], "item": ["post"] * 2,
    ...                       "kind": ["brand"] * 2, "reach": [10, 30],
    ...                       "reach_earned_only": [0, 12]})
    >>> reach_sources_table(steps)["people"].tolist()
    [10.0, 0.0, 18.0, 12.0]
    """
    _check_columns(steps, ["step", "kind", "reach", "reach_earned_only"], "steps")
    frame = steps[steps["kind"] == "brand"]
    if "replicate" not in frame.columns:
        frame = frame.assign(replicate=0)
    frame = frame.assign(own=frame["reach"] - frame["reach_earned_only"],
                         earned=frame["reach_earned_only"])  # fmt: skip
    long = frame.melt(["replicate", "step"], ["own", "earned"], "source", "people")
    out = _mean_ci(long, ["step", "source"], "people")
    out["source"] = pd.Categorical(out["source"], ["own", "earned"])
    out = out.sort_values(["step", "source"]).reset_index(drop=True)
    out["source"] = out["source"].astype(str).map(SOURCE_LABELS)
    return out.rename(columns={"mean": "people"})[["step", "source", "people", "ci_low",
                                                  "ci_high", "n"]]  # fmt: skip


@_styled
def plot_reach_sources(steps: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Who the brand's post reached, step by step: its own audience vs word of mouth only.

    Left: mean running reach, stacked (own audience below, word of mouth only
    on top). Right: the share of reach that word of mouth alone brought in,
    with its 95% band.
    """
    table = reach_sources_table(steps)
    fig, (ax, bx) = _figure(2, title=title)
    wide = table.pivot(index="step", columns="source", values="people").fillna(0.0)
    x = wide.index.to_numpy()
    own = wide.get(SOURCE_LABELS["own"], 0 * x)
    earned = wide.get(SOURCE_LABELS["earned"], 0 * x)
    ax.fill_between(x, 0, own, color=ORIGIN_COLORS["owned"], alpha=0.85, lw=0,
                    label=SOURCE_LABELS["own"] + " (its page, seeds' ties, ads)")  # fmt: skip
    ax.fill_between(x, own, own + earned, color=ORIGIN_COLORS["earned"], alpha=0.85, lw=0,
                    label=SOURCE_LABELS["earned"])  # fmt: skip
    ax.set_title("Reach so far")
    ax.set_xlabel("Time step")
    ax.set_ylabel("people reached")
    ax.set_xlim(x.min(), max(x.max(), 1))
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.legend(loc="lower right", fontsize=9)
    brand = steps[steps["kind"] == "brand"]
    if "replicate" not in brand.columns:
        brand = brand.assign(replicate=0)
    share = _mean_ci(brand, ["step"], "earned_reach_share")
    bx.plot(share["step"], share["mean"], color=ORIGIN_COLORS["earned"], lw=2)
    bx.fill_between(share["step"], share["ci_low"].clip(lower=0), share["ci_high"],
                    color=ORIGIN_COLORS["earned"], alpha=0.2, lw=0)  # fmt: skip
    bx.set_title("Share of reach only word of mouth reached")
    bx.set_xlabel("Time step")
    bx.set_ylabel("share of people reached")
    bx.set_ylim(0, max(0.05, float(share["ci_high"].max()) * 1.15))
    # ticks fall on 2.5% steps too: a whole-percent format labelled 2.5% as "2%"
    bx.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{100 * x:.4g}%"))
    n_rep = brand["replicate"].nunique()
    if n_rep > 1:
        _caption(fig, f"Means over {n_rep} replicates; band: 95% confidence interval")
    return fig


@_styled
def plot_funnel_by_source(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """The same post from each source: engagement, conversion per visit, sales per 1,000.

    ``table`` is :func:`smmsim.experiments.endorsement_funnel`'s output.
    Bars are means over replicates with 95% CIs, darker for more trusted sources.
    """
    _check_columns(table, ["source", "trust", "engagement_rate", "conversion_rate",
                           "conversions_per_1000"])  # fmt: skip
    panels = [
        ("engagement_rate", "Noticed and engaged", "engagements per exposure", True),
        ("conversion_rate", "Bought after a website visit", "purchases per visit", True),
        ("conversions_per_1000", "Sales per 1,000 exposures", "purchases", False),
    ]
    order = list(pd.unique(table["source"]))
    trust = table.groupby("source")["trust"].first().reindex(order)
    n_rep = table.groupby("source").size().min()
    g = table.groupby("source", dropna=False, sort=True)[[metric for metric, *_ in panels]]
    n, mean, sd = g.count(), g.mean(), g.std()  # _mean_ci's columns, one groupby
    half = half_width(sd.fillna(0.0), n.clip(lower=1))
    stats = [pd.DataFrame({"mean": mean[m], "ci_low": mean[m] - half[m],  # type: ignore[index]
                           "ci_high": mean[m] + half[m]}).reindex(order)  # type: ignore[index]
             for m, *_ in panels]  # fmt: skip
    key = (tuple(order), tuple(trust), int(n_rep), title is None)
    from . import _widgets

    live = _widgets.drawing_live()
    kept = _LIVE_FUNNEL.get(key) if live else None
    if kept is not None:  # a live update: new bars on the axes of the previous update
        fig, parts = kept
        if title:
            fig.suptitle(title, fontsize=13, fontweight="bold")
        for i, ((ax, bars), st) in enumerate(zip(parts, stats)):
            bars.errorbar.remove()
            bars.remove()
            parts[i] = (ax, _funnel_bars(ax, st, bars.colors))
            ax.relim()
            ax.set_autoscaley_on(True)
            ax.autoscale_view(scalex=False)
            ax.set_ylim(bottom=0)
        return fig
    fig, axes = _figure(3, ncols=3, panel=(4.2, 3.6), title=title)
    cmap = mpl.colormaps["Greens"]
    colors = [cmap(0.35 + 0.6 * (w - trust.min()) / max(1e-9, trust.max() - trust.min()))
              for w in trust]  # fmt: skip
    parts = []
    for ax, (_metric, head, ylabel, pct), st in zip(axes, panels, stats):
        bars = _funnel_bars(ax, st, colors)
        parts.append((ax, bars))
        ax.set_xticks(range(len(order)))
        ax.set_xticklabels([f"{o}\n(trust {w:.2f})" for o, w in zip(order, trust)],
                           rotation=45, ha="right", fontsize=8.5)  # fmt: skip
        ax.set_title(head)
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        if pct:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    _caption(fig, f"The same post, the same people; only the receiver's trust in the sender "
                  f"differs. Means over {n_rep} replicates, 95% CIs.")  # fmt: skip
    if live:  # the next live update redraws only the bars (a third of the time)
        _LIVE_FUNNEL.clear()
        _LIVE_FUNNEL[key] = (fig, parts)
    return fig


_LIVE_FUNNEL: dict = {}  # the live figure of plot_funnel_by_source: key -> (fig, [(ax, bars)])


def _funnel_bars(ax, st, colors):
    bars = ax.bar(range(len(st)), st["mean"], color=colors,
                  yerr=[st["mean"] - st["ci_low"], st["ci_high"] - st["mean"]],
                  capsize=3, ecolor="#444444")  # fmt: skip
    bars.colors = colors
    return bars


@_styled
def plot_takeoff(curve: pd.DataFrame, *, title: str | None = None) -> Figure:
    """The tipping point: how often the post takes off, against the branching number R.

    ``curve`` is :func:`smmsim.experiments.takeoff_curve`'s output. Left:
    share of runs whose cascade took off; right: mean number of sharers (log
    scale). The dashed line marks R = 1, where each share sets off one more
    share on average.
    """
    _check_columns(curve, ["stickiness", "branching_number", "took_off", "shares"])
    g = curve.groupby("stickiness")
    r = g["branching_number"].first()
    took = g["took_off"].mean()
    n = g.size()
    half = 1.96 * np.sqrt(took * (1 - took) / n)
    shares = _mean_ci(curve, ["stickiness"], "shares").set_index("stickiness")
    fig, (ax, bx) = _figure(2, title=title)
    ax.plot(r, took, "o-", lw=2, color="#4C72B0")
    ax.fill_between(r, (took - half).clip(lower=0), (took + half).clip(upper=1),
                    color="#4C72B0", alpha=0.2, lw=0)  # fmt: skip
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_title("Runs in which the post took off")
    ax.set_ylabel("share of runs")
    bx.plot(r, shares["mean"], "o-", lw=2, color="#55A868")
    bx.fill_between(r, shares["ci_low"].clip(lower=1), shares["ci_high"], color="#55A868",
                    alpha=0.2, lw=0)  # fmt: skip
    bx.set_yscale("log")
    bx.set_title("People who shared it (mean)")
    bx.set_ylabel("sharers (log scale)")
    for axis in (ax, bx):
        axis.axvline(1.0, ls="--", color="#C44E52", lw=1.2)
        axis.set_xlabel("Branching number R (shares per share)")
    ax.text(1.02, 0.95, "R = 1", color="#C44E52", transform=ax.get_xaxis_transform(), fontsize=9)
    _caption(fig, f"Each point: {int(n.min())} runs at one stickiness; R grows in proportion to "
                  "stickiness x shareability.")  # fmt: skip
    return fig


@_styled
def plot_steps_by(
    steps: pd.DataFrame,
    metric: str,
    hue: str,
    *,
    kinds: str | Sequence[str] | None = "brand",
    cumulative: bool = False,
    title: str | None = None,
    hue_label: str | None = None,
) -> Figure:
    """One line per value of ``hue`` (e.g. the novelty half-life): ``metric`` per step.

    ``steps`` is a per-step table with a ``hue`` column (concatenated runs).
    """
    _check_columns(steps, ["step", "kind", metric, hue], "steps")
    frame = steps[steps["kind"].isin(_as_list(kinds))] if kinds else steps
    if "replicate" not in frame.columns:
        frame = frame.assign(replicate=0)
    totals = frame.groupby([hue, "replicate", "step"], sort=False)[metric].sum().reset_index()
    totals = totals.sort_values(["replicate", "step"], kind="stable")
    if cumulative:
        totals[metric] = totals.groupby([hue, "replicate"])[metric].cumsum()
    fig, (ax,) = _figure(1, panel=(7.0, 3.8), title=title)
    cmap = mpl.colormaps["viridis"]
    values = list(pd.unique(frame[hue]))
    for i, value in enumerate(values):
        st = _mean_ci(totals[totals[hue] == value], ["step"], metric)
        color = cmap(i / max(1, len(values) - 1) * 0.9)
        ax.plot(st["step"], st["mean"], lw=2, color=color, label=str(value))
        ax.fill_between(st["step"], st["ci_low"].clip(lower=0), st["ci_high"], color=color,
                        alpha=0.15, lw=0)  # fmt: skip
    ax.set_xlabel("Time step")
    name = _label(metric)
    ax.set_ylabel(("total so far: " if cumulative else "per step: ") + name[0].lower() + name[1:])
    ax.set_ylim(bottom=0)
    ax.legend(title=hue_label or hue, fontsize=9)
    _format_axis(ax.yaxis, metric)
    return fig


def cascade_size_table(summary: pd.DataFrame, *, threshold: float | None = None) -> pd.DataFrame:
    """Runs per cascade-size class (1, 2-9, 10-99, ... sharers), in order.

    With ``threshold``, a last row ``took off`` counts the runs above it.

    Examples
    --------
    >>> cascade_size_table(pd.DataFrame({"shares": [1, 1, 5, 300]}))["runs"].tolist()
    [2, 1, 0, 1]
    """
    _check_columns(summary, ["shares"], "summary")
    shares = summary["shares"].to_numpy()
    top = max(1, int(np.ceil(np.log10(max(shares.max(), 1) + 1))))
    edges = [1, 2] + [10**k for k in range(1, top + 1)]
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        label = str(lo) if hi == lo + 1 else f"{lo:,}-{hi - 1:,}"
        rows.append({"sharers": label, "runs": int(((shares >= lo) & (shares < hi)).sum())})
    rows.append({"sharers": f"{edges[-1]:,}+", "runs": int((shares >= edges[-1]).sum())})
    if rows[-1]["runs"] == 0:
        rows.pop()
    if threshold is not None:
        rows.append({"sharers": "took off", "runs": int((shares > threshold).sum())})
    return pd.DataFrame(rows)


@_styled
def plot_cascade_sizes(
    summary: pd.DataFrame, *, threshold: float | None = None, title: str | None = None
) -> Figure:
    """How big the post's cascade got in each run: a histogram of sharers (log bins).

    ``threshold`` (people) draws the take-off line; the title of the panel
    gives the share of runs above it.
    """
    _check_columns(summary, ["shares"], "summary")
    shares = summary["shares"].to_numpy(dtype=float)
    fig, (ax,) = _figure(1, panel=(7.0, 3.6), title=title)
    top = max(10.0, shares.max() * 1.5)
    bins = np.unique(np.round(np.logspace(0, np.log10(top), 25)))
    ax.hist(shares, bins=bins, color="#55A868", edgecolor="white")
    ax.set_xscale("log")
    ax.set_xlabel("People who shared the post in one run (log scale)")
    ax.set_ylabel("runs")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if threshold is not None:
        ax.axvline(threshold, ls="--", color="#C44E52")
        took = float((shares > threshold).mean())
        ax.set_title(
            f"{took:.0%} of {len(shares)} runs took off (more than {threshold:,.0f} sharers)"
        )
    return fig


def graph_layout(
    graph: SocialGraph, *, layout_seed: int = 0, cache: dict | None = None
) -> np.ndarray:
    """Spring-layout positions (n x 2) of a small :class:`~smmsim.graphs.SocialGraph`.

    The same seed gives the same picture; ``cache`` (a dict, e.g. a world's
    cache) keeps the positions for the next call.
    """
    import networkx as nx

    key = ("layout", layout_seed)
    if cache is not None and key in cache:
        return cache[key]
    n = graph.n_nodes
    src = np.repeat(np.arange(n), np.diff(graph.indptr))
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(src.tolist(), graph.indices.tolist()))
    pos = nx.spring_layout(G, seed=layout_seed, k=1.8 / np.sqrt(max(n, 1)))
    xy = np.array([pos[v] for v in range(n)])
    if cache is not None:
        cache[key] = xy
    return xy


def cascade_frames(run: Run, *, item: int | str = 0, layout_seed: int = 0) -> pd.DataFrame:
    """Everyone's state at every step of one item's cascade, with graph positions to draw.

    One row per (step, person): ``x``, ``y`` (spring layout), ``segment``,
    ``state`` at the end of the step: ``"shared"`` (passed it on by then),
    ``"exposed"`` (saw it, did not share) or ``"not reached"``, and the tie
    type (``tie``) over which a sharer got it (``"seed"`` for the brand's own
    posts). Meant for small graphs (a few hundred people) and cascades started
    by scheduled posts (seeds).
    """

    from .graphs import TIE_TYPES

    g = run.world.graph
    n = g.n_nodes
    k = run.items.index(item) if isinstance(item, str) else item
    sharers, parents = run.sharers[k], run.tree_parent[k]
    if run.sharer_steps is None:
        raise ValueError(
            "`run.sharer_steps` is None: cascade_frames needs the steps of a Run made by "
            "smmsim.engine.simulate."
        )
    # each share takes one step: depth d of a chain started at step s posts at s + d
    post = run.sharer_steps[k] + run.tree_depth[k]
    xy = graph_layout(g, layout_seed=layout_seed, cache=run.world.cache.layouts)
    shared_at = np.full(n, np.iinfo(np.int64).max)
    shared_at[sharers] = post
    exposed_at = np.full(n, np.iinfo(np.int64).max)
    for v, t in zip(sharers.tolist(), post.tolist()):
        exposed_at[v] = min(exposed_at[v], t)
        nbrs = g.indices[g.indptr[v] : g.indptr[v + 1]]
        exposed_at[nbrs] = np.minimum(exposed_at[nbrs], t)
    tie = np.full(n, "", dtype=object)
    for v, p in zip(sharers.tolist(), parents.tolist()):
        if p < 0:
            tie[v] = "seed"
            continue
        u = sharers[p]
        arcs = np.arange(g.indptr[u], g.indptr[u + 1])
        hit = arcs[g.indices[arcs] == v]
        tie[v] = TIE_TYPES[int(g.tie_type[hit[0]])] if len(hit) else "?"
    last = int(max(post.max() if len(post) else 0, 0)) + 1
    rows = []
    for t in range(last + 1):
        state = np.where(shared_at <= t, "shared", np.where(exposed_at <= t, "exposed",
                                                            "not reached"))  # fmt: skip
        rows.append(pd.DataFrame({"step": t, "person": np.arange(n), "x": xy[:, 0],
                                  "y": xy[:, 1], "segment": g.segment, "state": state,
                                  "tie": tie}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def tie_type_table(
    runs: Run | list[Run] | tuple[Run, ...], *, item: int | str = 0
) -> pd.DataFrame:
    """Which tie types carried the shares: share of all ties vs share of the shares.

    ``runs`` is one :class:`~smmsim.engine.Run` or a list of them (replicates
    on the same graph). Returns one row per tie type: ``tie``, ``ties``
    (arcs of that type), ``share_of_ties``, ``shares`` (cascade-tree edges
    over that type, pooled over the runs), ``share_of_shares`` and
    ``trust`` (mean trust of the type's arcs).
    """
    from .graphs import TIE_TYPES

    runs = [runs] if not isinstance(runs, (list, tuple)) else list(runs)
    if not runs:
        raise ValueError("`runs` must hold at least one run; got [].")
    g = runs[0].world.graph
    counts = np.zeros(len(TIE_TYPES), np.int64)
    for run in runs:
        k = run.items.index(item) if isinstance(item, str) else item
        sharers, parents = run.sharers[k], run.tree_parent[k]
        child = np.flatnonzero(parents >= 0)
        for i in child.tolist():
            u, v = sharers[parents[i]], sharers[i]
            arcs = np.arange(g.indptr[u], g.indptr[u + 1])
            hit = arcs[g.indices[arcs] == v]
            if len(hit):
                counts[int(g.tie_type[hit[0]])] += 1
    ties = np.bincount(g.tie_type.astype(np.int64), minlength=len(TIE_TYPES))
    trust = np.bincount(g.tie_type.astype(np.int64), weights=g.trust.astype(float),
                        minlength=len(TIE_TYPES)) / np.maximum(ties, 1)  # fmt: skip
    return pd.DataFrame({
        "tie": list(TIE_TYPES), "ties": ties, "share_of_ties": ties / max(ties.sum(), 1),
        "shares": counts, "share_of_shares": counts / max(counts.sum(), 1), "trust": trust,
    })  # fmt: skip


@_styled
def plot_social_graph(
    graph: SocialGraph, *, layout_seed: int = 0, title: str | None = None
) -> Figure:
    """A small social graph: people by segment, ties by type, influencers by size.

    Left: the graph (colour: segment; dot size: number of ties; ring:
    broadcasters, i.e. bloggers and media with one-way followers). Right: how
    many ties each person has (share of people with at least that many, log
    scales): a few people have very many.
    """
    from matplotlib.collections import LineCollection

    from .graphs import TIE_TYPES

    n = graph.n_nodes
    src = np.repeat(np.arange(n), np.diff(graph.indptr))
    xy = graph_layout(graph, layout_seed=layout_seed)
    fig, (ax, bx) = _figure(2, panel=(5.2, 4.6), title=title)
    cols = [TIE_COLORS[TIE_TYPES[int(t)]] for t in graph.tie_type]
    ax.add_collection(LineCollection(np.stack([xy[src], xy[graph.indices]], axis=1),  # type: ignore[arg-type]
                                     colors=cols, linewidths=0.5, alpha=0.45))  # fmt: skip
    deg = graph.out_degree.astype(float)
    seg_colors = mpl.colormaps["tab10"]
    ax.scatter(xy[:, 0], xy[:, 1], s=8 + 60 * deg / max(deg.max(), 1),
               c=[seg_colors(int(s) % 10) for s in graph.segment], edgecolors="white",
               linewidths=0.4, zorder=3)  # fmt: skip
    b = np.flatnonzero(graph.broadcaster)
    ax.scatter(xy[b, 0], xy[b, 1], s=30 + 60 * deg[b] / max(deg.max(), 1), facecolors="none",
               edgecolors="black", linewidths=1.2, zorder=4)  # fmt: skip
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_title(f"{n} people, {len(graph.indices):,} ties (arcs)")
    handles = [mpl.lines.Line2D([], [], color=TIE_COLORS[t], lw=2, label=t) for t in TIE_TYPES]
    handles += [
        mpl.lines.Line2D([], [], marker="o", ls="", color=seg_colors(i), label=f"segment {i}")
        for i in range(graph.n_segments)
    ]
    handles.append(mpl.lines.Line2D([], [], marker="o", ls="", markerfacecolor="none",
                                    color="black", label="blogger / media"))  # fmt: skip
    fig.legend(handles=handles, fontsize=8, loc="outside lower center", ncols=5)
    d = np.sort(deg)[::-1]
    bx.loglog(d, np.arange(1, n + 1) / n, ".", color="#4C72B0", ms=4)
    bx.set_xlabel("ties of a person (out-degree)")
    bx.set_ylabel("share of people with at least that many")
    bx.set_title("A few people have very many ties")
    from matplotlib.ticker import NullFormatter

    for axis in (bx.xaxis, bx.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:g}"))
        axis.set_minor_formatter(NullFormatter())
    return fig


STATE_COLORS = {"not reached": "#E3E3E3", "exposed": "#F2B36B", "shared": "#C44E52"}
TIE_COLORS = {"family": "#C44E52", "friends": "#4C72B0", "colleagues": "#55A868",
              "followers": "#8172B3", "seed": "#222222"}  # fmt: skip


@_styled
def plot_cascade_on_graph(
    run: Run,
    steps: Iterable[int],
    *,
    item: int | str = 0,
    layout_seed: int = 0,
    frames: pd.DataFrame | None = None,
    title: str | None = None,
) -> Figure:
    """Snapshots of one cascade spreading over the graph, one panel per step in ``steps``.

    Grey: not reached yet; orange: saw the post; red: shared it. The lines
    are the shares so far, coloured by the tie type they travelled over.
    """
    from matplotlib.collections import LineCollection

    frames = cascade_frames(run, item=item, layout_seed=layout_seed) if frames is None else frames
    g = run.world.graph
    k = run.items.index(item) if isinstance(item, str) else item
    sharers, parents = run.sharers[k], run.tree_parent[k]
    first = frames[frames["step"] == frames["step"].min()].set_index("person")
    xy = first[["x", "y"]].to_numpy()
    src = np.repeat(np.arange(g.n_nodes), np.diff(g.indptr))
    all_edges = np.stack([xy[src], xy[g.indices]], axis=1)
    steps = list(steps)
    fig, axes = _figure(len(steps), ncols=min(4, len(steps)), panel=(3.6, 3.6), title=title)
    max_step = int(frames["step"].max())
    for ax, t in zip(axes, steps):
        t = min(int(t), max_step)
        now = frames[frames["step"] == t].set_index("person")
        ax.add_collection(LineCollection(all_edges, colors="#EEEEEE", linewidths=0.4, zorder=1))  # type: ignore[arg-type]
        segs, cols = [], []
        for v, p in zip(sharers.tolist(), parents.tolist()):
            if p >= 0 and now.at[v, "state"] == "shared":
                segs.append((xy[sharers[p]], xy[v]))
                cols.append(TIE_COLORS.get(now.at[v, "tie"], "#444444"))
        if segs:
            ax.add_collection(LineCollection(segs, colors=cols, linewidths=1.6, zorder=2))
        for state, color in STATE_COLORS.items():
            m = (now["state"] == state).to_numpy()
            ax.scatter(xy[m, 0], xy[m, 1], s=14 if state != "shared" else 26, c=color,
                       edgecolors="white", linewidths=0.3, zorder=3, label=state)  # fmt: skip
        n_sh = int((now["state"] == "shared").sum())
        n_ex = int((now["state"] != "not reached").sum())
        ax.set_title(f"step {t}: {n_ex} reached, {n_sh} shared", fontsize=10.5)
        ax.set_axis_off()
        ax.set_aspect("equal")
    handles = [mpl.lines.Line2D([], [], marker="o", ls="", color=c, label=s)
               for s, c in STATE_COLORS.items()]  # fmt: skip
    handles += [mpl.lines.Line2D([], [], color=c, lw=2, label=f"share over a {t} tie")
                for t, c in TIE_COLORS.items() if t != "seed"]  # fmt: skip
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8.5)
    return fig


@_styled
def plot_cascade_tree(run: Run, *, item: int | str = 0, title: str | None = None) -> Figure:
    """One item's cascade tree: who passed it to whom, by generation, edges by tie type.

    Seeds (the brand's own posts) are at the top; each row down is one more
    share in the chain. The numbers under the tree are its size, depth and
    structural virality (mean distance between two sharers).
    """
    from matplotlib.collections import LineCollection

    from .metrics import tree_metrics_from_parents

    k = run.items.index(item) if isinstance(item, str) else item
    parents = run.tree_parent[k]
    depth = run.tree_depth[k]
    g = run.world.graph
    sharers = run.sharers[k]
    n = len(parents)
    # leaves in depth-first order get consecutive x; a parent sits above its children
    children: list[list[int]] = [[] for _ in range(n)]
    for i, p in enumerate(parents.tolist()):
        if p >= 0:
            children[p].append(i)
    x = np.zeros(n)
    counter = [0.0]

    def place(i):  # iterative depth-first placement
        stack = [(i, False)]
        while stack:
            node, done = stack.pop()
            if done:
                kids = children[node]
                x[node] = np.mean([x[c] for c in kids]) if kids else x[node]
                continue
            if not children[node]:
                x[node] = counter[0]
                counter[0] += 1
                continue
            stack.append((node, True))
            for c in reversed(children[node]):
                stack.append((c, False))

    for root in np.flatnonzero(parents < 0).tolist():
        place(root)
        counter[0] += 0.5
    from .graphs import TIE_TYPES

    fig, (ax,) = _figure(1, panel=(9.0, 4.2), title=title)
    segs, cols = [], []
    for i, p in enumerate(parents.tolist()):
        if p < 0:
            continue
        u, v = sharers[p], sharers[i]
        arcs = np.arange(g.indptr[u], g.indptr[u + 1])
        hit = arcs[g.indices[arcs] == v]
        t = TIE_TYPES[int(g.tie_type[hit[0]])] if len(hit) else "?"
        segs.append(((x[p], -depth[p]), (x[i], -depth[i])))
        cols.append(TIE_COLORS.get(t, "#444444"))
    ax.add_collection(LineCollection(segs, colors=cols, linewidths=1.5))
    roots = parents < 0
    ax.scatter(x[~roots], -depth[~roots], s=22, c=STATE_COLORS["shared"], zorder=3,
               edgecolors="white", linewidths=0.4, label="shared")  # fmt: skip
    ax.scatter(x[roots], -depth[roots], s=60, marker="s", c="#222222", zorder=3,
               label="brand's own post (seed)")  # fmt: skip
    ax.set_xlim(-1, max(counter[0], 1))
    ax.set_ylim(-(depth.max() if n else 0) - 0.6, 0.6)
    ax.set_yticks(-np.arange(int(depth.max()) + 1 if n else 1))
    ax.set_yticklabels(np.arange(int(depth.max()) + 1 if n else 1))
    ax.set_ylabel("generation (shares from the seed)")
    ax.set_xticks([])
    ax.grid(False)
    m = tree_metrics_from_parents(parents, np.arange(n)) if n else None
    handles = [mpl.lines.Line2D([], [], color=c, lw=2, label=t)
               for t, c in TIE_COLORS.items() if t != "seed"]  # fmt: skip
    ax.legend(handles=handles, title="tie type", fontsize=8.5, loc="lower right")
    if m is not None:
        _caption(
            fig,
            f"{n} sharers, depth {int(m['depth'])}, structural virality "
            f"{float(m['structural_virality']):.2f} (mean distance between two sharers)",
        )
    return fig


# ---------------------------------------------------------------------------
# Interactive experiments (live sliders, static figure, kernel-free chart)

from ._widgets import (  # noqa: E402
    ChartSpec,
    Dropdown,
    InteractiveView,
    ScenarioResult,
    Slider,
    chart_bundle,
    dropdown,
    interactive_experiment,
    interactive_scenario,
    run_scenario,
    slider,
    vega_chart,
)

__all__ += [
    "ChartSpec",
    "Dropdown",
    "InteractiveView",
    "ScenarioResult",
    "Slider",
    "chart_bundle",
    "dropdown",
    "interactive_experiment",
    "interactive_scenario",
    "run_scenario",
    "slider",
    "vega_chart",
]
