"""The digital-infrastructure lever against its baseline (common random numbers, seed 7)."""

from __future__ import annotations

from functools import cache

import numpy as np

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

TARGETS = ["TLC", "TLL", "TLN"]
COST = 5_000.0


@cache
def policy(budget: float, target_coverage: float = 1.0):
    return run(with_policy(base_scenario(), {
        "lever": "digital_infrastructure", "target": TARGETS, "budget_gbp": budget,
        "cost_per_premise_gbp": COST, "target_coverage": target_coverage,
    }))


def test_identical_to_baseline_before_start() -> None:
    assert_identical_before(policy(1e8), baseline())


def test_broadband_and_remote_capability_rise_in_targets() -> None:
    budget = 1e8
    p, b = policy(budget), baseline()
    t = mask(p.model, TARGETS)
    bb, bb0 = p.probes["broadband"], b.probes["broadband"]
    # Coverage rises by premises passed / premises, month by month, in the targets only.
    lever = p.model.mechanisms["policy"].levers[0]
    step = budget / SPAN * lever.weights / (COST * lever.premises)
    np.testing.assert_allclose(bb[START - 1][t] - bb0[START - 1][t], step[t], rtol=1e-9)
    np.testing.assert_allclose(bb[START + SPAN - 2][t] - bb0[0][t], SPAN * step[t], rtol=1e-9)
    np.testing.assert_array_equal(bb[:, ~t], bb0[:, ~t])
    # It stays once built.
    np.testing.assert_array_equal(bb[-1], bb[START + SPAN - 2])


def test_remote_capability_follows_coverage() -> None:
    # The remote-work stage refreshes capability in the changed places, the same month:
    # residents whose fixed uniform lies between the old and the new coverage become
    # remote-capable. 1 bn takes the three places from 97.3%, 96.1% and 98.2% to 99%:
    # about 1,000 + 1,000 + 600 residents (agents), some 40% of them in remote-capable
    # occupations, so about 15 agents in all gain capability (0-9 a place: Northern
    # Ireland's expected gain, about 2, may be 0). The targets' total gain is positive
    # every month; no place loses on average (only movers could change it downward).
    p, b = policy(1e9, 0.99), baseline()
    t = mask(p.model, TARGETS)
    gain = p.frame("remote_capable_share") - b.frame("remote_capable_share")
    assert (gain[: START - 1] == 0).all()
    assert (gain[START - 1:][:, t].mean(axis=0) >= 0).all(), gain[:, t]
    assert (gain[START - 1:][:, t].sum(axis=1) > 0).all(), gain[:, t]


def test_spend_by_place_and_month_within_budget() -> None:
    budget = 1e8
    p = policy(budget)
    spend = assert_spend(p, mask(p.model, TARGETS), budget)
    np.testing.assert_allclose(spend.sum(), budget, rtol=1e-9)  # far from full coverage


def test_spend_stops_when_coverage_reaches_the_target() -> None:
    # 6 bn (1 bn a month) would connect every premise of the three places: the lever
    # reaches the target coverage in its first month, then spends nothing, leaving most
    # of the budget unspent.
    budget, cover = 6e9, 0.99
    p, b = policy(budget, cover), baseline()
    t = mask(p.model, TARGETS)
    assert_identical_before(p, b)
    spend = assert_spend(p, t, budget)
    bb = p.probes["broadband"]
    np.testing.assert_allclose(bb[START - 1:][:, t], cover, rtol=0, atol=1e-12)
    assert spend[START - 1].sum() > 0
    assert (spend[START:] == 0).all()
    lever = p.model.mechanisms["policy"].levers[0]
    premises = ((cover - b.probes["broadband"][0]) * lever.premises)[t].sum()
    np.testing.assert_allclose(spend.sum(), premises * COST, rtol=1e-9)
    assert spend.sum() < budget / SPAN
