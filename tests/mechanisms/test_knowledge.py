"""Tests of sim.mechanisms.knowledge: R&D stocks by place (perpetual inventory, depreciation)."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.core.model import LabourMarket
from sim.mechanisms.knowledge import GOLDEN_TRIANGLE_ITL1, rd_spending

#: Every switchable mechanism off: each test switches on only what it tests.
OFF = {f"{s}.enabled": False for s in (
    "demography", "knowledge", "firm_dynamics", "green", "training", "remote_work", "migration",
)}


def _scenario(**changes) -> sim.Scenario:
    sc = sim.Scenario().with_overrides(burn_in_months=0, scale=0.0005, months=24)
    return sc.with_changes({**OFF, "knowledge.enabled": True, **changes})


@pytest.mark.parametrize("enabled", [True, False])
def test_stock_starts_at_steady_state_also_when_disabled(enabled):
    model = LabourMarket(_scenario(**{"knowledge.enabled": enabled}), rng=1)
    delta = model.scenario.knowledge.depreciation_per_year
    k = model.place_state.knowledge_stock
    np.testing.assert_allclose(k, rd_spending(model.state) / delta)
    assert np.all(k > 0)
    assert model.knowledge.missing_places == []


def test_golden_triangle_concentration_comes_from_the_data():
    model = LabourMarket(_scenario(), rng=1)
    codes = list(model.geography.places.index)
    k = model.place_state.knowledge_stock
    share = k[[codes.index(c) for c in GOLDEN_TRIANGLE_ITL1]].sum() / k.sum()
    assert share > 0.45  # about 0.56 in the ITL1 R&D data


def test_steady_state_is_kept_and_reported():
    model = LabourMarket(_scenario(), rng=1)
    k0 = model.place_state.knowledge_stock.copy()
    model.run_for(12)
    np.testing.assert_allclose(model.place_state.knowledge_stock, k0, rtol=1e-12)
    df = model.places_frame()
    last = df[df.month == 12].sort_values("place")
    np.testing.assert_allclose(last.knowledge_stock.to_numpy(), k0, rtol=1e-12)
    assert model.national["knowledge_stock"] == pytest.approx(k0.sum())


def test_more_rd_in_one_place_raises_its_stock_over_time():
    model = LabourMarket(_scenario(), rng=1)
    p = 0  # North East
    k0 = model.place_state.knowledge_stock.copy()
    model.place_state.rd_business_gbp_m[p] += 1000.0  # GBP m a year
    path = []
    for _ in range(36):
        model.step()
        path.append(model.place_state.knowledge_stock[p])
    assert np.all(np.diff(path) > 0)
    delta = model.scenario.knowledge.depreciation_per_year
    # Closed form of the monthly recursion after 36 months.
    gap = 1000.0 / delta * (1 - (1 - delta / 12) ** 36)
    assert path[-1] == pytest.approx(k0[p] + gap, rel=1e-9)
    others = np.arange(len(k0)) != p
    np.testing.assert_allclose(model.place_state.knowledge_stock[others], k0[others], rtol=1e-12)


def test_disabled_stock_does_not_move():
    model = LabourMarket(_scenario(**{"knowledge.enabled": False}), rng=1)
    k0 = model.place_state.knowledge_stock.copy()
    model.place_state.rd_public_gbp_m[:] *= 2
    model.run_for(3)
    np.testing.assert_array_equal(model.place_state.knowledge_stock, k0)


@pytest.mark.parametrize("geography", ["grid", "core-periphery"])
def test_synthetic_geographies_and_stock_flow(geography):
    sc = _scenario().with_overrides(geography=geography, scale=0.002)
    model = LabourMarket(sc, rng=3, debug=True)
    model.run_for(6)
    assert np.all(model.place_state.knowledge_stock > 0)
