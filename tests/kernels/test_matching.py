"""Tests for sim.kernels.matching: applications, ranking, offers and hires.

Random small economies (1..8 places, 1..40 firms, 1..300 workers, random
vacancies, travel times, ``k`` and parameters) are derived from a drawn seed
with numpy's ``default_rng`` and run through matching rounds exactly as
``LabourMarket``'s flows and matching stages call the kernels:
``vacancy_weights -> draw_applications -> group_by_firm -> rank_and_offer ->
accept_and_hire``, the hired searchers leaving the pool between rounds. After
every stage the stock-flow invariants are checked against the state at the
start of the round.

The economies also hold people in training (status 3) and absent rows (status 4),
who never search, constrained workers (own place or remote vacancies only),
inactive searchers (constrained people looking for work while inactive), workers
trained with the employers of a place (``trained_with``, a score bonus there) and
a remote productivity effect.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numba import njit

import sim
from sim.kernels.bundles import (
    Applications,
    EmployerLink,
    FirmColumns,
    FirmQueues,
    FlowRates,
    FlowsOutput,
    HireCounts,
    Participation,
    Retirement,
    SearcherColumns,
    SearchRules,
    TrainingArgs,
    VacancyTables,
    WageRules,
    WorkerColumns,
    make,
    select_rows,
)
from sim.kernels.flows import monthly_flows
from sim.kernels.matching import (
    _DRAWS,
    PENALTY_RAMP_MONTHS,
    _select_top,
    accept_and_hire,
    draw_applications,
    gather_searchers,
    group_by_firm,
    list_openings,
    rank_and_offer,
    vacancy_weights,
)
from sim.kernels.rng import STAGES, logistic, stream_key, uniform
from tests.kernels.bundle_helpers import firm_bundle, search_rules, wage_rules, worker_bundle

EMP, UNE, INA, TRN, ABS = 0, 1, 2, 3, 4
seeds = st.integers(0, 2**32 - 1)


# ------------------------------------------------------------------ economies
def make_economy(seed: int) -> dict:
    """A random small economy: worker and firm columns with the model's dtypes."""
    rng = np.random.default_rng(seed)
    p = int(rng.integers(1, 9))
    f = int(rng.integers(1, 41))
    n = int(rng.integers(1, 301))
    firm_place = rng.integers(0, p, f).astype(np.int16)
    firms_by_place = np.argsort(firm_place, kind="stable").astype(np.int64)
    place_start = np.zeros(p + 1, dtype=np.int64)
    place_start[1:] = np.cumsum(np.bincount(firm_place, minlength=p))
    status = rng.choice(3, n, p=rng.dirichlet(np.ones(3))).astype(np.int8)
    employer = np.where(status == EMP, rng.integers(0, f, n), -1).astype(np.int32)
    remote_capable = rng.random(n) < rng.uniform(0.0, 1.0)
    teleworkable = rng.uniform(0.0, 1.0, f)
    teleworkable[rng.random(f) < 0.3] = 0.0
    minutes = rng.uniform(1.0, 240.0, (p, p))
    beta = float(rng.choice([0.0, rng.uniform(0.0, 0.05)]))
    hybrid = float(rng.uniform(0.0, 1.0))
    noise = float(rng.choice([0.0, rng.uniform(0.0, 1.0)]))  # noise 0: many exact ties
    econ = {
        "P": p, "F": f, "N": n,
        # firms
        "firm_place": firm_place,
        "firms_by_place": firms_by_place,
        "place_start": place_start,
        "vacancies": rng.integers(0, 6, f).astype(np.int32),
        "employment": np.bincount(employer[status == EMP], minlength=f).astype(np.int32),
        "productivity": rng.uniform(100.0, 1500.0, f).astype(np.float32),
        "skill_demand": rng.integers(0, 3, f).astype(np.int8),
        "teleworkable": teleworkable.astype(np.float32),
        # workers
        "home": rng.integers(0, p, n).astype(np.int16),
        "skill": rng.integers(0, 3, n).astype(np.int8),
        "human_capital": rng.lognormal(0.0, 0.3, n).astype(np.float32),
        "status": status,
        "employer": employer,
        "wage": rng.uniform(60.0, 900.0, n).astype(np.float32),
        "reservation_wage": rng.uniform(40.0, 700.0, n).astype(np.float32),
        "months_unemployed": np.where(status == UNE, rng.integers(0, 24, n), 0).astype(np.int16),
        "remote_capable": remote_capable,
        "remote": (status == EMP) & remote_capable & (rng.random(n) < 0.5),
        # geography and parameters
        "minutes": np.ascontiguousarray(minutes),
        "decay": np.exp(-beta * minutes),
        "decay_remote": np.exp(-beta * hybrid * minutes),
        "k": int(rng.integers(1, 7)),
        "rounds": int(rng.integers(1, 5)),
        "phi": rng.uniform(0.01, 0.99, p),
        "skill_premium": np.sort(rng.uniform(0.7, 2.0, 3)),
        "remote_share": float(rng.uniform(0.0, 1.0)),
        "commute_cost": float(rng.choice([0.0, rng.uniform(0.0, 0.5)])),
        "hybrid": hybrid,
        "switch_premium": float(rng.uniform(0.0, 0.3)),
        "benefit": float(rng.uniform(30.0, 150.0)),
        "fit_weight": float(rng.uniform(0.0, 2.0)),
        "noise": noise,
        # Lowest acceptable score; -100 (the scenario's floor) accepts everyone.
        "hiring_standard": float(rng.choice([-100.0, rng.uniform(-2.0, 0.5)])),
        "seed": int(rng.integers(0, 2**31)),
        "month": int(rng.integers(0, 100)),
    }
    searching = (status != INA) & (rng.random(n) < rng.uniform(0.2, 1.0))
    # Drawn after the columns above, so that those stay as they were for a given seed.
    ina = status == INA
    to_training = ina & (rng.random(n) < rng.uniform(0.0, 0.4))
    to_absent = ina & ~to_training & (rng.random(n) < rng.uniform(0.0, 0.4))
    status[to_training] = TRN
    status[to_absent] = ABS
    # Inactive searchers (constrained people searching while inactive).
    searching |= (status == INA) & (rng.random(n) < rng.uniform(0.0, 0.8))
    econ["searchers"] = np.flatnonzero(searching)
    econ["constrained"] = rng.random(n) < rng.uniform(0.0, 0.6)
    econ["trained_with"] = np.where(rng.random(n) < rng.uniform(0.0, 0.5),
                                    rng.integers(0, p, n), -1).astype(np.int16)
    econ["remote_productivity"] = float(rng.choice([0.0, rng.uniform(-0.5, 0.5)]))
    econ["link_bonus"] = float(rng.choice([0.0, rng.uniform(0.0, 3.0)]))
    # Share of applications read within the month (1: all of them).
    econ["callback"] = float(rng.choice([1.0, rng.uniform(0.05, 1.0)]))
    # Score lost by the long-term unemployed (0: none); drawn last, so that the draws above
    # stay as they were for a given seed.
    econ["duration_penalty"] = float(rng.choice([0.0, rng.uniform(0.0, 2.0)]))
    # Half the economies search with a decay by skill (one table of destinations per
    # skill level, ``search.distance_decay_skill_factor``); drawn last too.
    if rng.random() < 0.5:
        factor = rng.uniform(0.3, 2.0, 3)[:, None, None]
        econ["decay"] = np.exp(-beta * factor * econ["minutes"][None])
        econ["decay_remote"] = np.exp(-beta * hybrid * factor * econ["minutes"][None])
    return econ


def _workers(e: dict) -> WorkerColumns:
    """The economy's worker columns (missing ones added to ``e``)."""
    return worker_bundle(e)


def _firms(e: dict) -> FirmColumns:
    """The economy's firm columns (shared arrays)."""
    return firm_bundle(e["F"], place=e["firm_place"], productivity=e["productivity"],
                       skill_demand=e["skill_demand"], teleworkable=e["teleworkable"],
                       vacancies=e["vacancies"], employment=e["employment"])


def _search(e: dict) -> SearchRules:
    return search_rules(applications=e["k"], remote_share=e["remote_share"],
                        switch_premium=e["switch_premium"],
                        fit_weight=e["fit_weight"], noise=e["noise"],
                        hiring_standard=e["hiring_standard"],
                        callback_rate=e.get("callback", 1.0),
                        duration_penalty=e.get("duration_penalty", 0.0))


