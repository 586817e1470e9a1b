"""Experiments and figures behind the teaching notebooks 06-14.

The notebooks stay thin: each calls one of these functions for the parts
that would otherwise need a loop or a few lines of table work. Experiments
run paired replicates (common random numbers) through
:func:`smmsim.experiments.compare`, so arm-to-arm differences are not
sampling noise, and return tidy tables (one row per arm and replicate).
Figures come back as :class:`matplotlib.figure.Figure`, drawn in the style
of :mod:`smmsim.notebook`.

Examples
--------
>>> from smmsim.scenario import ScenarioConfig
>>> cfg = ScenarioConfig.from_dict({"graph": {"n_nodes": 300}})
>>> ads = with_spends(cfg, {"broadcast_ads": 40.0})
>>> ads.campaign.budget, ads.campaign.levers.allocations()["broadcast_ads"]
(40.0, 40.0)
>>> table = compare_factors(
...     cfg, {"spend": {v: {"campaign.budget": v, "campaign.levers.broadcast_ads.spend": v}
...                     for v in (0.0, 40.0)}}, n_replicates=2, rng=1)
>>> table.groupby("spend").size().to_dict()
{0.0: 2, 40.0: 2}
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ._validation import check_nonnegative
from .experiments import compare
from .graphs import GraphLike, SocialGraph
from .notebook import (
    ORIGIN_COLORS,
    _caption,
    _figure,
    _format_axis,
    _label,
    _mean_ci,
    _styled,
    _thousands,
    _zero_floor,
    step_totals,
)
from .scenario import ScenarioConfig
from .scenario.levers import LEVER_NAMES

if TYPE_CHECKING:
    from ._rng import RngLike, SeedLike

__all__ = [
    "LEVER_LABELS",
    "with_spends",
    "compare_factors",
    "paired_difference",
    "plot_dashboard",
    "plot_lever_bars",
    "matched_synthetic_graph",
    "graph_facts",
    "plot_degree_ccdf",
    "plot_rank_tests",
    "plot_shape_vs_size",
    "plot_sensitivity",
    "plot_sweep_effect",
    "sweep_effect_table",
    "matched_rank_tests",
    "auc_table",
    "sweep_trend",
    "ecdf_table",
    "percolation_giant_fraction",
    "sir_transmissibility",
    "outbreak_curve",
    "SHAPE_LABELS",
]

LEVER_LABELS = {
    "broadcast_ads": "Broadcast ads",
    "targeted_ads": "Targeted ads",
    "influencers": "Influencers",
    "employee_advocacy": "Employee advocacy",
    "outreach": "Blogger / media outreach",
    "referral": "Referral rewards",
}
"""Plain names of the campaign levers."""


def with_spends(
    cfg: ScenarioConfig, spends: dict, *, budget: float | None = None
) -> ScenarioConfig:
    """``cfg`` with the lever spends set to ``spends`` and every other lever off.

    Parameters
    ----------
    cfg : ScenarioConfig
    spends : dict of str -> float >= 0
        Lever name (see :data:`smmsim.levers.LEVER_NAMES`) -> money allocated.
        Levers left out get 0.
    budget : float >= 0, optional
        The campaign budget; default: the sum of ``spends``.

    Returns
    -------
    ScenarioConfig

    Raises
    ------
    ValueError
        If a lever name is unknown, a spend is negative, or the spends add
        up to more than ``budget``.
    """
    unknown = [name for name in spends if name not in LEVER_NAMES]
    if unknown:
        raise ValueError(f"`spends` names unknown lever {unknown[0]!r}; levers: {LEVER_NAMES}.")
    amounts = {
        n: check_nonnegative(f"spends[{n!r}]", float(spends.get(n, 0.0))) for n in LEVER_NAMES
    }
    total = float(sum(amounts.values())) if budget is None else check_nonnegative("budget", budget)
    overrides = {f"campaign.levers.{n}.spend": v for n, v in amounts.items()}
    overrides["campaign.budget"] = total
    return cfg.with_overrides(overrides)


def compare_factors(
    cfg: ScenarioConfig,
    factors: dict,
    *,
    n_replicates: int = 20,
    rng: SeedLike = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Paired replicates of every combination of several factors.

    Parameters
    ----------
    cfg : ScenarioConfig
    factors : dict of str -> dict of level -> dict
        Column name -> {level value -> dotted-path overrides}. Every
        combination of levels is one arm; the overrides of its levels are
        applied in the order of ``factors`` (a later factor wins on a path
        that two share).
    n_replicates : int >= 1
    rng : None, int or numpy.random.SeedSequence, optional
        Master seed; every arm uses the same replicate seeds.
    progress : bool

    Returns
    -------
    pandas.DataFrame
        One column per factor (its level), then ``replicate``, ``seed`` and
        every summary metric; one row per arm and replicate, arms in the
        order of the levels.

    Raises
    ------
    ValueError
        If ``factors`` is empty or a factor has no levels.
    """
    if not factors:
        raise ValueError("`factors` must name at least one factor; got {}.")
    for name, levels in factors.items():
        if not levels:
            raise ValueError(f"`factors[{name!r}]` must have at least one level; got {levels!r}.")
    names = list(factors)
    combos = list(itertools.product(*[list(factors[n].items()) for n in names]))
    arms, keys = {}, {}
    for i, combo in enumerate(combos):
        overrides = {}
        for _, over in combo:
            overrides.update(over)
        arms[f"arm{i}"] = overrides
        keys[f"arm{i}"] = [level for level, _ in combo]
    table = compare(cfg, arms, n_replicates=n_replicates, rng=rng, progress=progress)
    arm = table.pop("arm")
    for j, name in enumerate(names):
        table.insert(j, name, arm.map({a: k[j] for a, k in keys.items()}))
    return table


