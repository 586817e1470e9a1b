"""One page of the site: an executed notebook as standalone, kernel-free HTML.

:func:`notebook_html` renders a notebook with nbconvert's ``lab`` template and
these changes:

- no script is loaded from the internet (no require.js, MathJax, Mermaid or
  widget manager from a CDN);
- code cells are hidden by default, with a "Show code" toggle;
- ipywidgets views are dropped (there is no kernel behind a static page);
- Vega-Lite outputs (``application/vnd.vegalite.v*+json``, ``application/
  vnd.vega.v*+json``) are drawn by vega-embed from ``assets/vega-embed.js``
  (written into the site from ``vl-convert-python``), so their slider
  bindings work without Python;
- a notebook's "ran without its real data" note (:mod:`smmsim.reports.status`)
  becomes a visible callout;
- a print stylesheet (no navigation, no sliders, figures kept whole).

:func:`render_page` also writes the card's thumbnail and returns what the
index needs.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbformat import NotebookNode

from .status import NO_REAL_DATA, STATUS_MIMETYPE

__all__ = ["VEGA_BUNDLE", "notebook_html", "render_page", "thumbnail_png"]

VEGA_BUNDLE = "assets/vega-embed.js"
THUMBS = "thumbs"
_VEGA_MIME = re.compile(r"^application/vnd\.vega(lite)?\.v\d+\+json$")
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_THUMB_SIZE = (480, 300)

_PAGE_CSS = """
.smmsim-nav { position: sticky; top: 0; z-index: 10; display: flex; gap: 1em;
  align-items: center; font: 14px/1.4 system-ui, sans-serif; padding: 8px 20px;
  border-bottom: 1px solid #ddd; background: #f7f7f7; }
.smmsim-nav .smmsim-title { flex: 1; font-weight: 600; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.smmsim-nav button { font: inherit; padding: 3px 12px; border: 1px solid #bbb;
  border-radius: 5px; background: white; cursor: pointer; }
.smmsim-nav button:hover { background: #eef4fb; }
.smmsim-meta { font: 13px/1.5 system-ui, sans-serif; color: #555; padding: 6px 20px;
  border-bottom: 1px solid #eee; }
.smmsim-meta code { background: #eee; padding: 0 4px; border-radius: 3px; }
.smmsim-status-failed { color: #a51d2d; font-weight: 600; }
.smmsim-status-no-real-data { color: #986a00; font-weight: 600; }
body.smmsim-hide-code .jp-CodeCell .jp-Cell-inputWrapper { display: none; }
body.smmsim-hide-code .jp-CodeCell.jp-mod-noOutputs { display: none; }
body.smmsim-hide-code .jp-OutputPrompt { visibility: hidden; }
.jp-RenderedHTMLCommon details { border: 1px solid #ddd; border-radius: 6px;
  padding: .4em .9em; margin: .7em 0; background: #fbfbf7; }
.jp-RenderedHTMLCommon details > summary { cursor: pointer; font-weight: 600; color: #1a5fb4; }
.jp-RenderedHTMLCommon details[open] > summary { margin-bottom: .4em; }
.smmsim-missing { border-left: 4px solid #e5a50a; background: #fff8e1; padding: .5em .9em;
  font: 14px/1.5 system-ui, sans-serif; }
.smmsim-vega { margin: .4em 0; min-height: 40px; }
.smmsim-vega .vega-bindings { font: 14px system-ui, sans-serif; margin-top: .3em; }
.smmsim-vega .vega-bind { margin: .2em 0; }
@media print {
  .smmsim-nav, .vega-bindings, .vega-actions { display: none !important; }
  .smmsim-meta { border: none; padding: 0 0 1em 0; }
  body.smmsim-hide-code .jp-CodeCell .jp-Cell-inputWrapper { display: none !important; }
  .jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
  .jp-Cell, .jp-OutputArea-output img, .smmsim-vega, details { break-inside: avoid; }
  .jp-OutputArea-output img { max-width: 100% !important; height: auto !important; }
  main { padding: 0 !important; }
  a { color: inherit; text-decoration: none; }
  details { border: none !important; background: none !important; padding: 0 !important; }
}
"""

_TOGGLE_JS = """
(function () {
  var button = document.getElementById("smmsim-toggle-code");
  if (!button) return;
  button.addEventListener("click", function () {
    var hidden = document.body.classList.toggle("smmsim-hide-code");
    button.textContent = hidden ? "Show code" : "Hide code";
    button.setAttribute("aria-pressed", hidden ? "false" : "true");
  });
})();
"""

_VEGA_JS = """
(function () {
  window.smmsimViews = [];
  document.querySelectorAll(".smmsim-vega").forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.dataset.specId).textContent);
    vegaEmbed(el, spec, {actions: false, renderer: "svg"}).then(function (result) {
      window.smmsimViews.push(result.view);
      el.dataset.ready = "1";
    }).catch(function (err) {
      el.dataset.ready = "error";
      el.textContent = "This interactive chart could not be drawn: " + err;
      console.error("smmsim: interactive chart failed: " + err);
    });
  });
})();
"""

_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style type="text/css">{{ resources.smmsim.css }}</style>{%- endblock -%}
{%- block body_header -%}
<body class="jp-Notebook smmsim-hide-code" data-jp-theme-light="true"
 data-jp-theme-name="JupyterLab Light">
{{ resources.smmsim.header }}
<main>
{%- endblock body_header -%}
{%- block data_widget_view -%}{%- endblock data_widget_view -%}
{% block body_footer %}
</main>
{{ resources.smmsim.footer }}
</body>
{% endblock body_footer %}
"""


def _exporter():
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="smmsim_page.html.j2",
        extra_loaders=[jinja2.DictLoader({"smmsim_page.html.j2": _TEMPLATE})],
    )


def _json_for_script(value) -> str:
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _static_outputs(nb: NotebookNode) -> tuple[int, list[dict[str, str]], list[int]]:
    """Rewrite outputs in place for a static page.

    Returns (n_charts, missing-data notes, Vega-Lite major versions of the charts).
    """
    n_charts = 0
    majors = set()
    missing = []
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is None:
                kept.append(output)
                continue
            if _WIDGET_MIME in data:
                continue  # a live widget: nothing to show without a kernel
            status = data.get(STATUS_MIMETYPE)
            if isinstance(status, dict) and status.get("status") == NO_REAL_DATA:
                note = {"what": str(status.get("what", "")), "how": str(status.get("how", ""))}
                missing.append(note)
                output["data"] = {
                    "text/html": (
                        '<div class="smmsim-missing"><b>Ran without its real data</b> '
                        f"({html.escape(note['what'])}). To get it: {html.escape(note['how'])}"
                        "</div>"
                    )
                }
            else:
                vega = [k for k in data if _VEGA_MIME.match(k)]
                if vega:
                    spec = data[vega[0]]
                    if isinstance(spec, str):
                        spec = json.loads(spec)
                    n_charts += 1
                    m = re.match(r"application/vnd\.vegalite\.v(\d+)\+json$", vega[0])
                    if m:
                        majors.add(int(m.group(1)))
                    spec_id = f"smmsim-spec-{n_charts}"
                    output["data"] = {
                        "text/html": (
                            f'<div class="smmsim-vega" data-spec-id="{spec_id}"></div>'
                            f'<script type="application/json" id="{spec_id}">'
                            f"{_json_for_script(spec)}</script>"
                        )
                    }
            kept.append(output)
        cell["outputs"] = kept
    return n_charts, missing, sorted(majors)


def notebook_html(
    nb: NotebookNode,
    *,
    title: str,
    back_link: str | None = "index.html",
    meta_html: str = "",
    vega_src: str = VEGA_BUNDLE,
) -> str:
    """Render an executed notebook as a standalone, kernel-free HTML page.

    Figures are embedded as base64 PNG images; Vega-Lite charts are drawn by
    the script at ``vega_src`` (relative to the page).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Changed in place (widget views dropped, charts replaced).
    title : str
        The page title.
    back_link : str or None, default "index.html"
        Adds a link back to the report's index at the top of the page.
    meta_html : str, default ""
        HTML shown under the navigation bar (status, parameters).
    vega_src : str, default "assets/vega-embed.js"

    Returns
    -------
    str
    """
    n_charts, _, _ = _static_outputs(nb)
    return _page(
        nb,
        title=title,
        back_link=back_link,
        meta_html=meta_html,
        n_charts=n_charts,
        vega_src=vega_src,
    )


def _page(nb, *, title, back_link, meta_html, n_charts, vega_src) -> str:
    esc = html.escape
    back = f'<a href="{esc(back_link)}">&larr; All notebooks</a>' if back_link else ""
    header = (
        f'<nav class="smmsim-nav">{back}<span class="smmsim-title">{esc(title)}</span>'
        '<button id="smmsim-toggle-code" type="button" aria-pressed="false">Show code</button>'
        "</nav>" + (f'<div class="smmsim-meta">{meta_html}</div>' if meta_html else "")
    )
    footer = f"<script>{_TOGGLE_JS}</script>"
    if n_charts:
        footer += f'<script src="{esc(vega_src)}"></script><script>{_VEGA_JS}</script>'
    resources = {
        "metadata": {"name": title},
        "smmsim": {"css": _PAGE_CSS, "header": header, "footer": footer},
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


def title_and_summary(nb: NotebookNode, fallback: str) -> tuple[str, str]:
    """The first markdown heading and the paragraph after it (markup removed)."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.strip().splitlines()
        if lines and lines[0].startswith("#"):
            title = lines[0].lstrip("#").strip()
            paragraph: list[str] = []
            for line in lines[1:]:
                if not line.strip():
                    if paragraph:
                        break
                    continue
                paragraph.append(line.strip())
            summary = re.sub(r"[*`_]", "", " ".join(paragraph))
            return title, _clamp(summary)
    return fallback, ""


def _clamp(text: str, limit: int = 240) -> str:
    """``text`` cut after the last sentence that ends within ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(". ", 0, limit), text.rfind("? ", 0, limit), text.rfind("! ", 0, limit))
    if cut > 40:
        return text[: cut + 1]
    return text[:limit].rsplit(" ", 1)[0] + " ..."


def key_figure(nb: NotebookNode) -> bytes | None:
    """PNG bytes of the key figure: first image/png of a cell tagged ``key-figure``, else
    the first image/png of the notebook; None without figures."""
    cells = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in cells if "key-figure" in c.metadata.get("tags", [])]
    for group in (tagged, cells):
        for cell in group:
            for output in cell.get("outputs", []):
                png = output.get("data", {}).get("image/png")
                if png:
                    text = "".join(png) if isinstance(png, list) else png
                    return base64.b64decode(text)
    return None


def thumbnail_png(png: bytes, size: tuple[int, int] = _THUMB_SIZE) -> bytes:
    """A PNG at most ``size`` (width, height) pixels, keeping the aspect ratio."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as source:
        image = source.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image).convert("RGB")
        image.thumbnail(size)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _meta_html(preset: str, params: dict, status: str, error, missing) -> str:
    esc = html.escape
    shown = ", ".join(f"<code>{esc(k)}={esc(repr(v))}</code>" for k, v in params.items())
    parts = [f"Preset <b>{esc(preset)}</b>", f"parameters: {shown or 'notebook defaults'}"]
    if status == "failed":
        parts.append(f'<span class="smmsim-status-failed">failed: {esc(error or "")}</span>')
    elif status == NO_REAL_DATA:
        parts.append('<span class="smmsim-status-no-real-data">ran without its real data</span>')
    return " &middot; ".join(parts)


def render_page(
    folder: str | os.PathLike,
    source: str | os.PathLike,
    *,
    preset: str,
    params: dict,
    seconds: float,
    error: str | None = None,
) -> dict:
    """Write ``<folder>/<name>.html`` and its thumbnail from the executed notebook.

    Parameters
    ----------
    folder : Path
        The site being built; it holds the executed ``<name>.ipynb`` (or,
        if execution never started, the source notebook is rendered).
    source : Path
        The source notebook.
    preset, params, seconds, error
        What the card and the page's header show.

    Returns
    -------
    dict
        The index entry: name, title, summary, html, ipynb, thumb, seconds,
        status (``ok``, ``failed`` or ``no-real-data``), error, missing,
        params, n_figures, n_charts.
    """
    import nbformat

    folder, source = Path(folder), Path(source)
    executed = folder / source.name
    nb = nbformat.read(executed if executed.is_file() else source, as_version=4)
    name = source.stem
    title, summary = title_and_summary(nb, name)
    n_figures = sum(
        1 for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    )
    thumb = None
    png = key_figure(nb)
    if png is not None:
        (folder / THUMBS).mkdir(exist_ok=True)
        thumb = f"{THUMBS}/{name}.png"
        (folder / thumb).write_bytes(thumbnail_png(png))
    n_charts, missing, majors = _static_outputs(nb)
    status = "failed" if error else (NO_REAL_DATA if missing else "ok")
    page = folder / f"{name}.html"
    meta = _meta_html(preset, params, status, error, missing)
    page.write_text(
        _page(
            nb,
            title=title,
            back_link="index.html",
            meta_html=meta,
            n_charts=n_charts,
            vega_src=VEGA_BUNDLE,
        ),
        encoding="utf-8",
    )
    return {
        "name": name,
        "title": title,
        "summary": summary,
        "html": page.name,
        "ipynb": source.name if executed.is_file() else None,
        "thumb": thumb,
        "seconds": round(seconds, 2),
        "status": status,
        "error": error,
        "missing": missing,
        "params": params,
        "n_figures": n_figures,
        "n_charts": n_charts,
        "vegalite_majors": majors,
    }