def _wages(e: dict) -> WageRules:
    return wage_rules(e["P"], phi=e["phi"], skill_premium=e["skill_premium"],
                      benefit=e["benefit"], commute_cost=e["commute_cost"],
                      hybrid_factor=e["hybrid"])


@njit(cache=False)
def _logistic_at(key, counters):
    out = np.empty(counters.shape[0])
    for c in range(counters.shape[0]):
        out[c] = logistic(key, counters[c])
    return out


def _uniform_at(key, counters):
    out = np.empty(counters.shape[0])
    for c in range(counters.shape[0]):
        out[c] = uniform(key, counters[c])
    return out


def _check_consistent(e: dict) -> None:
    """Stock identities of the worker and firm tables."""
    status, employer = e["status"], e["employer"]
    assert status.shape == (e["N"],) and employer.shape == (e["N"],)
    assert np.isin(status, [EMP, UNE, INA, TRN, ABS]).all()
    emp = status == EMP
    assert np.all((employer[emp] >= 0) & (employer[emp] < e["F"]))
    assert np.all(employer[~emp] == -1)
    assert not np.any(e["remote"] & ~emp)  # a remote job is a job
    assert not np.any(e["remote"] & ~e["remote_capable"])
    np.testing.assert_array_equal(e["employment"], np.bincount(employer[emp], minlength=e["F"]))
    assert np.all(e["vacancies"] >= 0)


def build_tables(e: dict):
    """``vacancy_weights`` as the model calls it, with checks of the tables it fills."""
    p, f = e["P"], e["F"]
    vac0 = e["vacancies"].copy()
    # One layer of destination weights, or one per skill level (decay by skill).
    decay = e["decay"] if e["decay"].ndim == 3 else e["decay"][None]
    decay_remote = e["decay_remote"] if e["decay_remote"].ndim == 3 else e["decay_remote"][None]
    cum_place = np.zeros((decay.shape[0], p, p))
    cum_place_remote = np.zeros((decay.shape[0], p, p))
    vacancy_firm = np.empty(int(vac0.sum()), dtype=np.int32)
    vacancy_start = np.zeros(p + 1, dtype=np.int64)
    vacancy_prob = np.empty(vacancy_firm.size)
    vacancy_alias = np.empty(vacancy_firm.size, dtype=np.int32)
    vac_place = vacancy_weights(
        _firms(e), e["firms_by_place"], e["place_start"], decay, decay_remote,
        make(VacancyTables, vacancy_firm=vacancy_firm, vacancy_start=vacancy_start,
             vacancy_prob=vacancy_prob, vacancy_alias=vacancy_alias, cum_place=cum_place,
             cum_place_remote=cum_place_remote),
    )
    np.testing.assert_array_equal(e["vacancies"], vac0)
    expected = np.bincount(e["firm_place"], weights=vac0, minlength=p)
    np.testing.assert_array_equal(vac_place, expected)
    # One entry per open vacancy, grouped by place.
    assert vacancy_start[0] == 0
    np.testing.assert_array_equal(np.diff(vacancy_start), expected)
    for d in range(p):
        seg = vacancy_firm[vacancy_start[d]:vacancy_start[d + 1]]
        assert np.all(e["firm_place"][seg] == d)
        in_d = e["firm_place"] == d
        np.testing.assert_array_equal(np.bincount(seg, minlength=f)[in_d], vac0[in_d])
        # The alias table picks firm j with probability tau_j v_j / sum (exactly, up to
        # rounding): slot t keeps itself with prob[t] and passes 1 - prob[t] to alias[t].
        lo, hi = vacancy_start[d], vacancy_start[d + 1]
        tau = e["teleworkable"].astype(float)
        if hi > lo and tau[seg].sum() > 0:
            prob, alias = vacancy_prob[lo:hi], vacancy_alias[lo:hi]
            assert np.all((prob >= 0) & (prob <= 1)) and np.all((alias >= lo) & (alias < hi))
            mass = prob.copy()
            np.add.at(mass, alias - lo, 1.0 - prob)
            firm_mass = np.bincount(seg, weights=mass / (hi - lo), minlength=f)
            want = np.bincount(seg, weights=tau[seg], minlength=f) / tau[seg].sum()
            np.testing.assert_allclose(firm_mass, want, atol=1e-9)
    # Cumulative destination weights.
    np.testing.assert_allclose(np.cumsum(expected[None, None, :] * decay, axis=2), cum_place,
                               rtol=1e-12, atol=1e-300)
    vr = np.bincount(e["firm_place"], weights=vac0 * e["teleworkable"].astype(float),
                     minlength=p)
    np.testing.assert_allclose(np.cumsum(vr[None, None, :] * decay_remote, axis=2),
                               cum_place_remote, rtol=1e-9, atol=1e-300)
    return (vac_place, cum_place, cum_place_remote, vacancy_firm, vacancy_start, vacancy_prob,
            vacancy_alias)


def draw(e: dict, searchers, key, cum_place, cum_place_remote, vacancy_firm, vacancy_start,
         vacancy_prob, vacancy_alias):
    """``gather_searchers`` and ``draw_applications`` as the model calls them."""
    n_slots = searchers.size * e["k"]
    app_firm = np.empty(n_slots, dtype=np.int32)
    app_wage = np.empty(n_slots, dtype=np.float32)
    app_value = np.empty(n_slots, dtype=np.float32)
    app_remote = np.zeros(n_slots, dtype=np.bool_)
    app_score = np.full(n_slots, np.nan)
    g = gather_searchers(searchers, _workers(e))
    draw_applications(
        key, searchers, g, _firms(e),
        make(VacancyTables, vacancy_firm=vacancy_firm, vacancy_start=vacancy_start,
             vacancy_prob=vacancy_prob, vacancy_alias=vacancy_alias, cum_place=cum_place,
             cum_place_remote=cum_place_remote),
        e["minutes"], _search(e), _wages(e),
        make(Participation, constrained_search_share=0.0, constrained_exit_multiplier=1.0,
             constrained_remote_search_share=0.5, remote_exit_multiplier=1.0,
             remote_productivity=e.get("remote_productivity_by_occupation",
                                       np.full(9, e["remote_productivity"])),
             hybrid_adoption_odds=e.get("hybrid_adoption_odds", 1.0),
             hybrid_commute_response=e.get("hybrid_commute_response", 0.0)),
        make(EmployerLink, link_bonus=e["link_bonus"]),
        make(Applications, firm=app_firm, wage=app_wage, value=app_value, remote=app_remote,
             score=app_score),
    )
    return app_firm, app_wage, app_value, app_remote, app_score


