"""``build_report``: run the suite in parallel and publish the site."""

from __future__ import annotations

import os
import platform
import shutil
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import site as _site
from . import suite as _suite
from .index import PLACEHOLDER, index_html, placeholder_png
from .pages import VEGA_BUNDLE

__all__ = ["ReportError", "build_report", "default_jobs"]


class ReportError(RuntimeError):
    """A notebook failed while building a report (the previous site, if any, is kept)."""


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _check_jobs(jobs):
    if jobs is None:
        return default_jobs()
    if isinstance(jobs, bool) or not isinstance(jobs, int):
        raise TypeError(f"`jobs` must be an int >= 1; got {jobs!r}.")
    if jobs < 1:
        raise ValueError(f"`jobs` must be an int >= 1; got {jobs!r}.")
    return jobs


class _VegaBundle:
    """vega + vega-lite + vega-embed as one script, made once, in the background."""

    def __init__(self):
        self._thread = None
        self._text = None
        self._error = None

    def start(self, major: int | None = None) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._make, args=(major,), daemon=True)
            self._thread.start()

    def _make(self, major):
        try:
            import vl_convert

            version = getattr(vl_convert, "__version__", "")
            # the charts' own Vega-Lite major (notebooks emit v5, what JupyterLab renders)
            same = [v for v in vl_convert.get_vegalite_versions() if v.split(".")[0] == str(major)]
            vl_version = same[-1] if same else None
            self._text = (
                f"/* vega {vl_convert.get_vega_version()}, vega-embed "
                f"{vl_convert.get_vega_embed_version()} and vega-lite {vl_version or 'latest'}, "
                f"bundled by vl-convert-python {version} (smmsim report) */\n"
                + vl_convert.javascript_bundle(vl_version=vl_version)
            )
        except Exception as exc:  # reported when the bundle is needed
            self._error = exc

    def text(self) -> str:
        self.start()
        self._thread.join()
        if self._text is None:
            raise ReportError(
                "interactive charts need vl-convert-python (pip install vl-convert-python): "
                f"{self._error}"
            )
        return self._text


