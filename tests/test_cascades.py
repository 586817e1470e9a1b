"""Tests for smmsim.cascades (shapes of real and simulated cascades) and the data layer."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import threading
import zipfile
from functools import partial

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smmsim import realdata
from smmsim.cascades import SHAPE_COLUMNS, cascade_shapes, forest_shapes
from smmsim.cli import main


def tree_text(root, parents, seconds):
    """A reply-tree file: node k + 1 replies to node parents[k] (0 = the root)."""
    ids = [root] + [root * 1000 + k + 1 for k in range(len(parents))]
    t = [0.0, *seconds]
    lines = [f"raiz: ['{root}','0.0']->['ROOT','0.0']"]
    for k, p in enumerate(parents):
        lines.append(f"reply: ['{ids[k + 1]}','{t[k + 1]}']->['{ids[p]}','{t[p]}']")
    return "\n".join(lines) + "\n"


@st.composite
def trees(draw):
    n = draw(st.integers(0, 25))
    parents = [draw(st.integers(0, k)) for k in range(n)]
    seconds = sorted(draw(st.lists(st.floats(0, 1e6), min_size=n, max_size=n)))
    return parents, seconds


def expected_row(parents, seconds):
    T = nx.Graph()
    T.add_node(0)
    T.add_edges_from((k + 1, p) for k, p in enumerate(parents))
    depth = nx.single_source_shortest_path_length(T, 0)
    n = len(parents) + 1
    sv = nx.average_shortest_path_length(T) if n > 1 else 0.0
    return {
        "size": n,
        "depth": max(depth.values()),
        "max_breadth": pd.Series(depth).value_counts().max(),
        "structural_virality": sv,
        "duration_s": max(seconds, default=0.0),
    }


@given(st.lists(trees(), min_size=1, max_size=4), st.booleans(), st.booleans())
def test_shapes_of_written_files_match_networkx(tmp_path_factory, cascades, as_zip, shuffle):
    folder = tmp_path_factory.mktemp("trees")
    texts = {}
    for i, (parents, seconds) in enumerate(cascades):
        text = tree_text(i + 1, parents, seconds)
        if shuffle:  # replies in any order (forward references)
            head, *rest = text.splitlines()
            text = "\n".join([head, *rest[::-1]]) + "\n"
        texts[i + 1] = text
    if as_zip:
        with zipfile.ZipFile(folder / "False.zip", "w") as archive:
            for root, text in texts.items():
                archive.writestr(f"False/treefile_{root}_minf.txt", text)
        path = folder
    else:
        path = folder / "False"
        path.mkdir()
        for root, text in texts.items():
            (path / f"treefile_{root}_minf.txt").write_text(text)
    shapes = cascade_shapes(path)
    assert list(shapes.columns) == list(SHAPE_COLUMNS)
    assert set(shapes["label"]) == {"False"}
    shapes = shapes.set_index("cascade_id")
    for i, (parents, seconds) in enumerate(cascades):
        row = shapes.loc[i + 1]
        for key, value in expected_row(parents, seconds).items():
            assert row[key] == pytest.approx(value), key


def test_forest_shapes_rejects_children_before_parents():
    with pytest.raises(ValueError, match=r"parents first .*lp\[1\] = 1"):
        forest_shapes(np.array([-1, 1]))
    with pytest.raises(ValueError, match="`seconds` must have the shape"):
        forest_shapes(np.array([-1, 0]), np.zeros(3))


def test_missing_paths_and_labels(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        cascade_shapes(tmp_path / "nope")
    with pytest.raises(ValueError, match="no reply-tree files"):
        cascade_shapes(tmp_path)
    (tmp_path / "True").mkdir()
    (tmp_path / "True" / "treefile_1_minf.txt").write_text(tree_text(1, [0], [3.0]))
    with pytest.raises(FileNotFoundError, match="label\\(s\\) False"):
        cascade_shapes(tmp_path, labels="False")
    assert cascade_shapes(tmp_path, labels="True")["label"].tolist() == ["True"]


def test_cli_cascades_on_written_files(tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "True.zip", "w") as archive:
        archive.writestr("treefile_5_minf.txt", tree_text(5, [0, 0, 1], [1.0, 2.0, 30.0]))
        archive.writestr("__MACOSX/._treefile_5_minf.txt", "junk")
    out = tmp_path / "shapes.csv"
    assert main(["cascades", str(tmp_path / "True.zip"), "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype={"label": str})
    assert list(table.columns) == list(SHAPE_COLUMNS)
    row = table.iloc[0]
    assert (row["cascade_id"], row["label"], row["size"], row["depth"]) == (5, "True", 4, 2)
    assert (row["max_breadth"], row["duration_s"]) == (2, 30.0)
    assert main(["cascades", "--out", str(out)]) == 2
    assert "give either PATH" in capsys.readouterr().err


def _good_zip_bytes(method=zipfile.ZIP_DEFLATED) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("False/treefile_5_minf.txt", tree_text(5, [0, 0, 1], [1.0, 2.0, 30.0]))
        archive.writestr("False/treefile_7_minf.txt", tree_text(7, [0] * 30, [1.0] * 30))
    return buffer.getvalue()


def _zip_of(members: dict) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _flip(data: bytes, needle: bytes) -> bytes:
    out = bytearray(data)
    out[data.index(needle)] ^= 0x01
    return bytes(out)


_GOOD = tree_text(5, [0], [1.0])
_DAMAGED_ZIPS = {
    "not-a-zip": (b"this is not a zip\n", ["not a readable zip archive"]),
    "empty-file": (b"", ["not a readable zip archive"]),
    "truncated-head": (_good_zip_bytes()[:40], ["not a readable zip archive"]),
    "truncated-tail": (_good_zip_bytes()[:-10], ["not a readable zip archive"]),
    "bad-crc": (
        _flip(_zip_of({"treefile_5_minf.txt": _GOOD}), b"reply"),
        ["treefile_5_minf.txt", "Bad CRC-32"],
    ),
    "bad-deflate": (
        _good_zip_bytes()[:60] + b"\xff" * 40 + _good_zip_bytes()[100:],
        ["treefile_5_minf.txt", "damaged zip archive"],
    ),
    "non-utf8-member": (
        _zip_of({"treefile_5_minf.txt": _GOOD.encode() + b"\xff\n"}),
        ["treefile_5_minf.txt line 3 is not UTF-8"],
    ),
    "bad-line": (
        _zip_of({"treefile_5_minf.txt": _GOOD + "garbage\n"}),
        ["line 3 in False.zip:treefile_5_minf.txt", "garbage"],
    ),
    "id-overflow": (
        _zip_of({"treefile_5_minf.txt": f"raiz: ['{2**64}','0.0']->['ROOT','0.0']\n"}),
        ["line 1 in False.zip:treefile_5_minf.txt", "64 bits", str(2**64)],
    ),
    "wrong-fields": (
        _zip_of({"treefile_5_minf.txt": _GOOD + "reply: ['6','1.0','x']->['5','0.0']\n"}),
        ["line 3 in False.zip:treefile_5_minf.txt"],
    ),
    "no-tree-files": (_zip_of({"cascade.json": "{bad"}), ["no reply-tree files", "False.zip"]),
    "newline-in-member-name": (
        _zip_of({"tree\nfile_5_minf.txt": _GOOD + "garbage\n"}),
        ["line 3 in False.zip:'tree\\nfile_5_minf.txt'"],
    ),
}


@pytest.mark.parametrize("damage", sorted(_DAMAGED_ZIPS))
@pytest.mark.parametrize("as_folder", [False, True])
def test_cli_cascades_damaged_zip_is_one_line_naming_the_file(tmp_path, capsys, damage, as_folder):
    data, pieces = _DAMAGED_ZIPS[damage]
    (tmp_path / "False.zip").write_bytes(data)
    path = tmp_path if as_folder else tmp_path / "False.zip"
    out = tmp_path / "shapes.csv"
    assert main(["cascades", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("smmsim: error: ")
    assert "False.zip" in err and "Traceback" not in err
    for piece in pieces:
        assert piece in err
    assert not out.exists()


def test_cascade_zip_encrypted_or_unknown_compression_is_one_line(tmp_path):
    data = bytearray(_zip_of({"treefile_5_minf.txt": _GOOD}))
    # flag bit 0 (encrypted) in the local header and the central directory
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.index(header) + (6 if header == b"PK\x03\x04" else 8)
        data[at] |= 0x01
    (tmp_path / "False.zip").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"False\.zip:treefile_5_minf\.txt cannot be .*encrypted"):
        cascade_shapes(tmp_path / "False.zip")
    data = bytearray(_zip_of({"treefile_5_minf.txt": _GOOD}))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.index(header) + (8 if header == b"PK\x03\x04" else 10)
        data[at] = 99  # compression method 99: not one zipfile knows
    (tmp_path / "False.zip").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"False\.zip.*(compression|readable)"):
        cascade_shapes(tmp_path / "False.zip")


def test_cascade_text_file_not_utf8_names_file_and_line(tmp_path):
    (tmp_path / "True").mkdir()
    (tmp_path / "True" / "treefile_1_minf.txt").write_bytes(_GOOD.encode() + b"\xfe\n")
    with pytest.raises(ValueError, match=r"treefile_1_minf\.txt line 3 is not UTF-8"):
        cascade_shapes(tmp_path)


_ZIP = _good_zip_bytes()
_STORED = _good_zip_bytes(zipfile.ZIP_STORED)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    base=st.sampled_from([_ZIP, _STORED]),
    flips=st.lists(st.tuples(st.integers(0, len(_ZIP) - 1), st.integers(1, 255)), max_size=4),
    cut=st.one_of(st.none(), st.integers(0, len(_ZIP))),
)
def test_fuzz_cascade_zip_reader_raises_only_one_line_errors(tmp_path, base, flips, cut):
    data = bytearray(base)
    for at, mask in flips:
        data[at % len(data)] ^= mask
    if cut is not None:
        data = data[:cut]
    (tmp_path / "False.zip").write_bytes(bytes(data))
    for read in (
        lambda: cascade_shapes(tmp_path / "False.zip"),
        lambda: cascade_shapes(tmp_path, labels="False"),
        lambda: realdata.load_twitter_cascades(tmp_path, labels=("False",)),
    ):
        try:
            table = read()
        except ValueError as exc:
            message = str(exc)
            assert "\n" not in message and "False.zip" in message
        else:
            assert len(table) > 0


def test_cli_cascades_on_shared_data(shared_data, tmp_path):
    out = tmp_path / "all.csv"
    assert main(["cascades", str(shared_data / "twitter-cascades-chile"), "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype={"label": str})
    assert list(table.columns) == list(SHAPE_COLUMNS)
    assert table.groupby("label").size().to_dict() == {"False": 99, "Imprecise": 41, "True": 114}
    assert table.groupby("label")["size"].sum().to_dict() == {
        "False": 45_246,
        "True": 54_820,
        "Imprecise": 27_848,
    }
    # the same numbers as the reply-table summary, through the other code path
    summary = realdata.twitter_cascade_summary(folder=shared_data / "twitter-cascades-chile")
    merged = table.merge(summary, on="cascade_id", suffixes=("", "_summary"))
    assert len(merged) == 254
    assert (merged["max_breadth"] == merged["breadth"]).all()
    assert (merged["depth"] == merged["depth_summary"]).all()
    np.testing.assert_allclose(merged["structural_virality"], merged["structural_virality_summary"])
    assert table["duration_s"].max() == 65_657_004.0  # 760 days


# -- where the data is, and fetching it ----------------------------------------------------


def test_lookup_order(tmp_path, monkeypatch):
    mine = tmp_path / "explicit.txt"
    mine.write_text("0 1\n")
    assert realdata.find_data("ego-facebook/facebook_combined.txt", mine) == mine
    env = tmp_path / "env"
    (env / "twitter-cascades-chile").mkdir(parents=True)
    monkeypatch.setenv("SMMSIM_DATA", str(env))
    assert realdata.find_data("twitter-cascades-chile") == env / "twitter-cascades-chile"
    monkeypatch.setenv("SMMSIM_DATA", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="SMMSIM_DATA names .* not a folder"):
        realdata.shared_data_dir()


def test_nothing_found_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.delenv("SMMSIM_DATA", raising=False)
    monkeypatch.setenv("SMMSIM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(realdata, "_shared_candidates", lambda: [tmp_path / "no" / "shared"])
    with pytest.raises(FileNotFoundError) as info:
        realdata.find_data("twitter-cascades-chile")
    message = str(info.value)
    assert "$SMMSIM_DATA (unset)" in message
    assert "../shared/data (none found)" in message
    assert str(tmp_path / "cache") in message
    assert "smmsim data fetch" in message
    with pytest.raises(FileNotFoundError, match="looked in"):
        realdata.shared_data_dir()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        realdata.find_data("x", tmp_path / "nope")


def fake_sources(tmp_path, monkeypatch):
    """Small stand-ins for the four source files, with their sha256 patched in."""
    src = tmp_path / "mirror"
    src.mkdir()
    edges = b"0 1\n1 2\n"
    (src / "facebook_combined.txt.gz").write_bytes(gzip.compress(edges))
    specs = {
        "ego-facebook/facebook_combined.txt": dict(
            realdata.DATASETS["ego-facebook/facebook_combined.txt"],
            sha256=hashlib.sha256(edges).hexdigest(),
        )
    }
    for label in ("False", "True", "Imprecise"):
        zpath = src / f"{label}.zip"
        with zipfile.ZipFile(zpath, "w") as archive:
            archive.writestr("treefile_1_minf.txt", tree_text(1, [0], [2.0]))
        rel = f"twitter-cascades-chile/{label}.zip"
        specs[rel] = dict(
            realdata.DATASETS[rel], sha256=hashlib.sha256(zpath.read_bytes()).hexdigest()
        )
    monkeypatch.setattr(realdata, "DATASETS", specs)
    return src


def test_fetch_from_file_urls_into_the_cache(tmp_path, monkeypatch, capsys):
    src = fake_sources(tmp_path, monkeypatch)
    cache = tmp_path / "cache"
    monkeypatch.setenv("SMMSIM_CACHE", str(cache))
    monkeypatch.delenv("SMMSIM_DATA", raising=False)
    monkeypatch.setattr(realdata, "_shared_candidates", lambda: [])
    assert main(["data", "fetch", "--base-url", src.as_uri()]) == 0
    assert (cache / "ego-facebook" / "facebook_combined.txt").read_bytes() == b"0 1\n1 2\n"
    assert realdata.shared_data_dir() == cache
    shapes = cascade_shapes()  # found in the cache
    assert shapes["label"].tolist() == ["False", "Imprecise", "True"]
    # a second fetch finds everything in place; a corrupted file is fetched again
    (cache / "twitter-cascades-chile" / "True.zip").write_bytes(b"corrupt")
    paths = realdata.fetch_data("twitter-cascades-chile", base_url=src.as_uri())
    assert len(paths) == 3
    assert zipfile.is_zipfile(paths["twitter-cascades-chile/True.zip"])
    capsys.readouterr()


def test_fetch_over_http_checks_sha256(tmp_path, monkeypatch):
    src = fake_sources(tmp_path, monkeypatch)
    handler = partial(QuietHandler, directory=str(src))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        paths = realdata.fetch_data("ego-facebook", cache_dir=tmp_path / "c", base_url=url)
        assert paths["ego-facebook/facebook_combined.txt"].read_bytes() == b"0 1\n1 2\n"
        (src / "False.zip").write_bytes(b"tampered")
        with pytest.raises(ValueError, match="download of 'twitter-cascades-chile/False.zip'"):
            realdata.fetch_data(
                "twitter-cascades-chile/False.zip", cache_dir=tmp_path / "c", base_url=url
            )
        assert not (tmp_path / "c" / "twitter-cascades-chile" / "False.zip").exists()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_fetch_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown data set 'facebook'"):
        realdata.fetch_data("facebook")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# -- simulated claim cascades --------------------------------------------------------------

CLAIM_YAML = """\
steps: 20
graph: {n_nodes: 400, n_broadcasters: 8, followers_mean: 0.1, followers_alpha: 1.5}
crisis: {enabled: true, source: broadcasters, k: 4, stickiness: 0.5, shareability: 0.4}
"""


def test_cli_cascades_simulate_is_reproducible(tmp_path):
    config = tmp_path / "claim.yaml"
    config.write_text(CLAIM_YAML)
    outs = []
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        out = tmp_path / f"{name}.csv"
        args = ["cascades", "--simulate", str(config), "--n", "10", "--seed", seed]
        assert main([*args, "--out", str(out)]) == 0
        outs.append(pd.read_csv(out))
    assert list(outs[0].columns) == list(SHAPE_COLUMNS)
    assert len(outs[0]) == 10
    assert set(outs[0]["label"]) == {"simulated"}
    pd.testing.assert_frame_equal(outs[0], outs[1])
    assert not outs[0].equals(outs[2])
    assert (outs[0]["size"] >= 1).all()
    assert (outs[0]["duration_s"] == outs[0]["depth"] * 3600.0).all()


def test_claim_only_runs_no_campaign_and_no_twin():
    from smmsim.engine import simulate
    from smmsim.scenario import ScenarioConfig

    cfg = ScenarioConfig.from_dict(
        {
            "graph": {"n_nodes": 300, "n_broadcasters": 6},
            "crisis": {"enabled": True, "source": "broadcasters", "k": 6, "claim_only": True},
            "reviews": {"enabled": True},
        }
    )
    run = simulate(cfg, rng=1)
    assert run.baseline is None
    assert run.count[run.items.index(cfg.content.name)] == 0
    claim = run.items.index("claim")
    roots = run.sharers[claim][run.tree_parent[claim] == -1]
    assert run.world.graph.broadcaster[roots].all() and len(roots) == 6
    twin = simulate(cfg.with_overrides({"crisis.claim_only": False}), rng=1)
    assert twin.baseline is not None
    with pytest.raises(ValueError, match=r"`crisis.k` \(7\) must be at most the graph's"):
        simulate(cfg.with_overrides({"crisis.k": 7}), rng=1)


def test_followers_alpha_is_checked():
    from smmsim.graphs import GraphConfig

    with pytest.raises(ValueError, match="`graph.followers_alpha` must be > 1; got 1.0"):
        GraphConfig(followers_alpha=1.0)


def test_growth_curves_count_tweets_over_time(tmp_path):
    folder = tmp_path / "False"
    folder.mkdir()
    (folder / "treefile_1_minf.txt").write_text(tree_text(1, [0, 0, 1], [10.0, 20.0, 300.0]))
    from smmsim.cascades import growth_curves

    curves = growth_curves(folder, times=[0, 15, 20, 1000])
    assert curves["size"].tolist() == [1, 2, 3, 4]
    assert curves["fraction"].tolist() == [0.25, 0.5, 0.75, 1.0]
    assert set(curves["label"]) == {"False"}
    with pytest.raises(ValueError, match="`times` must be"):
        growth_curves(folder, times=[-1.0])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 12), min_size=1, max_size=40),
    st.lists(st.integers(0, 12), min_size=1, max_size=40),
    st.integers(0, 2**32 - 1),
)
def test_bootstrap_aucs_are_exactly_each_resamples_rank_sum_auc(x, y, seed):
    """All resamples at once give bit for bit the U / (n_x n_y) of scipy's ranks."""
    from scipy.stats import rankdata

    from smmsim.cascades import _bootstrap_aucs

    rng = np.random.default_rng(seed)
    bx = rng.choice(np.array(x, float), size=(5, len(x)))
    by = rng.choice(np.array(y, float) / 2, size=(5, len(y)))  # halves: ties across samples
    want = []
    for a, b in zip(bx, by):
        ranks = rankdata(np.concatenate([a, b]))
        want.append((ranks[: len(a)].sum() - len(a) * (len(a) + 1) / 2) / (len(a) * len(b)))
    assert np.array_equal(_bootstrap_aucs(bx, by), np.array(want))