def run_round(e: dict, searchers: np.ndarray, r: int, acc: dict, stats: dict | None = None):
    """One matching round exactly as the model runs it, with checks after each stage.

    Returns the hired mask over ``searchers`` (or None if the model would stop).
    """
    f, p, k = e["F"], e["P"], e["k"]
    vac0 = e["vacancies"].copy()
    emp0 = e["employment"].copy()
    status0 = e["status"].copy()
    employer0 = e["employer"].copy()
    cols0 = {c: e[c].copy() for c in ("wage", "remote", "months_unemployed")}
    n_s = searchers.size
    # Training and absent rows never search (monthly_flows never flags them).
    assert np.isin(status0[searchers], [EMP, UNE, INA]).all()

    # ---- vacancy weights
    vac_place, cum_place, cum_place_remote, *vacancy_tables = build_tables(e)
    if vac_place.sum() <= 0:
        return None

    # ---- applications
    n_slots = n_s * k
    app_key = stream_key(e["seed"], e["month"], STAGES["applications"], r)
    app_firm, app_wage, app_value, app_remote, scores = draw(
        e, searchers, app_key,
        cum_place, cum_place_remote, *vacancy_tables,
    )
    slots = app_firm.reshape(n_s, k)
    valid = app_firm >= 0
    # An application that is not read this month (its callback draw, the slot's fifth
    # counter, at or above the callback rate) leaves its slot empty.
    if e.get("callback", 1.0) < 1.0:
        slot_counter = (np.repeat(searchers, k).astype(np.int64) * k
                        + np.tile(np.arange(k), n_s)) * _DRAWS + 4
        unread = _uniform_at(app_key, slot_counter) >= e["callback"]
        assert not np.any(valid & unread)
        if stats is not None:
            stats["unread"] += np.count_nonzero(unread)
    assert np.all((app_firm == -1) | ((app_firm >= 0) & (app_firm < f)))
    # Only firms with open vacancies at the start of the round.
    assert np.all(vac0[app_firm[valid]] > 0)
    # A remote application only to a firm with teleworkable jobs, by a remote-capable worker.
    rem = valid & app_remote
    assert np.all(e["teleworkable"][app_firm[rem]] > 0)
    owner = np.repeat(searchers, k)
    assert np.all(e["remote_capable"][owner[rem]])
    # A constrained searcher applies only in their own place, or to a remote vacancy.
    cons = valid & e["constrained"][owner]
    assert np.all(app_remote[cons] | (e["firm_place"][app_firm[cons]] == e["home"][owner[cons]]))
    if stats is not None:
        stats["constrained_apps"] += np.count_nonzero(cons)
        stats["constrained_remote"] += np.count_nonzero(cons & app_remote)
        stats["constrained_away"] += np.count_nonzero(
            cons & (e["firm_place"][np.maximum(app_firm, 0)] != e["home"][owner]))
    # Never to the current employer.
    own = employer0[owner]
    assert not np.any(valid & (status0[owner] == EMP) & (app_firm == own))
    # No duplicate firm among one searcher's slots.
    for row in slots:
        firms = row[row >= 0]
        assert np.unique(firms).size == firms.size
    # Wages are Nash-bargained above the outside option; the value is the surplus over
    # the reservation wage (unemployed) or over the current job, net of commuting and
    # grossed up by the switch premium (employed, who apply only where it is >= 0).
    if valid.any():
        i = owner[valid]
        j = app_firm[valid].astype(np.int64)
        y = (e["productivity"][j].astype(float) * e["skill_premium"][e["skill"][i]]
             * e["human_capital"][i].astype(float))
        # A remote job's value added is (1 + remote_productivity) times the on-site one.
        y = y * np.where(app_remote[valid], 1.0 + e["remote_productivity"], 1.0)
        employed = status0[i] == EMP
        outside = np.where(employed, e["wage"][i], e["reservation_wage"][i]).astype(float)
        assert np.all(y > outside)
        d = e["firm_place"][j]
        w_exp = outside + e["phi"][d] * (y - outside)
        np.testing.assert_allclose(app_wage[valid], w_exp, rtol=1e-6)
        factor = np.where(app_remote[valid], e["hybrid"], 1.0)
        own_j = np.maximum(employer0[i], 0)
        m0 = e["minutes"][e["home"][i], e["firm_place"][own_j]]
        c0 = e["commute_cost"] * np.where(cols0["remote"][i], e["hybrid"], 1.0) * m0
        threshold = np.where(employed, (outside - c0) * (1.0 + e["switch_premium"]), outside)
        v_exp = w_exp - e["commute_cost"] * factor * e["minutes"][e["home"][i], d] - threshold
        np.testing.assert_allclose(app_value[valid], v_exp, rtol=1e-6, atol=1e-3)
        assert np.all(app_value[valid][employed] >= 0.0)

    # ---- group by firm
    firm_start = np.zeros(f + 1, dtype=np.int64)
    firm_apps = np.empty(n_slots, dtype=np.int64)
    firm_scores = np.empty(n_slots)
    apps = make(Applications, firm=app_firm, wage=app_wage, value=app_value,
                remote=app_remote, score=scores)
    queues = make(FirmQueues, firm_start=firm_start, firm_apps=firm_apps,
                  firm_scores=firm_scores)
    group_by_firm(apps, f, queues)
    np.testing.assert_array_equal(firm_scores[:firm_start[-1]], scores[firm_apps[:firm_start[-1]]])
    assert firm_start[0] == 0 and firm_start[-1] == np.count_nonzero(valid)
    np.testing.assert_array_equal(np.diff(firm_start), np.bincount(app_firm[valid], minlength=f))
    for j in range(f):
        seg = firm_apps[firm_start[j]:firm_start[j + 1]]
        np.testing.assert_array_equal(seg, np.flatnonzero(app_firm == j))  # stable

    # ---- rank and offer
    offered = np.zeros(n_slots, dtype=np.bool_)
    apps_before = firm_apps.copy()
    scores_before = scores.copy()
    rank_and_offer(queues, _firms(e), _search(e), offered)
    np.testing.assert_array_equal(scores, scores_before)  # read only
    # The firm-ordered scores were permuted with their slots.
    n_valid = firm_start[-1]
    np.testing.assert_array_equal(firm_scores[:n_valid], scores[firm_apps[:n_valid]])
    np.testing.assert_array_equal(e["vacancies"], vac0)  # ranking does not touch vacancies
    assert not np.any(offered & ~valid)
    for j in range(f):
        lo, hi = firm_start[j], firm_start[j + 1]
        seg = apps_before[lo:hi]
        # The firm's segment is only permuted.
        np.testing.assert_array_equal(np.sort(firm_apps[lo:hi]), np.sort(seg))
        n_off = np.count_nonzero(offered[seg])
        assert n_off <= vac0[j]  # never more offers than vacancies
        if vac0[j] == 0:
            assert n_off == 0
            continue
        if seg.size == 0:
            continue
        # Every application is scored: skill fit, log human capital, logistic noise
        # from the application's last reserved counter, and the employer-link bonus for
        # an applicant trained with the employers of the firm's place.
        sc = scores[seg]
        assert np.all(np.isfinite(sc))
        i = searchers[seg // k]
        fit = np.abs(e["skill"][i].astype(int) - int(e["skill_demand"][j]))
        counter = (i.astype(np.int64) * k + seg % k) * _DRAWS + _DRAWS - 1
        eps = _logistic_at(app_key, counter)
        linked = e["trained_with"][i] == e["firm_place"][j]
        # The long-term unemployment penalty, full from PENALTY_RAMP_MONTHS on.
        spell = np.minimum(e["months_unemployed"][i], PENALTY_RAMP_MONTHS) / PENALTY_RAMP_MONTHS
        stigma = e.get("duration_penalty", 0.0) * spell * (e["status"][i] == UNE)
        sc_exp = (-e["fit_weight"] * fit + np.log(e["human_capital"][i].astype(float))
                  + e["noise"] * eps + e["link_bonus"] * linked - stigma)
        np.testing.assert_allclose(sc, sc_exp, rtol=1e-5, atol=1e-5)
        # Offers go to the best acceptable applicants, by (score desc, slot asc); all
        # acceptable ones if there are no more of them than vacancies.
        ok = seg[sc >= e["hiring_standard"]]
        assert n_off == min(ok.size, vac0[j])
        order = np.lexsort((ok, -scores[ok]))
        top = np.sort(ok[order[:n_off]])
        np.testing.assert_array_equal(np.sort(seg[offered[seg]]), top)
        np.testing.assert_array_equal(np.sort(firm_apps[lo:lo + n_off]), top)
        if stats is not None and ok.size > vac0[j]:
            stats["ranked"] += 1
        if stats is not None and ok.size < seg.size:
            stats["below_standard"] += 1

    # ---- accept and hire
    hired = np.zeros(n_s, dtype=np.bool_)
    hires_before = {c: a.copy() for c, a in acc.items()}
    n_hires = accept_and_hire(
        _search(e), searchers, apps, offered, _workers(e), _firms(e),
        make(HireCounts, hired=hired, hires_by_place=acc["hires"],
             hires_from_unemployment_by_home=acc["hires_u"], job_to_job_by_home=acc["j2j"]),
    )
    off2 = offered.reshape(n_s, k)
    assert n_hires == np.count_nonzero(hired)
    # An offer is taken when it is worth at least the reservation wage or current job.
    good = off2 & (app_value.reshape(n_s, k) >= 0.0)
    np.testing.assert_array_equal(hired, good.any(axis=1))
    hs = searchers[hired]
    # Each hired worker takes an offer of highest value (a searcher's slots name
    # distinct firms, so the new employer identifies the slot taken).
    vals = np.where(good, app_value.reshape(n_s, k), -np.inf)
    taken = good & (slots == e["employer"][searchers][:, None]) & hired[:, None]
    assert np.all(taken.sum(axis=1) == hired)
    best_slot = np.flatnonzero(taken.ravel())
    np.testing.assert_array_equal(app_value[best_slot], vals.max(axis=1)[hired])
    np.testing.assert_array_equal(e["wage"][hs], app_wage[best_slot])
    np.testing.assert_array_equal(e["remote"][hs], app_remote[best_slot])
    assert np.all(e["status"][hs] == EMP) and np.all(e["months_unemployed"][hs] == 0)
    # Nobody else changed.
    untouched = np.ones(e["N"], dtype=bool)
    untouched[hs] = False
    np.testing.assert_array_equal(e["status"][untouched], status0[untouched])
    np.testing.assert_array_equal(e["employer"][untouched], employer0[untouched])
    for c, a in cols0.items():
        np.testing.assert_array_equal(e[c][untouched], a[untouched])
    # No vacancy filled twice; vacancies fall by the hires.
    hires_firm = np.bincount(e["employer"][hs], minlength=f)
    assert np.all(hires_firm <= vac0)
    np.testing.assert_array_equal(e["vacancies"], vac0 - hires_firm)
    assert np.all(e["vacancies"] >= 0)
    # Employment: +1 at the new firm, -1 at the old one for job-to-job movers.
    movers = hs[status0[hs] == EMP]
    leaves = np.bincount(employer0[movers], minlength=f)
    np.testing.assert_array_equal(e["employment"], emp0 + hires_firm - leaves)
    # Flow counters.
    d_hires = acc["hires"] - hires_before["hires"]
    np.testing.assert_array_equal(d_hires, np.bincount(e["firm_place"][e["employer"][hs]],
                                                       minlength=p))
    assert d_hires.sum() == n_hires
    np.testing.assert_array_equal(acc["j2j"] - hires_before["j2j"],
                                  np.bincount(e["home"][movers], minlength=p))
    from_u = hs[status0[hs] == UNE]
    np.testing.assert_array_equal(acc["hires_u"] - hires_before["hires_u"],
                                  np.bincount(e["home"][from_u], minlength=p))
    # Inactive searchers hired become employed: hires at the workplace, but neither
    # hires from unemployment nor job-to-job moves.
    from_i = hs[status0[hs] == INA]
    assert d_hires.sum() == movers.size + from_u.size + from_i.size
    # Workers conserved, one job each.
    _check_consistent(e)
    assert np.count_nonzero(e["status"] == EMP) == (
        np.count_nonzero(status0 == EMP) + np.count_nonzero(status0[hs] != EMP)
    )
    if stats is not None:
        stats["hires"] += n_hires
        stats["j2j"] += movers.size
        stats["hired_inactive"] += from_i.size
    return hired


def run_matching(e: dict, searchers: np.ndarray, stats: dict | None = None) -> dict:
    """All rounds of one month, as the model runs them."""
    p = e["P"]
    acc = {c: np.zeros(p, dtype=np.int64) for c in ("hires", "hires_u", "j2j")}
    vac_start = e["vacancies"].copy()
    status_start, employer_start = e["status"].copy(), e["employer"].copy()
    ever_hired = np.zeros(e["N"], dtype=np.int64)
    for r in range(e["rounds"]):
        if searchers.size == 0:
            break
        hired = run_round(e, searchers, r, acc, stats)
        if hired is None:
            break
        ever_hired[searchers[hired]] += 1
        searchers = searchers[~hired]
    # Over the month: each worker hired at most once, no vacancy filled twice.
    assert ever_hired.max(initial=0) <= 1
    total = int(ever_hired.sum())
    assert acc["hires"].sum() == total
    assert np.all(e["vacancies"] <= vac_start)
    assert (vac_start - e["vacancies"]).sum() == total
    changed = (e["employer"] != employer_start) | (e["status"] != status_start)
    assert np.all(ever_hired[changed] == 1)
    _check_consistent(e)
    return acc


# ------------------------------------------------------------------ matching rounds
@settings(max_examples=250, deadline=None)
@given(seed=seeds)
@example(seed=0)
def test_matching_rounds_invariants(seed: int) -> None:
    e = make_economy(seed)
    _check_consistent(e)
    n0 = e["N"]
    run_matching(e, e["searchers"])
    assert e["status"].shape == (n0,)


@settings(max_examples=60, deadline=None)
@given(seed=seeds, months=st.integers(1, 4))
def test_months_of_flows_and_matching_keep_stocks_consistent(seed: int, months: int) -> None:
    """Whole months as the model schedules them: flows (with retirement, constrained
    search and exits, and firm closures), vacancies, matching."""
    e = make_economy(seed)
    rng = np.random.default_rng(seed + 1)
    target = e["employment"] + rng.integers(0, 6, e["F"]).astype(np.int32)
    layoff = rng.uniform(0.0, 0.2, 3)
    entry = rng.uniform(0.0, 0.3, e["P"])
    retirement_age = int(rng.choice([0, 66 * 12]))
    age = rng.integers(65 * 12, 66 * 12, e["N"]).astype(np.int16)  # some retire
    cons_share = float(rng.uniform(0.0, 1.0))
    inactive_search = float(rng.choice([0.0, rng.uniform(0.0, 0.3)]))
    for month in range(months):
        exiting = rng.random(e["F"]) < 0.1  # some firms close each month
        searching = np.zeros(e["N"], dtype=np.bool_)
        separations = np.zeros(e["P"], dtype=np.int64)
        retirements = np.zeros(e["P"], dtype=np.int64)
        was_emp = e["status"] == EMP
        present = np.count_nonzero(e["status"] != ABS)
        e["age_months"] = age
        monthly_flows(
            stream_key(e["seed"], month, STAGES["flows"]), _workers(e), _firms(e), exiting,
            np.zeros(e["F"]),
            make(FlowRates, layoff_rate=layoff, exit_employed=0.02, exit_unemployed=0.05,
                 entry_rate=entry, inactive_search=np.full(e["P"], inactive_search),
                 job_loss=np.ones(e["P"])),
            search_rules(ojs_share=0.2),
            wage_rules(e["P"], phi=e["phi"], skill_premium=e["skill_premium"],
                       benefit=e["benefit"], replacement_ratio=0.8, reservation_decay=0.02,
                       adjustment=0.3),
            make(Participation, constrained_search_share=cons_share,
                 constrained_exit_multiplier=3.0, constrained_remote_search_share=0.5,
                 remote_exit_multiplier=1.5,
                 remote_productivity=np.zeros(9), hybrid_adoption_odds=1.0,
                 hybrid_commute_response=0.0),
            make(Retirement, retirement_age_months=retirement_age),
            TrainingArgs.neutral(e["P"]),
            make(FlowsOutput, searching=searching, separations_by_place=separations,
                 retirements_by_place=retirements,
                 layoffs_by_place=np.zeros(e["P"], dtype=np.int64),
                 scratch=np.empty((2, e["N"]), dtype=np.int32)),
        )
        assert separations.sum() == np.count_nonzero(was_emp & (e["status"] != EMP))
        assert np.count_nonzero(e["status"] != ABS) == present - retirements.sum()
        if retirement_age == 0:
            assert retirements.sum() == 0
        # Only employed, unemployed and inactive people search (the inactive with the
        # constrained or the general inactive search share).
        assert np.isin(e["status"][searching], [EMP, UNE, INA]).all()
        if inactive_search == 0.0:
            assert np.all(e["constrained"][searching & (e["status"] == INA)])
        _check_consistent(e)  # employment kept up to date by the flows kernel
        np.maximum(target - e["employment"], 0, out=e["vacancies"])
        e["month"] = month
        run_matching(e, np.flatnonzero(searching))
        assert e["status"].shape == (e["N"],)


def test_matching_is_not_vacuous() -> None:
    """The random economies exercise hires, job-to-job moves, the ranking path, hires of
    inactive searchers and constrained applications (remote and local)."""
    stats = {"hires": 0, "j2j": 0, "ranked": 0, "below_standard": 0, "hired_inactive": 0,
             "constrained_apps": 0, "constrained_remote": 0, "constrained_away": 0,
             "unread": 0}
    for seed in range(60):
        e = make_economy(seed)
        run_matching(e, e["searchers"], stats)
    assert stats["hires"] > 500
    assert stats["j2j"] > 100
    assert stats["ranked"] > 100
    assert stats["below_standard"] > 100
    assert stats["hired_inactive"] > 50
    assert stats["constrained_apps"] > 200
    assert stats["constrained_remote"] > 20
    assert stats["constrained_away"] > 0  # remote applications outside the home place
    assert stats["unread"] > 100  # applications lost to the callback rate


def test_matching_is_deterministic() -> None:
    results = []
    for _ in range(2):
        e = make_economy(1234)
        run_matching(e, e["searchers"])
        results.append((e["employer"].copy(), e["wage"].copy(), e["vacancies"].copy()))
    for a, b in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b)


