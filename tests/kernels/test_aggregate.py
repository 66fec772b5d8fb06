"""Tests for sim.kernels.aggregate: worker counts, wage histograms and their read-outs."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from sim.kernels.aggregate import (
    _BIN_PER_LOG,
    _LOG_MIN,
    COUNT_COLUMNS,
    N_BINS,
    WAGE_MAX,
    WAGE_MIN,
    _estimate_bins,
    _settle_bin,
    aggregate_workers,
    bin_edges,
    count_at_or_above,
    histogram_quantile,
)
from sim.kernels.bundles import Participation, TallyOutput, make
from tests.kernels.bundle_helpers import firm_bundle, wage_rules, worker_bundle

COL = {name: k for k, name in enumerate(COUNT_COLUMNS)}
BIN_LOG_WIDTH = 1.0 / _BIN_PER_LOG  # width of a bin in log wage (about 0.0121)
EDGES = bin_edges()

seeds = st.integers(0, 2**32 - 1)


def _economy(seed: int, *, n_max: int = 300, wage_mode: str = "bins"):
    """A random worker table; with ``wage_mode="bins"`` every wage lies well inside a
    known bin (so its bin is unambiguous despite float32 rounding), returned as ``bins``.

    All five statuses occur (absent rows, status 4, have no employer)."""
    rng = np.random.default_rng(seed)
    n_places = int(rng.integers(1, 9))
    n_firms = int(rng.integers(1, 41))
    n = int(rng.integers(1, n_max + 1))
    firm_place = rng.integers(0, n_places, n_firms).astype(np.int16)
    firm_skill = rng.integers(0, 3, n_firms).astype(np.int8)
    home = rng.integers(0, n_places, n).astype(np.int16)
    skill = rng.integers(0, 3, n).astype(np.int8)
    status = rng.choice(5, n, p=rng.dirichlet(np.ones(5))).astype(np.int8)
    employer = np.where(status == 0, rng.integers(0, n_firms, n), -1).astype(np.int32)
    remote = (status == 0) & (rng.random(n) < 0.4)
    if wage_mode == "bins":
        bins = rng.integers(0, N_BINS, n)
        frac = rng.uniform(0.05, 0.95, n)
        wage = np.exp(_LOG_MIN + (bins + frac) / _BIN_PER_LOG)
        # Some wages outside the histogram's range: they go to the end bins.
        low = rng.random(n) < 0.05
        high = rng.random(n) < 0.05
        wage[low] = rng.uniform(1.0, WAGE_MIN * 0.99, low.sum())
        bins[low] = 0
        wage[high & ~low] = rng.uniform(WAGE_MAX * 1.01, 5 * WAGE_MAX, (high & ~low).sum())
        bins[high & ~low] = N_BINS - 1
        wage = wage.astype(np.float32)
    else:
        bins = None
        wage = rng.lognormal(math.log(500.0), 0.6, n).astype(np.float32)
    minutes = rng.uniform(5.0, 180.0, (n_places, n_places))
    km = rng.uniform(0.5, 150.0, (n_places, n_places))
    hybrid = float(rng.uniform(0.0, 1.0))
    return dict(
        n_places=n_places, firm_place=firm_place, firm_skill=firm_skill, home=home,
        skill=skill, status=status, employer=employer, remote=remote, wage=wage,
        minutes=minutes, hybrid=hybrid, bins=bins, km=km,
        constrained=rng.random(n) < rng.uniform(0.0, 0.6),
        remote_capable=rng.random(n) < rng.uniform(0.0, 0.8),
        human_capital=rng.lognormal(0.0, 0.3, n).astype(np.float32),
        firm_productivity=rng.uniform(100.0, 2000.0, n_firms).astype(np.float32),
        skill_premium=np.sort(rng.uniform(0.6, 2.0, 3)),
    )


def _aggregate(e):
    p = e["n_places"]
    counts = np.full((p, len(COUNT_COLUMNS)), -7.0)  # garbage: must be overwritten
    hist = np.full((p, N_BINS), 3, dtype=np.int64)
    hist_good = np.full((p, N_BINS), 5, dtype=np.int64)
    profit = np.full(e["firm_productivity"].size, -3.0)  # garbage: must be overwritten
    cols = {c: e[c] for c in ("home", "status", "skill", "wage", "employer", "remote",
                              "constrained", "remote_capable", "human_capital")}
    if "occupation" in e:
        cols["occupation"] = e["occupation"]
    aggregate_workers(
        worker_bundle(cols),
        firm_bundle(e["firm_productivity"].size, place=e["firm_place"],
                    skill_demand=e["firm_skill"], productivity=e["firm_productivity"]),
        wage_rules(p, skill_premium=e["skill_premium"], hybrid_factor=e["hybrid"]),
        make(Participation, constrained_search_share=0.0, constrained_exit_multiplier=1.0,
             constrained_remote_search_share=0.5, remote_exit_multiplier=1.0,
             remote_productivity=e.get("remote_productivity", np.zeros(9)),
             hybrid_adoption_odds=1.0, hybrid_commute_response=0.0),
        e["minutes"], e["km"],
        make(TallyOutput, counts=counts, hist=hist, hist_good_skill=hist_good,
             firm_profit=profit),
    )
    e["profit_out"] = profit
    return counts, hist, hist_good


def test_bin_edges_span_the_range() -> None:
    assert EDGES.shape == (N_BINS + 1,)
    assert math.isclose(EDGES[0], WAGE_MIN) and math.isclose(EDGES[-1], WAGE_MAX)
    assert np.all(np.diff(EDGES) > 0)
    ratio = EDGES[1:] / EDGES[:-1]
    np.testing.assert_allclose(ratio, math.exp(BIN_LOG_WIDTH), rtol=1e-12)
    assert ratio[0] < 1.0125  # "a bin is 1.2% wide"


def _check_counts(e, counts, hist, hist_good) -> None:
    """Every column of ``counts`` and both histograms against numpy recounts."""
    p = e["n_places"]
    home, status, skill = e["home"], e["status"], e["skill"]
    present = status != 4
    emp = status == 0
    assert counts.shape == (p, len(COUNT_COLUMNS))

    def by_home(mask, weights=None):
        return np.bincount(home[mask], weights=None if weights is None else weights[mask],
                           minlength=p)

    np.testing.assert_array_equal(counts[:, COL["population"]], by_home(present))
    for name, code in (("employed", 0), ("unemployed", 1), ("inactive", 2), ("training", 3)):
        np.testing.assert_array_equal(counts[:, COL[name]], by_home(status == code))
    for name, code in (("skill_basic", 0), ("skill_intermediate", 1), ("skill_advanced", 2)):
        np.testing.assert_array_equal(counts[:, COL[name]], by_home(present & (skill == code)))
    np.testing.assert_array_equal(counts[:, COL["remote"]], by_home(emp & e["remote"]))
    # Stocks add up in every place, and so do skills.
    parts = counts[:, [COL["employed"], COL["unemployed"], COL["inactive"], COL["training"]]]
    np.testing.assert_array_equal(parts.sum(axis=1), counts[:, COL["population"]])
    skills = counts[:, [COL["skill_basic"], COL["skill_intermediate"], COL["skill_advanced"]]]
    np.testing.assert_array_equal(skills.sum(axis=1), counts[:, COL["population"]])

    wage64 = e["wage"].astype(np.float64)
    np.testing.assert_allclose(counts[:, COL["wage_sum"]], by_home(emp, wage64), rtol=1e-9)
    workplace = np.where(emp, e["firm_place"][np.maximum(e["employer"], 0)], 0)
    commute = e["minutes"][home, workplace] * np.where(e["remote"], e["hybrid"], 1.0)
    np.testing.assert_allclose(
        counts[:, COL["commute_minutes"]], by_home(emp, commute), rtol=1e-9, atol=1e-9
    )

    # New columns. Commute km: straight line (no hybrid factor), by home.
    np.testing.assert_allclose(counts[:, COL["commute_km"]],
                               by_home(emp, e["km"][home, workplace]), rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(counts[:, COL["own_place"]], by_home(emp & (workplace == home)))
    assert np.all(counts[:, COL["own_place"]] <= counts[:, COL["employed"]])
    cons = present & e["constrained"]
    np.testing.assert_array_equal(counts[:, COL["constrained"]], by_home(cons))
    np.testing.assert_array_equal(counts[:, COL["constrained_active"]],
                                  by_home(cons & ((status == 0) | (status == 1))))
    assert np.all(counts[:, COL["constrained_active"]] <= counts[:, COL["constrained"]])
    # Jobs and their value added by place of WORK.
    np.testing.assert_array_equal(counts[:, COL["jobs_at_workplace"]],
                                  np.bincount(workplace[emp], minlength=p))
    j = np.maximum(e["employer"], 0)
    gva = (e["firm_productivity"][j].astype(np.float64) * e["skill_premium"][skill]
           * e["human_capital"].astype(np.float64))
    np.testing.assert_allclose(counts[:, COL["gva_at_workplace"]],
                               np.bincount(workplace[emp], weights=gva[emp], minlength=p),
                               rtol=1e-9, atol=1e-9)
    assert counts[:, COL["jobs_at_workplace"]].sum() == counts[:, COL["employed"]].sum()
    # Remote-capable residents by home; firm profit = value added - wages over its workers.
    np.testing.assert_array_equal(counts[:, COL["remote_capable"]],
                                  by_home(present & e["remote_capable"]))
    if "profit_out" in e:
        expected = np.bincount(j[emp], weights=(gva - wage64)[emp],
                               minlength=e["firm_productivity"].size)
        np.testing.assert_allclose(e["profit_out"], expected, rtol=1e-9, atol=1e-6)

    # Histograms: each employed worker in the bin of their wage, by home.
    expected = np.zeros((p, N_BINS), dtype=np.int64)
    np.add.at(expected, (home[emp], e["bins"][emp]), 1)
    np.testing.assert_array_equal(hist, expected)
    good = emp & (e["firm_skill"][np.maximum(e["employer"], 0)] >= skill)
    expected_good = np.zeros((p, N_BINS), dtype=np.int64)
    np.add.at(expected_good, (home[good], e["bins"][good]), 1)
    np.testing.assert_array_equal(hist_good, expected_good)
    assert np.all(hist_good <= hist)


@settings(max_examples=150, deadline=None)
@given(seed=seeds)
def test_aggregate_counts_equal_numpy_recounts(seed: int) -> None:
    e = _economy(seed)
    counts, hist, hist_good = _aggregate(e)
    _check_counts(e, counts, hist, hist_good)


@settings(max_examples=60, deadline=None)
@given(seed=seeds)
def test_absent_rows_are_counted_nowhere(seed: int) -> None:
    """Absent rows, even with leftover job columns (employer, remote, constrained), leave
    every output as if they were not in the table."""
    e = _economy(seed)
    rng = np.random.default_rng(seed ^ 0xABCD)
    absent = e["status"] == 4
    n_firms = e["firm_place"].shape[0]
    e["employer"][absent] = rng.integers(0, n_firms, absent.sum())
    e["remote"][absent] = True
    e["constrained"][absent] = True
    counts, hist, hist_good = _aggregate(e)
    _check_counts(e, counts, hist, hist_good)
    keep = ~absent
    cols = ("home", "skill", "status", "employer", "remote", "wage", "constrained",
            "remote_capable", "human_capital", "bins")
    dropped = dict(e, **{c: e[c][keep] for c in cols})
    c2, h2, g2 = _aggregate(dropped)
    np.testing.assert_allclose(counts, c2, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(hist, h2)
    np.testing.assert_array_equal(hist_good, g2)
    # A table of absent rows only gives zeros everywhere.
    e["status"][:] = 4
    counts, hist, hist_good = _aggregate(e)
    assert not counts.any() and not hist.any() and not hist_good.any()


def test_workplace_columns_follow_the_firm_not_the_home() -> None:
    """Two places, everyone lives in 0 and works in 1 (or at home): jobs and GVA by
    workplace, own-place and commute km by home."""
    n = 10
    km = np.array([[0.0, 12.5], [12.5, 0.0]])
    e = dict(
        n_places=2, firm_place=np.array([0, 1], dtype=np.int16),
        firm_skill=np.zeros(2, dtype=np.int8), home=np.zeros(n, dtype=np.int16),
        skill=np.zeros(n, dtype=np.int8), status=np.zeros(n, dtype=np.int8),
        employer=np.array([1] * 7 + [0] * 3, dtype=np.int32),
        remote=np.zeros(n, dtype=np.bool_), wage=np.full(n, 400.0, dtype=np.float32),
        minutes=np.array([[5.0, 30.0], [30.0, 5.0]]), hybrid=0.4, bins=None, km=km,
        constrained=np.array([True] * 4 + [False] * 6),
        remote_capable=np.array([True] * 5 + [False] * 5),
        human_capital=np.ones(n, dtype=np.float32),
        firm_productivity=np.array([100.0, 300.0], dtype=np.float32),
        skill_premium=np.array([2.0, 3.0, 4.0]),
    )
    counts, _, _ = _aggregate(e)
    # Profit by firm: value added 200 (firm 0) and 600 (firm 1) a worker, wage 400.
    np.testing.assert_allclose(e["profit_out"], [3 * (200.0 - 400.0), 7 * (600.0 - 400.0)])
    np.testing.assert_array_equal(counts[:, COL["remote_capable"]], [5, 0])
    np.testing.assert_array_equal(counts[:, COL["jobs_at_workplace"]], [3, 7])
    np.testing.assert_allclose(counts[:, COL["gva_at_workplace"]], [3 * 200.0, 7 * 600.0])
    np.testing.assert_array_equal(counts[:, COL["own_place"]], [3, 0])
    np.testing.assert_allclose(counts[:, COL["commute_km"]], [7 * 12.5, 0.0])
    np.testing.assert_array_equal(counts[:, COL["employed"]], [10, 0])
    np.testing.assert_array_equal(counts[:, COL["constrained"]], [4, 0])
    np.testing.assert_array_equal(counts[:, COL["constrained_active"]], [4, 0])


@settings(max_examples=100, deadline=None)
@given(seed=seeds, n=st.integers(1_000, 20_000), sigma=st.floats(0.1, 1.0),
       mu=st.floats(math.log(150.0), math.log(1500.0)))
def test_histogram_median_within_one_bin_of_numpy_median(seed, n, sigma, mu) -> None:
    rng = np.random.default_rng(seed)
    wages = rng.lognormal(mu, sigma, n)
    wages = np.clip(wages, WAGE_MIN * 1.001, WAGE_MAX * 0.999).astype(np.float32)
    hist = np.histogram(wages.astype(np.float64), bins=EDGES)[0][None, :]
    assert hist.sum() == n
    got = histogram_quantile(hist, 0.5, EDGES)[0]
    ordered = np.sort(wages.astype(np.float64))
    exact = float(np.median(ordered))
    # For even n np.median averages the two middle values; allow their gap on top
    # of one bin (the interpolated value stays inside the bin of the middle value).
    m = n // 2
    gap = 0.0 if n % 2 else math.log(ordered[m] / ordered[m - 1])
    assert abs(math.log(got) - math.log(exact)) <= BIN_LOG_WIDTH + gap + 1e-9


@settings(max_examples=60, deadline=None)
@given(seed=seeds)
def test_median_read_from_aggregated_histogram(seed: int) -> None:
    """End to end: per-place medians of the kernel's histogram match numpy per place."""
    e = _economy(seed, n_max=3000, wage_mode="lognormal")
    _, hist, _ = _aggregate(e)
    med = histogram_quantile(hist, 0.5, EDGES)
    for p in range(e["n_places"]):
        w = np.sort(e["wage"][(e["home"] == p) & (e["status"] == 0)].astype(np.float64))
        if w.size == 0:
            assert math.isnan(med[p])
            continue
        w = np.clip(w, WAGE_MIN, WAGE_MAX)
        m = w.size // 2
        exact = float(np.median(w))
        gap = 0.0 if w.size % 2 else math.log(w[m] / w[m - 1])
        assert abs(math.log(med[p]) - math.log(exact)) <= BIN_LOG_WIDTH + gap + 1e-5


