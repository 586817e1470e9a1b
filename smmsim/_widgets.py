"""Interactive experiments for the notebooks (re-exported by :mod:`smmsim.notebook`).

One call, :func:`interactive_experiment` (or :func:`interactive_scenario` for a
scenario and its dotted config fields), shows three things in one cell:

1. live controls (ipywidgets sliders and dropdowns) that rerun the experiment
   and redraw its figure in place, with a one-line readout of the headline
   numbers (this needs a running kernel: JupyterLab, ``smmsim app``);
2. the matplotlib figure at the default values, a plain image, so that a page
   rendered without a kernel is never blank;
3. an Altair (Vega-Lite) chart whose own sliders select among results
   precomputed on a small grid of the control values: kernel-free sliders
   for the published site.

No model logic lives here: ``compute`` runs the model (a call into the
package), ``draw`` draws a figure, ``chart`` says which columns to plot.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Slider",
    "Dropdown",
    "ChartSpec",
    "ScenarioResult",
    "InteractiveView",
    "slider",
    "dropdown",
    "vega_chart",
    "interactive_experiment",
    "interactive_scenario",
    "run_scenario",
    "chart_bundle",
]

_MAX_GRID = 80
_CHART_TITLE = "Precomputed for a grid of values: these sliders work without Python"


@dataclass(frozen=True)
class Slider:
    """A numeric control: ``min`` to ``max`` in steps of ``step``.

    ``grid`` are the values precomputed for the kernel-free chart (default: up
    to 6 evenly spaced values of the slider, always including the default).
    """

    min: float
    max: float
    step: float
    default: float | None = None
    label: str | None = None
    grid: tuple | None = None

    def __post_init__(self):
        for name in ("min", "max", "step"):
            v = getattr(self, name)
            if not isinstance(v, (int, float, np.integer, np.floating)) or isinstance(v, bool):
                raise TypeError(f"slider `{name}` must be a number; got {v!r}.")
        if not self.max > self.min:
            raise ValueError(f"slider `max` must be > min ({self.min!r}); got {self.max!r}.")
        if not self.step > 0:
            raise ValueError(f"slider `step` must be > 0; got {self.step!r}.")

    @property
    def is_int(self) -> bool:
        vals = (self.min, self.max, self.step) + (
            (self.default,) if self.default is not None else ()
        )
        return all(float(v).is_integer() for v in vals)

    def snap(self, value) -> float:
        """``value`` rounded to the slider's steps and clipped to its range."""
        k = round((float(value) - self.min) / self.step)
        v = min(self.max, max(self.min, self.min + k * self.step))
        v = round(v, 10)
        return int(round(v)) if self.is_int else v

    def values(self) -> list:
        n = int(math.floor((self.max - self.min) / self.step + 1e-9)) + 1
        return [self.snap(self.min + i * self.step) for i in range(n)]

    def grid_values(self, default) -> list:
        if self.grid is not None:
            vals = [self.snap(v) for v in self.grid]
        else:
            # up to six evenly spaced slider values, through the default
            allv = self.values()
            stride = max(1, math.ceil((len(allv) - 1) / 5))
            at = allv.index(default) if default in allv else 0
            vals = allv[at % stride :: stride]
        if default not in vals:
            vals.append(default)
        return sorted(set(vals))


@dataclass(frozen=True)
class Dropdown:
    """A choice among ``options`` (strings or numbers)."""

    options: tuple
    default: Any = None
    label: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "options", tuple(self.options))
        if not self.options:
            raise ValueError("dropdown `options` must not be empty; got ().")
        if self.default is not None and self.default not in self.options:
            raise ValueError(
                f"dropdown `default` must be one of {list(self.options)}; got {self.default!r}."
            )

    def grid_values(self, default) -> list:
        return list(self.options)


def slider(min, max, step, *, default=None, label=None, grid=None) -> Slider:
    """A slider control for :func:`interactive_experiment`.

    Parameters
    ----------
    min, max, step : float
        Range and step of the slider (all integers: an integer slider).
    default : float, optional
        Start value (default: the experiment's default for it, else ``min``).
    label : str, optional
        Shown beside the slider (default: the parameter's name).
    grid : sequence of float, optional
        Values precomputed for the kernel-free chart (default: up to six
        evenly spaced values, plus the default).

    Returns
    -------
    Slider
    """
    return Slider(min, max, step, default, label, None if grid is None else tuple(grid))


