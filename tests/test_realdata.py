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
