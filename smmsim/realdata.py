"""Real data: finding and fetching it, SNAP edge lists and Twitter reply cascades.

Loaders take an explicit path, or look in ``$SMMSIM_DATA``, then
``../shared/data``, then the user cache that :func:`fetch_data` (``smmsim data
fetch``) downloads into (see :func:`find_data`).
"""

from __future__ import annotations

import lzma
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ._validation import check_int
from .metrics import _tree_kernel

__all__ = [
    "DATASETS",
    "TWITTER_LABELS",
    "data_cache_dir",
    "fetch_data",
    "find_data",
    "load_snap_edgelist",
    "load_twitter_cascades",
    "shared_data_dir",
    "twitter_cascade_summary",
]


# ---------------------------------------------------------------------------
# Where real data lives, and fetching it
# ---------------------------------------------------------------------------

_SNAP_URL = "https://snap.stanford.edu/data/"
# The cascades at the commit that added the zips, so the sha256 sums stay valid.
_CASCADES_URL = (
    "https://raw.githubusercontent.com/marcelomendoza/disinformation-data/"
    "b6f3460e230b52ecbdba4e9a703a0272be27b164/"
)

DATASETS: dict[str, dict[str, Any]] = {
    "ego-facebook/facebook_combined.txt": {
        "url": _SNAP_URL + "facebook_combined.txt.gz",
        "sha256": "f41c026ed8af3cc3359f1ca5573d0605fb09ae0eefa34544b820fd8c6e2ef296",
        "gzip": True,
    },
    **{
        f"twitter-cascades-chile/{label}.zip": {
            "url": _CASCADES_URL + f"{label}.zip",
            "sha256": sha,
            "gzip": False,
        }
        for label, sha in (
            ("False", "4c3673f4ccb9fa27a229222fe7325dd4341a40d39df30069ca3131a07f82b687"),
            ("True", "783f9dbc6ec53bbbb76172325332753d21c01c5d6db8a128ff1debea1d745a9f"),
            ("Imprecise", "26d8ea4b6ca92990e6285549f046d7f5a91b1a296cc94472137bf6335808483b"),
        )
    },
}
"""Files :func:`fetch_data` can download: relative path -> source URL and sha256.

The sha256 is that of the file as stored (the SNAP edge list after gunzip).
Sources: SNAP ego-Facebook (McAuley and Leskovec 2012) and the Chilean
Twitter cascades of Mendoza et al. (2023), their public repository
``marcelomendoza/disinformation-data``.
"""


def data_cache_dir() -> Path:
    """The user cache folder :func:`fetch_data` writes to and loaders read last.

    ``$SMMSIM_CACHE`` if set, else the platform's user cache folder for smmsim
    (``~/.cache/smmsim/data`` on Linux; see :func:`pooch.os_cache`).
    """
    import os

    env = os.environ.get("SMMSIM_CACHE")
    if env:
        return Path(env)
    import pooch

    return Path(pooch.os_cache("smmsim")) / "data"


def _shared_candidates() -> list:
    here = Path.cwd().resolve()
    package_root = Path(__file__).resolve().parents[1]
    seen, out = set(), []
    for base in [here, *here.parents, package_root, *package_root.parents]:
        candidate = (base / ".." / "shared" / "data").resolve()
        if candidate not in seen:
            seen.add(candidate)
            out.append(candidate)
    return out


def _search_roots() -> list:
    """``[(description, folder or None)]`` in lookup order, after an explicit path."""
    import os

    env = os.environ.get("SMMSIM_DATA")
    roots: list[tuple[str, Path | None]] = []
    if env:
        if not Path(env).is_dir():
            raise FileNotFoundError(f"$SMMSIM_DATA names {env!r}, which is not a folder.")
        roots.append(("$SMMSIM_DATA", Path(env)))
    else:
        roots.append(("$SMMSIM_DATA", None))
    shared = next((c for c in _shared_candidates() if c.is_dir()), None)
    roots.append(("../shared/data", shared))
    roots.append(("the cache", data_cache_dir()))
    return roots


