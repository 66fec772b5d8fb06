"""Business grants: funded jobs go on target firms' targets, spend stays within budget, and
the run is the baseline's until the first policy month (common random numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.config.scenario import parse_scenario

RUN = {"geography": "uk-itl1", "scale": 0.002, "burn_in_months": 12, "months": 24, "seed": 5}
GRANTS = {"lever": "business_grants", "target": "lagging", "start_month": 4, "months": 12,
          "budget_gbp": 3e8, "grant_per_job_gbp": 10_000.0, "retention_months": 6}


def _run(*policies):
    scenario = parse_scenario({"run": RUN, "policy": [dict(p) for p in policies]})
    return sim.run(scenario, progress=False)


@pytest.fixture(scope="module")
def pair():
    return _run(), _run(GRANTS)


def test_identical_to_the_baseline_before_the_first_policy_month(pair):
    base, pol = pair
    before = base.places["month"] < GRANTS["start_month"]
    pd.testing.assert_frame_equal(base.places[before], pol.places[before])
    after = base.places["month"] >= GRANTS["start_month"]
    assert not base.places[after]["employed"].equals(pol.places[after]["employed"])


def test_spend_only_in_target_places_and_months_within_the_budget(pair):
    base, pol = pair
    model = pol.model
    lever = model.mechanisms["policy"].levers[0]
    codes = set(model.geography.places.index[lever.places])
    spend = pol.places.pivot(index="month", columns="place", values="policy_spend")
    assert (base.places["policy_spend"] == 0).all()
    assert (spend.loc[:, ~spend.columns.isin(codes)] == 0).all().all()
    months = spend.sum(axis=1)
    assert (months[months.index < 4] == 0).all() and (months[months.index >= 16] == 0).all()
    assert (months.loc[4:15] > 0).all()
    assert months.sum() <= GRANTS["budget_gbp"] * (1 + 1e-12)
    assert months.sum() == pytest.approx(lever.spent)
    # Each month's spend is a whole number of agent-jobs at the grant per job.
    ppa = pd.Series(model.state.people_per_agent, index=model.geography.places.index)
    jobs = spend.loc[:, sorted(codes)] / (ppa[sorted(codes)] * GRANTS["grant_per_job_gbp"])
    assert np.allclose(jobs, np.rint(jobs))


def test_a_budget_smaller_than_a_month_of_jobs_is_saved_up_and_spent():
    # GBP 2.5e7 over 12 months is about GBP 0.5 m a month per target place, a tenth of
    # one agent's job (500 people x GBP 10,000): each place saves up for its jobs.
    small = {**GRANTS, "budget_gbp": 2.5e7}
    res = _run(small)
    lever = res.model.mechanisms["policy"].levers[0]
    monthly = res.national.set_index("month")["policy_spend"]
    assert monthly.sum() == pytest.approx(lever.spent)
    assert lever.spent <= small["budget_gbp"]
    assert 0 < (monthly.loc[4:15] > 0).sum() < 12
    # What is left is less than one agent's job in each target place.
    ppa = res.model.state.people_per_agent[lever.places]
    assert lever.budget_left < (ppa * small["grant_per_job_gbp"]).sum()


def test_funded_jobs_raise_employment_at_target_firms(pair):
    base, pol = pair
    lever = pol.model.mechanisms["policy"].levers[0]
    target = pol.model.geography.places.index[lever.places]

    def workplace_jobs(res):
        p = res.places[res.places["place"].isin(target)]
        jobs = p["jobs_per_resident_worker"] * p["employed"]
        return jobs.groupby(p["month"]).sum()

    gain = workplace_jobs(pol) - workplace_jobs(base)
    assert (gain.loc[:3] == 0).all()
    # About 300 agent-jobs are funded by month 15 (GBP 3e8 / (500 people x GBP 10,000)
    # = 60 agents of 500 people); employment at target workplaces rises by a good part
    # of the funded jobs (it may not rise one for one: hires come from other firms).
    funded_people = lever.spent / GRANTS["grant_per_job_gbp"]
    assert gain.loc[8:15].mean() > 0.3 * funded_people
    supported = pol.model.mechanisms["policy"].supported_firms(pol.model.state)
    assert supported.any()
    assert set(pol.model.firms.place[supported]) <= set(np.flatnonzero(lever.places))


def test_funded_jobs_leave_the_targets_after_their_retention():
    res = _run(GRANTS)
    model = res.model
    lever = model.mechanisms["policy"].levers[0]
    jobs, _ = lever._cols(model.state)
    # Awards stop in month 15 and are kept 6 months: by month 24 none is on a target.
    assert jobs.sum() == 0
    assert lever.spent > 0


def test_a_spending_profile_shapes_the_monthly_spend():
    # Half the budget in the first of 4 months, then a sixth a month: spend follows the
    # profile (in whole agent-jobs, with what a month cannot buy carried to the next).
    shaped = {**GRANTS, "months": 4, "budget_gbp": 2.4e8,
              "profile": [0.5, 1 / 6, 1 / 6, 1 / 6]}
    res = _run(shaped)
    monthly = res.national.set_index("month")["policy_spend"]
    spent = monthly.loc[4:7]
    assert spent.iloc[0] > 2 * spent.iloc[1:].max()
    assert spent.sum() <= shaped["budget_gbp"] and (monthly.drop(range(4, 8)) == 0).all()


@pytest.mark.parametrize(("profile", "message"), [
    ([0.5, 0.5], "p.toml: policy[0].profile = [0.5, 0.5]: must have one share per spending "
                 "month (12)"),
    ([0.1] * 12, "shares must add up to 1"),
    ([-0.1] + [1.1 / 11] * 11, "policy[0].profile = [-0.1, "),
    ("steep", 'p.toml: policy[0].profile = "steep": must be "flat" or a list of shares'),
])
def test_bad_profiles_are_refused_in_one_line(profile, message):
    from sim.config.scenario import ScenarioError

    with pytest.raises(ScenarioError) as info:
        parse_scenario({"run": RUN, "policy": [{**GRANTS, "profile": profile}]},
                       source="p.toml")
    assert message in str(info.value) and "\n" not in str(info.value)
