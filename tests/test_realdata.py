"""Tests for smmsim.realdata against the real files in ../shared/data."""

from __future__ import annotations

import zipfile

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.stats import mannwhitneyu

from smmsim.metrics import structural_virality
from smmsim.realdata import (
    TWITTER_LABELS,
    load_snap_edgelist,
    load_twitter_cascades,
    twitter_cascade_summary,
)


@pytest.fixture(scope="module")
def data_dir(shared_data):
    return shared_data


@pytest.fixture(scope="module")
def replies(data_dir):
    return load_twitter_cascades(data_dir / "twitter-cascades-chile")


@pytest.fixture(scope="module")
def summary(replies):
    return twitter_cascade_summary(replies)


def write_zip(folder, label, files):
    """Write ``<label>.zip`` holding ``{root id: text}`` cascade files."""
    with zipfile.ZipFile(folder / f"{label}.zip", "w") as archive:
        for root, text in files.items():
            archive.writestr(f"{label}/treefile_{root}_minf.txt", text)


ROOT = "raiz: ['1','0.0']->['ROOT','0.0']"


def reply(child, seconds, parent, parent_seconds=0.0):
    return f"reply: ['{child}','{seconds}']->['{parent}','{parent_seconds}']"


# -- SNAP ego-Facebook ----------------------------------------------------------------


def test_snap_facebook_counts(data_dir):
    G = load_snap_edgelist(data_dir / "ego-facebook" / "facebook_combined.txt")
    assert (G.number_of_nodes(), G.number_of_edges()) == (4039, 88234)
    assert nx.is_connected(G)
    src, dst, ids = load_snap_edgelist(
        data_dir / "ego-facebook" / "facebook_combined.txt", return_arrays=True
    )
    assert len(src) == len(dst) == 88234
    assert np.array_equal(ids, np.arange(4039))


