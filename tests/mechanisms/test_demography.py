"""Tests of sim.mechanisms.demography: cohorts, retirement, the 16-year lag of early years.

Each test switches on demography alone (the other mechanisms are off by default or
switched off here) and uses fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.agents.workers import ABSENT, EMPLOYED, INACTIVE, UNEMPLOYED
from sim.core.model import LabourMarket
from sim.mechanisms.demography import ENTRY_AGE_MONTHS, Demography

OTHERS_OFF = {
    f"{name}.enabled": False
    for name in ("training", "knowledge", "firm_dynamics", "green", "remote_work", "migration",
                 "international")
}


def _scenario(scale: float = 0.002, geography: str = "uk-itl1", **changes) -> sim.Scenario:
    sc = sim.Scenario().with_overrides(burn_in_months=0, scale=scale, geography=geography)
    return sc.with_changes({**OTHERS_OFF, "demography.enabled": True, **changes})


def _present_by_place(m: LabourMarket) -> np.ndarray:
    wk = m.workers
    return np.bincount(wk.home[wk.status != ABSENT], minlength=m.geography.n_places)


@pytest.mark.parametrize(("geography", "months"), [("uk-itl1", 240), ("grid", 120)])
def test_population_per_place_is_stable_and_workers_are_conserved(geography, months):
    # Entries balance retirements in expectation. The smallest place has about 1,200
    # agents; retirements over 20 years are about 40% of them, a binomial-like count
    # with s.d. about 2% of the population at most, so a 6% band is about 3 s.d. wide
    # (the actual spread with this seed is under 2.5%).
    m = LabourMarket(_scenario(geography=geography), rng=3, debug=True)  # stock-flow checks
    before = _present_by_place(m)
    entrants = retirements = 0
    for _ in range(months):
        m.step()
        entrants += int(m.state.entrants.sum())
        retirements += int(m.state.retirements.sum())
    after = _present_by_place(m)
    assert np.all(np.abs(after / before - 1.0) < 0.06)
    assert after.sum() == before.sum() + entrants - retirements
    assert entrants > 0 and retirements > 0


def test_entrants_are_sixteen_with_their_origins_skill_distribution():
    m = LabourMarket(_scenario(scale=0.01), rng=5)
    wk = m.workers
    # The only absent rows at the start are the spare block at the end of the table.
    n0 = int(np.count_nonzero(wk.status != ABSENT))
    assert np.all(wk.status[:n0] != ABSENT) and np.all(wk.status[n0:] == ABSENT)
    assert len(wk) - n0 == max(1024, n0 // 100)
    rows = []
    for _ in range(120):  # the demography step alone, 10 years of cohorts
        free_before = wk.status == ABSENT
        m.steps += 1  # the clock, as if the model ran the month
        m.demography.step(m.state)
        wk = m.workers
        grew = np.zeros(len(wk), dtype=bool)
        grew[: free_before.size] = free_before
        grew[free_before.size:] = True
        new = np.flatnonzero(grew & (wk.status != ABSENT))
        assert new.size == m.state.entrants.sum()
        rows.append(new)
    rows = np.concatenate(rows)
    assert rows.min() >= n0  # nobody retired, so every entrant is in a new row
    assert np.all(wk.age_months[rows] == ENTRY_AGE_MONTHS)
    assert np.all(wk.home[rows] == wk.origin[rows])
    assert np.all(wk.employer[rows] == -1)
    assert np.all(np.isin(wk.status[rows], (UNEMPLOYED, INACTIVE)))
    assert not np.any(wk.status[rows] == EMPLOYED)
    assert np.all(wk.training_left[rows] == 0) and np.all(wk.trained_with[rows] == -1)
    assert np.all(np.bincount(wk.home[rows], minlength=12) > 1000)
    # Skill shares by place: about 1,000 to 5,000 entrants a place, so a share's
    # standard error is at most 1.6 points; 5 points is over 3 s.e.
    data = m.geography.places[
        ["skill_share_basic", "skill_share_intermediate", "skill_share_advanced"]
    ].to_numpy()
    data = data / data.sum(axis=1, keepdims=True)
    for p in range(12):
        sk = wk.skill[rows[wk.home[rows] == p]]
        shares = np.bincount(sk, minlength=3) / sk.size
        assert np.all(np.abs(shares - data[p]) < 0.05), (p, shares, data[p])
    # Places differ as their data do: London's entrants are more skilled than the
    # North East's (data: 0.58 vs 0.33 advanced).
    codes = list(m.geography.places.index)
    adv = {c: np.mean(wk.skill[rows[wk.home[rows] == codes.index(c)]] == 2)
           for c in ("TLI", "TLC")}
    assert adv["TLI"] > adv["TLC"] + 0.15


def test_retirement_happens_at_the_age_set():
    m = LabourMarket(_scenario(**{"demography.retirement_age_years": 40}), rng=9, debug=True)
    age0 = m.workers.age_months.copy()
    retirements = 0
    for _ in range(12):
        m.step()
        retirements += int(m.state.retirements.sum())
        present = m.workers.status != ABSENT
        assert m.workers.age_months[present].max() < 40 * 12
    # Ages rise by one a month: exactly the workers aged 40 years less 12 months or
    # more at the start have retired.
    assert retirements == int(np.count_nonzero(age0 >= 40 * 12 - 12))


def test_entrants_fill_the_lowest_absent_rows_without_a_scan():
    """The free list (spare rows plus the retirees the flows pass hands over) gives the
    same rows as scanning the table: the lowest-index absent rows, and only those."""
    m = LabourMarket(_scenario(**{"demography.retirement_age_years": 45}), rng=4, debug=True)
    for _ in range(18):
        wk = m.workers
        absent_before = np.flatnonzero(wk.status == ABSENT)
        n_before = len(wk)
        m.step()
        n = int(m.state.entrants.sum())
        assert n > 0 and m.state.retirements.sum() > 0
        assert len(m.workers) == n_before  # the spare rows and retirees suffice
        filled = absent_before[:n]
        assert np.all(m.workers.status[filled] != ABSENT)
        assert np.all(m.workers.age_months[filled] == ENTRY_AGE_MONTHS + 1)
        assert np.all(m.workers.status[absent_before[n:]] == ABSENT)


def _entrant_skills_by_month(m: LabourMarket, months: int, place: int) -> list[np.ndarray]:
    """Skills of each month's entrants in ``place`` (entrants are 193 months old after
    their first month; from month 2 nobody else is)."""
    out = []
    for _ in range(months):
        m.step()
        wk = m.workers
        rows = np.flatnonzero(
            (wk.status != ABSENT) & (wk.age_months == ENTRY_AGE_MONTHS + 1) & (wk.home == place)
        )
        out.append(wk.skill[rows].copy())
    return out


@pytest.mark.parametrize("lag", [24, 192])
def test_early_years_uplift_changes_nothing_until_the_lag_then_raises_skills(lag):
    # Same seed, common random numbers: control and treated runs are identical until
    # the first cohort that grew up with the uplift enters; afterwards each entrant's
    # latent draw is compared with a lower threshold, so skills can only rise, and with
    # ln 2 = 0.69 logistic units of shift and about 10 London entrants a month
    # (120 over a year, each with a chance of about 0.15 of moving up) the year's sum
    # is higher with near certainty.
    london = 6
    months = lag + 12
    changes = {"demography.cohort_lag_months": lag}
    control = LabourMarket(_scenario(scale=0.001, **changes), rng=11)
    treated = LabourMarket(_scenario(scale=0.001, **changes), rng=11)
    assert control.geography.places.index[london] == "TLI"
    treated.place_state.early_years_quality[london] = 2.0
    a = _entrant_skills_by_month(control, months, london)
    b = _entrant_skills_by_month(treated, months, london)
    for t in range(1, lag):  # months 2..lag (month 1 mixes in the initial 16-year-olds)
        assert np.array_equal(a[t], b[t]), t
    nat_a, nat_b = control.national_frame(), treated.national_frame()
    pd.testing.assert_frame_equal(nat_a.iloc[:lag], nat_b.iloc[:lag], check_exact=True)
    after_a = np.concatenate(a[lag:])
    after_b = np.concatenate(b[lag:])
    assert after_a.size == after_b.size > 60
    assert np.all(after_b >= after_a)
    assert after_b.sum() > after_a.sum()


def test_lagged_shift_reads_history_from_cohort_lag_months_earlier():
    m = LabourMarket(_scenario(scale=0.0005, **{"demography.cohort_lag_months": 3}), rng=1)
    dem: Demography = m.demography
    ps = m.place_state
    shifts = []
    for t in range(7):
        ps.early_years_quality[:] = np.e ** t  # ln EYQ = t
        shifts.append(dem._lagged_shift(m.state, t)[0])
    # Before the start the history is the initial value (ln 1 = 0); then t - 3.
    assert shifts == pytest.approx([0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0])


def test_innovation_exposure_is_relative_to_its_reference():
    m = LabourMarket(_scenario(scale=0.0005, **{"demography.cohort_lag_months": 2}), rng=1)
    dem: Demography = m.demography
    ps = m.place_state
    ps.knowledge_stock[:] = 0.0  # knowledge off: no term
    assert np.all(dem._lagged_shift(m.state, 0) == 0.0)
    ps.knowledge_stock[:] = dem._persons  # equal per person: reference 0 everywhere
    dem._lagged_shift(m.state, 1)
    ps.knowledge_stock[0] *= 5.0
    dem._lagged_shift(m.state, 2)
    dem._lagged_shift(m.state, 3)
    shift = dem._lagged_shift(m.state, 4)  # reads month 2
    effect = m.scenario.demography.innovation_exposure_effect
    assert shift[0] > 0.0 and shift[0] == pytest.approx(effect * np.log(5.0 / (
        (dem._persons.sum() + 4 * dem._persons[0]) / dem._persons.sum())))
    assert np.all(shift[1:] < 0.0)


def test_debug_run_with_the_default_mechanisms_and_training():
    # Integration: demography with whatever else is on by default (and training), on a
    # synthetic geography; check_stock_flow runs inside every month.
    sc = sim.Scenario().with_overrides(burn_in_months=0, scale=0.002, geography="grid")
    m = LabourMarket(
        sc.with_changes({"demography.enabled": True, "training.enabled": True}), rng=12,
        debug=True,
    )
    m.run_for(24)
    wk = m.workers
    present = wk.status != ABSENT
    assert np.all(wk.age_months[present] < 65 * 12)
    assert m.national_frame()["entrants"].sum() > 0


# --------------------------------------------------------------------------------------------
# Cohorts that keep the skill mix still (demography.steady_skills; the profile's own tests
# are in tests/agents/test_skill_profile.py)
# --------------------------------------------------------------------------------------------


def test_steady_skills_keep_the_graduate_share_from_rising():
    # Regions at 1:500, training on, 15 years from the start, seed 8: the default cohorts
    # (data shares) let training lift the graduate share by about 2 points; cohorts that
    # train up to the data hold it within a fraction of that. A share of about 80,000
    # agents moves by well under 0.5 points by chance.
    def graduate_share_change(steady: bool) -> float:
        sc = _scenario(**{"training.enabled": True, "demography.steady_skills": steady})
        m = LabourMarket(sc, rng=8)

        def share() -> float:
            present = m.workers.status != ABSENT
            return float(np.mean(m.workers.skill[present] == 2))

        before = share()
        m.run_for(180)
        return share() - before

    default, steady = graduate_share_change(False), graduate_share_change(True)
    assert default > 0.01
    assert abs(steady) < 0.4 * default


def test_the_steady_profile_settles_on_the_models_statuses_during_the_burn_in():
    # Regions at 1:500, seed 3: the profile starts from the chain's statuses
    # (SkillProfile.of), is re-derived every 12 months of the burn-in from the model's own
    # statuses by level, and is fixed once recording starts (a policy's courses do not
    # move it). LabourMarket runs the burn-in when it is built.
    on = {"training.enabled": True, "demography.steady_skills": True}
    no_burn_in = LabourMarket(_scenario(**on), rng=3)
    chain = no_burn_in.state.mechanism("demography").profile.upgrade.copy()
    no_burn_in.run_for(13)  # recorded months only: nothing re-derived
    assert np.array_equal(no_burn_in.state.mechanism("demography").profile.upgrade, chain)

    m = LabourMarket(_scenario(**on).with_overrides(burn_in_months=36), rng=3)
    demography = m.state.mechanism("demography")
    settled = demography.profile.upgrade.copy()
    assert not np.array_equal(settled, chain)
    assert np.allclose(settled, chain, rtol=0.3)
    m.run_for(25)
    assert np.array_equal(demography.profile.upgrade, settled)
    # The entrants' thresholds follow the settled profile.
    cum = np.cumsum(demography.profile.entrants, axis=1)[:, :2]
    np.testing.assert_allclose(1.0 / (1.0 + np.exp(-demography._thresholds)), cum, atol=1e-9)
