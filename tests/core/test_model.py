"""Tests of sim.core.model.LabourMarket: the Mesa model, its tables, stock-flow identities and
its calibration against the issue's acceptance bounds."""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest

from sim.agents.firms import Firms
from sim.agents.regions import Region
from sim.agents.workers import (
    ABSENT,
    EMPLOYED,
    INACTIVE,
    STATUS_NAMES,
    TRAINING,
    UNEMPLOYED,
    Workers,
)
from sim.config.scenario import Scenario, load_scenario, parse_scenario
from sim.core.indicators import INEQUALITY_INDICATORS, PLACE_INDICATORS
from sim.core.model import LabourMarket, StockFlowError

ROOT = Path(__file__).resolve().parents[2]
ITL1_CODES = [f"TL{c}" for c in "CDEFGHIJKLMN"]


def _tiny(burn_in: int = 2, seed: int = 42, **run) -> Scenario:
    return parse_scenario(
        {"run": {"scale": 0.0005, "burn_in_months": burn_in, "months": 3, "seed": seed, **run}},
        source="<test>",
    )


@pytest.fixture(scope="module")
def tiny() -> LabourMarket:
    """A tiny UK model after a short burn-in; tests must not step it."""
    return LabourMarket(_tiny(), rng=42)


def _status_counts(model: LabourMarket) -> np.ndarray:
    return np.bincount(model.workers.status, minlength=len(STATUS_NAMES))


# --------------------------------------------------------------------- structure
def test_is_a_mesa_model_with_twelve_region_agents(tiny):
    assert isinstance(tiny, mesa.Model)
    assert len(tiny.regions) == 12
    assert all(isinstance(r, Region) and isinstance(r, mesa.Agent) for r in tiny.regions)
    assert sorted(r.code for r in tiny.regions) == ITL1_CODES
    ordered = sorted(tiny.regions, key=lambda r: r.index)
    assert [r.index for r in ordered] == list(range(12))
    assert [r.code for r in ordered] == ITL1_CODES
    names = {r.code: r.name for r in tiny.regions}
    assert names["TLI"] == "London" and names["TLM"] == "Scotland"
    assert len(tiny.agents) == 12  # workers and firms are tables, not agents


def test_scenario_and_seed_are_kept(tiny):
    assert isinstance(tiny.config, Scenario)
    assert tiny.config == _tiny() and tiny.scenario.config is tiny.config
    assert tiny.seed == 42
    assert tiny.month == 0


def test_regions_hold_indicators_after_burn_in(tiny):
    for r in tiny.regions:
        ind = r.indicators()
        assert list(ind) == list(PLACE_INDICATORS)
        assert ind["worker_agents"] > 0 and 0 <= ind["unemployment_rate"] <= 1
    # Regions count the people present: absent rows (retired, free for entrants) are not.
    wk = tiny.workers
    present = wk.status != ABSENT
    assert sum(r.worker_agents for r in tiny.regions) == np.count_nonzero(present)
    by_place = np.bincount(wk.home[present], minlength=12)
    assert [r.worker_agents for r in tiny.regions] == by_place.tolist()


def test_worker_view_is_read_only(tiny):
    w = tiny.worker(0)
    assert w.index == 0
    assert w.status_name == STATUS_NAMES[w.status]
    assert w.skill_name in ("basic", "intermediate", "advanced")
    assert isinstance(w.occupation_name, str)
    assert set(Workers.SCHEMA) <= set(w)
    with pytest.raises(AttributeError):
        w.status = UNEMPLOYED
    with pytest.raises(AttributeError):
        w.wage = 1e6
    before = int(tiny.workers.status[0])
    assert int(tiny.workers.status[0]) == before
    last = tiny.worker(-1)
    assert last.index == len(tiny.workers) - 1
    with pytest.raises(IndexError):
        tiny.worker(len(tiny.workers))


def test_firm_view_is_read_only(tiny):
    f = tiny.firm(0)
    assert f.index == 0
    assert set(Firms.SCHEMA) <= set(f)
    assert isinstance(f.sector_name, str)
    with pytest.raises(AttributeError):
        f.employment = 10**6
    with pytest.raises(IndexError):
        tiny.firm(len(tiny.firms))


def test_table_dtypes_match_the_schemas(tiny):
    for table, schema in ((tiny.workers, Workers.SCHEMA), (tiny.firms, Firms.SCHEMA)):
        cols = table.columns()
        assert list(cols) == list(schema)
        for name, dtype in schema.items():
            assert cols[name].dtype == dtype, name
            assert cols[name].shape == (len(table),), name
    assert len(tiny.workers) > 10_000 and len(tiny.firms) > 100