def test_histogram_quantile_simple_cases() -> None:
    hist = np.zeros((3, N_BINS), dtype=np.int64)
    hist[0, 100] = 1  # one worker: the median is the middle of its bin (in logs)
    hist[1, 10] = 5
    hist[1, 400] = 5  # half-way: the top of bin 10
    q = histogram_quantile(hist, 0.5, EDGES)
    assert math.isclose(q[0], math.sqrt(EDGES[100] * EDGES[101]), rel_tol=1e-12)
    assert math.isclose(q[1], EDGES[11], rel_tol=1e-12)
    assert math.isnan(q[2])  # empty row


@settings(max_examples=150, deadline=None)
@given(seed=seeds, n=st.integers(1, 5_000), threshold=st.floats(5.0, 20_000.0))
def test_count_at_or_above_within_one_bin(seed, n, threshold) -> None:
    rng = np.random.default_rng(seed)
    n_rows = int(rng.integers(1, 5))
    wages = rng.lognormal(math.log(400.0), 0.9, (n_rows, n))
    hist = np.stack(
        [np.bincount(np.clip(np.searchsorted(EDGES, w, side="right") - 1, 0, N_BINS - 1),
                     minlength=N_BINS) for w in wages]
    )
    got = count_at_or_above(hist, threshold, EDGES)
    exact = (wages >= threshold).sum(axis=1)
    b = int(np.clip(np.searchsorted(EDGES, threshold, side="right") - 1, 0, N_BINS - 1))
    assert got.shape == (n_rows,)
    assert np.all(np.abs(got - exact) <= hist[:, b] + 1e-9)
    assert np.all((got >= 0) & (got <= n + 1e-9))


