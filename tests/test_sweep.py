"""Parameter sweeps: specs, designs, seeds, executors, resumable results, summaries.

The sweep machinery is tested with small module-level toy models (importable
by worker processes as ``test_sweep:...``) and end to end with the real engine.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal

from smmsim._rng import run_seed
from smmsim.cli import main as cli_main
from smmsim.sweep import (
    SweepFolderError,
    SweepLockedError,
    SweepSpec,
    load_results,
    load_spec,
    plot_main_effect,
    run_sweep,
    summarize,
)
from smmsim.sweep.store import ResultStore

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
EXAMPLE = ROOT / "data" / "examples" / "sweep.yaml"


# ---------------------------------------------------------------------------
# Toy models (module level, so worker processes can import them)


def toy_model(config, *, rng=None):
    """Reach ~ Binomial(1000, stickiness) plus budget / 100; fails on stickiness < 0."""
    rng = np.random.default_rng(rng)
    x = config["content"]["stickiness"]
    budget = config["campaign"]["budget"]
    if x < 0:
        raise ValueError(f"`content.stickiness` must be >= 0; got {x!r}.")
    if config.get("delay"):
        time.sleep(config["delay"])
    reach = int(rng.binomial(1000, min(x, 1.0))) + int(budget // 100)
    config["content"]["stickiness"] = -1.0  # a careless model: must not leak
    return {"reach": reach, "shares": int(rng.poisson(reach * x)), "roi": reach / budget - 1}


def ishigami(config, *, rng=None):
    """The Ishigami function (a = 7, b = 0.1) of x in [-1, 1]^3 scaled to [-pi, pi]."""
    x1, x2, x3 = (config["x"][k] * math.pi for k in ("a", "b", "c"))
    y = math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3**4 * math.sin(x1)
    return {"y": y, "const": 1.0}


def linear(config, *, rng=None):
    """y = 3a + b on [-1, 1]^3: Morris effects per unit of the unit scale are 6, 2, 0."""
    return {"y": 3 * config["x"]["a"] + config["x"]["b"], "const": 1.0}


TOY_BASE = {
    "content": {"stickiness": 0.2, "label": "a"},
    "campaign": {"budget": 100.0, "channels": ["paid", "owned"]},
    "delay": 0.0,
}


def toy_spec(**changes) -> dict:
    spec = {
        "model": "test_sweep:toy_model",
        "base": TOY_BASE,
        "parameters": {
            "content.stickiness": [-0.1, 0.1, 0.3],
            "campaign.budget": {"low": 100, "high": 1000, "n": 3},
        },
        "n_replicates": 3,
        "seed": 42,
        "metrics": ["reach", "shares", "roi"],
    }
    spec.update(changes)
    return spec


def write_spec(path: Path, spec: dict) -> Path:
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def chunk_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("chunk-*.parquet"))


def cli_env() -> dict:
    env = dict(os.environ, CI="true")
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    return env


@pytest.fixture(scope="module")
def dask_cluster():
    """A real Dask LocalCluster: scheduler plus 2 worker processes over loopback."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    try:
        yield cluster
    finally:
        cluster.close()