def paired_difference(
    table: pd.DataFrame,
    metric: str,
    by: str,
    arm: object,
    reference: object,
    *,
    confidence: float = 0.95,
) -> dict:
    """Mean and confidence interval of ``metric`` in ``arm`` minus ``reference``.

    The replicates are paired (replicate *i* of every arm used the same
    random numbers), so the interval is that of the per-replicate
    differences: much narrower than the two arms' own intervals suggest.

    Parameters
    ----------
    table : pandas.DataFrame
        Replicate rows with columns ``by``, ``replicate`` and ``metric``.
    metric : str
    by : str
        The column that names the arms.
    arm, reference
        Values of ``by``.
    confidence : float in (0, 1), default 0.95

    Returns
    -------
    dict
        ``mean``, ``ci_low``, ``ci_high`` and ``n`` (pairs).

    Raises
    ------
    ValueError
        If a column is missing or an arm has no rows.

    Examples
    --------
    >>> t = pd.DataFrame({"arm": ["a", "a", "b", "b"], "replicate": [0, 1, 0, 1],
    ...                   "x": [1.0, 2.0, 2.0, 4.0]})
    >>> paired_difference(t, "x", "arm", "b", "a")["mean"]
    1.5
    """
    from .metrics.intervals import half_width

    for col in (metric, by, "replicate"):
        if col not in table.columns:
            raise ValueError(f"column {col!r} is not in the table; it has {list(table.columns)}.")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"`confidence` must be in (0, 1); got {confidence!r}.")
    a = table[table[by] == arm].set_index("replicate")[metric]
    b = table[table[by] == reference].set_index("replicate")[metric]
    for name, part in (("arm", arm), ("reference", reference)):
        if not len(a if name == "arm" else b):
            raise ValueError(f"`{name}` {part!r} has no rows in column {by!r}.")
    diff = (a - b).dropna()
    n = len(diff)
    mean = float(diff.mean())
    if n < 2:
        half = 0.0
    else:
        half = float(half_width(float(diff.std()), n, confidence=confidence))
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}


