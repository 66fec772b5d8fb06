"""Tests for sim.kernels.flows: one month of separations, participation flows and wage drift.

Random small economies are derived from a drawn integer seed (numpy
``default_rng``) so that hypothesis examples stay cheap. They mix all five
statuses (employed, unemployed, inactive, training, absent), constrained people
and, usually, a retirement age inside the age range. Every transition is also
recomputed from the documented rule and the kernel's own random stream
(one uniform ``u = uniform(key, 3 i)`` per worker: consecutive intervals of ``u``
give the status move, then the on-the-job search of a staying employee or the
search of a constrained inactive person). Some firms exit, so their workers are laid off,
and firms' employment, which the kernel keeps up to date, is checked against a
recount.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from sim.kernels.bundles import (
    FlowRates,
    FlowsOutput,
    Participation,
    Retirement,
    TrainingArgs,
    make,
)
from sim.kernels.flows import CHUNK, monthly_flows
from sim.kernels.rng import STAGES, stream_key, uniform
from tests.kernels.bundle_helpers import firm_bundle, search_rules, wage_rules, worker_bundle

EMP, UNE, INA, TRN, ABS = 0, 1, 2, 3, 4
WORKER_COLUMNS = (
    "home", "skill", "human_capital", "status", "employer", "wage", "months_unemployed",
    "reservation_wage", "age_months", "remote", "constrained", "remote_capable",
)

seeds = st.integers(0, 2**32 - 1)


@njit(cache=False)
def _draws(key, n):
    out = np.empty((n, 3))
    for i in range(n):
        out[i, 0] = uniform(key, 3 * i)
        out[i, 1] = uniform(key, 3 * i + 1)
        out[i, 2] = uniform(key, 3 * i + 2)
    return out


def _economy(seed: int, *, n: int | None = None, zero_rates: bool = False) -> dict:
    """A random economy: workers consistent with firm employment, random monthly rates.

    With ``zero_rates`` every probability is 0 and retirement is off, so no status moves.
    """
    rng = np.random.default_rng(seed)
    p = int(rng.integers(1, 9))
    f = int(rng.integers(1, 41))
    n = int(rng.integers(1, 301)) if n is None else n
    status = rng.choice(5, n, p=rng.dirichlet(np.ones(5))).astype(np.int8)
    w = {
        "home": rng.integers(0, p, n).astype(np.int16),
        "skill": rng.integers(0, 3, n).astype(np.int8),
        "human_capital": rng.lognormal(0.0, 0.3, n).astype(np.float32),
        "status": status,
        "employer": np.where(status == EMP, rng.integers(0, f, n), -1).astype(np.int32),
        "wage": rng.uniform(50.0, 1200.0, n).astype(np.float32),
        "months_unemployed": np.where(
            status == UNE,
            np.where(rng.random(n) < 0.1, 32767, rng.integers(0, 60, n)),
            0,
        ).astype(np.int16),
        "reservation_wage": rng.uniform(10.0, 900.0, n).astype(np.float32),
        "age_months": rng.integers(16 * 12, 66 * 12, n).astype(np.int16),
        "remote": (status == EMP) & (rng.random(n) < 0.4),
        "constrained": rng.random(n) < rng.uniform(0.0, 0.6),
        "remote_capable": rng.random(n) < rng.uniform(0.0, 1.0),
    }

    def rate(hi):
        return 0.0 if zero_rates or rng.random() < 0.15 else float(rng.uniform(0.0, hi))

    layoff = np.array([rate(0.4) for _ in range(3)])
    par = {
        "n_places": p,
        "n_firms": f,
        "firm_place": rng.integers(0, p, f).astype(np.int16),
        "firm_productivity": rng.uniform(100.0, 2000.0, f).astype(np.float32),
        "layoff_rate": layoff,
        "exit_employed": rate(0.3),
        "exit_unemployed": rate(0.5),
        "entry_rate": np.array([rate(0.6) for _ in range(p)]),
        "ojs_share": float(rng.uniform(0.0, 1.0)),
        "phi": rng.uniform(0.01, 0.99, p),
        "skill_premium": np.sort(rng.uniform(0.6, 2.0, 3)),
        "benefit": float(rng.uniform(30.0, 200.0)),
        "replacement_ratio": float(rng.uniform(0.0, 1.2)),
        "reservation_decay": float(rng.uniform(0.0, 0.2)),
        "wage_adjustment": float(rng.uniform(0.0, 1.0)),
    }
    key = stream_key(seed, int(rng.integers(0, 600)), STAGES["flows"])
    par["constrained_search_share"] = rate(1.0)
    par["inactive_search"] = rate(0.5)
    par["constrained_exit_multiplier"] = 1.0 if zero_rates else float(rng.uniform(1.0, 6.0))
    par["remote_exit_multiplier"] = 1.0 if zero_rates else float(rng.uniform(1.0, 6.0))
    # Usually no firm exits; otherwise a random share of them.
    exit_share = 0.0 if zero_rates or rng.random() < 0.5 else float(rng.uniform(0.0, 0.6))
    par["firm_exiting"] = rng.random(f) < exit_share
    # Usually no shedding (the business cycle off); otherwise extra layoff probabilities.
    shed = zero_rates or rng.random() < 0.5
    par["firm_shed"] = np.zeros(f) if shed else rng.uniform(0.0, 0.3, f)
    # Usually each place's job-loss multiplier settled somewhere in [1/4, 4]; sometimes 1.
    ones = zero_rates or rng.random() < 0.3
    par["job_loss"] = np.ones(p) if ones else np.exp(rng.uniform(-np.log(4), np.log(4), p))
    # Usually a retirement age inside the range of ages (some retire), sometimes off.
    off = zero_rates or rng.random() < 0.3
    par["retirement_age_months"] = 0 if off else int(rng.integers(17 * 12, 67 * 12))
    return {"workers": w, "par": par, "key": key}


def _flows(key, w: dict, q: dict, employment: np.ndarray, searching, separations,
           retirements, scratch, training: TrainingArgs | None = None, layoffs=None):
    """monthly_flows with the bundles built from the test's columns and parameters."""
    if layoffs is None:
        layoffs = np.zeros(q["n_places"], dtype=np.int64)
    return monthly_flows(
        key, worker_bundle(w),
        firm_bundle(q["n_firms"], place=q["firm_place"], productivity=q["firm_productivity"],
                    employment=employment),
        q["firm_exiting"], q.get("firm_shed", np.zeros(q["n_firms"])),
        make(FlowRates, layoff_rate=q["layoff_rate"], exit_employed=q["exit_employed"],
             exit_unemployed=q["exit_unemployed"], entry_rate=q["entry_rate"],
             inactive_search=np.full(q["n_places"], float(q.get("inactive_search", 0.0))),
             job_loss=q.get("job_loss", np.ones(q["n_places"]))),
        search_rules(ojs_share=q["ojs_share"]),
        wage_rules(q["n_places"], phi=q["phi"], skill_premium=q["skill_premium"],
                   benefit=q["benefit"], replacement_ratio=q["replacement_ratio"],
                   reservation_decay=q["reservation_decay"], adjustment=q["wage_adjustment"]),
        make(Participation, constrained_search_share=q["constrained_search_share"],
             constrained_exit_multiplier=q["constrained_exit_multiplier"],
             constrained_remote_search_share=0.5,
             remote_exit_multiplier=q["remote_exit_multiplier"],
             remote_productivity=q.get("remote_productivity", np.zeros(9)),
             hybrid_adoption_odds=1.0, hybrid_commute_response=0.0),
        make(Retirement, retirement_age_months=q["retirement_age_months"]),
        TrainingArgs.neutral(q["n_places"]) if training is None else training,
        make(FlowsOutput, searching=searching, separations_by_place=separations,
             retirements_by_place=retirements, layoffs_by_place=layoffs, scratch=scratch),
    )


