"""The place-institutions lever: the institutions index raised with money, and firms'
productivity and entry responding.

Runs: the small ITL1 scenario (scale 0.0005, 12 + 24 months, seed 7), with and without
GBP 5 bn over months 3-14 for the North East (TLC, 2.67 m residents: GBP 1,873 a
resident, index +1.87 at the default 0.001 per GBP per resident).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.mechanisms.firm_dynamics import FirmDynamicsParams

from .runs_b import (
    frames_differ_from,
    frames_equal_before,
    run,
    scenario,
    spend_by_month_place,
    with_policy,
)

BUDGET = 5e9
START, MONTHS = 3, 12
POLICY = dict(lever="place_institutions", target="North East", start_month=START,
              months=MONTHS, budget_gbp=BUDGET)
NE = 0
RESIDENTS_NE = 2669941.0


def _probe(m):
    f = m.firms
    alive = f.alive
    n = m.state.n_places
    targets = np.bincount(f.place[alive], weights=f.target_size[alive].astype(float),
                          minlength=n)
    return (m.state.places.institutions.copy(), m.mechanisms["firm_dynamics"].multiplier.copy(),
            targets)


@pytest.fixture(scope="module")
def runs():
    base = scenario(months=24)
    return run(base, _probe), run(with_policy(base, POLICY), _probe)


def test_identical_to_the_baseline_before_the_start(runs):
    b, p = runs
    assert frames_equal_before(p.places, b.places, START)
    assert frames_differ_from(p.places, b.places, START)


def test_the_index_rises_in_the_targets_only_by_the_money_per_resident(runs):
    b, p = runs
    index = np.array([x[0] for x in p.probes])
    assert (np.array([x[0] for x in b.probes]) == 0.0).all()
    assert (index[:, 1:] == 0.0).all()
    assert (index[: START - 1, NE] == 0.0).all()
    assert np.all(np.diff(index[START - 1 : START - 1 + MONTHS, NE]) > 0)
    # All the budget, per resident, times 0.001 index points per GBP per resident.
    assert index[-1, NE] == pytest.approx(0.001 * BUDGET / RESIDENTS_NE, rel=1e-9)
    assert index[-1, NE] == index[START - 1 + MONTHS, NE]  # no decay by default


def test_productivity_and_targets_rise_in_the_target_place(runs):
    b, p = runs
    b_i = FirmDynamicsParams().institutions_productivity_elasticity
    for month in range(len(p.probes)):
        inst, m_p, _ = p.probes[month]
        _, m_b, _ = b.probes[month]
        assert np.allclose(m_p / m_b, np.exp(b_i * inst), rtol=1e-12)
        assert np.array_equal(m_p[1:], m_b[1:])  # the other places: exactly the baseline
    targets_p, targets_b = p.probes[-1][2], b.probes[-1][2]
    # Index 1.87: productivity x1.098 and (size elasticity 1) targets about +10%.
    assert targets_p[NE] > 1.05 * targets_b[NE]
    emp_p = p.place("TLC")["employed"].iloc[-6:].mean()
    emp_b = b.place("TLC")["employed"].iloc[-6:].mean()
    assert emp_p > emp_b


def test_spend_only_in_the_targets_and_months_and_within_the_budget(runs):
    _, p = runs
    spend = spend_by_month_place(p.places)
    assert (spend.drop(columns="TLC") == 0.0).all().all()
    months = spend.index
    active = (months >= START) & (months < START + MONTHS)
    assert (spend.loc[~active, "TLC"] == 0.0).all()
    assert np.allclose(spend.loc[active, "TLC"], BUDGET / MONTHS, rtol=1e-12)
    assert spend.to_numpy().sum() <= BUDGET * (1 + 1e-12)


def test_the_index_erodes_when_told():
    r = run(with_policy(scenario(months=8), dict(POLICY, start_month=1, months=2,
                                                  decay_per_year=0.5)),
            lambda m: m.state.places.institutions[NE])
    index = r.probe()
    peak = index[1]
    assert index[-1] == pytest.approx(peak * 0.5 ** (6 / 12), rel=1e-9)