def _looked(roots, name: str) -> str:
    parts = []
    for what, folder in roots:
        if folder is None:
            parts.append(f"{what} (unset)" if what.startswith("$") else f"{what} (none found)")
        else:
            parts.append(f"{what} {str(folder / name) if name else str(folder)!r}")
    return "; ".join(parts)


def find_data(name: str = "", path: str | Path | None = None) -> Path:
    """Locate real data: ``path`` if given, else ``name`` under the data folders.

    Lookup order: the explicit ``path``; then ``$SMMSIM_DATA``; then a
    ``../shared/data`` folder next to the working directory or one of its
    parents (or next to the package); then the user cache of
    :func:`fetch_data` (:func:`data_cache_dir`).

    Parameters
    ----------
    name : str, default ""
        Path relative to a data folder, e.g. ``"twitter-cascades-chile"`` or
        ``"ego-facebook/facebook_combined.txt"``; empty for the folder itself.
    path : str or Path, optional
        An explicit location; returned if it exists.

    Returns
    -------
    Path

    Raises
    ------
    FileNotFoundError
        If nothing is found; the message lists every place looked at.

    Examples
    --------
    >>> find_data("twitter-cascades-chile").name  # reads ../shared/data
    'twitter-cascades-chile'
    """
    if path is not None:
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"real data path {str(path)!r} does not exist.")
        return path
    roots = _search_roots()
    for _, folder in roots:
        if folder is not None and (folder / name).exists() and (name or _has_data(folder)):
            return folder / name if name else folder
    raise FileNotFoundError(
        f"real data {name or 'folder'!r} not found; looked in: {_looked(roots, name)}. "
        "Pass a path, set SMMSIM_DATA, or run `smmsim data fetch`."
    )


def _has_data(folder: Path) -> bool:
    return folder.is_dir() and any((folder / rel).exists() for rel in DATASETS)


def shared_data_dir() -> Path:
    """The real-data folder: ``$SMMSIM_DATA``, ``../shared/data`` or the fetch cache.

    Raises
    ------
    FileNotFoundError
        If none exists (the message says where it looked), or if
        ``$SMMSIM_DATA`` names something that is not a folder.
    """
    return find_data("")


def fetch_data(
    names: str | Sequence[str] | None = None,
    *,
    cache_dir: str | Path | None = None,
    base_url: str | None = None,
    progress: bool = False,
) -> dict[str, Path]:
    """Download the real data sets into the user cache, checking their sha256.

    Files already present with the right sha256 are not downloaded again.

    Parameters
    ----------
    names : str or sequence of str, optional
        Keys of :data:`DATASETS` or their top folders (``"ego-facebook"``,
        ``"twitter-cascades-chile"``). Default: everything.
    cache_dir : str or Path, optional
        Where to store the files; default :func:`data_cache_dir`.
    base_url : str, optional
        Fetch every file from ``base_url + <file name at the source>``
        instead (a mirror; ``file://`` URLs work too).
    progress : bool, default False
        Show a download progress bar.

    Returns
    -------
    dict of str -> Path
        Where each file is.

    Raises
    ------
    ValueError
        On an unknown name, or a download whose sha256 does not match
        (the bad file is removed).
    """
    import pooch

    cache = Path(cache_dir) if cache_dir is not None else data_cache_dir()
    wanted = _dataset_names(names)
    out = {}
    for rel in wanted:
        spec = DATASETS[rel]
        target = cache / rel
        if target.is_file() and pooch.file_hash(str(target)) == spec["sha256"]:
            out[rel] = target
            continue
        url = spec["url"]
        if base_url is not None:
            url = base_url.rstrip("/") + "/" + url.rsplit("/", 1)[-1]
        downloader = _copy_file if url.startswith("file://") else None
        if downloader is None:
            downloader = pooch.HTTPDownloader(progressbar=progress)
        target.parent.mkdir(parents=True, exist_ok=True)
        if spec["gzip"]:
            pooch.retrieve(
                url,
                known_hash=None,
                fname=target.name + ".gz",
                path=target.parent,
                processor=pooch.Decompress(name=target.name),
                downloader=downloader,
            )
        else:
            try:
                pooch.retrieve(
                    url,
                    known_hash=f"sha256:{spec['sha256']}",
                    fname=target.name,
                    path=target.parent,
                    downloader=downloader,
                )
            except ValueError as exc:
                raise ValueError(f"download of {rel!r} from {url!r} failed: {exc}") from None
        got = pooch.file_hash(str(target))
        if got != spec["sha256"]:
            target.unlink()
            raise ValueError(
                f"sha256 of {rel!r} from {url!r} is {got}; expected {spec['sha256']}."
            )
        out[rel] = target
    return out