def test_count_at_or_above_monotone_in_threshold() -> None:
    rng = np.random.default_rng(5)
    w = rng.lognormal(math.log(400.0), 0.7, 10_000)
    hist = np.histogram(np.clip(w, WAGE_MIN, WAGE_MAX * 0.999), bins=EDGES)[0][None, :]
    thresholds = np.geomspace(10.0, 20_000.0, 400)
    counts = np.array([count_at_or_above(hist, t, EDGES)[0] for t in thresholds])
    assert np.all(np.diff(counts) <= 1e-9)
    assert counts[0] == 10_000 and counts[-1] == 0


def test_remote_productivity_enters_value_added_and_profit_of_remote_workers() -> None:
    e = _economy(3)
    n = e["home"].size
    e["occupation"] = (np.arange(n) % 9).astype(np.int8)
    e["remote_productivity"] = np.linspace(-0.3, 0.3, 9)
    counts, _, _ = _aggregate(e)
    emp = e["status"] == 0
    j = np.maximum(e["employer"], 0)
    lift = np.where(e["remote"], 1.0 + e["remote_productivity"][e["occupation"]], 1.0)
    gva = (e["firm_productivity"][j].astype(np.float64) * e["skill_premium"][e["skill"]]
           * e["human_capital"].astype(np.float64) * lift)
    workplace = e["firm_place"][j]
    np.testing.assert_allclose(counts[:, COL["gva_at_workplace"]],
                               np.bincount(workplace[emp], weights=gva[emp],
                                           minlength=e["n_places"]), rtol=1e-9, atol=1e-6)
    expected = np.bincount(j[emp], weights=(gva - e["wage"].astype(np.float64))[emp],
                           minlength=e["firm_productivity"].size)
    np.testing.assert_allclose(e["profit_out"], expected, rtol=1e-9, atol=1e-6)


