"""The Net Zero lever against its baseline (common random numbers, seed 7)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from sim.core.model import LabourMarket
from tests.policies.levers.common import (
    SPAN,
    START,
    assert_identical_before,
    assert_spend,
    base_scenario,
    baseline,
    mask,
    run,
    with_policy,
)

TARGETS = ["TLC", "TLD", "TLE"]
BUDGET = 1.5e9
COST = 50_000.0


@cache
def policy(budget: float = BUDGET):
    return run(with_policy(base_scenario(), {
        "lever": "net_zero", "target": TARGETS, "budget_gbp": budget,
        "cost_per_job_year_gbp": COST,
    }))


def test_identical_to_baseline_before_start() -> None:
    assert_identical_before(policy(), baseline())


def test_programme_jobs_at_sector1_firms_in_targets_only() -> None:
    p, b = policy(), baseline()
    t = mask(p.model, TARGETS)
    during = slice(START, START + SPAN - 1)  # months START+1 .. START+SPAN-1 (0-based rows)
    # Programme jobs are filled (the mechanism's count) in the targets, nowhere else.
    assert (p.probes["programme_jobs"][during][:, t].sum(axis=0) > 0).all()
    assert (p.probes["programme_jobs"][:, ~t] == 0).all()
    assert np.isnan(p.probes["programme_size"][:, ~t]).all()
    # Jobs at sector-1 firms (by workplace) rise in every target place while it runs.
    gain = (p.probes["sector1_jobs"] - b.probes["sector1_jobs"])[during][:, t]
    assert (gain.mean(axis=0) > 0).all(), gain
    # The size follows the allowance: 12 a / (c pi), in agents (whole ones).
    size = p.probes["programme_size"][START - 1][t]
    lever = p.model.mechanisms["policy"].levers[0]
    a = BUDGET / SPAN * lever.weights[t]
    np.testing.assert_array_equal(
        size, np.floor(12 * a / (COST * p.model.state.people_per_agent[t]) + 1e-9))
    # After the months the programme closes: no programme jobs left on targets.
    assert (p.probes["programme_jobs"][START + SPAN :] == 0).all()
    # The lever's supported firms are sector-1 firms of the target places.
    f = p.model.firms
    sup = p.model.mechanisms["policy"].supported_firms(p.model.state)
    assert sup.any() and (f.sector[sup] == 1).all() and t[f.place[sup]].all()


def test_spend_by_place_and_month_within_budget() -> None:
    p = policy()
    t = mask(p.model, TARGETS)
    spend = assert_spend(p, t, BUDGET)
    # Paid for jobs in post: nothing in the first month (jobs posted, not yet filled).
    assert spend[START - 1].sum() == 0
    # Spend = whole programme jobs in post x people per agent x cost / 12, never more
    # jobs than the month's programme size.
    ppa = p.model.state.people_per_agent
    months = slice(START, START + SPAN - 1)
    jobs = spend[months][:, t] / (ppa[t] * COST / 12.0)
    np.testing.assert_allclose(jobs, np.rint(jobs), atol=1e-6)
    assert jobs.sum() > 0
    assert (np.rint(jobs) <= p.probes["programme_size"][months][:, t]).all()


def test_small_budget_buys_a_smaller_programme() -> None:
    small = policy(3e8)
    t = mask(small.model, TARGETS)
    assert_identical_before(small, baseline())
    spend = assert_spend(small, t, 3e8)
    assert spend.sum() < policy().model.mechanisms["policy"].levers[0].spent
    big = np.nansum(policy().probes["programme_size"][:, t])
    assert 0 < np.nansum(small.probes["programme_size"][:, t]) < big


def test_refused_without_the_green_mechanism() -> None:
    # The scenario itself is refused (one line, exit status 2 at the command line).
    with pytest.raises(ValueError, match="needs the green mechanism"):
        with_policy(base_scenario(green={"enabled": False}),
                    {"lever": "net_zero", "target": "TLC", "budget_gbp": 1e8})


def test_refused_where_the_scenarios_own_programme_runs() -> None:
    s = with_policy(base_scenario(green={"programme_jobs_share": 0.01,
                                         "programme_places": ["TLC"]}),
                    {"lever": "net_zero", "target": TARGETS, "budget_gbp": 1e8})
    with pytest.raises(ValueError, match="own \\[green\\] programme"):
        LabourMarket(s, rng=1)
