"""Report building: presets, the site, atomic replacement, the CLI, and what a browser shows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pytest

from smmsim import reports
from smmsim.cli import main
from smmsim.reports import (
    SITE_MARKER,
    ReportError,
    build_report,
    list_notebooks,
    load_presets,
    read_parameters,
)

NAMES = [p.stem for p in list_notebooks()]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The tiny-preset report of the real notebook suite, built once."""
    out = tmp_path_factory.mktemp("report") / "site"
    index = build_report("tiny", out=out, progress=False)
    return index


# ---------------------------------------------------------------------------
# The site


def test_index_links_every_notebook_page_and_executed_notebook(site):
    assert site.name == "index.html" and site.is_file()
    text = site.read_text()
    for name in NAMES:
        assert f'href="{name}.html"' in text
        assert f'href="{name}.ipynb"' in text
        assert (site.parent / f"{name}.html").is_file()
        assert (site.parent / f"{name}.ipynb").is_file()
    assert "tiny" in text


def test_every_page_embeds_figures_and_links_back(site):
    for name in NAMES:
        page = (site.parent / f"{name}.html").read_text()
        assert page.count("data:image/png;base64,") >= 1, name
        assert 'href="index.html"' in page
        assert "injected-parameters" in page or "Parameters" in page  # the preset is shown


def test_site_pages_show_no_errors(site):
    for name in NAMES:
        nb = nbformat.read(site.parent / f"{name}.ipynb", as_version=4)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, name


def test_build_leaves_no_temporary_folders(site):
    leftovers = [p.name for p in site.parent.parent.iterdir() if p.name != "site"]
    assert leftovers == []
    assert oct(site.parent.stat().st_mode & 0o777) == "0o755"


# ---------------------------------------------------------------------------
# Presets


def test_project_presets_are_valid_and_have_quick_and_full():
    presets = load_presets()
    assert {"quick", "full", "tiny"} <= set(presets)
    for preset in presets.values():
        assert set(preset["notebooks"]) <= set(NAMES)


def _write(tmp_path, text):
    path = tmp_path / "presets.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, message",
    [
        ("quick:\n  notebooks:\n    99_nope: {}\n", r"unknown notebook '99_nope'"),
        (
            "quick:\n  notebooks:\n    01_word_of_mouth: {n_node: 5}\n",
            r"notebook '01_word_of_mouth': unknown parameter 'n_node'; its parameters are "
            r"config_path, n_nodes",
        ),
        (
            "quick:\n  notebooks:\n    01_word_of_mouth: {n_nodes: many}\n",
            r"`n_nodes` must be int; got 'many'",
        ),
        (
            "quick:\n  notebooks:\n    01_word_of_mouth: {n_replicates: true}\n",
            r"`n_replicates` must be int; got True",
        ),
        ("quick:\n  notebook: {}\n", r"preset 'quick': unknown key\(s\) \['notebook'\]"),
        ("quick: [1, 2]\n", r"preset 'quick' must be a mapping"),
        ("quick:\n  notebooks: [a]\n", r"`notebooks` must be a mapping"),
        ("quick:\n  description: 3\n", r"`description` must be text"),
        ("[1, 2]\n", r"must map preset names to presets"),
        ("quick: {notebooks: {a: 1\n", r"is not valid YAML"),
    ],
)
def test_bad_presets_are_clear_errors(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_presets(_write(tmp_path, text))


def test_float_parameter_accepts_an_int(tmp_path):
    path = _write(tmp_path, "p:\n  notebooks:\n    01_word_of_mouth: {stickiness: 1}\n")
    assert load_presets(path)["p"]["notebooks"]["01_word_of_mouth"] == {"stickiness": 1}


def test_missing_presets_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="presets file not found"):
        load_presets(tmp_path / "nope.yaml")


# ---------------------------------------------------------------------------
# Parameters cells


