"""The additionality account adds up: on random unit arrays, and on a real grants run.

The identity N = G - D - L - X + M = sum_u (R^P_u - R^B_u) holds by construction of the
terms; hypothesis checks it (to rounding) on arbitrary arrays, including negative and
zero jobs and any supported set. The real run checks what the arrays stand for: the net
equals the difference in the indicator ``employed`` summed over the target places (and
nationally), month by month, to 1e-6 relative to employment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.comparison.account import TERMS, account_terms, unit_jobs
from sim.comparison.pairs import simulate_pair
from sim.config.scenario import parse_scenario
from sim.policies.targets import resolve_target
from sim.world.geographies import geography_from_options

BASE = {"run": {"name": "tiny", "geography": "uk-itl1", "scale": 0.001, "seed": 11,
                "burn_in_months": 12, "months": 12}}
GRANTS = {"lever": "business_grants", "target": "lagging", "start_month": 3, "months": 6,
          "budget_gbp": 2e8}

jobs = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)


@st.composite
def unit_arrays(draw):
    n = draw(st.integers(1, 60))
    ep = draw(arrays(np.float64, n, elements=jobs))
    eb = draw(arrays(np.float64, n, elements=jobs))
    rp = ep * draw(arrays(np.float64, n, elements=st.floats(0.0, 1.0)))
    rb = eb * draw(arrays(np.float64, n, elements=st.floats(0.0, 1.0)))
    s = draw(arrays(np.bool_, n))
    e0 = draw(arrays(np.float64, n, elements=jobs))
    place = draw(arrays(np.int64, n, elements=st.integers(0, 5)))
    return ep, rp, eb, rb, s, e0, place


@settings(max_examples=300, deadline=None)
@given(unit_arrays())
def test_terms_add_up_to_the_difference_in_employment(data):
    ep, rp, eb, rb, s, e0, place = data
    scale = max(1.0, ep.sum(), eb.sum(), e0.sum())
    t = account_terms(ep, rp, eb, rb, s, e0, place)
    unit = account_terms(ep, rp, eb, rb, s, e0)  # unit by unit: more churn, same net
    assert unit["net"] == pytest.approx(t["net"], abs=1e-9 * scale)
    assert unit["displacement"] >= t["displacement"] - 1e-9 * scale
    assert unit["multiplier"] >= t["multiplier"] - 1e-9 * scale
    # Gross and deadweight are changes since the start at the supported units.
    assert t["gross"] == pytest.approx(ep[s].sum() - e0[s].sum(), abs=1e-9 * scale)
    assert t["deadweight"] == pytest.approx(eb[s].sum() - e0[s].sum(), abs=1e-9 * scale)
    assert set(t) == set(TERMS)
    assert t["net"] == pytest.approx(rp.sum() - rb.sum(), abs=1e-9 * scale)
    assert t["net"] == pytest.approx(t["measured"], abs=1e-9 * scale)
    assert t["displacement"] >= 0 and t["multiplier"] >= 0
    n = account_terms(ep, ep, eb, eb, s, e0, place)  # nationally: R = E
    assert n["leakage"] == 0.0
    assert n["net"] == pytest.approx(ep.sum() - eb.sum(), abs=1e-9 * scale)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_units_partition_employment(n_workers, n_places, seed):
    """Every employed worker counts once, at its firm (if original) or its place's pool."""
    rng = np.random.default_rng(seed)
    n_firms = int(rng.integers(1, 10))
    n0 = int(rng.integers(0, n_firms + 1))
    employer = rng.integers(-1, n_firms, n_workers)
    employed = employer >= 0
    home = rng.integers(0, n_places, n_workers)
    ppa = rng.uniform(0.5, 2.0, n_places)
    place = rng.integers(0, n_places, n_firms)
    original = rng.random(n0) < 0.5
    target = rng.random(n_places) < 0.5
    e, r = unit_jobs(employer, home, employed, ppa, place, original, target)
    assert e.shape == r.shape == (n0 + n_places,)
    assert e.sum() == pytest.approx(ppa[home[employed]].sum())
    assert r.sum() == pytest.approx(ppa[home[employed & target[home]]].sum())
    assert (e[:n0][~original] == 0).all()


