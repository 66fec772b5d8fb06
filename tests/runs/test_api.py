"""Tests of the run API :func:`sim.run` (sim/runs/api.py) and of sim.kernels.configure_threads."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.config.scenario import ScenarioError, parse_scenario
from sim.runs.api import LIBRARIES, RunResult, library_versions, source_commit
from sim.runs.output import OutputError

TINY = {"run": {"name": "tiny", "scale": 0.0005, "seed": 7, "burn_in_months": 3, "months": 4}}
N_PLACES = 12


@pytest.fixture(scope="module")
def tiny():
    return parse_scenario(TINY, source="<tiny>")


@pytest.fixture(scope="module")
def written(tiny, tmp_path_factory) -> RunResult:
    out = tmp_path_factory.mktemp("api") / "res"
    return sim.run(tiny, out=out, progress=False)


def test_run_returns_the_tables_the_model_and_writes_nothing_without_out(tiny, tmp_path,
                                                                        monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = sim.run(tiny, progress=False)
    assert isinstance(result, RunResult) and result.out is None
    assert list(tmp_path.iterdir()) == []  # nothing written, not even results/
    assert len(result.places) == N_PLACES * 4 and len(result.national) == 4
    assert result.info["complete"] is True and result.info["seed"] == 7
    # the same as building the model by hand
    model = sim.LabourMarket(tiny, rng=7)
    model.run_for(4)
    pd.testing.assert_frame_equal(result.places, model.places_frame(), check_exact=True)
    pd.testing.assert_frame_equal(result.national, model.national_frame(), check_exact=True)
    assert result.model.month == 4


def test_run_writes_complete_results_and_info_equals_run_json(written):
    out = written.out
    assert sorted(p.name for p in out.iterdir()) == [
        "columns.md", "national.parquet", "places.parquet", "plots", "run.json"
    ]
    info = json.loads((out / "run.json").read_text())
    assert info["complete"] is True
    assert info == json.loads(json.dumps(written.info, default=str)) | {"python": info["python"]}
    pd.testing.assert_frame_equal(pd.read_parquet(out / "places.parquet"), written.places)
    assert not list(out.parent.glob(".*"))  # no staging directory left


def test_run_json_records_versions_commit_threads_and_a_scenario_that_parses_back(written,
                                                                                   tiny):
    info = json.loads((written.out / "run.json").read_text())
    assert set(info["versions"]) == {"python", *LIBRARIES}
    assert {"matplotlib", "geopandas", "dask", "solara"} <= set(LIBRARIES)
    for name in ("python", "numpy", "numba", "mesa", "pandas", "pyarrow", "pydantic"):
        assert isinstance(info["versions"][name], str), name
    # optional extras: a version string, or None when not installed
    assert all(v is None or isinstance(v, str) for v in info["versions"].values())
    commit = info["git_commit"]
    assert commit is None or re.fullmatch(r"[0-9a-f]{40}", commit)
    assert isinstance(info["numba"]["threads"], int) and info["numba"]["threads"] >= 1
    assert info["numba"]["threading_layer"] in ("workqueue", "omp", "tbb")
    assert info["seed"] == 7 and info["scale"] == 0.0005
    assert info["agents"]["places_raised_to_one_agent"] == 0
    again = sim.parse_scenario(info["scenario"])
    assert again == tiny


def test_run_json_records_the_command_line_start_and_agents_apart_from_people(written):
    info = json.loads((written.out / "run.json").read_text())
    cmd = info["command_line"]
    assert cmd["argv"] == [str(a) for a in sys.orig_argv]
    assert shlex.split(cmd["shell"]) == cmd["argv"]
    assert Path(cmd["working_directory"]).is_dir()
    started = datetime.fromisoformat(info["started_at"])
    finished = datetime.fromisoformat(info["finished_at"])
    assert started.tzinfo is not None and started <= finished
    assert "workers" not in info and "firms" not in info
    last = written.national.iloc[-1]
    assert info["worker_agents"] == last["worker_agents"] > 0
    assert info["firm_agents"] == last["firm_agents"] > 0
    # people of working age: the agents scaled up (about 1 / scale people an agent)
    assert info["working_age_population"] == round(last["working_age_population"])
    assert info["working_age_population"] == pytest.approx(info["worker_agents"] / 0.0005,
                                                           rel=0.01)
    assert info["complete"] is True and info["wall_seconds"] >= 0
    assert info["start"] == "2019-01"


def test_the_progress_bar_says_burn_in_then_recorded_months(tiny, capsys):
    sim.run(tiny, progress=True)
    err = capsys.readouterr().err
    assert "tiny: burn-in" in err and "3/3" in err
    assert "tiny: recorded months" in err and "4/4" in err
    assert err.index("tiny: burn-in") < err.index("tiny: recorded months")
    sim.run(tiny.with_overrides(burn_in_months=0), progress=True)
    err = capsys.readouterr().err
    assert "burn-in" not in err and "tiny: recorded months" in err


def test_source_commit_in_this_checkout_is_head():
    commit, dirty = source_commit()
    root = Path(sim.__file__).resolve().parents[1]
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                          text=True)
    if head.returncode != 0:
        assert commit is None
    else:
        assert commit == head.stdout.strip() and isinstance(dirty, bool)
    assert library_versions()["python"] == ".".join(map(str, sys.version_info[:3]))


@pytest.mark.parametrize(
    ("kwargs", "start"),
    [({"seed": -1}, "seed=-1: must be >= 0"), ({"seed": 2**63}, "seed=9223372036854775808"),
     ({"months": 0}, "months=0: must be >= 1"), ({"scale": 2.0}, "scale=2.0: must be <= 1.0"),
     ({"scale": float("nan")}, "scale=nan: must be a finite number"),
     ({"seed": True}, "seed=true:")],
)
def test_bad_arguments_are_refused_naming_the_argument(tiny, tmp_path, kwargs, start):
    with pytest.raises(ScenarioError) as info:
        sim.run(tiny, out=tmp_path / "o", progress=False, **kwargs)
    assert str(info.value).startswith(start), str(info.value)
    assert not (tmp_path / "o").exists()


def test_model_refuses_a_seed_of_2_to_the_64():
    with pytest.raises(ValueError, match="2\\*\\*63"):
        sim.LabourMarket(parse_scenario(TINY), rng=2**64)
    with pytest.raises(ValueError):
        sim.LabourMarket(parse_scenario(TINY), rng=-1)


def _no_model(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the model must not be built")

    monkeypatch.setattr("sim.core.model.LabourMarket.__init__", refuse)


def test_unwritable_out_is_found_before_running(tiny, monkeypatch):
    _no_model(monkeypatch)
    with pytest.raises(OutputError, match="cannot"):
        sim.run(tiny, out="/proc/placejobs-test/out", progress=False)


def test_unknown_place_code_is_refused_before_the_model(tiny, tmp_path, monkeypatch):
    _no_model(monkeypatch)
    bad = tiny.with_changes({"green.programme_places": ["XX"]})
    with pytest.raises(ScenarioError, match=r"green.programme_places = \[\"XX\"\]"):
        sim.run(bad, out=tmp_path / "o", progress=False)
    assert list(tmp_path.iterdir()) == []  # the staging directory is gone too


def test_too_big_for_memory_is_refused_before_the_model(monkeypatch, tmp_path):
    _no_model(monkeypatch)
    monkeypatch.setattr("sim.config.checks.available_memory_bytes", lambda: 10**9)
    big = parse_scenario({"run": {"geography": "grid", "scale": 1.0},
                          "geography_options": {"population": 3e7}})
    with pytest.raises(ScenarioError, match="needs about"):
        sim.run(big, out=tmp_path / "o", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_small_scale_warns_and_is_recorded(tmp_path):
    s = parse_scenario({"run": {"scale": 1e-7, "burn_in_months": 0, "months": 1}})
    with pytest.warns(UserWarning, match="fewer than one agent") as record:
        result = sim.run(s, out=tmp_path / "o", progress=False)
    assert len([w for w in record if "fewer than one agent" in str(w.message)]) == 1
    info = json.loads((tmp_path / "o" / "run.json").read_text())
    assert info["scale"] == 1e-7
    assert info["agents"]["places_raised_to_one_agent"] >= 1
    assert info["agents"]["agents_per_person_max"] > 1e-7
    assert result.info["agents"] == info["agents"]


def test_an_existing_result_is_never_overwritten_without_force(written, tiny):
    before = (written.out / "run.json").read_bytes()
    with pytest.raises(OutputError, match="--force"):
        sim.run(tiny, out=written.out, progress=False)
    assert (written.out / "run.json").read_bytes() == before


def test_force_replaces_the_old_directory_whole(tiny, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "stale.txt").write_text("old run")
    sim.run(tiny, out=out, progress=False, force=True)
    assert not (out / "stale.txt").exists()  # no mixing of two runs
    assert json.loads((out / "run.json").read_text())["complete"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_scenario_may_be_a_path(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[run]\nname = "p"\nscale = 0.0005\nburn_in_months = 0\nmonths = 1\n')
    result = sim.run(path, progress=False, seed=3)
    assert result.info["scenario_file"] == str(path) and result.info["seed"] == 3
    with pytest.raises(TypeError):
        sim.run(42, progress=False)


# --------------------------------------------------------------------- package and threads
def test_importing_sim_has_no_side_effects():
    code = (
        "import numba, sys; layer = numba.config.THREADING_LAYER; import sim; "
        "assert numba.config.THREADING_LAYER == layer, numba.config.THREADING_LAYER; "
        "assert 'sim.core.model' not in sys.modules; "
        "import sim.kernels; assert numba.config.THREADING_LAYER == layer; "
        "assert callable(sim.run) and 'sim.core.model' in sys.modules; print('ok')"
    )
    root = Path(sim.__file__).resolve().parents[1]
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_configure_threads_defaults_to_workqueue_and_lets_a_process_choose():
    code = (
        "import numba, sim\n"
        "sim.configure_threads(threads=1, layer='omp')\n"
        "sim.configure_threads()\n"  # what the model calls: keeps the process's choice
        "assert numba.config.THREADING_LAYER == 'omp' and numba.get_num_threads() == 1\n"
        "m = sim.LabourMarket(sim.parse_scenario({'run': {'scale': 0.0002, "
        "'burn_in_months': 1}}), rng=1)\n"
        "assert numba.threading_layer() == 'omp'\n"
        "try:\n"
        "    sim.configure_threads(layer='workqueue')\n"
        "except RuntimeError:\n"
        "    print('ok')\n"
    )
    default = (
        "import numba, sim\n"
        "m = sim.LabourMarket(sim.parse_scenario({'run': {'scale': 0.0002, "
        "'burn_in_months': 1}}), rng=1)\n"
        "print(numba.threading_layer())\n"
    )
    root = Path(sim.__file__).resolve().parents[1]
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    for source, expected in ((code, "ok"), (default, "workqueue")):
        proc = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                              env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == expected


def test_configure_threads_refuses_bad_arguments():
    with pytest.raises(ValueError, match="layer"):
        sim.configure_threads(layer="fast")
    with pytest.raises(ValueError, match="threads"):
        sim.configure_threads(threads=0)
    with pytest.raises(ValueError, match="threads"):
        sim.configure_threads(threads=10**6)


def test_public_names():
    for name in sim.__all__:
        assert getattr(sim, name) is not None, name
    assert "run" in sim.__all__ and "RunResult" in sim.__all__
    assert sim.viz.plots is sim.plots