def test_worker_columns_are_consistent(tiny):
    wk, f = tiny.workers, tiny.firms
    assert wk.home.min() >= 0 and wk.home.max() < 12
    assert set(np.unique(wk.skill)) <= {0, 1, 2}
    assert set(np.unique(wk.status)) <= {EMPLOYED, UNEMPLOYED, INACTIVE, TRAINING, ABSENT}
    emp = wk.status == EMPLOYED
    assert np.all(wk.wage[emp] > 0)
    assert np.all(wk.employer[~emp] == -1)  # absent rows included
    assert np.all(f.alive[wk.employer[emp]])  # nobody works for a firm that exited
    assert f.place.min() >= 0 and f.place.max() < 12
    assert np.all(f.employment[~f.alive] == 0) and np.all(f.vacancies[~f.alive] == 0)
    np.testing.assert_array_equal(np.bincount(wk.employer[emp], minlength=len(f)), f.employment)


@pytest.mark.parametrize("bad", ["abc", "7", -1, 1.5, True])
def test_rng_must_be_a_non_negative_integer(bad):
    with pytest.raises(ValueError, match="rng"):
        LabourMarket(_tiny(burn_in=0), rng=bad)


def test_numpy_integer_seed_and_default_seed_from_scenario():
    m = LabourMarket(_tiny(burn_in=0, seed=5), rng=np.int64(9))
    assert m.seed == 9 and isinstance(m.seed, int)
    assert LabourMarket(_tiny(burn_in=0, seed=5)).seed == 5


def test_scenario_must_be_a_scenario_or_path():
    with pytest.raises(TypeError):
        LabourMarket({"run": {"scale": 0.001}})  # type: ignore[arg-type]


# --------------------------------------------------------------------- running
def test_run_for_records_each_month():
    m = LabourMarket(_tiny(burn_in=1), rng=3)
    assert m.national_frame().empty
    m.run_for(3)
    # One clock, Mesa's: it counts the burn-in month too.
    assert m.month == 3 and m.steps == 1 + 3
    places, national = m.places_frame(), m.national_frame()
    assert len(places) == 36 and len(national) == 3
    assert {"month", "place", "name"} <= set(places.columns)
    assert places["month"].dtype.kind == "i"
    assert set(PLACE_INDICATORS) <= set(places.columns)
    assert places.groupby("month").size().to_dict() == {1: 12, 2: 12, 3: 12}
    assert sorted(places["place"].unique()) == ITL1_CODES
    assert places.loc[places.place == "TLI", "name"].unique().tolist() == ["London"]
    assert national["month"].tolist() == [1, 2, 3]
    assert list(national.columns) == ["month", "calendar_month",
                                     *LabourMarket.national_columns()]
    for k in INEQUALITY_INDICATORS:
        assert national[f"theil_{k}"].notna().all() and national[f"cv_{k}"].notna().all()
    # national counts are the sums of the regions' counts
    by_month = places.groupby("month")[["working_age_population", "employed", "unemployed",
                                          "worker_agents"]].sum()
    for col in by_month:
        np.testing.assert_allclose(national[col].to_numpy(), by_month[col].to_numpy(), rtol=1e-9)
    # the last recorded month is what the regions show now
    last = places[places.month == 3].set_index("place")
    for r in m.regions:
        assert last.loc[r.code, "unemployment_rate"] == r.unemployment_rate
    m.step()
    assert len(m.places_frame()) == 48 and len(m.national_frame()) == 4


def test_record_false_collects_nothing():
    m = LabourMarket(_tiny(burn_in=0), rng=3, record=False)
    m.run_for(2)
    assert m.month == 2
    assert m.national_frame().empty
    assert all(r.worker_agents > 0 for r in m.regions)  # indicators are still computed


def test_places_frame_is_empty_before_recording():
    m = LabourMarket(_tiny(burn_in=0), rng=3)
    places = m.places_frame()
    assert places.empty
    assert {"month", "place", "name", *PLACE_INDICATORS} <= set(places.columns)


def test_same_seed_same_results_other_seed_different():
    def run(seed):
        m = LabourMarket(_tiny(burn_in=2), rng=seed)
        m.run_for(3)
        return m.places_frame()

    a, b, c = run(11), run(11), run(12)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not a.equals(c)


