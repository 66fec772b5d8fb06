"""The R&D-diffusion lever against its baseline (common random numbers, seed 7)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from sim.config.scenario import ScenarioError
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

TARGETS = ["TLC", "TLE"]
DONORS = "golden-triangle"
BUDGET = 6e8


@cache
def policy(mode: str = "add", budget: float = BUDGET):
    extra = {"relocate_from": DONORS} if mode == "relocate" else {}
    return run(with_policy(base_scenario(), {
        "lever": "rd_diffusion", "target": TARGETS, "budget_gbp": budget, "mode": mode,
        **extra,
    }))


def test_identical_to_baseline_before_start() -> None:
    assert_identical_before(policy(), baseline())
    assert_identical_before(policy("relocate"), baseline())


def test_public_rd_and_knowledge_rise_in_targets() -> None:
    p, b = policy(), baseline()
    t = mask(p.model, TARGETS)
    lever = p.model.mechanisms["policy"].levers[0]
    during = slice(START - 1, START + SPAN - 1)
    rd, rd0 = p.probes["rd_public"], b.probes["rd_public"]
    # GBP m a year added = 12 x monthly allowance / 1e6, while spending; back after.
    np.testing.assert_allclose((rd - rd0)[during][:, t],
                               np.broadcast_to(12 * BUDGET / SPAN * lever.weights[t] / 1e6,
                                               (SPAN, t.sum())), rtol=1e-12)
    np.testing.assert_array_equal(rd[:, ~t], rd0[:, ~t])
    np.testing.assert_allclose(rd[START + SPAN - 1:], rd0[START + SPAN - 1:], rtol=1e-12)
    # The stock gains the spend (GBP m) that month and keeps most of it after.
    k, k0 = p.probes["knowledge"], b.probes["knowledge"]
    np.testing.assert_allclose((k - k0)[START - 1][t], BUDGET / SPAN * lever.weights[t] / 1e6,
                               rtol=1e-9)
    assert ((k - k0)[START - 1:][:, t] > 0).all()
    np.testing.assert_array_equal(k[:, ~t], k0[:, ~t])
    # The knowledge_stock indicator agrees.
    assert ((p.frame("knowledge_stock") - b.frame("knowledge_stock"))[START - 1:][:, t] > 0).all()


def test_spend_by_place_and_month_within_budget() -> None:
    p = policy()
    spend = assert_spend(p, mask(p.model, TARGETS), BUDGET)
    np.testing.assert_allclose(spend.sum(), BUDGET, rtol=1e-9)


def test_relocation_moves_rd_without_adding_any() -> None:
    p, b = policy("relocate"), baseline()
    t = mask(p.model, TARGETS)
    gt = mask(p.model, ["TLH", "TLI", "TLJ"])
    spend = assert_spend(p, t, BUDGET)  # gross amount moved, by recipient
    rd, rd0 = p.probes["rd_public"], b.probes["rd_public"]
    during = slice(START - 1, START + SPAN - 1)
    np.testing.assert_allclose(rd[during].sum(axis=1), rd0[during].sum(axis=1), rtol=1e-12)
    assert ((rd - rd0)[during][:, gt] < 0).all()
    assert ((rd - rd0)[during][:, t] > 0).all()
    np.testing.assert_array_equal(rd[:, ~(t | gt)], rd0[:, ~(t | gt)])
    np.testing.assert_allclose(rd[START + SPAN - 1:], rd0[START + SPAN - 1:], rtol=1e-12)
    # Donors lose in proportion to their public R&D; the GBP moved equals the spend.
    lever = p.model.mechanisms["policy"].levers[0]
    loss = (rd0 - rd)[START - 1][gt]
    np.testing.assert_allclose(loss / loss.sum(), rd0[0][gt] / rd0[0][gt].sum(), rtol=1e-9)
    np.testing.assert_allclose(loss.sum() * 1e6 / 12, spend[START - 1].sum(), rtol=1e-9)
    assert lever.moved_out.sum() == 0  # months over


def test_relocation_never_takes_more_than_the_donors_hold() -> None:
    # Northern Ireland holds GBP 218 m a year (18.2 m a month): a 600 m budget over 6
    # months (100 m a month) can move only what it holds, and spends only that.
    p = run(with_policy(base_scenario(), {
        "lever": "rd_diffusion", "target": TARGETS, "budget_gbp": BUDGET,
        "mode": "relocate", "relocate_from": "TLN"}))
    n = mask(p.model, ["TLN"])
    rd = p.probes["rd_public"]
    assert (rd[START - 1:START + SPAN - 1][:, n] == 0).all()
    spend = assert_spend(p, mask(p.model, TARGETS), BUDGET)
    np.testing.assert_allclose(spend[START - 1].sum(), 218.0 * 1e6 / 12, rtol=1e-9)


def test_refusals() -> None:
    with pytest.raises(ValueError, match="needs the knowledge mechanism"):
        with_policy(base_scenario(knowledge={"enabled": False}),
                    {"lever": "rd_diffusion", "target": "TLC", "budget_gbp": 1e8})
    with pytest.raises(ScenarioError, match="relocate_from"):
        with_policy(base_scenario(), {"lever": "rd_diffusion", "target": "TLC",
                                      "budget_gbp": 1e8, "mode": "relocate"})
    with pytest.raises(ValueError, match="disjoint"):
        LabourMarket(with_policy(base_scenario(), {
            "lever": "rd_diffusion", "target": "TLI", "budget_gbp": 1e8, "mode": "relocate",
            "relocate_from": "golden-triangle"}), rng=1)
