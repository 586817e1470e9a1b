"""The site's ``index.html``: one card per notebook, with its thumbnail and status."""

from __future__ import annotations

import base64
import html
import struct
import zlib

__all__ = ["PLACEHOLDER", "index_html", "placeholder_png"]

PLACEHOLDER = "thumbs/_none.png"

_STATUS = {
    "ok": ("ok", "ok"),
    "failed": ("failed", "failed"),
    "no-real-data": ("nodata", "ran without its real data"),
    "missing": ("missing", "not built yet"),
}

_INDEX_CSS = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 1040px; margin: 2.2em auto; padding: 0 1.2em; }
h1 { font-size: 2em; margin-bottom: .1em; }
.sub { color: #555; margin-top: 0; }
.card { display: flex; gap: 1.2em; border: 1px solid #ddd; border-radius: 8px;
        padding: 1em 1.2em; margin: 1.1em 0; background: #fafafa; break-inside: avoid; }
.card .thumb { flex: 0 0 240px; }
.card .thumb img { width: 240px; height: auto; border: 1px solid #e3e3e3; border-radius: 4px;
                   background: white; display: block; }
.card .text { flex: 1; min-width: 0; }
.card h2 { margin: 0 0 .3em 0; font-size: 1.25em; }
.card h2 a { color: #1a5fb4; text-decoration: none; }
.card h2 a:hover { text-decoration: underline; }
.card p { margin: .3em 0; }
.meta { color: #666; font-size: .88em; }
.meta code { background: #eee; padding: 1px 4px; border-radius: 3px; }
.badge { display: inline-block; font-size: .72em; padding: 1px 8px; border-radius: 10px;
         vertical-align: middle; margin-left: .5em; color: white; background: #2e7d32; }
.badge.failed { background: #c44e52; }
.badge.nodata { background: #b7791f; }
.badge.missing { background: #777; }
.card.failed { border-color: #c44e52; background: #fff3f3; }
.card.nodata { border-color: #e5a50a; background: #fffaf0; }
.problem { font-size: .92em; }
footer { color: #777; font-size: .85em; margin-top: 2.5em; border-top: 1px solid #ddd;
         padding-top: .8em; }
@media (max-width: 700px) { .card { flex-direction: column; } }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  .card { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def placeholder_png(width: int = 480, height: int = 300) -> bytes:
    """A plain light-grey PNG for a card whose notebook drew no figure."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes([236, 236, 236]) * width
    raw = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _number(name: str, fallback: int) -> int:
    """The ``NN`` of ``NN_name`` (what ``--notebooks 3,8`` refers to)."""
    head = name.split("_", 1)[0]
    return int(head) if head.isdigit() else fallback


def _card(i: int, e: dict) -> str:
    esc = html.escape
    status = e.get("status", "ok")
    css, label = _STATUS.get(status, ("failed", status))
    params = (
        ", ".join(f"<code>{esc(k)}={esc(repr(v))}</code>" for k, v in e["params"].items())
        or "notebook defaults"
    )
    problem = ""
    if status == "failed":
        problem = f'<p class="problem"><b>Error:</b> {esc(e.get("error") or "")}</p>'
    elif status == "no-real-data":
        notes = "; ".join(
            f"{esc(m['what'])} missing. To get it: {esc(m['how'])}" for m in e.get("missing", [])
        )
        problem = f'<p class="problem"><b>Ran without its real data:</b> {notes}</p>'
    built = esc(e.get("built", ""))
    links = []
    if e.get("ipynb"):
        links.append(f'<a href="{esc(e["ipynb"])}">executed notebook (.ipynb)</a>')
    thumb = e.get("thumb") or PLACEHOLDER
    alt = f"Key figure of {e['title']}" if e.get("thumb") else "No figure"
    charts = f" &middot; {e['n_charts']} interactive chart(s)" if e.get("n_charts") else ""
    return (
        f'<div class="card {css}" id="{esc(e["name"])}">'
        f'<div class="thumb"><a href="{esc(e["html"])}">'
        f'<img src="{esc(thumb)}" alt="{esc(alt)}" loading="eager"></a></div>'
        f'<div class="text"><h2>{i}. <a href="{esc(e["html"])}">{esc(e["title"])}</a>'
        f'<span class="badge {css}">{esc(label)}</span></h2>'
        f"<p>{esc(e.get('summary', ''))}</p>{problem}"
        f'<p class="meta">{e.get("n_figures", 0)} figure(s){charts} &middot; ran in '
        f"{e.get('seconds', 0):.1f} s"
        + (f" &middot; built {built}" if built else "")
        + (" &middot; " + " &middot; ".join(links) if links else "")
        + f"<br>parameters: {params}</p></div></div>"
    )


def index_html(
    *,
    preset: str,
    description: str,
    entries: list,
    built: str,
    seconds: float,
    version: str,
    python: str,
) -> str:
    """The index page (a standalone HTML string)."""
    esc = html.escape
    cards = "".join(_card(_number(e["name"], i), e) for i, e in enumerate(entries, 1))
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.get("status", "ok")] = counts.get(e.get("status", "ok"), 0) + 1
    tally = ", ".join(f"{n} {_STATUS.get(s, (s, s))[1]}" for s, n in counts.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>smmsim report ({esc(preset)})</title>
<link rel="icon" href="data:image/png;base64,{base64.b64encode(placeholder_png(1, 1)).decode()}">
<style>{_INDEX_CSS}</style></head>
<body>
<h1>smmsim: word of mouth in social media marketing</h1>
<p class="sub">Simulated campaigns, seeding, crises and validation &mdash; one notebook per concept.
Preset <b>{esc(preset)}</b>{" &mdash; " + esc(description) if description else ""}</p>
<p class="meta">{len(entries)} notebook(s): {esc(tally)}.</p>
{cards}
<footer>Built {esc(built)} in {seconds:.0f} s with smmsim {esc(version)} on Python
{esc(python)}. Rebuild with <code>smmsim report --preset {esc(preset)}</code>; one page with
<code>smmsim report --notebooks 1 -p name=value</code>. Open a notebook in JupyterLab
(<code>notebooks/</code>) to change its parameters and rerun it.
</footer>
</body></html>
"""