def dropdown(options, *, default=None, label=None) -> Dropdown:
    """A dropdown control for :func:`interactive_experiment` (every option is precomputed)."""
    return Dropdown(tuple(options), default, label)


@dataclass(frozen=True)
class ChartSpec:
    """What the kernel-free Altair chart draws: see :func:`vega_chart`."""

    x: str
    y: str
    table: Callable | None = None
    color: str | None = None
    mark: str = "line"
    x_title: str | None = None
    y_title: str | None = None
    color_title: str | None = None
    title: str | None = None
    band: tuple | None = None
    width: int = 420
    height: int = 260
    colors: dict | None = None


def vega_chart(
    x,
    y,
    *,
    table=None,
    color=None,
    mark="line",
    x_title=None,
    y_title=None,
    color_title=None,
    title=None,
    band=None,
    width=420,
    height=260,
    colors=None,
) -> ChartSpec:
    """Describe the Altair chart of an interactive experiment.

    Parameters
    ----------
    x, y : str
        Columns of the chart table for the axes.
    table : callable, optional
        ``table(result) -> DataFrame`` (or ``table(result, values)``, given
        the control values too): the tidy rows to plot for one result
        (default: the result itself, which must then be a DataFrame).
    color : str, optional
        Column whose values get one colour each.
    mark : {"line", "bar", "point"}, default "line"
    x_title, y_title, color_title, title : str, optional
        Axis titles (with units), legend title and chart title.
    band : (str, str), optional
        Columns of a lower and upper bound drawn as a band (lines) or error
        bars (bars, points), e.g. ``("ci_low", "ci_high")``.
    width, height : int
        Size in pixels.
    colors : dict, optional
        Colour per value of ``color`` (e.g. ``{"shared": "#C44E52"}``).

    Returns
    -------
    ChartSpec
    """
    if mark not in ("line", "bar", "point"):
        raise ValueError(f"`mark` must be 'line', 'bar' or 'point'; got {mark!r}.")
    return ChartSpec(
        x, y, table, color, mark, x_title, y_title, color_title, title,
        None if band is None else tuple(band), width, height,
        None if colors is None else dict(colors),
    )  # fmt: skip


@dataclass(frozen=True)
class ScenarioResult:
    """Replicates of one scenario: ``summary`` (one row per replicate) and ``steps``."""

    config: Any
    summary: pd.DataFrame
    steps: pd.DataFrame

    def mean(self, metric: str) -> float:
        """Mean of a summary metric over the replicates."""
        return float(self.summary[metric].mean())


def run_scenario(cfg, *, n_replicates=10, rng=None) -> ScenarioResult:
    """``simulate_replicates`` of ``cfg`` as a :class:`ScenarioResult`.

    Parameters
    ----------
    cfg : ScenarioConfig
    n_replicates : int >= 1, default 10
    rng : None, int or numpy.random.SeedSequence, optional
        Master seed of the replicates (the same for every setting, so that
        settings are compared on common random numbers).
    """
    from .engine import simulate_replicates

    summary, steps = simulate_replicates(cfg, n_replicates=n_replicates, rng=rng)
    return ScenarioResult(cfg, summary, steps)


def _param_name(name: str) -> str:
    """A Vega-safe identifier for a control name (dotted paths allowed)."""
    return "p_" + re.sub(r"\W", "_", name)


def _label(name: str, control) -> str:
    if control.label:
        return control.label
    return name.rsplit(".", 1)[-1].replace("_", " ")