def _run(e: dict, key=None, employment_out: list | None = None):
    """Run monthly_flows on copies; return (workers after, searching, separations,
    retirements). Firms' employment after the month is appended to ``employment_out``
    (it starts as the recount of the workers) and checked against a recount."""
    w = {c: a.copy() for c, a in e["workers"].items()}
    q = e["par"]
    n = w["home"].shape[0]
    emp = w["status"] == EMP
    employment = np.bincount(w["employer"][emp], minlength=q["n_firms"]).astype(np.int32)
    scratch = np.full((2, n), -7, dtype=np.int32)  # garbage: the kernel must not read it
    searching = np.ones(n, dtype=np.bool_)  # garbage: every row must be written
    separations = np.zeros(q["n_places"], dtype=np.int64)
    retirements = np.zeros(q["n_places"], dtype=np.int64)
    layoffs = np.zeros(q["n_places"], dtype=np.int64)
    retired_rows = _flows(e["key"] if key is None else key, w, q, employment, searching,
                          separations, retirements, scratch, layoffs=layoffs)
    e["layoffs"] = layoffs
    # The rows that became absent are returned, ascending.
    became_absent = (e["workers"]["status"] != ABS) & (w["status"] == ABS)
    np.testing.assert_array_equal(retired_rows, np.flatnonzero(became_absent))
    # Firms' employment was kept up to date separation by separation.
    emp = w["status"] == EMP
    np.testing.assert_array_equal(
        employment, np.bincount(w["employer"][emp], minlength=q["n_firms"])
    )
    if employment_out is not None:
        employment_out.append(employment)
    return w, searching, separations, retirements


def _retiring(e: dict) -> np.ndarray:
    """Rows that reach the retirement age this month (present rows only)."""
    before, q = e["workers"], e["par"]
    r = q["retirement_age_months"]
    present = before["status"] != ABS
    if r <= 0:
        return np.zeros_like(present)
    return present & (before["age_months"].astype(int) + 1 >= r)