def test_debug_run_keeps_stock_flow_identities_every_month():
    """Every mechanism at its default (on): the tables may grow (entrants, entering firms),
    rows may be absent (retired, emigrated) and firms dead, and the people present change
    by exactly entrants minus retirements plus arrivals minus departures each month."""
    m = LabourMarket(_tiny(burn_in=0), rng=7, debug=True)
    n_rows, n_firm_rows = len(m.workers), len(m.firms)
    present = np.count_nonzero(m.workers.status != ABSENT)
    entrants = retirements = 0
    for _ in range(12):
        m.step()  # check_stock_flow runs inside; raises StockFlowError on failure
        wk, f = m.workers, m.firms
        assert len(wk) >= n_rows and len(f) >= n_firm_rows  # tables only grow
        n_rows, n_firm_rows = len(wk), len(f)
        counts = _status_counts(m)
        assert counts.size == len(STATUS_NAMES) and counts.sum() == len(wk)
        expected = (present + int(m.state.entrants.sum()) - int(m.state.retirements.sum())
                    + int(m.state.arrivals.sum()) - int(m.state.departures.sum()))
        assert counts[:ABSENT].sum() == expected
        present = expected
        entrants += int(m.state.entrants.sum())
        retirements += int(m.state.retirements.sum())
        emp = wk.status == EMPLOYED
        np.testing.assert_array_equal(
            np.bincount(wk.employer[emp], minlength=len(f)), f.employment
        )
        assert np.all(wk.employer[~emp] == -1)
        assert np.all(f.vacancies >= 0)
        assert np.all(f.employment[~f.alive] == 0)
        agents = m.national_frame()["worker_agents"].iloc[-1]
        assert agents == present
    assert m.month == 12
    assert entrants > 0 and retirements > 0  # demography really ran


def test_stock_flow_check_detects_a_broken_identity():
    m = LabourMarket(_tiny(burn_in=1), rng=7)
    m.check_stock_flow()
    f, wk = m.firms, m.workers
    j = int(np.argmax(f.employment))
    f.employment[j] += 1
    with pytest.raises(StockFlowError, match=f"firm {j}"):
        m.check_stock_flow()
    f.employment[j] -= 1
    i = int(np.flatnonzero(wk.status != EMPLOYED)[0])
    wk.employer[i] = 0
    with pytest.raises(StockFlowError):
        m.check_stock_flow()
    wk.employer[i] = -1
    m.check_stock_flow()
    assert issubclass(StockFlowError, AssertionError)


# --------------------------------------------------------------------- calibration
RECORDED_MONTHS = 24


