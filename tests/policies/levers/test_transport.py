"""The transport lever: a faster link between two places, built then opened.

Runs: the small ITL1 scenario (scale 0.0005, 12 + 24 months, seed 7), with and without a
link between the North West (TLD) and Yorkshire and The Humber (TLE) that saves 30 of
the 74.5 door-to-door minutes, built over months 1-6 and open from month 7.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim.config.scenario import ScenarioError, parse_scenario
from sim.policies import check_policies
from sim.policies.levers.transport import Transport, network
from sim.policies.spec import PolicyError
from sim.world.geography import uk_itl1

from .runs_b import (
    frames_differ_from,
    frames_equal_before,
    run,
    scenario,
    spend_by_month_place,
    with_policy,
)

BUDGET = 6e9
SAVED = 30.0
LINK = dict(lever="transport", from_place="TLD", to_place="Yorkshire and The Humber",
            minutes_saved=SAVED, start_month=1, months=6, budget_gbp=BUDGET)
OPEN = 7
D, E = 1, 2  # TLD, TLE


def _probe(m):
    """Door-to-door minutes D-E, and employed residents of one end working at the other."""
    wk, f = m.workers, m.firms
    employed = (wk.status == 0) & (wk.employer >= 0)
    n = m.state.n_places
    pair = wk.home[employed].astype(np.int64) * n + f.place[wk.employer[employed]]
    od = np.bincount(pair, minlength=n * n).reshape(n, n)
    return m.travel.minutes[D, E], od[D, E] + od[E, D], m.travel.minutes.copy()


@pytest.fixture(scope="module")
def runs():
    base = scenario(months=24)
    return run(base, _probe), run(with_policy(base, LINK), _probe)


def test_identical_to_the_baseline_until_the_link_opens(runs):
    b, p = runs
    assert frames_equal_before(p.places, b.places, OPEN)
    assert frames_differ_from(p.places, b.places, OPEN)


def test_minutes_between_the_ends_fall_by_the_minutes_saved(runs):
    b, p = runs
    before, after = b.probes[0][0], None
    for month, (minutes, _, matrix) in enumerate(p.probes, start=1):
        base_minutes, _, base_matrix = b.probes[month - 1]
        if month < OPEN:
            assert minutes == base_minutes
            assert np.array_equal(matrix, base_matrix)
        else:
            after = minutes
            # No journey gets longer; some through the corridor get shorter too.
            assert np.all(matrix <= base_matrix + 1e-9)
    # The edge D-E was 50 minutes, so all 30 minutes come off the door-to-door time.
    assert after == pytest.approx(before - SAVED, abs=1e-9)
    lever = p.model.mechanisms["policy"].levers[0]
    assert isinstance(lever, Transport) and lever.link_minutes == pytest.approx(20.0)
    assert p.model.travel.version == 2  # rebuilt once


def test_the_shared_geography_is_not_changed(runs):
    b, p = runs
    g = p.model.geography
    assert g.graph["TLD"]["TLE"]["minutes"] == 50.0
    assert g.graph["TLD"]["TLE"]["mode"] == "rail"
    assert not g.travel_minutes.flags.writeable
    assert g.travel_minutes[D, E] == b.model.travel.minutes[D, E]


def test_commuting_over_the_link_rises(runs):
    b, p = runs
    flow_b = np.array([x[1] for x in b.probes])
    flow_p = np.array([x[1] for x in p.probes])
    assert np.array_equal(flow_p[: OPEN - 1], flow_b[: OPEN - 1])
    # Measured: about 80-90 a month in the baseline, about 200 by month 24 with the link.
    # A 30-minute cut on a 75-minute journey raises the search weight of the other end
    # by e^{0.05 x 30} = 4.5: the last year's flow must be well above the baseline's.
    assert flow_p[12:].sum() > 1.5 * flow_b[12:].sum()
    assert np.all(flow_p[OPEN:] >= flow_b[OPEN:] - 5)


def test_spend_is_the_capital_cost_flat_in_the_ends_and_the_construction_months(runs):
    _, p = runs
    spend = spend_by_month_place(p.places)
    ends = ["TLD", "TLE"]
    others = [c for c in spend.columns if c not in ends]
    assert (spend[others] == 0.0).all().all()
    assert (spend.loc[OPEN:] == 0.0).all().all()
    monthly = spend.loc[: OPEN - 1, ends].sum(axis=1)
    assert np.allclose(monthly, BUDGET / 6, rtol=1e-12)
    assert spend.to_numpy().sum() <= BUDGET * (1 + 1e-12)
    # Shared by working-age population: the North West (4.49 m) more than Yorkshire (3.38 m).
    assert (spend.loc[1, "TLD"] / spend.loc[1, "TLE"]) == pytest.approx(4494800 / 3379800)


def test_a_second_link_keeps_the_first():
    base = scenario(months=8)
    first = dict(LINK, from_place="TLC", to_place="TLE", start_month=1, months=3,
                 minutes_saved=40.0)
    second = dict(LINK, start_month=4, months=3)
    r = run(with_policy(base, first, second))
    levers = r.model.mechanisms["policy"].levers
    assert all(lv.is_open for lv in levers)
    g = network(r.model.state)
    assert g["TLC"]["TLE"]["minutes"] == pytest.approx(85.0 - 40.0)
    assert g["TLD"]["TLE"]["minutes"] == pytest.approx(50.0 - SAVED)
    assert nx.shortest_path_length(r.model.geography.graph, "TLC", "TLE",
                                   weight="minutes") == 85.0


def test_target_is_the_two_ends_and_round_trips():
    s = with_policy(scenario(), LINK)
    assert s.policy[0].target == ("TLD", "Yorkshire and The Humber")
    again = parse_scenario(s.to_dict())
    assert again.policy == s.policy
    with pytest.raises(ScenarioError, match="target"):
        with_policy(scenario(), dict(LINK, target="all"))
    with pytest.raises(ScenarioError, match="to_place"):
        with_policy(scenario(), dict(LINK, to_place="TLD"))


def test_an_end_must_be_one_place():
    s = with_policy(scenario(), dict(LINK, from_place="golden-triangle"))
    with pytest.raises(PolicyError, match="one place") as err:
        check_policies(s.policy, uk_itl1())
    assert err.value.key == "policy[0].from_place"