def _dataset_names(names) -> list:
    if names is None:
        return list(DATASETS)
    if isinstance(names, str):
        names = (names,)
    wanted: list[str] = []
    for name in names:
        hits = [rel for rel in DATASETS if rel == name or rel.split("/", 1)[0] == name]
        if not hits:
            folders = sorted({rel.split("/", 1)[0] for rel in DATASETS})
            raise ValueError(
                f"`names` holds unknown data set {name!r}; expected one of {folders} "
                f"or {list(DATASETS)}."
            )
        wanted.extend(h for h in hits if h not in wanted)
    return wanted


def _copy_file(url: str, output_file, pooch_obj=None) -> None:
    """A pooch downloader for ``file://`` URLs (mirrors on disk, offline tests)."""
    import shutil
    from urllib.parse import unquote, urlparse

    source = Path(unquote(urlparse(url).path))
    if not source.is_file():
        raise FileNotFoundError(f"no file at {url!r}.")
    if hasattr(output_file, "write"):
        with source.open("rb") as fh:
            shutil.copyfileobj(fh, output_file)
    else:
        shutil.copyfile(source, output_file)


def load_snap_edgelist(
    path: str | Path, *, directed: bool = False, return_arrays: bool = False
) -> nx.Graph | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Load a SNAP-format edge list: one ``u v`` pair per line, ``#`` comments.

    Node ids are integers that fit in 64 bits. A gzip-compressed file (as SNAP
    publishes them, ``*.txt.gz``) is read directly: it is recognised by its
    content, whatever its name. The arrays leave out repeats and self-loops.

    Parameters
    ----------
    path : str or Path
    directed : bool, default False
        Return a DiGraph (each line one arc) instead of a Graph.
    return_arrays : bool, default False
        Return ``(src, dst, node_ids)`` position arrays instead of a graph
        (fast and light for large files).

    Returns
    -------
    networkx.Graph, networkx.DiGraph or (ndarray, ndarray, ndarray)

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        On a malformed line (names the file, line number and content), an
        empty file, a file of self-loops only, or a folder.
    TypeError
        If ``path`` is not a path.
    """
    from ._edgelist import load_edge_arrays, read_edge_pairs

    if return_arrays:
        return load_edge_arrays(path, directed=directed)
    u, v = read_edge_pairs(path)
    pairs = np.stack([u, v], axis=1)
    ids = _unique(pairs.ravel())
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(ids.tolist())
    G.add_edges_from(pairs.tolist())
    return G


_INT64_MAX = 2**63 - 1


def _unique(values: np.ndarray, *, return_inverse: bool = False):
    """``np.unique`` of a 1-D array (optionally with ``return_inverse``), by sort and compare.

    NumPy 2's ``np.unique`` hashes and is ~100x slower on millions of int64
    values (10.8 s against 0.1 s for 10 million); the output is the same.
    """
    if not return_inverse:
        ordered = np.sort(values)
    else:
        order = np.argsort(values, kind="stable")
        ordered = values[order]
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    if not return_inverse:
        return ordered[first]
    inverse = np.empty(len(values), dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


# ---------------------------------------------------------------------------
# Twitter reply cascades
# ---------------------------------------------------------------------------

TWITTER_LABELS = ("False", "True", "Imprecise")
"""Fact-check labels of the Chilean Twitter cascades, one zip file each."""

_TWEET_LINE = re.compile(r"^(raiz|reply): \['([^']*)','([^']*)'\]->\['([^']*)','([^']*)'\]$")
_LINE_FORMAT = "expected \"reply: ['<tweet id>','<seconds>']->['<parent id>','<seconds>']\""
_REPLY_COLUMNS = ("cascade_id", "label", "tweet_id", "parent_id", "seconds")


def load_twitter_cascades(
    folder: str | Path | None = None, *, labels: str | Sequence[str] = TWITTER_LABELS
) -> pd.DataFrame:
    """Load Twitter reply cascades from ``<label>.zip`` files into a tidy table.

    Each zip holds one text file per cascade (``treefile_<root id>_minf.txt``)
    whose first line names the root tweet and whose other lines each name a
    reply and the tweet it replies to, with seconds elapsed since the root::

        raiz: ['<root id>','0.0']->['ROOT','0.0']
        reply: ['<tweet id>','<seconds>']->['<parent id>','<parent seconds>']

    This is the format of the Chilean fact-checked cascades of Mendoza et al.
    (2023); the zips are read directly, nothing is extracted or downloaded.

    Parameters
    ----------
    folder : str or Path, optional
        Folder holding the zips. Default: ``find_data("twitter-cascades-chile")``.
    labels : str or sequence of str, default ("False", "True", "Imprecise")
        Which zips to read (``<label>.zip``); the label is stored per row.

    Returns
    -------
    pandas.DataFrame
        One row per reply (the roots are not rows: a cascade is named by its
        root tweet id), in file order, with columns ``cascade_id`` (int64, root
        tweet id), ``label`` (str), ``tweet_id`` (int64), ``parent_id`` (int64,
        the tweet replied to, possibly the root) and ``seconds`` (float64,
        seconds after the root).

    Raises
    ------
    FileNotFoundError
        If a ``<label>.zip`` is missing.
    ValueError
        On a file that is not a readable zip, a cascade file that is not
        UTF-8, a malformed line (names the file, line number and content), a
        tweet id beyond 64 bits, a file without a root line, a repeated tweet
        id, a reply to a tweet not in its cascade, or replies that form a cycle.

    See Also
    --------
    twitter_cascade_summary : one row per cascade with its shape metrics.

    References
    ----------
    .. [1] M. Mendoza, S. Valenzuela, E. Núñez-Mussa, F. Padilla, E. Providel,
       S. Campos, R. Bassi, A. Riquelme, V. Aldana and C. López, "A Study on
       Information Disorders on Social Networks during the Chilean Social
       Outbreak and COVID-19 Pandemic", Applied Sciences 13(9):5347, 2023.
       doi:10.3390/app13095347

    Examples
    --------
    >>> replies = load_twitter_cascades(labels=("False",))  # reads ../shared/data
    >>> replies["cascade_id"].nunique()
    99
    """
    folder = find_data("twitter-cascades-chile", folder)
    labels = _check_labels(labels)
    columns: dict[str, list] = {name: [] for name in _REPLY_COLUMNS}
    for label in labels:
        path = folder / f"{label}.zip"
        if not path.is_file():
            raise FileNotFoundError(
                f"Twitter cascade zip for label {label!r} not found: {str(path)!r}."
            )
        n_files = 0
        for member, text in _zip_texts(path):
            n_files += 1
            root, tweets, parents, seconds, _, _ = _parse_cascade(text, _where(path, member))
            columns["cascade_id"].extend([root] * len(tweets))
            columns["label"].extend([label] * len(tweets))
            columns["tweet_id"].extend(tweets)
            columns["parent_id"].extend(parents)
            columns["seconds"].extend(seconds)
        if not n_files:
            raise ValueError(
                f"Twitter cascade zip {str(path)!r} holds no cascade files (*.txt)."
            )
    return pd.DataFrame(
        {
            "cascade_id": np.array(columns["cascade_id"], dtype=np.int64),
            "label": pd.Series(columns["label"], dtype=str),
            "tweet_id": np.array(columns["tweet_id"], dtype=np.int64),
            "parent_id": np.array(columns["parent_id"], dtype=np.int64),
            "seconds": np.array(columns["seconds"], dtype=np.float64),
        }
    )


def _zip_texts(path: Path):
    """Yield ``(member, text)`` of each cascade file in the zip at ``path``."""
    with _open_zip(path) as archive:
        for member in archive.namelist():
            name = member.rsplit("/", 1)[-1]
            if not name.endswith(".txt") or name.startswith("._") or "__MACOSX" in member:
                continue
            yield member, _read_member(archive, path, member)


# What a damaged zip raises: a bad header or CRC, bad deflate/bzip2/lzma data,
# a truncated stream, an encrypted member, an unknown compression method, or
# offsets past the end of the file.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    struct.error,
)


def _why(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _open_zip(path: Path) -> zipfile.ZipFile:
    """Open the zip at ``path``; a damaged one is a one-line ValueError naming it."""
    if path.is_dir():
        raise ValueError(f"cascade file {str(path)!r} is a folder, not a zip archive.")
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise
    except _ZIP_ERRORS as exc:
        raise ValueError(
            f"cascade file {str(path)!r} is not a readable zip archive ({_why(exc)})."
        ) from None


def _read_member(archive: zipfile.ZipFile, path: Path, member: str) -> str:
    """The UTF-8 text of ``member``; damage is a one-line ValueError naming file and member."""
    try:
        data = archive.read(member)
    except _ZIP_ERRORS as exc:
        raise ValueError(
            f"cascade file {_where(path, member)} cannot be read: {str(path)!r} is a damaged "
            f"zip archive ({_why(exc)})."
        ) from None
    return _utf8_text(data, _where(path, member))


def _where(path: Path, member: str) -> str:
    """``<zip name>:<member>`` for messages; a damaged name is quoted, so it stays one line."""
    return f"{path.name}:{member}" if member.isprintable() else f"{path.name}:{member!r}"


def _utf8_text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        lineno = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(
            f"cascade file {where} line {lineno} is not UTF-8 text "
            f"(byte {data[exc.start]:#04x})."
        ) from None


def twitter_cascade_summary(
    replies: pd.DataFrame | None = None,
    *,
    folder: str | Path | None = None,
    labels: str | Sequence[str] = TWITTER_LABELS,
    reply_counts: int | Sequence[int] = (10, 100),
) -> pd.DataFrame:
    """One row per Twitter cascade: label, size, depth, breadth, virality, speed.

    Parameters
    ----------
    replies : pandas.DataFrame, optional
        A reply table as returned by :func:`load_twitter_cascades` (possibly
        filtered, e.g. to the replies of the first hour: since a reply comes
        after the tweet it answers, such a filter keeps every tree whole).
        Default: load one with ``folder`` and ``labels``.
    folder : str or Path, optional
        Passed to :func:`load_twitter_cascades` when ``replies`` is None.
    labels : str or sequence of str, default ("False", "True", "Imprecise")
        Passed to :func:`load_twitter_cascades` when ``replies`` is None.
    reply_counts : sequence of int >= 1, default (10, 100)
        For each ``k``, a column ``seconds_to_<k>_replies``.

    Returns
    -------
    pandas.DataFrame
        One row per cascade (order of first appearance) with columns
        ``cascade_id``, ``label``, ``size`` (tweets including the root),
        ``n_replies``, ``depth`` (longest reply chain from the root, in
        edges), ``breadth`` (most tweets at one depth, the root level
        included), ``structural_virality`` (mean distance over all pairs of
        tweets, Goel et al. 2016) and ``seconds_to_<k>_replies`` (seconds
        after the root when the k-th reply arrived; NaN if it never did).
        A cascade without replies has no rows in ``replies``, so it is absent.

    Raises
    ------
    ValueError
        If ``replies`` lacks a column, repeats a tweet within a cascade,
        replies to a tweet not in its cascade, or holds a cycle; or if
        ``reply_counts`` holds a value below 1.
    TypeError
        If both ``replies`` and ``folder`` are given.

    See Also
    --------
    smmsim.metrics.structural_virality : the same metric on one tree.

    Examples
    --------
    >>> summary = twitter_cascade_summary()  # reads ../shared/data
    >>> summary["label"].value_counts().sort_index().to_dict()
    {'False': 99, 'Imprecise': 41, 'True': 114}
    """
    if isinstance(reply_counts, (int, np.integer)):
        reply_counts = (reply_counts,)
    reply_counts = tuple(check_int("reply_counts", k, minimum=1) for k in reply_counts)
    if replies is None:
        replies = load_twitter_cascades(folder, labels=labels)
    elif folder is not None:
        raise TypeError("pass either `replies` or `folder` (to load them), not both.")
    if not isinstance(replies, pd.DataFrame):
        raise TypeError(f"`replies` must be a pandas DataFrame; got {type(replies).__name__}.")
    missing = [c for c in _REPLY_COLUMNS if c not in replies.columns]
    if missing:
        raise ValueError(
            f"`replies` lacks column(s) {', '.join(missing)}; expected the columns of "
            f"load_twitter_cascades(): {', '.join(_REPLY_COLUMNS)}."
        )
    cascade = replies["cascade_id"].to_numpy(np.int64)
    firsts = replies.drop_duplicates("cascade_id")
    roots = firsts["cascade_id"].to_numpy(np.int64)
    n_cascades = len(roots)
    # Nodes: the roots first, then every reply; keyed by (cascade, tweet).
    nodes = pd.MultiIndex.from_arrays(
        [
            np.concatenate([roots, cascade]),
            np.concatenate([roots, replies["tweet_id"].to_numpy(np.int64)]),
        ]
    )
    if not nodes.is_unique:
        dup = nodes[nodes.duplicated()][0]
        raise ValueError(
            f"`replies` repeats tweet {dup[1]} in cascade {dup[0]} (or replies to itself "
            "as root): each tweet must appear once."
        )
    parent_keys = pd.MultiIndex.from_arrays([cascade, replies["parent_id"].to_numpy(np.int64)])
    parent_index = nodes.get_indexer(parent_keys)
    if (parent_index < 0).any():
        k = int(np.flatnonzero(parent_index < 0)[0])
        raise ValueError(
            f"`replies` row {k}: tweet {replies['tweet_id'].iloc[k]} replies to "
            f"{replies['parent_id'].iloc[k]}, which is not in cascade {cascade[k]}."
        )
    lp = np.concatenate([np.full(n_cascades, -1, np.int64), parent_index.astype(np.int64)])
    perm, new_lp, n_reached = _tree_kernel.parents_first(lp)
    if n_reached < len(lp):
        reached = np.zeros(len(lp), dtype=bool)
        reached[perm] = True
        k = int(np.flatnonzero(~reached)[0]) - n_cascades
        raise ValueError(
            f"`replies` holds a cycle: tweet {replies['tweet_id'].iloc[k]} in cascade "
            f"{cascade[k]} never leads back to the root."
        )
    tree_roots, sizes, depths, breadths, wiener, _ = _tree_kernel.tree_stats(new_lp)
    which = perm[tree_roots]  # cascade number of each tree (roots are nodes 0..n-1)
    out = pd.DataFrame(
        {
            "cascade_id": roots,
            "label": firsts["label"].to_numpy(),
            "size": np.zeros(n_cascades, np.int64),
            "n_replies": np.zeros(n_cascades, np.int64),
            "depth": np.zeros(n_cascades, np.int64),
            "breadth": np.zeros(n_cascades, np.int64),
            "structural_virality": np.zeros(n_cascades),
        }
    )
    pairs = sizes * (sizes - 1) / 2.0
    sv = np.zeros(len(sizes))
    np.divide(wiener, pairs, out=sv, where=pairs > 0)
    out.loc[which, "size"] = sizes
    out.loc[which, "n_replies"] = sizes - 1
    out.loc[which, "depth"] = depths
    out.loc[which, "breadth"] = breadths
    out.loc[which, "structural_virality"] = sv
    # Time to the k-th reply: sort replies by (cascade, seconds) and index in.
    code = pd.Index(roots).get_indexer(cascade)
    seconds = replies["seconds"].to_numpy(np.float64)
    by = np.lexsort((seconds, code))
    counts = np.bincount(code, minlength=n_cascades)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for k in reply_counts:
        column = np.full(n_cascades, np.nan)
        has = counts >= k
        column[has] = seconds[by[starts[has] + k - 1]]
        out[f"seconds_to_{k}_replies"] = column
    return out


def _check_labels(labels) -> tuple:
    if isinstance(labels, str):
        labels = (labels,)
    labels = tuple(labels)
    if not labels:
        raise ValueError("`labels` must name at least one label; got an empty sequence.")
    for label in labels:
        if not isinstance(label, str):
            raise TypeError(f"`labels` must hold strings; got {type(label).__name__} {label!r}.")
    if len(set(labels)) != len(labels):
        raise ValueError(f"`labels` must not repeat a label; got {labels!r}.")
    return labels


def _parse_cascade(text: str, where: str):
    """Parse one cascade file; return ``(root, tweets, parents, seconds, lp, perm)``.

    ``lp`` is the tree as a parents-first local parent array (node 0 the root,
    node ``k + 1`` reply ``k`` unless ``perm`` is not None, in which case new
    node ``i`` is old node ``perm[i]``).
    """
    root = None
    tweets, parents, seconds, linenos = [], [], [], []
    seen: dict[int, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue

        def bad(rule, lineno=lineno, stripped=stripped):
            return ValueError(
                f"malformed cascade line {lineno} in {where}: {rule}; got {stripped!r}."
            )

        match = _TWEET_LINE.match(stripped)
        if match is None:
            raise bad(_LINE_FORMAT)
        kind, child, child_s, parent, _ = match.groups()
        if not (child.isascii() and child.isdigit()):
            raise bad("tweet ids must be non-negative integers")
        if int(child) > _INT64_MAX:
            raise bad(f"tweet ids must fit in 64 bits (at most {_INT64_MAX})")
        try:
            elapsed = float(child_s)
        except ValueError:
            raise bad("seconds must be a number") from None
        if not math.isfinite(elapsed) or elapsed < 0:
            raise bad("seconds must be finite and >= 0")
        child = int(child)
        if child in seen:
            raise bad(f"tweet {child} already appeared on line {seen[child]}")
        seen[child] = lineno
        if kind == "raiz":
            if root is not None:
                raise bad("a cascade has one root ('raiz:') line, and it comes first")
            if parent != "ROOT":
                raise bad("the root line's parent must be 'ROOT'")
            root = child
            continue
        if root is None:
            raise bad("the first line must be the root ('raiz: ...')")
        if not (parent.isascii() and parent.isdigit()):
            raise bad("parent tweet ids must be non-negative integers")
        if int(parent) > _INT64_MAX:
            raise bad(f"parent tweet ids must fit in 64 bits (at most {_INT64_MAX})")
        tweets.append(child)
        parents.append(int(parent))
        seconds.append(elapsed)
        linenos.append(lineno)
    if root is None:
        raise ValueError(f"cascade file {where} has no root ('raiz: ...') line.")
    # Replies normally follow their parent; only a forward reference needs the
    # full check for unknown parents and cycles.
    index = {root: 0}
    for k, tweet in enumerate(tweets):
        index[tweet] = k + 1
    lp = np.empty(len(tweets) + 1, np.int64)
    lp[0] = -1
    forward = False
    for k, par in enumerate(parents):
        j = index.get(par)
        if j is None:
            raise ValueError(
                f"malformed cascade line {linenos[k]} in {where}: tweet {par} replied to is "
                f"not in this cascade; got reply {tweets[k]} -> {par}."
            )
        lp[k + 1] = j
        forward |= j > k
    if forward:
        perm, new_lp, n_reached = _tree_kernel.parents_first(lp)
        if n_reached < len(lp):
            reached = np.zeros(len(lp), dtype=bool)
            reached[perm] = True
            k = int(np.flatnonzero(~reached)[0]) - 1
            raise ValueError(
                f"malformed cascade line {linenos[k]} in {where}: replies form a cycle that "
                f"never reaches the root; got reply {tweets[k]} -> {parents[k]}."
            )
    if forward:
        return root, tweets, parents, seconds, new_lp, perm
    return root, tweets, parents, seconds, lp, None
