"""Tests of sim.sweeps.sensitivity on synthetic sweep directories with known answers.

Each directory is written here with the layout ``placejobs sweep`` gives (``sweep.json``,
``national/`` and ``places/`` Parquet datasets, ``failures.parquet``), its design from
SALib's samplers and its outputs from known functions of the parameters:

* ``unemployment_rate`` = 5 x0 + 0 x1 + 3 x2^2 (x on [0, 1]): x0 matters most, x2 some,
  x1 not at all (Var 25/12 from x0 and 4/5 from x2, so S1(x0) = 0.723, S1(x2) = 0.277);
* ``good_jobs_share`` = 2 x1 (only x1 matters);
* ``employment_rate`` = 0.75 in every run (constant).

Months outside the averaging window hold junk, and the two replications differ by
+-0.5, so a wrong window or a missing mean over replications changes the answers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.sweeps.sensitivity import (
    CONSTANT_NOTE,
    MORRIS_COLUMNS,
    SOBOL_COLUMNS,
    output_means,
    sensitivity,
)

NAMES = ["search.hiring_standard", "search.applications_per_searcher", "training.subsidy"]
PROBLEM = {"num_vars": 3, "names": NAMES, "bounds": [[0.0, 1.0]] * 3}
MONTHS = 6
WINDOW = 3
REPLICATIONS = 2
PLACES = {"P1": "Alpha Vale", "P2": "Beta Coast"}
PNG = b"\x89PNG\r\n\x1a\n"


def strong(x: np.ndarray) -> np.ndarray:
    return 5.0 * x[:, 0] + 0.0 * x[:, 1] + 3.0 * x[:, 2] ** 2


def only_x1(x: np.ndarray) -> np.ndarray:
    return 2.0 * x[:, 1]


def write_sweep(directory: Path, kind: str, x: np.ndarray, design: dict | None = None) -> Path:
    """Write a sweep directory with design matrix ``x`` (rows in run_id order)."""
    directory.mkdir(parents=True)
    info = {
        "design": {"kind": kind, "samples": 0, "seed": 3, "calc_second_order": False,
                   "levels": 4, **(design or {})},
        "problem": PROBLEM,
        "design_matrix": x.tolist(),
        "replications": REPLICATIONS,
        "runs": [{"run_id": i, "parameters": dict(zip(NAMES, row, strict=True))}
                 for i, row in enumerate(x.tolist())],
    }
    (directory / "sweep.json").write_text(json.dumps(info), encoding="utf-8")

    n = len(x)
    run_id = np.repeat(np.arange(n), REPLICATIONS * MONTHS)
    replication = np.tile(np.repeat(np.arange(REPLICATIONS), MONTHS), n)
    month = np.tile(np.arange(1, MONTHS + 1), n * REPLICATIONS)
    in_window = month > MONTHS - WINDOW
    # +0.5 in replication 0, -0.5 in replication 1: they cancel in the mean.
    offset = np.where(replication == 0, 0.5, -0.5)
    junk = np.random.default_rng(11).normal(100.0, 50.0, len(month))

    def series(values: np.ndarray) -> np.ndarray:
        return np.where(in_window, values[run_id] + offset, junk)

    national = pd.DataFrame({
        "run_id": run_id, "replication": replication, "seed": 1000 * run_id + replication,
        "month": month,
    }).astype("int64")
    for j, name in enumerate(NAMES):
        national[name] = x[run_id, j]
    national["unemployment_rate"] = series(strong(x))
    national["good_jobs_share"] = series(only_x1(x))
    national["employment_rate"] = 0.75
    (directory / "national").mkdir()
    half = len(national) // 2
    national.iloc[:half].to_parquet(directory / "national" / "part-0.parquet", index=False)
    national.iloc[half:].to_parquet(directory / "national" / "part-1.parquet", index=False)

    frames = []
    for code, name, values in (("P1", PLACES["P1"], strong(x)), ("P2", PLACES["P2"], only_x1(x))):
        place = national[["run_id", "replication", "seed", "month", *NAMES]].copy()
        place.insert(4, "place", code)
        place.insert(5, "name", name)
        place["unemployment_rate"] = series(values)
        place["good_jobs_share"] = series(values)
        place["employment_rate"] = 0.75
        frames.append(place)
    (directory / "places").mkdir()
    pd.concat(frames).to_parquet(directory / "places" / "part-0.parquet", index=False)
    return directory


@pytest.fixture(scope="module")
def sobol_dir(tmp_path_factory) -> Path:
    x = sobol_sample.sample(PROBLEM, 256, calc_second_order=False, seed=3)
    return write_sweep(tmp_path_factory.mktemp("sweeps") / "sobol", "sobol", x)


@pytest.fixture(scope="module")
def morris_dir(tmp_path_factory) -> Path:
    x = morris_sample.sample(PROBLEM, 40, num_levels=4, seed=3)
    return write_sweep(tmp_path_factory.mktemp("sweeps") / "morris", "morris", x)


def test_each_runs_value_is_the_window_mean_over_replications(sobol_dir):
    x = np.asarray(json.loads((sobol_dir / "sweep.json").read_text())["design_matrix"])
    means = output_means(sobol_dir, ["unemployment_rate", "good_jobs_share"],
                         window_months=WINDOW)
    assert means.index.tolist() == list(range(len(x)))
    np.testing.assert_allclose(means["unemployment_rate"], strong(x), atol=1e-12)
    np.testing.assert_allclose(means["good_jobs_share"], only_x1(x), atol=1e-12)
    # A window reaching into the junk months gives other values.
    wider = output_means(sobol_dir, "unemployment_rate", window_months=WINDOW + 1)
    assert not np.allclose(wider["unemployment_rate"], strong(x), atol=1e-3)


def test_sobol_ranks_the_strong_parameter_first_and_the_idle_one_covers_zero(sobol_dir):
    df = sensitivity(sobol_dir, ["unemployment_rate", "good_jobs_share"],
                     window_months=WINDOW, write=False)
    assert tuple(df.columns) == SOBOL_COLUMNS
    assert not (sobol_dir / "sensitivity").exists()
    u = df[df["output"] == "unemployment_rate"].set_index("parameter")
    assert (u["method"] == "sobol").all() and (u["place"] == "national").all()
    assert u.index.tolist() == [NAMES[0], NAMES[2], NAMES[1]]
    assert u["rank"].tolist() == [1, 2, 3]
    idle = u.loc[NAMES[1]]
    assert idle["ST_low"] <= 0.0 <= idle["ST_high"]
    assert idle["S1_low"] <= 0.0 <= idle["S1_high"]
    # Analytic first-order indices of an additive function: 0.723 and 0.277.
    assert u.loc[NAMES[0], "S1"] == pytest.approx(0.723, abs=0.08)
    assert u.loc[NAMES[2], "S1"] == pytest.approx(0.277, abs=0.08)
    assert u.loc[NAMES[0], "ST_conf"] > 0
    np.testing.assert_allclose(u["ST_high"] - u["ST_low"], 2 * u["ST_conf"])
    g = df[df["output"] == "good_jobs_share"]
    assert g["parameter"].iloc[0] == NAMES[1]
    assert g["ST"].iloc[0] == pytest.approx(1.0, abs=0.05)
    assert (df["note"] == "").all()


def test_sobol_intervals_repeat_with_the_seed_including_zero(sobol_dir):
    def run(seed):
        return sensitivity(sobol_dir, "unemployment_rate", window_months=WINDOW,
                           num_resamples=200, seed=seed, write=False)

    pd.testing.assert_frame_equal(run(0), run(0))
    assert not np.allclose(run(0)["ST_conf"], run(1)["ST_conf"])


def test_morris_ranks_the_strong_parameter_first_and_the_idle_one_has_no_effect(morris_dir):
    df = sensitivity(morris_dir, ["unemployment_rate"], window_months=WINDOW, write=False)
    assert tuple(df.columns) == MORRIS_COLUMNS
    m = df.set_index("parameter")
    assert (m["method"] == "morris").all()
    assert m.index.tolist() == [NAMES[0], NAMES[2], NAMES[1]]
    # A linear effect of 5 over the unit range: every elementary effect is 5.
    assert m.loc[NAMES[0], "mu_star"] == pytest.approx(5.0)
    assert m.loc[NAMES[0], "sigma"] == pytest.approx(0.0, abs=1e-9)
    idle = m.loc[NAMES[1]]
    assert idle["mu_star"] == pytest.approx(0.0, abs=1e-9)
    assert idle["mu_star_low"] <= 0.0 <= idle["mu_star_high"]
    assert m.loc[NAMES[2], "sigma"] > 0  # x2 enters squared: its effects vary


def test_a_place_by_name_or_code(sobol_dir, morris_dir):
    by_name = sensitivity(sobol_dir, "unemployment_rate", place="Beta Coast",
                          window_months=WINDOW, write=False)
    assert (by_name["place"] == "P2").all()
    assert by_name["parameter"].iloc[0] == NAMES[1]
    by_code = sensitivity(sobol_dir, "unemployment_rate", place="P1",
                          window_months=WINDOW, write=False)
    assert by_code["parameter"].tolist() == [NAMES[0], NAMES[2], NAMES[1]]
    folded = sensitivity(morris_dir, "good_jobs_share", place="beta coast",
                         window_months=WINDOW, write=False)
    assert folded["parameter"].iloc[0] == NAMES[1]
    assert folded["mu_star"].iloc[0] == pytest.approx(2.0)
    with pytest.raises(ValueError, match=r"unknown place 'Gamma'.*P1 \(Alpha Vale\)"):
        sensitivity(sobol_dir, "unemployment_rate", place="Gamma", window_months=WINDOW)


def test_a_missing_run_or_replication_is_an_error_that_says_how_to_complete(
    tmp_path, sobol_dir
):
    x = np.asarray(json.loads((sobol_dir / "sweep.json").read_text())["design_matrix"])
    directory = write_sweep(tmp_path / "partial", "sobol", x)
    parts = sorted((directory / "national").glob("part-*.parquet"))
    first = pd.read_parquet(parts[0])
    first = first[(first["run_id"] != 5) & ~((first["run_id"] == 7) & (first["replication"] == 1))]
    first.to_parquet(parts[0], index=False)
    pd.DataFrame({"run_id": [5], "replication": [0], "error": ["boom"]}).to_parquet(
        directory / "failures.parquet", index=False
    )
    message = rf"2 of {len(x)} runs lack results.*1 failed.*1 not run.*placejobs sweep"
    with pytest.raises(ValueError, match=message):
        sensitivity(directory, "unemployment_rate", window_months=WINDOW)
    assert not (directory / "sensitivity").exists()
    # The places table is complete: a place's analysis runs.
    sensitivity(directory, "unemployment_rate", place="P1", window_months=WINDOW, write=False)


@pytest.mark.parametrize("kind", ["grid", "random"])
def test_grid_and_random_sweeps_are_refused(tmp_path, kind):
    x = np.array([[0.0, 0.0, 0.0], [1.0, 0.5, 0.25]])
    directory = write_sweep(tmp_path / kind, kind, x)
    with pytest.raises(ValueError, match=f"needs a sobol or morris sweep; .* is a {kind} sweep"):
        sensitivity(directory, "unemployment_rate")


def test_unknown_outputs_and_bad_options_are_refused(sobol_dir):
    with pytest.raises(ValueError, match=r"unknown national output 'jobs'; allowed: .*"
                                         r"unemployment_rate"):
        sensitivity(sobol_dir, ["unemployment_rate", "jobs"])
    with pytest.raises(ValueError, match="unknown place output 'theil_unemployment_rate'"):
        sensitivity(sobol_dir, "theil_unemployment_rate", place="P1")
    # In the registry but not recorded by this sweep.
    with pytest.raises(ValueError, match="no column 'median_wage'"):
        sensitivity(sobol_dir, "median_wage", window_months=WINDOW)
    with pytest.raises(ValueError, match="window_months=7 is more than the 6 months"):
        sensitivity(sobol_dir, "unemployment_rate", window_months=7)
    with pytest.raises(ValueError, match="conf_level"):
        sensitivity(sobol_dir, "unemployment_rate", window_months=WINDOW, conf_level=1.5)
    with pytest.raises(ValueError, match="no such file"):
        sensitivity(sobol_dir / "national", "unemployment_rate")


def test_a_constant_output_gives_zeros_and_a_note(sobol_dir, morris_dir):
    with np.errstate(all="raise"):
        s = sensitivity(sobol_dir, ["employment_rate", "unemployment_rate"],
                        window_months=WINDOW, write=False)
        m = sensitivity(morris_dir, "employment_rate", window_months=WINDOW, write=False)
    flat = s[s["output"] == "employment_rate"]
    assert len(flat) == 3
    assert (flat[["S1", "S1_conf", "ST", "ST_conf", "ST_low", "ST_high"]] == 0.0).all().all()
    assert (flat["note"] == CONSTANT_NOTE).all()
    assert (s.loc[s["output"] == "unemployment_rate", "note"] == "").all()
    assert (m[["mu", "mu_star", "mu_star_conf", "sigma"]] == 0.0).all().all()
    assert (m["note"] == CONSTANT_NOTE).all()


def test_the_indices_and_charts_are_written(tmp_path, sobol_dir):
    x = np.asarray(json.loads((sobol_dir / "sweep.json").read_text())["design_matrix"])
    directory = write_sweep(tmp_path / "written", "sobol", x)
    outputs = ["unemployment_rate", "employment_rate"]
    df = sensitivity(directory, outputs, window_months=WINDOW, num_resamples=100)
    out = directory / "sensitivity"
    back = pd.read_parquet(out / "indices.parquet")
    assert tuple(back.columns) == SOBOL_COLUMNS
    pd.testing.assert_frame_equal(back, df)
    for output in outputs:
        png = (out / f"{output}.png").read_bytes()
        assert png.startswith(PNG) and len(png) > 1000
        # the caption line says the sweep (this synthetic sweep.json has no name or seed)
        with Image.open(out / f"{output}.png") as image:
            assert image.info["Description"].startswith(f"{REPLICATIONS} replications · ")
    placed = sensitivity(directory, "good_jobs_share", place="Beta Coast",
                         window_months=WINDOW, num_resamples=100)
    assert pd.read_parquet(out / "indices-P2.parquet")["parameter"].tolist() == (
        placed["parameter"].tolist()
    )
    assert (out / "good_jobs_share-P2.png").read_bytes().startswith(PNG)
    assert sorted(p.name for p in out.iterdir()) == [
        "employment_rate.png", "good_jobs_share-P2.png", "indices-P2.parquet",
        "indices.parquet", "unemployment_rate.png",
    ]