@dataclass(eq=False)
class InteractiveView:
    """The parts of an interactive experiment (returned by :func:`interactive_experiment`).

    Attributes
    ----------
    controls : dict of str -> Slider or Dropdown
    defaults : dict
        The start values.
    values : dict
        The current values (what the live figure shows).
    figure : matplotlib.figure.Figure
        The static figure at the defaults.
    chart : altair.Chart or None
        The kernel-free chart over the precomputed grid.
    grid_table : pandas.DataFrame or None
        The chart's data: ``chart.table`` rows of every grid point, with one
        column per control.
    widget : ipywidgets.VBox or None
        Controls, readout and live figure (None until :meth:`build_widget`).
    update_seconds : list of float
        Wall time of each live update (rerun + redraw).
    """

    compute: Callable
    draw: Callable
    controls: dict
    defaults: dict
    readout: Callable | None = None
    chart_spec: ChartSpec | None = None
    title: str | None = None
    values: dict = field(default_factory=dict)
    figure: Any = None
    chart: Any = None
    grid_table: Any = None
    widget: Any = None
    update_seconds: list = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False)
    _inputs: dict = field(default_factory=dict, repr=False)
    _output: Any = field(default=None, repr=False)
    _readout: Any = field(default=None, repr=False)
    _syncing: bool = field(default=False, repr=False)
    _layouts: dict = field(default_factory=dict, repr=False)
    _static_png: bytes | None = field(default=None, repr=False)

    def result(self, **values):
        """The experiment's result at ``values`` (missing ones: current), cached."""
        full = self._complete(values)
        key = tuple(full[k] for k in self.controls)
        if key not in self._cache:
            self._cache[key] = self.compute(**full)
        return self._cache[key]

    def _complete(self, values) -> dict:
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control {sorted(unknown)[0]!r}; the controls are {list(self.controls)}."
            )
        full = {**(self.values or self.defaults), **values}
        for name, c in self.controls.items():
            if isinstance(c, Slider):
                full[name] = c.snap(full[name])
            elif full[name] not in c.options:
                raise ValueError(f"`{name}` must be one of {list(c.options)}; got {full[name]!r}.")
        return full

    def figure_at(self, **values):
        """The figure for ``values`` (missing ones: the current values)."""
        full = self._complete(values)
        return self.draw(self.result(**full), full)

    def readout_text(self, **values) -> str:
        """The readout line for ``values`` ('' without a readout)."""
        if self.readout is None:
            return ""
        return str(self.readout(self.result(**values)))

    def update(self, **values):
        """Rerun at ``values`` and redraw the live figure (what a slider move calls).

        Returns the new figure.
        """
        start = time.perf_counter()
        full = self._complete(values)
        self.values = full
        res = self.result(**full)
        fig = _draw_live(self.draw, res, full)
        text = "" if self.readout is None else str(self.readout(res))
        elapsed = time.perf_counter() - start
        if self._output is not None:
            from IPython.display import Image, display

            png = self._render(fig)
            with self._output:
                self._output.clear_output(wait=True)
                display(Image(png, format="png"))
            elapsed = time.perf_counter() - start
        self.update_seconds.append(elapsed)
        if self._readout is not None:
            self._readout.value = _readout_html(text, f"updated in {elapsed:.2f} s")
        self._syncing = True
        try:  # show the values on the controls without rerunning
            for name, w in self._inputs.items():
                if w.value != full[name]:
                    w.value = full[name]
        finally:
            self._syncing = False
        return fig

    def _render(self, fig) -> bytes:
        """PNG of a live figure. Constrained layout (half the drawing time) runs on
        the first figure of each shape; later ones reuse its axes positions."""
        key = (len(fig.axes), tuple(np.round(fig.get_size_inches(), 3)))
        layout = self._layouts.get(key)
        if layout is not None and fig.get_layout_engine() is not None:
            fig.set_layout_engine("none")
            for ax, pos in zip(fig.axes, layout):
                ax.set_position(pos)
        static = fig is self.figure
        png = _png(fig, live=not static, keep_texts=static)
        if layout is None:
            # room for wider tick labels than the first figure's (0.3 inch on the left)
            pad = 0.3 / fig.get_size_inches()[0]
            self._layouts[key] = [
                [p.x0 + pad, p.y0, max(p.width - pad, 0.05), p.height]
                for p in (ax.get_position() for ax in fig.axes)
            ]
        return png

    # -- the three displays

    def build_widget(self):
        """The live controls, readout and figure area (ipywidgets)."""
        import ipywidgets as W

        inputs = {}
        style = {"description_width": "initial"}
        layout = W.Layout(width="420px")
        for name, c in self.controls.items():
            value = self.defaults[name]
            if isinstance(c, Slider):
                cls = W.IntSlider if c.is_int else W.FloatSlider
                kw = {} if c.is_int else {"readout_format": _format_for(c.step)}
                w = cls(
                    value=value, min=c.min, max=c.max, step=c.step,
                    description=_label(name, c), continuous_update=False,
                    style=style, layout=layout, **kw,
                )  # fmt: skip
            else:
                w = W.Dropdown(
                    options=list(c.options), value=value, description=_label(name, c),
                    style=style, layout=layout,
                )  # fmt: skip
            w.add_class("smmsim-control")
            inputs[name] = w
        self._inputs = inputs
        self._readout = W.HTML(
            _readout_html(
                self.readout_text(**self.defaults),
                "at the defaults: move a control and the figure for your values "
                "appears here, above the figure at the defaults",
            )
        )
        self._readout.add_class("smmsim-readout")
        self._output = W.Output()
        self._output.add_class("smmsim-live-figure")

        def on_change(change):
            if self._syncing:
                return
            self.update(**{n: w.value for n, w in inputs.items()})

        for w in inputs.values():
            w.observe(on_change, names="value")
        head = [W.HTML(f"<b>{self.title}</b>")] if self.title else []
        self.widget = W.VBox([*head, *inputs.values(), self._readout, self._output])
        self.widget.add_class("smmsim-interactive")
        return self.widget

    def build_chart(self, max_points: int = _MAX_GRID):
        """The Altair chart over the grid of control values (None without a chart spec)."""
        if self.chart_spec is None:
            return None
        alt = _altair()

        spec = self.chart_spec
        names = list(self.controls)
        grids = {n: self.controls[n].grid_values(self.defaults[n]) for n in names}
        n_points = math.prod(len(g) for g in grids.values())
        if n_points > max_points:
            raise ValueError(
                f"the chart grid has {n_points} points (more than {max_points}); "
                "give the sliders a shorter `grid`."
            )
        parts = []
        for combo in itertools.product(*(grids[n] for n in names)):
            values = dict(zip(names, combo))
            res = self.result(**values)
            rows = _call_table(spec.table, res, values) if spec.table is not None else res
            if not isinstance(rows, pd.DataFrame):
                raise TypeError(
                    "the chart's `table` must return a pandas DataFrame; "
                    f"got {type(rows).__name__}."
                )
            rows = rows.reset_index(drop=rows.index.name is None and not rows.index.names[0])
            rows = rows.assign(**{_param_name(n): v for n, v in values.items()})
            parts.append(rows)
        table = pd.concat(parts, ignore_index=True)
        keep = [spec.x, spec.y, *(spec.band or ()), *([spec.color] if spec.color else [])]
        keep += [_param_name(n) for n in names]
        table = table[list(dict.fromkeys(keep))]
        self.grid_table = table
        params, tests = [], []
        for n in names:
            c, g, p = self.controls[n], grids[n], _param_name(n)
            if isinstance(c, Slider) and len(g) > 1 and _evenly_spaced(g):
                bind = alt.binding_range(
                    min=g[0], max=g[-1], step=round(g[1] - g[0], 10), name=_label(n, c) + " "
                )
            else:
                bind = alt.binding_select(options=list(g), name=_label(n, c) + " ")
            params.append(alt.param(name=p, value=self.defaults[n], bind=bind))
            if isinstance(c, Slider):
                tol = (min(np.diff(g)) / 2) if len(g) > 1 else 0.5
                tests.append(f"abs(datum['{p}'] - {p}) < {tol:.10g}")
            else:
                tests.append(f"datum['{p}'] == {p}")
        lo = [table[spec.y].min()] + ([table[spec.band[0]].min()] if spec.band else [])
        hi = [table[spec.y].max()] + ([table[spec.band[1]].max()] if spec.band else [])
        y_min, y_max = float(np.nanmin(lo)), float(np.nanmax(hi))
        y_dom = [min(0.0, y_min), y_max if y_max > min(0.0, y_min) else 1.0]
        x_enc = alt.X(spec.x, title=spec.x_title or spec.x)
        if spec.mark == "bar":
            # every category of the grid on the axis, whatever the sliders select: the
            # bars keep their places, and the axis is laid out (once, when the chart
            # first shows) with room for the longest label, which is not cut off
            categories = list(dict.fromkeys(table[spec.x].tolist()))
            x_enc = alt.X(
                f"{spec.x}:N", title=spec.x_title or spec.x, sort=None,
                scale=alt.Scale(domain=categories),
            )  # fmt: skip
        y_enc = alt.Y(spec.y, title=spec.y_title or spec.y, scale=alt.Scale(domain=y_dom))
        enc = {"x": x_enc, "y": y_enc}
        if spec.color:
            scale = alt.Undefined
            if spec.colors:
                scale = alt.Scale(domain=list(spec.colors), range=list(spec.colors.values()))
            enc["color"] = alt.Color(
                f"{spec.color}:N", title=spec.color_title or spec.color, scale=scale
            )
        base = alt.Chart(table).transform_filter(" && ".join(tests))
        mark = {"line": base.mark_line(point=True), "bar": base.mark_bar(),
                "point": base.mark_point(filled=True, size=60)}[spec.mark]  # fmt: skip
        layers = [mark.encode(**enc)]
        if spec.band:
            band_enc = {"x": x_enc, "y": alt.Y(spec.band[0], scale=alt.Scale(domain=y_dom)),
                        "y2": alt.Y2(spec.band[1])}  # fmt: skip
            if spec.color:
                band_enc["color"] = enc["color"]
            if spec.mark == "line":
                layers.insert(0, base.mark_area(opacity=0.2).encode(**band_enc))
            else:
                layers.append(base.mark_rule().encode(**band_enc))
        chart = (
            alt.layer(*layers)
            .add_params(*params)
            .properties(
                width=spec.width,
                height=spec.height,
                title=spec.title
                or "Precomputed for a grid of values: these sliders work without Python",
            )
        )
        self.chart = chart
        return chart

    def show(self) -> None:
        """Display the live widget, the static figure and the chart (in that order)."""
        from IPython.display import display

        display(self.widget if self.widget is not None else self.build_widget())
        if self._static_png is not None:
            # the PNG already drawn when the view was made (a second drawing by
            # the inline backend would cost as much again)
            from IPython.display import Image

            display(Image(self._static_png, format="png"))
        else:
            display(self.figure)
        if self.chart is not None:
            display(chart_bundle(self.chart), raw=True)