def test_a_policy_with_no_supported_units_moves_everything_to_the_rest():
    ep, eb = np.array([5.0, 3.0]), np.array([4.0, 6.0])
    t = account_terms(ep, ep, eb, eb, np.zeros(2, bool))
    assert (t["gross"], t["deadweight"], t["multiplier"], t["displacement"]) == (0, 0, 1, 3)
    assert t["net"] == -2.0


def test_the_account_equals_the_measured_difference_in_a_real_grants_run():
    base = parse_scenario(BASE, source="base")
    pol = parse_scenario({**BASE, "policy": [GRANTS]}, source="grants")
    places, national, account = simulate_pair(base, pol, seed=3)
    acc = account.pivot_table(index=["area", "month"], columns="term", values="value")
    pp, bp = (places[places["run"] == w].set_index(["month", "place"]).sort_index()
              for w in ("policy", "baseline"))
    geo = geography_from_options("uk-itl1", base.geography_options.model_dump())
    codes = [str(c) for c in geo.places.index]
    targets = [c for c, m in zip(codes, resolve_target("lagging", geo), strict=True) if m]
    in_t = pp.index.get_level_values("place").isin(targets)
    d_target = (pp["employed"] - bp["employed"])[in_t].groupby(level="month").sum()
    pn, bn = (national[national["run"] == w].set_index("month") for w in ("policy", "baseline"))
    d_nat = pn["employed"] - bn["employed"]
    level = float(bn["employed"].max())
    for area, measured in (("target", d_target), ("national", d_nat)):
        a = acc.loc[area]
        np.testing.assert_allclose(a["net"], measured.loc[a.index], rtol=0, atol=1e-6 * level)
        np.testing.assert_allclose(a["measured"], measured.loc[a.index], rtol=0,
                                   atol=1e-6 * level)
        # Identical runs before the first policy month: every term zero.
        assert (a.loc[[1, 2]][["gross", "deadweight", "net", "multiplier",
                               "displacement"]] == 0).all().all()
    assert (acc.loc["national", "leakage"] == 0).all()
    later = acc.loc["target"].loc[3:]
    # The funded jobs are posted in the award month (3) and need not be filled in it
    # (seed 3: none of them were); after it the supported firms employ more than in the
    # baseline on average and in most months (one agent at this scale is 1,000 jobs, so a
    # single worker leaving a supported firm turns a month's gross negative: month 4 with
    # seed 3 on the fit of 2 December 2026, 8 of the 9 months positive).
    gross = later["gross"].loc[4:]
    assert gross.mean() > 0 and (gross > 0).mean() >= 0.75 and later["net"].abs().sum() > 0
    assert (later["gross"] - later["deadweight"]).iloc[-1] != 0
    # Who took the jobs at supported units: residents at the start, in-migrants and
    # newcomers add up to gross - deadweight - leakage, month by month.
    who = later["to_residents"] + later["to_in_migrants"] + later["to_newcomers"]
    np.testing.assert_allclose(who, later["gross"] - later["deadweight"] - later["leakage"],
                               rtol=0, atol=1e-6 * level)
    assert later["to_residents"].iloc[-1] > 0
    assert acc.loc["target"].loc[[1, 2], "to_residents"].isna().all()  # no split before


def test_the_target_area_keeps_the_tables_column_order():
    """Its columns follow the places table, not a set's order (which changes between
    processes), so impact.parquet's rows are the same in every run."""
    from sim.comparison.impact import target_frame

    cols = ["vacancies", "unemployed", "hires", "employed", "working_age_population", "separations"]
    rows = [{"scenario": "s", "run": r, "replication": 0, "month": 1, "place": p,
             "name": p, **{c: 1.0 + k for k, c in enumerate(cols)}}
            for r in ("policy", "baseline") for p in ("A", "B")]
    out = target_frame(pd.DataFrame(rows), ["A", "B"])
    assert [c for c in out.columns if c in cols] == cols