def _check_month(e: dict, after: dict, searching, separations, retirements) -> None:
    before, q = e["workers"], e["par"]
    n = before["home"].shape[0]
    s0, s1 = before["status"], after["status"]
    j0, j1 = before["employer"], after["employer"]
    benefit32 = np.float32(q["benefit"])  # the columns are float32
    absent0 = s0 == ABS
    present0 = ~absent0
    retired = _retiring(e)
    active = present0 & ~retired  # rows that go through the status rules

    # Conservation: nobody appears or disappears; statuses stay valid.
    for c in WORKER_COLUMNS:
        assert after[c].shape == (n,) and after[c].dtype == before[c].dtype
    assert np.isin(s1, [EMP, UNE, INA, TRN, ABS]).all()
    assert sum(np.count_nonzero(s1 == code) for code in range(5)) == n
    # Present rows only leave by retirement; absent rows never come back here.
    assert np.count_nonzero(s1 != ABS) == np.count_nonzero(present0) - np.count_nonzero(retired)
    np.testing.assert_array_equal(after["home"], before["home"])
    np.testing.assert_array_equal(after["skill"], before["skill"])
    np.testing.assert_array_equal(after["constrained"], before["constrained"])
    np.testing.assert_array_equal(after["human_capital"], before["human_capital"])
    # Present rows age a month; absent rows do not.
    np.testing.assert_array_equal(after["age_months"][present0],
                                  before["age_months"][present0] + 1)

    # Absent rows: skipped entirely, never searching.
    for c in WORKER_COLUMNS:
        np.testing.assert_array_equal(after[c][absent0], before[c][absent0])
    assert not np.any(searching[absent0])

    # Retirement: every worker reaching the age leaves (absent, no job, not remote, not
    # searching); the other columns keep their values.
    assert np.all(s1[retired] == ABS)
    assert np.all(j1[retired] == -1) and not np.any(after["remote"][retired])
    assert not np.any(searching[retired])
    for c in ("wage", "reservation_wage", "months_unemployed"):
        np.testing.assert_array_equal(after[c][retired], before[c][retired])
    assert not np.any(s1[active] == ABS)
    np.testing.assert_array_equal(
        retirements, np.bincount(before["home"][retired], minlength=q["n_places"])
    )

    # Training: untouched apart from age, never searching.
    trn = active & (s0 == TRN)
    assert np.all(s1[trn] == TRN) and not np.any(searching[trn])
    for c in ("wage", "reservation_wage", "months_unemployed", "employer", "remote"):
        np.testing.assert_array_equal(after[c][trn], before[c][trn])
    # Nobody enters training or leaves it here.
    assert not np.any((s0 != TRN) & (s1 == TRN))

    # No flows into employment outside matching.
    assert not np.any((s0 != EMP) & (s1 == EMP))
    # Employer column consistent with status.
    assert np.all(j1[s1 != EMP] == -1)
    assert np.all((j1[s1 == EMP] >= 0) & (j1[s1 == EMP] < q["n_firms"]))

    stayed = (s0 == EMP) & (s1 == EMP)
    separated = (s0 == EMP) & (s1 != EMP)  # layoffs, exits, closures and retirements
    # Workers of exiting firms (who do not retire): laid off, then unemployed this month.
    closed = active & (s0 == EMP) & q["firm_exiting"][np.maximum(j0, 0)]
    assert not np.any(s1[closed] == EMP)
    assert not np.any(stayed & q["firm_exiting"][np.maximum(j0, 0)])
    laid_off = (s0 == EMP) & (s1 == UNE) & ~closed
    if "layoffs" in e:  # layoffs by workplace: the laid off and the closures' workers
        np.testing.assert_array_equal(
            e["layoffs"],
            np.bincount(q["firm_place"][j0[laid_off | closed]], minlength=q["n_places"]),
        )
    quit_lf = (s0 == EMP) & (s1 == INA)
    np.testing.assert_array_equal(j1[stayed], j0[stayed])  # stayers keep their employer
    # The remote flag goes with the job: kept by stayers, cleared on leaving employment.
    np.testing.assert_array_equal(after["remote"][stayed], before["remote"][stayed])
    assert not np.any(after["remote"][s1 != EMP])
    np.testing.assert_array_equal(
        separations,
        np.bincount(q["firm_place"][j0[separated]], minlength=q["n_places"]),
    )
    assert separations.sum() == np.count_nonzero(separated)
    # Employed retirees count at their workplace.
    sep_wo_ret = np.bincount(q["firm_place"][j0[separated & ~retired]], minlength=q["n_places"])
    np.testing.assert_array_equal(
        separations - sep_wo_ret,
        np.bincount(q["firm_place"][j0[retired & (s0 == EMP)]], minlength=q["n_places"]),
    )

    # Laid off: unemployed, searching, fresh spell, reservation wage max(rr * wage, benefit).
    assert np.all(searching[laid_off])
    assert np.all(after["months_unemployed"][laid_off] == 0)
    res = after["reservation_wage"]
    assert np.all(res[laid_off] >= benefit32)
    expected_res = np.maximum(q["replacement_ratio"] * before["wage"][laid_off].astype(float),
                              q["benefit"])
    np.testing.assert_allclose(res[laid_off], expected_res, rtol=1e-6)
    assert not np.any(searching[quit_lf])
    # Statuses after the month decide the search flag, except for employees (on-the-job)
    # and inactive people (who may search while staying inactive).
    assert np.all(searching[s1 == UNE])
    if q["inactive_search"] == 0.0:
        assert not np.any(searching[(s1 == INA) & ~before["constrained"]])
    assert not np.any(searching[(s1 == INA) & (s0 != INA)])
    assert not np.any(searching[(s1 == TRN) | (s1 == ABS)])

    # The documented rule, from the kernel's stream. The constrained leave the labour
    # force more often (less so in a remote job, or unemployed and remote-capable).
    u = _draws(e["key"], n)
    shed = q.get("firm_shed", np.zeros(q["n_firms"]))
    lay = (q["layoff_rate"][before["skill"]] * q["job_loss"][before["home"]]
           + shed[np.maximum(j0, 0)])
    cons = before["constrained"]
    m, mr = q["constrained_exit_multiplier"], q["remote_exit_multiplier"]
    exit_e = q["exit_employed"] * np.where(cons, np.where(before["remote"], mr, m), 1.0)
    exit_u = q["exit_unemployed"] * np.where(
        cons, np.where(before["remote_capable"], mr, m), 1.0
    )
    exp = s0.copy()
    e_mask = active & (s0 == EMP) & ~closed
    exp[e_mask & (u[:, 0] < lay)] = UNE
    exp[e_mask & (u[:, 0] >= lay) & (u[:, 0] < lay + exit_e)] = INA
    exp[active & (s0 == UNE) & (u[:, 0] < exit_u)] = INA
    exp[closed] = np.where(u[closed, 0] < exit_u[closed], INA, UNE)
    entering = active & (s0 == INA) & (u[:, 0] < q["entry_rate"][before["home"]])
    exp[entering] = UNE
    exp[retired] = ABS
    np.testing.assert_array_equal(s1, exp)
    # A stayer searches when u, uniform on [sep, 1) given no separation, falls in the
    # first ojs_share of that interval.
    sep = lay + exit_e
    np.testing.assert_array_equal(
        searching[stayed], u[stayed, 0] < sep[stayed] + q["ojs_share"] * (1.0 - sep[stayed])
    )
    # Inactive people who stay inactive: the constrained search with their own draw.
    still_i = active & (s0 == INA) & (s1 == INA)
    cons_i = still_i & before["constrained"]
    entry = q["entry_rate"][before["home"]]
    np.testing.assert_array_equal(
        searching[cons_i],
        u[cons_i, 0] < entry[cons_i] + q["constrained_search_share"] * (1.0 - entry[cons_i]),
    )
    # The others search with inactive_search, with the same draw, staying inactive.
    free_i = still_i & ~before["constrained"]
    np.testing.assert_array_equal(
        searching[free_i],
        u[free_i, 0] < entry[free_i] + q["inactive_search"] * (1.0 - entry[free_i]),
    )
    # An inactive searcher's reservation wage is raised to the benefit if below it;
    # otherwise (and for non-searchers) it is left alone.
    cs = still_i & searching
    np.testing.assert_array_equal(
        res[cs], np.maximum(before["reservation_wage"][cs], benefit32)
    )
    assert np.all(res[cs] >= benefit32)
    quiet = still_i & ~searching
    np.testing.assert_array_equal(res[quiet], before["reservation_wage"][quiet])
    for c in ("months_unemployed", "wage", "employer", "remote"):
        np.testing.assert_array_equal(after[c][still_i], before[c][still_i])

    # Stayers' wages move a share lambda towards the going rate at their workplace.
    jj = j0[stayed]
    y = (q["firm_productivity"][jj].astype(float) * q["skill_premium"][before["skill"][stayed]]
         * before["human_capital"][stayed].astype(float))
    going = q["benefit"] + q["phi"][q["firm_place"][jj]] * (y - q["benefit"])
    w0 = before["wage"][stayed].astype(float)
    np.testing.assert_allclose(after["wage"][stayed], w0 + q["wage_adjustment"] * (going - w0),
                               rtol=1e-5, atol=1e-3)
    # Unemployed who stay: spell +1 (capped), reservation decays towards the benefit floor.
    still_u = (s0 == UNE) & (s1 == UNE)
    m0 = before["months_unemployed"][still_u].astype(int)
    np.testing.assert_array_equal(after["months_unemployed"][still_u], np.minimum(m0 + 1, 32767))
    r_exp = np.maximum(before["reservation_wage"][still_u] * (1.0 - q["reservation_decay"]),
                       q["benefit"])
    np.testing.assert_allclose(res[still_u], r_exp, rtol=1e-6)
    assert np.all(res[still_u] >= benefit32)
    # Closures that stay unemployed: a fresh spell that has lasted a month, the reservation
    # wage set as for a layoff and then decayed once.
    closed_u = closed & (s1 == UNE)
    assert np.all(searching[closed_u])
    assert np.all(after["months_unemployed"][closed_u] == 1)
    r_set = np.maximum(
        np.float32(q["replacement_ratio"]) * before["wage"][closed_u].astype(float),
        q["benefit"],
    )
    np.testing.assert_allclose(
        res[closed_u], np.maximum(r_set * (1.0 - q["reservation_decay"]), q["benefit"]),
        rtol=1e-5,
    )
    entered = (s0 == INA) & (s1 == UNE)
    assert np.all(searching[entered])
    assert np.all(after["months_unemployed"][entered] == 0)
    assert np.all(res[entered] >= benefit32)