VEGALITE_MIMETYPE = "application/vnd.vegalite.v5+json"
CHART_MAX_ROWS = 200_000  # rows of precomputed results a kernel-free chart may inline


def chart_bundle(chart) -> dict:
    """A display bundle of an Altair chart as Vega-Lite 5 JSON (data inlined).

    JupyterLab 4 and Voila render ``application/vnd.vegalite.v5+json``
    natively, and so does the report site; the charts use only Vega-Lite 5
    features (params bound to inputs, filter expressions, layers).
    """
    alt = _altair()

    # the grid is precomputed on purpose; Altair's 5,000-row guard is for
    # accidental big data (a class-size graph over a 3 x 13 grid is ~6,000 rows)
    with alt.data_transformers.enable("default", max_rows=CHART_MAX_ROWS):
        spec = chart.to_dict()
    spec["$schema"] = "https://vega.github.io/schema/vega-lite/v5.json"
    return {VEGALITE_MIMETYPE: spec, "text/plain": f"<{type(chart).__name__}: Vega-Lite chart>"}


def _altair():
    """``import altair`` (one place to import it from)."""
    import altair

    return altair


def _readout_html(text: str, note: str) -> str:
    import html

    body = html.escape(text) if text else ""
    return (
        f"<div class='smmsim-readout-text' style='font-size:1.05em'>{body}</div>"
        f"<div style='color:#666;font-size:0.85em'>{html.escape(note)}</div>"
    )


