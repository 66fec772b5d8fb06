"""The skills-funding lever against its baseline (common random numbers, seed 7)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from sim.config.scenario import ScenarioError
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

TARGETS = ["TLC", "TLD", "TLE", "TLF"]
BUDGET = 1e9  # affords F = 3 throughout (about GBP 110 m a month)
F = 3.0
COST = 4_000.0


@cache
def policy(budget: float = BUDGET):
    return run(with_policy(base_scenario(), {
        "lever": "skills_funding", "target": TARGETS, "budget_gbp": budget,
        "funding_multiplier": F, "cost_per_learner_gbp": COST,
    }))


def test_identical_to_baseline_before_start() -> None:
    assert_identical_before(policy(), baseline())


def test_funding_raises_training_in_targets() -> None:
    p, b = policy(), baseline()
    t = mask(p.model, TARGETS)
    during = slice(START - 1, START + SPAN - 1)
    fund = p.probes["funding"]
    # The hook: F in the targets while funded (the budget affords it), 1 elsewhere and after.
    np.testing.assert_array_equal(fund[during][:, t], F)
    assert (fund[:, ~t] == 1.0).all()
    assert (fund[START + SPAN - 1:] == 1.0).all()
    # Course starts and people in training rise in the targets. Starts are few at this
    # scale (about 3 a month over the four places), so compare totals over the months:
    # F = 3 triples the expected starts, so the policy run's total is far above the
    # baseline's (a chance reversal would need a >3-sd draw).
    starts_p = p.probes["entries"][during][:, t].sum()
    starts_b = b.probes["entries"][during][:, t].sum()
    assert starts_p > 1.5 * starts_b, (starts_p, starts_b)
    gain = (p.frame("in_training") - b.frame("in_training"))[START:][:, t].sum(axis=1)
    assert (gain > 0).all(), gain


def test_spend_by_place_and_month_within_budget() -> None:
    p = policy()
    t = mask(p.model, TARGETS)
    spend = assert_spend(p, t, BUDGET)
    assert (spend[START - 1:START + SPAN - 1][:, t] > 0).all()
    # Spend = expected extra starts (people) x cost per learner.
    lever = p.model.mechanisms["policy"].levers[0]
    assert lever.spent < BUDGET  # F capped by the parameter, not the budget


def test_small_budget_lowers_the_multiplier() -> None:
    budget = 3e7
    small = policy(budget)
    t = mask(small.model, TARGETS)
    assert_identical_before(small, baseline())
    spend = assert_spend(small, t, budget)
    # The budget does not stretch to F: the multiplier is reduced so that the month's
    # spend is its allowance (flat profile), and the budget is spent in full.
    fund = small.probes["funding"][START - 1:START + SPAN - 1][:, t]
    assert (fund > 1.0).all() and (fund < F).all()
    np.testing.assert_allclose(spend.sum(), budget, rtol=1e-9)
    np.testing.assert_allclose(spend.sum(axis=1)[START - 1:START + SPAN - 1], budget / SPAN,
                               rtol=1e-9)


def test_funding_by_skill_level_and_employer_links() -> None:
    p = run(with_policy(base_scenario(), {
        "lever": "skills_funding", "target": TARGETS, "budget_gbp": BUDGET,
        "funding_multiplier": F, "cost_per_learner_gbp": COST,
        "skill_levels": ["intermediate"], "employer_linked_share": 0.9,
    }))
    assert_identical_before(p, baseline())
    t = mask(p.model, TARGETS)
    during = slice(START - 1, START + SPAN - 1)
    fund = p.probes["funding"]
    # Only courses for people with intermediate skills are funded.
    np.testing.assert_array_equal(fund[during][:, t, 1], F)
    assert (fund[:, :, 0] == 1.0).all() and (fund[:, ~t] == 1.0).all()
    # The employer-linked share is the lever's in the targets from its first month (and
    # for the longest course after its last, beyond this 12-month run), the scenario's
    # elsewhere and before.
    linked = p.probes["linked"]
    base_share = base_scenario().training.employer_linked_share
    assert (linked[START - 1:][:, t] == 0.9).all()
    assert (linked[:START - 1] == base_share).all() and (linked[:, ~t] == base_share).all()
    # Fewer starts are funded than with both levels, for the same multiplier.
    spend = p.frame("policy_spend")[during][:, t].sum()
    assert 0 < spend < policy().frame("policy_spend")[during][:, t].sum()


def test_unknown_or_repeated_skill_levels_are_refused() -> None:
    for levels in (["advanced"], ["basic", "basic"], []):
        with pytest.raises(ScenarioError, match="skill_levels"):
            with_policy(base_scenario(), {"lever": "skills_funding", "target": "TLC",
                                          "budget_gbp": 1e8, "skill_levels": levels})


def test_refused_without_the_training_mechanism() -> None:
    # The scenario itself is refused (one line, exit status 2 at the command line).
    with pytest.raises(ValueError, match="needs the training mechanism"):
        with_policy(base_scenario(training={"enabled": False}),
                    {"lever": "skills_funding", "target": "TLC", "budget_gbp": 1e8})