def test_no_vacancies_no_applications() -> None:
    e = make_economy(7)
    e["vacancies"][:] = 0
    acc = {c: np.zeros(e["P"], dtype=np.int64) for c in ("hires", "hires_u", "j2j")}
    assert run_round(e, e["searchers"], 0, acc) is None


def test_more_applicants_than_vacancies_fills_exactly() -> None:
    """One firm, one vacancy, many eager applicants: exactly one hire."""
    e = make_economy(3)
    n = e["N"]
    e["vacancies"][:] = 0
    e["vacancies"][0] = 1
    e["productivity"][:] = 5000.0
    e["reservation_wage"][:] = 10.0
    e["commute_cost"] = 0.0
    e["status"][:] = UNE
    e["employer"][:] = -1
    e["employment"][:] = 0
    e["remote"][:] = False
    e["rounds"] = 3
    e["hiring_standard"] = -100.0
    acc = run_matching(e, np.arange(n, dtype=np.int64))
    assert acc["hires"].sum() == 1
    assert e["employment"][0] == 1 and e["vacancies"][0] == 0


@pytest.mark.parametrize("remote", [False, True])
def test_application_draws_follow_vacancy_and_distance_weights(remote: bool) -> None:
    """With every application acceptable, a firm is drawn with probability
    proportional to v_j exp(-beta T_od) (times tau_j, hybrid decay, if remote).

    Chi-square over firms with the exact cell probabilities; the bound is the mean
    plus six standard deviations of the chi-square (a correct sampler fails it with
    probability around 1e-5 and, draws being deterministic, reproducibly passes).
    """
    rng = np.random.default_rng(2024)
    e = make_economy(99)
    p, f = 5, 30
    n = 200_000
    firm_place = rng.integers(0, p, f).astype(np.int16)
    firm_place[:p] = np.arange(p)  # every place has firms
    minutes = rng.uniform(5.0, 120.0, (p, p))
    beta, hybrid = 0.02, 0.4
    tele = rng.uniform(0.0, 1.0, f)
    tele[p] = 0.0  # a firm without teleworkable jobs gets no remote application
    e.update(
        P=p, F=f, N=n, firm_place=firm_place,
        firms_by_place=np.argsort(firm_place, kind="stable").astype(np.int64),
        vacancies=rng.integers(0, 6, f).astype(np.int32),
        productivity=np.full(f, 5000.0, dtype=np.float32),
        teleworkable=tele.astype(np.float32), skill_demand=np.zeros(f, dtype=np.int8),
        employment=np.zeros(f, dtype=np.int32),
        home=np.zeros(n, dtype=np.int16), skill=np.zeros(n, dtype=np.int8),
        months_unemployed=np.zeros(n, dtype=np.int16),
        human_capital=np.ones(n, dtype=np.float32), status=np.full(n, UNE, dtype=np.int8),
        employer=np.full(n, -1, dtype=np.int32), wage=np.full(n, 100.0, dtype=np.float32),
        reservation_wage=np.zeros(n, dtype=np.float32),
        remote_capable=np.full(n, remote), remote=np.zeros(n, dtype=np.bool_),
        minutes=minutes, decay=np.exp(-beta * minutes),
        decay_remote=np.exp(-beta * hybrid * minutes), k=1, phi=np.full(p, 0.5),
        skill_premium=np.ones(3), remote_share=1.0, commute_cost=0.0, hybrid=hybrid,
        constrained=np.zeros(n, dtype=np.bool_), trained_with=np.full(n, -1, dtype=np.int16),
        hybrid_adoption_odds=np.inf,
    )
    e["vacancies"][:p] = np.maximum(e["vacancies"][:p], 1)
    e["place_start"] = np.zeros(p + 1, dtype=np.int64)
    e["place_start"][1:] = np.cumsum(np.bincount(firm_place, minlength=p))
    tables = build_tables(e)
    app_firm, _, _, app_remote, _ = draw(e, np.arange(n, dtype=np.int64),
                                      stream_key(5, 0, STAGES["applications"]), *tables[1:])
    np.testing.assert_array_equal(app_remote, remote)
    if remote:
        weight = e["vacancies"] * tele * e["decay_remote"][0, firm_place]
        # Certain adoption (infinite odds): every application of a remote-capable worker
        # to a firm with teleworkable jobs is hybrid.
        assert np.all(app_firm >= 0)
    else:
        weight = e["vacancies"] * e["decay"][0, firm_place]
        assert not np.any(app_remote) and np.all(app_firm >= 0)
    drawn = app_firm[app_firm >= 0]
    counts = np.bincount(drawn, minlength=f)
    assert np.all(counts[weight == 0] == 0)
    live = weight > 0
    expected = drawn.size * weight[live] / weight[live].sum()
    chi2 = float(np.sum((counts[live] - expected) ** 2 / expected))
    df = int(live.sum()) - 1
    assert chi2 < df + 6.0 * math.sqrt(2.0 * df), (chi2, df)