def _call_table(table, result, values):
    """``table(result)``, or ``table(result, values)`` if it takes two arguments."""
    import inspect

    try:
        n = len(inspect.signature(table).parameters)
    except (TypeError, ValueError):
        n = 1
    return table(result, values) if n >= 2 else table(result)


def _draw_live(draw, result, values):
    """``draw(result, values)`` for the live figure area.

    Titles stay where they are put (``axes.titley`` 1.0) instead of being
    raised above whatever sits at the top of their axes: matplotlib finds
    that out by laying out every tick label an extra time, a fifth of a
    redraw, and nothing sits there in these figures (ticks and labels are
    at the bottom), so the title lands where it would anyway.
    """
    import matplotlib as mpl

    _LIVE_DRAWS.append(True)
    try:
        with mpl.rc_context({"axes.titley": 1.0}):
            return draw(result, values)
    finally:
        _LIVE_DRAWS.pop()


_LIVE_DRAWS: list = []  # not empty while a live figure is drawn (see drawing_live)


def drawing_live() -> bool:
    """True while :func:`_draw_live` draws a live update's figure: a draw helper
    may then update the figure it drew for the previous update in place (its
    axes, ticks and texts kept) instead of making a new one. The static figure
    is always drawn afresh."""
    return bool(_LIVE_DRAWS)