# ---------------------------------------------------------------------------
# ks_reference: the KS distances of a model exactly right
# ---------------------------------------------------------------------------


def test_ks_reference_draws_are_the_two_sample_ks_distances():
    from scipy.stats import ks_2samp

    from smmsim.cascades import ks_reference

    gen = np.random.default_rng(4)
    sim = pd.DataFrame({"size": gen.integers(1, 40, 300), "depth": gen.normal(size=300)})
    ref = ks_reference(sim, 25, n_draws=1, stats=("size", "depth"), rng=np.random.default_rng(9))
    held = np.random.default_rng(9).permutation(300)[:25]  # the one draw's held-out rows
    rest = np.setdiff1d(np.arange(300), held)
    for stat in ("size", "depth"):
        want = ks_2samp(sim[stat].to_numpy()[held], sim[stat].to_numpy()[rest]).statistic
        assert ref.set_index("stat").loc[stat, "ks_median"] == pytest.approx(want, abs=1e-12)


def test_ks_reference_matches_the_kolmogorov_distribution():
    """Continuous data, 30 held out of 5,000: the 95th percentile of the distance is
    Kolmogorov's (about 0.24 at n = 30; 1.36 / sqrt(30) = 0.248 asymptotically).
    Tolerance 0.02 on 2,000 draws (the percentile's sampling sd is about 0.005); an
    observed distance at that percentile has a bootstrap p near 0.05."""
    from smmsim.cascades import ks_reference

    sim = pd.DataFrame({"x": np.random.default_rng(1).random(5000)})
    ref = ks_reference(sim, 30, n_draws=2000, stats=("x",), rng=2).set_index("stat")
    assert ref.loc["x", "ks_q95"] == pytest.approx(0.242, abs=0.02)
    assert 0.45 < ref.loc["x", "share_within"] < 0.60  # P(D_30 <= 0.15) = 0.52
    observed = pd.DataFrame({"stat": ["x"], "ks": [ref.loc["x", "ks_q95"]]})
    again = ks_reference(sim, 30, n_draws=2000, stats=("x",), observed=observed, rng=2)
    assert again.set_index("stat").loc["x", "p"] == pytest.approx(0.05, abs=0.02)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.integers(0, 6), min_size=3, max_size=60),
    n_observed=st.integers(1, 10),
    threshold=st.floats(0.01, 0.99),
)
def test_ks_reference_invariants(values, n_observed, threshold):
    from smmsim.cascades import ks_reference

    sim = pd.DataFrame({"a": values, "b": values[::-1]})
    if len(values) <= n_observed:
        with pytest.raises(ValueError, match="n_observed"):
            ks_reference(sim, n_observed, stats=("a", "b"), rng=0)
        return
    ref = ks_reference(sim, n_observed, n_draws=20, threshold=threshold, stats=("a", "b"), rng=0)
    per = ref.iloc[:2]
    assert per["ks_median"].between(0, 1).all() and (per["ks_median"] <= per["ks_q95"]).all()
    assert ref["share_within"].between(0, 1).all()
    assert ref["share_within"].iloc[2] <= per["share_within"].min()
    assert ref.equals(
        ks_reference(sim, n_observed, n_draws=20, threshold=threshold, stats=("a", "b"), rng=0)
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_observed": 0}, "n_observed"),
        ({"n_draws": 0}, "n_draws"),
        ({"threshold": 1.5}, "threshold"),
    ],
)
def test_ks_reference_rejects_bad_arguments(kwargs, field):
    from smmsim.cascades import ks_reference

    sim = pd.DataFrame({"size": np.arange(50)})
    args = {"n_observed": 10, **kwargs}
    with pytest.raises(ValueError, match=field):
        ks_reference(sim, args.pop("n_observed"), stats=("size",), rng=0, **args)
