"""Tests of sim.mechanisms.green: a green-infrastructure programme raises demand for labour in the
place it funds while it runs and leaves lasting amenity; with no programme nothing changes."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.core.model import LabourMarket
from sim.mechanisms.green import GREEN_SECTOR, round_within_groups

#: Every switchable mechanism off: each test switches on only what it tests.
OFF = {f"{s}.enabled": False for s in (
    "demography", "knowledge", "firm_dynamics", "green", "training", "remote_work", "migration",
    "international",
)}

PLACE = "TLD"  # North West


def _scenario(**changes) -> sim.Scenario:
    sc = sim.Scenario().with_overrides(burn_in_months=0, scale=0.002)
    return sc.with_changes({**OFF, "green.enabled": True, **changes})


def _green_rows(model: LabourMarket, p: int) -> np.ndarray:
    f = model.firms
    return f.alive & (f.sector == GREEN_SECTOR) & (f.place == p)


def _run(sc: sim.Scenario, months: int, p: int):
    """Monthly vacancies posted, employment and amenity at the green firms of place ``p``.

    Vacancies posted in a month: the firms' targets less their employment at the end of
    the previous month (before this month's separations and hires).
    """
    model = LabourMarket(sc, rng=9, debug=True)
    vac, emp, amenity = [], [], []
    for _ in range(months):
        before = model.firms.employment.astype(np.int64).copy()
        model.step()
        f = model.firms
        before = np.pad(before, (0, len(f) - before.size))  # the table may have grown
        rows = _green_rows(model, p)
        vac.append(int(np.maximum(f.target_size[rows] - before[rows], 0).sum()))
        emp.append(int(f.employment[rows].sum()))
        amenity.append(model.place_state.amenity[p])
    return model, np.array(vac), np.array(emp), np.array(amenity)


def test_programme_raises_green_jobs_during_and_amenity_after():
    on = _scenario(**{"green.programme_jobs_share": 0.02, "green.programme_places": [PLACE],
                      "green.programme_start_month": 2, "green.programme_months": 12})
    model, vac_on, emp_on, am_on = _run(on, 30, 1)
    _, vac_off, emp_off, am_off = _run(_scenario(), 30, 1)
    # 2% of about 6,300 jobs in the North West = about 125 extra jobs at its green firms
    # (about 525 jobs at start), against month-to-month noise of a few jobs.
    assert vac_on[2] > vac_off[2] + 80  # posted as the programme starts
    np.testing.assert_array_equal(vac_on[:2], vac_off[:2])  # nothing before it starts
    np.testing.assert_array_equal(emp_on[:2], emp_off[:2])
    assert np.all(emp_on[3:14] > emp_off[3:14] + 80)  # filled within a month or two
    assert np.all(am_off == 0.0)
    assert am_on[13] > 5.0  # GBP a week, at the end of the programme
    assert np.all(am_on[14:] > 0.9 * am_on[13])  # lasting: decays slowly after the end
    assert np.all(np.diff(am_on[14:]) < 0)  # programme over: the stock depreciates
    assert emp_on[-1] < emp_on[13]  # programme jobs wind down by ordinary separations
    # Other places untouched by the programme.
    others = np.arange(model.geography.n_places) != 1
    assert np.all(model.place_state.amenity[others] == 0.0)
    assert model.green.programme_jobs.sum() == 0  # targets removed after the end


@pytest.mark.parametrize("with_firm_dynamics", [False, True])
def test_no_programme_is_identical_to_green_disabled(with_firm_dynamics):
    others = {"firm_dynamics.enabled": with_firm_dynamics, "knowledge.enabled": with_firm_dynamics}
    a = LabourMarket(_scenario(**others), rng=3)
    b = LabourMarket(_scenario(**others, **{"green.enabled": False}), rng=3)
    a.run_for(12)
    b.run_for(12)
    assert a.national_frame().equals(b.national_frame())
    assert a.places_frame().equals(b.places_frame())
    np.testing.assert_array_equal(a.place_state.green_stock, 0.0)


def test_programme_with_firm_dynamics_keeps_stock_flow():
    sc = _scenario(**{"green.programme_jobs_share": 0.05, "green.programme_months": 6,
                      "firm_dynamics.enabled": True, "knowledge.enabled": True,
                      "firm_dynamics.exit_hazard_per_year": 0.3,
                      "firm_dynamics.entry_rate_per_year": 0.3})
    model = LabourMarket(sc, rng=2, debug=True)
    model.run_for(12)
    f = model.firms
    assert np.all(model.firms.programme_jobs[~f.alive] == 0)
    assert np.all(model.firms.programme_jobs == 0)  # programme over: its targets are gone
    assert np.all(model.place_state.green_stock > 0)


def test_round_within_groups_keeps_each_total():
    rng = np.random.default_rng(1)
    group = np.sort(rng.integers(0, 5, 200))
    share = rng.random(200) * 3
    out = round_within_groups(share, group)
    for g in range(5):
        assert out[group == g].sum() == np.rint(share[group == g].sum())
    assert np.all(out >= 0)


def test_unknown_place_code_is_an_error():
    with pytest.raises(ValueError, match="unknown place codes"):
        LabourMarket(_scenario(**{"green.programme_places": ["XX"]}), rng=1)