@settings(max_examples=200, deadline=None)
@given(seed=seeds)
def test_monthly_flows_invariants(seed: int) -> None:
    e = _economy(seed)
    _check_month(e, *_run(e))


@settings(max_examples=100, deadline=None)
@given(seed=seeds)
def test_zero_rates_change_no_status(seed: int) -> None:
    e = _economy(seed, zero_rates=True)
    after, searching, separations, retirements = _run(e)
    before = e["workers"]
    np.testing.assert_array_equal(after["status"], before["status"])
    np.testing.assert_array_equal(after["employer"], before["employer"])
    assert separations.sum() == 0 and retirements.sum() == 0
    np.testing.assert_array_equal(searching[before["status"] == UNE], True)
    np.testing.assert_array_equal(searching[before["status"] == INA], False)
    np.testing.assert_array_equal(searching[before["status"] >= TRN], False)
    _check_month(e, after, searching, separations, retirements)


@settings(max_examples=100, deadline=None)
@given(seed=seeds)
def test_flows_deterministic_for_a_key(seed: int) -> None:
    e = _economy(seed)
    a, sa, pa, ra = _run(e)
    b, sb, pb, rb = _run(e)
    for c in WORKER_COLUMNS:
        np.testing.assert_array_equal(a[c], b[c])
    np.testing.assert_array_equal(sa, sb)
    np.testing.assert_array_equal(pa, pb)
    np.testing.assert_array_equal(ra, rb)


