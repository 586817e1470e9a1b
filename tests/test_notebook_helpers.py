"""Plotting and table helpers of :mod:`smmsim.notebook`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from smmsim import notebook as nbh
from smmsim.classic import bass_mean_field, bass_network
from smmsim.engine import simulate, simulate_replicates
from smmsim.experiments import compare, correction_delay_curve
from smmsim.scenario import ScenarioConfig

SMALL = {"graph": {"n_nodes": 300}, "steps": 15}


@pytest.fixture(autouse=True)
def _gc_unfrozen():
    """Making a view freezes the objects alive (gc.freeze); later tests get them back."""
    yield
    import gc

    gc.unfreeze()


@pytest.fixture(scope="module")
def campaign():
    cfg = ScenarioConfig.from_dict(
        {
            **SMALL,
            "campaign": {
                "budget": 200,
                "levers": {"broadcast_ads": {"spend": 40}, "influencers": {"spend": 100}},
            },
        }
    )
    return simulate_replicates(cfg, n_replicates=3, rng=1)


@pytest.fixture(autouse=True)
def _no_open_figures():
    plt.close("all")
    yield
    # helpers hand their figure to the caller and leave nothing open in pyplot
    assert plt.get_fignums() == []


def _steps_table():
    # replicate 1 stopped after one step; "b" is a second item
    return pd.DataFrame(
        {
            "replicate": [0, 0, 0, 0, 1, 1],
            "step": [0, 0, 1, 1, 0, 0],
            "item": ["a", "b", "a", "b", "a", "b"],
            "kind": ["brand", "claim", "brand", "claim", "brand", "claim"],
            "website_sessions": [3, 1, 2, 0, 5, 2],
            "reach": [9, 9, 9, 9, 9, 9],
        }
    )


# ---------------------------------------------------------------------------
# step_totals


def test_step_totals_sums_items_and_fills_missing_steps_with_zero():
    t = nbh.step_totals(_steps_table(), "website_sessions")
    assert t[["replicate", "step", "website_sessions"]].values.tolist() == [
        [0, 0, 4],
        [0, 1, 2],
        [1, 0, 7],
        [1, 1, 0],
    ]


def test_step_totals_cumulative_keeps_the_last_total():
    t = nbh.step_totals(_steps_table(), "website_sessions", cumulative=True)
    assert t["website_sessions"].tolist() == [4, 6, 7, 7]


def test_step_totals_by_kind_and_kind_filter():
    t = nbh.step_totals(_steps_table(), "website_sessions", by="kind")
    claim = t[t["kind"] == "claim"]["website_sessions"].tolist()
    assert claim == [1, 0, 2, 0]
    only = nbh.step_totals(_steps_table(), "website_sessions", kinds="brand")
    assert only["website_sessions"].tolist() == [3, 2, 5, 0]


def test_step_totals_default_metrics_skip_cumulative_reach():
    t = nbh.step_totals(_steps_table())
    assert "reach" not in t.columns and "website_sessions" in t.columns


def test_step_totals_of_one_run_without_replicate_column():
    run = simulate(ScenarioConfig.from_dict(SMALL), rng=3)
    t = nbh.step_totals(run.steps_frame(), ["website_sessions", "new_reach"])
    assert set(t["replicate"]) == {0}
    assert t["new_reach"].sum() == run.steps_frame()["new_reach"].sum()


def test_step_totals_matches_the_run_summary(campaign):
    summary, steps = campaign
    t = nbh.step_totals(steps, ["website_sessions", "conversions"])
    per_rep = t.groupby("replicate")[["website_sessions", "conversions"]].sum()
    np.testing.assert_array_equal(per_rep["website_sessions"], summary["website_sessions"])
    np.testing.assert_array_equal(per_rep["conversions"], summary["conversions"])


def test_step_totals_rejects_bad_input():
    with pytest.raises(ValueError, match="`by` must be None, 'kind' or 'item'"):
        nbh.step_totals(_steps_table(), by="segment")
    with pytest.raises(ValueError, match=r"`steps` lacks column\(s\) \['nope'\]"):
        nbh.step_totals(_steps_table(), "nope")
    with pytest.raises(TypeError, match="`steps` must be a pandas DataFrame"):
        nbh.step_totals({"step": [0]})


# ---------------------------------------------------------------------------
# Figures


def _titles(fig):
    return [ax.get_title() for ax in fig.axes if ax.get_visible()]


def test_plot_steps(campaign):
    _, steps = campaign
    fig = nbh.plot_steps(steps, ["website_sessions", "conversions", "shares"], title="T")
    assert isinstance(fig, Figure)
    assert _titles(fig) == [
        "Website sessions (visits)",
        "Conversions (purchases)",
        "Shares (people who passed it on)",
    ]
    assert fig.axes[0].get_xlabel() == "Time step"
    assert fig._suptitle.get_text() == "T"
    assert "3 replicates" in fig._supxlabel.get_text()
    cum = nbh.plot_steps(steps, "website_sessions", cumulative=True)
    assert _titles(cum) == ["Cumulative website sessions (visits)"]


def test_plot_steps_by_kind_draws_one_line_per_kind():
    fig = nbh.plot_steps(_steps_table(), "website_sessions", by="kind")
    assert len(fig.axes[0].get_lines()) == 2
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["brand", "claim"]


def test_plot_impressions_by_origin(campaign):
    summary, steps = campaign
    fig = nbh.plot_impressions_by_origin(steps)
    bars = fig.axes[1].patches
    totals = sorted(b.get_width() for b in bars)
    means = sorted(summary[[f"impressions_{o}" for o in ("paid", "owned", "earned")]].mean())
    np.testing.assert_allclose(totals, means)


def test_plot_money_states_roi_in_the_title(campaign):
    summary, _ = campaign
    fig = nbh.plot_money(summary)
    roi = summary["roi"].mean()
    assert f"ROI {roi:+.0%}" in fig.axes[0].get_title()
    one = nbh.plot_money(summary.iloc[0].to_dict())
    assert isinstance(one, Figure)


def test_plot_money_without_spend():
    summary, _ = simulate_replicates(ScenarioConfig.from_dict(SMALL), n_replicates=2, rng=1)
    fig = nbh.plot_money(summary)
    assert "ROI n/a" in fig.axes[0].get_title()


def test_plot_mean_ci_numeric_x_with_hue():
    table = pd.DataFrame(
        {
            "k": [1, 1, 2, 2] * 2,
            "strategy": ["a"] * 4 + ["b"] * 4,
            "reach": [1.0, 3.0, 5.0, 7.0, 2.0, 2.0, 4.0, 4.0],
        }
    )
    fig = nbh.plot_mean_ci(table, "k", "reach", hue="strategy", logx=True)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    # one point per k: the mean over replicates
    line = ax.get_lines()[0]
    np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float), [2.0, 6.0])
    assert ax.get_ylim()[0] == 0  # counts start at zero


def test_plot_mean_ci_categorical_x_keeps_order():
    table = pd.DataFrame({"arm": ["late", "early", "late", "early"], "roi": [0.1, 0.2, 0.3, 0.4]})
    fig = nbh.plot_mean_ci(table, "arm", ["roi"])
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["late", "early"]


def test_plot_mean_ci_on_compare_output():
    cfg = ScenarioConfig.from_dict(SMALL)
    table = compare(cfg, {"a": {}, "b": {"content.stickiness": 0.6}}, n_replicates=2, rng=1)
    fig = nbh.plot_mean_ci(table, "arm", ["reach", "roi"])
    assert len([a for a in fig.axes if a.get_visible()]) == 2


def _funnel_table(scale: float) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    sources = {"family": 0.9, "friends": 0.8, "brand page": 0.7, "paid ad": 0.5}
    rows = [
        {"source": s, "trust": w, "replicate": r,
         "engagement_rate": scale * w * rng.uniform(0.08, 0.1),
         "conversion_rate": scale * w * rng.uniform(0.04, 0.05),
         "conversions_per_1000": scale * w * rng.uniform(4.0, 5.0)}
        for s, w in sources.items() for r in range(4)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_plot_funnel_by_source_live_updates_match_a_new_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from smmsim import _widgets

    def pixels(fig):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()

    def draw(table, values):
        return nbh.plot_funnel_by_source(table, title=f"scale {values['scale']}")

    first = _widgets._draw_live(draw, _funnel_table(1.0), {"scale": 1.0})
    again = _widgets._draw_live(draw, _funnel_table(2.5), {"scale": 2.5})
    assert again is first  # the live figure is updated in place
    assert [len(ax.patches) for ax in again.axes] == [4, 4, 4]
    kept = pixels(again)
    nbh._LIVE_FUNNEL.clear()
    fresh = _widgets._draw_live(draw, _funnel_table(2.5), {"scale": 2.5})
    assert fresh is not first
    assert [ax.get_ylim() for ax in fresh.axes] == [ax.get_ylim() for ax in again.axes]
    assert np.array_equal(pixels(fresh), kept)
    static = nbh.plot_funnel_by_source(_funnel_table(2.5), title="scale 2.5")
    assert static is not fresh  # outside a live update: always a new figure


def test_plot_ecdfs_live_updates_match_a_new_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from smmsim import _widgets

    def table(scale):
        rng = np.random.default_rng(int(10 * scale))
        return pd.DataFrame({"source": np.repeat(["real", "smmsim"], 40),
                             "depth": 1 + rng.geometric(1 / (1 + scale), 80),
                             "size": rng.pareto(1.5, 80) * scale})  # fmt: skip

    def pixels(fig):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()

    def draw(t, values):
        return nbh.plot_ecdfs(t, ["depth", "size"], hue="source", logx=["depth"],
                              colors={"real": "k", "smmsim": "C1"},
                              title=f"scale {values['scale']}")  # fmt: skip

    first = _widgets._draw_live(draw, table(1.0), {"scale": 1.0})
    again = _widgets._draw_live(draw, table(4.0), {"scale": 4.0})
    assert again is first  # the live figure is updated in place
    kept = pixels(again)
    nbh._LIVE_ECDFS.clear()
    fresh = _widgets._draw_live(draw, table(4.0), {"scale": 4.0})
    assert fresh is not first
    assert [ax.get_xlim() for ax in fresh.axes] == [ax.get_xlim() for ax in again.axes]
    assert [t.get_text() for t in fresh.axes[0].get_legend().get_texts()] == [
        t.get_text() for t in again.axes[0].get_legend().get_texts()
    ]
    assert np.array_equal(pixels(fresh), kept)
    assert draw(table(4.0), {"scale": 4.0}) is not fresh  # not live: a new figure


def test_plot_mean_ci_rejects_missing_columns():
    with pytest.raises(ValueError, match=r"`table` lacks column\(s\) \['reach'\]"):
        nbh.plot_mean_ci(pd.DataFrame({"k": [1]}), "k", "reach")


def test_plot_seed_choices():
    G = nx.karate_club_graph()
    fig = nbh.plot_seed_choices(G, {"degree": [0, 33], "random": [5]})
    assert _titles(fig) == ["degree: 2 seeds", "random: 1 seeds"]
    with pytest.raises(ValueError, match="`seed_nodes` must name at least one strategy"):
        nbh.plot_seed_choices(G, {})
    with pytest.raises(TypeError, match="`graph` must be a networkx graph"):
        nbh.plot_seed_choices([1, 2], {"a": [1]})


def test_plot_delay_curve():
    cfg = ScenarioConfig.from_dict({**SMALL, "crisis": {"enabled": True, "step": 2}})
    curve = correction_delay_curve(cfg, [0, 3], n_replicates=2, rng=1)
    fig = nbh.plot_delay_curve(curve)
    assert _titles(fig) == [
        "Lost sales (purchases)",
        "Drop in mean purchase interest (percentage points)",
    ]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "never corrected" in labels and "corrected after delay" in labels
    # intent loss is shown in percentage points: 0.01 -> "1"
    assert fig.axes[1].yaxis.get_major_formatter()(0.01, 0) == "1"


def test_plot_adoption_curves_against_theory():
    curves = pd.concat(
        [
            bass_network(
                nx.complete_graph(40), 0.03, 0.38, dt=0.5, t_max=10.0, n_runs=2, rng=1
            ).assign(graph="complete"),
            bass_network(
                nx.cycle_graph(40), 0.03, 0.38, dt=0.5, t_max=10.0, n_runs=2, rng=1
            ).assign(graph="ring"),
        ]
    )
    t = np.linspace(0, 10, 21)
    theory = pd.DataFrame({"t": t, "fraction": bass_mean_field(0.03, 0.38, t)})
    fig = nbh.plot_adoption_curves(curves, theory)
    left, right = fig.axes
    assert len(left.get_lines()) == 3 and len(right.get_lines()) == 3
    assert "2 runs" in fig._supxlabel.get_text()


def test_plot_ecdfs():
    table = pd.DataFrame({"label": ["x", "x", "y"], "size": [1, 10, 100], "depth": [1, 2, 3]})
    fig = nbh.plot_ecdfs(table, ["size", "depth"], logx="size", colors={"x": "red"})
    assert fig.axes[0].get_xscale() == "log" and fig.axes[1].get_xscale() == "linear"
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["x (n=2, median 5.5)", "y (n=1, median 100)"]


# ---------------------------------------------------------------------------
# Tables


def test_metric_families_table_covers_the_four_families(campaign):
    summary, _ = campaign
    table = nbh.metric_families_table(summary)
    assert list(table.columns) == ["family", "meaning", "mean", "95% CI"]
    assert list(table["family"].unique()) == list(nbh.METRIC_FAMILIES)
    assert table.loc["roi", "mean"].endswith("%")
    assert table.loc["revenue", "mean"].startswith("$")


def test_metric_families_table_numbers(campaign):
    summary, _ = campaign
    table = nbh.metric_families_table(summary, formatted=False).set_index("metric")
    assert table.loc["reach", "mean"] == pytest.approx(summary["reach"].mean())
    sd = summary["reach"].std(ddof=1)
    half = 1.959964 * sd / np.sqrt(3)
    assert table.loc["reach", "ci_high"] == pytest.approx(summary["reach"].mean() + half)
    assert (table["n"] <= 3).all()


def test_metric_families_table_of_one_run_has_no_interval():
    run = simulate(ScenarioConfig.from_dict(SMALL), rng=2)
    table = nbh.metric_families_table(run.summary())
    assert (table["95% CI"] == "n/a").all()
    with pytest.raises(TypeError, match="`summary` must be a DataFrame or dict"):
        nbh.metric_families_table([1, 2])


def test_every_family_metric_is_in_the_run_summary(campaign):
    summary, _ = campaign
    for metrics in nbh.METRIC_FAMILIES.values():
        for metric, _meaning in metrics:
            assert metric in summary.columns
            assert metric in nbh.METRIC_LABELS


# ---------------------------------------------------------------------------
# Interactive experiments


def _toy_view(**kw):
    return nbh.interactive_experiment(
        lambda p, shape: pd.DataFrame(
            {"x": np.arange(4), "y": p * np.arange(4) ** (2 if shape == "square" else 1)}
        ),
        lambda res, values: nbh.plot_mean_ci(res.assign(group="a"), "x", "y"),
        {"p": nbh.slider(0.0, 1.0, 0.1, default=0.5), "shape": ["line", "square"]},
        readout=lambda res: f"last y {res['y'].iloc[-1]:.2f}",
        chart=nbh.vega_chart("x", "y", x_title="x (steps)", y_title="y (people)"),
        display=False,
        **kw,
    )


def test_interactive_experiment_precomputes_a_grid_through_the_defaults():
    view = _toy_view()
    assert view.defaults == {"p": 0.5, "shape": "line"}
    grid = view.grid_table
    assert set(grid["p_shape"]) == {"line", "square"}
    assert 0.5 in set(grid["p_p"]) and grid["p_p"].nunique() <= 7
    spec = nbh.chart_bundle(view.chart)["application/vnd.vegalite.v5+json"]
    names = {p["name"]: p for p in spec["params"]}
    assert names["p_p"]["bind"]["input"] == "range" and names["p_p"]["value"] == 0.5
    assert names["p_shape"]["bind"]["input"] == "select"
    assert isinstance(view.figure, Figure)


def test_a_bar_chart_keeps_every_category_of_the_grid_on_its_axis():
    # more sharers, more size classes: the longest label must be laid out from the
    # start (a label that appears after a slider move is cut off), bars in place
    def table(p):
        classes = ["1", "2-9", "10-99", "1,000-9,999"][: 1 + int(p * 3)]
        return pd.DataFrame({"sharers": classes, "runs": range(len(classes))})

    view = nbh.interactive_experiment(
        table, lambda res, values: None, {"p": nbh.slider(0.0, 1.0, 0.5)},
        chart=nbh.vega_chart("sharers", "runs", mark="bar"), display=False,
    )  # fmt: skip
    spec = nbh.chart_bundle(view.chart)["application/vnd.vegalite.v5+json"]
    x = spec["layer"][0]["encoding"]["x"]
    assert x["scale"]["domain"] == ["1", "2-9", "10-99", "1,000-9,999"]
    assert view.result(p=0.0)["sharers"].tolist() == ["1"]


def test_a_control_change_reruns_and_redraws():
    view = _toy_view()
    widget = view.build_widget()
    before = view.readout_text()
    slider_widget = view._inputs["p"]
    slider_widget.value = 0.9  # what a student's slider move does
    assert view.values["p"] == 0.9
    assert view.readout_text() != before == "last y 1.50"
    assert len(view.update_seconds) == 1
    assert view.update(shape="square") is not None and view.values["shape"] == "square"
    assert view._inputs["shape"].value == "square"  # the controls show the values
    assert len(view.update_seconds) == 2  # setting the control did not rerun again
    assert "smmsim-interactive" in widget._dom_classes


def test_interactive_experiment_rejects_bad_controls():
    with pytest.raises(ValueError, match=r"default of `p` must be in \[0.0, 1.0\]; got 2"):
        nbh.interactive_experiment(
            lambda p: None, lambda r, v: None, {"p": (0.0, 1.0, 0.1)}, defaults={"p": 2},
            display=False,
        )  # fmt: skip
    with pytest.raises(TypeError, match="control `p` must be slider"):
        nbh.interactive_experiment(lambda p: None, lambda r, v: None, {"p": 3}, display=False)
    with pytest.raises(ValueError, match="slider `max` must be > min"):
        nbh.slider(1.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="unknown control 'q'"):
        _toy_view().update(q=1)
    with pytest.raises(ValueError, match="`shape` must be one of"):
        _toy_view().update(shape="cube")


def test_interactive_scenario_runs_replicates_of_dotted_fields():
    cfg = ScenarioConfig.from_dict(SMALL)
    view = nbh.interactive_scenario(
        cfg,
        {"content.stickiness": nbh.slider(0.1, 0.5, 0.2)},
        lambda res, values: nbh.plot_steps(res.steps, ["reach"], kinds="brand"),
        n_replicates=2,
        rng=1,
        readout=lambda res: f"reach {res.mean('reach'):.0f}",
        display=False,
    )
    assert view.defaults == {"content.stickiness": 0.3}
    low, high = (
        view.result(**{"content.stickiness": 0.1}),
        view.result(**{"content.stickiness": 0.5}),
    )
    assert len(low.summary) == 2 and high.mean("reach") > low.mean("reach")
    with pytest.raises(ValueError, match="control `content.stickyness` is not a field"):
        nbh.interactive_scenario(cfg, {"content.stickyness": (0, 1, 0.1)}, None, display=False)


def test_chart_bundle_inlines_a_grid_above_altairs_row_guard():
    import altair as alt
    import pandas as pd

    table = pd.DataFrame({"x": range(6000), "y": range(6000)})
    spec = nbh.chart_bundle(alt.Chart(table).mark_point().encode(x="x", y="y"))
    values = spec["application/vnd.vegalite.v5+json"]["datasets"]
    assert sum(len(v) for v in values.values()) == 6000


def test_live_png_draws_the_figure_once_with_the_pixels_of_savefig():
    import io

    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from PIL import Image

    from smmsim import _widgets

    def figure():
        fig = Figure(figsize=(3, 2), dpi=80, layout="constrained")
        fig.subplots().plot([0, 1], [1, 0])
        return fig

    fig = figure()
    draws = []
    real_draw = type(fig).draw

    def counting_draw(self, renderer):
        draws.append(1)
        return real_draw(self, renderer)

    type(fig).draw = counting_draw
    try:
        png = _widgets._png(fig)
    finally:
        type(fig).draw = real_draw
    assert len(draws) == 1
    ours = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    buf = io.BytesIO()
    figure().savefig(buf, format="png")
    theirs = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGBA"))
    assert ours.shape == theirs.shape == (160, 240, 4)
    assert np.array_equal(ours, theirs)
    plt.close("all")


def test_live_png_pastes_kept_texts_within_half_a_pixel_of_agg():
    import io

    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from PIL import Image

    from smmsim import _widgets

    def figure(title):
        fig = Figure(figsize=(4, 3), dpi=90)
        ax = fig.subplots()
        ax.plot([0, 1, 2], [2, 0, 1])
        ax.set_title(title)
        ax.set_ylabel("people (rotated)")
        ax.text(0.5, 1.5, "faint", alpha=0.4, color="red")
        ax.set_xscale("log")  # mathtext tick labels
        return fig

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)

    exact = pixels(_widgets._png(figure("a title")))
    kept = pixels(_widgets._png(figure("a title"), keep_texts=True))
    assert np.array_equal(kept, exact)  # keeping the texts draws exactly as Agg
    live = pixels(_widgets._png(figure("a title"), live=True))  # every text pasted
    new = pixels(_widgets._png(figure("another title"), live=True))  # one text new
    for ours in (live, new):
        assert ours.shape == exact.shape
    diff = np.abs(live - exact).max(axis=2)
    assert diff.mean() < 4 and (diff > 64).mean() < 0.03  # glyph edges only
    # the texts are there, in the same places: dark pixels agree
    dark = exact[..., :3].sum(axis=2) < 300
    assert (live[..., :3].sum(axis=2)[dark] < 450).mean() > 0.9
    assert not np.array_equal(new, live)  # the new title was drawn
    plt.close("all")


def test_reach_sources_share_axis_labels_each_tick_with_its_own_percent():
    from smmsim.engine import simulate_replicates
    from smmsim.scenario import ScenarioConfig

    cfg = ScenarioConfig.from_dict({"graph": {"n_nodes": 300}})
    _, steps = simulate_replicates(cfg, n_replicates=2, rng=1)
    fig = nbh.plot_reach_sources(steps)
    bx = fig.axes[1]
    bx.set_ylim(0, 0.2)  # ticks every 2.5%, as in notebook 01
    fig.canvas.draw()
    for loc, label in zip(bx.get_yticks(), bx.get_yticklabels()):
        if bx.get_ylim()[0] <= loc <= bx.get_ylim()[1]:
            assert float(label.get_text().rstrip("%")) == pytest.approx(100 * loc)


def test_making_a_view_collects_garbage_and_freezes_what_lives():
    # a full collection during a slider update took up to 0.4 s; after the view is
    # made, later collections see only the objects made since
    import gc

    class Cycle:
        def __init__(self):
            self.me = self

    gc.unfreeze()
    dead = Cycle()
    import weakref

    ref = weakref.ref(dead)
    del dead
    _toy_view()
    assert ref() is None  # collected, not frozen
    assert gc.get_freeze_count() > 0
    gc.unfreeze()


def test_cascade_frames_follow_the_run_step_by_step():
    import dataclasses

    from smmsim.graphs import TIE_TYPES

    run = simulate(ScenarioConfig.from_dict({"graph": {"n_nodes": 150}}), rng=3)
    frames = nbh.cascade_frames(run)
    n = run.world.graph.n_nodes
    assert len(frames) == n * (frames["step"].max() + 1)
    last = frames[frames["step"] == frames["step"].max()]
    # by the last step every sharer has shared, and nobody else has
    assert set(last.loc[last["state"] == "shared", "person"]) == set(run.sharers[0].tolist())
    # a state once reached is never left: the shared and reached counts never fall
    counts = frames.groupby("step")["state"].value_counts().unstack(fill_value=0)
    assert counts["shared"].is_monotonic_increasing
    assert counts["not reached"].is_monotonic_decreasing
    assert set(frames.loc[frames["state"] == "shared", "tie"]) <= {"seed", *TIE_TYPES}
    with pytest.raises(ValueError, match="`run.sharer_steps` is None"):
        nbh.cascade_frames(dataclasses.replace(run, sharer_steps=None))