def _notebook(path, first_source, *, tags=("parameters",), more="print(x)"):
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(first_source)
    first.metadata["tags"] = list(tags)
    nb.cells = [nbformat.v4.new_markdown_cell("# A title\n\nWhat it shows."), first]
    if more is not None:
        nb.cells.append(nbformat.v4.new_code_cell(more))
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def test_read_parameters(tmp_path):
    path = _notebook(tmp_path / "a.ipynb", "x: int = 1  # people\ny: list = [1, -2]  # ks\n")
    params = read_parameters(path)
    assert list(params) == ["x", "y"]
    assert params["x"].annotation == "int" and params["x"].default == 1
    assert params["x"].comment == "people"
    assert params["y"].default == [1, -2]


@pytest.mark.parametrize(
    "source, tags, message",
    [
        ("x: int = 1\n", (), r"must be tagged 'parameters'"),
        ("x = 1\n", ("parameters",), r"only annotated assignments"),
        ("x: int = 2 * 3\n", ("parameters",), r"`x` must be a literal"),
        ("x: int = 1\nx: int = 2\n", ("parameters",), r"`x` is assigned twice"),
        ("x: int = 1.5\n", ("parameters",), r"`x` must be int; got 1.5"),
        ("x: tuple = (1,)\n", ("parameters",), r"annotation must be one of"),
        ("x: int = \n", ("parameters",), r"not valid Python"),
        ("import numpy\n", ("parameters",), r"only annotated assignments"),
    ],
)
def test_bad_parameters_cells_are_clear_errors(tmp_path, source, tags, message):
    path = _notebook(tmp_path / "a.ipynb", source, tags=tags)
    with pytest.raises(ValueError, match=message):
        read_parameters(path)


# ---------------------------------------------------------------------------
# Atomic replacement, failures and the CLI, on a small throwaway suite


