"""The burn-in cache: a model restored from it is the model a fresh build gives, bit for bit.

For every lever, a policy run built from scratch (its own burn-in) and one made from the
cached baseline at the end of its burn-in with the lever installed
(:func:`sim.dashboard.cache.install_policies`) give identical national and place tables
and identical agent tables after some recorded months; so do a fresh baseline and a
cached copy. Small UK economy (scale 0.001, 12 months of burn-in).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config.scenario import load_scenario
from sim.core.model import LabourMarket
from sim.dashboard.cache import BurnInCache, burn_in_key, install_policies
from sim.dashboard.levers import lever_table, policy_scenario
from sim.policies.levers import LEVERS

SEED = 11
MONTHS = 7


@pytest.fixture(scope="module")
def base():
    return load_scenario("scenarios/baseline.toml").with_changes(
        {"run.scale": 0.001, "run.burn_in_months": 12, "run.months": 24})


@pytest.fixture(scope="module")
def cache():
    return BurnInCache(size=1)


def _assert_same(a: LabourMarket, b: LabourMarket) -> None:
    pd.testing.assert_frame_equal(a.national_frame(), b.national_frame(), check_exact=True)
    pd.testing.assert_frame_equal(a.places_frame(), b.places_frame(), check_exact=True)
    for table in ("workers", "firms"):
        ca, cb = getattr(a, table).columns(), getattr(b, table).columns()
        assert sorted(ca) == sorted(cb), table
        for name in ca:
            np.testing.assert_array_equal(ca[name], cb[name], err_msg=f"{table}.{name}")
    assert a.rng.bit_generator.state == b.rng.bit_generator.state


def test_a_cached_baseline_runs_as_a_fresh_one(base, cache):
    fresh = LabourMarket(base, rng=SEED)
    cached = cache.burned_in(base, SEED)
    assert cache.misses == 1
    fresh.run_for(MONTHS)
    cached.run_for(MONTHS)
    _assert_same(fresh, cached)
    # The copy ran; the cache's own model did not.
    again = cache.burned_in(base, SEED)
    assert cache.hits == 1 and again.month == 0 and cached.month == MONTHS


@pytest.mark.parametrize("lever", list(LEVERS))
def test_a_lever_installed_after_the_cached_burn_in_runs_as_a_fresh_policy_run(
        base, cache, lever):
    scenario = policy_scenario(base, lever_table(lever, "North East", 300.0, 2, 3, "uk-itl1"))
    fresh = LabourMarket(scenario, rng=SEED)
    restored = install_policies(cache.burned_in(base, SEED), scenario)
    assert restored.config == scenario and restored.scenario.config is scenario
    fresh.run_for(MONTHS)
    restored.run_for(MONTHS)
    _assert_same(fresh, restored)
    assert float(restored.national_frame()["policy_spend"].sum()) > 0.0
    # The lever changed the run (a transport link opens after its 3 months of spending).
    baseline = cache.burned_in(base, SEED)
    baseline.run_for(MONTHS)
    assert not baseline.places_frame().equals(restored.places_frame())


def test_the_key_ignores_levers_and_horizon_but_not_behaviour(base):
    with_lever = policy_scenario(base, lever_table("net_zero", "Wales", 50.0, 1, 6, "uk-itl1"))
    assert burn_in_key(with_lever.with_changes({"run.months": 7}), 1) == burn_in_key(base, 1)
    assert burn_in_key(base, 2) != burn_in_key(base, 1)
    for key, value in (("run.scale", 0.002), ("search.distance_decay_per_minute", 0.05),
                       ("search.applications_per_searcher", 4), ("run.geography", "uk-lad")):
        assert burn_in_key(base.with_changes({key: value}), 1) != burn_in_key(base, 1), key


def test_installing_refuses_a_model_that_has_recorded_months_or_another_burn_in(base, cache):
    scenario = policy_scenario(base, lever_table("net_zero", "Wales", 50.0, 1, 6, "uk-itl1"))
    model = cache.burned_in(base, SEED)
    other = scenario.with_changes({"search.applications_per_searcher": 5})
    with pytest.raises(ValueError, match="burn-in would differ"):
        install_policies(model, other)
    model.step()
    with pytest.raises(ValueError, match="before the first recorded month"):
        install_policies(model, scenario)