def test_flows_differ_with_another_key() -> None:
    e = _economy(11, n=5_000)
    q = e["par"]
    q["layoff_rate"][:] = 0.2
    q["exit_employed"], q["exit_unemployed"], q["ojs_share"] = 0.1, 0.3, 0.5
    q["entry_rate"][:] = 0.3
    a, sa, _, _ = _run(e, key=stream_key(1, 0, STAGES["flows"]))
    b, sb, _, _ = _run(e, key=stream_key(1, 1, STAGES["flows"]))
    # With 5000 workers, most moving with probability >= 0.2, identical outcomes under
    # independent streams have probability far below 1e-100.
    assert not np.array_equal(a["status"], b["status"])
    assert not np.array_equal(sa, sb)
    assert np.count_nonzero(a["status"] != b["status"]) > 100


def test_flows_do_not_depend_on_chunking() -> None:
    """More workers than one chunk: every worker still follows its own counters."""
    n = 2 * CHUNK + 123
    e = _economy(5, n=n)
    q = e["par"]
    q["layoff_rate"][:] = [0.05, 0.1, 0.2]
    q["exit_employed"], q["exit_unemployed"] = 0.05, 0.2
    q["constrained_search_share"] = 0.3
    q["retirement_age_months"] = 60 * 12
    after, searching, separations, retirements = _run(e)
    _check_month(e, after, searching, separations, retirements)
    assert retirements.sum() > 1000  # retirements in every chunk are summed
    # The first CHUNK workers alone give the same result for themselves.
    small = {"workers": {c: a[:CHUNK].copy() for c, a in e["workers"].items()},
             "par": q, "key": e["key"]}
    after_small, searching_small, _, _ = _run(small)
    for c in WORKER_COLUMNS:
        np.testing.assert_array_equal(after_small[c], after[c][:CHUNK])
    np.testing.assert_array_equal(searching_small, searching[:CHUNK])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_flows_full_layoff_sends_everyone_employed_to_unemployment(seed: int) -> None:
    e = _economy(seed, n=400)
    e["par"]["layoff_rate"][:] = 1.0
    e["par"]["job_loss"][:] = 1.0
    e["par"]["retirement_age_months"] = 0
    after, searching, separations, retirements = _run(e)
    was_emp = e["workers"]["status"] == EMP
    assert np.all(after["status"][was_emp] == UNE)
    assert not np.any(after["status"] == EMP) and np.all(after["employer"] == -1)
    assert separations.sum() == np.count_nonzero(was_emp)
    _check_month(e, after, searching, separations, retirements)