# ---------------------------------------------------------------------------
# Spec validation: one-line errors naming the field


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"replicates": 3}, r"unknown key\(s\) in `sweep spec`: 'replicates'"),
        ({"parameters": {"content.stikiness": [0.1]}}, r"'content.stikiness' is not a key"),
        ({"parameters": {"content": {"low": 0, "hi": 1}}}, r"unknown key.*'hi'"),
        ({"parameters": {}}, r"`parameters` must map at least one"),
        ({"parameters": {"content.stickiness": 0.3}}, r"`parameters.content.stickiness` must be"),
        ({"parameters": {"content.stickiness": [0.1, 0.1]}}, r"repeats the value 0.1"),
        ({"parameters": {"content.stickiness": {"low": 0.1, "high": 0.5}}}, r"needs `n`"),
        ({"parameters": {"content.stickiness": {"low": 0.5, "high": 0.1, "n": 2}}}, r"< high"),
        (
            {"parameters": {"content.stickiness": {"low": 0, "high": 1, "n": 2, "log": True}}},
            r"> 0 when log",
        ),
        (
            {
                "parameters": {"content.stickiness": {"low": 0.1, "high": 0.5, "n": 3}},
                "design": {"kind": "lhs", "n_samples": 5},
            },
            r"`parameters.content.stickiness.n` applies to grid designs only",
        ),
        (
            {"parameters": {"content": [{"stickiness": 1}], "content.stickiness": [0.1]}},
            r"'content' contains 'content.stickiness'",
        ),
        ({"design": "latin"}, r"`design.kind` must be one of"),
        ({"design": {"kind": "sobol", "n_base": 10}}, r"`design.n_base` must be a power of 2"),
        ({"design": {"kind": "lhs"}}, r"`design.n_samples` is required"),
        ({"design": {"kind": "morris", "n_trajectories": 4, "n_levels": 3}}, r"must be even"),
        ({"design": {"kind": "grid", "n_samples": 3}}, r"unknown key.*'n_samples'"),
        ({"n_replicates": 0}, r"`n_replicates` must be an int >= 1"),
        ({"seed": -1}, r"`seed` must be an int >= 0"),
        ({"metrics": "reach"}, r"`metrics` must be a non-empty list"),
        ({"metrics": ["reach", "cell"]}, r"'cell' clashes with a reserved column"),
        (
            {"parameters": {"content.stickiness": {"values": [0.1], "name": "reach"}}},
            r"column 'reach' clashes with a metric",
        ),
        ({"fixed": {"campaign.budjet": 5}}, r"`fixed`: 'campaign.budjet' is not a key"),
        ({"model": "test_sweep:no_such_model"}, r"`model`: cannot import"),
        ({"chunk_size": 0}, r"`chunk_size` must be an int >= 1"),
        ({"model": "no_colon"}, r"`model` must look like 'package.module:function'"),
        ({"model": "test_sweep:TOY_BASE"}, r"`model`: 'test_sweep:TOY_BASE' is not callable"),
        ({"base": [1, 2]}, r"`base` must be a mapping or the path of a YAML file"),
        ({"fixed": [1]}, r"`fixed` must map dotted paths to values"),
        ({"fixed": {"content.stickiness": 0.3}}, r"'content.stickiness' is also in `fixed`"),
        ({"parameters": {"content..x": [1]}}, r"is not a dotted path of config keys"),
        ({"parameters": {"content.label.x": [1]}}, r"'content.label' is a str, not a section"),
        ({"parameters": {"content.stickiness": []}}, r"`parameters.content.stickiness.values`"),
        (
            {"parameters": {"content.stickiness": {"values": [0.1], "low": 0}}},
            r"gives `values` together with low",
        ),
        ({"parameters": {"content.stickiness": {"low": 0.1}}}, r"`high` is missing"),
        (
            {"parameters": {"content.stickiness": {"low": "1e-3", "high": 1, "n": 2}}},
            r"`parameters.content.stickiness.low` must be a number; got str '1e-3'",
        ),
        (
            {"parameters": {"campaign.budget": {"low": 1.5, "high": 4, "n": 2, "integer": True}}},
            r"must be whole numbers when integer is true",
        ),
        (
            {"parameters": {"campaign.budget": {"low": 1, "high": 4, "n": 2, "log": "yes"}}},
            r"`parameters.campaign.budget.log` must be true or false",
        ),
        (
            {"parameters": {"campaign.budget": {"values": [1], "name": "Budget"}}},
            r"`parameters.campaign.budget.name` must be a snake_case column name",
        ),
        ({"design": 3}, r"`design` must be a design name or a mapping"),
        (
            {"design": {"kind": "sobol", "n_base": 8, "second_order": 1}},
            r"`design.second_order` must be true or false",
        ),
        ({"design": {"kind": "morris"}}, r"`design.n_trajectories` is required"),
        ({"design": {"kind": "sobol"}}, r"`design.n_base` is required"),
        ({"common_random_numbers": "yes"}, r"`common_random_numbers` must be true or false"),
        ({"metrics": ["reach", "reach"]}, r"`metrics` repeats a name"),
        ({"metrics": ["Reach"]}, r"`metrics` entries must be snake_case names"),
        ({"description": 5}, r"`description` must be text"),
    ],
)
def test_bad_spec_is_a_one_line_error_naming_the_field(change, match):
    with pytest.raises((ValueError, TypeError), match=match) as info:
        load_spec(toy_spec(**change))
    assert "\n" not in str(info.value)


def test_spec_must_be_a_mapping():
    with pytest.raises(TypeError, match=r"a sweep spec must be a mapping; got list"):
        SweepSpec.from_dict([1])
    with pytest.raises(TypeError, match=r"`spec` must be a SweepSpec, a mapping or a YAML path"):
        load_spec(3)


def test_missing_seed_is_an_error():
    spec = toy_spec()
    del spec["seed"]
    with pytest.raises(ValueError, match=r"`seed` is required"):
        load_spec(spec)


