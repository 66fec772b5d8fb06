"""Hybrid jobs in the search kernel (sim.kernels.matching): the arrangement rule
``hybrid_probability`` and how ``draw_applications`` applies it to every application of a
remote-capable worker (issue 9, remote-work baselines)."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.workers import UNEMPLOYED
from sim.kernels.bundles import (
    Applications,
    EmployerLink,
    Participation,
    VacancyTables,
    make,
)
from sim.kernels.matching import (
    draw_applications,
    gather_searchers,
    hybrid_probability,
    vacancy_weights,
)
from sim.kernels.rng import STAGES, stream_key
from tests.kernels.bundle_helpers import firm_bundle, search_rules, wage_rules, worker_bundle

_SHARE = st.floats(0.0, 1.0)
_ODDS = st.floats(0.0, 1e6)
_LOG_ODDS = st.floats(0.0, 50.0)


# ------------------------------------------------------------------ the rule
@settings(max_examples=300, deadline=None)
@given(odds=_ODDS, tau=_SHARE, z=_LOG_ODDS, d_odds=_ODDS, d_tau=_SHARE, d_z=_LOG_ODDS)
def test_hybrid_probability_is_a_probability_increasing_in_each_argument(
    odds, tau, z, d_odds, d_tau, d_z
) -> None:
    p = hybrid_probability(odds, tau, z)
    assert 0.0 <= p <= 1.0
    assert hybrid_probability(odds + d_odds, tau, z) >= p
    assert hybrid_probability(odds, min(tau + d_tau, 1.0), z) >= p
    assert hybrid_probability(odds, tau, z + d_z) >= p


@pytest.mark.parametrize("tau", [0.0, 0.1, 0.37, 0.8, 1.0])
def test_hybrid_probability_special_values(tau: float) -> None:
    # Odds 1 and no commute term: the employer's teleworkable share itself.
    assert hybrid_probability(1.0, tau, 0.0) == pytest.approx(tau, abs=1e-12)
    assert hybrid_probability(0.0, tau, 3.0) == 0.0  # no adoption, no hybrid work
    assert hybrid_probability(2.0, 0.0, 3.0) == 0.0  # nothing teleworkable
    assert hybrid_probability(2.0, 1.0, 0.0) == 1.0
    # Overflowing odds give 1, not NaN.
    if tau > 0.0:
        assert hybrid_probability(np.inf, tau, 0.0) == 1.0
        assert hybrid_probability(1.0, tau, 1e4) == 1.0
    # The logit: odds A tau / (1 - tau) e^z.
    if 0.0 < tau < 1.0:
        odds = 0.3 * tau / (1.0 - tau) * math.exp(0.7)
        assert hybrid_probability(0.3, tau, 0.7) == pytest.approx(odds / (1.0 + odds))


# ------------------------------------------------------------------ the kernel
_P, _PER_PLACE = 3, 4
_MINUTES = np.array([[10.0, 40.0, 90.0], [40.0, 12.0, 50.0], [90.0, 50.0, 15.0]])
_TELE = np.tile([0.0, 0.2, 0.5, 0.9], _P)
_COST, _HYBRID = 1.33, 0.4


def _economy(n: int, *, capable: np.ndarray | bool = True, constrained: bool = False):
    """Unemployed searchers all living in place 0; 4 firms in each of 3 places."""
    f = _P * _PER_PLACE
    firm_place = np.repeat(np.arange(_P), _PER_PLACE).astype(np.int16)
    firms = firm_bundle(
        f, place=firm_place, vacancies=np.full(f, 5, dtype=np.int32),
        productivity=np.full(f, 5000.0, dtype=np.float32),
        teleworkable=_TELE.astype(np.float32),
    )
    cols = {
        "home": np.zeros(n, dtype=np.int16),
        "status": np.full(n, UNEMPLOYED, dtype=np.int8),
        "human_capital": np.ones(n, dtype=np.float32),
        "remote_capable": np.broadcast_to(np.asarray(capable), (n,)).copy(),
        "constrained": np.full(n, constrained),
    }
    return worker_bundle(cols), firms, firm_place


def _draw(workers, firms, firm_place, *, odds: float, response: float,
          remote_share: float = 0.0, constrained_share: float = 0.5):
    n = workers.home.shape[0]
    decay = np.exp(-0.01 * _MINUTES)
    n_vac = int(firms.vacancies.sum())
    tables = make(
        VacancyTables, vacancy_firm=np.empty(n_vac, dtype=np.int32),
        vacancy_start=np.empty(_P + 1, dtype=np.int64), vacancy_prob=np.empty(n_vac),
        vacancy_alias=np.empty(n_vac, dtype=np.int32), cum_place=np.zeros((1, _P, _P)),
        cum_place_remote=np.zeros((1, _P, _P)),
    )
    place_start = np.arange(0, _P * _PER_PLACE + 1, _PER_PLACE, dtype=np.int64)
    vacancy_weights(firms, np.arange(_P * _PER_PLACE, dtype=np.int64), place_start,
                    decay[None], np.exp(-0.01 * _HYBRID * _MINUTES)[None], tables)
    searchers = np.arange(n, dtype=np.int64)
    apps = make(Applications, firm=np.empty(n, dtype=np.int32),
                wage=np.empty(n, dtype=np.float32), value=np.empty(n, dtype=np.float32),
                remote=np.zeros(n, dtype=np.bool_), score=np.empty(n))
    participation = make(
        Participation, constrained_search_share=0.0, constrained_exit_multiplier=1.0,
        remote_exit_multiplier=1.0, constrained_remote_search_share=constrained_share,
        remote_productivity=np.zeros(9), hybrid_adoption_odds=odds,
        hybrid_commute_response=response,
    )
    draw_applications(
        stream_key(11, 3, STAGES["applications"]), searchers,
        gather_searchers(searchers, workers), firms, tables, _MINUTES,
        search_rules(applications=1, remote_share=remote_share),
        wage_rules(_P, commute_cost=_COST, hybrid_factor=_HYBRID), participation,
        make(EmployerLink, link_bonus=0.0), apps,
    )
    return apps


@pytest.mark.parametrize(("odds", "response"), [(0.26, 0.03), (3.5, 0.03), (1.0, 0.0)])
def test_each_application_is_hybrid_with_the_rule_s_probability(odds, response) -> None:
    """Remote-capable searchers, ordinary search: the share of hybrid applications to each
    firm is hybrid_probability(odds, tau_j, response c (1 - h) T_0d), within 6 binomial
    standard deviations; firms without teleworkable jobs get none."""
    n = 120_000
    workers, firms, firm_place = _economy(n)
    apps = _draw(workers, firms, firm_place, odds=odds, response=response)
    assert np.all(apps.firm >= 0)
    per_minute = response * _COST * (1.0 - _HYBRID)
    for j in range(_TELE.size):
        mine = apps.firm == j
        m = int(mine.sum())
        assert m > 1000
        p = hybrid_probability(odds, _TELE[j], per_minute * _MINUTES[0, firm_place[j]])
        got = apps.remote[mine].mean()
        assert abs(got - p) <= 6.0 * math.sqrt(max(p * (1.0 - p), 1e-12) / m), (j, got, p)
    assert not apps.remote[_TELE[apps.firm] == 0.0].any()
    # The value of a hybrid application counts the hybrid commute, of the others the full one.
    factor = np.where(apps.remote, _HYBRID, 1.0)
    commute = _COST * factor * _MINUTES[0, firm_place[apps.firm]]
    np.testing.assert_allclose(apps.value, apps.wage - commute, rtol=1e-5, atol=1e-3)


def test_a_longer_commute_makes_hybrid_work_likelier_in_the_draws() -> None:
    """Same employers' teleworkable shares, longer commutes: more hybrid applications."""
    workers, firms, firm_place = _economy(120_000)
    apps = _draw(workers, firms, firm_place, odds=0.26, response=0.03)
    shares = []
    for d in range(_P):
        at = (firm_place[apps.firm] == d) & (_TELE[apps.firm] == 0.5)
        shares.append(apps.remote[at].mean())
    # Minutes from place 0: 10 (place 0), 40 (place 1), 90 (place 2).
    assert shares[0] < shares[1] < shares[2], shares


