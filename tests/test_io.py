"""smmsim.io: output paths checked before the work that fills them (issue 7)."""

import os

import pytest

from smmsim.io import check_output_file, check_output_folder


def test_output_file_that_is_a_folder(tmp_path):
    with pytest.raises(ValueError, match=r"`--out` '.*' is a folder; give a file name, e\.g\."):
        check_output_file("--out", tmp_path)


def test_output_file_below_a_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ValueError, match=r"`--out` '.*afile/sub/s\.parquet' lies below the file"):
        check_output_file("--out", tmp_path / "afile" / "sub" / "s.parquet")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_output_file_in_a_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(ValueError, match=r"`--out` '.*s\.parquet': cannot write in"):
            check_output_file("--out", ro / "s.parquet")
    finally:
        ro.chmod(0o755)


def test_output_file_in_new_folders_is_fine(tmp_path):
    target = tmp_path / "a" / "b" / "s.parquet"
    assert check_output_file("--out", target) == target
    assert not (tmp_path / "a").exists()  # checking creates nothing


def test_output_folder_that_is_a_file(tmp_path):
    (tmp_path / "report.txt").write_text("keep me")
    with pytest.raises(ValueError, match=r"`--to` '.*report\.txt' is a file; give a folder"):
        check_output_folder("--to", tmp_path / "report.txt")
    assert (tmp_path / "report.txt").read_text() == "keep me"


def test_output_folder_below_a_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ValueError, match="lies below the file"):
        check_output_folder("--to", tmp_path / "afile" / "out")


# -- The one YAML reader: one-line errors with file, line, column (issue 7) ----------

import gzip  # noqa: E402

from smmsim.io import read_yaml  # noqa: E402


def _yaml(tmp_path, text, name="c.yaml"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_a_repeated_key_is_refused(tmp_path):
    path = _yaml(tmp_path, "steps: 5\ncontent: {stickiness: 0.2}\ncontent: {stickiness: 0.9}\n")
    with pytest.raises(ValueError, match=r"c\.yaml repeats the key 'content' at line 3, column 1 "):
        read_yaml(path, "config file")


def test_a_repeated_nested_key_is_refused(tmp_path):
    path = _yaml(tmp_path, "content:\n  stickiness: 0.2\n  stickiness: 0.4\n")
    with pytest.raises(ValueError, match=r"'stickiness' at line 3, column 3 \(first at line 2\)"):
        read_yaml(path, "config file")


def test_merge_keys_and_small_aliases_still_work(tmp_path):
    path = _yaml(tmp_path, "a: &a {x: 1, y: 2}\nb:\n  <<: *a\n  y: 3\nc: [*a, *a]\n")
    assert read_yaml(path, "config file") == {
        "a": {"x": 1, "y": 2},
        "b": {"x": 1, "y": 3},
        "c": [{"x": 1, "y": 2}, {"x": 1, "y": 2}],
    }


def test_an_alias_bomb_is_refused(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdef", "bcdefg"):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    path = _yaml(tmp_path, "\n".join(lines) + "\nname: *g\n")
    with pytest.raises(ValueError, match=r"c\.yaml expands to more than 100,000 values through"):
        read_yaml(path, "config file")


def test_not_utf8_names_file_line_and_column(tmp_path):
    path = _yaml(tmp_path, b"steps: 5\nname: caf\xe9\n")
    with pytest.raises(ValueError, match=r"c\.yaml is not UTF-8 text at line 2, column 10 \(byte"):
        read_yaml(path, "config file")


def test_gzip_is_named(tmp_path):
    path = _yaml(tmp_path, gzip.compress(b"steps: 5\n"))
    with pytest.raises(ValueError, match=r"c\.yaml is gzip-compressed, not YAML text"):
        read_yaml(path, "config file")


def test_a_syntax_error_is_one_line_with_line_and_column(tmp_path):
    path = _yaml(tmp_path, "steps: 5\ncontent: {stickiness: 0.2\nseed: 3\n")
    with pytest.raises(ValueError, match=r"c\.yaml is not valid YAML at line 3, column 5: ") as exc:
        read_yaml(path, "config file")
    assert "\n" not in str(exc.value)