@pytest.fixture(scope="module")
def baseline_run() -> LabourMarket:
    """The shipped UK baseline at scale 0.002 (about 83,000 worker agents), seed 42:
    its 240-month burn-in, then 24 recorded months."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline.toml").with_overrides(
        scale=0.002, months=RECORDED_MONTHS, seed=42
    )
    assert scenario.run.burn_in_months == 240
    model = LabourMarket(scenario, rng=scenario.run.seed)
    model.run_for(RECORDED_MONTHS)
    return model


def test_baseline_unemployment_and_job_finding_in_the_issue_bounds(baseline_run):
    # Acceptance bounds from the issue: the UK 2019 unemployment rate was about 4% and the
    # monthly unemployment-to-employment job-finding rate about 10% (LFS flows); the issue
    # accepts u in [3%, 6%] in every month and a mean job-finding rate in [5%, 15%].
    # Sampling noise is far inside these bounds: with ~83k agents (~64k in the labour force,
    # ~2k unemployed) the month-to-month s.e. of u is about sqrt(u (1-u) / 64k) ~ 0.08
    # points, and the s.e. of the 24-month mean job-finding rate (~2k searchers a month)
    # is about 0.2 points, so a failure means the model moved, not bad luck.
    national = baseline_run.national_frame()
    assert len(national) == RECORDED_MONTHS
    assert len(baseline_run.workers) > 70_000
    u = national["unemployment_rate"]
    assert u.notna().all()
    assert u.between(0.03, 0.06).all(), u.describe().to_string()
    jfr = national["job_finding_rate"]
    assert jfr.notna().all()
    assert 0.05 <= jfr.mean() <= 0.15, jfr.mean()


def test_baseline_london_has_the_highest_median_wage(baseline_run):
    places = baseline_run.places_frame()
    assert len(places) == 12 * RECORDED_MONTHS
    wage = places.groupby("place")["median_wage"].mean()
    assert len(wage) == 12 and wage.notna().all()
    assert wage.idxmax() == "TLI", wage.sort_values().to_string()
    # London's lead holds month by month, not just on average
    by_month = places.pivot(index="month", columns="place", values="median_wage")
    assert (by_month.idxmax(axis=1) == "TLI").all()


def test_baseline_indicators_are_sane(baseline_run):
    national = baseline_run.national_frame()
    for col in ("employment_rate", "vacancy_rate", "good_jobs_share", "remote_share"):
        assert national[col].between(0, 1).all(), col
    assert national["median_wage"].between(200, 1500).all()
    assert (national["theil_median_wage"] > 0).all()
    # Workers are conserved up to demography and migration: in each place, month to month,
    # agents change by exactly (entrants - retirements + net migration + immigrants -
    # emigrants) / people per agent.
    places = baseline_run.places_frame()
    agents = places.pivot(index="month", columns="place", values="worker_agents")
    assert (agents > 0).all().all()
    people = places.pivot(index="month", columns="place", values="working_age_population")
    per_agent = people / agents
    change = sum(
        places.pivot(index="month", columns="place", values=k) * sign
        for k, sign in (("entrants", 1), ("retirements", -1), ("net_migration", 1),
                        ("immigrants", 1), ("emigrants", -1))
    ) / per_agent
    np.testing.assert_allclose(agents.diff().iloc[1:], change.iloc[1:], rtol=0, atol=1e-6)
    assert places["entrants"].sum() > 0 and places["retirements"].sum() > 0
    # cohort_growth = 0: entries balance retirements, so the population stays put.
    start = national["worker_agents"].iloc[0]
    assert national["worker_agents"].between(0.99 * start, 1.01 * start).all()


def test_regions_frame_matches_the_region_agents(tiny):
    frame = tiny.regions_frame()
    assert frame.index.name == "place" and frame.index.tolist() == ITL1_CODES
    assert list(frame.columns) == ["name", *PLACE_INDICATORS]
    for r in tiny.regions:
        assert frame.loc[r.code, "name"] == r.name
        assert frame.loc[r.code, "median_wage"] == r.median_wage
    assert [r.code for r in tiny.regions] == ITL1_CODES  # the AgentSet is in place order


# --------------------------------------------------------------- job-loss settling
def test_without_burn_in_the_job_loss_rule_changes_nothing():
    """The rule acts only in the burn-in: with none, every multiplier is 1 and a run is
    bit-identical with the rule on or off (x * 1.0 == x)."""
    def run(settle: bool) -> LabourMarket:
        scenario = _tiny(burn_in=0).with_changes({"flows.settle_job_loss": settle})
        m = LabourMarket(scenario, rng=5)
        m.run_for(3)
        return m

    on, off = run(True), run(False)
    assert np.array_equal(on._job_loss, np.ones(12))
    pd.testing.assert_frame_equal(on.places_frame(), off.places_frame(), check_exact=True)
    pd.testing.assert_frame_equal(on.national_frame(), off.national_frame(), check_exact=True)


def test_job_loss_multipliers_average_one_and_stay_fixed_after_the_burn_in():
    m = LabourMarket(_tiny(burn_in=24), rng=7)
    settled = m._job_loss.copy()
    assert not np.allclose(settled, 1.0)  # 24 months of the rule moved them
    # Labour-force weighted mean 1 (the counts of the last burn-in month), and each
    # within the rule's bound of 4 times (or a quarter of) the average, up to the
    # normalisation.
    counts = m._counts
    labour_force = counts[:, 1] + counts[:, 2]  # employed + unemployed
    assert np.sum(labour_force * settled) / np.sum(labour_force) == pytest.approx(1.0)
    assert np.all(np.abs(np.log(settled)) < np.log(4.0) + 0.2)
    m.run_for(6)
    assert np.array_equal(m._job_loss, settled)


# ------------------------------------------------------------------ pay settling
def test_without_burn_in_the_pay_rule_changes_nothing():
    """The pay rule acts only in the burn-in: with none, the residual stays 0 and a run
    is bit-identical with the rule on or off."""
    def run(settle: bool) -> LabourMarket:
        m = LabourMarket(_tiny(burn_in=0).with_changes({"wages.settle_pay": settle}), rng=5)
        m.run_for(3)
        return m

    on, off = run(True), run(False)
    assert not on.place_state.pay_residual.any()
    pd.testing.assert_frame_equal(on.places_frame(), off.places_frame(), check_exact=True)
    pd.testing.assert_frame_equal(on.national_frame(), off.national_frame(), check_exact=True)


@pytest.fixture(scope="module")
def pay_settled() -> tuple[LabourMarket, LabourMarket]:
    """Regions at scale 0.002 after a 120-month burn-in, with the pay rule on and off."""
    def run(settle: bool) -> LabourMarket:
        scenario = _tiny(burn_in=120, scale=0.002).with_changes({"wages.settle_pay": settle})
        return LabourMarket(scenario, rng=11)

    return run(True), run(False)


def _pay_gap(m: LabourMarket) -> float:
    """Root mean square over the places of ``ln(median pay / the data's)``, recentred."""
    x = np.log(m.regions_frame()["median_wage"].to_numpy()
               / m.geography.places["median_weekly_pay_gbp"].to_numpy())
    return float(np.sqrt(np.mean((x - x.mean()) ** 2)))


def test_pay_rule_brings_each_places_pay_to_the_datas(pay_settled):
    """Measured at seed 11: the gap of the regions' median pay from the data's (root
    mean square of the log ratio, its mean taken out) is 0.011 with the rule and 0.066
    without; a median over the 1,600 or more employed agents of a region has a standard
    error near 1 to 2%, so 0.03 leaves room for the noise."""
    on, off = pay_settled
    assert _pay_gap(on) < 0.5 * _pay_gap(off)
    assert _pay_gap(on) < 0.03


def test_pay_residual_is_centred_bounded_and_fixed_after_the_burn_in(pay_settled):
    on, _ = pay_settled
    z = on.place_state.pay_residual.copy()
    residents = on._counts[:, 0]
    assert np.abs(z).max() > 0.01  # 120 months of the rule moved it
    assert np.all(np.abs(z) <= np.log(2.0) + 1e-9)
    assert abs(np.sum(residents * z) / np.sum(residents)) < 0.01  # recentred each month


def test_movers_take_their_new_homes_earning_power():
    """After the burn-in the residual is fixed; a month later every worker who moved home
    has human capital ``exp(z_new - z_old)`` times what it was, everyone else (not in a
    course that ended) the same."""
    scenario = _tiny(burn_in=24, scale=0.002).with_changes({"wages.settle_pay": True})
    m = LabourMarket(scenario, rng=13)
    z = m.place_state.pay_residual.copy()
    assert np.abs(z).max() > 0.01
    wk = m.workers
    n = len(wk)
    home, hc = wk.home.copy(), wk.human_capital.copy()
    status, left = wk.status.copy(), wk.training_left.copy()
    m.run_for(1)
    assert np.array_equal(m.place_state.pay_residual, z)
    stayed = (status != ABSENT) & (wk.status[:n] != ABSENT) & (left == 0)
    moved = stayed & (wk.home[:n] != home)
    same = stayed & (wk.home[:n] == home)
    assert moved.sum() > 10
    ratio = wk.human_capital[:n][moved] / hc[moved]
    np.testing.assert_allclose(ratio, np.exp(z[wk.home[:n][moved]] - z[home[moved]]),
                               rtol=1e-6)
    assert np.array_equal(wk.human_capital[:n][same], hc[same])


def test_settled_baseline_has_the_data_pattern_of_regional_unemployment(baseline_run):
    """The shipped baseline (scale 0.002, seed 42, 120 months of burn-in): each region's
    mean unemployment over 24 recorded months, relative to the mean of the 12, lies near
    the data's, and much nearer than with the rule off.

    The level is not the rule's: the multipliers average 1, and at this scale the
    national rate is about 4.7% (3.9% at the calibration's). Measured at seed 42
    (before the recalibration): rank correlation 0.92 with the rule on and 0.28 off;
    mean absolute gap of the deviations from the mean of the regions 0.36 points on and
    0.81 off. At about 7,000 worker agents in Northern Ireland's labour force the 24-month
    mean rate has a standard error near 0.1 points."""
    data = baseline_run.geography.places["unemployment_rate"]
    places = baseline_run.places_frame()
    on = places.groupby("place")["unemployment_rate"].mean().reindex(data.index)
    scenario = baseline_run.config.with_changes({"flows.settle_job_loss": False})
    off_model = LabourMarket(scenario, rng=scenario.run.seed)
    off_model.run_for(RECORDED_MONTHS)
    off = off_model.places_frame().groupby("place")["unemployment_rate"].mean()
    off = off.reindex(data.index)

    def gap(model: pd.Series) -> float:
        return float(((model - model.mean()) - (data - data.mean())).abs().mean())

    assert on.corr(data, method="spearman") >= 0.85
    assert gap(on) <= 0.005
    assert gap(on) < 0.6 * gap(off)
