"""Report building: presets, overrides, the site, atomic replacement and recovery, the CLI,
and what a browser shows (headless Chromium driven by Playwright)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from smmsim.cli import main
from smmsim.reports import (
    SITE_MARKER,
    STATUS_MIMETYPE,
    ReportError,
    build_report,
    list_notebooks,
    load_presets,
    parse_parameter_items,
    read_parameters,
    select_notebooks,
)
from smmsim.reports import site as site_folder
from smmsim.reports.status import missing_data_bundle

ROOT = Path(__file__).resolve().parents[1]
NAMES = [p.stem for p in list_notebooks(ROOT / "notebooks")]
SCREENSHOTS = ROOT / "reports" / "screenshots"  # gitignored (reports/*)


@pytest.fixture(scope="module")
def site(quick_site):
    """The quick-preset site of the real notebook suite (built once per test run)."""
    assert quick_site.parent.name == "site", "a notebook failed: see tests/test_notebooks.py"
    return quick_site


# ---------------------------------------------------------------------------
# The site of the real suite


def test_index_links_every_notebook_page_thumbnail_and_executed_notebook(site):
    assert site.name == "index.html" and site.is_file()
    text = site.read_text()
    for name in NAMES:
        assert f'href="{name}.html"' in text
        assert f'href="{name}.ipynb"' in text
        assert f'src="thumbs/{name}.png"' in text
        for suffix in (".html", ".ipynb"):
            assert (site.parent / f"{name}{suffix}").is_file()
        assert (site.parent / "thumbs" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert text.count("<img ") == len(NAMES)
    for name in NAMES:  # cards carry the notebook's own number (what --notebooks takes)
        assert re.search(rf"<h2>{int(name[:2])}\. <a href=\"{name}.html\">", text), name
    assert "quick" in text and "smmsim 0." in text and "UTC" in text


def test_every_page_embeds_figures_hides_code_and_loads_nothing_from_the_internet(site):
    for name in NAMES:
        page = (site.parent / f"{name}.html").read_text()
        assert page.count("data:image/png;base64,") >= 1, name
        assert 'href="index.html"' in page
        assert '<body class="jp-Notebook smmsim-hide-code"' in page
        assert 'id="smmsim-toggle-code"' in page and "@media print" in page
        assert not re.findall(r"<script[^>]+src=\"https?:", page), name
        assert "cdnjs" not in page and "unpkg.com" not in page


def test_site_pages_show_no_errors(site):
    for name in NAMES:
        nb = nbformat.read(site.parent / f"{name}.ipynb", as_version=4)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, name


def test_build_leaves_no_work_folders(site):
    leftovers = [p.name for p in site.parent.parent.iterdir() if p.name != "site"]
    assert leftovers == []
    assert oct(site.parent.stat().st_mode & 0o777) == "0o755"
    manifest = json.loads((site.parent / SITE_MARKER).read_text())
    assert sorted(manifest["entries"]) == NAMES


# ---------------------------------------------------------------------------
# Presets


def test_project_presets_are_valid_and_have_quick_and_full():
    presets = load_presets(folder=ROOT / "notebooks")
    assert {"quick", "full", "tiny"} <= set(presets)
    for preset in presets.values():
        assert set(preset["notebooks"]) <= set(NAMES)


def _write(tmp_path, text):
    """A presets file and a one-notebook suite ``01_a`` for it to refer to."""
    folder = tmp_path / "notebooks"
    folder.mkdir(exist_ok=True)
    _notebook(
        folder / "01_a.ipynb",
        "n_nodes: int = 5  # people\nn_replicates: int = 2  # runs\nstickiness: float = 0.3  # p\n",
    )
    path = tmp_path / "presets.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, message",
    [
        ("quick:\n  notebooks:\n    99_nope: {}\n", r"unknown notebook '99_nope'"),
        (
            "quick:\n  notebooks:\n    01_a: {n_node: 5}\n",
            r"notebook '01_a': unknown parameter 'n_node'; its parameters are "
            r"n_nodes, n_replicates, stickiness",
        ),
        (
            "quick:\n  notebooks:\n    01_a: {n_nodes: many}\n",
            r"`n_nodes` must be int; got 'many'",
        ),
        (
            "quick:\n  notebooks:\n    01_a: {n_replicates: true}\n",
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
        load_presets(_write(tmp_path, text), folder=tmp_path / "notebooks")


def test_float_parameter_accepts_an_int(tmp_path):
    path = _write(tmp_path, "p:\n  notebooks:\n    01_a: {stickiness: 1}\n")
    presets = load_presets(path, folder=tmp_path / "notebooks")
    assert presets["p"]["notebooks"]["01_a"] == {"stickiness": 1}


def test_missing_presets_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="presets file not found"):
        load_presets(tmp_path / "nope.yaml", folder=ROOT / "notebooks")


# ---------------------------------------------------------------------------
# Parameters cells


def _notebook(path, first_source, *, tags=("parameters",), more="print(x)", title="A title"):
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(first_source)
    first.metadata["tags"] = list(tags)
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nWhat it shows."), first]
    for cell in [more] if isinstance(more, (str, dict)) else more or []:
        if isinstance(cell, str):
            cell = nbformat.v4.new_code_cell(cell)
        nb.cells.append(cell)
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


def test_a_hash_inside_a_value_is_not_a_comment(tmp_path):
    source = 'colour: str = "#ff0000"  # the line\nlabel: str = "café #1"\nn: int = 2  # après\n'
    params = read_parameters(_notebook(tmp_path / "a.ipynb", source))
    assert params["colour"].default == "#ff0000" and params["colour"].comment == "the line"
    assert params["label"].default == "café #1" and params["label"].comment == ""
    assert params["n"].comment == "après"


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


def test_parse_parameter_items():
    assert parse_parameter_items(["n=5", "label = a b", "xs=[1, 2]"]) == {
        "n": "5",
        "label": "a b",
        "xs": "[1, 2]",
    }
    with pytest.raises(ValueError, match=r"`-p` takes name=value .*; got 'n'"):
        parse_parameter_items(["n"])
    with pytest.raises(ValueError, match=r"`-p` takes name=value .*; got '2x=1'"):
        parse_parameter_items(["2x=1"])
    with pytest.raises(ValueError, match=r"`-p n` is given twice"):
        parse_parameter_items(["n=1", "n=2"])


def test_select_notebooks_by_number_or_name(tmp_path):
    paths = [tmp_path / f"{n}.ipynb" for n in ("01_a", "02_b", "03_c", "08_h")]
    assert select_notebooks(paths, None) == paths
    assert select_notebooks(paths, "3,8") == [paths[2], paths[3]]
    assert select_notebooks(paths, ["08", 1]) == [paths[0], paths[3]]
    assert select_notebooks(paths, ["02_b.ipynb", "02_b"]) == [paths[1]]
    with pytest.raises(ValueError, match=r"unknown notebook\(s\) \['4', 'zz'\]"):
        select_notebooks(paths, "4,zz")
    with pytest.raises(ValueError, match=r"names no notebook"):
        select_notebooks(paths, " , ")


# ---------------------------------------------------------------------------
# A small throwaway suite: fast notebooks, one can fail, one can lack its data

_FIGURE = (
    "import matplotlib.pyplot as plt\n"
    "fig, ax = plt.subplots(figsize=(4, 2.5))\n"
    "ax.plot([0, 1, 2], [n, 1, n])\n"
    "plt.show()\n"
)
_BODY = (
    "import time\n"
    "time.sleep(sleep)\n"
    "if fail:\n"
    "    raise RuntimeError('asked to fail\\nsecond line of the message')\n"
    "print(f'label={label} n={n}')\n"
    "if no_data:\n"
    "    from smmsim.reports.status import show_missing_data\n"
    "    show_missing_data('the test cascades', 'set $SMMSIM_DATA to the data folder')\n"
)
_PARAMS = (
    "fail: bool = False  # raise\n"
    "no_data: bool = False  # signal missing real data\n"
    "sleep: float = 0.0  # seconds to wait\n"
    "label: str = 'a'  # printed\n"
    "n: int = 2  # printed and plotted\n"
)


def _small_suite(root: Path) -> Path:
    folder = root / "notebooks"
    folder.mkdir(parents=True)
    _notebook(folder / "01_one.ipynb", _PARAMS, more=[_BODY, _FIGURE], title="One")
    _notebook(folder / "02_two.ipynb", _PARAMS, more=[_BODY, _FIGURE], title="Two")
    (root / "data").mkdir()
    (root / "data" / "presets.yaml").write_text(
        "ok:\n  description: fine\n  notebooks:\n    01_one: {fail: false}\n"
        "broken:\n  notebooks:\n    02_two: {fail: true}\n"
        "nodata:\n  notebooks:\n    02_two: {no_data: true}\n"
        "slow:\n  notebooks:\n    01_one: {sleep: 60.0}\n    02_two: {sleep: 60.0}\n"
    )
    return folder


@pytest.fixture
def small_suite(tmp_path):
    """Two fast notebooks and their presets in tmp_path/{notebooks,data}."""
    _small_suite(tmp_path)
    return tmp_path


def _build(root, preset="ok", **kwargs):
    kwargs.setdefault("progress", False)
    kwargs.setdefault("jobs", 1)
    kwargs.setdefault("out", root / "site")
    return build_report(preset, notebooks_dir=root / "notebooks", **kwargs)


def _cli(root, *args):
    return main(["report", "--notebooks-dir", str(root / "notebooks"), *args])


def test_failed_build_keeps_the_previous_site_and_names_the_exception(small_suite, capsys):
    index = _build(small_suite, progress=True, jobs=2)
    assert re.search(r"\[2/2\] 0[12]_", capsys.readouterr().err)
    before = index.read_text()
    assert "One" in before and "What it shows." in before
    with pytest.raises(
        ReportError,
        match=r"02_two failed: RuntimeError: asked to fail \.\.\.; the previous site "
        r"in '.*site' is unchanged",
    ):
        _build(small_suite, "broken")
    assert index.read_text() == before  # untouched
    failed = small_suite / "site.failed"
    assert "asked to fail" in (failed / "02_two.html").read_text()
    card = (failed / "index.html").read_text()
    assert "failed" in card and "RuntimeError: asked to fail ..." in card
    names = sorted(p.name for p in small_suite.iterdir())
    assert names == ["data", "notebooks", "site", "site.failed"]  # no work folders
    # a later good build removes the stale .failed folder
    _build(small_suite)
    assert sorted(p.name for p in small_suite.iterdir()) == ["data", "notebooks", "site"]


def test_failure_without_a_previous_site_does_not_claim_one(small_suite, capsys):
    out = small_suite / "fresh"
    assert _cli(small_suite, "--preset", "broken", "--out", str(out), "--jobs", "1") == 1
    err = capsys.readouterr().err
    assert re.search(r"02_two\s+FAILED .* RuntimeError: asked to fail \.\.\.", err)
    last = err.strip().splitlines()[-1]
    assert "no site was written to" in last and "unchanged" not in last
    assert "02_two failed: RuntimeError: asked to fail ..." in last
    assert not out.exists() and (small_suite / "fresh.failed" / "index.html").is_file()


def test_missing_real_data_is_a_status_with_how_to_get_it(small_suite, capsys):
    index = _build(small_suite, "nodata", progress=True)
    err = capsys.readouterr().err
    assert re.search(r"02_two\s+no real data .*the test cascades missing; to get it: set", err)
    text = index.read_text()
    assert "ran without its real data" in text and "set $SMMSIM_DATA to the data folder" in text
    assert text.count('class="badge ok"') == 1 and text.count('class="badge nodata"') == 1
    page = (index.parent / "02_two.html").read_text()
    assert 'class="smmsim-missing"' in page
    manifest = json.loads((index.parent / SITE_MARKER).read_text())
    assert manifest["entries"]["02_two"]["status"] == "no-real-data"
    assert manifest["entries"]["01_one"]["status"] == "ok"


def test_missing_data_bundle_is_checked():
    bundle = missing_data_bundle("x", "y")
    assert bundle[STATUS_MIMETYPE] == {"status": "no-real-data", "what": "x", "how": "y"}
    with pytest.raises(ValueError, match=r"`how` must be a non-empty text; got ''"):
        missing_data_bundle("x", "")


def test_full_rebuild_replaces_the_site_as_a_whole(small_suite):
    out = small_suite / "site"
    _build(small_suite)
    (out / "stale.html").write_text("old")
    _build(small_suite)
    assert not (out / "stale.html").exists()


def test_partial_rebuild_keeps_the_other_pages_and_updates_the_index(small_suite, capsys):
    out = small_suite / "site"
    _build(small_suite, jobs=2)
    two_before = (out / "02_two.html").read_bytes()
    assert (
        _cli(
            small_suite,
            "--preset",
            "ok",
            "--out",
            str(out),
            "--notebooks",
            "1",
            "-p",
            "n=7",
            "-p",
            "label=hello world",
            "--quiet",
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == str(out / "index.html")
    assert (out / "02_two.html").read_bytes() == two_before  # kept as it was
    assert (out / "02_two.ipynb").is_file() and (out / "thumbs" / "02_two.png").is_file()
    assert "label=hello world n=7" in (out / "01_one.html").read_text()
    index = (out / "index.html").read_text()
    assert 'href="01_one.html"' in index and 'href="02_two.html"' in index
    assert "n=7" in index and "label=&#x27;hello world&#x27;" in index
    # the old alias still works
    assert (
        _cli(
            small_suite,
            "--preset",
            "ok",
            "--out",
            str(out),
            "--notebook",
            "02_two",
            "-p",
            "label=zz",
            "--quiet",
        )
        == 0
    )
    assert "label=zz n=2" in (out / "02_two.html").read_text()
    assert "label=hello world n=7" in (out / "01_one.html").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["-p", "n_nodes=5"],
            r"`-p n_nodes`: unknown parameter 'n_nodes': no notebook among "
            r"01_one has it; its parameters are fail, no_data, sleep, label, n",
        ),
        (["-p", "n=abc"], r"`-p n` \(notebook 01_one\) must be int; got 'abc'"),
        (["-p", "n=1.5"], r"`-p n` \(notebook 01_one\) must be int; got 1.5"),
        (["-p", "fail=maybe"], r"`-p fail` \(notebook 01_one\) must be bool"),
        (["-p", "n"], r"`-p` takes name=value"),
        (["--notebooks", "9"], r"unknown notebook\(s\) \['9'\]"),
        (["--preset", "nope"], r"unknown preset 'nope'; the presets are ok, broken"),
    ],
)
def test_bad_arguments_are_one_line_errors_before_anything_runs(small_suite, capsys, args, message):
    out = small_suite / "site"
    started = time.perf_counter()
    base = ["--preset", "ok", "--notebooks", "1"]
    assert _cli(small_suite, *base, *args, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(message, err), err
    assert not out.exists()
    assert time.perf_counter() - started < 5  # no kernel was started


def test_jobs_must_be_positive(small_suite, capsys):
    with pytest.raises(SystemExit):
        _cli(small_suite, "--jobs", "0")
    assert "--jobs: must be an int >= 1; got '0'" in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"`jobs` must be an int >= 1; got 0"):
        _build(small_suite, jobs=0)


def test_report_builds_the_notebooks_of_the_working_directory(small_suite, monkeypatch, capsys):
    monkeypatch.chdir(small_suite)
    assert main(["report", "--preset", "ok", "--jobs", "1", "--quiet"]) == 0
    index = Path(capsys.readouterr().out.strip())
    assert index == Path("reports/site/index.html")
    assert 'href="01_one.html"' in (small_suite / index).read_text()


def test_notebooks_dir_without_presets_borrows_the_installed_ones(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    _notebook(folder / "01_mine.ipynb", "x: int = 1  # a number\n", more="print(x)")
    index = build_report("tiny", out=tmp_path / "site", notebooks_dir=folder, progress=False)
    assert 'href="01_mine.html"' in index.read_text()


def test_unknown_preset_or_notebook(small_suite):
    with pytest.raises(ValueError, match=r"unknown preset 'nope'; the presets are ok, broken"):
        _build(small_suite, "nope")
    with pytest.raises(ValueError, match=r"unknown notebook\(s\) \['03_x'\]"):
        _build(small_suite, notebooks=["03_x"])
    (small_suite / "file").write_text("x")
    with pytest.raises(ValueError, match="`out` must be a folder"):
        _build(small_suite, out=small_suite / "file")


def test_report_never_deletes_files_it_did_not_write(small_suite, capsys, monkeypatch):
    user = small_suite / "thesis"
    (user / "sub").mkdir(parents=True)
    (user / "thesis.txt").write_text("three years of work")
    (user / "sub" / "data.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"smmsim did not write \(sub, thesis.txt\)"):
        _build(small_suite, out=user)
    assert _cli(small_suite, "--preset", "ok", "--out", str(user), "--quiet") == 2
    err = capsys.readouterr().err
    assert "did not write" in err and len(err.strip().splitlines()) == 1
    assert (user / "thesis.txt").read_text() == "three years of work"
    assert (user / "sub" / "data.csv").read_text() == "a,b\n1,2\n"
    # the current folder is refused by name, and so is a stray `.failed` folder
    monkeypatch.chdir(user)
    with pytest.raises(ValueError, match=r"did not write"):
        _build(small_suite, out=".")
    (small_suite / "fresh.failed").mkdir()
    (small_suite / "fresh.failed" / "notes.md").write_text("mine")
    with pytest.raises(ValueError, match=r"fresh.failed' holds files"):
        _build(small_suite, out=small_suite / "fresh")
    assert (small_suite / "fresh.failed" / "notes.md").read_text() == "mine"


def test_report_out_below_a_file_is_refused_before_running(small_suite, capsys):
    (small_suite / "afile").write_text("x")
    with pytest.raises(ValueError, match=r"lies below a file"):
        _build(small_suite, out=small_suite / "afile" / "site")
    assert _cli(small_suite, "--out", str(small_suite / "afile" / "site")) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_report_replaces_an_empty_folder_and_its_own_site(small_suite):
    out = small_suite / "empty"
    out.mkdir()
    _build(small_suite, out=out)
    assert (out / SITE_MARKER).is_file()
    _build(small_suite, out=out)  # its own site: replaced
    assert (out / "index.html").is_file()


def test_cli_report(small_suite, capsys):
    out = small_suite / "cli-site"
    assert _cli(small_suite, "--preset", "ok", "--out", str(out), "--quiet") == 0
    assert capsys.readouterr().out.strip() == str(out / "index.html")
    assert _cli(small_suite, "--preset", "nope", "--out", str(out)) == 2
    assert "unknown preset 'nope'" in capsys.readouterr().err
    assert _cli(small_suite, "--preset", "broken", "--out", str(out), "--quiet") == 1
    err = capsys.readouterr().err
    assert "02_two failed: RuntimeError: asked to fail ..." in err
    assert "the previous site" in err and "is unchanged" in err
    assert (out / "index.html").is_file()


def test_cli_report_help_names_the_options(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for word in (
        "--preset",
        "quick",
        "full",
        "--notebooks",
        "-p NAME=VALUE",
        "--jobs",
        "--out",
        "--notebooks-dir",
    ):
        assert word in text, word


# ---------------------------------------------------------------------------
# Killed builds: the next run recovers and cleans up


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_recover_restores_a_site_moved_aside_and_removes_leftovers(tmp_path):
    dead = _dead_pid()
    site = tmp_path / "site"
    aside = tmp_path / f".site.old-{dead}-123"
    aside.mkdir()
    (aside / SITE_MARKER).write_text("{}")
    (aside / "index.html").write_text("the old site")
    older = tmp_path / f".site.old-{dead}-100"
    older.mkdir()
    (older / SITE_MARKER).write_text("{}")
    os.utime(older, (1, 1))
    work = tmp_path / f".site.{dead}-abcd1234.tmp"
    work.mkdir()
    (work / SITE_MARKER).write_text("{}")
    (work / "01_a.ipynb").write_text("{}")
    legacy = tmp_path / ".site.k2j4_x9a.tmp"  # tempfile.mkdtemp of an older version
    legacy.mkdir()
    (legacy / "01_a.html").write_text("x")
    alive = tmp_path / f".site.{os.getpid()}-ffff0000.tmp"  # a build still running
    alive.mkdir()
    (alive / SITE_MARKER).write_text("{}")
    foreign = tmp_path / ".site.abcdefgh.tmp"  # not ours: a file we never write
    foreign.mkdir()
    (foreign / "notes.md").write_text("mine")
    done = site_folder.recover(site)
    assert (site / "index.html").read_text() == "the old site"
    assert len(done) == 4 and "restored" in done[0]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["site", alive.name, foreign.name])


def _slow_build_script(root: Path, out: Path, jobs: int = 1) -> list[str]:
    code = f"""
        import sys
        from smmsim.reports import build_report
        build_report("slow", out={str(out)!r}, notebooks_dir={str(root / "notebooks")!r},
                     jobs={jobs}, progress=False)
    """
    return [sys.executable, "-c", textwrap.dedent(code)]


def _wait_for(predicate, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_build_leaves_nothing_the_next_build_does_not_clean(small_suite):
    out = small_suite / "site"
    _build(small_suite)
    before = (out / "index.html").read_text()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(_slow_build_script(small_suite, out), env=env, start_new_session=True)
    try:

        def work():
            return [p for p in small_suite.glob(".site.*.tmp") if (p / SITE_MARKER).exists()]

        assert _wait_for(work), "the build never started"
        time.sleep(3.0)  # into the notebook's 60 s sleep
    finally:
        os.killpg(proc.pid, 9)  # the build, its kernel and everything it started
        proc.wait()
    assert work(), "the killed build left no work folder (nothing to test)"
    assert (out / "index.html").read_text() == before  # the site is intact
    _build(small_suite)
    assert sorted(p.name for p in small_suite.iterdir()) == ["data", "notebooks", "site"]


def test_a_build_killed_between_the_two_renames_is_recovered(small_suite):
    out = small_suite / "site"
    _build(small_suite)
    code = f"""
        import os
        from smmsim.reports import build_report, site
        real = os.replace
        def replace(src, dst):
            real(src, dst)
            if ".old-" in str(dst):
                os._exit(9)  # killed right after moving the old site aside
        site.os.replace = replace
        build_report("ok", out={str(out)!r}, notebooks_dir={str(small_suite / "notebooks")!r},
                     jobs=1, progress=False)
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, timeout=300)
    assert done.returncode == 9
    assert not out.exists() and list(small_suite.glob(".site.old-*"))  # the old state
    assert _cli(small_suite, "--preset", "ok", "--out", str(out), "--notebooks", "2") == 0
    assert sorted(p.name for p in small_suite.iterdir()) == ["data", "notebooks", "site"]
    index = (out / "index.html").read_text()
    assert 'href="01_one.html"' in index and 'href="02_two.html"' in index  # 01 kept


