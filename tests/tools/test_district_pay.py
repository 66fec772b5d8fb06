"""``tools/district_pay.py``: the line and its swaps are exact where they must be."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

_PATH = Path(__file__).resolve().parents[2] / "tools" / "district_pay.py"
_spec = importlib.util.spec_from_file_location("district_pay_tool", _PATH)
district_pay = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(district_pay)


def _inputs(n: int = 60, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = [f"{'EWSN'[i % 4]}{i:08d}" for i in range(n)]
    return pd.DataFrame({
        "advanced": rng.uniform(0.2, 0.6, n),
        "intermediate": rng.uniform(0.1, 0.3, n),
        "log_gva_per_hour": rng.normal(3.5, 0.2, n),
        "unemployment": rng.uniform(0.02, 0.08, n),
        "log_density": rng.normal(6.0, 1.5, n),
        "employment": rng.uniform(0.65, 0.8, n),
        "log_jobs_per_person": rng.normal(-0.4, 0.3, n),
        "broadband": rng.uniform(0.9, 1.0, n),
        "gigabit": rng.uniform(0.2, 0.9, n),
        "region": rng.choice(["R1", "R2", "R3"], n),
    }, index=pd.Index(codes))


def _pay(x: pd.DataFrame, beta: dict[str, float], noise: float, seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    log_pay = 6.0 + sum(beta[k] * x[k] for k in beta) + noise * rng.standard_normal(len(x))
    return np.exp(log_pay)


def test_the_line_recovers_the_coefficients_of_each_pay():
    x = _inputs()
    model = {"advanced": 0.4, "log_gva_per_hour": 0.35, "unemployment": -0.3}
    data = {"advanced": 0.7, "log_gva_per_hour": 0.15, "unemployment": -2.3}
    out = district_pay.decompose(_pay(x, model, 0.0, 1), _pay(x, data, 0.0, 2), x)
    coef = out["coefficients"]
    for name, value in model.items():
        assert coef.at[name, "model"] == pytest.approx(value, abs=1e-9)
    for name, value in data.items():
        assert coef.at[name, "data"] == pytest.approx(value, abs=1e-9)
    assert out["r2"] == pytest.approx((1.0, 1.0))
    assert out["fitted_rank"][1] == pytest.approx(1.0)  # the data's line is the data
    assert out["districts"] == len(x)
    assert set(out["rank_by_nation"]) == {"E", "W", "S", "N"}


def test_swapping_an_equal_coefficient_changes_nothing_and_a_different_one_does():
    x = _inputs()
    beta = {"advanced": 0.7, "log_gva_per_hour": 0.15, "unemployment": -2.3}
    other = dict(beta, unemployment=+2.0)
    out = district_pay.decompose(_pay(x, other, 0.0, 1), _pay(x, beta, 0.0, 2), x)
    model_with_data = out["swaps"]["advanced"][1]
    assert model_with_data == pytest.approx(out["fitted_rank"][0])
    assert out["swaps"]["unemployment"][1] == pytest.approx(1.0)
    assert out["swaps"]["unemployment"][0] < 1.0


def test_the_ceiling_sees_an_input_the_line_leaves_out():
    x = _inputs()
    data = _pay(x, {"advanced": 0.7, "employment": 3.0}, 0.0, 2)
    out = district_pay.decompose(data, data, x)
    assert out["ceiling"] == pytest.approx(1.0)
    assert out["fitted_rank"][1] < 0.95  # the line without employment misses it
    assert np.isnan(district_pay.decompose(data, data, x[list(district_pay.INPUTS)
                                                           + ["region"]])["ceiling"])


def test_out_of_sample_the_line_ranks_below_in_sample_unless_exact():
    x = _inputs(n=80)
    exact = _pay(x, {"advanced": 0.7, "unemployment": -2.3}, 0.0, 2)
    assert district_pay.cross_validated(exact, x, district_pay.INPUTS) == pytest.approx(
        (1.0, 1.0, 1.0))
    noisy = _pay(x, {"advanced": 0.7, "unemployment": -2.3}, 0.05, 2)
    mid, low, high = district_pay.cross_validated(noisy, x, district_pay.INPUTS)
    frame = district_pay.design(x)
    in_sample = district_pay.rank(frame.to_numpy() @ district_pay.fit(np.log(noisy), frame)[0],
                                  noisy)
    assert low <= mid <= high < in_sample


def test_sampling_noise_reads_the_intervals():
    codes = pd.Index([f"E{i:08d}" for i in range(50)])
    pay = np.linspace(400.0, 600.0, 50)
    table = pd.DataFrame({
        "areacd": list(codes) + ["X"],
        "indicator": "Gross median weekly pay",
        "period": "2019-04-10",
        "observation": list(pay) + [1.0],
        "lci_95": list(pay * (1 - 0.05 * 1.96)) + [0.0],
        "uci_95": list(pay * (1 + 0.05 * 1.96)) + [2.0],
    })
    rse, noisy, n = district_pay.sampling_noise(table, codes)
    assert n == 50 and rse == pytest.approx(0.05)
    assert 0.5 < noisy < 1.0
    exact = table.assign(lci_95=table["observation"], uci_95=table["observation"])
    assert district_pay.sampling_noise(exact, codes)[1] == pytest.approx(1.0)


def test_missing_pay_is_left_out():
    x = _inputs()
    pay = _pay(x, {"advanced": 0.5}, 0.01, 1)
    data = pay.copy()
    data.iloc[:5] = np.nan
    out = district_pay.decompose(pay, data, x)
    assert out["districts"] == len(x) - 5
    assert out["rank"] == pytest.approx(1.0)


def test_a_directory_without_results_is_an_error(tmp_path, capsys):
    assert district_pay.main([str(tmp_path)]) == 2
    assert "no places.parquet" in capsys.readouterr().err