# ------------------------------------------------------------------ new rows and hooks
@settings(max_examples=60, deadline=None)
@given(seed=seeds)
def test_absent_rows_are_skipped_entirely(seed: int) -> None:
    """Absent rows, even with odd leftover values and in reach of every rule, stay as
    they are: no ageing, no retirement, no search, no counts."""
    e = _economy(seed)
    w, q = e["workers"], e["par"]
    n = w["home"].shape[0]
    rng = np.random.default_rng(seed ^ 0x5EED)
    absent = rng.random(n) < 0.5
    w["status"][absent] = ABS
    w["employer"][absent] = -1
    w["remote"][absent] = False
    w["constrained"][absent] = True
    w["age_months"][absent] = rng.integers(0, 32767, absent.sum())  # beyond any retirement
    w["reservation_wage"][absent] = 0.0  # below the benefit
    q["layoff_rate"][:] = 1.0
    q["entry_rate"][:] = 1.0
    q["constrained_search_share"] = 1.0
    q["retirement_age_months"] = int(rng.integers(0, 67 * 12))
    after, searching, separations, retirements = _run(e)
    _check_month(e, after, searching, separations, retirements)
    for c in WORKER_COLUMNS:
        np.testing.assert_array_equal(after[c][absent], w[c][absent])
    assert not np.any(searching[absent])
    # All-absent table: nothing happens at all.
    w["status"][:] = ABS
    w["employer"][:] = -1
    w["remote"][:] = False
    after, searching, separations, retirements = _run(e)
    for c in WORKER_COLUMNS:
        np.testing.assert_array_equal(after[c], w[c])
    assert not searching.any() and separations.sum() == 0 and retirements.sum() == 0


@settings(max_examples=60, deadline=None)
@given(seed=seeds, age_offset=st.integers(-3, 3))
def test_retirement_at_the_retirement_age(seed: int, age_offset: int) -> None:
    e = _economy(seed)
    w, q = e["workers"], e["par"]
    r = 65 * 12
    q["retirement_age_months"] = r
    n = w["home"].shape[0]
    rng = np.random.default_rng(seed)
    # Ages bunched around the threshold: r - 1 reaches it this month.
    w["age_months"][:] = (r - 1 + age_offset + rng.integers(-2, 3, n)).astype(np.int16)
    after, searching, separations, retirements = _run(e)
    _check_month(e, after, searching, separations, retirements)
    present = w["status"] != ABS
    reach = present & (w["age_months"].astype(int) + 1 >= r)
    np.testing.assert_array_equal(after["status"] == ABS, reach | ~present)
    np.testing.assert_array_equal(retirements,
                                  np.bincount(w["home"][reach], minlength=q["n_places"]))
    assert retirements.sum() == np.count_nonzero(reach)
    # Employed retirees are separations at their workplace, by the same counts.
    emp_ret = reach & (w["status"] == EMP)
    assert separations.sum() >= np.count_nonzero(emp_ret)
    assert np.all(separations >= np.bincount(
        q["firm_place"][w["employer"][emp_ret]], minlength=q["n_places"]))


@settings(max_examples=40, deadline=None)
@given(seed=seeds)
def test_everyone_old_retires_and_no_one_retires_when_off(seed: int) -> None:
    e = _economy(seed)
    w, q = e["workers"], e["par"]
    w["age_months"][:] = 70 * 12
    q["retirement_age_months"] = 67 * 12
    after, searching, separations, retirements = _run(e)
    _check_month(e, after, searching, separations, retirements)
    assert np.all(after["status"] == ABS) and np.all(after["employer"] == -1)
    assert not after["remote"].any() and not searching.any()
    present = w["status"] != ABS
    np.testing.assert_array_equal(retirements,
                                  np.bincount(w["home"][present], minlength=q["n_places"]))
    was_emp = w["status"] == EMP
    np.testing.assert_array_equal(
        separations, np.bincount(q["firm_place"][w["employer"][was_emp]],
                                 minlength=q["n_places"]))
    # Retirement age 0 switches retirement off, whatever the ages.
    w["age_months"][:] = 32000
    q["retirement_age_months"] = 0
    after, searching, separations, retirements = _run(e)
    _check_month(e, after, searching, separations, retirements)
    assert retirements.sum() == 0
    np.testing.assert_array_equal(after["status"] == ABS, ~present)


@settings(max_examples=60, deadline=None)
@given(seed=seeds, share=st.sampled_from([0.0, 0.3, 1.0]))
def test_constrained_inactive_search_without_entering_unemployment(seed: int,
                                                                    share: float) -> None:
    e = _economy(seed, n=300)
    w, q = e["workers"], e["par"]
    q["entry_rate"][:] = 0.0  # nobody enters unemployment
    q["retirement_age_months"] = 0
    q["constrained_search_share"] = share
    q["inactive_search"] = 0.0
    after, searching, separations, retirements = _run(e)
    _check_month(e, after, searching, separations, retirements)
    ina = w["status"] == INA
    np.testing.assert_array_equal(after["status"][ina], INA)
    cons = ina & w["constrained"]
    u = _draws(e["key"], w["home"].shape[0])
    np.testing.assert_array_equal(searching[cons], u[cons, 0] < share)  # entry rate 0
    if share == 1.0:
        assert searching[cons].all()
    if share == 0.0:
        assert not searching[ina].any()
    assert not searching[ina & ~w["constrained"]].any()
    assert np.all(after["reservation_wage"][cons & searching] >= np.float32(q["benefit"]))
    # Training never searches, constrained or not.
    assert not searching[w["status"] == TRN].any()


