"""Tests of sim.mechanisms.training and sim.kernels.training: entry, countdown, completion, skill
upgrade and the hiring edge of employer-linked training.

Each model test switches on training alone (demography too only in the joint
stock-flow run) with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.agents.workers import ABSENT, EMPLOYED, INACTIVE, TRAINING, UNEMPLOYED
from sim.core.model import LabourMarket
from sim.kernels.bundles import TrainingArgs, make
from sim.kernels.rng import stream_key
from sim.kernels.training import training_month
from tests.kernels.bundle_helpers import worker_bundle

OTHERS_OFF = {
    f"{name}.enabled": False
    for name in ("demography", "knowledge", "firm_dynamics", "green", "remote_work", "migration",
                 "international")
}


def _scenario(scale: float = 0.002, geography: str = "uk-itl1", **changes) -> sim.Scenario:
    sc = sim.Scenario().with_overrides(burn_in_months=0, scale=scale, geography=geography)
    return sc.with_changes({**OTHERS_OFF, "training.enabled": True, **changes})


def _kernel_inputs(n: int, status: int, skill: int, left: int) -> dict:
    return {
        "home": np.arange(n, dtype=np.int16) % 3,
        "skill": np.full(n, skill, dtype=np.int8),
        "human_capital": np.full(n, 1.44, dtype=np.float32),
        "status": np.full(n, status, dtype=np.int8),
        "training_left": np.full(n, left, dtype=np.int16),
        "trained_with": np.full(n, -1, dtype=np.int16),
        "months_unemployed": np.full(n, 5, dtype=np.int16),
        "searching": np.zeros(n, dtype=np.bool_),
    }


def _run_kernel(cols: dict, rates=(0.0, 0.0, 0.0), completion=1.0, linked=0.0, funding=1.0,
                earning_power=(1.0, 1.0, 1.0)):
    entries = np.zeros(3, dtype=np.int64)
    completions = np.zeros(3, dtype=np.int64)
    training_month(
        worker_bundle(cols), cols["searching"],
        make(TrainingArgs, run=True, key=stream_key(1, 0, 12),
             rate_by_status=np.asarray(rates, dtype=float), funding=np.full((3, 2), funding),
             duration_by_skill=np.array([12, 24], dtype=np.int16), completion_rate=completion,
             linked_share=np.full(3, linked), earning_power=np.asarray(earning_power, float),
             entries=entries, completions=completions),
    )
    return entries, completions


# ----------------------------------------------------------------------- kernel
@pytest.mark.parametrize("skill", [0, 1])
def test_completion_raises_skill_by_exactly_one_level(skill):
    cols = _kernel_inputs(1000, TRAINING, skill, 1)
    _, completions = _run_kernel(cols, completion=1.0, linked=1.0)
    assert np.all(cols["skill"] == skill + 1)
    assert np.all(cols["status"] == UNEMPLOYED) and np.all(cols["searching"])
    assert np.all(cols["training_left"] == 0)
    assert np.all(cols["months_unemployed"] == 0)
    assert np.allclose(cols["human_capital"], 1.2)  # sqrt(1.44): halfway back in logs
    assert np.all(cols["trained_with"] == cols["home"])  # every course employer-linked
    assert completions.sum() == 1000


def test_completion_keeps_the_residents_earning_power():
    """With a pay residual (wages.settle_pay) a resident's human capital is ``h f_p``; a
    course takes ``h`` halfway back to 1 in logs and keeps ``f_p``: ``sqrt(h) f_p``."""
    factor = np.array([1.0, 1.5, 0.8])
    cols = _kernel_inputs(999, TRAINING, 0, 1)
    cols["human_capital"] = (1.44 * factor[cols["home"]]).astype(np.float32)
    _run_kernel(cols, completion=1.0, earning_power=factor)
    np.testing.assert_allclose(cols["human_capital"], 1.2 * factor[cols["home"]], rtol=1e-6)
    assert not np.allclose(cols["human_capital"], np.sqrt(1.44 * factor[cols["home"]]))


def test_non_completion_returns_to_unemployment_at_the_same_skill():
    cols = _kernel_inputs(1000, TRAINING, 0, 1)
    _, completions = _run_kernel(cols, completion=0.0, linked=1.0)
    assert np.all(cols["skill"] == 0) and np.all(cols["status"] == UNEMPLOYED)
    assert np.all(cols["trained_with"] == -1) and completions.sum() == 0


def test_employed_trainees_keep_their_job_and_count_down():
    cols = _kernel_inputs(1000, EMPLOYED, 0, 5)
    _run_kernel(cols)
    assert np.all(cols["status"] == EMPLOYED) and np.all(cols["training_left"] == 4)
    cols = _kernel_inputs(1000, EMPLOYED, 0, 1)
    _run_kernel(cols, completion=1.0)
    assert np.all(cols["status"] == EMPLOYED) and np.all(cols["skill"] == 1)


@pytest.mark.parametrize(("status", "index"), [(EMPLOYED, 0), (UNEMPLOYED, 1), (INACTIVE, 2)])
def test_entry_rates_by_status_funding_and_skill(status, index):
    # 20,000 draws at 0.1 x 2: binomial s.d. 0.0028 around 0.2, so the band is 5 s.d.
    rates = np.zeros(3)
    rates[index] = 0.1
    cols = _kernel_inputs(20_000, status, 0, 0)
    cols["searching"][:] = True
    entries, _ = _run_kernel(cols, rates=rates, funding=2.0)
    started = cols["training_left"] > 0
    assert entries.sum() == started.sum()
    assert abs(started.mean() - 0.2) < 0.014
    assert np.all(cols["training_left"][started] == 12)
    if status == EMPLOYED:
        assert np.all(cols["status"] == EMPLOYED) and np.all(cols["searching"])
    else:
        assert np.all(cols["status"][started] == TRAINING)
        assert not np.any(cols["searching"][started])
    advanced = _kernel_inputs(20_000, status, 2, 0)  # nobody above advanced level
    entries, _ = _run_kernel(advanced, rates=rates, funding=2.0)
    assert entries.sum() == 0 and np.all(advanced["training_left"] == 0)


def test_employed_entry_by_thinning_has_the_right_rate_and_common_random_numbers():
    # 300,000 employed at 0.001 x 2 = 0.002: 600 starts expected, s.d. about 24.
    cols = _kernel_inputs(300_000, EMPLOYED, 0, 0)
    base = {k: v.copy() for k, v in cols.items()}
    entries, _ = _run_kernel(cols, rates=(0.001, 0.0, 0.0), funding=2.0)
    assert 500 < entries.sum() < 700
    # Raising funding in place 0 only: places 1 and 2 start exactly the same courses.
    funding = np.array([[5.0] * 2, [2.0] * 2, [2.0] * 2])  # 2.5 times the rate in place 0
    entries2 = np.zeros(3, dtype=np.int64)
    training_month(
        worker_bundle(base), base["searching"],
        make(TrainingArgs, run=True, key=stream_key(1, 0, 12),
             rate_by_status=np.array([0.001, 0.0, 0.0]), funding=funding,
             duration_by_skill=np.array([12, 24], dtype=np.int16), completion_rate=1.0,
             linked_share=np.zeros(3), earning_power=np.ones(3), entries=entries2,
             completions=np.zeros(3, dtype=np.int64)),
    )
    other = base["home"] != 0
    assert np.array_equal(base["training_left"][other], cols["training_left"][other])
    assert entries2[0] > 2 * entries[0]
    started_before = (cols["training_left"] > 0) & ~other
    assert np.all(base["training_left"][started_before] > 0)  # monotone in funding


# ----------------------------------------------------------------------- model
def test_training_raises_skill_shares_against_the_same_seed_without_it():
    # Without training (and without demography) skills never change, so any upgrade is
    # the mechanism's: after 5 years the advanced share is 0.7 points and the
    # intermediate share 1.1 points higher with this seed (asked: 0.3 and 0.5 points).
    runs = {}
    for on in (False, True):
        m = LabourMarket(_scenario(**{"training.enabled": on}), rng=4)
        m.run_for(60)
        runs[on] = m.national_frame().iloc[-1]
    off, on = runs[False], runs[True]
    assert on.skill_share_advanced > off.skill_share_advanced + 0.003
    assert (on.skill_share_advanced + on.skill_share_intermediate
            > off.skill_share_advanced + off.skill_share_intermediate + 0.005)
    assert on.in_training > 0 and off.in_training == 0


def test_trainees_never_search_nor_get_hired_and_skills_move_one_level_at_completion():
    m = LabourMarket(_scenario(**{"training.entry_rate_unemployed": 0.3}), rng=6, debug=True)
    wk = m.workers
    checked = 0
    for _ in range(18):
        status0, left0, skill0 = wk.status.copy(), wk.training_left.copy(), wk.skill.copy()
        m.step()
        busy = (status0 == TRAINING) & (left0 >= 2)  # cannot finish this month
        assert np.all(wk.status[busy] == TRAINING)
        assert not np.any(m.workers.searching[wk.status == TRAINING])
        assert np.all(wk.employer[wk.status == TRAINING] == -1)
        change = wk.skill.astype(int) - skill0
        assert set(np.unique(change)) <= {0, 1}
        assert np.all(left0[change == 1] == 1)  # only completers move up
        checked += int(busy.sum())
    assert checked > 1000


def test_employer_linked_trainees_are_hired_more_often_by_local_firms():
    # Common random numbers: both runs draw the same applications; only the score of the
    # linked half of the unemployed at firms in their own place differs (by the default
    # bonus, 0.5). The linked half's local hires rise by about 45% (349 -> 503 with this
    # seed, 336 -> 503 and 350 -> 504 with seeds 1 and 2; the test asks for +30%). Before
    # the frictions of issue 9 they doubled: with few applications read, a vacancy has
    # few applicants to rank, so a better score wins less often. The unlinked
    # half's local hires need not fall: a linked worker who now takes a better local job
    # frees the one they took before, which an unlinked worker may fill.
    sc = _scenario(scale=0.005, **{
        "training.entry_rate_unemployed": 0.0, "training.entry_rate_inactive": 0.0,
        "training.entry_rate_employed": 0.0,
    })
    local = {}
    for linked in (False, True):
        m = LabourMarket(sc, rng=8)
        m.run_for(2)
        wk = m.workers
        unemployed = np.flatnonzero(wk.status == UNEMPLOYED)
        group = unemployed[np.random.default_rng(0).random(unemployed.size) < 0.5]
        if linked:
            wk.trained_with[group] = wk.home[group]
        others = np.setdiff1d(unemployed, group)
        m.step()
        emp = wk.status == EMPLOYED
        at_home = np.zeros(len(wk), dtype=bool)
        at_home[emp] = m.firms.place[wk.employer[emp]] == wk.home[emp]
        local[linked] = (int(at_home[group].sum()), int(at_home[others].sum()))
    assert local[True][0] > 1.3 * local[False][0]
    # ...while all local hires together rise by less than the linked half's gain.
    assert sum(local[True]) - sum(local[False]) < local[True][0] - local[False][0] + 50


def test_stock_flow_identities_with_training_and_demography():
    m = LabourMarket(_scenario(**{"demography.enabled": True}), rng=2, debug=True)
    m.run_for(36)  # check_stock_flow runs every month
    wk = m.workers
    assert np.all(wk.training_left[wk.status == TRAINING] > 0)
    assert np.all(wk.training_left[wk.status == ABSENT] == 0)
    assert np.all(wk.skill <= 2)


# --------------------------------------------------------------------------- the start
def _start(on: bool, scale: float = 0.01) -> LabourMarket:
    return LabourMarket(_scenario(scale=scale, **{"training.start_in_courses": on}), rng=7)


def test_the_start_puts_each_status_and_level_on_courses_in_the_steady_share():
    # pi = p d / (1 + p d) with p the status's entry rate (funding 1) and d the level's
    # course length; checked within 4 binomial standard deviations for each (status,
    # level) among the people the start draws (the same seed with the switch off gives
    # the statuses before the courses).
    off, on = _start(False), _start(True)
    p = on.config.training
    rates = {EMPLOYED: p.entry_rate_employed, UNEMPLOYED: p.entry_rate_unemployed,
             INACTIVE: p.entry_rate_inactive}
    status0, skill = np.asarray(off.workers.status), np.asarray(on.workers.skill)
    assert np.array_equal(skill, np.asarray(off.workers.skill))
    left = np.asarray(on.workers.training_left)
    for status, rate in rates.items():
        for level in (0, 1):
            group = (status0 == status) & (skill == level)
            d = p.duration_months[level]
            pi = rate * d / (1.0 + rate * d)
            n = int(group.sum())
            share = np.count_nonzero(left[group] > 0) / n
            assert abs(share - pi) <= 4.0 * np.sqrt(pi * (1 - pi) / n), (status, level)
            months = left[group & (left > 0)]
            assert months.min() >= 1 and months.max() <= d
            # uniform on 1..d: mean (d + 1) / 2 within 4 standard errors
            se = np.sqrt((d * d - 1) / 12.0 / months.size)
            assert abs(months.mean() - (d + 1) / 2) <= 4.0 * se, (status, level)
    assert not np.any(left[skill == 2])


def test_the_start_keeps_employed_learners_in_work_and_takes_the_others_out_of_search():
    off, on = _start(False), _start(True)
    status0, status = np.asarray(off.workers.status), np.asarray(on.workers.status)
    left = np.asarray(on.workers.training_left)
    course = left > 0
    assert np.all(status[course & (status0 == EMPLOYED)] == EMPLOYED)
    assert np.all(status[course & (status0 != EMPLOYED)] == TRAINING)
    assert np.array_equal(status[~course], status0[~course])
    assert np.array_equal(np.asarray(on.workers.employer), np.asarray(off.workers.employer))
    training = on.state.mechanism("training")
    assert training.started_in_courses == int(course.sum())
    home = np.asarray(on.workers.home)
    assert np.array_equal(
        training.started_inactive,
        np.bincount(home[course & (status0 == INACTIVE)], minlength=on.state.n_places))
    # Those taken from inactivity still count in the inactive share the burn-in holds
    assert np.allclose(on._inactive_share_start, off._inactive_share_start, equal_nan=True)


def test_without_the_switch_no_one_is_on_a_course_and_the_first_month_completes_none():
    # Off, the first 12 months have no completions at all (the shortest course); on, the
    # first month completes about a twelfth of the basic level's courses in progress.
    off, on = _start(False, scale=0.003), _start(True, scale=0.003)
    assert not np.any(np.asarray(off.workers.training_left))
    assert off.state.mechanism("training").started_in_courses == 0
    off.run_for(1)
    on.run_for(1)
    assert off.state.mechanism("training").completions.sum() == 0
    assert on.state.mechanism("training").completions.sum() > 0
