"""Model statistics on synthetic tables with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.core.indicators import MEASURED_SOURCES, measured_flows
from sim.validation.moments import (
    beveridge_correlation,
    exit_rate_ratio,
    inflow_share_of_swings,
    matching_function,
    mean_absolute_error,
    net_migration_per_1000,
    ratio_interval,
    spearman,
    t_interval,
)


def _cobb_douglas(a: float, b: float, noise: float, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_places, months = 30, 40
    place = np.repeat(np.arange(n_places), months)
    effect = rng.normal(0, 0.5, n_places)[place]
    log_u = rng.normal(8, 0.3, place.size) + 0.5 * effect
    log_v = rng.normal(7, 0.3, place.size) - 0.3 * effect + 0.3 * log_u
    log_h = 1.0 + effect + a * log_u + b * log_v + rng.normal(0, noise, place.size)
    return pd.DataFrame({"place": place, "hires": np.exp(log_h), "unemployed": np.exp(log_u),
                         "vacancies": np.exp(log_v)})


def test_matching_function_recovers_known_elasticities():
    fit = matching_function(_cobb_douglas(0.6, 0.4, 0.05))
    assert fit.elasticity_unemployed == pytest.approx(0.6, abs=4 * fit.se_unemployed)
    assert fit.elasticity_vacancies == pytest.approx(0.4, abs=4 * fit.se_vacancies)
    assert fit.returns_to_scale == pytest.approx(1.0, abs=4 * fit.se_returns_to_scale)
    assert 0 < fit.se_unemployed < 0.05
    assert fit.places == 30 and fit.observations == 1200


def test_matching_standard_errors_grow_with_noise_and_cover_the_truth():
    quiet, loud = (matching_function(_cobb_douglas(0.5, 0.5, s)) for s in (0.02, 0.3))
    assert loud.se_unemployed > 5 * quiet.se_unemployed
    # Over many noisy samples the 95% interval covers the true elasticity about 95% of
    # the time (40 samples: at least 33 under a binomial(40, 0.95) at the 0.1% level).
    covered = 0
    for seed in range(40):
        fit = matching_function(_cobb_douglas(0.5, 0.5, 0.3, seed=seed))
        covered += abs(fit.elasticity_unemployed - 0.5) <= 1.96 * fit.se_unemployed
    assert covered >= 33


def test_place_effects_remove_level_differences():
    d = _cobb_douglas(0.6, 0.4, 0.05)
    # Pooled OLS without place effects would be biased by the correlated effects; with
    # them a place's level does not matter: shifting one place's hires changes nothing.
    shifted = d.copy()
    shifted.loc[shifted["place"] == 0, "hires"] *= 50
    a, b = matching_function(d), matching_function(shifted)
    assert a.elasticity_unemployed == pytest.approx(b.elasticity_unemployed)


def test_matching_function_needs_variation():
    d = pd.DataFrame({"place": [0, 1], "hires": [1.0, 2.0], "unemployed": [3.0, 4.0],
                      "vacancies": [5.0, 6.0]})
    with pytest.raises(ValueError, match="too little variation"):
        matching_function(d)


def test_spearman_and_mae_on_known_inputs():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # ranks (1,2,3,4) and (1,3,2,4): 1 - 6 * 2 / (4 * 15) = 0.8
    assert spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert spearman([1, 2, np.nan, 4, 5], [2, 1, 7, 4, 5]) == pytest.approx(0.8)
    assert np.isnan(spearman([1, 1, 1], [1, 2, 3]))
    assert mean_absolute_error([0.05, 0.04, np.nan], [0.04, 0.06, 0.01]) == pytest.approx(
        0.015)
    with pytest.raises(ValueError):
        spearman([1, 2], [1, 2, 3])


def test_t_interval():
    mean, low, high = t_interval([1.0, 3.0])
    assert mean == 2.0
    # t(0.975, 1) = 12.706, s = sqrt(2), n = 2: half width 12.706
    assert high - mean == pytest.approx(12.7062, rel=1e-4)
    assert low == pytest.approx(2 * mean - high)
    assert np.isnan(t_interval([1.0])[1])


def test_ratio_interval_is_the_ratio_of_means_with_a_delta_method_interval():
    # Hand computation: a = (3, 5), b = (2, 2): r = 4/2 = 2; d = a - 2b = (-1, 1), s_d =
    # sqrt(2); se = sqrt(2) / (sqrt(2) * 2) = 0.5; half width t(0.975, 1) * 0.5.
    r, low, high = ratio_interval([3.0, 5.0], [2.0, 2.0])
    assert r == 2.0
    assert high - r == pytest.approx(12.7062 * 0.5, rel=1e-4)
    assert low == pytest.approx(2 * r - high)
    # A pair whose effect is lost in the noise does not dominate (the mean of the ratios
    # would be (0.6 - 4) / 2 = -1.7).
    assert ratio_interval([60.0, -4.0], [100.0, 1.0])[0] == pytest.approx(56.0 / 101.0)
    # The same ratio in every pair: a zero-width interval; missing pairs are dropped.
    r, low, high = ratio_interval([1.0, 2.0, 3.0, np.nan], [2.0, 4.0, 6.0, 1.0])
    assert (r, low, high) == pytest.approx((0.5, 0.5, 0.5))
    assert all(np.isnan(ratio_interval([1.0], [-1.0])))
    assert np.isnan(ratio_interval([1.0], [2.0])[1])


def test_inflow_share_of_swings():
    months = np.arange(60)
    f = np.full(60, 0.1)
    s = 0.005 * np.exp(0.2 * np.sin(months / 6))
    assert inflow_share_of_swings(s, f) == pytest.approx(1.0)  # only the inflow moves
    assert inflow_share_of_swings(np.full(60, 0.005), 0.1 * np.exp(0.2 * np.sin(months))) \
        == pytest.approx(0.0)
    # Inflow and outflow moving equally and oppositely: each half.
    wave = 0.2 * np.sin(months / 6)
    assert inflow_share_of_swings(0.005 * np.exp(wave), 0.1 * np.exp(-wave)) == pytest.approx(
        0.5)
    assert np.isnan(inflow_share_of_swings(np.full(10, 0.005), np.full(10, 0.1)))


def test_beveridge_and_exit_ratio_and_net_migration():
    u = np.linspace(0.03, 0.06, 20)
    assert beveridge_correlation(u, 0.1 - u) == pytest.approx(-1.0)
    nat = pd.DataFrame({"exit_rate_short": [0.3, 0.3], "exit_rate_long": [0.1, 0.1]})
    assert exit_rate_ratio(nat) == pytest.approx(3.0)
    places = pd.DataFrame({"place": ["A", "A", "B", "B"], "net_migration": [-10.0, -10, 5, 5],
                           "working_age_population": [12_000.0, 12_000, 6000, 6000]})
    got = net_migration_per_1000(places)
    assert got["A"] == pytest.approx(-10.0) and got["B"] == pytest.approx(10.0)


def test_measured_flows_compare_each_worker_with_last_month():
    E, U, A = 0, 1, 4
    before = {"status": np.array([E, E, U, U, U, E, E]),
              "home": np.array([0, 0, 1, 1, 0, 1, 0]),
              "age_months": np.array([300, 300, 300, 300, 300, 700, 400]),
              "months_unemployed": np.array([0, 0, 1, 30, 10, 0, 0])}
    now = {"status": np.array([E, U, E, E, U, U, A]),
           "home": np.array([1, 0, 1, 1, 0, 1, 0]),
           "age_months": np.array([301, 301, 301, 301, 301, 200, 401]),  # row 5: a new person
           "months_unemployed": np.array([0, 0, 0, 0, 11, 0, 0]),
           "skill": np.array([2, 0, 0, 2, 0, 1, 0])}
    got = measured_flows(before, now, 2, employed=E, unemployed=U, absent=A)
    assert list(got) == list(MEASURED_SOURCES)
    assert got["employed_before"].tolist() == [1, 1]  # rows 0 (now in 1) and 1; row 5 is new
    assert got["employed_to_unemployed"].tolist() == [1, 0]
    assert got["unemployed_before"].tolist() == [1, 2]
    assert got["unemployed_to_employed"].tolist() == [0, 2]
    assert got["unemployed_short_before"].tolist() == [0, 1]
    assert got["short_to_employed"].tolist() == [0, 1]
    assert got["unemployed_long_before"].tolist() == [0, 1]
    assert got["long_to_employed"].tolist() == [0, 1]
    assert got["movers"].tolist() == [0, 1]
    assert got["unemployed_basic"].tolist() == [2, 0]
    assert got["active_basic"].tolist() == [2, 1]
    assert got["unemployed_advanced"].tolist() == [0, 0]
    assert got["active_advanced"].tolist() == [0, 2]
    first = measured_flows(None, now, 2, employed=E, unemployed=U, absent=A)
    assert first["employed_before"].tolist() == [0, 0]
    assert first["active_advanced"].tolist() == [0, 2]


def test_measured_flows_skip_the_rows_the_table_grew_by():
    """When entrants or immigrants need more rows than are free, the worker table grows:
    the rows past last month's length are new people and count in no flow (before the
    fix the kernel read past the end of last month's arrays, so two identical runs could
    differ in the measured job-loss and job-finding rates)."""
    E, U, A = 0, 1, 4
    before = {"status": np.array([E, U]), "home": np.array([0, 0]),
              "age_months": np.array([300, 300]), "months_unemployed": np.array([0, 2])}
    now = {"status": np.array([U, E, U, E]), "home": np.array([0, 0, 0, 0]),
           "age_months": np.array([301, 301, 500, 500]),
           "months_unemployed": np.array([0, 0, 0, 0]), "skill": np.array([1, 1, 1, 1])}
    got = measured_flows(before, now, 1, employed=E, unemployed=U, absent=A)
    assert got["employed_before"].tolist() == [1]
    assert got["employed_to_unemployed"].tolist() == [1]
    assert got["unemployed_before"].tolist() == [1]
    assert got["unemployed_to_employed"].tolist() == [1]
    assert got["movers"].tolist() == [0]


def test_net_migration_by_region_cancels_moves_within_a_region():
    """Districts summed to regions: a move between two districts of one region is no flow."""
    places = pd.DataFrame({
        "month": [0, 0, 0, 1, 1, 1], "place": ["a1", "a2", "b1"] * 2,
        "net_migration": [-6.0, 6.0, 0.0, -3.0, 1.0, 2.0],
        "working_age_population": [6000.0, 6000.0, 12_000.0] * 2,
    })
    regions = pd.Series({"a1": "A", "a2": "A", "b1": "B"})
    got = net_migration_per_1000(places, regions)
    assert list(got.index) == ["A", "B"]
    assert got["A"] == pytest.approx(12_000 * (-2.0 / 2) / 12_000)
    assert got["B"] == pytest.approx(12_000 * 1.0 / 12_000)
    by_district = net_migration_per_1000(places)
    assert by_district["a1"] == pytest.approx(12_000 * -4.5 / 6000)