def test_only_remote_capable_workers_work_hybrid_and_the_constrained_stay_allowed() -> None:
    n = 60_000
    capable = np.arange(n) % 2 == 0
    workers, firms, firm_place = _economy(n, capable=capable)
    apps = _draw(workers, firms, firm_place, odds=3.5, response=0.03, remote_share=0.5)
    assert not apps.remote[~capable].any()
    assert apps.remote[capable].mean() > 0.3
    # Constrained: a hybrid job, or one in the own place (0); nothing else.
    workers, firms, firm_place = _economy(n, capable=capable, constrained=True)
    apps = _draw(workers, firms, firm_place, odds=0.26, response=0.03)
    valid = apps.firm >= 0
    place = firm_place[np.maximum(apps.firm, 0)]
    assert np.all(apps.remote[valid] | (place[valid] == 0))
    assert np.count_nonzero(valid & apps.remote & (place != 0)) > 100
    assert np.count_nonzero(valid & capable & ~apps.remote & (place != 0)) == 0


def test_draws_are_bit_identical_across_thread_counts() -> None:
    workers, firms, firm_place = _economy(50_000, capable=np.arange(50_000) % 3 != 0)
    before = numba.get_num_threads()
    try:
        out = []
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            apps = _draw(workers, firms, firm_place, odds=0.8, response=0.03, remote_share=0.3)
            out.append(apps)
    finally:
        numba.set_num_threads(before)
    for a, b in zip(out[0], out[1], strict=True):
        np.testing.assert_array_equal(a, b)