@pytest.fixture
def small_suite(tmp_path, monkeypatch):
    """Two fast notebooks (one fails when asked to) and their presets."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    plot = (
        "from smmsim.notebook import plot_ecdfs\n"
        "import pandas as pd\n"
        "if fail:\n"
        "    raise RuntimeError('asked to fail')\n"
        "plot_ecdfs(pd.DataFrame({'label': ['a', 'a'], 'size': [1, 2]}), 'size')\n"
    )
    _notebook(folder / "01_one.ipynb", "fail: bool = False  # raise\n", more=plot)
    _notebook(folder / "02_two.ipynb", "fail: bool = False  # raise\n", more=plot)
    presets = tmp_path / "presets.yaml"
    presets.write_text(
        "ok:\n  description: fine\n  notebooks:\n    01_one: {fail: false}\n"
        "broken:\n  notebooks:\n    02_two: {fail: true}\n"
    )
    monkeypatch.setattr(reports, "notebooks_dir", lambda: folder)
    monkeypatch.setattr(reports, "presets_path", lambda: presets)
    return tmp_path


def test_failed_build_keeps_the_previous_site(small_suite, capsys):
    out = small_suite / "site"
    index = build_report("ok", out=out, progress=True)
    assert "[2/2] 02_two" in capsys.readouterr().err
    before = index.read_text()
    assert "A title" in before and "What it shows." in before
    with pytest.raises(ReportError, match=r"02_two failed; the previous site .* is unchanged"):
        build_report("broken", out=out, progress=False)
    assert index.read_text() == before  # untouched
    failed = small_suite / "site.failed"
    assert "asked to fail" in (failed / "02_two.html").read_text()
    assert "failed" in (failed / "index.html").read_text()
    names = sorted(p.name for p in small_suite.iterdir())
    assert names == ["notebooks", "presets.yaml", "site", "site.failed"]  # no temp folders


def test_rebuild_replaces_the_site_as_a_whole(small_suite):
    out = small_suite / "site"
    build_report("ok", out=out, progress=False)
    (out / "stale.html").write_text("old")
    build_report("ok", out=out, notebooks=["02_two"], progress=False)
    assert sorted(p.name for p in out.iterdir()) == [
        SITE_MARKER,
        "02_two.html",
        "02_two.ipynb",
        "index.html",
    ]


def test_unknown_preset_or_notebook(small_suite):
    with pytest.raises(ValueError, match=r"unknown preset 'nope'; the presets are ok, broken"):
        build_report("nope", out=small_suite / "site")
    with pytest.raises(ValueError, match=r"unknown notebook\(s\) \['03_x'\]"):
        build_report("ok", out=small_suite / "site", notebooks=["03_x"])
    (small_suite / "file").write_text("x")
    with pytest.raises(ValueError, match="`out` must be a folder"):
        build_report("ok", out=small_suite / "file")


def test_report_never_deletes_files_it_did_not_write(small_suite, capsys, monkeypatch):
    user = small_suite / "thesis"
    (user / "sub").mkdir(parents=True)
    (user / "thesis.txt").write_text("three years of work")
    (user / "sub" / "data.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"smmsim did not write \(sub, thesis.txt\)"):
        build_report("ok", out=user, progress=False)
    assert main(["report", "--preset", "ok", "--out", str(user), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "did not write" in err and len(err.strip().splitlines()) == 1
    assert (user / "thesis.txt").read_text() == "three years of work"
    assert (user / "sub" / "data.csv").read_text() == "a,b\n1,2\n"
    # the current folder is refused by name, and so is a stray `.failed` folder
    monkeypatch.chdir(user)
    with pytest.raises(ValueError, match=r"did not write"):
        build_report("ok", out=".", progress=False)
    (small_suite / "fresh.failed").mkdir()
    (small_suite / "fresh.failed" / "notes.md").write_text("mine")
    with pytest.raises(ValueError, match=r"fresh.failed' holds files"):
        build_report("ok", out=small_suite / "fresh", progress=False)
    assert (small_suite / "fresh.failed" / "notes.md").read_text() == "mine"


def test_report_out_below_a_file_is_refused_before_running(small_suite):
    (small_suite / "afile").write_text("x")
    with pytest.raises(ValueError, match=r"lies below a file"):
        build_report("ok", out=small_suite / "afile" / "site", progress=False)


def test_report_replaces_an_empty_folder_and_its_own_site(small_suite):
    out = small_suite / "empty"
    out.mkdir()
    build_report("ok", out=out, progress=False)
    assert (out / SITE_MARKER).is_file()
    build_report("ok", out=out, progress=False)  # its own site: replaced
    assert (out / "index.html").is_file()


def test_cli_report(small_suite, capsys):
    out = small_suite / "cli-site"
    assert main(["report", "--preset", "ok", "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == str(out / "index.html")
    assert main(["report", "--preset", "nope", "--out", str(out)]) == 2
    assert "unknown preset 'nope'" in capsys.readouterr().err
    assert main(["report", "--preset", "broken", "--out", str(out), "--quiet"]) == 1
    assert "02_two failed" in capsys.readouterr().err
    assert (out / "index.html").is_file()


def test_cli_report_help_names_the_presets(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "--preset" in text and "quick" in text and "full" in text


# ---------------------------------------------------------------------------
# What a browser shows (headless Chromium; installed by .ci/run)


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("headless Chromium is required in CI (.ci/run installs it)")
    pytest.skip("Chromium not installed")


def _screenshot(browser, page: Path, png: Path, profile: Path) -> np.ndarray:
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--screenshot={png}",
        "--window-size=1280,2000",
        page.resolve().as_uri(),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    from matplotlib.image import imread

    return imread(png)[:, :, :3]


def _assert_not_blank(pixels: np.ndarray, what: str, min_ink=0.01) -> None:
    assert pixels.shape[:2] == (2000, 1280), what
    ink = (pixels.min(axis=2) < 0.9).mean()  # share of clearly non-white pixels
    colour = (np.ptp(pixels, axis=2) > 0.15).mean()  # share of coloured pixels
    assert ink > min_ink, f"{what} looks blank ({ink:.2%} non-white)"
    return colour


def test_pages_render_in_headless_chromium(site, tmp_path):
    browser = _chromium()
    index = _screenshot(browser, site, tmp_path / "index.png", tmp_path / "profile1")
    _assert_not_blank(index, "index.html")
    page = site.parent / f"{NAMES[0]}.html"
    shot = _screenshot(browser, page, tmp_path / "page.png", tmp_path / "profile2")
    colour = _assert_not_blank(shot, page.name)
    assert colour > 0.005, "no coloured pixels: the figures did not render"
    assert re.search(r"<title>[^<]+</title>", page.read_text())