def test_a_decay_by_skill_draws_each_searchers_destinations_from_their_layer() -> None:
    """With one table of destinations per skill level, a searcher of skill ``s`` draws a
    firm with probability proportional to ``v_j exp(-beta f_s T_od)``: graduates
    (``f`` = 0.3) apply far from home much more than the basic-skilled (``f`` = 2).
    Chi-square per skill level with the exact cell probabilities, bound as above."""
    rng = np.random.default_rng(7)
    e = make_economy(99)
    p, f, n = 5, 30, 150_000
    firm_place = rng.integers(0, p, f).astype(np.int16)
    firm_place[:p] = np.arange(p)
    minutes = rng.uniform(5.0, 120.0, (p, p))
    np.fill_diagonal(minutes, 5.0)
    factor = np.array([2.0, 1.0, 0.3])
    beta = 0.03
    skill = rng.integers(0, 3, n).astype(np.int8)
    e.update(
        P=p, F=f, N=n, firm_place=firm_place,
        firms_by_place=np.argsort(firm_place, kind="stable").astype(np.int64),
        vacancies=rng.integers(1, 6, f).astype(np.int32),
        productivity=np.full(f, 5000.0, dtype=np.float32),
        teleworkable=np.zeros(f, dtype=np.float32), skill_demand=np.zeros(f, dtype=np.int8),
        employment=np.zeros(f, dtype=np.int32),
        home=np.zeros(n, dtype=np.int16), skill=skill,
        months_unemployed=np.zeros(n, dtype=np.int16),
        human_capital=np.ones(n, dtype=np.float32), status=np.full(n, UNE, dtype=np.int8),
        employer=np.full(n, -1, dtype=np.int32), wage=np.full(n, 100.0, dtype=np.float32),
        reservation_wage=np.zeros(n, dtype=np.float32),
        remote_capable=np.zeros(n, dtype=np.bool_), remote=np.zeros(n, dtype=np.bool_),
        minutes=minutes, decay=np.exp(-beta * factor[:, None, None] * minutes[None]),
        decay_remote=np.exp(-beta * 0.4 * factor[:, None, None] * minutes[None]), k=1,
        phi=np.full(p, 0.5), skill_premium=np.ones(3), remote_share=0.0, commute_cost=0.0,
        hybrid=0.4, constrained=np.zeros(n, dtype=np.bool_),
        trained_with=np.full(n, -1, dtype=np.int16),
    )
    e["place_start"] = np.zeros(p + 1, dtype=np.int64)
    e["place_start"][1:] = np.cumsum(np.bincount(firm_place, minlength=p))
    tables = build_tables(e)
    app_firm, *_ = draw(e, np.arange(n, dtype=np.int64),
                        stream_key(5, 0, STAGES["applications"]), *tables[1:])
    assert np.all(app_firm >= 0)
    away = []
    for s in range(3):
        drawn = app_firm[skill == s]
        counts = np.bincount(drawn, minlength=f)
        weight = e["vacancies"] * e["decay"][s, 0, firm_place]
        expected = drawn.size * weight / weight.sum()
        chi2 = float(np.sum((counts - expected) ** 2 / expected))
        assert chi2 < f - 1 + 6.0 * math.sqrt(2.0 * (f - 1)), (s, chi2)
        away.append(np.mean(firm_place[drawn] != 0))
    assert away[0] < away[1] < away[2]


