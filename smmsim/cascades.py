"""Cascade shapes, one code path for real reply trees and simulated cascades.

Every cascade, real or simulated, becomes a parents-first parent array and a
time per node; :func:`forest_shapes` turns a forest of them into one row per
tree (size, depth, maximum breadth, structural virality, duration). Real
reply trees come from :func:`cascade_shapes` (a folder or zip of
``treefile_*.txt`` files, or a folder of such zips); simulated ones from
:func:`simulated_cascade_shapes` (one tree per seed post of the scenario's
claim). The comparisons the notebooks use (rank tests with confidence
intervals, size-matched comparisons, two-sample KS tables) are here too.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _thread_kernel
from ._validation import check_int
from .metrics import _tree_kernel

if TYPE_CHECKING:
    from ._rng import RngLike, SeedLike
    from .engine import Run
    from .scenario import ScenarioConfig

__all__ = [
    "SHAPE_COLUMNS",
    "SHAPE_STATS",
    "add_reply_chains",
    "add_threads",
    "cascade_shapes",
    "claim_cascade_shapes",
    "read_reply_trees",
    "forest_shapes",
    "growth_curves",
    "ks_table",
    "ks_reference",
    "rank_test",
    "rank_tests",
    "simulated_cascade_shapes",
    "size_matched",
    "size_matched_tests",
]

SHAPE_COLUMNS = (
    "cascade_id",
    "label",
    "size",
    "depth",
    "max_breadth",
    "structural_virality",
    "duration_s",
)
"""Columns of a cascade shape table (``smmsim cascades`` writes exactly these)."""

SHAPE_STATS = ("size", "depth", "max_breadth", "structural_virality")
"""The four shape statistics calibration and the KS tables compare."""


def forest_shapes(lp: npt.ArrayLike, seconds: npt.ArrayLike | None = None) -> pd.DataFrame:
    """One row per tree of a parents-first forest: size, depth, breadth, virality, duration.

    Parameters
    ----------
    lp : 1-D int array
        Local parent of each node (``-1`` for a root), parents first
        (``lp[i] < i``).
    seconds : 1-D float array, optional
        Time of each node; ``duration_s`` of a tree is its latest node's
        time minus its root's. Default: zeros.

    Returns
    -------
    pandas.DataFrame
        Columns ``root`` (node index of the tree's root), ``size``,
        ``depth`` (edges on the longest root path), ``max_breadth`` (most
        nodes at one depth, the root's level included),
        ``structural_virality`` (mean distance over all pairs of nodes, Goel
        et al. 2016; 0 for a lone root) and ``duration_s``, one row per tree
        in root order.

    Examples
    --------
    >>> forest_shapes(np.array([-1, 0, 0, -1, 3, 4]), np.array([0, 5, 9, 0, 1, 2.0]))
       root  size  depth  max_breadth  structural_virality  duration_s
    0     0     3      1            2             1.333333         9.0
    1     3     3      2            1             1.333333         2.0
    """
    lp = np.ascontiguousarray(lp, dtype=np.int64)
    if lp.ndim != 1:
        raise ValueError(f"`lp` must be 1-D; got shape {lp.shape}.")
    idx = np.arange(len(lp))
    if len(lp) and ((lp >= idx) | (lp < -1)).any():
        k = int(np.flatnonzero((lp >= idx) | (lp < -1))[0])
        raise ValueError(f"`lp` must list parents first (-1 <= lp[i] < i); got lp[{k}] = {lp[k]}.")
    seconds = np.zeros(len(lp)) if seconds is None else np.asarray(seconds, dtype=np.float64)
    if seconds.shape != lp.shape:
        raise ValueError(f"`seconds` must have the shape of `lp` {lp.shape}; got {seconds.shape}.")
    roots, sizes, depths, breadths, wiener, _ = _tree_kernel.tree_stats(lp)
    pairs = sizes * (sizes - 1) / 2.0
    sv = np.zeros(len(sizes))
    np.divide(wiener, pairs, out=sv, where=pairs > 0)
    # root of every node by pointer jumping (O(n log depth))
    top = np.where(lp < 0, idx, lp)
    while True:
        nxt = top[top]
        if np.array_equal(nxt, top):
            break
        top = nxt
    latest = np.full(len(lp), -np.inf)
    np.maximum.at(latest, top, seconds)
    return pd.DataFrame(
        {
            "root": roots.astype(np.int64),
            "size": sizes.astype(np.int64),
            "depth": depths.astype(np.int64),
            "max_breadth": breadths.astype(np.int64),
            "structural_virality": sv,
            "duration_s": latest[roots] - seconds[roots],
        }
    )


# ---------------------------------------------------------------------------
# Real reply trees
# ---------------------------------------------------------------------------


def _is_tree_file(member: str) -> bool:
    name = member.rsplit("/", 1)[-1]
    return name.endswith(".txt") and not name.startswith("._") and "__MACOSX" not in member


def _tree_sources(path: Path, labels):
    from .realdata import _open_zip, _where

    """``[(label, where, read)]`` of every reply-tree file under ``path``."""
    out = []

    def from_zip(zpath):
        with _open_zip(zpath) as archive:
            members = [m for m in archive.namelist() if _is_tree_file(m)]
        for m in members:
            out.append((zpath.stem, _where(zpath, m), ("zip", zpath, m)))

    def from_folder(folder):
        for f in sorted(folder.glob("*.txt")):
            if _is_tree_file(f.name):
                out.append((folder.name, str(f), ("file", f, None)))

    if path.is_file():
        if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            from_zip(path)
        else:
            out.append((path.parent.name, str(path), ("file", path, None)))
    elif path.is_dir():
        zips = sorted(path.glob("*.zip"))
        subdirs = sorted(d for d in path.iterdir() if d.is_dir() and any(d.glob("*.txt")))
        for z in zips:
            if labels is None or z.stem in labels:
                from_zip(z)
        for d in subdirs:
            if labels is None or d.name in labels:
                from_folder(d)
        if labels is None or path.name in labels:
            from_folder(path)
        if labels is not None:
            missing = sorted(set(labels) - {label for label, _, _ in out})
            empty = [f"{m}.zip" for m in missing if (path / f"{m}.zip").is_file()]
            if empty:
                raise ValueError(
                    f"{', '.join(empty)} under {str(path)!r} holds no reply-tree files "
                    "(treefile_*.txt)."
                )
            if missing:
                raise FileNotFoundError(
                    f"no reply-tree files for label(s) {', '.join(missing)} under {str(path)!r} "
                    "(expected <label>.zip or a <label>/ folder of treefile_*.txt)."
                )
    else:
        raise FileNotFoundError(f"reply-tree path {str(path)!r} does not exist.")
    if not out:
        empty = [z.name for z in sorted(path.glob("*.zip"))] if path.is_dir() else []
        held = f" (none in {', '.join(empty)})" if empty else ""
        raise ValueError(
            f"no reply-tree files (*.txt, or zips of them) found in {str(path)!r}{held}."
        )
    return out


def read_reply_trees(
    path: str | Path | None = None, *, labels: str | Sequence[str] | None = None
) -> list:
    """Read reply-tree files as parent arrays: ``[(cascade_id, label, lp, seconds)]``.

    ``path`` and ``labels`` as in :func:`cascade_shapes`. ``lp`` is the tree
    as a parents-first local parent array (node 0 the root) and ``seconds``
    each node's time after the root.
    """
    from .realdata import _open_zip, _parse_cascade, _read_member, _utf8_text, find_data

    if isinstance(labels, str):
        labels = (labels,)
    path = find_data("twitter-cascades-chile", path)
    sources = _tree_sources(path, None if labels is None else set(labels))
    out = []
    archives: dict[Any, zipfile.ZipFile] = {}
    try:
        for label, where, (kind, file, member) in sources:
            if kind == "zip":
                archive = archives.get(file) or archives.setdefault(file, _open_zip(file))
                text = _read_member(archive, file, member)
            else:
                text = _utf8_text(Path(file).read_bytes(), where)
            root, _, _, seconds, lp, perm = _parse_cascade(text, where)
            t = np.concatenate([[0.0], seconds])
            if perm is not None:
                t = t[perm]
            out.append((root, label, lp, t))
    finally:
        for archive in archives.values():
            archive.close()
    return out


def cascade_shapes(
    path: str | Path | None = None,
    *,
    labels: str | Sequence[str] | None = None,
    reply_counts: int | Sequence[int] = (),
) -> pd.DataFrame:
    """One row per real reply cascade: label, size, depth, breadth, virality, duration.

    Parameters
    ----------
    path : str or Path, optional
        A zip of reply-tree files (label: the zip's name without ``.zip``), a
        folder of such zips, a folder of reply-tree files (label: the
        folder's name), or one file. Default:
        ``find_data("twitter-cascades-chile")``. The file format is that of
        :func:`smmsim.realdata.load_twitter_cascades`.
    labels : str or sequence of str, optional
        Read only these labels (zip or folder names). Default: all.
    reply_counts : sequence of int >= 1, default ()
        For each ``k``, a column ``seconds_to_<k>_replies`` (when the k-th
        reply came; NaN if it never did).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SHAPE_COLUMNS` (``cascade_id`` the root tweet id,
        ``size`` the tweets including the root, ``duration_s`` the seconds
        from the root to the last reply) and any ``seconds_to_<k>_replies``;
        one row per file, lone roots included.

    Raises
    ------
    FileNotFoundError
        If ``path`` or a requested label is missing.
    ValueError
        On a malformed file (names the file and line) or no files at all.

    Examples
    --------
    >>> shapes = cascade_shapes()  # reads ../shared/data
    >>> shapes.groupby("label").size().to_dict()
    {'False': 99, 'Imprecise': 41, 'True': 114}
    """
    if isinstance(reply_counts, (int, np.integer)):
        reply_counts = (reply_counts,)
    reply_counts = tuple(check_int("reply_counts", k, minimum=1) for k in reply_counts)
    trees = read_reply_trees(path, labels=labels)
    ids = [tree[0] for tree in trees]
    names = [tree[1] for tree in trees]
    lps = [tree[2] for tree in trees]
    times = [tree[3] for tree in trees]
    extra = {}
    for k in reply_counts:
        extra[k] = [np.sort(t)[k] if len(t) > k else np.nan for t in times]
    offsets = np.cumsum([0] + [len(lp) for lp in lps[:-1]])
    forest = np.concatenate([np.where(lp >= 0, lp + off, -1) for lp, off in zip(lps, offsets)])
    shapes = forest_shapes(forest, np.concatenate(times))
    out = pd.DataFrame({"cascade_id": np.array(ids, dtype=np.int64), "label": names})
    for column in SHAPE_COLUMNS[2:]:
        out[column] = shapes[column].to_numpy()
    for k in reply_counts:
        out[f"seconds_to_{k}_replies"] = np.array(extra[k], dtype=np.float64)
    return out


def growth_curves(
    path: str | Path | None = None,
    *,
    labels: str | Sequence[str] | None = None,
    times: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Cumulative tweets of every real cascade at given times after its root.

    Parameters
    ----------
    path, labels
        As in :func:`cascade_shapes`.
    times : 1-D array of float >= 0, optional
        Seconds after the root. Default: 0 s to 7 days on a log-spaced grid
        (1 minute, then 40 points up to a week).

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per cascade and time, columns ``cascade_id``,
        ``label``, ``seconds``, ``size`` (tweets so far, the root included)
        and ``fraction`` (of the cascade's final size).
    """
    if times is None:
        times = np.concatenate([[0.0], np.geomspace(60.0, 7 * 86400.0, 40)])
    times = np.asarray(times, dtype=np.float64)
    if times.ndim != 1 or (times < 0).any():
        raise ValueError("`times` must be a 1-D array of seconds >= 0.")
    frames = []
    for cascade_id, label, _, seconds in read_reply_trees(path, labels=labels):
        counts = np.searchsorted(np.sort(seconds), times, side="right")
        frames.append(
            pd.DataFrame(
                {
                    "cascade_id": cascade_id,
                    "label": label,
                    "seconds": times,
                    "size": counts.astype(np.int64),
                    "fraction": counts / len(seconds),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------
# Simulated claim cascades
# ---------------------------------------------------------------------------


def _thread_inputs(
    name: str, value: float, lp: npt.ArrayLike, times: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """The checks of both thread mechanisms: ``value`` in [0, 1), the forest as arrays."""
    if not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be in [0, 1); got {value!r}.")
    return np.asarray(lp, dtype=np.int64), np.asarray(times, dtype=np.float64)


def add_reply_chains(
    lp: npt.ArrayLike, times: npt.ArrayLike, reply_back_prob: float, *, rng: RngLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """Add back-and-forth replies to a cascade forest (repeated participation).

    Each reply to a reply (a node whose parent is not a root) opens a thread
    with chance ``reply_back_prob``: the person replied to answers back, and
    each answer is answered again with the same chance, so a thread holds a
    geometric number of extra tweets, each the only child of the one before.
    They expose no one new (both people in a thread have already posted), so
    they lengthen the reply tree without changing who was reached.

    Parameters
    ----------
    lp, times : 1-D int array, 1-D float array
        The forest and its times, as for :func:`add_threads`.
    reply_back_prob : float in [0, 1)
        0 leaves the forest unchanged.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    (lp, times) : the forest with the chains appended (still parents first).

    Examples
    --------
    A root, a reply and a reply to it: the last tweet opens a chain, each
    answer the only child of the one before.

    >>> lp, t = add_reply_chains(np.array([-1, 0, 1]), np.array([0.0, 1, 2]), 0.6, rng=5)
    >>> lp.tolist()
    [-1, 0, 1, 2, 3, 4]
    """
    rng = np.random.default_rng(rng)
    lp, times = _thread_inputs("reply_back_prob", reply_back_prob, lp, times)
    if reply_back_prob == 0.0 or len(lp) == 0:
        return lp, times
    opens = np.flatnonzero((lp >= 0) & (lp[np.maximum(lp, 0)] >= 0))
    extra = rng.geometric(1.0 - reply_back_prob, size=len(opens)) - 1
    keep = extra > 0
    opens, extra = opens[keep], extra[keep]
    total = int(extra.sum())
    if total == 0:
        return lp, times
    start = len(lp) + np.concatenate([[0], np.cumsum(extra)[:-1]])
    new = np.arange(len(lp), len(lp) + total)
    first = np.repeat(start, extra)
    # the first answer replies to the opening tweet, each later one to the answer before
    parent = np.where(new == first, np.repeat(opens, extra), new - 1)
    step = new - first + 1
    return np.concatenate([lp, parent]), np.concatenate(
        [times, np.repeat(times[opens], extra) + step]
    )


def add_threads(
    lp: npt.ArrayLike,
    times: npt.ArrayLike,
    heat: float,
    concentration: float = 2.0,
    *,
    rng: RngLike = None,
    max_tweets: int = 2_000_000,
) -> tuple[np.ndarray, np.ndarray]:
    """Add conversation threads of unequal heat under every reply of a cascade forest.

    Every reply (a node with a parent) opens a thread whose heat ``h`` is
    drawn from a Beta distribution of mean ``heat`` and concentration
    ``concentration`` (``a = heat * concentration``, ``b = (1 - heat) *
    concentration``). In the thread every tweet, the opening reply included,
    is answered by each of two people (the one it answers and one other
    reader) with chance ``h / 2``; the answers are answered in turn with the
    same ``h``. A thread is a subcritical branching process (``h`` answers
    per tweet on average), so most threads stop at once and the few hot ones
    (``h`` near 1) run long and branch: the deeper a tweet, the hotter its
    thread is likely to be, as in real reply trees. The answers expose no one
    new (``crisis.thread_heat``).

    Parameters
    ----------
    lp : 1-D int array
        Parents-first forest (``-1`` for roots).
    times : 1-D float array
        Time of each node; each answer comes one unit after the tweet it answers.
    heat : float in [0, 1)
        Mean heat of a thread; 0 leaves the forest unchanged (and draws nothing).
    concentration : float > 0, default 2
        Small values make threads more unequal.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).
    max_tweets : int, default 2000000
        No thread grows once the forest holds this many tweets (a guard; a
        thread's expected size ``1 / (1 - h)`` is finite).

    Returns
    -------
    (lp, times) : the forest with the threads appended (still parents first).

    Examples
    --------
    A root with two replies: each reply opens a thread, whose answers branch.

    >>> lp, t = add_threads(np.array([-1, 0, 0]), np.array([0.0, 1, 1]), 0.5, rng=0)
    >>> lp.tolist()
    [-1, 0, 0, 1, 1, 3, 5, 6, 7]
    >>> t.max()  # answers come one unit after the tweet they answer
    np.float64(6.0)
    """
    rng = np.random.default_rng(rng)
    if not concentration > 0.0:
        raise ValueError(f"`concentration` must be > 0; got {concentration!r}.")
    lp, times = _thread_inputs("heat", heat, lp, times)
    frontier = np.flatnonzero(lp >= 0)
    if heat == 0.0 or len(frontier) == 0:
        return lp, times
    h = rng.beta(heat * concentration, (1.0 - heat) * concentration, size=len(frontier))
    key = np.uint64(rng.integers(0, 2**63, dtype=np.int64))
    parent, stamp = _thread_kernel.grow_threads(
        frontier, h, times, key, max(0, max_tweets - len(lp))
    )
    return np.concatenate([lp, parent]), np.concatenate([times, stamp])


def claim_cascade_shapes(
    run: Run, *, step_seconds: float = 3600.0, rng: RngLike = None
) -> pd.DataFrame:
    """Shapes of the claim's cascades in one run: one row per seed post.

    The claim's cascade forest (who shared it, and whose share they saw) goes
    through :func:`forest_shapes`, the same code as real reply trees. A
    sharer's time is its generation times ``step_seconds`` (each generation
    takes one step).

    Parameters
    ----------
    run : smmsim.engine.Run
        A run with an enabled crisis.
    step_seconds : float > 0, default 3600
        Seconds per simulated step (for ``duration_s``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SHAPE_COLUMNS`, ``cascade_id`` the graph position of
        the seed, ``label`` "simulated".
    """
    if "claim" not in run.items:
        raise ValueError("`run` has no claim: enable `crisis` in its scenario.")
    k = run.items.index("claim")
    lp, times = run.tree_parent[k], run.tree_depth[k].astype(np.float64)
    crisis = run.config.crisis
    # threads first (they open under the engine's replies), then the back-and-forth
    # chains; each switched off draws nothing, so the other's draws stay as they were
    rng = np.random.default_rng(rng)
    lp, times = add_threads(lp, times, crisis.thread_heat, crisis.thread_concentration, rng=rng)
    lp, times = add_reply_chains(lp, times, crisis.reply_back_prob, rng=rng)
    shapes = forest_shapes(lp, times * float(step_seconds))
    out = pd.DataFrame(
        {
            "cascade_id": run.sharers[k][shapes["root"].to_numpy()].astype(np.int64),
            "label": "simulated",
        }
    )
    for column in SHAPE_COLUMNS[2:]:
        out[column] = shapes[column].to_numpy()
    return out


def simulated_cascade_shapes(
    cfg: ScenarioConfig, n: int, *, rng: SeedLike = None, step_seconds: float = 3600.0
) -> pd.DataFrame:
    """Shapes of ``n`` simulated cascades of a scenario's claim (one per seed post).

    Runs ``cfg`` (its crisis enabled, with ``claim_only`` on so no brand
    campaign and no twin run are simulated) with replicate seeds spawned from
    ``rng`` until ``n`` seed posts have been made, and returns one row per
    seed post's cascade, as :func:`cascade_shapes` does for real reply trees.

    Parameters
    ----------
    cfg : ScenarioConfig
    n : int >= 1
    rng : None, int or numpy.random.SeedSequence, optional
        Master seed (``cfg.seed`` if None).
    step_seconds : float > 0, default 3600

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SHAPE_COLUMNS` and ``replicate``; label "simulated".

    Examples
    --------
    >>> from smmsim.scenario import ScenarioConfig
    >>> cfg = ScenarioConfig.from_dict(
    ...     {"graph": {"n_nodes": 500}, "crisis": {"enabled": True, "source": "random", "k": 3}}
    ... )
    >>> shapes = simulated_cascade_shapes(cfg, 4, rng=1)
    >>> len(shapes), bool(shapes["size"].min() >= 1)
    (4, True)
    """
    from ._rng import KEY_REPLICATE_THREADS, as_seed_sequence, child, replicate_seeds
    from .engine import simulate

    check_int("n", n, minimum=1)
    if not cfg.crisis.enabled:
        raise ValueError("`crisis.enabled` must be true to simulate claim cascades; got False.")
    if not cfg.crisis.claim_only:
        cfg = cfg.with_overrides({"crisis.claim_only": True})
    master = rng if rng is not None else cfg.seed
    if isinstance(master, np.random.Generator):
        raise TypeError("`rng` must be None, an int or a SeedSequence.")
    root = as_seed_sequence(master)
    frames, total, batch, i = [], 0, 16, 0
    while total < n:
        seeds = replicate_seeds(root, i + batch)[i:]
        for seed in seeds:
            run = simulate(cfg, rng=seed)
            # the threads' draws come from their own stream of the replicate's seed
            threads = child(np.random.SeedSequence(seed), KEY_REPLICATE_THREADS)
            shapes = claim_cascade_shapes(run, step_seconds=step_seconds, rng=threads)
            shapes["replicate"] = i
            i += 1
            frames.append(shapes)
            total += len(shapes)
            if total >= n:
                break
        if i > 1000 and total == 0:
            raise ValueError("the scenario's claim was never posted in 1000 runs.")
    return pd.concat(frames, ignore_index=True).iloc[:n]


# ---------------------------------------------------------------------------
# Comparisons: rank tests, size matching, KS tables
# ---------------------------------------------------------------------------


def rank_test(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    n_boot: int = 2000,
    confidence: float = 0.95,
    rng: RngLike = None,
) -> dict:
    """Mann-Whitney rank test of ``x`` against ``y``, with bootstrap CIs.

    Parameters
    ----------
    x, y : 1-D arrays of float
        The two samples (NaN dropped).
    n_boot : int >= 1, default 2000
        Bootstrap resamples (each sample resampled on its own).
    confidence : float in (0, 1), default 0.95
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    dict
        ``n_x``, ``n_y``, ``median_x``, ``median_y``, ``median_diff``
        (``median_x - median_y``) with ``diff_ci_low`` / ``diff_ci_high``,
        ``auc`` (chance that a random ``x`` exceeds a random ``y``, ties
        counting half: U / (n_x n_y)) with ``auc_ci_low`` / ``auc_ci_high``,
        ``u`` and ``p`` (two-sided).

    Examples
    --------
    >>> r = rank_test([1, 2, 3, 4, 5], [3, 4, 5, 6, 7], n_boot=200, rng=1)
    >>> r["median_diff"], r["auc"]
    (-2.0, 0.18)
    """
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(rng)
    check_int("n_boot", n_boot, minimum=1)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"`confidence` must be in (0, 1); got {confidence!r}.")
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    xs, ys = xs[~np.isnan(xs)], ys[~np.isnan(ys)]
    if len(xs) < 1 or len(ys) < 1:
        raise ValueError(f"`x` and `y` need a value each; got {len(xs)} and {len(ys)}.")
    test = mannwhitneyu(xs, ys, alternative="two-sided")
    bx = rng.choice(xs, size=(n_boot, len(xs)))
    by = rng.choice(ys, size=(n_boot, len(ys)))
    diffs = np.median(bx, axis=1) - np.median(by, axis=1)
    aucs = _bootstrap_aucs(bx, by)
    q = [(1 - confidence) / 2, (1 + confidence) / 2]
    return {
        "n_x": len(xs),
        "n_y": len(ys),
        "median_x": float(np.median(xs)),
        "median_y": float(np.median(ys)),
        "median_diff": float(np.median(xs) - np.median(ys)),
        "diff_ci_low": float(np.quantile(diffs, q[0])),
        "diff_ci_high": float(np.quantile(diffs, q[1])),
        "auc": float(test.statistic) / (len(xs) * len(ys)),
        "auc_ci_low": float(np.quantile(aucs, q[0])),
        "auc_ci_high": float(np.quantile(aucs, q[1])),
        "u": float(test.statistic),
        "p": float(test.pvalue),
    }


def _bootstrap_aucs(bx: np.ndarray, by: np.ndarray) -> np.ndarray:
    """U / (n_x n_y) of each row pair of ``bx`` and ``by`` (ties half), all rows at once.

    Each row is counted over the distinct values of both: U is the sum over
    values v of (x's at v) x (y's below v + half the y's at v), a sum of
    halves, so exactly the rank-sum U of each row (one rank sort per row was
    most of a slider move's time in notebook 11).
    """
    values = np.unique(np.concatenate([bx.ravel(), by.ravel()]))
    n_rows, m = len(bx), len(values)
    offset = np.arange(n_rows)[:, None] * m

    def counts(b):
        where = np.searchsorted(values, b) + offset
        return np.bincount(where.ravel(), minlength=n_rows * m).reshape(n_rows, m)

    cx, cy = counts(bx), counts(by)
    below = np.cumsum(cy, axis=1) - cy
    u = (cx * (below + 0.5 * cy)).sum(axis=1)
    return u / (bx.shape[1] * by.shape[1])


def rank_tests(
    shapes: pd.DataFrame,
    *,
    a: str = "False",
    b: str = "True",
    stats: Sequence[str] = SHAPE_STATS,
    label_column: str = "label",
    n_boot: int = 2000,
    rng: RngLike = None,
) -> pd.DataFrame:
    """Rank tests of label ``a`` against label ``b`` for each shape statistic.

    Parameters
    ----------
    shapes : pandas.DataFrame
        A shape table (:func:`cascade_shapes`), possibly size-matched.
    a, b : str
        The two labels to compare.
    stats : sequence of str, default :data:`SHAPE_STATS`
        Columns to test.
    label_column : str, default "label"
    n_boot : int >= 1, default 2000
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    pandas.DataFrame
        One row per statistic: ``stat``, ``a``, ``b`` and the fields of
        :func:`rank_test` (``_x`` is ``a``, ``_y`` is ``b``).

    Raises
    ------
    ValueError
        If a label has no rows or a column is missing.
    """
    rng = np.random.default_rng(rng)
    for column in (label_column, *stats):
        if column not in shapes.columns:
            raise ValueError(f"`shapes` lacks column {column!r}.")
    rows = []
    xa = shapes[shapes[label_column] == a]
    xb = shapes[shapes[label_column] == b]
    for label, part in ((a, xa), (b, xb)):
        if part.empty:
            raise ValueError(f"`shapes` has no cascades labelled {label!r}.")
    for stat in stats:
        rows.append(
            {"stat": stat, "a": a, "b": b, **rank_test(xa[stat], xb[stat], n_boot=n_boot, rng=rng)}
        )
    return pd.DataFrame(rows)


def size_matched(
    shapes: pd.DataFrame,
    *,
    a: str = "False",
    b: str = "True",
    max_ratio: float = 1.25,
    label_column: str = "label",
) -> pd.DataFrame:
    """Pairs of ``a`` and ``b`` cascades of nearly the same size (Juul and Ugander 2021).

    Greedy one-to-one matching on size: the cascades of both labels are
    walked from the largest down, and each ``a`` cascade takes the unused
    ``b`` cascade nearest in log size, if the larger of the two sizes is at
    most ``max_ratio`` times the smaller. Comparing depth, breadth and
    structural virality within such pairs separates what is due to size from
    what is due to the label.

    Parameters
    ----------
    shapes : pandas.DataFrame
        A shape table with ``size`` and ``label_column``.
    a, b : str
    max_ratio : float >= 1, default 1.25
    label_column : str, default "label"

    Returns
    -------
    pandas.DataFrame
        The matched rows of ``shapes`` with a ``pair`` column (0, 1, ...),
        two rows per pair (``a`` first).

    References
    ----------
    .. [1] J. L. Juul and J. Ugander, "Comparing information diffusion
       mechanisms by matching on cascade size", PNAS 118(46):e2100786118, 2021.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["F", "F", "T", "T"], "size": [10, 100, 11, 300]})
    >>> size_matched(t, a="F", b="T")["size"].tolist()
    [10, 11]
    """
    if not max_ratio >= 1.0:
        raise ValueError(f"`max_ratio` must be >= 1; got {max_ratio!r}.")
    xa = shapes[shapes[label_column] == a].sort_values("size", ascending=False, kind="stable")
    xb = shapes[shapes[label_column] == b]
    log_b = np.log(xb["size"].to_numpy(np.float64))
    used = np.zeros(len(xb), dtype=bool)
    pairs = []
    for ia, size in zip(xa.index, np.log(xa["size"].to_numpy(np.float64))):
        gap = np.abs(log_b - size)
        gap[used] = np.inf
        if not len(gap):
            break
        j = int(np.argmin(gap))
        if gap[j] <= np.log(max_ratio):
            used[j] = True
            pairs.append((ia, xb.index[j]))
    if not pairs:
        return shapes.iloc[:0].assign(pair=pd.Series(dtype=np.int64))
    out = shapes.loc[[i for pair in pairs for i in pair]]
    out["pair"] = np.repeat(np.arange(len(pairs)), 2)
    return out.reset_index(drop=True)


def size_matched_tests(
    shapes: pd.DataFrame,
    *,
    a: str = "False",
    b: str = "True",
    stats: Sequence[str] = ("depth", "max_breadth", "structural_virality"),
    max_ratio: float = 1.25,
    label_column: str = "label",
    n_boot: int = 2000,
    rng: RngLike = None,
) -> pd.DataFrame:
    """:func:`rank_tests` before and after size matching, one table.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`rank_tests` on all cascades (``matched`` False)
        and on the size-matched pairs (``matched`` True), with ``n_pairs``.

    Raises
    ------
    ValueError
        If no pair can be matched.
    """
    rng = np.random.default_rng(rng)
    matched = size_matched(shapes, a=a, b=b, max_ratio=max_ratio, label_column=label_column)
    if matched.empty:
        raise ValueError(f"no {a!r}/{b!r} cascades match in size within `max_ratio` {max_ratio}.")
    kw: dict[str, Any] = dict(
        a=a, b=b, stats=stats, label_column=label_column, n_boot=n_boot, rng=rng
    )
    before = rank_tests(shapes, **kw).assign(matched=False)
    after = rank_tests(matched, **kw).assign(matched=True)
    out = pd.concat([before, after], ignore_index=True)
    out["n_pairs"] = matched["pair"].nunique()
    return out


def ks_table(
    observed: pd.DataFrame, simulated: pd.DataFrame, *, stats: Sequence[str] = SHAPE_STATS
) -> pd.DataFrame:
    """Two-sample Kolmogorov-Smirnov distance and p of each shape statistic.

    Parameters
    ----------
    observed, simulated : pandas.DataFrame
        Shape tables (the columns in ``stats``).
    stats : sequence of str, default :data:`SHAPE_STATS`

    Returns
    -------
    pandas.DataFrame
        One row per statistic: ``stat``, ``ks`` (the largest gap between the
        two empirical CDFs), ``p`` (two-sided, exact for small samples),
        ``n_observed``, ``n_simulated``.

    Examples
    --------
    >>> t = pd.DataFrame({"size": [1, 2, 3], "depth": [1, 1, 2]})
    >>> ks_table(t, t, stats=("size", "depth"))["ks"].tolist()
    [0.0, 0.0]
    """
    from scipy.stats import ks_2samp

    rows = []
    for stat in stats:
        x = np.asarray(observed[stat], dtype=np.float64)
        y = np.asarray(simulated[stat], dtype=np.float64)
        test = ks_2samp(x, y)
        rows.append(
            {
                "stat": stat,
                "ks": float(test.statistic),
                "p": float(test.pvalue),
                "n_observed": len(x),
                "n_simulated": len(y),
            }
        )
    return pd.DataFrame(rows)


def ks_reference(
    simulated: pd.DataFrame,
    n_observed: int,
    *,
    threshold: float = 0.15,
    n_draws: int = 1000,
    stats: Sequence[str] = SHAPE_STATS,
    observed: pd.DataFrame | None = None,
    rng: RngLike = None,
) -> pd.DataFrame:
    """The KS distances a model exactly right shows against ``n_observed`` cascades.

    A parametric bootstrap: each draw holds ``n_observed`` of the simulated
    cascades out, as if they were the real ones, and compares them with the
    rest (:func:`ks_table`'s distance). Since both sides come from the
    model, the spread of these distances is what sampling noise alone gives
    at the real sample's size: read a held-out KS against it, not against a
    fixed bar. With 30 held-out cascades a model exactly right has a median KS
    of about 0.14 and exceeds 0.15 on one of four statistics in most draws.

    Parameters
    ----------
    simulated : pandas.DataFrame
        Shape table of the model's cascades (the columns in ``stats``), more
        than ``n_observed`` rows.
    n_observed : int >= 1
        Size of the real sample the model is checked against.
    threshold : float in (0, 1), default 0.15
        The KS bar whose chance of being met is reported.
    n_draws : int >= 1, default 1000
    stats : sequence of str, default :data:`SHAPE_STATS`
    observed : pandas.DataFrame, optional
        A :func:`ks_table` of the real check (columns ``stat``, ``ks``): adds
        each statistic's observed ``ks`` and its bootstrap ``p``.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of the draws.

    Returns
    -------
    pandas.DataFrame
        One row per statistic, then a row ``all``: ``stat``, ``n_observed``,
        ``n_reference`` (the simulated cascades it is compared with),
        ``ks_median`` and ``ks_q95`` (of the draws), ``share_within`` (share
        of draws with KS at most ``threshold``; in row ``all``: on every
        statistic at once); with ``observed`` also ``ks`` and ``p`` (share of
        draws at least as far as the observed distance, (1 + hits) / (1 +
        draws)).

    Examples
    --------
    >>> sim = pd.DataFrame({"size": np.arange(200) % 7})
    >>> ref = ks_reference(sim, 20, n_draws=50, stats=("size",), rng=0)
    >>> ref["stat"].tolist(), bool(ref["ks_q95"].iloc[0] < 0.5)
    (['size', 'all'], True)
    """
    from ._rng import as_generator

    check_int("n_observed", n_observed, minimum=1)
    check_int("n_draws", n_draws, minimum=1)
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"`threshold` must be in (0, 1); got {threshold!r}.")
    if len(simulated) <= n_observed:
        raise ValueError(
            f"`simulated` has {len(simulated)} cascades; more than `n_observed` = "
            f"{n_observed} are needed."
        )
    gen = as_generator(rng)
    m = len(simulated)
    values = [np.asarray(simulated[s], dtype=np.float64) for s in stats]
    # Both empirical CDFs step only at values of the pool, so the largest gap is at
    # one of them: the rest's CDF is the pool's count minus the held-out count there.
    grids = [np.unique(v) for v in values]
    pool_counts = [np.searchsorted(np.sort(v), g, side="right") for v, g in zip(values, grids)]
    ks = np.empty((n_draws, len(stats)))
    for d in range(n_draws):
        held = gen.permutation(m)[:n_observed]
        for j, v in enumerate(values):
            h = np.searchsorted(np.sort(v[held]), grids[j], side="right")
            gap = h / n_observed - (pool_counts[j] - h) / (m - n_observed)
            ks[d, j] = np.abs(gap).max()
    within = ks <= threshold
    table = pd.DataFrame(
        {
            "stat": [*stats, "all"],
            "n_observed": n_observed,
            "n_reference": len(simulated) - n_observed,
            "ks_median": [*np.median(ks, axis=0), np.nan],
            "ks_q95": [*np.quantile(ks, 0.95, axis=0), np.nan],
            "share_within": [*within.mean(axis=0), within.all(axis=1).mean()],
        }
    )
    if observed is not None:
        seen = observed.set_index("stat")["ks"]
        obs = np.array([float(seen[s]) for s in stats])
        p = (1 + (ks >= obs - 1e-12).sum(axis=0)) / (1 + n_draws)
        table["ks"] = [*obs, np.nan]
        table["p"] = [*p, np.nan]
    return table
