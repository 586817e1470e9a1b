"""The compiled SNAP edge-list reader against the plain Python reader it replaced."""

import numpy as np
import pytest

from smmsim import _edgelist


def _python_reader(path, directed):
    """The line-by-line reader of smmsim.realdata before the compiled one (the reference)."""
    raw = []
    with open(path) as fh:
        for lineno, line in enumerate(fh, start=1):
            text = line.strip()
            if not text or text.startswith(("#", "%")):
                continue
            parts = text.split()
            if len(parts) < 2:
                raise ValueError(f"line {lineno}: expected 'u v'; got {text!r}.")
            try:
                raw.append((int(parts[0]), int(parts[1])))
            except ValueError:
                raise ValueError(f"line {lineno}: ids must be integers; got {text!r}.") from None
    pairs = np.array(raw, dtype=np.int64)
    ids, inverse = np.unique(pairs.ravel(), return_inverse=True)
    pos = inverse.reshape(-1, 2)
    pos = pos[pos[:, 0] != pos[:, 1]]
    if not directed:
        pos = np.sort(pos, axis=1)
    key = np.unique(pos[:, 0] * len(ids) + pos[:, 1])
    return pairs, (key // len(ids), key % len(ids), ids)


TEXTS = {
    "plain": "0 1\n0 2\n1 2\n",
    "comments and blanks": "# a header\n% another\n\n   \n  # indented comment\n5\t7\n7 5\n5 5\n",
    "crlf and lone cr": "1 2\r\n2 3\r3 4\r\n\r\n4 1",
    "extra fields and spaces": "  10   20  0.5 x\n20\t\t30\tfoo\n30 10 \n",
    "signs and underscores": "-3 +4\n1_000 -3\n+1_0 1_000\n",
    "sparse ids": "9000000000000 1\n1 5000000000\n5000000000 -77\n",
    "repeats": "1 2\n2 1\n1 2\n3 3\n2 3\n",
    "control white space": "1\x0b2\n2\x0c3\x1f\n\x1c3 1\n",
}


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("name", list(TEXTS))
def test_compiled_reader_equals_the_python_reader(tmp_path, name, directed):
    path = tmp_path / "edges.txt"
    path.write_bytes(TEXTS[name].encode())
    pairs, want = _python_reader(path, directed)
    u, v = _edgelist.read_edge_pairs(path)
    np.testing.assert_array_equal(np.stack([u, v], axis=1), pairs)
    got = _edgelist.load_edge_arrays(path, directed=directed)
    for a, b in zip(got, want, strict=True):
        assert a.dtype == np.int64
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("sparse", [False, True])
def test_compiled_reader_equals_the_python_reader_on_a_large_random_file(tmp_path, sparse):
    rng = np.random.default_rng(3)
    n, m = 3_000, 40_000
    ids = rng.choice(10**12 if sparse else 2 * n, size=n, replace=False)
    ends = ids[rng.integers(0, n, size=(m, 2))]
    path = tmp_path / "edges.txt"
    path.write_text("# FromNodeId\tToNodeId\n" + "".join(f"{a}\t{b}\n" for a, b in ends))
    for directed in (False, True):
        _, want = _python_reader(path, directed)
        for a, b in zip(_edgelist.load_edge_arrays(path, directed=directed), want, strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("0 1\n2\n", r"line 2 in edges\.txt: expected 'u v'; got '2'"),
        ("0 1\n# c\na b\n", r"line 3 in edges\.txt: node ids must be integers; got 'a b'"),
        ("1.0 2\n", r"line 1 in edges\.txt: node ids must be integers; got '1\.0 2'"),
        ("1 2_\n", r"node ids must be integers; got '1 2_'"),
        ("1 2__3\n", r"node ids must be integers"),
        ("_1 2\n", r"node ids must be integers"),
        ("- 2\n", r"node ids must be integers"),
        ("1 2\r\n3 99999999999999999999\r\n", r"line 2 in edges\.txt: node ids must fit in 64"),
        ("# only comments\n\n", r"edge list edges\.txt is empty: no edges found"),
        ("", r"edge list edges\.txt is empty"),
    ],
)
def test_malformed_lines_name_the_file_line_and_content(tmp_path, text, match):
    path = tmp_path / "edges.txt"
    path.write_bytes(text.encode())
    with pytest.raises(ValueError, match=match):
        _edgelist.read_edge_pairs(path)


def test_a_missing_file_names_the_field(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"`graph\.path` edge list not found.*nope\.txt"):
        _edgelist.load_edge_arrays(tmp_path / "nope.txt", field_name="graph.path")


def test_facebook_matches_the_python_reader(shared_data):
    path = shared_data / "ego-facebook" / "facebook_combined.txt"
    _, want = _python_reader(path, False)
    for a, b in zip(_edgelist.load_edge_arrays(path), want, strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_result_does_not_depend_on_the_pieces_parsed_in_parallel(tmp_path):
    rng = np.random.default_rng(9)
    ends = ["\n", "\r\n", "\r"]
    lines = [f"{a} {b}{ends[e]}" for a, b, e in rng.integers(0, 50, size=(3000, 3)) % [50, 50, 3]]
    lines[100:100] = ["# comment\n", "\n", "\r\n"]
    buf = np.frombuffer("".join(lines).encode(), np.uint8)
    want = _edgelist._parse(buf, 1)
    for n_chunks in (2, 3, 7, 16, 5000):
        got = _edgelist._parse(buf, n_chunks)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    bad = buf.copy()
    bad[-20:] = ord("x")  # a malformed line near the end: its number is the same for any split
    codes = {_edgelist._parse(bad, n)[2:] for n in (1, 2, 16, 5000)}
    assert len(codes) == 1 and next(iter(codes))[0] == _edgelist._NOT_INT


def _parse_in_child(queue):
    buf = np.frombuffer(b"1 2\n3 4\n", np.uint8)
    queue.put(len(_edgelist._parse(buf, 16)[0]))


def test_a_process_forked_after_a_read_can_read_too():
    # A numba parallel loop would start GNU OpenMP, and a forked child that
    # runs one is then terminated ("fork() called from a process already
    # using GNU OpenMP"): the reader stays serial.
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork start method on this platform")
    _edgelist._parse(np.frombuffer(b"5 6\n", np.uint8), 16)
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_parse_in_child, args=(queue,))
    child.start()
    child.join(120)
    assert child.exitcode == 0
    assert queue.get(timeout=10) == 2