def test_snap_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="edge list not found"):
        load_snap_edgelist(tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("# comment\n0 1\n2\n")
    with pytest.raises(ValueError, match="line 3 in bad.txt: expected 'u v'; got '2'"):
        load_snap_edgelist(bad)
    bad.write_text("0 x\n")
    with pytest.raises(ValueError, match="line 1 in bad.txt: node ids must be integers"):
        load_snap_edgelist(bad)
    bad.write_text("# nothing\n")
    with pytest.raises(ValueError, match="bad.txt is empty"):
        load_snap_edgelist(bad)


# -- Twitter cascades: the data README's numbers -------------------------------------


def test_reply_table_shape_and_types(replies):
    assert list(replies.columns) == ["cascade_id", "label", "tweet_id", "parent_id", "seconds"]
    assert len(replies) == 127_660
    assert replies["cascade_id"].dtype == np.int64
    assert replies["tweet_id"].dtype == np.int64
    assert replies["parent_id"].dtype == np.int64
    assert replies["seconds"].dtype == np.float64
    assert replies["tweet_id"].is_unique


def test_cascade_counts_by_label(replies):
    per_label = replies.groupby("label")["cascade_id"].nunique()
    assert per_label.to_dict() == {"False": 99, "True": 114, "Imprecise": 41}
    assert replies["cascade_id"].nunique() == 254
    assert replies.groupby("label").size().to_dict() == {
        "False": 45_147,
        "True": 54_706,
        "Imprecise": 27_807,
    }


def test_replies_come_after_the_tweet_they_answer(replies):
    seconds_of = dict(zip(replies["tweet_id"], replies["seconds"], strict=True))
    seconds_of.update(dict.fromkeys(replies["cascade_id"].unique(), 0.0))
    parent_seconds = replies["parent_id"].map(seconds_of)
    assert parent_seconds.notna().all()
    assert (replies["seconds"] >= parent_seconds).all()


def test_labels_subset(data_dir):
    only_false = load_twitter_cascades(data_dir / "twitter-cascades-chile", labels="False")
    assert set(only_false["label"]) == {"False"}
    assert only_false["cascade_id"].nunique() == 99
    assert len(only_false) == 45_147


def test_default_folder_is_the_shared_one(replies):
    assert len(load_twitter_cascades(labels=("Imprecise",))) == 27_807


# -- Twitter cascades: summary -----------------------------------------------------------


def test_summary_columns_and_totals(summary):
    assert list(summary.columns) == [
        "cascade_id",
        "label",
        "size",
        "n_replies",
        "depth",
        "breadth",
        "structural_virality",
        "seconds_to_10_replies",
        "seconds_to_100_replies",
    ]
    assert len(summary) == 254
    assert summary["cascade_id"].is_unique
    assert summary["n_replies"].sum() == 127_660
    assert (summary["size"] == summary["n_replies"] + 1).all()
    assert summary.groupby("label")["size"].sum().to_dict() == {
        "False": 45_246,
        "True": 54_820,
        "Imprecise": 27_848,
    }
    assert summary["size"].min() == 2
    assert (summary["depth"] >= 1).all()
    assert (summary["breadth"] <= summary["size"] - 1).all()


def test_summary_structural_virality_within_star_and_path_bounds(summary):
    n = summary["size"].to_numpy()
    sv = summary["structural_virality"].to_numpy()
    assert (sv >= 2 * (n - 1) / n - 1e-12).all()
    assert (sv <= (n + 1) / 3 + 1e-12).all()


def test_largest_cascade(summary):
    top = summary.loc[summary["size"].idxmax()]
    assert (top["label"], top["size"], top["depth"], top["breadth"]) == ("True", 14_237, 18, 10_813)
    assert top["structural_virality"] == pytest.approx(3.134269, abs=1e-6)
    assert (top["seconds_to_10_replies"], top["seconds_to_100_replies"]) == (85.0, 243.0)


def test_summary_matches_networkx_on_small_cascades(replies, summary):
    small = summary[summary["size"].between(2, 300)].head(30)
    assert len(small) == 30
    for row in small.itertuples():
        rows = replies[replies["cascade_id"] == row.cascade_id]
        T = nx.Graph(zip(rows["tweet_id"], rows["parent_id"], strict=True))
        assert row.structural_virality == pytest.approx(nx.average_shortest_path_length(T))
        mapping = dict(zip(rows["tweet_id"], rows["parent_id"], strict=True))
        assert row.structural_virality == pytest.approx(structural_virality(mapping))
        depth_of = nx.single_source_shortest_path_length(T, row.cascade_id)
        assert row.depth == max(depth_of.values())
        assert row.breadth == pd.Series(depth_of).value_counts().max()


def test_time_to_k_replies(replies, summary):
    for k in (10, 100):
        column = summary[f"seconds_to_{k}_replies"]
        assert (column.isna() == (summary["n_replies"] < k)).all()
        expected = (
            replies.groupby("cascade_id")["seconds"]
            .apply(lambda s, k=k: np.sort(s.to_numpy())[k - 1] if len(s) >= k else np.nan)
            .reindex(summary["cascade_id"])
            .to_numpy()
        )
        np.testing.assert_array_equal(column.to_numpy(), expected)
    both = summary.dropna(subset=["seconds_to_100_replies"])
    assert (both["seconds_to_10_replies"] <= both["seconds_to_100_replies"]).all()
    # cascades that reached 100 replies: 61 of 99 false, 50 of 114 true, 22 of 41 imprecise
    reached = summary.groupby("label")["seconds_to_100_replies"].count().to_dict()
    assert reached == {"False": 61, "True": 50, "Imprecise": 22}


def test_summary_on_a_filtered_table(replies):
    first_hour = replies[replies["seconds"] <= 3600]
    early = twitter_cascade_summary(first_hour, reply_counts=5)
    assert early["n_replies"].sum() == len(first_hour)
    assert "seconds_to_5_replies" in early.columns
    assert (early["seconds_to_5_replies"].dropna() <= 3600).all()


def test_false_versus_true_cascades(summary):
    """Measured on this data, not assumed.

    False cascades are typically larger than true ones: median 167 tweets against 75.5,
    a difference a Mann-Whitney test finds significant (p = 0.017). Their means are close
    (457 vs 481) because one true cascade has 14,237 tweets. Structural virality barely
    differs (median 2.79 vs 2.68, mean 3.47 vs 2.94; p = 0.23, not significant).
    """
    false = summary[summary["label"] == "False"]
    true = summary[summary["label"] == "True"]
    assert false["size"].median() == 167.0
    assert true["size"].median() == 75.5
    assert false["size"].mean() == pytest.approx(457.0303, abs=1e-4)
    assert true["size"].mean() == pytest.approx(480.8772, abs=1e-4)
    assert mannwhitneyu(false["size"], true["size"]).pvalue == pytest.approx(0.0168, abs=1e-4)
    assert false["structural_virality"].median() == pytest.approx(2.786644, abs=1e-6)
    assert true["structural_virality"].median() == pytest.approx(2.684453, abs=1e-6)
    sv_test = mannwhitneyu(false["structural_virality"], true["structural_virality"])
    assert sv_test.pvalue == pytest.approx(0.2278, abs=1e-4)


# -- Twitter cascades: errors ----------------------------------------------------------


def test_forward_reference_is_accepted(tmp_path):
    write_zip(tmp_path, "False", {1: "\n".join([ROOT, reply(3, 9.0, 2, 5.0), reply(2, 5.0, 1)])})
    table = load_twitter_cascades(tmp_path, labels=TWITTER_LABELS[:1])
    assert table["tweet_id"].tolist() == [3, 2]
    row = twitter_cascade_summary(table).iloc[0]
    assert (row["size"], row["depth"], row["breadth"]) == (3, 2, 1)
    assert row["structural_virality"] == pytest.approx(4 / 3)


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        ([ROOT, reply(2, 5.0, 1), "reply: garbage"], r"line 3 in False.zip:False/treefile_1"),
        ([ROOT, "reply: ['2','soon']->['1','0.0']"], "line 2 .*seconds must be a number"),
        ([ROOT, "reply: ['2','-4.0']->['1','0.0']"], "line 2 .*seconds must be finite and >= 0"),
        ([ROOT, "reply: ['x2','4.0']->['1','0.0']"], "line 2 .*tweet ids must be non-negative"),
        ([ROOT, "reply: ['2','4.0']->['ROOT','0.0']"], "line 2 .*parent tweet ids must be"),
        ([reply(2, 5.0, 1), ROOT], "line 1 .*first line must be the root"),
        ([ROOT, ROOT.replace("'1'", "'5'", 1)], "line 2 .*one root \\('raiz:'\\) line"),
        (["raiz: ['1','0.0']->['2','0.0']"], "line 1 .*root line's parent must be 'ROOT'"),
        ([ROOT, reply(2, 5.0, 1), reply(2, 6.0, 1)], "line 3 .*tweet 2 already appeared on line 2"),
        ([ROOT, reply(2, 5.0, 9)], "line 2 .*tweet 9 replied to is not in this cascade"),
        ([ROOT, reply(2, 5.0, 3), reply(3, 5.0, 2)], "line 2 .*replies form a cycle"),
        (["", "  "], "has no root"),
    ],
)
def test_malformed_cascade_files_raise(tmp_path, lines, match):
    write_zip(tmp_path, "False", {1: "\n".join(lines) + "\n"})
    with pytest.raises(ValueError, match=match):
        load_twitter_cascades(tmp_path, labels=("False",))