def test_cli_bad_spec_key_exits_2_with_one_line(tmp_path, capsys):
    path = write_spec(tmp_path / "spec.yaml", toy_spec(replicates=3))
    code = cli_main(["sweep", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("smmsim sweep: error: ") and "'replicates'" in err
    assert not (tmp_path / "out").exists()


def test_cli_invalid_yaml_names_the_line(tmp_path, capsys):
    path = tmp_path / "spec.yaml"
    path.write_text("seed: 1\nparameters: {a: [1, 2]\n")
    assert cli_main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "is not valid YAML at line" in err and err.count("\n") == 1


def test_spec_round_trips_and_fingerprint_is_stable():
    spec = load_spec(toy_spec(design="grid", fixed={"content.label": "b"}))
    again = SweepSpec.from_dict(spec.to_dict())
    assert again == spec
    assert again.fingerprint() == spec.fingerprint()
    assert spec.base["content"]["label"] == "b"
    assert load_spec(toy_spec(seed=43)).fingerprint() != spec.fingerprint()


def test_base_path_is_read_relative_to_the_spec_file(tmp_path):
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(TOY_BASE))
    path = write_spec(tmp_path / "spec.yaml", toy_spec(base="base.yaml"))
    assert SweepSpec.from_yaml(path).base == TOY_BASE
    with pytest.raises(FileNotFoundError, match="cannot read base config"):
        load_spec(toy_spec(base="nowhere.yaml"))


# ---------------------------------------------------------------------------
# Designs


def test_grid_is_the_product_with_the_first_parameter_slowest():
    spec = load_spec(
        toy_spec(
            parameters={
                "content.stickiness": [0.1, 0.3],
                "campaign.budget": {"low": 10, "high": 1000, "n": 3, "log": True},
                "content.label": ["a", "b"],
            }
        )
    )
    assert spec.n_cells == 12
    assert spec.cells[:3] == [(0.1, 10.0, "a"), (0.1, 10.0, "b"), (0.1, 100.0, "a")]
    assert spec.cells[-1] == (0.3, 1000.0, "b")
    assert spec.config(1)["content"] == {"stickiness": 0.1, "label": "b"}


def test_latin_hypercube_hits_every_stratum_once():
    spec = load_spec(
        toy_spec(
            parameters={
                "content.stickiness": {"low": 0.0, "high": 1.0},
                "campaign.budget": {"low": 100, "high": 200},
            },
            design={"kind": "lhs", "n_samples": 25},
        )
    )
    strata = np.floor(spec.unit_points * 25).astype(int)
    for j in range(2):
        assert sorted(strata[:, j]) == list(range(25))


def test_sampled_values_respect_ranges_integers_and_choices():
    spec = load_spec(
        toy_spec(
            parameters={
                "content.stickiness": {"low": 0.05, "high": 0.5, "log": True},
                "campaign.budget": {"low": 1, "high": 4, "integer": True},
                "content.label": {"values": ["a", "b", "c"]},
            },
            design={"kind": "random", "n_samples": 400},
        )
    )
    x, budget, label = zip(*spec.cells)
    assert 0.05 <= min(x) and max(x) <= 0.5
    assert set(budget) == {1, 2, 3, 4} and all(isinstance(b, int) for b in budget)
    assert set(label) == {"a", "b", "c"}
    assert [p.kind for p in spec.parameters] == ["float64", "int64", "string"]


@pytest.mark.parametrize(
    ("design", "n_cells"),
    [
        ({"kind": "sobol", "n_base": 8}, 8 * (3 + 2)),
        ({"kind": "sobol", "n_base": 8, "second_order": True}, 8 * (2 * 3 + 2)),
        ({"kind": "morris", "n_trajectories": 5}, 5 * (3 + 1)),
        ({"kind": "random", "n_samples": 7}, 7),
    ],
)
def test_sampling_designs_are_reproducible(design, n_cells):
    params = {f"x.{k}": {"low": -1, "high": 1} for k in "abc"}
    make = {"model": "test_sweep:ishigami", "base": {"x": {"a": 0, "b": 0, "c": 0}}}
    spec = load_spec(toy_spec(**make, parameters=params, design=design, metrics=["y"]))
    assert spec.n_cells == len(spec.cells) == n_cells
    same = load_spec(toy_spec(**make, parameters=params, design=design, metrics=["y"]))
    other = load_spec(toy_spec(**make, parameters=params, design=design, metrics=["y"], seed=1))
    assert same.cells == spec.cells
    assert other.cells != spec.cells


# ---------------------------------------------------------------------------
# Seeds


def test_run_seeds_come_from_seedsequence_spawning():
    root = np.random.SeedSequence(42)
    runs = root.spawn(3)[1]
    child = runs.spawn(9)[4].spawn(3)[2]
    expected = int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))
    assert run_seed(42, 4, 2, common_random_numbers=False) == expected
    crn = np.random.SeedSequence(42).spawn(3)[2].spawn(3)[2]
    expected = int(crn.generate_state(1, np.uint64)[0] >> np.uint64(1))
    assert run_seed(42, 4, 2, common_random_numbers=True) == expected


def test_rows_have_independent_streams_and_reproduce_from_their_seed():
    df = run_sweep(toy_spec(), workers=1)
    spec = load_spec(toy_spec())
    assert df["seed"].is_unique
    row = df.iloc[10]
    again = toy_model(spec.config(int(row["cell"])), rng=int(row["seed"]))
    assert again["reach"] == row["reach"]
    seeds = [spec.seed_of(int(c), int(r)) for c, r in zip(df["cell"], df["replicate"])]
    assert seeds == df["seed"].tolist()  # the spec says which seed any row had


def test_common_random_numbers_pair_replicates_across_cells():
    params = {"campaign.budget": [100.0, 500.0, 900.0]}
    df = run_sweep(
        toy_spec(parameters=params, common_random_numbers=True, n_replicates=5), workers=1
    )
    wide = df.pivot(index="replicate", columns="campaign_budget", values="reach")
    # Same replicate, same stream: reach differs only by the budget term.
    assert (wide[500.0] - wide[100.0] == 4).all()
    assert (wide[900.0] - wide[100.0] == 8).all()
    assert df.groupby("replicate")["seed"].nunique().eq(1).all()


def test_adding_replicates_leaves_existing_rows_unchanged():
    two = run_sweep(toy_spec(n_replicates=2), workers=1)
    four = run_sweep(toy_spec(n_replicates=4), workers=1)
    kept = four[four["replicate"] < 2].reset_index(drop=True)
    assert_frame_equal(kept, two)


def test_other_master_seed_gives_other_rows():
    a = run_sweep(toy_spec(), workers=1)
    b = run_sweep(toy_spec(seed=43), workers=1)
    assert not a["seed"].equals(b["seed"])
    assert not a["reach"].equals(b["reach"])


# ---------------------------------------------------------------------------
# Results: identical whatever the executor; failures recorded


