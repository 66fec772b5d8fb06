"""Travel times and the search decay by skill (:mod:`sim.world.travel`)."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.agents.workers import EMPLOYED
from sim.config.scenario import ScenarioError
from sim.world.travel import TravelTimes

MINUTES = np.array([[5.0, 30.0, 60.0], [30.0, 5.0, 40.0], [60.0, 40.0, 5.0]])


def _travel(factor=None) -> TravelTimes:
    return TravelTimes(MINUTES, np.ones((3, 3)), search_decay_per_minute=0.1,
                       hybrid_commute_factor=0.4, skill_factor=factor)


def test_one_decay_for_all_is_one_layer_shared_with_the_search_decay():
    for factor in (None, (1.0, 1.0, 1.0)):
        travel = _travel(factor)
        assert not travel.by_skill
        assert travel.search_layers.shape == (1, 3, 3)
        np.testing.assert_array_equal(travel.search_layers[0], travel.search_decay)
        np.testing.assert_array_equal(travel.hybrid_layers[0], travel.hybrid_decay)


def test_a_decay_by_skill_has_a_layer_per_skill_rebuilt_with_the_minutes():
    travel = _travel((1.5, 1.0, 0.5))
    assert travel.by_skill and travel.search_layers.shape == (3, 3, 3)
    for s, f in enumerate((1.5, 1.0, 0.5)):
        np.testing.assert_allclose(travel.search_layers[s], np.exp(-0.1 * f * MINUTES))
        np.testing.assert_allclose(travel.hybrid_layers[s], np.exp(-0.04 * f * MINUTES))
    faster = MINUTES / 2
    travel.set_minutes(faster)
    np.testing.assert_allclose(travel.search_layers[2], np.exp(-0.05 * faster))
    # The intermediate layer is the plain search decay.
    np.testing.assert_allclose(travel.search_layers[1], travel.search_decay)


@pytest.mark.parametrize("factor", [(1.0, 0.0, 1.0), (1.0, -1.0, 1.0), (1.0, 1.0),
                                    (1.0, np.nan, 1.0)])
def test_a_factor_that_is_not_three_positive_numbers_is_refused(factor):
    with pytest.raises(ValueError, match="three positive numbers"):
        _travel(factor)


def test_the_scenario_refuses_a_factor_of_zero():
    with pytest.raises(ScenarioError, match="distance_decay_skill_factor"):
        sim.Scenario().with_changes({"search.distance_decay_skill_factor": [1.0, 0.0, 1.0]})


def test_graduates_who_search_further_commute_further():
    """A small region run: with the advanced decay at a third of the others', graduates
    work outside their home region more than with one decay for all, and the others
    hardly change (their layers are the same; only the competition moves). Scale 0.002,
    seed 3, 24 months after a 24-month burn-in; measured: graduates 25.6% against 10.9%,
    basic-skilled 6.3% and 6.5%, intermediate 7.6% and 7.9%."""
    shares = {}
    for factor in ((1.0, 1.0, 1.0), (1.0, 1.0, 0.33)):
        sc = sim.Scenario().with_overrides(burn_in_months=24, scale=0.002).with_changes(
            {"search.distance_decay_skill_factor": list(factor)})
        model = sim.LabourMarket(sc, rng=3)
        model.run_for(24)
        w = model.workers
        emp = w.status == EMPLOYED
        away = model.state.firms.place[w.employer[emp]] != w.home[emp]
        skill = w.skill[emp]
        shares[factor[2]] = [float(np.mean(away[skill == s])) for s in range(3)]
    assert shares[0.33][2] > shares[1.0][2] + 0.08
    assert abs(shares[0.33][0] - shares[1.0][0]) < 0.01
    assert abs(shares[0.33][1] - shares[1.0][1]) < 0.01