# ------------------------------------------------------------------ new kernel hooks
def _simple_economy(n: int, *, seed: int = 2024, p: int = 5, f: int = 30) -> dict:
    """Every place has firms with open vacancies; every application is acceptable
    (high productivity, zero reservation wage, no commuting cost); ``k = 1``."""
    rng = np.random.default_rng(seed)
    e = make_economy(99)
    firm_place = rng.integers(0, p, f).astype(np.int16)
    firm_place[:p] = np.arange(p)
    minutes = rng.uniform(5.0, 120.0, (p, p))
    e.update(
        P=p, F=f, N=n, firm_place=firm_place,
        firms_by_place=np.argsort(firm_place, kind="stable").astype(np.int64),
        vacancies=rng.integers(1, 6, f).astype(np.int32),
        employment=np.zeros(f, dtype=np.int32),
        productivity=np.full(f, 5000.0, dtype=np.float32),
        skill_demand=np.zeros(f, dtype=np.int8),
        teleworkable=np.ones(f, dtype=np.float32),
        home=rng.integers(0, p, n).astype(np.int16), skill=np.zeros(n, dtype=np.int8),
        human_capital=np.ones(n, dtype=np.float32), status=np.full(n, UNE, dtype=np.int8),
        employer=np.full(n, -1, dtype=np.int32), wage=np.full(n, 100.0, dtype=np.float32),
        reservation_wage=np.zeros(n, dtype=np.float32),
        months_unemployed=np.zeros(n, dtype=np.int16),
        remote_capable=np.ones(n, dtype=np.bool_), remote=np.zeros(n, dtype=np.bool_),
        minutes=minutes, decay=np.exp(-0.02 * minutes), decay_remote=np.exp(-0.008 * minutes),
        k=1, rounds=1, phi=rng.uniform(0.2, 0.8, p), skill_premium=np.ones(3),
        remote_share=0.9, commute_cost=0.0, hybrid=0.4, hiring_standard=-100.0,
        constrained=np.zeros(n, dtype=np.bool_), trained_with=np.full(n, -1, dtype=np.int16),
        remote_productivity=0.0, link_bonus=0.0, noise=0.5, fit_weight=1.0,
    )
    e["place_start"] = np.zeros(p + 1, dtype=np.int64)
    e["place_start"][1:] = np.cumsum(np.bincount(firm_place, minlength=p))
    e["searchers"] = np.arange(n, dtype=np.int64)
    return e


def _draw_all(e: dict, key=None):
    tables = build_tables(e)
    key = stream_key(5, 0, STAGES["applications"]) if key is None else key
    return draw(e, e["searchers"], key, *tables[1:])


def test_constrained_searchers_apply_at_home_or_remotely() -> None:
    """A constrained remote-capable searcher aims at remote vacancies half the time
    (whatever ``remote_share``), otherwise at their own place; without remote
    capability, only at their own place; nothing at home means no application.
    (Teleworkable share 1: every application of a remote-capable worker is hybrid, so
    the aim shows in where the applications go.)"""
    n = 40_000
    e = _simple_economy(n)
    e["constrained"][:] = True
    e["remote_capable"][:] = np.arange(n) % 2 == 0
    e["vacancies"][e["firm_place"] == 4] = 0  # nothing open in place 4
    app_firm, _, _, app_remote, _ = _draw_all(e)
    home = e["home"]
    valid = app_firm >= 0
    place = e["firm_place"][np.maximum(app_firm, 0)]
    capable = e["remote_capable"]
    # Not remote-capable: own place only, never remote; none from place 4.
    assert not np.any(app_remote[~capable])
    assert np.all(place[valid & ~capable] == home[valid & ~capable])
    np.testing.assert_array_equal(valid[~capable], home[~capable] != 4)
    # Remote-capable: every application hybrid (teleworkable = 1); aimed at remote
    # vacancies half the time, which then land away from home with probability
    # 1 - q_o (q_o: the remote table's weight of the home place).
    c = capable & (home != 4)
    assert np.all(valid[c]) and np.all(app_remote[c])
    vac = np.bincount(e["firm_place"], weights=e["vacancies"], minlength=e["P"])
    w = vac[None, :] * e["decay_remote"]
    q = np.diag(w) / w.sum(axis=1)
    away = np.count_nonzero(place[c] != home[c]) / np.count_nonzero(c)
    expected = 0.5 * np.mean(1.0 - q[home[c]])
    assert abs(away - expected) < 6.0 * math.sqrt(0.25 / np.count_nonzero(c))
    assert np.count_nonzero(app_remote & (place != home)) > 1000  # remote can be far away
    # From place 4, only remote applications go anywhere.
    c4 = capable & (home == 4)
    np.testing.assert_array_equal(valid[c4], app_remote[c4])
    assert np.all(place[c4 & valid] != 4)
    # The same searchers unconstrained apply all over, hybrid when remote-capable.
    e["constrained"][:] = False
    app_firm, _, _, app_remote, _ = _draw_all(e)
    valid = app_firm >= 0
    np.testing.assert_array_equal(app_remote, valid & capable)
    local = valid & ~capable
    assert np.count_nonzero(e["firm_place"][app_firm[local]] != home[local]) > 1000


@pytest.mark.parametrize("rp", [-0.3, 0.25])
def test_remote_productivity_scales_value_added_of_remote_jobs(rp: float) -> None:
    n = 4_000
    e = _simple_economy(n, seed=7)
    e["reservation_wage"][:] = np.linspace(0.0, 4800.0, n, dtype=np.float32)
    e["remote_share"] = 0.5
    base = _draw_all(e)
    e["remote_productivity"] = rp
    app_firm, app_wage, app_value, app_remote, _ = _draw_all(e)
    valid = app_firm >= 0
    # The draws do not depend on it (a slot left empty keeps app_remote False).
    np.testing.assert_array_equal(app_remote[valid], base[3][valid])
    i = e["searchers"][valid]
    j = app_firm[valid]
    y = e["productivity"][j].astype(float) * np.where(app_remote[valid], 1.0 + rp, 1.0)
    outside = e["reservation_wage"][i].astype(float)
    assert np.all(y > outside)
    np.testing.assert_allclose(
        app_wage[valid], outside + e["phi"][e["firm_place"][j]] * (y - outside), rtol=1e-6)
    # On-site applications are unchanged.
    same = valid & ~app_remote
    np.testing.assert_array_equal(app_firm[same], base[0][same])
    np.testing.assert_array_equal(app_wage[same], base[1][same])
    # Remote ones change by phi * rp * y where both have a surplus; with rp < 0 some
    # remote applications lose their surplus and are not made.
    rem = base[3] & (base[0] >= 0)
    both = rem & valid
    assert np.count_nonzero(both) > 100
    phi_d = e["phi"][e["firm_place"][app_firm[both]]]
    np.testing.assert_allclose(app_wage[both] - base[1][both],
                               phi_d * rp * e["productivity"][app_firm[both]], rtol=1e-4,
                               atol=1e-2)
    if rp < 0:
        assert np.count_nonzero(rem & ~valid) > 100
    else:
        np.testing.assert_array_equal(valid, base[0] >= 0)