def test_same_rows_for_1_worker_2_workers_and_dask(tmp_path, dask_cluster, capsys):
    spec = toy_spec(chunk_size=4)
    one = run_sweep(spec, tmp_path / "one", workers=1)
    two = run_sweep(spec, tmp_path / "two", workers=2)
    on_dask = run_sweep(spec, tmp_path / "dask", dask=dask_cluster.scheduler_address)
    in_memory = run_sweep(spec, workers=2)
    path = write_spec(tmp_path / "spec.yaml", spec)
    proc = subprocess.run(
        [sys.executable, "-m", "smmsim.cli", "sweep", str(path), "--out", str(tmp_path / "cli")]
        + ["--dask", "local", "--workers", "2"],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr  # one parameter value fails
    address = dask_cluster.scheduler_address
    cli = ["sweep", str(path), "--out", str(tmp_path / "sched"), "--scheduler", address]
    assert cli_main(cli) == 1
    for other in (two, on_dask, in_memory, pd.read_parquet(tmp_path / "cli")):
        assert_frame_equal(other, one)
    for folder in ("one", "two", "dask", "sched"):
        assert_frame_equal(pd.read_parquet(tmp_path / folder), one)
    # The columns researchers read, with no timings or host names.
    assert list(one.columns) == [
        "cell",
        "content_stickiness",
        "campaign_budget",
        "replicate",
        "seed",
        "reach",
        "shares",
        "roi",
        "error",
    ]
    assert len(one) == 9 * 3 and not one.duplicated(["cell", "replicate"]).any()


def test_failing_cell_is_recorded_and_does_not_stop_the_sweep(tmp_path, capsys):
    path = write_spec(tmp_path / "spec.yaml", toy_spec())
    out = tmp_path / "out"
    code = cli_main(["sweep", str(path), "--out", str(out), "--workers", "1"])
    captured = capsys.readouterr()
    assert code == 1
    assert "9 of 27 runs failed, in 3 of 9 cells" in captured.err
    df = pd.read_parquet(out)
    bad = df["content_stickiness"] < 0
    assert (
        df.loc[bad, "error"] == "ValueError: `content.stickiness` must be >= 0; got -0.1."
    ).all()
    assert df.loc[bad, ["reach", "shares", "roi"]].isna().all().all()
    assert df.loc[~bad, "error"].isna().all() and df.loc[~bad, "reach"].notna().all()
    log = [json.loads(line) for line in (out / "_runlog.jsonl").read_text().splitlines()]
    failed = [r for r in log if r["event"] == "run_failed"]
    assert len(failed) == 9 and "Traceback" in failed[0]["traceback"]
    assert {"host", "pid", "seconds"} <= set(next(r for r in log if r["event"] == "chunk"))


def test_missing_metric_is_a_recorded_error():
    df = run_sweep(toy_spec(metrics=["reach", "nope"]), workers=1)
    ok = df[df["content_stickiness"] > 0]
    assert ok["error"].str.startswith("KeyError: \"metric 'nope' is not in the run summary").all()


def test_unknown_engine_metric_is_refused_before_anything_runs(tmp_path, capsys):
    spec = {
        "base": {"steps": 3, "graph": {"n_nodes": 100}},
        "parameters": {"content.stickiness": [0.1]},
        "seed": 1,
        "metrics": ["reach", "reachh"],
    }
    out = tmp_path / "res"
    with pytest.raises(ValueError, match=r"`metrics`: 'reachh' is not one of the run function's "
                       r"metrics \(did you mean 'reach'\?\); they are reach, "):
        run_sweep(spec, out, workers=1)
    assert not out.exists()
    path = write_spec(tmp_path / "spec.yaml", spec)
    assert cli_main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "'reachh'" in err and "Traceback" not in err
    assert not out.exists()
    # a crisis metric is a metric of the engine (present when the crisis is on)
    spec["metrics"] = ["reach", "lost_sales"]
    assert run_sweep(spec, workers=1)["lost_sales"].isna().all()


def listed_toy_model(config, *, rng=None):
    return toy_model(config, rng=rng)


listed_toy_model.metrics = ("reach", "shares", "roi")


def test_run_function_listing_its_metrics_is_checked_up_front():
    with pytest.raises(ValueError, match=r"'nope' is not one of the run function's metrics;"):
        run_sweep(toy_spec(metrics=["reach", "nope"]), workers=1, run_fn=listed_toy_model)
    df = run_sweep(toy_spec(metrics=["roi"]), workers=1, run_fn=listed_toy_model)
    assert df.loc[df["content_stickiness"] > 0, "roi"].notna().all()


def test_run_function_cannot_leak_edits_into_the_next_replicate():
    df = run_sweep(toy_spec(), workers=1)
    # toy_model sets stickiness to -1 after each run; replicates 1 and 2 still succeed.
    assert df.loc[df["content_stickiness"] > 0, "error"].isna().all()


# ---------------------------------------------------------------------------
# Resume, crashes and folder safety


def test_sigkill_mid_sweep_then_resume_gives_exactly_the_uninterrupted_rows(tmp_path):
    spec = toy_spec(
        parameters={"content.stickiness": [0.05 * i for i in range(1, 11)]},
        n_replicates=4,
        chunk_size=2,
        base={**TOY_BASE, "delay": 0.08},
    )
    path = write_spec(tmp_path / "spec.yaml", spec)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "smmsim.cli", "sweep", str(path), "--out", str(out)]
    proc = subprocess.Popen(
        [*cmd, "--workers", "2"],
        env=cli_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    try:
        while not out.exists() or len(chunk_files(out)) < 3:
            assert time.monotonic() < deadline, "sweep did not start"
            assert proc.poll() is None, "sweep ended before it could be killed"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done_before = chunk_files(out)
    assert 3 <= len(done_before) < 20
    partial = pd.read_parquet(out)  # what survived is complete and readable
    assert len(partial) == 2 * len(done_before)

    resumed = subprocess.run(
        [*cmd, "--workers", "2"], env=cli_env(), capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    assert len(chunk_files(out)) == 20
    assert not [p for p in out.iterdir() if ".tmp" in p.name]
    uninterrupted = run_sweep(spec, workers=1)
    assert_frame_equal(pd.read_parquet(out), uninterrupted)
    starts = [
        json.loads(line)
        for line in (out / "_runlog.jsonl").read_text().splitlines()
        if '"start"' in line
    ]
    assert starts[-1]["chunks_done"] >= len(done_before)


def test_rerun_of_a_finished_sweep_writes_nothing(tmp_path):
    out = tmp_path / "out"
    first = run_sweep(toy_spec(), out, workers=1)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("chunk-*")}
    again = run_sweep(toy_spec(), out, workers=2)
    assert stamps == {p.name: p.stat().st_mtime_ns for p in out.glob("chunk-*")}
    assert_frame_equal(again, first)
    assert_frame_equal(load_results(out), first)


def test_leftover_temporary_file_is_removed_on_resume(tmp_path):
    out = tmp_path / "out"
    run_sweep(toy_spec(), out, workers=1)
    victim = sorted(out.glob("chunk-*"))[2]
    victim.unlink()
    (out / f".{victim.name}.tmp-12345").write_bytes(b"PAR1 half a file")
    assert_frame_equal(run_sweep(toy_spec(), out, workers=1), run_sweep(toy_spec(), workers=1))
    assert not list(out.glob(".*tmp*"))


def test_changed_spec_on_an_old_folder_is_a_clear_error(tmp_path, capsys):
    out = tmp_path / "out"
    run_sweep(toy_spec(), out, workers=1)
    with pytest.raises(SweepFolderError, match=r"different sweep spec \(differs at: n_replicates"):
        run_sweep(toy_spec(n_replicates=4), out, workers=1)
    path = write_spec(tmp_path / "spec.yaml", toy_spec(seed=7))
    assert cli_main(["sweep", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "differs at: seed" in err and err.count("\n") == 1
    assert len(pd.read_parquet(out)) == 27  # nothing mixed in


def test_other_smmsim_version_on_an_old_folder_is_an_error(tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_sweep(toy_spec(), out, workers=1)
    monkeypatch.setattr("smmsim.sweep.run.__version__", "99.0")
    with pytest.raises(SweepFolderError, match=r"written by smmsim .* this is smmsim 99.0"):
        run_sweep(toy_spec(), out, workers=1)


def test_folder_with_other_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(SweepFolderError, match=r"not empty \(notes.txt\)"):
        run_sweep(toy_spec(), tmp_path, workers=1)


def test_two_writers_on_one_folder_are_refused(tmp_path):
    spec = load_spec(toy_spec())
    with ResultStore(tmp_path / "out", spec, version="0.1.0"):
        with pytest.raises(SweepLockedError, match="another sweep process is writing"):
            run_sweep(spec, tmp_path / "out", workers=1)


def test_unsendable_run_function_is_a_clear_error():
    with pytest.raises(ValueError, match=r"`run_fn` cannot be sent to worker processes"):
        run_sweep(toy_spec(), workers=2, run_fn=lambda config, *, rng=None: {})
    # In this process anything callable goes.
    df = run_sweep(
        toy_spec(metrics=["reach"]), workers=1, run_fn=lambda config, *, rng=None: {"reach": 1}
    )
    assert df["error"].isna().all() and df["reach"].eq(1).all() and len(df) == 27


def test_bad_executor_arguments():
    with pytest.raises(ValueError, match=r"`workers` must be an int >= 1; got 0"):
        run_sweep(toy_spec(), workers=0)
    with pytest.raises(ValueError, match=r"`workers` applies to local processes"):
        run_sweep(toy_spec(), workers=2, dask="tcp://127.0.0.1:1")


def test_bad_summary_arguments():
    spec = load_spec(toy_spec())
    df = run_sweep(spec, workers=1)
    with pytest.raises(ValueError, match=r"`confidence` must be in \(0, 1\); got 1.5"):
        summarize(df, spec, confidence=1.5)
    with pytest.raises(ValueError, match=r"`n_boot` must be an int >= 1; got 0"):
        summarize(df, spec, n_boot=0)
    with pytest.raises(ValueError, match=r"`metrics`: 'nope' is not a metric of this sweep"):
        summarize(df, spec, metrics=["nope"])
    with pytest.raises(ValueError, match=r"`spec` is required when `results` is a DataFrame"):
        summarize(df)
    with pytest.raises(TypeError, match=r"`results` must be a results folder or a DataFrame"):
        summarize([1], spec)


def test_summarize_reads_a_folder_and_notes_unfinished_sweeps(tmp_path):
    out = tmp_path / "out"
    run_sweep(toy_spec(chunk_size=3), out, workers=1)
    sorted(out.glob("chunk-*"))[-1].unlink()
    s = summarize(out, rng=0)
    assert s.notes[0] == "3 of 27 runs have no result yet (sweep unfinished)."
    with pytest.raises(ValueError, match=r"`spec` is read from the results folder"):
        summarize(out, toy_spec())
    with pytest.raises(SweepFolderError, match=r"is not a sweep results folder"):
        summarize(tmp_path)


# ---------------------------------------------------------------------------
# Progress bar


def test_progress_bar_is_quiet_in_ci_and_shown_on_request(monkeypatch, capsys):
    monkeypatch.setenv("CI", "true")
    run_sweep(toy_spec(), workers=1)
    assert capsys.readouterr().err == ""
    run_sweep(toy_spec(), workers=1, progress=True)
    err = capsys.readouterr().err
    assert "9/9" in err and "runs/s" in err


# ---------------------------------------------------------------------------
# Summaries


def test_cell_means_with_bootstrap_intervals():
    spec = load_spec(toy_spec(n_replicates=6))
    df = run_sweep(spec, workers=1)
    s = summarize(df, spec, rng=1)
    reach = s.cells[s.cells["metric"] == "reach"].set_index("cell")
    expected = df.groupby("cell")["reach"].mean()
    assert np.allclose(reach["mean"].dropna(), expected.dropna())
    ok = reach["n"] == 6
    assert ok.sum() == 6 and (reach.loc[~ok, "n_failed"] == 6).all()
    assert (reach.loc[ok, "ci_low"] <= reach.loc[ok, "mean"]).all()
    assert (reach.loc[ok, "mean"] <= reach.loc[ok, "ci_high"]).all()
    assert (reach.loc[ok, "ci_high"] > reach.loc[ok, "ci_low"]).all()
    assert reach.loc[~ok, ["mean", "ci_low", "ci_high"]].isna().all().all()
    assert len(s.failures) == 18
    assert_frame_equal(summarize(df, spec, rng=1).cells, s.cells)
    assert s.sensitivity.empty and "grid design" in s.notes[0]


def test_sobol_indices_match_the_ishigami_function():
    spec = {
        "model": "test_sweep:ishigami",
        "base": {"x": {"a": 0.0, "b": 0.0, "c": 0.0}},
        "parameters": {f"x.{k}": {"low": -1.0, "high": 1.0} for k in "abc"},
        "design": {"kind": "sobol", "n_base": 1024},
        "seed": 3,
        "metrics": ["y", "const"],
    }
    s = summarize(run_sweep(spec, workers=1), spec, n_boot=200, rng=0)
    sobol = s.sensitivity[s.sensitivity["metric"] == "y"].set_index(["parameter", "index"])
    # Analytic values (Ishigami and Homma 1990, a = 7, b = 0.1).
    for (name, index), value in {
        ("x_a", "S1"): 0.314,
        ("x_b", "S1"): 0.442,
        ("x_c", "S1"): 0.0,
        ("x_a", "ST"): 0.558,
        ("x_b", "ST"): 0.442,
        ("x_c", "ST"): 0.244,
    }.items():
        assert sobol.loc[(name, index), "value"] == pytest.approx(value, abs=0.06)
    # No variance, no variance shares.
    assert s.sensitivity[s.sensitivity["metric"] == "const"]["value"].isna().all()


def test_morris_effects_of_a_linear_model():
    spec = {
        "model": "test_sweep:linear",
        "base": {"x": {"a": 0.0, "b": 0.0, "c": 0.0}},
        "parameters": {f"x.{k}": {"low": -1.0, "high": 1.0} for k in "abc"},
        "design": {"kind": "morris", "n_trajectories": 10},
        "seed": 3,
        "metrics": ["y"],
    }
    s = summarize(run_sweep(spec, workers=1), spec, rng=0)
    mu_star = s.sensitivity[s.sensitivity["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu_star.to_dict() == pytest.approx({"x_a": 6.0, "x_b": 2.0, "x_c": 0.0})


def test_main_effect_figure_has_a_panel_per_metric_and_parameter():
    spec = load_spec(toy_spec())
    fig = plot_main_effect(run_sweep(spec, workers=1), spec, metrics=["reach", "roi"], rng=0)
    assert len(fig.axes) == 2 * 2
    assert fig.axes[0].get_ylabel() == "reach"


def test_cli_summarize_writes_tidy_tables_and_the_figure(tmp_path, capsys):
    spec = {
        "model": "test_sweep:ishigami",
        "base": {"x": {"a": 0.0, "b": 0.0, "c": 0.0}},
        "parameters": {f"x.{k}": {"low": -1.0, "high": 1.0} for k in "abc"},
        "design": {"kind": "sobol", "n_base": 64},
        "n_replicates": 2,
        "seed": 3,
        "metrics": ["y"],
    }
    out = tmp_path / "out"
    run_sweep(spec, out, workers=1)
    assert cli_main(["summarize", str(out), "--n-boot", "100"]) == 0
    assert "sensitivity indices" in capsys.readouterr().out
    cells = pd.read_parquet(out / "_summary" / "cells.parquet")
    assert len(cells) == 64 * 5 and set(cells["n"]) == {2}
    sens = pd.read_parquet(out / "_summary" / "sensitivity.parquet")
    assert set(sens["index"]) == {"S1", "ST"}
    assert (out / "_summary" / "main_effect.png").stat().st_size > 1000
    assert len(pd.read_parquet(out)) == 64 * 5 * 2  # summaries are not result rows


# ---------------------------------------------------------------------------
# The real engine, end to end


def small_real_spec(**changes) -> dict:
    spec = load_spec(EXAMPLE).to_dict()
    spec["base"]["graph"]["n_nodes"] = 400
    spec["base"]["steps"] = 12
    spec["base"]["campaign"]["levers"]["influencers"]["method"] = "degree"
    spec["parameters"]["content.stickiness"] = {"values": [0.2, 0.5]}
    spec["parameters"]["campaign.levers.influencers.spend"]["values"] = [0, 200]
    spec["n_replicates"] = 3
    spec.pop("chunk_size")
    spec.update(changes)
    return spec


def test_example_spec_is_valid_and_small():
    spec = SweepSpec.from_yaml(EXAMPLE)
    assert spec.model is None  # the real engine
    assert spec.n_runs <= 400
    assert spec.parameter_columns == ["content_stickiness", "influencer_spend"]
    assert spec.base["graph"]["n_nodes"] == 5000  # `fixed` applied to campaign.yaml


def test_real_engine_sweep_identical_across_executors_and_reproducible(tmp_path, dask_cluster):
    from smmsim.engine import simulate
    from smmsim.scenario import ScenarioConfig

    spec = load_spec(small_real_spec())
    one = run_sweep(spec, workers=1)
    two = run_sweep(spec, tmp_path / "two", workers=2)
    on_dask = run_sweep(spec, dask=dask_cluster.scheduler_address)
    assert_frame_equal(two, one)
    assert_frame_equal(on_dask, one)
    assert one["error"].isna().all() and len(one) == 12
    assert (one["reach"] > 0).all()
    row = one.iloc[7]
    cfg = ScenarioConfig.from_dict(spec.config(int(row["cell"])))
    again = simulate(cfg, rng=int(row["seed"])).summary()
    assert again["reach"] == row["reach"] and again["roi"] == pytest.approx(row["roi"])


def test_real_engine_bad_combination_fails_one_cell(tmp_path, capsys):
    # Influencer spend above what the budget leaves is invalid in that cell only.
    spec = small_real_spec()
    spec["parameters"]["campaign.levers.influencers.spend"]["values"] = [0, 5000]
    path = write_spec(tmp_path / "spec.yaml", spec)
    code = cli_main(["sweep", str(path), "--out", str(tmp_path / "o"), "--workers", "1"])
    assert code == 1
    df = pd.read_parquet(tmp_path / "o")
    bad = df["influencer_spend"] == 5000
    assert df.loc[bad, "error"].str.contains("campaign.budget").all()
    assert df.loc[~bad, "error"].isna().all()
    assert "runs failed" in capsys.readouterr().err


def test_real_base_config_errors_name_the_key():
    spec = small_real_spec()
    spec["base"]["content"]["stikiness"] = 0.3
    with pytest.raises(ValueError, match=r"^base config: .*'stikiness'") as info:
        load_spec(spec)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------------------
# Results folders checked, not trusted (issue 7)


def _finished(tmp_path, **changes):
    out = tmp_path / "res"
    run_sweep(toy_spec(**changes), out, workers=1)
    return out


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("to", [".", "sub", "sub/deeper"])
def test_summarize_to_inside_the_results_is_refused(tmp_path, capsys, to):
    out = _finished(tmp_path)
    before = _files(out)
    target = out if to == "." else out / to
    assert cli_main(["summarize", str(out), "--to", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "`--to`" in err and "lies inside the results folder" in err
    assert _files(out) == before


def test_summarize_to_an_existing_file_is_refused_before_the_work(tmp_path, capsys):
    out = _finished(tmp_path)
    keep = tmp_path / "report.txt"
    keep.write_text("keep me")
    assert cli_main(["summarize", str(out), "--to", str(keep)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a file; give a folder" in err
    assert keep.read_text() == "keep me"


def test_sweep_out_below_a_file_is_one_line(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(SweepFolderError, match=r"`--out` '.*afile/res' lies below the file"):
        run_sweep(toy_spec(), tmp_path / "afile" / "res", workers=1)


def _chunks(out):
    return sorted(out.glob("chunk-*.parquet"))


def _truncate(out):
    c = _chunks(out)[3]
    c.write_bytes(c.read_bytes()[: c.stat().st_size // 2])
    return c.name


def _drop_rows(out):
    import pyarrow.parquet as pq

    c = _chunks(out)[2]
    pq.write_table(pq.read_table(c).slice(0, 1), c)
    return c.name


def _flip_two_bytes(out):
    c = _chunks(out)[4]
    data = bytearray(c.read_bytes())
    data[len(data) // 3] ^= 1
    data[len(data) // 3 + 1] ^= 1
    c.write_bytes(bytes(data))
    return c.name


def _replace_by_another(out):
    chunks = _chunks(out)
    chunks[5].write_bytes(chunks[0].read_bytes())
    return chunks[5].name


def _other_schema(out):
    import pyarrow.parquet as pq

    c = _chunks(out)[1]
    table = pq.read_table(c)
    pq.write_table(table.rename_columns([f"x_{n}" for n in table.column_names]), c)
    return c.name


@pytest.mark.parametrize(
    "damage", [_truncate, _drop_rows, _flip_two_bytes, _replace_by_another, _other_schema]
)
def test_a_damaged_chunk_is_refused_by_readers_and_run_again_on_resume(tmp_path, capsys, damage):
    out = _finished(tmp_path)
    want = load_results(out)
    name = damage(out)
    with pytest.raises(SweepFolderError, match=rf"damaged chunk\(s\): {name} \("):
        load_results(out)
    assert cli_main(["summarize", str(out), "--no-figure"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and name in err
    again = run_sweep(toy_spec(), out, workers=1)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "re-running 1 damaged chunk(s)" in err and name in err
    assert_frame_equal(again, want)
    assert_frame_equal(load_results(out), want)
    assert len(list((out / "_damaged").iterdir())) == 1  # kept aside, not deleted


@pytest.mark.parametrize(
    "stray",
    ["chunk-000001 (copy).parquet", "chunk-000099.parquet", "notes.parquet", "thesis.txt"],
)
def test_files_the_sweep_did_not_write_are_refused(tmp_path, stray):
    out = _finished(tmp_path)
    (out / stray).write_bytes(_chunks(out)[1].read_bytes())
    for action in (lambda: load_results(out), lambda: run_sweep(toy_spec(), out, workers=1)):
        with pytest.raises(SweepFolderError, match=r"holds 1 file\(s\) the sweep did not write"):
            action()
    assert (out / stray).read_bytes() == _chunks(out)[1].read_bytes()


def test_a_chunk_recorded_but_not_renamed_runs_again(tmp_path):
    # a kill between the ledger record and the rename: the chunk is simply not done
    out = _finished(tmp_path)
    want = load_results(out)
    _chunks(out)[6].unlink()
    with open(out / "_chunks.jsonl", "a") as fh:
        fh.write('{"chunk": 6, "file": "chunk-0000')  # and a torn last line
    assert_frame_equal(run_sweep(toy_spec(), out, workers=1), want)
    assert_frame_equal(load_results(out), want)


def test_a_damaged_manifest_is_one_line(tmp_path):
    out = _finished(tmp_path)
    (out / "_sweep.json").write_text("{not json")
    with pytest.raises(SweepFolderError, match=r"manifest '.*_sweep\.json' is damaged \(not JSON"):
        load_results(out)
    with pytest.raises(SweepFolderError, match=r"manifest '.*_sweep\.json' is damaged"):
        run_sweep(toy_spec(), out, workers=1)


def test_a_damaged_stored_spec_is_one_line(tmp_path):
    out = _finished(tmp_path)
    (out / "_spec.yaml").write_text("base: [\n")
    with pytest.raises(SweepFolderError, match=r"stored spec '.*_spec\.yaml' is damaged"):
        load_results(out)


def test_a_user_folder_is_left_as_it_was(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.txt").write_text("my thesis")
    with pytest.raises(SweepFolderError, match=r"is not empty \(thesis\.txt\)"):
        run_sweep(toy_spec(), folder, workers=1)
    assert [p.name for p in folder.iterdir()] == ["thesis.txt"]


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("", ValueError, r"sweep spec .*s\.yaml is empty; it needs at least `base`"),
        ("# only a comment\n", ValueError, r"is empty"),
        ("- a\n- b\n", TypeError, r"sweep spec .*s\.yaml must hold a mapping; got list"),
    ],
)
def test_an_empty_or_list_spec_says_so(tmp_path, text, error, match):
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(error, match=match):
        load_spec(tmp_path / "s.yaml")


def _children(pid):
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_exit_when_the_driver_dies(tmp_path, sig):
    spec = toy_spec(
        parameters={"content.stickiness": [0.05 * i for i in range(1, 11)]},
        n_replicates=4,
        chunk_size=2,
        base={**TOY_BASE, "delay": 0.5},
    )
    path = write_spec(tmp_path / "spec.yaml", spec)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "smmsim.cli", "sweep", str(path), "--out", str(out)]
    proc = subprocess.Popen(
        [*cmd, "--workers", "2"],
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers = []
    try:
        deadline = time.monotonic() + 60
        while not out.exists() or not chunk_files(out):
            assert time.monotonic() < deadline and proc.poll() is None, "sweep did not start"
            time.sleep(0.05)
        workers = [k for k in _children(proc.pid) if "spawn_main" in _cmdline(k)]
        assert len(workers) == 2
        os.kill(proc.pid, sig)  # the driver only: its workers must follow
        proc.wait()
        deadline = time.monotonic() + 15
        while any(_alive(k) for k in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [k for k in workers if _alive(k)], "workers outlived the driver"
    finally:
        for k in workers:
            if _alive(k):
                os.kill(k, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_a_model_in_the_current_directory_is_not_imported(tmp_path, monkeypatch):
    (tmp_path / "evilmod.py").write_text(
        "open('PWNED', 'w').write('x')\n"
        "def run(config, *, rng=None):\n    return {'reach': 1.0}\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    spec = {"model": "evilmod:run", "base": {"x": 1}, "parameters": {"x": [1, 2]}, "seed": 1}
    with pytest.raises(ValueError, match=r"cannot import 'evilmod:run' from the installed"):
        load_spec(spec)
    assert not (tmp_path / "PWNED").exists()
    assert "evilmod" not in sys.modules


# ---------------------------------------------------------------------------
# Every road in is checked: specs, parameters and designs built directly


def test_design_built_directly_is_validated():
    from smmsim.sweep import Design

    with pytest.raises(ValueError, match=r"`design.kind` must be one of"):
        Design(kind="best")
    with pytest.raises(ValueError, match=r"`design.n_samples` is required for a lhs design"):
        Design(kind="lhs")
    with pytest.raises(ValueError, match=r"`design.n_base` must be a power of 2"):
        Design(kind="sobol", n_base=6)
    with pytest.raises(ValueError, match=r"`design.n_levels` must be even; got 3"):
        Design(kind="morris", n_trajectories=4, n_levels=3)
    with pytest.raises(ValueError, match=r"`design.n_samples` does not apply to a grid design"):
        Design(kind="grid", n_samples=5)
    assert Design.from_dict({"kind": "lhs", "n_samples": 5}) == Design(kind="lhs", n_samples=5)


def test_parameter_built_directly_is_validated():
    from smmsim.sweep import Parameter

    with pytest.raises(ValueError, match=r"`parameters.a.b.low` must be < high"):
        Parameter(path="a.b", name="a_b", low=2.0, high=1.0)
    with pytest.raises(ValueError, match=r"`parameters.a.values` repeats the value 1"):
        Parameter(path="a", name="a", values=(1, 1))
    with pytest.raises(ValueError, match=r"`parameters.a.name` must be a snake_case column"):
        Parameter(path="a", name="A-b", values=(1,))
    with pytest.raises(ValueError, match=r"gives `values` together with low"):
        Parameter(path="a", name="a", values=(1, 2), low=0.0)
    with pytest.raises(ValueError, match=r"`parameters.a.low` must be > 0 when log is true"):
        Parameter(path="a", name="a", low=0.0, high=1.0, log=True)
    p = Parameter(path="a", name="a", low=1, high=3, n=3, integer=True)
    assert p.grid_values() == [1, 2, 3]


def test_spec_built_directly_is_validated():
    from smmsim.sweep import Design, Parameter, SweepSpec

    good = dict(
        base={"content": {"stickiness": 0.3}},
        parameters=(Parameter(path="content.stickiness", name="s", values=(0.1, 0.2)),),
        design=Design(),
        n_replicates=2,
        seed=1,
    )
    assert SweepSpec(**good).n_cells == 2
    with pytest.raises(ValueError, match=r"is not a key of the base config"):
        SweepSpec(**{**good, "parameters": (Parameter(path="content.x", name="x", values=(1,)),)})
    with pytest.raises(ValueError, match=r"`n_replicates` must be an int >= 1; got 0"):
        SweepSpec(**{**good, "n_replicates": 0})
    with pytest.raises(ValueError, match=r"`metrics`: 'seed' clashes with a reserved column"):
        SweepSpec(**{**good, "metrics": ("seed",)})
    ranged = Parameter(path="content.stickiness", name="s", low=0.1, high=0.2)
    with pytest.raises(ValueError, match=r"a grid needs `n`"):
        SweepSpec(**{**good, "parameters": (ranged,)})


def test_cli_summarize_refuses_a_billion_resamples(tmp_path, capsys):
    out = _finished(tmp_path)
    assert cli_main(["summarize", str(out), "--n-boot", str(10**9)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "`--n-boot` 1000000000 needs about" in err