def _png(fig, *, live: bool = False, keep_texts: bool = False) -> bytes:
    """The figure as PNG bytes, drawn once, with fast compression.

    ``savefig`` draws a figure twice when it has a layout engine (even the
    placeholder left by ``set_layout_engine("none")``): once to lay it out,
    once to print. Drawing on an Agg canvas and encoding its buffer draws it
    once (the layout, if any, runs inside that draw), which halves the time
    of a live update's PNG; the pixels are those ``savefig`` gives at the
    figure's dpi.

    ``live=True`` (a live update) draws text through :func:`_text_canvases`'
    renderer, which keeps each text it has drawn as a small image: the
    labels, ticks and titles that come back on the next update are pasted,
    not drawn again glyph by glyph (text is about half of a redraw). A
    pasted text sits on whole pixels, up to half a pixel from where Agg
    would put it. ``keep_texts=True`` draws exactly as ``savefig`` and keeps
    the figure's texts for the live figures to come (the static figure of an
    interactive view, so that its first live update finds them).
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    live_canvas, keeping_canvas = _text_canvases()
    canvas = (live_canvas if live else keeping_canvas if keep_texts else FigureCanvasAgg)(fig)
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    dpi = (fig.dpi, fig.dpi)
    image.save(buf, format="png", compress_level=1, dpi=dpi)
    return buf.getvalue()


_TEXT_CACHE_SIZE = 4000  # texts kept as images (a few MB), and as many text metrics


@functools.cache
def _text_canvases():
    """Agg canvas classes whose renderers keep drawn texts: (live, keeping).

    The live renderer (one per figure size, reused: its buffer is cleared
    before each drawing) draws a text not seen before on a small canvas of
    its own, keeps the pixels it covered and pastes them where the text goes;
    a text seen before (same string, font, size, angle, colour and dpi) is
    only pasted. Clipping applies to the pasted image as to glyphs. The
    keeping renderer draws glyphs as Agg does and keeps each text's image for
    the live one. Both remember text sizes (Agg measures a text by laying out
    its glyphs, every time).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

    texts: dict = {}
    metrics: dict = {}
    renderers: dict = {}

    def remember(cache, key, make):
        if len(cache) >= _TEXT_CACHE_SIZE:
            cache.clear()
        cache[key] = make()
        return cache[key]

    class KeepingRenderer(RendererAgg):
        def get_text_width_height_descent(self, s, prop, ismath):
            if ismath == "TeX":
                return super().get_text_width_height_descent(s, prop, ismath)
            key = (s, hash(prop), ismath, self.dpi)
            out = metrics.get(key)
            if out is None:
                out = remember(metrics, key, lambda: super(KeepingRenderer, self)
                               .get_text_width_height_descent(s, prop, ismath))  # fmt: skip
            return out

        def _text_key(self, gc, s, prop, angle, ismath, mtext):
            extra = ()
            if mtext is not None:
                extra = tuple(
                    repr(getattr(mtext, name)()) for name in ("get_fontfeatures", "get_language")
                    if hasattr(mtext, name)
                )  # fmt: skip
            return (s, hash(prop), float(angle), ismath, tuple(gc.get_rgb()), gc.get_alpha(),
                    gc.get_forced_alpha(), gc.get_antialiased(), self.dpi, extra)  # fmt: skip

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            if ismath != "TeX":
                key = self._text_key(gc, s, prop, angle, ismath, mtext)
                if key not in texts:
                    remember(
                        texts, key, lambda: self._text_image(gc, s, prop, angle, ismath, mtext)
                    )

        def _text_image(self, gc, s, prop, angle, ismath, mtext):
            """(pixels, dx, dy): the text drawn at an anchor on whole pixels, cropped;
            (dx, dy) is the top left corner from the anchor (y downwards)."""
            w, h, _ = self.get_text_width_height_descent(s, prop, ismath)
            margin = math.ceil(prop.get_size_in_points() * self.dpi / 72) + 4
            c, s_ = abs(math.cos(math.radians(angle))), abs(math.sin(math.radians(angle)))
            half_w = math.ceil(w * c + h * s_) + margin
            half_h = math.ceil(w * s_ + h * c) + margin
            scratch = RendererAgg(2 * half_w, 2 * half_h, self.dpi)
            sgc = scratch.new_gc()
            sgc.copy_properties(gc)
            sgc.set_clip_rectangle(None)
            sgc.set_clip_path(None)
            RendererAgg.draw_text(scratch, sgc, half_w, half_h, s, prop, angle, ismath, mtext)
            sgc.restore()
            pixels = np.asarray(scratch.buffer_rgba())
            rows = np.flatnonzero(pixels[..., 3].any(axis=1))
            if not len(rows):
                return None, 0, 0
            cols = np.flatnonzero(pixels[..., 3].any(axis=0))
            r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
            # draw_image takes rows bottom up
            return pixels[r0:r1, c0:c1][::-1].copy(), int(c0 - half_w), int(r0 - half_h)

    class LiveRenderer(KeepingRenderer):
        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath == "TeX":
                return RendererAgg.draw_text(self, gc, x, y, s, prop, angle, ismath, mtext)
            key = self._text_key(gc, s, prop, angle, ismath, mtext)
            entry = texts.get(key)
            if entry is None:
                entry = remember(texts, key, lambda: self._text_image(gc, s, prop, angle,
                                                                      ismath, mtext))  # fmt: skip
            image, dx, dy = entry
            if image is None:  # nothing visible (blank string)
                return
            paste = self.new_gc()
            paste.copy_properties(gc)
            paste.set_alpha(1.0)  # the text's alpha is in the image already
            top = round(y) + dy  # y downwards from the top, as Agg's draw_text takes it
            self.draw_image(paste, round(x) + dx, self.height - top - image.shape[0], image)
            paste.restore()

    def canvas_class(renderer_class, reuse):
        class Canvas(FigureCanvasAgg):
            def get_renderer(self):
                w, h = self.get_width_height(physical=True)
                key = (renderer_class, w, h, self.figure.dpi)
                if not reuse or key not in renderers:
                    if len(renderers) >= 4:
                        renderers.clear()
                    renderers[key] = renderer_class(w, h, self.figure.dpi)
                self.renderer = renderers[key]
                return self.renderer

        return Canvas

    live, keeping = canvas_class(LiveRenderer, True), canvas_class(KeepingRenderer, False)
    live.kept = keeping.kept = (texts, metrics)  # for benchmarks: what a first visit finds
    return live, keeping


