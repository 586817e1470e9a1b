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
