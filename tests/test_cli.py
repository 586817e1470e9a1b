"""The `smmsim` command line."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from smmsim.cli import main


def test_help_explains_itself(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "simulate" in out and "word-of-mouth" in out
    with pytest.raises(SystemExit):
        main(["simulate", "--help"])
    out = capsys.readouterr().out
    for flag in ("--config", "--seed", "--replicates", "--json", "--out"):
        assert flag in out


def test_simulate_json_and_parquet(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("graph:\n  n_nodes: 300\nsteps: 10\n")
    out = tmp_path / "steps.parquet"
    code = main(
        [
            "simulate",
            "--config",
            str(cfg),
            "--seed",
            "3",
            "--replicates",
            "4",
            "--json",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    for key in ("reach", "shares", "website_sessions", "conversions", "revenue"):
        assert isinstance(payload[key], float | int)
    assert payload["replicates"] == 4 and payload["seed"] == 3
    steps = pd.read_parquet(out)
    assert set(steps["replicate"]) == {0, 1, 2, 3}
    assert {"step", "reach", "shares", "website_sessions"} <= set(steps.columns)
    # same seed, same numbers
    main(["simulate", "--config", str(cfg), "--seed", "3", "--replicates", "4", "--json"])
    assert json.loads(capsys.readouterr().out) == payload


def test_simulate_table_runs_with_no_arguments(capsys):
    assert main(["simulate"]) == 0
    out = capsys.readouterr().out
    assert "reach" in out and "95% CI" in out


def test_bad_config_is_one_line_error(tmp_path):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("content:\n  stickiness: 1.7\n")
    proc = subprocess.run(
        [sys.executable, "-m", "smmsim.cli", "simulate", "--config", str(cfg)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "content.stickiness" in proc.stderr and "1.7" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_replicates_argument(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["simulate", "--replicates", "-2"])
    assert exc.value.code == 2
    assert "--replicates" in capsys.readouterr().err


def _cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "smmsim.cli", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["simulate", "--replicates", "0"], ["--replicates", "'0'"]),
        (["simulate", "--seed", "1.5"], ["--seed", "'1.5'"]),
        (["summarize", "res", "--seed", "-5"], ["--seed", "'-5'"]),
        (["sweep", "s.yaml", "--out", "o", "--workers", "two"], ["--workers", "'two'"]),
    ],
)
def test_argument_errors_are_one_line(capsys, args, words):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("smmsim")
    for word in words:
        assert word in err


def test_simulate_out_checked_before_the_run(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    for out, words in [
        (tmp_path, "is a folder; give a file name"),
        (tmp_path / "afile" / "steps.parquet", "lies below the file"),
    ]:
        # 10**6 replicates would take hours: the refusal must come first
        assert main(["simulate", "--replicates", "1000000", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "`--out`" in err and words in err
    assert (tmp_path / "afile").read_text() == "x"


def test_read_only_output_folders_are_refused_before_the_work(tmp_path, monkeypatch, capsys):
    # as root every folder is writable, so a read-only one is simulated through os.access
    import os

    ro = tmp_path / "ro"
    ro.mkdir()
    access = os.access

    def read_only_access(path, mode, *args, **kwargs):
        if Path(path) == ro and mode & os.W_OK:
            return False
        return access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", read_only_access)
    out = ro / "steps.parquet"
    assert main(["simulate", "--replicates", "1000000", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"`--out` {str(out)!r}: cannot write in {str(ro)!r}" in err
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "base: {steps: 3}\nparameters: {content.stickiness: [0.1]}\nseed: 1\nmetrics: [reach]\n"
    )
    assert main(["sweep", str(spec), "--out", str(ro / "res"), "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "`--out`" in err and f"cannot write in {str(ro)!r}" in err
    assert list(ro.iterdir()) == []


def test_cascades_and_calibrate_check_out_before_the_work(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    # no reply trees are read (the path does not exist): the refusal comes first
    trees = str(tmp_path / "no-such-trees")
    for args, words in [
        (["cascades", trees, "--out", str(tmp_path)], "is a folder; give a file name"),
        (["cascades", trees, "--out", str(tmp_path / "afile" / "s.csv")], "lies below the file"),
        (["calibrate", trees, "--label", "False", "--out", str(tmp_path / "afile")], "is a file"),
        (
            ["calibrate", trees, "--label", "False", "--out", str(tmp_path / "afile" / "fit")],
            "lies below the file",
        ),
    ]:
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "`--out`" in err and words in err, err
    assert (tmp_path / "afile").read_text() == "x"


def test_replicates_that_cannot_fit_are_refused_up_front(capsys):
    assert main(["simulate", "--replicates", str(10**9)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "`--replicates` = 1000000000" in err and "iB of memory" in err


def test_report_out_dot_names_the_argument_as_given(tmp_path, monkeypatch, capsys):
    # refused before any notebook runs: the folder holds a file smmsim did not write
    (tmp_path / "keep.txt").write_text("mine")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--out", ".", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"`out` '.' (that is {str(tmp_path.resolve())!r}) holds files" in err
    assert "keep.txt" in err and (tmp_path / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
