"""Tests of sim.agents.skill_profile: the steady state of training by age.

The profile's promise is that a working life of training turns the entrants into the
data's shares, and that people drawn from their age's mix average to those shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.agents.skill_profile import (
    ENTRY_AGE_MONTHS,
    SkillProfile,
    entrant_shares,
    expected_statuses,
    upgrade_rates,
)
from sim.agents.workers import ABSENT
from sim.core.model import LabourMarket

WORKING_LIFE = 588  # months from 16 to 65


def _stocks(seed: int, n: int = 5) -> np.ndarray:
    # Like the UK's places: basic 25 to 50%, intermediate 15 to 30%, the rest advanced.
    rng = np.random.default_rng(seed)
    basic, middle = rng.uniform(0.25, 0.5, n), rng.uniform(0.15, 0.3, n)
    return np.c_[basic, middle, 1.0 - basic - middle]


@pytest.mark.parametrize("seed", range(6))
def test_entrant_shares_average_over_a_working_life_to_the_stock(seed):
    # Upgrades around the baseline's 0.001 a month: no share is clipped.
    stock = _stocks(seed)
    upgrade = np.random.default_rng(100 + seed).uniform(0.0005, 0.0012, 2)
    entrants = entrant_shares(stock, upgrade, WORKING_LIFE)
    assert np.all(entrants > 1e-6) and np.allclose(entrants.sum(axis=1), 1.0)
    # Follow each cohort through its working life month by month: the mean over ages.
    life = np.zeros_like(stock)
    shares = entrants.copy()
    for _ in range(WORKING_LIFE):
        life += shares
        moved = shares[:, :2] * upgrade
        shares = shares - np.c_[moved, np.zeros(5)] + np.c_[np.zeros(5), moved]
    np.testing.assert_allclose(life / WORKING_LIFE, stock, atol=1e-9)
    # Less qualified than the stock: training moves people up, never down.
    assert np.all(entrants[:, 0] >= stock[:, 0] - 1e-12)
    assert np.all(entrants[:, 2] <= stock[:, 2] + 1e-12)


def test_a_level_too_thin_for_its_upgrades_is_clipped_to_valid_shares():
    # 5% at the intermediate level cannot be the life average of cohorts whose basic
    # members move up at 0.0015 a month: the inverse is negative there, so it is clipped.
    entrants = entrant_shares(np.array([[0.5, 0.05, 0.45]]), np.array([0.0015, 0.001]),
                              WORKING_LIFE)
    assert np.all(entrants >= 0) and entrants.sum() == pytest.approx(1.0)
    assert entrants[0, 1] < 1e-5
    assert entrants[0, 0] > 0.5


def test_without_upgrades_every_age_has_the_stock():
    stock = np.array([[0.4, 0.2, 0.4], [0.3, 0.3, 0.4]])
    np.testing.assert_allclose(entrant_shares(stock, np.zeros(2), WORKING_LIFE), stock,
                               atol=1e-12)
    profile = SkillProfile(stock, np.zeros(2), WORKING_LIFE)
    np.testing.assert_allclose(profile.cumulative[:, 0], np.cumsum(stock, axis=1)[:, :2])
    np.testing.assert_allclose(profile.cumulative[:, -1], np.cumsum(stock, axis=1)[:, :2])


@pytest.mark.parametrize("seed", range(3))
def test_the_mix_by_age_averages_to_the_stock_and_rises_with_age(seed):
    stock = _stocks(seed)
    profile = SkillProfile(stock, np.array([0.0011, 0.0008]), WORKING_LIFE)
    # The mean over ages of P(skill <= k) is the stock's.
    np.testing.assert_allclose(profile.cumulative.mean(axis=1),
                               np.cumsum(stock, axis=1)[:, :2], atol=1e-9)
    # Older people are more qualified: P(skill <= k) falls with age at every level.
    assert np.all(np.diff(profile.cumulative, axis=1) <= 1e-15)
    assert np.all(profile.cumulative[:, 0] > profile.cumulative[:, -1] + 0.01)


def test_draws_follow_the_mix_of_each_age():
    stock = np.array([[0.45, 0.25, 0.30], [0.30, 0.20, 0.50]])
    profile = SkillProfile(stock, np.array([0.0011, 0.0008]), WORKING_LIFE)
    rng = np.random.default_rng(3)
    n = 400_000
    home = rng.integers(0, 2, n)
    age = rng.integers(ENTRY_AGE_MONTHS, ENTRY_AGE_MONTHS + WORKING_LIFE, n)
    skill = profile.draw(rng.random(n), home, age)
    assert skill.dtype == np.int8 and set(np.unique(skill)) == {0, 1, 2}
    # Uniform ages: each place's draws have its stock's shares (s.e. under 0.001).
    for p in range(2):
        shares = np.bincount(skill[home == p], minlength=3) / np.sum(home == p)
        np.testing.assert_allclose(shares, stock[p], atol=0.004)
    # Entrants (age 16) and the oldest: their own mixes.
    for age_months, k in ((ENTRY_AGE_MONTHS, 0), (ENTRY_AGE_MONTHS + WORKING_LIFE - 1, -1)):
        ages = np.full(n, age_months)
        drawn = profile.draw(rng.random(n), np.zeros(n, dtype=np.int64), ages)
        expect = np.diff(np.r_[0.0, profile.cumulative[0, k], 1.0])
        np.testing.assert_allclose(np.bincount(drawn, minlength=3) / n, expect, atol=0.004)


def test_ages_outside_the_working_life_take_its_ends():
    profile = SkillProfile(np.array([[0.45, 0.25, 0.30]]), np.array([0.0011, 0.0008]),
                           WORKING_LIFE)
    u = np.linspace(0.0, 0.999, 1000)
    home = np.zeros(1000, dtype=np.int64)
    young = profile.draw(u, home, np.full(1000, 100))
    np.testing.assert_array_equal(young, profile.draw(u, home, np.full(1000, ENTRY_AGE_MONTHS)))
    old = profile.draw(u, home, np.full(1000, 1200))
    np.testing.assert_array_equal(
        old, profile.draw(u, home, np.full(1000, ENTRY_AGE_MONTHS + WORKING_LIFE - 1)))


def test_the_basic_level_is_less_often_employed_in_the_chains_steady_state():
    places = pd.DataFrame({
        "skill_share_basic": [0.4, 0.3], "skill_share_intermediate": [0.2, 0.2],
        "skill_share_advanced": [0.4, 0.5], "employment_rate": [0.72, 0.78],
        "unemployment_rate": [0.05, 0.035],
    })
    # Basic laid off four times as often as intermediate (rates of the order of the fits').
    flows = sim.Scenario().flows.model_copy(update={"layoff_rate": (0.01, 0.0025, 0.0015)})
    mix = expected_statuses(places, np.array([1000.0, 2000.0]), flows)
    np.testing.assert_allclose(mix.sum(axis=1), 1.0)
    # Less employed, more unemployed and inactive.
    assert mix[0, 0] < mix[1, 0] - 0.05
    assert mix[0, 1] > mix[1, 1] and mix[0, 2] > mix[1, 2]
    # With the same layoff rate at every level, every level has the data's national mix.
    same = flows.model_copy(update={"layoff_rate": (0.004, 0.004, 0.004)})
    mix = expected_statuses(places, np.array([1000.0, 2000.0]), same)
    e = np.array([0.72, 0.78])
    u = e * np.array([0.05, 0.035]) / (1 - np.array([0.05, 0.035]))
    national = np.array([1000.0, 2000.0]) @ np.c_[e, u, 1 - e - u] / 3000.0
    np.testing.assert_allclose(mix, np.tile(national, (2, 1)), atol=1e-12)


def test_upgrade_rates_follow_the_course_rates():
    t = sim.Scenario().training
    statuses = np.array([[0.6, 0.05, 0.35], [0.8, 0.02, 0.18]])
    rates = upgrade_rates(t, statuses)
    # Between the employed's and the unemployed's course rates, turned into upgrades.
    low = t.completion_rate / (1.0 / t.entry_rate_employed + t.duration_months[1])
    high = t.completion_rate / (1.0 / t.entry_rate_unemployed + t.duration_months[0])
    assert np.all((rates > low) & (rates < high))
    # Counts or shares: the same rates.
    np.testing.assert_allclose(upgrade_rates(t, 1000 * statuses), rates)
    doubled = upgrade_rates(t.model_copy(update={"skills_funding": 2.0}), statuses)
    assert np.all(doubled > 1.8 * rates)
    # No courses, no upgrades.
    assert np.all(upgrade_rates(t.model_copy(update={"skills_funding": 0.0}), statuses) == 0)


def test_the_profile_is_off_unless_steady_skills_and_training_are_on():
    sc = sim.Scenario().with_overrides(scale=0.002, burn_in_months=0)
    m = LabourMarket(sc, rng=1)
    places, pop = m.geography.places, np.bincount(m.workers.home)
    on = sc.with_changes({"demography.steady_skills": True, "training.enabled": True})
    assert SkillProfile.of(places, on, pop) is not None
    assert SkillProfile.of(places, on.with_changes({"demography.steady_skills": False}),
                           pop) is None
    assert SkillProfile.of(places, on.with_changes({"training.enabled": False}), pop) is None


def test_the_start_draws_each_age_from_its_mix_and_keeps_the_data_shares():
    # Regions at 1:200, seed 5: about 200,000 agents, so a share's s.e. is about 0.001.
    sc = sim.Scenario().with_overrides(scale=0.005, burn_in_months=0).with_changes(
        {"demography.steady_skills": True, "training.enabled": True})
    m = LabourMarket(sc, rng=5)
    w = m.workers
    present = w.status != ABSENT
    shares = np.bincount(w.skill[present], minlength=3) / present.sum()
    places = m.geography.places
    pop = np.bincount(w.home[present], minlength=len(places))
    data = pop @ places[["skill_share_basic", "skill_share_intermediate",
                         "skill_share_advanced"]].to_numpy() / pop.sum()
    np.testing.assert_allclose(shares, data, atol=0.005)
    young = present & (w.age_months < 12 * 26)
    old = present & (w.age_months >= 12 * 55)
    assert np.mean(w.skill[young] == 0) > np.mean(w.skill[old] == 0) + 0.1
