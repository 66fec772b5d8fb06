"""End-to-end tests of sweeps on real Dask clusters: values, resumption, failures, signals.

Each test starts real worker processes (a local cluster, or ``dask scheduler`` and
``dask worker`` started as commands), so these are the slowest tests of the sweeps; the
runs themselves are tiny (12 regions at 1:2,000, a few months).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.runs.replications import replication_seeds
from sim.sweeps.api import sweep
from sim.sweeps.sensitivity import sensitivity
from sim.sweeps.store import load_results

TINY = """\
[run]
name = "tiny"
scale = 0.0005
seed = 7
burn_in_months = 3
months = 4
"""
GRID = """\
base = "tiny.toml"
replications = 2

[parameters]
"search.applications_per_searcher" = [2, 4]
"wages.bargaining_power" = [0.3, 0.5]
"""
TIMEOUT = 240


def _write(folder: Path, name: str, text: str) -> Path:
    (folder / "tiny.toml").write_text(TINY, encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _cli(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True,
                          text=True, timeout=TIMEOUT, env={**os.environ, **(env or {})})


def _popen(*args: object, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def _parts(out: Path) -> int:
    folder = out / "national"
    return len(list(folder.glob("part-*.parquet"))) if folder.is_dir() else 0


def _assert_same_values(a, b) -> None:
    pd.testing.assert_frame_equal(a.national, b.national)
    pd.testing.assert_frame_equal(a.places, b.places)


def _assert_each_run_once(out: Path, runs: int, months: int) -> None:
    res = load_results(out)
    assert _parts(out) == runs == len(list((out / "places").glob("part-*.parquet")))
    counts = res.national.groupby(["run_id", "replication"]).size()
    assert len(counts) == runs and (counts == months).all()
    assert not [f for f in out.rglob("*") if f.name.endswith(".tmp")]
    assert res.failures.empty
    assert res.info["status"]["complete"] is True


@pytest.fixture(scope="module")
def grid_file(tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("grid"), "grid.toml", GRID)


@pytest.fixture(scope="module")
def reference(grid_file, tmp_path_factory):
    """The grid sweep on a local cluster of one worker, from Python."""
    out = tmp_path_factory.mktemp("ref") / "out"
    return sweep(grid_file, out=out, workers=1, progress=False)


def test_a_sweep_holds_every_run_keyed_by_its_parameters(reference):
    res = reference
    assert res.complete and res.failures.empty
    assert res.info["status"] == {**res.info["status"], "runs": 8, "finished": 8, "failed": 0}
    nat = res.national
    assert list(nat.columns[:5]) == ["run_id", "replication", "seed",
                                     "search.applications_per_searcher",
                                     "wages.bargaining_power"]
    assert sorted(nat.run_id.unique()) == [0, 1, 2, 3]
    assert nat.groupby(["run_id", "replication"]).size().eq(4).all()
    seeds = replication_seeds(7, 2)
    assert sorted(nat.seed.unique()) == sorted(seeds)
    # run_id follows the grid: product of the lists in the file's order.
    first = nat.drop_duplicates("run_id").set_index("run_id")
    assert first.loc[1, "search.applications_per_searcher"] == 2
    assert first.loc[1, "wages.bargaining_power"] == 0.5
    assert first.loc[2, "search.applications_per_searcher"] == 4
    assert res.places.groupby(["run_id", "replication"]).size().eq(4 * 12).all()


def test_a_sweep_run_equals_a_plain_run_with_its_seed_and_values(reference):
    """A sweep adds keys, not differences: run 2, replication 1 is sim.run with its values."""
    base = sim.load_scenario(Path(reference.info["base_file"]))
    scenario = base.with_changes({"search.applications_per_searcher": 4,
                                  "wages.bargaining_power": 0.3})
    seed = replication_seeds(7, 2)[1]
    plain = sim.run(scenario, seed=seed, out=None, progress=False)
    mine = reference.national.query("run_id == 2 and replication == 1")
    cols = list(plain.national.columns)
    pd.testing.assert_frame_equal(mine[cols].reset_index(drop=True), plain.national)


def test_placejobs_run_replication_reproduces_a_sweep_run(reference, tmp_path):
    """``placejobs run --replication 1`` reruns a sweep's replication 1, with full outputs."""
    base = Path(reference.info["base_file"])
    out = tmp_path / "r1"
    proc = _cli("run", base, "--set", "search.applications_per_searcher=2", "--set",
                "wages.bargaining_power=0.5", "--replication", "1", "--out", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    info = json.loads((out / "run.json").read_text())
    assert (info["replication"], info["base_seed"]) == (1, 7)
    assert info["seed"] == replication_seeds(7, 2)[1] == info["scenario"]["run"]["seed"]
    mine = reference.national.query("run_id == 1 and replication == 1")
    plain = pd.read_parquet(out / "national.parquet")
    pd.testing.assert_frame_equal(mine[list(plain.columns)].reset_index(drop=True), plain)


def test_replications_share_random_numbers_across_design_points(reference):
    """Replication r uses the same seed at every design point (common random numbers)."""
    seeds = reference.national.groupby("replication").seed.nunique()
    assert (seeds == 1).all()


def test_two_workers_give_the_same_values(grid_file, reference, tmp_path):
    out = tmp_path / "two"
    proc = _cli("sweep", grid_file, "--out", out, "--workers", "2", "--quiet")
    assert proc.returncode == 0, proc.stderr
    _assert_same_values(load_results(out), reference)


def test_an_external_scheduler_gives_the_same_values(grid_file, reference, tmp_path):
    """A scheduler and two worker processes started with Dask's own commands."""
    dask = Path(sys.executable).with_name("dask")
    scheduler_file = tmp_path / "scheduler.json"
    procs = [subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", scheduler_file],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
    )]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for i in range(2):
            procs.append(subprocess.Popen(
                [dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                 "--preload", "sim.sweeps.worker", "--name", f"w{i}",
                 "--local-directory", tmp_path / f"w{i}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
            ))
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        out = tmp_path / "ext"
        proc = _cli("sweep", grid_file, "--out", out, "--scheduler", address)
        assert proc.returncode == 0, proc.stderr
        assert "on 2 workers" in proc.stdout
        _assert_same_values(load_results(out), reference)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_sweeps_can_share_one_client_and_its_cluster(grid_file, reference, tmp_path):
    """A notebook's cluster, started once: two sweeps on it, the client left open."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                      processes=True) as cluster, Client(cluster) as client:
        first = sweep(grid_file, out=tmp_path / "a", client=client, progress=False)
        second = sweep(grid_file, out=tmp_path / "b", client=client, progress=False)
        assert client.status == "running"
    _assert_same_values(first, reference)
    _assert_same_values(second, reference)
    with pytest.raises(ValueError, match="at most one of"):
        sweep(grid_file, out=tmp_path / "c", client=client, workers=2)


def test_an_unreachable_scheduler_is_one_line(grid_file, tmp_path):
    """Dask's own setting bounds the wait (distributed.comm.timeouts.connect)."""
    proc = _cli("sweep", grid_file, "--out", tmp_path / "o", "--scheduler",
                "tcp://127.0.0.1:9", env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "cannot reach a Dask scheduler" in proc.stderr


def test_rerunning_a_finished_sweep_runs_nothing(grid_file, reference):
    proc = _cli("sweep", grid_file, "--out", reference.out)
    assert proc.returncode == 0, proc.stderr
    assert "8 finished (8 before), 0 failed" in proc.stdout


def test_a_different_sweep_in_the_same_directory_is_refused(grid_file, reference, tmp_path):
    other = _write(tmp_path, "other.toml", GRID.replace("replications = 2", "replications = 3"))
    before = sorted(p.name for p in (reference.out / "national").iterdir())
    proc = _cli("sweep", other, "--out", reference.out)
    assert proc.returncode == 2 and "holds a different sweep" in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert sorted(p.name for p in (reference.out / "national").iterdir()) == before


def test_a_failed_run_is_recorded_and_the_others_finish(tmp_path):
    """Each value is allowed alone, but young_age_years = 40 with old_age_years = 35 is
    refused when that point's scenario is built: that run fails, the others finish."""
    path = _write(tmp_path, "fail.toml", """\
base = "tiny.toml"
replications = 2
[parameters]
"migration.young_age_years" = [30, 40]
"migration.old_age_years" = [50, 35]
""")
    out = tmp_path / "out"
    proc = _cli("sweep", path, "--out", out)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "error: 2 of 8 runs failed" in proc.stderr
    res = load_results(out)
    assert sorted(res.national.run_id.unique()) == [0, 1, 2]
    assert len(res.failures) == 2 and set(res.failures.run_id) == {3}
    assert set(res.failures.error_type) == {"ScenarioError"}
    assert res.failures.error.str.contains("must be < migration.old_age_years = 35").all()
    assert res.failures["migration.young_age_years"].tolist() == ["40", "40"]
    assert "ScenarioError" in res.failures.traceback.iloc[0]
    assert res.info["status"]["failed"] == 2 and not res.complete
    # A rerun retries the failures only, and they fail again.
    again = _cli("sweep", path, "--out", out)
    assert again.returncode == 1 and "6 finished (6 before), 2 failed" in again.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GRID.replace('"wages.bargaining_power"', '"wages.bargaining_powder"'),
         "wages.bargaining_powder"),
        ('base = "tiny.toml"\n[design]\nkind = "sobol"\nsamples = 4\n[parameters]\n'
         '"wages.bargaining_power" = { low = 0.3, high = 1.5 }\n',
         'parameters."wages.bargaining_power".high = 1.5: must be < 1.0'),
        ('base = "tiny.toml"\n[design]\nkind = "factorial"\n', "design.kind"),
    ],
    ids=["unknown-parameter", "range-outside", "unknown-design"],
)
def test_a_bad_sweep_file_is_refused_before_any_run(tmp_path, text, expected):
    path = _write(tmp_path, "bad.toml", text)
    out = tmp_path / "out"
    proc = _cli("sweep", path, "--out", out)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"error: {path}: ")
    assert expected in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


