"""Tests of sim.mechanisms.cycle: the AR(1) demand shocks, their neutrality when off,
and the cycle they make on a small economy (layoffs, a Beveridge curve)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.config.scenario import ScenarioError, parse_scenario
from sim.core.model import LabourMarket
from sim.mechanisms.cycle import CycleParams, CycleProcess


def _ols_ar1(x: np.ndarray) -> tuple[float, float]:
    """Persistence and innovation s.d. of an AR(1) without constant, by least squares
    (columns of ``x`` are independent series, pooled)."""
    x = np.asarray(x).reshape(len(x), -1)
    lag, now = x[:-1].ravel(), x[1:].ravel()
    rho = float(lag @ now / (lag @ lag))
    return rho, float(np.std(now - rho * lag))


# ------------------------------------------------------------------ the shock process
def test_the_shocks_have_the_stated_persistence_and_volatility():
    params = CycleParams(enabled=True, aggregate_persistence=0.965, aggregate_volatility=0.005,
                         regional_persistence=0.9, regional_volatility=0.01)
    n_places, months = 12, 50_000
    proc = CycleProcess(params, n_places)
    rng = np.random.default_rng(3)
    z = np.empty(months)
    r = np.empty((months, n_places))
    for t in range(months):
        proc.advance(rng.standard_normal(1 + n_places))
        z[t], r[t] = proc.aggregate, proc.regional
    # Standard errors: persistence sqrt((1 - rho^2) / T) = 0.0012 (aggregate, T = 50,000)
    # and 0.0006 (regional, pooled T = 600,000); innovation s.d. sigma / sqrt(2 T), 0.3%
    # and 0.1% relative. Tolerances are five or more standard errors.
    rho_a, sd_a = _ols_ar1(z)
    rho_r, sd_r = _ols_ar1(r)
    assert rho_a == pytest.approx(0.965, abs=0.006)
    assert sd_a == pytest.approx(0.005, rel=0.02)
    assert rho_r == pytest.approx(0.9, abs=0.003)
    assert sd_r == pytest.approx(0.01, rel=0.01)
    # Stationary s.d. sigma / sqrt(1 - rho^2) (0.0191 aggregate): about T (1 - rho) / (1 +
    # rho) = 890 independent observations, a relative standard error of 2.4%; 12% allowed.
    assert z.std() == pytest.approx(CycleProcess.stationary_sd(0.965, 0.005), rel=0.12)
    assert r.std() == pytest.approx(CycleProcess.stationary_sd(0.9, 0.01), rel=0.05)
    # Regional shocks are independent across places.
    c = np.corrcoef(r.T)[np.triu_indices(n_places, 1)]
    assert np.abs(c).max() < 0.15  # sampling s.d. of each about 1 / sqrt(2,600) = 0.02


def test_a_stationary_start_draws_from_the_stationary_distribution_and_zero_otherwise():
    params = CycleParams(enabled=True, stationary_start=True)
    rng = np.random.default_rng(4)
    starts = [CycleProcess(params, 3, rng.standard_normal(4)) for _ in range(20_000)]
    z0 = np.array([s.aggregate for s in starts])
    r0 = np.array([s.regional for s in starts])
    sd_a = CycleProcess.stationary_sd(params.aggregate_persistence, params.aggregate_volatility)
    sd_r = CycleProcess.stationary_sd(params.regional_persistence, params.regional_volatility)
    assert z0.std() == pytest.approx(sd_a, rel=0.03)  # s.e. 0.5%
    assert r0.std() == pytest.approx(sd_r, rel=0.03)
    zero = CycleProcess(CycleParams(enabled=True), 3)
    assert zero.aggregate == 0.0 and np.array_equal(zero.regional, np.zeros(3))
    np.testing.assert_array_equal(zero.multiplier, np.ones(3))


# ------------------------------------------------------------------ neutral when off
def _small(months: int = 12, **changes) -> pd.DataFrame:
    sc = sim.load_scenario("scenarios/small.toml").with_overrides(months=months, burn_in_months=6)
    result = sim.run(sc.with_changes(changes) if changes else sc, progress=False)
    return pd.concat([result.places, result.national], axis=1)


def test_disabled_the_cycle_changes_nothing_whatever_its_parameters():
    base = _small()
    assert not sim.load_scenario("scenarios/small.toml").cycle.enabled
    odd = _small(**{"cycle.enabled": False, "cycle.aggregate_volatility": 0.2,
                    "cycle.regional_volatility": 0.2, "cycle.excess_shedding_share": 1.0,
                    "cycle.stationary_start": True})
    pd.testing.assert_frame_equal(base, odd)
    # On, but without shocks or shedding: the shock is exactly 1 and no firm sheds, so
    # the plumbing (targets times the shock, the layoff rate plus 0) is bit-neutral too.
    quiet = _small(**{"cycle.enabled": True, "cycle.aggregate_volatility": 0.0,
                      "cycle.regional_volatility": 0.0, "cycle.excess_shedding_share": 0.0})
    pd.testing.assert_frame_equal(base, quiet)
    # And with shocks it does change the run.
    shocked = _small(**{"cycle.enabled": True})
    assert not shocked["unemployment_rate"].equals(base["unemployment_rate"])


# ------------------------------------------------------------------ the cycle
@pytest.fixture(scope="module")
def cycle_run() -> pd.DataFrame:
    """120 months of the small UK economy (scale 0.002) with the cycle at its defaults."""
    sc = sim.load_scenario("scenarios/small.toml").with_overrides(scale=0.002)
    model = LabourMarket(sc.with_changes({"cycle.enabled": True}), rng=2)
    rows = []
    for _ in range(120):
        employed = float(model.state.accounts.count("employed").sum())  # last month's
        model.step()
        n = model.national
        np.testing.assert_array_equal(model.firm_dynamics.shock, model.cycle.shock)
        rows.append({"z": model.cycle.process.aggregate, "u": n["unemployment_rate"],
                     "v": n["vacancy_rate"], "s": model.layoffs.sum() / employed})
    return pd.DataFrame(rows)


def test_layoffs_rise_when_demand_falls(cycle_run):
    # Firms shed employment above a falling target; once the target stops falling,
    # attrition does the rest, so layoffs follow the fall in demand (over three months
    # here) rather than its level. Over five seeds the layoff rate was 12% to 24% higher
    # in months of falling demand; 8% is required.
    z, s = cycle_run["z"].to_numpy(), cycle_run["s"].to_numpy()
    fall = z[3:] - z[:-3] < 0
    assert fall.sum() > 20 and (~fall).sum() > 20
    assert s[3:][fall].mean() > 1.08 * s[3:][~fall].mean()


def test_vacancies_and_unemployment_move_in_opposite_directions(cycle_run):
    # A Beveridge curve: over five seeds corr(u, v) was -0.36 to -0.74, corr(z, u) -0.76
    # to -0.93 and corr(z, v) 0.26 to 0.83 (u and v are the national rates).
    df = cycle_run
    assert df["u"].corr(df["v"]) < -0.2
    assert df["z"].corr(df["u"]) < -0.5
    assert df["z"].corr(df["v"]) > 0.1
    # The cycle moves unemployment by more than noise: without it the same runs' monthly
    # unemployment rate has a standard deviation of 0.14 to 0.17 points (seeds 2 to 4),
    # with it 0.32 to 0.33.
    assert df["u"].std() > 0.0025


# ------------------------------------------------------------------ the door
@pytest.mark.parametrize(("key", "value", "reason"), [
    ("aggregate_persistence", 1.0, "must be < 1.0"),
    ("regional_persistence", -0.1, "must be >= 0.0"),
    ("aggregate_volatility", -0.01, "must be >= 0.0"),
    ("regional_volatility", 0.5, "must be <= 0.2"),
    ("excess_shedding_share", 1.5, "must be <= 1.0"),
])
def test_values_out_of_range_are_refused_with_one_line(key, value, reason):
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"cycle": {key: value}}, source="x.toml")
    msg = str(info.value)
    assert msg == f"x.toml: cycle.{key} = {value}: {reason}"
    assert "\n" not in msg


def test_the_cycle_needs_firm_dynamics():
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"cycle": {"enabled": True}, "firm_dynamics": {"enabled": False}},
                       source="x.toml")
    assert str(info.value).startswith("x.toml: cycle.enabled = true: needs firm_dynamics")