def _format_for(step) -> str:
    decimals = max(0, -int(math.floor(math.log10(step)))) if step < 1 else 0
    return f".{decimals}f"


def _evenly_spaced(g) -> bool:
    d = np.diff(np.asarray(g, dtype=float))
    return bool(np.allclose(d, d[0], rtol=1e-6, atol=1e-9))


def interactive_experiment(
    compute,
    draw,
    controls,
    *,
    defaults=None,
    readout=None,
    chart=None,
    title=None,
    display=True,
) -> InteractiveView:
    """Live controls that rerun an experiment, its static figure, and a kernel-free chart.

    Parameters
    ----------
    compute : callable
        ``compute(**values) -> result``: runs the model at one setting of the
        controls (a call into the package). Results are cached per setting.
    draw : callable
        ``draw(result, values) -> matplotlib.figure.Figure``.
    controls : dict of str -> Slider, Dropdown, tuple or list
        One control per parameter of ``compute``: :func:`slider`,
        :func:`dropdown`, a ``(min, max, step)`` tuple (a slider) or a list
        (a dropdown).
    defaults : dict, optional
        Start values (default: each control's ``default``, else its minimum
        or first option). The static figure is drawn at these.
    readout : callable, optional
        ``readout(result) -> str``: a line of headline numbers shown under
        the controls and updated with them.
    chart : ChartSpec, optional
        The kernel-free Altair chart (see :func:`vega_chart`); None: no chart.
    title : str, optional
        Shown above the controls.
    display : bool, default True
        Display the three parts now (in a notebook cell).

    Returns
    -------
    InteractiveView

    Raises
    ------
    ValueError
        For an unknown control, a default outside its control, or a chart
        grid of more than 80 points.

    Examples
    --------
    >>> view = interactive_experiment(
    ...     lambda p: pd.DataFrame({"x": [0, 1], "y": [0.0, p]}),
    ...     lambda res, values: None,
    ...     {"p": slider(0.0, 1.0, 0.25, default=0.5)},
    ...     chart=vega_chart("x", "y"),
    ...     display=False,
    ... )
    >>> sorted(view.grid_table["p_p"].unique().tolist())
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> view.result(p=0.75)["y"].tolist()
    [0.0, 0.75]
    """
    if not isinstance(controls, dict) or not controls:
        raise TypeError(
            f"`controls` must be a non-empty dict of name -> control; got {controls!r}."
        )
    norm = {}
    for name, c in controls.items():
        if isinstance(c, (Slider, Dropdown)):
            norm[name] = c
        elif isinstance(c, tuple) and len(c) == 3:
            norm[name] = slider(*c)
        elif isinstance(c, list):
            norm[name] = dropdown(c)
        else:
            raise TypeError(
                f"control `{name}` must be slider(...), dropdown(...), a (min, max, step) "
                f"tuple or a list of options; got {c!r}."
            )
    given = dict(defaults or {})
    unknown = set(given) - set(norm)
    if unknown:
        raise ValueError(
            f"`defaults` names unknown control {sorted(unknown)[0]!r}; "
            f"the controls are {list(norm)}."
        )
    start = {}
    for name, c in norm.items():
        v = given.get(name, c.default)
        if isinstance(c, Slider):
            v = c.min if v is None else v
            if not c.min - 1e-12 <= v <= c.max + 1e-12:
                raise ValueError(f"default of `{name}` must be in [{c.min}, {c.max}]; got {v!r}.")
            start[name] = c.snap(v)
        else:
            v = c.options[0] if v is None else v
            if v not in c.options:
                raise ValueError(
                    f"default of `{name}` must be one of {list(c.options)}; got {v!r}."
                )
            start[name] = v
    view = InteractiveView(compute, draw, norm, start, readout, chart, title)
    view.values = dict(start)
    view.figure = view.figure_at(**start)
    # lay the figure out once now, so that the first live figure of the same
    # shape reuses its layout (a live update then never runs constrained layout)
    engine = getattr(view.figure, "get_layout_engine", None)
    if engine is not None and engine() is not None:
        view._static_png = view._render(view.figure)
    view.build_chart()
    _settle_garbage()
    if display:
        view.show()
    return view