@njit(cache=False)
def _bins_of(w, out):
    est = np.empty(w.shape[0], dtype=np.int16)
    _estimate_bins(w.view(np.uint32), est, 0, w.shape[0])
    for i in range(w.shape[0]):
        out[i] = _settle_bin(w[i], np.int64(est[i]))


@settings(max_examples=50, deadline=None)
@given(seed=seeds)
def test_every_wage_lands_in_the_bin_its_edges_define(seed: int) -> None:
    """The logarithm-free bin search agrees with a binary search over the edges, for
    wages spread over and beyond the range, the edges themselves and their float32
    neighbours, and non-positive wages."""
    rng = np.random.default_rng(seed)
    e32 = EDGES.astype(np.float32)
    w = np.concatenate([
        np.exp(rng.uniform(math.log(1.0), math.log(1e6), 5_000)),
        e32, np.nextafter(e32, np.float32(0)), np.nextafter(e32, np.float32(np.inf)),
        [0.0, -5.0, WAGE_MIN, WAGE_MAX, 1e30],
    ]).astype(np.float32)
    got = np.empty(w.size, dtype=np.int64)
    _bins_of(w, got)
    expected = np.clip(np.searchsorted(EDGES, w.astype(np.float64), side="right") - 1,
                       0, N_BINS - 1)
    np.testing.assert_array_equal(got, expected)