def test_malformed_line_message_shows_content(tmp_path):
    write_zip(tmp_path, "True", {7: ROOT + "\nnot a reply line\n"})
    with pytest.raises(
        ValueError,
        match=r"malformed cascade line 2 in True.zip:True/treefile_7_minf.txt: expected .*; "
        r"got 'not a reply line'\.",
    ):
        load_twitter_cascades(tmp_path, labels=("True",))


def test_missing_zip_and_bad_labels(tmp_path):
    with pytest.raises(FileNotFoundError, match="zip for label 'False' not found"):
        load_twitter_cascades(tmp_path)
    with pytest.raises(ValueError, match="`labels` must name at least one label"):
        load_twitter_cascades(tmp_path, labels=())
    with pytest.raises(ValueError, match="`labels` must not repeat a label"):
        load_twitter_cascades(tmp_path, labels=("True", "True"))
    with pytest.raises(TypeError, match="`labels` must hold strings; got int 1"):
        load_twitter_cascades(tmp_path, labels=(1,))


def test_summary_errors(tmp_path):
    table = pd.DataFrame(
        {
            "cascade_id": [1, 1],
            "label": ["False", "False"],
            "tweet_id": [2, 3],
            "parent_id": [1, 2],
            "seconds": [1.0, 2.0],
        }
    )
    assert twitter_cascade_summary(table)["depth"].tolist() == [2]
    with pytest.raises(TypeError, match="pass either `replies` or `folder`"):
        twitter_cascade_summary(table, folder=tmp_path)
    with pytest.raises(TypeError, match="`replies` must be a pandas DataFrame; got list"):
        twitter_cascade_summary([1, 2])
    with pytest.raises(ValueError, match="`replies` lacks column\\(s\\) seconds"):
        twitter_cascade_summary(table.drop(columns="seconds"))
    with pytest.raises(ValueError, match="`reply_counts` must be an int >= 1; got 0"):
        twitter_cascade_summary(table, reply_counts=(0,))
    with pytest.raises(ValueError, match="repeats tweet 2 in cascade 1"):
        twitter_cascade_summary(table.assign(tweet_id=[2, 2]))
    with pytest.raises(ValueError, match="row 1: tweet 3 replies to 8, which is not in cascade 1"):
        twitter_cascade_summary(table.assign(parent_id=[1, 8]))
    with pytest.raises(ValueError, match="holds a cycle: tweet 2 in cascade 1"):
        twitter_cascade_summary(table.assign(parent_id=[3, 2]))