def _settle_garbage() -> None:
    """Collect garbage now, then keep everything alive out of later collections.

    A full collection walks every object the kernel holds (the scientific
    stack, compiled code, graphs, results): 0.1-0.4 s, and Python starts
    one whenever enough new objects pile up, which happens during slider
    updates (each draws a figure). Collecting here, when the view is made,
    and freezing what survives (:func:`gc.freeze`) leaves later collections
    only the objects made since. What the next view's collection finds dead
    is freed then (it unfreezes first), so running a cell again leaks nothing.
    """
    import gc

    gc.unfreeze()
    gc.collect()
    gc.freeze()


def interactive_scenario(
    cfg,
    controls,
    draw,
    *,
    n_replicates=10,
    rng=None,
    readout=None,
    chart=None,
    title=None,
    display=True,
) -> InteractiveView:
    """:func:`interactive_experiment` over fields of a scenario.

    The control names are dotted config fields (``"content.stickiness"``);
    each setting runs ``n_replicates`` replicates of
    ``cfg.with_overrides(values)`` with the same master seed ``rng``, and the
    result is a :class:`ScenarioResult` (``summary`` and ``steps`` tables).
    A control's default is the field's value in ``cfg``.

    Parameters
    ----------
    cfg : ScenarioConfig
    controls : dict of str -> Slider, Dropdown, tuple or list
    draw : callable
        ``draw(result, values) -> Figure`` with a :class:`ScenarioResult`.
    n_replicates : int >= 1, default 10
    rng : None, int or numpy.random.SeedSequence, optional
    readout, chart, title, display
        As for :func:`interactive_experiment`.

    Returns
    -------
    InteractiveView
    """
    defaults = {}
    data = cfg.to_dict()
    for name, c in controls.items():
        value = data
        for part in name.split("."):
            if not isinstance(value, dict) or part not in value:
                raise ValueError(f"control `{name}` is not a field of the scenario.")
            value = value[part]
        if getattr(c, "default", None) is None:
            defaults[name] = list(value) if isinstance(value, tuple) else value

    def compute(**values):
        return run_scenario(cfg.with_overrides(values), n_replicates=n_replicates, rng=rng)

    return interactive_experiment(
        compute, draw, controls, defaults=defaults, readout=readout, chart=chart,
        title=title, display=display,
    )  # fmt: skip