def _run_all(tasks, jobs, on_done):
    from .execute import run_notebook, stop_worker_kernel

    results = {}
    if jobs == 1 or len(tasks) == 1:
        try:
            for task in tasks:
                entry = run_notebook(task)
                results[entry["name"]] = entry
                on_done(entry)
        finally:
            stop_worker_kernel()
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)), mp_context=multiprocessing.get_context("spawn")
    )
    try:
        futures = [pool.submit(run_notebook, task) for task in tasks]
        for future in as_completed(futures):
            entry = future.result()
            results[entry["name"]] = entry
            on_done(entry)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def build_report(
    preset: str = "quick",
    *,
    out: str | os.PathLike = "reports/site",
    notebooks: str | int | Sequence[str | int] | None = None,
    parameters: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    notebooks_dir: str | os.PathLike | None = None,
    progress: bool = True,
    timeout: float | None = None,
) -> Path:
    """Execute the notebook suite with a preset and publish it as an HTML site.

    Parameters
    ----------
    preset : str, default "quick"
        A preset of the suite's presets file: ``quick`` (for class), ``full``
        (publication size), ``tiny`` (tests).
    out : str or Path, default "reports/site"
        The site folder (relative to the working directory). It is replaced
        as a whole, and only if every notebook ran.
    notebooks : str, int or list, optional
        Only these notebooks, by number or name (``"3,8"``, ``[1]``,
        ``"02_who_to_seed"``); the other pages of an existing site are kept
        and the index is updated. Default: all, and the site is rebuilt.
    parameters : dict, optional
        Parameter overrides on top of the preset, applied to every chosen
        notebook that has the parameter; checked before anything runs.
        Values may be text, as on the command line (``{"n_nodes": "500"}``).
    jobs : int >= 1, optional
        Notebooks run at once, each in its own process and kernel (default:
        the cores this process may use).
    notebooks_dir : str or Path, optional
        The suite's folder (default: :func:`~smmsim.reports.notebooks_dir`,
        ``notebooks/`` here if it has notebooks, else the installed
        package's). Its presets are ``<dir>/../data/presets.yaml``, else
        ``<dir>/presets.yaml``, else the installed project's.
    progress : bool, default True
        Print one line per notebook to stderr.
    timeout : float, optional
        Seconds allowed per cell (default: no limit).

    Returns
    -------
    Path
        The site's ``index.html``.

    Raises
    ------
    ValueError, TypeError
        For an unknown preset, notebook or parameter, a value of the wrong
        type, an invalid presets file, or an ``out`` that is not a site
        smmsim built (nothing has run then).
    ReportError
        If a notebook failed. The previous site (if any) is kept; the failed
        build, with the traceback in the page, is in ``<out>.failed``.

    Notes
    -----
    ``build_report("quick")`` is what ``smmsim report`` runs; it returns
    ``Path("reports/site/index.html")``.
    """
    folder = Path(notebooks_dir) if notebooks_dir is not None else _suite.notebooks_dir()
    paths = _suite.list_notebooks(folder)
    if not paths:
        raise ValueError(f"no notebooks (*.ipynb) in {str(folder)!r}.")
    presets = _suite.load_presets(folder=folder)
    if preset not in presets:
        raise ValueError(f"unknown preset {preset!r}; the presets are {', '.join(presets)}.")
    chosen = presets[preset]
    selected = _suite.select_notebooks(paths, notebooks)
    declared = {p.stem: _suite.read_parameters(p) for p in selected}
    overrides = _suite.resolve_overrides(parameters, declared)
    jobs = _check_jobs(jobs)
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ValueError(f"`timeout` must be a number of seconds > 0; got {timeout!r}.")
    given, out = out, Path(out)
    shown = None
    if out.name in ("", ".."):  # "." or "..": name the folder itself
        out = out.resolve()
        shown = f"{str(given)!r} (that is {str(out)!r})"
    failed_dir = out.with_name(out.name + ".failed")
    _site.check_location(out, "out", shown=shown)
    repairs = _site.recover(out)
    _site.check_replaceable(out, "out", shown=shown)
    _site.check_replaceable(failed_dir, "out")
    out.parent.mkdir(parents=True, exist_ok=True)

    def say(message: str) -> None:
        if progress:
            print(message, file=sys.stderr, flush=True)

    for line in repairs:
        say(f"smmsim report: {line}")
    partial = notebooks is not None
    previous = _site.read_manifest(out) if partial else None
    had_site = (out / "index.html").is_file()
    n_jobs = min(jobs, len(selected))
    say(
        f"smmsim report: preset {preset!r}, {len(selected)} notebook(s) from {folder} "
        f"on {n_jobs} job(s) -> {out}"
    )
    started = time.perf_counter()
    vega = _VegaBundle()
    tmp = _site.new_work_folder(out)
    try:
        kept = {}
        if previous is not None:
            kept = _copy_kept(
                out, tmp, previous, {p.stem for p in selected}, {p.stem for p in paths}
            )
        tasks = [
            {
                "source": p,
                "folder": tmp,
                "preset": preset,
                "params": {**chosen["notebooks"].get(p.stem, {}), **overrides.get(p.stem, {})},
                "timeout": timeout,
            }
            for p in selected
        ]
        done = []

        def on_done(entry: dict) -> None:
            done.append(entry["name"])
            if entry.get("n_charts") and not (tmp / VEGA_BUNDLE).is_file():  # else kept
                vega.start(max(entry.get("vegalite_majors") or [0]) or None)
            status = {"ok": "ok", "failed": "FAILED", "no-real-data": "no real data"}.get(
                entry["status"], entry["status"]
            )
            line = (
                f"  [{len(done)}/{len(tasks)}] {entry['name']:<28} {status:<12} "
                f"{entry['seconds']:6.1f} s"
            )
            if entry["status"] == "failed":
                line += f"  {entry['error']}"
            elif entry["status"] == "no-real-data":
                line += "  " + "; ".join(
                    f"{m['what']} missing; to get it: {m['how']}" for m in entry["missing"]
                )
            say(line)

        results = _run_all(tasks, jobs, on_done)
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        for entry in results.values():
            entry["built"] = stamp
        entries = []
        for p in paths:
            if p.stem in results:
                entries.append(results[p.stem])
            elif p.stem in kept:
                entries.append(kept[p.stem])
        if any(e.get("n_charts") for e in entries):
            bundle = tmp / VEGA_BUNDLE
            if not bundle.is_file():
                bundle.parent.mkdir(exist_ok=True)
                bundle.write_text(vega.text(), encoding="utf-8")
        if any(not e.get("thumb") for e in entries):
            (tmp / "thumbs").mkdir(exist_ok=True)
            (tmp / PLACEHOLDER).write_bytes(placeholder_png())
        total = time.perf_counter() - started
        from .. import __version__

        (tmp / "index.html").write_text(
            index_html(
                preset=preset,
                description=chosen["description"],
                entries=entries,
                built=stamp,
                seconds=total,
                version=__version__,
                python=platform.python_version(),
            ),
            encoding="utf-8",
        )
        _site.write_manifest(
            tmp,
            {
                "generator": "smmsim report",
                "version": __version__,
                "preset": preset,
                "built": stamp,
                "notebooks_dir": str(folder),
                "entries": {e["name"]: e for e in entries},
            },
        )
        os.chmod(tmp, 0o755)
        failed = [e for e in results.values() if e["status"] == "failed"]
        if failed:
            _site.swap_in(tmp, failed_dir)
            what = "; ".join(f"{e['name']} failed: {e['error']}" for e in failed)
            where = (
                f"the previous site in {str(out)!r} is unchanged"
                if had_site
                else f"no site was written to {str(out)!r}"
            )
            raise ReportError(f"{what}; {where}. The failed pages are in {str(failed_dir)!r}.")
        _site.swap_in(tmp, out)
        if _site.remove_site(failed_dir):
            say(f"smmsim report: removed the stale {failed_dir.name!r} of an earlier failed build")
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    say(f"smmsim report: done in {time.perf_counter() - started:.1f} s; open {out / 'index.html'}")
    return out / "index.html"


def _copy_kept(site: Path, tmp: Path, manifest: dict, rebuilt: set, suite: set) -> dict:
    """Copy the pages of ``site`` that are not rebuilt (and still in the suite) into ``tmp``."""
    kept = {}
    for name, entry in manifest["entries"].items():
        if name in rebuilt or name not in suite or not isinstance(entry, dict):
            continue
        files = [entry.get("html"), entry.get("ipynb"), entry.get("thumb")]
        if not entry.get("html") or not (site / entry["html"]).is_file():
            continue
        for rel in filter(None, files):
            src = site / rel
            if src.is_file():
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, tmp / rel)
        kept[name] = entry
    if any(e.get("n_charts") for e in kept.values()) and (site / VEGA_BUNDLE).is_file():
        (tmp / VEGA_BUNDLE).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(site / VEGA_BUNDLE, tmp / VEGA_BUNDLE)
    return kept