# -- Bad files: one-line errors naming the file and line (issue 7) ---------------------


def test_snap_reads_gzip_by_content(tmp_path):
    import gzip

    text = "# ring\n" + "".join(f"{i} {(i + 1) % 5}\n" for i in range(5))
    for name in ("ring.txt.gz", "ring.txt"):  # SNAP's .txt.gz, and gzip under a plain name
        (tmp_path / name).write_bytes(gzip.compress(text.encode()))
        G = load_snap_edgelist(tmp_path / name)
        assert (G.number_of_nodes(), G.number_of_edges()) == (5, 5)


def test_snap_damaged_gzip_names_the_file(tmp_path):
    import gzip

    data = gzip.compress(b"".join(b"%d %d\n" % (i, i + 1) for i in range(2000)))
    (tmp_path / "cut.txt.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="cut.txt.gz is gzip-compressed but cannot be read"):
        load_snap_edgelist(tmp_path / "cut.txt.gz")


def test_snap_non_utf8_line_names_file_and_line(tmp_path):
    bad = tmp_path / "latin.txt"
    bad.write_bytes(b"# caf\xe9 is only a comment\n1 2\n\xff\xfe 4\n")
    with pytest.raises(ValueError, match=r"line 3 in latin\.txt: node ids must be integers"):
        load_snap_edgelist(bad)


def test_snap_64_bit_overflow_names_line(tmp_path):
    bad = tmp_path / "big.txt"
    bad.write_text(f"1 2\n2 {2**64}\n")
    with pytest.raises(ValueError, match=r"line 2 in big\.txt: node ids must fit in 64 bits"):
        load_snap_edgelist(bad)


def test_snap_self_loops_only(tmp_path):
    bad = tmp_path / "loops.txt"
    bad.write_text("1 1\n2 2\n")
    with pytest.raises(ValueError, match=r"loops\.txt holds only self-loops \(2 line"):
        load_snap_edgelist(bad, return_arrays=True)


def test_snap_path_type_and_folder(tmp_path):
    with pytest.raises(TypeError, match="`path` must be a file path; got int 5"):
        load_snap_edgelist(5)
    with pytest.raises(ValueError, match="`path` must be an edge-list file; .* is a folder"):
        load_snap_edgelist(tmp_path)


def test_cascade_zip_that_is_not_a_zip(tmp_path):
    (tmp_path / "False.zip").write_text("not a zip\n")
    with pytest.raises(ValueError, match=r"False\.zip' is not a readable zip archive"):
        load_twitter_cascades(tmp_path, labels=("False",))


def test_cascade_truncated_zip(tmp_path):
    write_zip(tmp_path, "False", {1: ROOT + "\n" + reply(2, 5.0, 1) + "\n"})
    path = tmp_path / "False.zip"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(ValueError, match="is not a readable zip archive"):
        load_twitter_cascades(tmp_path, labels=("False",))


def test_cascade_zip_without_cascade_files(tmp_path):
    with zipfile.ZipFile(tmp_path / "False.zip", "w") as archive:
        archive.writestr("False/notes.json", "{}")
    with pytest.raises(ValueError, match=r"False\.zip' holds no cascade files"):
        load_twitter_cascades(tmp_path, labels=("False",))


def test_cascade_zip_member_with_bad_crc(tmp_path):
    write_zip(tmp_path, "False", {1: ROOT + "\n" + reply(2, 5.0, 1) + "\n"})
    path = tmp_path / "False.zip"
    data = bytearray(path.read_bytes())
    data[data.index(b"reply")] ^= 0x01  # stored, so the CRC check finds it
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"False/treefile_1_minf\.txt cannot be read.*Bad CRC-32"):
        load_twitter_cascades(tmp_path, labels=("False",))


