"""Tests of sim.agents.economy's starting economy: jobs where the data put them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

import sim
from sim.agents.economy import build_economy
from sim.agents.workers import EMPLOYED
from sim.world.geographies import load_geography


def _start(geography: str, scale: float):
    scenario = sim.Scenario().with_overrides(geography=geography, scale=scale)
    geo = load_geography(geography)
    economy = build_economy(geo, scenario, np.random.default_rng(3))
    return geo, economy


@pytest.mark.parametrize(("geography", "scale", "rank"), [("uk-itl1", 0.002, 0.95),
                                                           ("uk-lad", 0.005, 0.9)])
def test_jobs_start_where_the_workplace_data_put_them(geography, scale, rank):
    geo, eco = _start(geography, scale)
    places = geo.places
    n = len(places)
    f, w = eco.firms, eco.workers
    jobs = np.bincount(f.place, weights=f.target_size, minlength=n)
    share = jobs / jobs.sum()
    data = places.workplace_jobs.to_numpy() / places.workplace_jobs.sum()
    assert spearmanr(share, data)[0] > rank
    emp = w.status == EMPLOYED
    workers_there = np.bincount(f.place[w.employer[emp]], minlength=n)
    residents = np.bincount(w.home[emp], minlength=n)
    # Commuters fill the centres: London's jobs outnumber its employed residents (2011
    # Census: 1.126 people working in London per resident in work; measured 1.12).
    london = places.index.get_loc("TLI") if geography == "uk-itl1" else None
    if london is not None:
        assert workers_there[london] > 1.08 * residents[london]
    else:
        big = residents >= 100
        ratio = workers_there[big] / residents[big]
        assert ratio.max() > 3 and ratio.min() < 0.7


def test_without_workplace_data_the_jobs_are_where_the_employed_live():
    geo = load_geography("grid", rows=2, cols=2)
    scenario = sim.Scenario().with_changes({"run.geography": "grid",
                                            "geography_options.rows": 2,
                                            "geography_options.cols": 2})
    eco = build_economy(geo, scenario, np.random.default_rng(3))
    f, w = eco.firms, eco.workers
    jobs = np.bincount(f.place, weights=f.target_size, minlength=4)
    residents = np.bincount(w.home[w.status == EMPLOYED], minlength=4)
    np.testing.assert_allclose(jobs * (1 - scenario.firms.vacancy_rate), residents, rtol=0.02)