KILLED = """\
base = "tiny.toml"
replications = 8
months = 6
[parameters]
"search.applications_per_searcher" = [2, 3, 4]
"""


def test_killed_three_times_and_resumed_gives_every_run_once(tmp_path):
    """SIGKILL at start-up, after a quarter and after half of the runs; then resume."""
    path = _write(tmp_path, "killed.toml", KILLED)
    runs = 24
    reference = tmp_path / "reference"
    assert _cli("sweep", path, "--out", reference, "--workers", "1", "--quiet").returncode == 0
    out = tmp_path / "out"
    moments = [0, runs // 4, runs // 2]
    for at_least in moments:
        proc = _popen("sweep", path, "--out", out, "--workers", "1", "--quiet")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / "sweep.json").exists() and _parts(out) >= at_least:
                break
            time.sleep(0.005)
        assert proc.poll() is None, "the sweep finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        assert _parts(out) < runs
    proc = _cli("sweep", path, "--out", out, "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    _assert_each_run_once(out, runs, months=6)
    _assert_same_values(load_results(out), load_results(reference))


def test_ctrl_c_stops_cleanly_and_the_rerun_finishes(tmp_path):
    """SIGINT to the whole process group, as a terminal sends it: workers included."""
    path = _write(tmp_path, "killed.toml", KILLED)
    out = tmp_path / "out"
    proc = _popen("sweep", path, "--out", out, "--workers", "2", start_new_session=True)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None and _parts(out) < 2:
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert stderr.rstrip().endswith("error: interrupted")
    assert "Traceback" not in stderr
    assert not [f for f in out.rglob("*") if f.name.endswith(".tmp")]
    done = _parts(out)
    assert 2 <= done < 24
    again = _cli("sweep", path, "--out", out, "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert f"24 finished ({done} before)" in again.stdout
    _assert_each_run_once(out, 24, months=6)


def test_sensitivity_ranks_the_driver_first_and_finds_no_effect_of_a_disabled_mechanism(
    tmp_path,
):
    """Sobol indices of unemployment: the hiring standard drives it; the green programme's
    size cannot, with the programme switched off, so its total index's interval covers 0."""
    path = _write(tmp_path, "sobol.toml", """\
base = "tiny.toml"
[set]
"green.enabled" = false
[design]
kind = "sobol"
samples = 16
[parameters]
"green.programme_jobs_share" = { low = 0.0, high = 0.5 }
"search.hiring_standard" = { low = -1.0, high = 1.5 }
""")
    out = tmp_path / "out"
    res = sweep(path, out=out, workers=2, progress=False)
    assert res.complete and res.national.run_id.nunique() == 16 * (2 + 2)
    proc = _cli("sensitivity", out, "--output", "unemployment_rate", "--output",
                "good_jobs_share", "--window", "4")
    assert proc.returncode == 0, proc.stderr
    indices = pd.read_parquet(out / "sensitivity" / "indices.parquet")
    for output in ("unemployment_rate", "good_jobs_share"):
        rows = indices[indices.output == output].set_index("parameter")
        assert rows.index[0] == "search.hiring_standard"
        green = rows.loc["green.programme_jobs_share"]
        assert green.ST_low <= 0 <= green.ST_high
        assert rows.loc["search.hiring_standard", "ST_low"] > 0
        assert (out / "sensitivity" / f"{output}.png").stat().st_size > 0
    # And for one place, by name.
    by_place = sensitivity(out, ["unemployment_rate"], place="North East", window_months=4)
    assert by_place.parameter.iloc[0] == "search.hiring_standard"