# ---------------------------------------------------------------------------
# What a browser shows: headless Chromium (Debian's, installed by .ci/run) via Playwright

_CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium_path() -> str:
    for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(path):
            return path
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is required in CI (.ci/run installs it)")
    pytest.skip("chromium not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    path = _chromium_path()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=_CHROMIUM_ARGS)
        yield browser
        browser.close()


class _Page:
    """A browser tab that records console errors, page errors and failed requests."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.problems = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url}"))

    def open(self, path: Path):
        self.problems.clear()
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def images(self):
        return self.page.evaluate(
            "Array.from(document.images).map(i => [i.getAttribute('src').slice(0, 40),"
            " i.complete, i.naturalWidth])"
        )

    def shot(self, name: str, full_page=False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def _check_loaded(tab: _Page, what: str, min_images=1):
    images = tab.images()
    assert len(images) >= min_images, f"{what}: {len(images)} images"
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"{what}: images did not load: {broken}"
    assert not tab.problems, f"{what}: {tab.problems}"


def _wait_for_charts(page):
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.smmsim-vega')).every(e => e.dataset.ready)",
        timeout=60_000,
    )
    states = page.eval_on_selector_all(".smmsim-vega", "els => els.map(e => e.dataset.ready)")
    assert all(s == "1" for s in states), states


def test_real_suite_pages_open_without_errors_in_chromium(site, browser):
    tab = _Page(browser)
    page = tab.open(site)
    _check_loaded(tab, "index.html", min_images=len(NAMES))
    tab.shot("real-index.png", full_page=True)
    links = page.eval_on_selector_all(".card h2 a", "as => as.map(a => a.getAttribute('href'))")
    assert links == [f"{name}.html" for name in NAMES]
    for name in NAMES:
        page = tab.open(site.parent / f"{name}.html")
        if page.query_selector(".smmsim-vega"):
            _wait_for_charts(page)
        _check_loaded(tab, f"{name}.html")
        code = page.locator(".jp-CodeCell .jp-Cell-inputWrapper").first
        assert not code.is_visible()  # code hidden by default
        page.click("#smmsim-toggle-code")
        assert code.is_visible()
        answers = page.locator(".jp-MarkdownCell details")
        if answers.count():
            assert answers.first.get_attribute("open") is None  # folded
            answers.first.locator("summary").click()
            assert answers.first.get_attribute("open") is not None
        tab.shot(f"real-{name}.png")
        sliders = page.locator(".smmsim-vega input[type=range]")
        if sliders.count():  # a kernel-free slider: moving it redraws the chart
            slider = sliders.first
            chart = slider.locator("xpath=ancestor::div[contains(@class, 'smmsim-vega')]")
            before = chart.locator("svg").first.inner_html()
            end = "max" if slider.input_value() != slider.get_attribute("max") else "min"
            slider.fill(slider.get_attribute(end))
            chart.scroll_into_view_if_needed()
            svg = chart.locator("svg").first
            changed = _wait_for(lambda svg=svg, before=before: svg.inner_html() != before, 10)
            assert changed, f"{name}: moving the slider did not change the chart"
            tab.shot(f"real-{name}-slider.png")
        assert not tab.problems, f"{name}: {tab.problems}"


_CHART_GRID = [{"k": k, "x": x, "y": k * x} for k in (1, 2, 3) for x in range(6)]
_CHART_SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "data": {"values": _CHART_GRID},
    "params": [
        {
            "name": "k",
            "value": 1,
            "bind": {"input": "range", "min": 1, "max": 3, "step": 1, "name": "stickiness "},
        }
    ],
    "transform": [{"filter": "datum.k == k"}],
    "mark": "line",
    "encoding": {
        "x": {"field": "x", "type": "quantitative"},
        "y": {"field": "y", "type": "quantitative", "scale": {"domain": [0, 15]}},
    },
    "width": 300,
    "height": 150,
}


def _interactive_suite(root: Path) -> Path:
    """One notebook with a key figure, an answer to fold, a widget and a slider chart."""
    folder = root / "notebooks"
    folder.mkdir(parents=True)
    intro = nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\n"
        "plt.figure(figsize=(3, 3)); plt.bar([0], [1], color='grey'); plt.show()"
    )
    key = nbformat.v4.new_code_cell(
        "fig, ax = plt.subplots(figsize=(6, 2))\n"
        "ax.plot(range(10), color='red', linewidth=8)\n"
        "plt.show()"
    )
    key.metadata["tags"] = ["key-figure"]
    widget = nbformat.v4.new_code_cell(
        "import ipywidgets as widgets\nwidgets.IntSlider(value=n, description='live only')"
    )
    chart = nbformat.v4.new_code_cell(
        "from IPython.display import display\n"
        f"spec = {json.dumps(_CHART_SPEC)}\n"
        "display({'application/vnd.vegalite.v5+json': spec, 'text/plain': 'a chart'}, "
        "raw=True)"
    )
    exercise = nbformat.v4.new_markdown_cell(
        "### Exercise\n\nWhy does the line get steeper?\n\n"
        "<details><summary>Answer</summary>\n\nBecause **k** grows.\n\n</details>"
    )
    _notebook(
        folder / "01_sliders.ipynb",
        "n: int = 2  # a number\n",
        more=[intro, key, widget, chart, exercise],
        title="Sliders",
    )
    return folder


def test_static_page_slider_answer_toggle_and_thumbnail_in_chromium(tmp_path, browser):
    folder = _interactive_suite(tmp_path)
    index = build_report("quick", out=tmp_path / "site", notebooks_dir=folder, progress=False)
    out = index.parent
    bundle = (out / "assets" / "vega-embed.js").read_text()
    assert len(bundle) > 100_000
    assert "vega-lite 5." in bundle.splitlines()[0]  # the charts' own major: no version warning
    html_text = (out / "01_sliders.html").read_text()
    assert "application/vnd.jupyter.widget-view+json" not in html_text
    assert "IntSlider(value=2" not in html_text  # the widget view is dropped, text and all
    # the thumbnail is the tagged figure (wide, red), not the first one (square, grey)
    from PIL import Image

    with Image.open(out / "thumbs" / "01_sliders.png") as thumb:
        width, height = thumb.size
        r, g, b = thumb.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert width > 2 * height and r > g + 10

    tab = _Page(browser)
    page = tab.open(index)
    _check_loaded(tab, "index.html")
    tab.shot("sliders-index.png")
    page.click("a[href='01_sliders.html'] >> nth=0")
    page.wait_for_load_state("load")
    _wait_for_charts(page)
    _check_loaded(tab, "01_sliders.html")
    # code hidden by default; the toggle shows it
    code = page.locator(".jp-CodeCell .jp-Cell-inputWrapper").first
    assert not code.is_visible()
    page.click("#smmsim-toggle-code")
    assert code.is_visible() and page.inner_text("#smmsim-toggle-code") == "Hide code"
    page.click("#smmsim-toggle-code")
    assert not code.is_visible()
    # the answer is folded; a click opens it
    answer = page.get_by_text("Because")
    assert not answer.is_visible()
    page.click("details > summary")
    assert answer.is_visible()
    tab.shot("sliders-page-before.png", full_page=True)
    # the slider redraws the chart from the precomputed grid, no kernel involved
    svg = page.locator(".smmsim-vega svg").first
    before = svg.inner_html()
    view_before = page.evaluate("window.smmsimViews[0].data('data_0').length")
    slider = page.locator(".smmsim-vega input[type=range]").first
    slider.fill("3")
    page.wait_for_function(
        "before => document.querySelector('.smmsim-vega svg').innerHTML !== before", arg=before
    )
    assert page.evaluate("window.smmsimViews[0].signal('k')") == 3
    assert svg.inner_html() != before
    assert view_before == 6
    tab.shot("sliders-page-after.png", full_page=True)
    assert not tab.problems
    # print: no navigation, no sliders, code stays hidden
    page.emulate_media(media="print")
    assert not page.locator(".smmsim-nav").is_visible()
    assert not slider.is_visible()
    page.emulate_media(media="screen")


# ---------------------------------------------------------------------------
# A warm kernel: reused from one notebook to the next, and clean for each


def test_warm_kernel_runs_each_notebook_as_a_fresh_kernel_would(tmp_path):
    from smmsim.reports.execute import WarmKernel, execute_notebook

    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    first = _notebook(
        one / "a.ipynb",
        "x: int = 1  # a number\n",
        more=[
            "import os\nimport matplotlib.pyplot as plt\n"
            "left_over = 41\nfig = plt.figure()\nprint(os.getcwd())"
        ],
    )
    second = _notebook(
        two / "b.ipynb",
        "x: int = 1  # a number\n",
        more=[
            "import os\nimport matplotlib.pyplot as plt\n"
            "print(os.getcwd(), 'left_over' in dir(), len(plt.get_fignums()))"
        ],
    )
    kernel = WarmKernel()
    try:
        a = execute_notebook(first, tmp_path / "a.ipynb", {"x": 2}, kernel=kernel)
        pid = kernel.km.provisioner.process.pid
        b = execute_notebook(second, tmp_path / "b.ipynb", {"x": 3}, kernel=kernel)
        assert kernel.km.provisioner.process.pid == pid  # the same kernel
        assert a.cells[-1].outputs[0]["text"].strip() == str(one.resolve())
        # the second notebook sees its own folder, no names and no figures of the first
        assert b.cells[-1].outputs[0]["text"].split() == [str(two.resolve()), "False", "0"]
        # and counts its cells from 1, as in a fresh kernel
        counts = [c.execution_count for c in b.cells if c.cell_type == "code"]
        assert counts == [1, 2, 3]
        # a kernel that died is started again
        kernel.km.provisioner.process.kill()
        kernel.km.provisioner.process.wait()
        c = execute_notebook(second, tmp_path / "c.ipynb", {"x": 4}, kernel=kernel)
        assert kernel.km.provisioner.process.pid != pid
        assert c.cells[-1].outputs[0]["text"].split()[1:] == ["False", "0"]
    finally:
        kernel.shutdown()
    assert kernel.km is None
