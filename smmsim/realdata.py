"""Loaders for real data: SNAP edge lists and Twitter reply cascades.

Nothing here downloads; pass the path of a local copy (for example the
project's shared data folder, ``../shared/data``).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np

__all__ = ["load_snap_edgelist", "shared_data_dir"]


def shared_data_dir() -> Path:
    """The shared real-data folder (``$SMMSIM_DATA`` or ``../shared/data`` upward)."""
    import os

    env = os.environ.get("SMMSIM_DATA")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for base in [here, *here.parents, Path(__file__).resolve().parents[1]]:
        candidate = base / ".." / "shared" / "data"
        if candidate.is_dir():
            return candidate.resolve()
    raise FileNotFoundError(
        "shared data folder not found: set SMMSIM_DATA or run from the project root "
        "next to ../shared/data."
    )


def load_snap_edgelist(path, *, directed: bool = False, return_arrays: bool = False):
    """Load a SNAP-format edge list: one ``u v`` pair per line, ``#`` comments.

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
        On a malformed line (names the file, line number and content) or an
        empty file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`path` edge list not found: {str(path)!r}.")
    raw = []
    with path.open() as fh:
        for lineno, line in enumerate(fh, start=1):
            text = line.strip()
            if not text or text.startswith(("#", "%")):
                continue
            parts = text.split()
            if len(parts) < 2:
                raise ValueError(
                    f"malformed edge-list line {lineno} in {path.name}: expected 'u v'; "
                    f"got {text!r}."
                )
            try:
                raw.append((int(parts[0]), int(parts[1])))
            except ValueError:
                raise ValueError(
                    f"malformed edge-list line {lineno} in {path.name}: node ids must be "
                    f"integers; got {text!r}."
                ) from None
    if not raw:
        raise ValueError(f"edge list {path.name} is empty: no edges found.")
    pairs = np.array(raw, dtype=np.int64)
    ids, inverse = np.unique(pairs.ravel(), return_inverse=True)
    pos = inverse.reshape(-1, 2)
    if return_arrays:
        keep = pos[:, 0] != pos[:, 1]
        pos = pos[keep]
        if not directed:
            lo, hi = np.minimum(pos[:, 0], pos[:, 1]), np.maximum(pos[:, 0], pos[:, 1])
            key = np.unique(lo * len(ids) + hi)
            return key // len(ids), key % len(ids), ids
        key = np.unique(pos[:, 0] * len(ids) + pos[:, 1])
        return key // len(ids), key % len(ids), ids
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(ids.tolist())
    G.add_edges_from(pairs.tolist())
    return G