def _inactive_month(seed: int, constrained_share: float, inactive_share: float):
    """A month of 40,000 inactive people, every other one constrained, with no entry to
    unemployment and no retirement: (workers before, after, searching)."""
    e = _economy(seed, n=40_000)
    w, q = e["workers"], e["par"]
    w["status"][:] = INA
    w["employer"][:] = -1
    w["remote"][:] = False
    w["constrained"][:] = np.arange(w["home"].shape[0]) % 2 == 0
    q["entry_rate"][:] = 0.0
    q["retirement_age_months"] = 0
    q["constrained_search_share"] = constrained_share
    q["inactive_search"] = inactive_share
    after, searching, separations, retirements = _run(e)
    _check_month(e, after, searching, separations, retirements)
    return w, after, searching


def test_constrained_search_share_is_a_monthly_probability() -> None:
    """The share of constrained inactive searchers is close to the rate."""
    w, after, searching = _inactive_month(21, 0.25, 0.0)
    n_c = np.count_nonzero(w["constrained"])
    share = np.count_nonzero(searching[w["constrained"]]) / n_c
    assert abs(share - 0.25) < 6.0 * np.sqrt(0.25 * 0.75 / n_c)
    assert not searching[~w["constrained"]].any()
    assert np.all(after["status"] == INA)


def test_inactive_search_share_is_a_monthly_probability_and_keeps_people_inactive() -> None:
    """The inactive without a constraint look for work with ``inactive_search`` a month,
    staying inactive; the constrained keep their own share."""
    w, after, searching = _inactive_month(22, 0.0, 0.2)
    free = ~w["constrained"]
    share = np.count_nonzero(searching[free]) / np.count_nonzero(free)
    assert abs(share - 0.2) < 6.0 * np.sqrt(0.2 * 0.8 / np.count_nonzero(free))
    assert not searching[w["constrained"]].any()
    assert np.all(after["status"] == INA)


def test_remote_productivity_raises_the_going_rate_of_remote_workers_only() -> None:
    """Two employed workers, same job, one remote: with no separations, wages drift to
    ``b + phi (y - b)`` where a remote worker's ``y`` includes the occupation's effect."""
    n = 2
    home = np.zeros(n, dtype=np.int16)
    skill = np.ones(n, dtype=np.int8)
    hc = np.ones(n, dtype=np.float32)
    status = np.zeros(n, dtype=np.int8)
    employer = np.zeros(n, dtype=np.int32)
    wage = np.full(n, 300.0, dtype=np.float32)
    remote = np.array([False, True])
    occupation = np.array([1, 1], dtype=np.int8)
    rp = np.zeros(9)
    rp[1] = 0.25
    w = {"home": home, "skill": skill, "human_capital": hc, "status": status,
         "employer": employer, "wage": wage, "age_months": np.full(n, 400, dtype=np.int16),
         "remote": remote, "remote_capable": remote, "occupation": occupation}
    q = {"n_places": 1, "n_firms": 1, "firm_place": np.zeros(1, dtype=np.int16),
         "firm_productivity": np.array([1000.0], dtype=np.float32),
         "firm_exiting": np.zeros(1, dtype=np.bool_), "layoff_rate": np.zeros(3),
         "exit_employed": 0.0, "exit_unemployed": 0.0, "entry_rate": np.zeros(1),
         "ojs_share": 0.0, "constrained_search_share": 0.0,
         "constrained_exit_multiplier": 1.0, "remote_exit_multiplier": 1.0,
         "retirement_age_months": 0, "phi": np.array([0.5]), "skill_premium": np.ones(3),
         "benefit": 100.0, "replacement_ratio": 0.7, "reservation_decay": 0.0,
         "wage_adjustment": 1.0, "remote_productivity": rp}
    _flows(stream_key(1, 0, STAGES["flows"]), w, q, np.array([2], dtype=np.int32),
           np.zeros(n, dtype=np.bool_), np.zeros(1, dtype=np.int64),
           np.zeros(1, dtype=np.int64), np.empty((2, n), dtype=np.int32))
    np.testing.assert_allclose(wage, [100 + 0.5 * (1000 - 100), 100 + 0.5 * (1250 - 100)])