def test_cascade_member_not_utf8(tmp_path):
    with zipfile.ZipFile(tmp_path / "False.zip", "w") as archive:
        archive.writestr("False/treefile_1_minf.txt", ROOT.encode() + b"\n\xff\n")
    with pytest.raises(ValueError, match=r"treefile_1_minf\.txt line 2 is not UTF-8 text"):
        load_twitter_cascades(tmp_path, labels=("False",))


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        ([f"raiz: ['{2**64}','0.0']->['ROOT','0.0']"], "line 1 .*tweet ids must fit in 64 bits"),
        ([ROOT, reply(2, 1.0, 2**64)], "line 2 .*parent tweet ids must fit in 64 bits"),
        ([ROOT, "reply: ['\u00b2','4.0']->['1','0.0']"], "line 2 .*tweet ids must be non-negative"),
    ],
)
def test_cascade_ids_beyond_int64_or_not_ascii(tmp_path, lines, match):
    write_zip(tmp_path, "False", {1: "\n".join(lines) + "\n"})
    with pytest.raises(ValueError, match=match):
        load_twitter_cascades(tmp_path, labels=("False",))


# -- Fuzzing the file loaders (hypothesis; derandomized profile in conftest.py) --------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
_EDGE_BYTES = st.one_of(
    st.binary(max_size=300),
    st.lists(
        st.sampled_from(
            [b"1 2", b"0\t7", b"# c", b"%", b"", b"  ", b"3", b"x y", b"-1 2", b"1 1",
             b"18446744073709551616 1", b"9223372036854775807 0", b"\xff\xfe", b"1 2 3",
             b"\x1f\x8b", b"\r", b"\x00"]
        ),
        max_size=12,
    ).map(b"\n".join),
)


@_FUZZ
@given(data=_EDGE_BYTES, gz=st.booleans())
def test_fuzz_snap_loader_raises_only_one_line_value_errors(tmp_path, data, gz):
    import gzip

    path = tmp_path / "fuzz.txt"
    path.write_bytes(gzip.compress(data) if gz else data)
    try:
        src, dst, ids = load_snap_edgelist(path, return_arrays=True)
    except ValueError as exc:
        message = str(exc)
        assert "\n" not in message and "fuzz.txt" in message
    else:
        assert len(src) == len(dst) and len(src) > 0 and (src != dst).all()
        assert ids.dtype == np.int64 and (np.diff(ids) > 0).all()


@_FUZZ
@given(
    pairs=st.lists(
        st.tuples(st.integers(0, 2**63 - 1), st.integers(0, 2**63 - 1)), min_size=1, max_size=30
    ),
    sep=st.sampled_from([" ", "\t", "  "]),
)
def test_fuzz_snap_loader_round_trip(tmp_path, pairs, sep):
    path = tmp_path / "edges.txt"
    path.write_text("# header\n" + "".join(f"{u}{sep}{v}\n" for u, v in pairs))
    if all(u == v for u, v in pairs):
        with pytest.raises(ValueError, match="holds only self-loops"):
            load_snap_edgelist(path)
        return
    G = load_snap_edgelist(path)
    assert set(G.nodes) == {x for pair in pairs for x in pair}
    src, dst, ids = load_snap_edgelist(path, return_arrays=True)
    want = {(min(u, v), max(u, v)) for u, v in pairs if u != v}
    got = {(int(ids[a]), int(ids[b])) for a, b in zip(src, dst)}
    assert got == want


_CASCADE_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [ROOT, reply(2, 1.0, 1), reply(3, 2.0, 2), reply(2, 1.0, 3), reply(4, 1.0, 9),
             "raiz: ['1','0.0']->['2','0.0']", "reply: ['2','nan']->['1','0.0']",
             "reply: ['2','1e999']->['1','0.0']", "", "garbage"]
        ),
        st.text(max_size=40),
        st.builds(reply, st.integers(0, 2**65), st.floats(allow_nan=True), st.integers(0, 2**65)),
    ),
    max_size=8,
)


@_FUZZ
@given(lines=_CASCADE_LINES)
def test_fuzz_cascade_loader_raises_only_one_line_value_errors(tmp_path, lines):
    write_zip(tmp_path, "False", {1: "\n".join(lines)})
    try:
        table = load_twitter_cascades(tmp_path, labels=("False",))
    except ValueError as exc:
        message = str(exc)
        assert "\n" not in message and "False.zip" in message
    else:
        assert table["tweet_id"].is_unique
        assert (table["seconds"] >= 0).all()