def test_employer_link_bonus_on_the_score_in_the_place_of_the_course() -> None:
    n = 20_000
    e = _simple_economy(n, seed=11)
    e["trained_with"][:] = np.where(np.arange(n) % 3 == 0, -1, e["home"])
    e["trained_with"][np.arange(n) % 3 == 1] = 2
    app_firm, _, _, _, base_score = _draw_all(e)
    e["link_bonus"] = 2.5
    firm2, wage2, _, _, score2 = _draw_all(e)
    np.testing.assert_array_equal(firm2, app_firm)
    valid = app_firm >= 0
    linked = valid & (e["trained_with"] == e["firm_place"][np.maximum(app_firm, 0)])
    assert np.count_nonzero(linked) > 1000 and np.count_nonzero(valid & ~linked) > 1000
    np.testing.assert_allclose(score2[linked], base_score[linked] + 2.5, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(score2[valid & ~linked], base_score[valid & ~linked])


def _two_applicants_one_vacancy() -> dict:
    """Two identical searchers at home in place 0, one vacancy there, no noise."""
    e = _simple_economy(2, seed=3, p=2, f=2)
    e["firm_place"][:] = [0, 1]
    e["firms_by_place"] = np.array([0, 1], dtype=np.int64)
    e["place_start"] = np.array([0, 1, 2], dtype=np.int64)
    e["vacancies"][:] = [1, 0]
    e["home"][:] = 0
    e["remote_capable"][:] = False
    e["noise"], e["fit_weight"] = 0.0, 1.0
    return e


def test_employer_link_bonus_wins_the_vacancy() -> None:
    """Two identical applicants, one vacancy, no noise: the one trained there is hired."""
    e = _two_applicants_one_vacancy()
    e["link_bonus"] = 0.5
    for trained in (0, 1):
        e2 = {c: (a.copy() if isinstance(a, np.ndarray) else a) for c, a in e.items()}
        e2["trained_with"][:] = -1
        e2["trained_with"][trained] = 0
        acc = run_matching(e2, e2["searchers"])
        assert acc["hires"].sum() == 1
        assert e2["status"][trained] == EMP and e2["status"][1 - trained] == UNE


def test_long_term_unemployment_penalty_gives_the_vacancy_to_the_shorter_spell() -> None:
    """Two identical unemployed applicants, one vacancy, no noise: with the penalty the one
    unemployed for less time is hired whatever the order; without it, the tie goes to the
    first slot."""
    e = _two_applicants_one_vacancy()
    e["trained_with"][:] = -1
    for penalty, months, winner in ((0.3, [10, 2], 1), (0.3, [2, 10], 0), (0.0, [10, 2], 0)):
        e2 = {c: (a.copy() if isinstance(a, np.ndarray) else a) for c, a in e.items()}
        e2["status"][:] = UNE
        e2["months_unemployed"][:] = months
        e2["duration_penalty"] = penalty
        acc = run_matching(e2, e2["searchers"])
        assert acc["hires"].sum() == 1
        assert e2["status"][winner] == EMP and e2["status"][1 - winner] == UNE


@settings(max_examples=40, deadline=None)
@given(seed=seeds)
def test_inactive_searchers_are_hired_into_employment(seed: int) -> None:
    """Only inactive searchers (constrained, some remote-capable): hires become employed
    and count in hires by workplace, never in hires from unemployment or job-to-job."""
    e = make_economy(seed)
    rng = np.random.default_rng(seed)
    n = e["N"]
    e["status"][:] = np.where(e["status"] == EMP, EMP, INA)
    e["months_unemployed"][:] = 0
    e["constrained"][:] = rng.random(n) < 0.7
    e["reservation_wage"][:] = np.minimum(e["reservation_wage"], 200.0)
    e["vacancies"][:] = np.maximum(e["vacancies"], 1)
    searchers = np.flatnonzero(e["status"] == INA)
    acc = run_matching(e, searchers)
    hired = searchers[e["status"][searchers] == EMP]
    assert acc["hires_u"].sum() == 0 and acc["j2j"].sum() == 0
    assert acc["hires"].sum() == hired.size
    np.testing.assert_array_equal(
        acc["hires"], np.bincount(e["firm_place"][e["employer"][hired]], minlength=e["P"]))
    assert np.all(e["employer"][hired] >= 0) and np.all(e["months_unemployed"][hired] == 0)
    # Constrained hires work in their own place or remotely.
    ch = hired[e["constrained"][hired]]
    assert np.all(e["remote"][ch] | (e["firm_place"][e["employer"][ch]] == e["home"][ch]))


def test_inactive_searchers_hires_are_not_vacuous() -> None:
    hired = 0
    for seed in range(20):
        e = make_economy(seed)
        e["status"][:] = np.where(e["status"] == EMP, EMP, INA)
        e["months_unemployed"][:] = 0
        e["vacancies"][:] = np.maximum(e["vacancies"], 1)
        e["reservation_wage"][:] = np.minimum(e["reservation_wage"], 200.0)
        searchers = np.flatnonzero(e["status"] == INA)
        run_matching(e, searchers)
        hired += np.count_nonzero(e["status"][searchers] == EMP)
    assert hired > 100


# ------------------------------------------------------------------ _select_top
def _check_select_top(scores: np.ndarray, idx: np.ndarray, lo: int, hi: int, m: int) -> None:
    before = idx.copy()
    keys = scores[idx].copy()  # the score of the slot at each position
    _select_top(keys, idx, lo, hi, m)
    np.testing.assert_array_equal(keys, scores[idx])  # swapped together
    # Outside [lo, hi) untouched; inside only permuted.
    np.testing.assert_array_equal(idx[:lo], before[:lo])
    np.testing.assert_array_equal(idx[hi:], before[hi:])
    np.testing.assert_array_equal(np.sort(idx[lo:hi]), np.sort(before[lo:hi]))
    seg = before[lo:hi]
    order = np.lexsort((seg, -scores[seg]))  # score desc, slot asc
    np.testing.assert_array_equal(np.sort(idx[lo:lo + m]), np.sort(seg[order[:m]]))


@settings(max_examples=400, deadline=None)
@given(
    seed=seeds,
    n=st.integers(0, 80),
    pad_lo=st.integers(0, 5),
    pad_hi=st.integers(0, 5),
    n_levels=st.sampled_from([1, 2, 3, 1000]),
    m_kind=st.sampled_from(["any", "zero", "all", "over_half", "one", "all_but_one"]),
)
def test_select_top_takes_the_m_best(seed, n, pad_lo, pad_hi, n_levels, m_kind) -> None:
    rng = np.random.default_rng(seed)
    total = pad_lo + n + pad_hi
    n_slots = total + int(rng.integers(0, 20))
    # Scores drawn from few levels give many exact ties.
    levels = rng.normal(size=n_levels)
    scores = levels[rng.integers(0, n_levels, n_slots)]
    idx = rng.permutation(n_slots)[:total].astype(np.int64)
    m = {
        "any": int(rng.integers(0, n + 1)),
        "zero": 0,
        "all": n,
        "over_half": int(rng.integers(n // 2 + 1, n + 1)) if n else 0,
        "one": min(1, n),
        "all_but_one": max(n - 1, 0),
    }[m_kind]
    _check_select_top(scores, idx, pad_lo, pad_lo + n, m)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 64])
@pytest.mark.parametrize("pattern", ["equal", "ascending", "descending", "two"])
def test_select_top_structured_inputs(n: int, pattern: str) -> None:
    scores = {
        "equal": np.zeros(n),
        "ascending": np.arange(n, dtype=float),
        "descending": -np.arange(n, dtype=float),
        "two": (np.arange(n) % 2).astype(float),
    }[pattern]
    for m in sorted({0, 1, n // 2, n // 2 + 1, n - 1, n} & set(range(n + 1))):
        for idx in (np.arange(n), np.arange(n)[::-1].copy()):
            _check_select_top(scores, idx.astype(np.int64), 0, n, m)


# ------------------------------------------------------------------ listed openings
@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    share=st.floats(0.0, 1.0),
    vacancies=st.lists(st.integers(0, 500), min_size=1, max_size=60),
)
@example(seed=1, share=0.0, vacancies=[0, 3, 500])
@example(seed=1, share=1.0, vacancies=[0, 3, 500])
def test_listed_openings_round_the_share_and_never_exceed_the_vacancies(
    seed: int, share: float, vacancies: list[int]
) -> None:
    v = np.array(vacancies, dtype=np.int32)
    listed = np.full_like(v, -7)
    key = stream_key(seed, 0, STAGES["public_listing"])
    list_openings(key, v, share, listed)
    x = share * v
    assert np.all(listed >= np.floor(x)) and np.all(listed <= np.ceil(x))
    assert np.all((listed >= 0) & (listed <= v))
    again = np.empty_like(v)
    list_openings(key, v, share, again)
    np.testing.assert_array_equal(listed, again)  # counter-based: reproducible


def test_listed_openings_are_unbiased() -> None:
    """E[listed] = share * v: over 20,000 firms with 3 vacancies at share 0.3 the mean is
    0.9 with standard error sqrt(0.09 / 20000) = 0.0021, so 0.02 is over 9 s.e."""
    v = np.full(20_000, 3, dtype=np.int32)
    listed = np.empty_like(v)
    list_openings(stream_key(5, 0, STAGES["public_listing"]), v, 0.3, listed)
    assert set(np.unique(listed)) == {0, 1}
    assert abs(listed.mean() - 0.9) < 0.02


def _channel_month_flows(share: float, months: int = 4) -> tuple[int, int]:
    """Hires from unemployment and job-to-job moves over a few months (kernels only), in
    people (the national table scales agents up)."""
    scenario = sim.Scenario().with_overrides(burn_in_months=0, scale=0.001).with_changes(
        {**{f"{m}.enabled": False for m in MECHANISMS}, "search.public_listing_share": share}
    )
    model = sim.LabourMarket(scenario, rng=3, debug=True)  # stock-flow checks every month
    model.run_for(months)
    nat = model.national_frame()
    return int(nat["hires_from_unemployment"].sum()), int(round(
        (nat["job_to_job_rate"] * nat["employed"]).sum()))


def test_the_unemployed_search_only_the_listed_openings() -> None:
    """With a listing share the unemployed are hired only into listed openings: with
    almost none listed (expected 1e-6 per vacancy) they find no work while the employed
    still move; with one market (share 0) and with every opening listed (1) both do."""
    u_none, j2j_none = _channel_month_flows(1e-6)
    assert u_none == 0 and j2j_none > 0
    for share in (0.0, 1.0):
        u, j2j = _channel_month_flows(share)
        assert u > 0 and j2j > 0, share


# ------------------------------------------------------------------ whole model
MECHANISMS = ("demography", "knowledge", "firm_dynamics", "green", "training", "remote_work",
              "migration", "international")


def test_model_runs_six_months_with_stock_flow_checks() -> None:
    """The kernels alone (every issue-3 mechanism switched off): the tables keep their
    size and the population is constant."""
    scenario = sim.Scenario().with_overrides(burn_in_months=0, scale=0.001).with_changes(
        {f"{m}.enabled": False for m in MECHANISMS}
    )
    model = sim.LabourMarket(scenario, rng=3, debug=True)
    n_workers, n_firms = len(model.workers), len(model.firms)
    for _ in range(6):
        model.step()  # debug=True runs check_stock_flow every month
    model.check_stock_flow()
    assert len(model.workers) == n_workers and len(model.firms) == n_firms
    nat = model.national_frame()
    assert len(nat) == 6
    stocks = nat["employed"] + nat["unemployed"] + nat["inactive"]
    np.testing.assert_allclose(stocks, nat["working_age_population"], rtol=1e-9)
    people = nat["working_age_population"]
    np.testing.assert_allclose(people, people.iloc[0], rtol=1e-12)
    assert (nat["retirements"] == 0).all() and (nat["in_training"] == 0).all()
    assert (nat["hires"] > 0).all()
    for col in ("employment_rate", "unemployment_rate", "vacancy_rate", "job_finding_rate"):
        assert nat[col].between(0.0, 1.0).all(), col
    assert np.all(np.isfinite(nat["median_wage"])) and (nat["median_wage"] > 0).all()
    assert not math.isnan(float(nat["mean_wage"].iloc[-1]))


def test_model_with_default_mechanisms_keeps_stocks_consistent() -> None:
    """The default scenario, with whichever mechanisms it switches on: the stock-flow
    checks hold every month and the stocks (training included) add up."""
    model = sim.LabourMarket(
        sim.Scenario().with_overrides(burn_in_months=0, scale=0.001), rng=3, debug=True
    )
    for _ in range(4):
        model.step()  # debug=True runs check_stock_flow every month
    model.check_stock_flow()
    nat = model.national_frame()
    assert len(nat) == 4
    stocks = nat["employed"] + nat["unemployed"] + nat["inactive"] + nat["in_training"]
    np.testing.assert_allclose(stocks, nat["working_age_population"], rtol=1e-9)
    assert (nat["hires"] > 0).all()
    for col in ("employment_rate", "unemployment_rate", "vacancy_rate", "job_finding_rate",
                "participation_rate", "own_place_work_share"):
        assert nat[col].between(0.0, 1.0).all(), col
    assert np.all(np.isfinite(nat["median_wage"])) and (nat["median_wage"] > 0).all()


def test_remote_productivity_differs_by_occupation() -> None:
    """A per-occupation effect applies to remote jobs of that occupation only."""
    n = 4_000
    e = _simple_economy(n, seed=11)
    e["reservation_wage"][:] = np.linspace(0.0, 4800.0, n, dtype=np.float32)
    e["remote_share"] = 0.5
    e["occupation"] = (np.arange(n) % 9).astype(np.int8)
    table = np.linspace(-0.4, 0.4, 9)
    e["remote_productivity_by_occupation"] = table
    app_firm, app_wage, _, app_remote, _ = _draw_all(e)
    valid = app_firm >= 0
    i = e["searchers"][valid]
    j = app_firm[valid]
    y = e["productivity"][j].astype(float) * np.where(
        app_remote[valid], 1.0 + table[e["occupation"][i]], 1.0
    )
    outside = e["reservation_wage"][i].astype(float)
    np.testing.assert_allclose(
        app_wage[valid], outside + e["phi"][e["firm_place"][j]] * (y - outside), rtol=1e-6)
    assert app_remote[valid].sum() > 100


@settings(max_examples=40, deadline=None)
@given(seed=seeds)
def test_gathered_columns_are_the_searchers_rows_and_survive_compaction(seed: int) -> None:
    """Row s of each gathered column is worker searchers[s]; keeping the rows of those
    not hired (as the model does between rounds) equals gathering them afresh."""
    e = make_economy(seed)
    names = ("home", "skill", "human_capital", "status", "wage", "reservation_wage",
             "remote_capable", "remote", "employer", "constrained", "trained_with",
             "occupation", "months_unemployed")
    e.setdefault("occupation", np.zeros(e["home"].size, dtype=np.int8))
    searchers = e["searchers"]
    g = gather_searchers(searchers, _workers(e))
    assert isinstance(g, SearcherColumns) and g._fields == names
    for col, name in zip(g, names, strict=True):
        np.testing.assert_array_equal(col, e[name][searchers])
        assert col.dtype == e[name].dtype
    keep = np.random.default_rng(seed).random(searchers.size) < 0.5
    again = gather_searchers(searchers[keep], _workers(e))
    for a, b in zip(again, select_rows(g, keep), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_lower_overqualification_penalty_lowers_graduate_unemployment():
    """Employers who mind over-qualification less hire more graduates into jobs that
    demand less: graduates' unemployment falls and more of them hold such jobs."""
    import sim
    from sim.agents.workers import EMPLOYED as EMP
    from sim.agents.workers import UNEMPLOYED as UNEMP

    out = {}
    for weight in (1.0, 0.0):
        sc = sim.Scenario().with_changes({
            "run.scale": 0.002, "run.burn_in_months": 0,
            "search.overqualification_weight": weight,
        })
        model = sim.LabourMarket(sc, rng=5)
        unemployed = active = 0
        for _ in range(12):
            model.step()
            grad = model.workers.skill == 2
            unemployed += np.sum(grad & (model.workers.status == UNEMP))
            active += np.sum(grad & np.isin(model.workers.status, (EMP, UNEMP)))
        w = model.workers
        emp = (w.status == EMP) & (w.skill == 2)
        below = np.mean(model.firms.skill_demand[w.employer[emp]] < 2)
        out[weight] = (unemployed / active, below)
    # Measured here: 4.5% against 3.2% (2.1% against 0.8% before the frictions of issue
    # 9, when most vacancies were filled within the month); 64% against 67% (the start,
    # with no burn-in, places workers at jobs whatever their skill; about 25,000
    # employed graduates).
    assert out[0.0][0] < 0.8 * out[1.0][0], out
    assert out[0.0][1] > out[1.0][1] + 0.02, out