def test_exiting_firms_lay_off_all_their_workers_and_employment_follows() -> None:
    """Every worker of an exiting firm leaves it this month, counted as a separation at
    its place; the other firms' workers are untouched by the closure."""
    e = _economy(8, n=3_000)
    q = e["par"]
    q["layoff_rate"][:] = 0.0
    q["exit_employed"] = q["exit_unemployed"] = 0.0
    q["retirement_age_months"] = 0
    q["firm_exiting"] = np.arange(q["n_firms"]) % 2 == 0
    q["firm_shed"] = np.zeros(q["n_firms"])
    w0 = e["workers"]
    at_closing = (w0["status"] == EMP) & q["firm_exiting"][np.maximum(w0["employer"], 0)]
    assert at_closing.sum() > 100
    out: list = []
    after, searching, separations, retirements = _run(e, employment_out=out)
    _check_month(e, after, searching, separations, retirements)
    assert np.all(after["status"][at_closing] == UNE) and searching[at_closing].all()
    np.testing.assert_array_equal(out[0][q["firm_exiting"]], 0)
    stay = (w0["status"] == EMP) & ~at_closing
    assert np.all(after["status"][stay] == EMP)
    np.testing.assert_array_equal(
        separations, np.bincount(q["firm_place"][w0["employer"][at_closing]],
                                 minlength=q["n_places"])
    )


def test_constrained_leave_work_more_often_unless_remote() -> None:
    """Exit rates to inactivity: everyone's rate, times the constrained multiplier, or
    times the remote multiplier in a remote job; within six standard errors."""
    n = 60_000
    e = _economy(9, n=n)
    w, q = e["workers"], e["par"]
    q["n_firms"] = 1
    q["firm_place"] = np.zeros(1, dtype=np.int16)
    q["firm_productivity"] = np.array([800.0], dtype=np.float32)
    q["firm_exiting"] = np.zeros(1, dtype=np.bool_)
    q["firm_shed"] = np.zeros(1)
    w["home"][:] = 0
    w["status"][:] = EMP
    w["employer"][:] = 0
    w["constrained"][:] = np.arange(n) % 3 != 0
    w["remote"][:] = np.arange(n) % 3 == 2
    q["layoff_rate"][:] = 0.0
    q["exit_employed"] = 0.02
    q["constrained_exit_multiplier"], q["remote_exit_multiplier"] = 4.0, 1.5
    q["retirement_age_months"] = 0
    after, searching, separations, retirements = _run(e)
    _check_month(e, after, searching, separations, retirements)
    quit_lf = after["status"] == INA
    for group, rate in ((np.arange(n) % 3 == 0, 0.02), (np.arange(n) % 3 == 1, 0.08),
                        (np.arange(n) % 3 == 2, 0.03)):
        share = quit_lf[group].mean()
        assert abs(share - rate) < 6.0 * np.sqrt(rate * (1 - rate) / group.sum())


@settings(max_examples=25, deadline=None)
@given(seed=seeds, n=st.sampled_from([300, CHUNK + 4_321]))
def test_training_inside_the_flows_pass_equals_training_after_it(seed: int, n: int) -> None:
    """Running the training kernel chunk by chunk inside the flows pass gives exactly
    what the flows pass followed by training_month gives."""
    from sim.kernels.training import training_month

    e = _economy(seed, n=n)
    q = e["par"]
    rng = np.random.default_rng(seed)
    p = q["n_places"]
    t_left0 = np.where(rng.random(n) < 0.2, rng.integers(1, 5, n), 0).astype(np.int16)
    t_with0 = np.full(n, -1, dtype=np.int16)
    t_args = dict(key=stream_key(seed, 3, 12), rate_by_status=rng.uniform(0.0, 0.2, 3),
                  funding=rng.uniform(0.0, 6.0, (p, 2)),
                  duration_by_skill=np.array([2, 3], np.int16),
                  completion_rate=float(rng.uniform()), linked_share=rng.uniform(0.0, 1.0, p),
                  earning_power=rng.uniform(0.5, 2.0, p))
    results = []
    for fused in (True, False):
        w = {c: a.copy() for c, a in e["workers"].items()}
        t_left, t_with = t_left0.copy(), t_with0.copy()
        w["training_left"], w["trained_with"] = t_left, t_with
        searching = np.zeros(n, dtype=np.bool_)
        sep, ret = np.zeros(p, dtype=np.int64), np.zeros(p, dtype=np.int64)
        t_in, t_out = np.zeros(p, dtype=np.int64), np.zeros(p, dtype=np.int64)
        employment = np.bincount(w["employer"][w["status"] == EMP],
                                 minlength=q["n_firms"]).astype(np.int32)
        training = make(TrainingArgs, run=True, entries=t_in, completions=t_out, **t_args)
        _flows(e["key"], w, q, employment, searching, sep, ret,
               np.empty((2, n), dtype=np.int32),
               training if fused else training._replace(run=False))
        if not fused:
            training_month(worker_bundle(w), searching, training)
        results.append([*w.values(), t_left, t_with, searching, sep, ret, t_in, t_out])
    for a, b in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b)
    assert results[0][-2].sum() > 0 or n < 1000  # entries happen in the larger economies
