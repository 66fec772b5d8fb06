"""Tests for sim.kernels.flows: one month of separations, participation flows and wage drift.

Random small economies are derived from a drawn integer seed (numpy
``default_rng``) so that hypothesis examples stay cheap. Every transition is
also recomputed from the documented rule and the kernel's own random stream
(``uniform(key, 3 i)`` decides the status move, ``uniform(key, 3 i + 1)`` the
on-the-job search of a staying employee).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from sim.kernels.flows import CHUNK, count_employment, monthly_flows
from sim.kernels.rng import STAGES, stream_key, uniform

EMP, UNE, INA = 0, 1, 2
WORKER_COLUMNS = (
    "home", "skill", "human_capital", "status", "employer", "wage", "months_unemployed",
    "reservation_wage", "age_months", "remote",
)

seeds = st.integers(0, 2**32 - 1)


@njit(cache=False)
def _draws(key, n):
    out = np.empty((n, 2))
    for i in range(n):
        out[i, 0] = uniform(key, 3 * i)
        out[i, 1] = uniform(key, 3 * i + 1)
    return out


def _economy(seed: int, *, n: int | None = None, zero_rates: bool = False) -> dict:
    """A random economy: workers consistent with firm employment, random monthly rates."""
    rng = np.random.default_rng(seed)
    p = int(rng.integers(1, 9))
    f = int(rng.integers(1, 41))
    n = int(rng.integers(1, 301)) if n is None else n
    status = rng.choice(3, n, p=rng.dirichlet(np.ones(3))).astype(np.int8)
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
        "reservation_wage": rng.uniform(40.0, 900.0, n).astype(np.float32),
        "age_months": rng.integers(16 * 12, 66 * 12, n).astype(np.int16),
        "remote": (status == EMP) & (rng.random(n) < 0.4),
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
    return {"workers": w, "par": par, "key": stream_key(seed, int(rng.integers(0, 600)),
                                                        STAGES["flows"])}


def _run(e: dict, key=None):
    """Run monthly_flows on copies; return (workers after, searching, separations)."""
    w = {c: a.copy() for c, a in e["workers"].items()}
    q = e["par"]
    n = w["home"].shape[0]
    searching = np.zeros(n, dtype=np.bool_)
    separations = np.zeros(q["n_places"], dtype=np.int64)
    monthly_flows(
        e["key"] if key is None else key,
        w["home"], w["skill"], w["human_capital"], w["status"], w["employer"], w["wage"],
        w["months_unemployed"], w["reservation_wage"], w["age_months"], w["remote"],
        q["firm_place"], q["firm_productivity"], q["layoff_rate"], q["exit_employed"],
        q["exit_unemployed"], q["entry_rate"], q["ojs_share"], q["phi"], q["skill_premium"],
        q["benefit"], q["replacement_ratio"], q["reservation_decay"], q["wage_adjustment"],
        searching, separations,
    )
    return w, searching, separations


def _check_month(e: dict, after: dict, searching, separations) -> None:
    before, q = e["workers"], e["par"]
    n = before["home"].shape[0]
    s0, s1 = before["status"], after["status"]
    j0, j1 = before["employer"], after["employer"]
    benefit32 = np.float32(q["benefit"])  # the columns are float32

    # Conservation: nobody appears or disappears; statuses stay valid.
    for c in WORKER_COLUMNS:
        assert after[c].shape == (n,) and after[c].dtype == before[c].dtype
    assert np.isin(s1, [EMP, UNE, INA]).all()
    assert np.count_nonzero(s1 == EMP) + np.count_nonzero(s1 == UNE) + np.count_nonzero(
        s1 == INA) == n
    np.testing.assert_array_equal(after["home"], before["home"])
    np.testing.assert_array_equal(after["skill"], before["skill"])
    np.testing.assert_array_equal(after["age_months"], before["age_months"] + 1)

    # No flows into employment outside matching.
    assert not np.any((s0 != EMP) & (s1 == EMP))
    # Employer column consistent with status.
    assert np.all(j1[s1 != EMP] == -1)
    assert np.all((j1[s1 == EMP] >= 0) & (j1[s1 == EMP] < q["n_firms"]))

    stayed = (s0 == EMP) & (s1 == EMP)
    separated = (s0 == EMP) & (s1 != EMP)
    laid_off = (s0 == EMP) & (s1 == UNE)
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

    # Laid off: unemployed, searching, fresh spell, reservation wage max(rr * wage, benefit).
    assert np.all(searching[laid_off])
    assert np.all(after["months_unemployed"][laid_off] == 0)
    res = after["reservation_wage"]
    assert np.all(res[laid_off] >= benefit32)
    expected_res = np.maximum(q["replacement_ratio"] * before["wage"][laid_off].astype(float),
                              q["benefit"])
    np.testing.assert_allclose(res[laid_off], expected_res, rtol=1e-6)
    assert not np.any(searching[quit_lf])
    # Statuses after the month decide the search flag, except for employees (on-the-job).
    assert np.all(searching[s1 == UNE]) and not np.any(searching[s1 == INA])

    # Employer counts follow the worker table.
    emp = np.zeros(q["n_firms"], dtype=np.int32)
    count_employment(s1, j1, q["n_firms"], emp)
    np.testing.assert_array_equal(emp, np.bincount(j1[s1 == EMP], minlength=q["n_firms"]))

    # The documented rule, from the kernel's stream.
    u = _draws(e["key"], n)
    lay = q["layoff_rate"][before["skill"]]
    exp = s0.copy()
    e_mask = s0 == EMP
    exp[e_mask & (u[:, 0] < lay)] = UNE
    exp[e_mask & (u[:, 0] >= lay) & (u[:, 0] < lay + q["exit_employed"])] = INA
    exp[(s0 == UNE) & (u[:, 0] < q["exit_unemployed"])] = INA
    exp[(s0 == INA) & (u[:, 0] < q["entry_rate"][before["home"]])] = UNE
    np.testing.assert_array_equal(s1, exp)
    np.testing.assert_array_equal(searching[stayed], u[stayed, 1] < q["ojs_share"])

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
    entered = (s0 == INA) & (s1 == UNE)
    assert np.all(after["months_unemployed"][entered] == 0)
    assert np.all(res[entered] >= benefit32)


@settings(max_examples=200, deadline=None)
@given(seed=seeds)
def test_monthly_flows_invariants(seed: int) -> None:
    e = _economy(seed)
    after, searching, separations = _run(e)
    _check_month(e, after, searching, separations)


@settings(max_examples=100, deadline=None)
@given(seed=seeds)
def test_zero_rates_change_no_status(seed: int) -> None:
    e = _economy(seed, zero_rates=True)
    after, searching, separations = _run(e)
    before = e["workers"]
    np.testing.assert_array_equal(after["status"], before["status"])
    np.testing.assert_array_equal(after["employer"], before["employer"])
    assert separations.sum() == 0
    np.testing.assert_array_equal(searching[before["status"] == UNE], True)
    np.testing.assert_array_equal(searching[before["status"] == INA], False)
    _check_month(e, after, searching, separations)


@settings(max_examples=100, deadline=None)
@given(seed=seeds)
def test_flows_deterministic_for_a_key(seed: int) -> None:
    e = _economy(seed)
    a, sa, pa = _run(e)
    b, sb, pb = _run(e)
    for c in WORKER_COLUMNS:
        np.testing.assert_array_equal(a[c], b[c])
    np.testing.assert_array_equal(sa, sb)
    np.testing.assert_array_equal(pa, pb)


def test_flows_differ_with_another_key() -> None:
    e = _economy(11, n=5_000)
    q = e["par"]
    q["layoff_rate"][:] = 0.2
    q["exit_employed"], q["exit_unemployed"], q["ojs_share"] = 0.1, 0.3, 0.5
    q["entry_rate"][:] = 0.3
    a, sa, _ = _run(e, key=stream_key(1, 0, STAGES["flows"]))
    b, sb, _ = _run(e, key=stream_key(1, 1, STAGES["flows"]))
    # With 5000 workers each moving with probability >= 0.2, identical outcomes under
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
    after, searching, separations = _run(e)
    _check_month(e, after, searching, separations)
    # The first CHUNK workers alone give the same result for themselves.
    small = {"workers": {c: a[:CHUNK].copy() for c, a in e["workers"].items()},
             "par": q, "key": e["key"]}
    after_small, searching_small, _ = _run(small)
    for c in WORKER_COLUMNS:
        np.testing.assert_array_equal(after_small[c], after[c][:CHUNK])
    np.testing.assert_array_equal(searching_small, searching[:CHUNK])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_flows_full_layoff_sends_everyone_employed_to_unemployment(seed: int) -> None:
    e = _economy(seed, n=400)
    e["par"]["layoff_rate"][:] = 1.0
    after, searching, separations = _run(e)
    was_emp = e["workers"]["status"] == EMP
    assert np.all(after["status"][was_emp] == UNE)
    assert not np.any(after["status"] == EMP) and np.all(after["employer"] == -1)
    assert separations.sum() == np.count_nonzero(was_emp)
    _check_month(e, after, searching, separations)