@_styled
def plot_lever_bars(
    table: pd.DataFrame,
    metrics: Sequence[str],
    *,
    by: str = "lever",
    ncols: int = 2,
    title: str | None = None,
) -> Figure:
    """Horizontal bars of metrics per arm (mean and 95% CI), one panel each.

    Parameters
    ----------
    table : pandas.DataFrame
        Replicate rows with the column ``by`` and the metrics.
    metrics : list of str
    by : str, default "lever"
        Arm column; lever names are shown by their plain names.
    ncols : int >= 1, default 2
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    order = list(pd.unique(table[by]))
    panel = (5.2, 0.45 * len(order) + 1.4)
    fig, axes = _figure(len(metrics), ncols=ncols, panel=panel, title=title)
    n_rep = int(table.groupby(by).size().min())
    for ax, metric in zip(axes, metrics):
        stats = _mean_ci(table, [by], metric).set_index(by).reindex(order)
        ys = np.arange(len(order))[::-1]
        mean = stats["mean"].to_numpy(float)
        err = np.vstack([mean - stats["ci_low"], stats["ci_high"] - mean])
        ax.barh(ys, mean, xerr=np.nan_to_num(err), color="#4C72B0", capsize=3)
        ax.set_yticks(ys, [LEVER_LABELS.get(str(v), str(v)) for v in order])
        ax.set_xlabel(_label(metric))
        ax.grid(axis="y", visible=False)
        _format_axis(ax.xaxis, metric)
        if np.nanmin(mean) < 0:
            ax.axvline(0, color="black", lw=0.8)
    _caption(fig, f"Bars: mean over {n_rep} replicates; whiskers: 95% confidence interval")
    return fig


@_styled
def plot_dashboard(
    summary: pd.DataFrame, steps: pd.DataFrame, *, title: str | None = None
) -> Figure:
    """An analytics dashboard: the four metric families of SMM in four panels.

    Website traffic (sessions per step by origin), return on investment
    (cumulative revenue and gross profit against the money spent), customer
    responsiveness (customers who posted, and reviews by valence) and
    reach / virality (cumulative reach of the brand's content, the part of it
    reached only through people's shares, and shares), averaged over
    replicates.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per replicate (:func:`smmsim.engine.simulate_replicates`).
    steps : pandas.DataFrame
        The matching per-step table.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (traffic, money, resp, reach) = _figure(4, ncols=2, panel=(5.4, 3.4), title=title)
    n_rep = len(summary)
    origin = (
        step_totals(
            steps, ["website_sessions_paid", "website_sessions_owned", "website_sessions_earned"]
        )
        .groupby("step")
        .mean(numeric_only=True)
    )
    bottom = np.zeros(len(origin))
    steps_at = origin.index.to_numpy(float)
    edges = np.append(steps_at - 0.5, steps_at[-1] + 0.5) if len(steps_at) else np.zeros(1)
    for name in ("paid", "owned", "earned"):
        values = origin[f"website_sessions_{name}"].to_numpy(float)
        # one filled staircase per origin (stacked bars without gaps): one patch
        # instead of one per step, several times faster to draw
        traffic.stairs(
            bottom + values, edges, baseline=bottom.copy(), fill=True,
            color=ORIGIN_COLORS[name], label=name,
        )  # fmt: skip
        bottom += values
    traffic.set(title="Website traffic", xlabel="Step", ylabel="Sessions per step (visits)")
    traffic.legend(title="after a", loc="upper right")

    cum = step_totals(steps, ["revenue"], cumulative=True).groupby("step").mean(numeric_only=True)
    margin = float(summary["gross_profit"].sum() / max(summary["revenue"].sum(), 1e-12))
    cost = float(summary["cost"].mean())
    money.plot(cum.index, cum["revenue"], lw=2, label="revenue")
    money.plot(cum.index, cum["revenue"] * margin, lw=2, label="gross profit")
    money.axhline(cost, color="#C44E52", ls="--", lw=1.5, label=f"cost (${cost:,.0f})")
    money.set(title="Return on investment", xlabel="Step", ylabel="Cumulative $")
    roi = summary["roi"].mean()
    money.legend(title=f"ROI at the end: {roi:+.0%}", loc="upper left")
    _zero_floor(money, cum["revenue"])

    keys = ["responsiveness", "reviews_positive", "reviews_negative"]
    means = [summary[k].mean() for k in keys]
    colors = ["#8172B3", "#55A868", "#8C8C8C"]
    names = ["customers\nwho posted", "positive\nreviews", "negative\nreviews"]
    resp.bar(names, means, color=colors)
    resp.set(title="Customer responsiveness", ylabel="People (mean per run)")
    resp.grid(axis="x", visible=False)

    brand = step_totals(steps, ["new_reach", "new_reach_earned_only", "shares"], kinds=["brand"])
    per = brand.groupby("step").mean(numeric_only=True)
    reach.plot(per.index, per["new_reach"].cumsum(), lw=2, label="reach")
    reach.plot(
        per.index, per["new_reach_earned_only"].cumsum(), lw=2, label="reached only by shares"
    )
    reach.plot(per.index, per["shares"].cumsum(), lw=2, label="shares")
    reach.set(title="Reach / virality", xlabel="Step", ylabel="People (cumulative)")
    reach.yaxis.set_major_formatter(FuncFormatter(_thousands))
    reach.legend(loc="center right")
    _caption(fig, f"Mean over {n_rep} replicates")
    return fig


def matched_synthetic_graph(
    graph: GraphLike, *, model: str = "holme_kim", triad_prob: float = 0.5
) -> dict:
    """A synthetic ``graph`` config section with the size and mean degree of a real graph.

    Parameters
    ----------
    graph : smmsim.graphs.SocialGraph or networkx.Graph
        The real graph (undirected ties counted once).
    model : {"holme_kim", "erdos_renyi"}, default "holme_kim"
    triad_prob : float in [0, 1], default 0.5
        Holme-Kim clustering knob.

    Returns
    -------
    dict
        Dotted-path overrides: ``graph.model``, ``graph.n_nodes`` and ``graph.m``
        (Holme-Kim ties per newcomer, about half the mean degree) or
        ``graph.mean_degree``.

    Raises
    ------
    ValueError
        If ``model`` is not one of the two.

    Examples
    --------
    >>> import networkx as nx
    >>> matched_synthetic_graph(nx.complete_graph(5))["graph.m"]
    2
    """
    if model not in ("holme_kim", "erdos_renyi"):
        raise ValueError(f"`model` must be 'holme_kim' or 'erdos_renyi'; got {model!r}.")
    if isinstance(graph, SocialGraph):
        n, m = graph.n_nodes, graph.n_arcs // 2
    else:
        n, m = graph.number_of_nodes(), graph.number_of_edges()
    mean_degree = 2.0 * m / n
    out = {"graph.model": model, "graph.n_nodes": int(n)}
    if model == "holme_kim":
        out["graph.m"] = max(1, int(round(mean_degree / 2)))
        out["graph.triad_prob"] = triad_prob
    else:
        out["graph.mean_degree"] = mean_degree
    return out


SHAPE_LABELS = {
    "size": "Size (tweets)",
    "depth": "Depth (longest reply chain)",
    "max_breadth": "Breadth (most tweets at one depth)",
    "structural_virality": "Structural virality (mean distance)",
}


@_styled
def plot_rank_tests(
    tests: pd.DataFrame, *, a: str = "False", b: str = "True", title: str | None = None
) -> Figure:
    """AUC with its confidence interval per statistic, all cascades vs size-matched.

    The AUC is the chance that a random cascade of label ``a`` has a larger
    value than a random one of label ``b`` (0.5: no difference).

    Parameters
    ----------
    tests : pandas.DataFrame
        Rows of :func:`smmsim.cascades.size_matched_tests` (columns ``stat``,
        ``matched``, ``auc``, ``auc_ci_low``, ``auc_ci_high``, ``n_x``, ``n_y``).
    a, b : str
        The two labels compared (for the axis label).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax,) = _figure(1, ncols=1, panel=(7.0, 3.6), title=title)
    stats = list(pd.unique(tests["stat"]))
    ys = np.arange(len(stats))[::-1]
    offsets = {False: 0.15, True: -0.15}
    colors = {False: "#C44E52", True: "#4C72B0"}
    for matched, part in tests.groupby("matched", sort=True):
        part = part.set_index("stat").reindex(stats)
        n = f"{int(part['n_x'].iloc[0])} vs {int(part['n_y'].iloc[0])}"
        label = f"matched on size ({n})" if matched else f"all cascades ({n})"
        auc = part["auc"].to_numpy(float)
        err = np.vstack([auc - part["auc_ci_low"], part["auc_ci_high"] - auc])
        ax.errorbar(
            auc,
            ys + offsets[bool(matched)],
            xerr=err,
            fmt="o",
            ms=6,
            capsize=3,
            color=colors[bool(matched)],
            label=label,
        )
    ax.axvline(0.5, color="black", lw=1, ls="--")
    ax.set_yticks(ys, [SHAPE_LABELS.get(s, s) for s in stats])
    ax.set_xlabel(f"AUC: chance that a {a} cascade is larger than a {b} one")
    ax.grid(axis="y", visible=False)
    # the caption is the legend's title: a caption and a legend both laid out
    # "outside lower" by constrained layout overlap
    fig.legend(
        loc="outside lower center", ncol=2, title_fontsize=9,
        title="Points: AUC (0.5 = no difference); bars: 95% bootstrap interval",
    )  # fmt: skip
    return fig


@_styled
def plot_shape_vs_size(
    shapes: pd.DataFrame,
    stats: Sequence[str] = ("depth", "max_breadth", "structural_virality"),
    *,
    hue: str = "label",
    colors: dict | None = None,
    title: str | None = None,
) -> Figure:
    """Each shape statistic against cascade size (log scale), one dot per cascade.

    Parameters
    ----------
    shapes : pandas.DataFrame
        One row per cascade with ``size``, ``hue`` and the ``stats`` columns
        (:func:`smmsim.cascades.cascade_shapes`).
    stats : sequence of str
    hue : str, default "label"
    colors : dict, optional
        Hue value -> colour.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    stats = list(stats)
    fig, axes = _figure(len(stats), ncols=len(stats), panel=(4.2, 3.4), title=title)
    for ax, stat in zip(axes, stats):
        for value, part in shapes.groupby(hue, sort=True):
            color = (colors or {}).get(value)
            ax.scatter(part["size"], part[stat], s=14, alpha=0.6, color=color, label=str(value))
        ax.set_xscale("log")
        ax.set_xlabel(SHAPE_LABELS["size"])
        ax.set_ylabel(SHAPE_LABELS.get(stat, stat))
        if stat == "max_breadth":
            ax.set_yscale("log")
    axes[0].legend(title=hue)
    return fig


def graph_facts(graphs: dict) -> pd.DataFrame:
    """Size and degree facts of several social graphs, one row each.

    Parameters
    ----------
    graphs : dict of str -> smmsim.graphs.SocialGraph

    Returns
    -------
    pandas.DataFrame
        ``graph``, ``people``, ``ties`` (arcs, a mutual tie counted twice),
        ``mean_audience``, ``median_audience``, ``max_audience`` (out-degree)
        and ``top1pct_share`` (share of all arcs held by the 1% largest
        audiences).

    Examples
    --------
    >>> from smmsim.graphs import GraphConfig, build_graph
    >>> g = build_graph(GraphConfig(n_nodes=200), rng=1)
    >>> graph_facts({"g": g})["people"].tolist()
    [200]
    """
    rows = []
    for name, g in graphs.items():
        deg = np.sort(np.asarray(g.out_degree, dtype=np.int64))[::-1]
        top = max(1, int(round(0.01 * len(deg))))
        rows.append(
            {
                "graph": name,
                "people": int(g.n_nodes),
                "ties": int(g.n_arcs),
                "mean_audience": float(deg.mean()),
                "median_audience": float(np.median(deg)),
                "max_audience": int(deg[0]),
                "top1pct_share": float(deg[:top].sum() / max(deg.sum(), 1)),
            }
        )
    return pd.DataFrame(rows)


@_styled
def plot_degree_ccdf(
    graphs: dict, *, colors: dict | None = None, title: str | None = None
) -> Figure:
    """Share of people with an audience of at least *k*, per graph (log-log).

    Parameters
    ----------
    graphs : dict of str -> smmsim.graphs.SocialGraph
    colors : dict, optional
        Graph name -> colour.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax,) = _figure(1, ncols=1, panel=(6.0, 3.8), title=title)
    for name, g in graphs.items():
        deg = np.sort(np.asarray(g.out_degree, dtype=np.int64))
        deg = deg[deg > 0]
        share = 1.0 - np.arange(len(deg)) / len(deg)
        ax.step(deg, share, where="post", lw=2, label=name, color=(colors or {}).get(name))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Audience size k (ties a person's posts reach)")
    ax.set_ylabel("Share of people with audience >= k")
    ax.legend()
    return fig


@_styled
def plot_sensitivity(
    sensitivity: pd.DataFrame, metrics: str | Sequence[str], *, title: str | None = None
) -> Figure:
    """Morris elementary effects per parameter: mean effect and its size, one panel per metric.

    Bars show ``mu`` (the mean elementary effect over the full range of the
    parameter: its sign says which way the metric moves); black diamonds show
    ``mu_star`` (the mean absolute effect: how much the parameter matters) with
    its bootstrap interval. Parameters are sorted by ``mu_star`` of the first
    metric.

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        :attr:`smmsim.sweep.SweepSummary.sensitivity` of a Morris design.
    metrics : str or list of str
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the table holds no Morris indices for a metric.
    """
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    morris = sensitivity[sensitivity["method"] == "morris"]
    wide = {}
    for metric in metrics:
        part = morris[morris["metric"] == metric]
        if part.empty:
            raise ValueError(f"no Morris indices for metric {metric!r} in `sensitivity`.")
        wide[metric] = part.pivot_table(
            index="parameter", columns="index", values=["value", "conf"], aggfunc="first"
        )
    order = wide[metrics[0]]["value"]["mu_star"].sort_values().index.tolist()
    panel = (5.2, 0.42 * len(order) + 1.5)
    fig, axes = _figure(len(metrics), ncols=len(metrics), panel=panel, title=title)
    ys = np.arange(len(order))
    for ax, metric in zip(axes, metrics):
        table = wide[metric].reindex(order)
        mu = table["value"]["mu"].to_numpy(float)
        mu_star = table["value"]["mu_star"].to_numpy(float)
        conf = np.nan_to_num(table["conf"]["mu_star"].to_numpy(float))
        colors = np.where(mu >= 0, "#4C72B0", "#C44E52")
        ax.barh(ys, mu, color=colors, alpha=0.8, label="mu: mean effect (sign)")
        ax.errorbar(
            mu_star,
            ys,
            xerr=conf,
            fmt="D",
            color="black",
            ms=5,
            capsize=3,
            label="mu*: mean size of the effect",
        )
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(ys, [LEVER_LABELS.get(p, p.replace("_", " ")) for p in order])
        ax.set_xlabel(f"Change in {_label(metric)}\nover the full range of the parameter")
        ax.grid(axis="y", visible=False)
        _format_axis(ax.xaxis, metric)
    axes[-1].legend(loc="lower right", fontsize=9)
    _caption(fig, "Morris screening: elementary effects along random one-at-a-time paths")
    return fig


def sweep_effect_table(results: pd.DataFrame, parameter: str, metric: str) -> pd.DataFrame:
    """Per-cell mean of ``metric`` against one swept ``parameter`` (one row per cell).

    Parameters
    ----------
    results : pandas.DataFrame
        Rows of :func:`smmsim.sweep.run_sweep` (one per cell and replicate,
        with a ``cell`` column and one column per swept parameter).
    parameter, metric : str
        Columns of ``results``.

    Returns
    -------
    pandas.DataFrame
        Columns ``cell``, ``parameter`` (its value in the cell), ``metric``
        (the mean over the cell's replicates) and ``n`` (replicates).

    Raises
    ------
    ValueError
        If a column is missing.
    """
    for column in ("cell", parameter, metric):
        if column not in results.columns:
            raise ValueError(f"`results` lacks column {column!r}.")
    ok = results[results["error"].isna()] if "error" in results.columns else results
    return (
        ok.groupby("cell", as_index=False)
        .agg(**{parameter: (parameter, "first"), metric: (metric, "mean"), "n": (metric, "size")})
        .sort_values(parameter, kind="stable")
        .reset_index(drop=True)
    )


@_styled
def plot_sweep_effect(
    results: pd.DataFrame,
    parameter: str,
    metrics: str | Sequence[str],
    *,
    title: str | None = None,
) -> Figure:
    """One swept parameter against metrics: every run, each cell's mean and a trend line.

    What a Morris index summarises, drawn: the other parameters vary too,
    so the points scatter; the straight line is the least-squares trend of
    the cell means.

    Parameters
    ----------
    results : pandas.DataFrame
        Rows of :func:`smmsim.sweep.run_sweep`.
    parameter : str
    metrics : str or list of str
        One panel each.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    fig, axes = _figure(len(metrics), ncols=len(metrics), panel=(5.0, 3.6), title=title)
    ok = results[results["error"].isna()] if "error" in results.columns else results
    name = LEVER_LABELS.get(parameter, parameter.replace("_", " "))
    for ax, metric in zip(axes, metrics):
        cells = sweep_effect_table(results, parameter, metric)
        ax.scatter(ok[parameter], ok[metric], s=10, color="#8C8C8C", alpha=0.5, label="one run")
        ax.scatter(cells[parameter], cells[metric], s=30, color="#4C72B0", label="cell mean")
        x, y = cells[parameter].to_numpy(float), cells[metric].to_numpy(float)
        if len(cells) > 1 and np.ptp(x) > 0:
            slope, intercept = np.polyfit(x, y, 1)
            grid = np.array([x.min(), x.max()])
            ax.plot(
                grid, intercept + slope * grid, color="#C44E52", lw=2, label="trend of the means"
            )
        ax.set_xlabel(f"{name} spend ($)" if parameter in LEVER_LABELS else name)
        ax.set_title(_label(metric))
        _format_axis(ax.yaxis, metric)
    axes[0].legend(loc="best", fontsize=9)
    _caption(fig, "The other levers vary too: the points scatter around the trend")
    return fig


def matched_rank_tests(
    shapes: pd.DataFrame,
    max_ratio: float,
    *,
    a: str = "False",
    b: str = "True",
    stats: Sequence[str] = ("depth", "max_breadth", "structural_virality"),
    n_boot: int = 200,
    rng: SeedLike = None,
    unmatched: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`smmsim.cascades.size_matched_tests`, reusing the tests of all cascades.

    The tests of all cascades do not depend on ``max_ratio``; pass them as
    ``unmatched`` (the rows with ``matched`` False of an earlier call) and
    only the size-matched pairs are tested again: what a slider over
    ``max_ratio`` needs.

    Parameters
    ----------
    shapes : pandas.DataFrame
        A shape table (:func:`smmsim.cascades.cascade_shapes`).
    max_ratio : float >= 1
    a, b : str
    stats : sequence of str
    n_boot : int >= 1, default 200
    rng : None, int or numpy.random.SeedSequence, optional
    unmatched : pandas.DataFrame, optional

    Returns
    -------
    pandas.DataFrame
        As :func:`~smmsim.cascades.size_matched_tests`.
    """
    from .cascades import rank_tests, size_matched

    kw: dict[str, Any] = dict(a=a, b=b, stats=stats, n_boot=n_boot)
    if unmatched is None:
        unmatched = rank_tests(shapes, rng=rng, **kw).assign(matched=False)
    pairs = size_matched(shapes, a=a, b=b, max_ratio=max_ratio)
    if pairs.empty:
        raise ValueError(f"no {a!r}/{b!r} cascades match in size within `max_ratio` {max_ratio}.")
    after = rank_tests(pairs, rng=rng, **kw).assign(matched=True)
    out = pd.concat([unmatched[unmatched["matched"] == False], after], ignore_index=True)  # noqa: E712
    out["n_pairs"] = pairs["pair"].nunique()
    return out


def auc_table(tests: pd.DataFrame) -> pd.DataFrame:
    """The AUCs of a rank-test table with a ``sample`` column, for a chart.

    Parameters
    ----------
    tests : pandas.DataFrame
        Rows of :func:`smmsim.cascades.size_matched_tests` (or
        :func:`matched_rank_tests`).

    Returns
    -------
    pandas.DataFrame
        ``stat``, ``sample`` ("all cascades" or "matched on size"), ``auc``,
        ``auc_ci_low``, ``auc_ci_high``.
    """
    samples = {False: "all cascades", True: "matched on size"}
    out = tests.assign(sample=tests["matched"].map(samples))
    return out[["stat", "sample", "auc", "auc_ci_low", "auc_ci_high"]].reset_index(drop=True)


def sweep_trend(cells: pd.DataFrame, parameter: str, metric: str) -> float:
    """Change of ``metric`` over the range of ``parameter`` along the least-squares line.

    Parameters
    ----------
    cells : pandas.DataFrame
        One row per cell (:func:`sweep_effect_table`), columns ``parameter``
        and ``metric``.
    parameter, metric : str

    Returns
    -------
    float
        slope x (max - min of ``parameter``); 0 when the parameter does not vary.
    """
    x, y = cells[parameter].to_numpy(float), cells[metric].to_numpy(float)
    if len(x) < 2 or np.ptp(x) == 0:
        return 0.0
    return float(np.polyfit(x, y, 1)[0] * np.ptp(x))


def ecdf_table(table: pd.DataFrame, column: str, *, hue: str) -> pd.DataFrame:
    """Empirical distribution of an integer column per group, one row per value.

    Parameters
    ----------
    table : pandas.DataFrame
    column : str
        Integer-valued column (e.g. a cascade's depth).
    hue : str
        Group column.

    Returns
    -------
    pandas.DataFrame
        ``column`` (0 to the largest value), ``share`` (of the group's rows at
        or below it) and ``hue``.
    """
    rows = []
    for group, part in table.groupby(hue, sort=True):
        values = part[column].to_numpy()
        grid = np.arange(int(values.max()) + 1)
        share = np.searchsorted(np.sort(values), grid, side="right") / len(values)
        rows.append(pd.DataFrame({column: grid, "share": share, hue: group}))
    return pd.concat(rows, ignore_index=True)


def percolation_giant_fraction(
    mean_degree: float, p: npt.ArrayLike, *, n_iter: int = 500
) -> float | np.ndarray:
    """Share of people a large outbreak reaches on a sparse random graph (bond percolation).

    On an Erdos-Renyi graph with mean degree ``c``, an independent cascade (or
    an SIR epidemic) in which every tie transmits with probability ``p``
    either dies out early or reaches a fixed share ``S`` of all people, the
    largest root of ``S = 1 - exp(-c p S)``; ``S = 0`` below the threshold
    ``p = 1 / c`` (Newman 2002).

    Parameters
    ----------
    mean_degree : float > 0
    p : float in [0, 1] or array of them
        Per-tie transmission probability (for SIR, the transmissibility).
    n_iter : int >= 1, default 500
        Fixed-point iterations from ``S = 1``.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> round(float(percolation_giant_fraction(4.0, 0.5)), 4)  # S = 1 - exp(-2 S)
    0.7968
    >>> float(percolation_giant_fraction(4.0, 0.2))  # below the threshold 1/4
    0.0
    """
    c = check_nonnegative("mean_degree", mean_degree)
    p = np.asarray(p, dtype=float)
    s = np.ones_like(p)
    for _ in range(n_iter):
        s = 1.0 - np.exp(-c * p * s)
    s = np.where(c * p <= 1.0, 0.0, s)
    return float(s) if s.ndim == 0 else s


def sir_transmissibility(beta: npt.ArrayLike, gamma: npt.ArrayLike) -> float | np.ndarray:
    """Chance that an infected person infects a given contact before recovering.

    In smmsim's discrete-time SIR (:func:`smmsim.classic.sir`) an infection
    lasts a geometric number of steps ``K`` (recovery chance ``gamma`` per
    step) and transmits with chance ``beta`` in each, so
    ``T = 1 - E[(1 - beta)^K] = beta / (1 - (1 - beta)(1 - gamma))``.

    Parameters
    ----------
    beta, gamma : float in [0, 1] or arrays of them

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> sir_transmissibility(0.3, 1.0)  # one step: T = beta
    0.3
    """
    beta = np.asarray(beta, dtype=float)
    gamma = np.asarray(gamma, dtype=float)
    t = beta / (1.0 - (1.0 - beta) * (1.0 - gamma))
    return float(t) if t.ndim == 0 else t


def outbreak_curve(
    graph: GraphLike,
    probabilities: Sequence[float],
    *,
    model: str = "ic",
    gamma: float = 1.0,
    n_runs: int = 20,
    threshold: float = 0.05,
    rng: RngLike = None,
) -> pd.DataFrame:
    """Final sizes of IC cascades or SIR epidemics from one random seed, per probability.

    Parameters
    ----------
    graph : networkx.Graph or smmsim.graphs.SocialGraph
    probabilities : sequence of float in [0, 1]
        Per-tie probability ``p`` (IC) or per-step ``beta`` (SIR).
    model : {"ic", "sir"}, default "ic"
    gamma : float in [0, 1], default 1
        SIR recovery chance per step.
    n_runs : int >= 1, default 20
        Runs per probability, each from its own random seed person.
    threshold : float in (0, 1), default 0.05
        A run that reaches more than this share of people is a *large* outbreak.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    pandas.DataFrame
        ``probability``, ``run``, ``size`` (people reached, the seed included),
        ``fraction`` (size / people) and ``large``.

    Raises
    ------
    ValueError
        If ``model`` is unknown.
    """
    from .classic import independent_cascade, sir

    if model not in ("ic", "sir"):
        raise ValueError(f"`model` must be 'ic' or 'sir'; got {model!r}.")
    from .graphs import from_networkx

    rng = np.random.default_rng(rng)
    if hasattr(graph, "nodes"):  # networkx: convert once, not in every call
        graph = from_networkx(graph, attributes=False)
    nodes = graph.node_ids.tolist()
    n = len(nodes)
    rows = []
    for prob in probabilities:
        for run in range(n_runs):
            seed_node = nodes[int(rng.integers(n))]
            if model == "ic":
                size = int(independent_cascade(graph, [seed_node], prob, rng=rng)[0])
            else:
                table = sir(graph, [seed_node], prob, gamma, rng=rng)
                size = int(table["recovered"].iloc[-1] + table["infected"].iloc[-1])
            rows.append({"probability": float(prob), "run": run, "size": size})
    out = pd.DataFrame(rows)
    out["fraction"] = out["size"] / n
    out["large"] = out["fraction"] > threshold
    return out
