"""Tests of sim.core.indicators: the registry, the aggregation it drives, the Parquet column
metadata and the ODD table generated from it."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.cli import SUMMARY_COLUMNS, _summary
from sim.config.scenario import parse_scenario
from sim.core import indicators as ind
from sim.core.indicators import (
    AGGREGATIONS,
    FLOW_SOURCES,
    INDICATORS,
    INEQUALITY_INDICATORS,
    NATIONAL_COLUMNS,
    PLACE_INDICATORS,
    PROVIDED_COUNTS,
    REGISTRY,
    Indicator,
    aggregate,
    markdown_table,
    read_indicator_metadata,
    read_units,
)
from sim.core.metrics import coefficient_of_variation, theil_index
from sim.core.model import LabourMarket
from sim.kernels.aggregate import COUNT_COLUMNS, N_BINS, bin_edges
from sim.runs.output import write_table

ROOT = Path(__file__).resolve().parents[2]
COL = {name: k for k, name in enumerate(COUNT_COLUMNS)}

#: The output column order before the registry existed (places, then the spread columns).
EXPECTED_PLACE_COLUMNS = (
    "working_age_population", "employed", "unemployed", "inactive", "employment_rate",
    "unemployment_rate", "vacancies", "vacancy_rate", "hires", "separations",
    "job_finding_rate", "job_to_job_rate", "median_wage", "mean_wage", "good_jobs_share",
    "mean_commute_minutes", "remote_share", "firm_agents", "worker_agents", "gva_per_worker",
    "skill_share_basic", "skill_share_intermediate", "skill_share_advanced", "in_training",
    "participation_rate", "constrained_participation_rate", "own_place_work_share",
    "mean_commute_km", "net_migration", "net_migration_advanced", "knowledge_stock",
    "housing_cost", "amenity", "firm_agent_entries", "firm_agent_exits", "retirements", "entrants",
    "remote_capable_share",
    # Added for the validation targets (issue 9): appended, existing columns unchanged.
    "job_loss_rate", "measured_job_finding_rate", "exit_rate_short", "exit_rate_long",
    "mover_rate", "unemployment_rate_basic", "unemployment_rate_advanced",
    "jobs_per_resident_worker",
    # The hybrid share by skill (issue 9, remote-work baselines): appended.
    "remote_share_basic", "remote_share_advanced",
    # The matching function's variables (issue 9, frictions): appended.
    "hires_from_unemployment", "unemployed_searching", "immigrants", "emigrants",
    # The commuting distance of those who commute most days (issue 9): appended.
    "mean_commute_km_on_site",
    # Policies (issue 10): appended.
    "policy_spend",
)
EXPECTED_SPREAD = ("unemployment_rate", "employment_rate", "median_wage", "good_jobs_share")


# --------------------------------------------------------------------- the registry
def test_column_order_is_unchanged():
    assert PLACE_INDICATORS == EXPECTED_PLACE_COLUMNS
    spread = tuple(c for k in EXPECTED_SPREAD for c in (f"theil_{k}", f"cv_{k}"))
    assert NATIONAL_COLUMNS == EXPECTED_PLACE_COLUMNS + spread
    assert INEQUALITY_INDICATORS == EXPECTED_SPREAD
    assert LabourMarket.national_columns() == list(NATIONAL_COLUMNS)


def test_every_entry_has_unit_description_label_and_known_kinds():
    assert len({i.name for i in REGISTRY}) == len(REGISTRY)
    for entry in REGISTRY:
        assert entry.unit.strip() and entry.description.strip() and entry.label.strip(), entry
        assert entry.aggregation in AGGREGATIONS
        assert entry.fmt in ind.FORMATS
        assert "\n" not in entry.description and "|" not in entry.description
    assert {i.name for i in REGISTRY if i.spread} == set(INEQUALITY_INDICATORS)


def test_shares_are_percent_and_money_is_gbp():
    for entry in REGISTRY:
        assert entry.percent == entry.unit.startswith("share"), entry.name
        if entry.fmt == "money":
            assert entry.unit.startswith("GBP"), entry.name
    assert INDICATORS["median_wage"].unit == "GBP a week"
    assert INDICATORS["gva_per_worker"].unit == "GBP a year"
    assert INDICATORS["knowledge_stock"].unit == "GBP million"
    assert INDICATORS["mean_commute_minutes"].unit == "minutes"


_GOOD = {"name": "x", "unit": "people", "description": "d", "aggregation": "sum",
         "fmt": "count", "label": "X", "source": "employed"}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"aggregation": "mode"}, "aggregation"),
        ({"fmt": "stars"}, "format"),
        ({"unit": ""}, "required"),
        ({"source": "nonsense"}, "unknown by-place count"),
        ({"provider": "migration"}, "exactly one"),
        ({"source": "", "numerator": ("employed",)}, "numerator and a denominator"),
        ({"source": "", "aggregation": "ratio", "provider": "migration"}, "ratio aggregation"),
        ({"source": "", "aggregation": "theil"}, "'of'"),
        ({"of": "employed"}, "'of'"),
    ],
)
def test_bad_entries_are_value_errors(kwargs, match):
    Indicator(**_GOOD)  # the base entry is fine
    with pytest.raises(ValueError, match=match):
        Indicator(**{**_GOOD, **kwargs})


def test_format_follows_the_kind():
    assert INDICATORS["unemployment_rate"].format(0.0432) == "4.3%"
    assert INDICATORS["median_wage"].format(612.4) == "612"
    assert INDICATORS["working_age_population"].format(1234567.4) == "1,234,567"
    assert INDICATORS["mean_commute_minutes"].format(27.349) == "27.3"
    assert INDICATORS["theil_median_wage"].format(0.0012345) == "0.00123"
    for name in ("unemployment_rate", "median_wage", "working_age_population", "mean_commute_km"):
        assert INDICATORS[name].format(float("nan")) == "-"


def test_axis_labels_carry_units():
    assert INDICATORS["unemployment_rate"].axis_label() == "Unemployment rate (%)"
    assert INDICATORS["median_wage"].axis_label() == "Median wage (GBP a week)"


# --------------------------------------------------------------------- aggregation
def _synthetic():
    """Three places with hand-picked tallies, histograms and flows (agents)."""
    n = 3
    c = np.zeros((n, len(COUNT_COLUMNS)))
    c[:, COL["population"]] = [100, 200, 50]
    c[:, COL["employed"]] = [70, 150, 30]
    c[:, COL["unemployed"]] = [10, 5, 0]
    c[:, COL["inactive"]] = [20, 45, 20]
    c[:, COL["training"]] = [3, 0, 1]
    c[:, COL["wage_sum"]] = [70 * 500.0, 150 * 600.0, 30 * 400.0]
    c[:, COL["commute_minutes"]] = [70 * 20.5, 150 * 31.0, 30 * 10.0]
    c[:, COL["jobs_at_workplace"]] = [60, 170, 20]
    c[:, COL["gva_at_workplace"]] = [60 * 900.0, 170 * 1100.0, 20 * 700.0]
    c[:, COL["constrained"]] = [10, 20, 0]
    c[:, COL["constrained_active"]] = [4, 15, 0]
    c[:, COL["remote_capable"]] = [30, 100, 5]
    hist = np.zeros((n, N_BINS), dtype=np.int64)
    hist[0, 200] = 70
    hist[1, 300] = 150
    hist[2, 100] = 30
    good = np.zeros_like(hist)
    good[0, 280] = 40  # above the line (half the national median, about bin 243)
    good[0, 200] = 30  # below it: not counted
    good[1, 300] = 100
    flows = {key: np.zeros(n, dtype=np.int64) for key in FLOW_SOURCES}
    flows["vacancies"] = np.array([3.0, 10.0, 0.0])
    flows["hires"] = np.array([2, 6, 1])
    flows["hires_from_unemployment"] = np.array([1, 2, 0])
    flows["unemployed_searching"] = np.array([8, 4, 0])
    flows["job_to_job"] = np.array([1, 3, 1])
    flows["firms"] = np.array([5, 9, 2])
    flows["retirements"] = np.array([1, 0, 2])
    provided = {
        "housing_cost": np.array([100.0, np.nan, 80.0]),
        "net_migration": np.array([2.0, -3.0, 0.5]),
    }
    scale = np.array([2.0, 4.0, 1.0])
    return c, hist, good, flows, provided, scale


@pytest.fixture(scope="module")
def synthetic():
    c, hist, good, flows, provided, scale = _synthetic()
    per_place, national = aggregate(c, hist, good, flows, provided, people_per_agent=scale,
                                    good_job_pay_fraction=0.5)
    return c, hist, good, flows, provided, scale, per_place, national


def test_outputs_have_every_indicator_in_order(synthetic):
    *_, per_place, national = synthetic
    assert tuple(per_place) == PLACE_INDICATORS
    assert tuple(national) == NATIONAL_COLUMNS
    assert all(isinstance(v, float) for v in national.values())
    assert all(v.shape == (3,) for v in per_place.values())


def test_sum_of_scaled_counts(synthetic):
    c, _, _, flows, _, scale, per_place, national = synthetic
    pop = c[:, COL["population"]] * scale
    np.testing.assert_array_equal(per_place["working_age_population"], [200.0, 800.0, 50.0])
    assert national["working_age_population"] == 1050.0 == pop.sum()
    assert national["employed"] == 70 * 2 + 150 * 4 + 30
    assert national["in_training"] == 3 * 2 + 1
    assert national["retirements"] == 2 + 2
    assert national["vacancies"] == 3 * 2 + 10 * 4
    # Worker and firm agents are not scaled to people.
    np.testing.assert_array_equal(per_place["worker_agents"], [100, 200, 50])
    assert national["worker_agents"] == 350 and national["firm_agents"] == 16


def test_ratio_is_summed_numerator_over_summed_denominator(synthetic):
    *_, per_place, national = synthetic
    np.testing.assert_allclose(per_place["unemployment_rate"], [10 / 80, 5 / 155, 0.0])
    assert national["unemployment_rate"] == pytest.approx(15 / 265)
    # ...which is not the population-weighted mean of the places' rates.
    w = per_place["working_age_population"]
    assert national["unemployment_rate"] != pytest.approx(
        np.sum(per_place["unemployment_rate"] * w) / w.sum()
    )
    assert national["mean_wage"] == pytest.approx((35000 + 90000 + 12000) / 250)
    assert national["vacancy_rate"] == pytest.approx(13 / (13 + 250))
    np.testing.assert_allclose(per_place["gva_per_worker"], [52 * 900, 52 * 1100, 52 * 700])
    assert national["gva_per_worker"] == pytest.approx(
        52 * (54000 + 187000 + 14000) / 250
    )
    assert national["job_finding_rate"] == pytest.approx(3 / 12)
    assert national["participation_rate"] == pytest.approx(265 / 350)


def test_ratio_with_zero_denominator_is_nan(synthetic):
    *_, per_place, national = synthetic
    assert math.isnan(per_place["job_finding_rate"][2])  # nobody searched there
    assert math.isnan(per_place["constrained_participation_rate"][2])
    assert per_place["constrained_participation_rate"][1] == 15 / 20
    c, hist, good, flows, provided, scale = _synthetic()
    flows["unemployed_searching"] = np.zeros(3, dtype=np.int64)
    _, nat = aggregate(c, hist, good, flows, provided, people_per_agent=scale,
                       good_job_pay_fraction=0.5)
    assert math.isnan(nat["job_finding_rate"])


def test_population_weighted_mean(synthetic):
    c, _, _, _, _, scale, per_place, national = synthetic
    w = c[:, COL["population"]] * scale
    # A place with a missing value adds nothing above the line but counts below it.
    assert national["housing_cost"] == pytest.approx((100 * 200 + 80 * 50) / 1050)
    share = np.array([30 / 100, 100 / 200, 5 / 50])
    np.testing.assert_allclose(per_place["remote_capable_share"], share)
    assert national["remote_capable_share"] == pytest.approx(np.sum(share * w) / w.sum())


def test_median_from_histograms(synthetic):
    *_, per_place, national = synthetic
    e = bin_edges()
    # All of a place's workers in one bin: the middle of the bin in log wage.
    np.testing.assert_allclose(per_place["median_wage"],
                               [math.sqrt(e[200] * e[201]), math.sqrt(e[300] * e[301]),
                                math.sqrt(e[100] * e[101])])
    # Nationally 250 workers: the 125th is the 25th of the 150 in bin 300 (after 100 below).
    frac = (125 - 100) / 150
    assert national["median_wage"] == pytest.approx(
        math.exp(math.log(e[300]) + frac * (math.log(e[301]) - math.log(e[300])))
    )


def test_good_jobs_use_the_national_median_line(synthetic):
    *_, per_place, national = synthetic
    np.testing.assert_allclose(per_place["good_jobs_share"], [40 / 70, 100 / 150, 0.0])
    assert national["good_jobs_share"] == pytest.approx(140 / 250)


def test_provided_values_and_zeros_when_absent(synthetic):
    *_, per_place, national = synthetic
    np.testing.assert_array_equal(per_place["net_migration"], [2.0, -3.0, 0.5])
    assert national["net_migration"] == -0.5
    for name in ("firm_agent_entries", "firm_agent_exits", "knowledge_stock",
                 "net_migration_advanced"):
        np.testing.assert_array_equal(per_place[name], np.zeros(3))
        assert national[name] == 0.0


def test_spread_columns(synthetic):
    *_, per_place, national = synthetic
    w = per_place["working_age_population"]
    for name in INEQUALITY_INDICATORS:
        assert national[f"theil_{name}"] == theil_index(per_place[name], w)
        assert national[f"cv_{name}"] == coefficient_of_variation(per_place[name], w)
    assert national["theil_median_wage"] > 0


def test_a_single_scale_is_accepted():
    c, hist, good, flows, provided, _ = _synthetic()
    per_place, national = aggregate(c, hist, good, flows, provided, people_per_agent=10.0,
                                    good_job_pay_fraction=0.5)
    assert national["working_age_population"] == 3500.0
    np.testing.assert_array_equal(per_place["hires"], [20.0, 60.0, 10.0])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda a: a.__setitem__("provided", {"unemployment_rate": np.zeros(3)}),
         "not an indicator a mechanism provides"),
        (lambda a: a.__setitem__("provided", {"nonsense": np.zeros(3)}),
         "not an indicator a mechanism provides"),
        (lambda a: a["flows"].pop("hires"), "flows lack"),
        (lambda a: a["flows"].__setitem__("hires", np.zeros(4)), "shape"),
        (lambda a: a.__setitem__("counts", np.zeros((3, 2))), "counts must be"),
        (lambda a: a.__setitem__("hist_good", np.zeros((3, 5))), "histograms"),
        (lambda a: a.__setitem__("people_per_agent", 0.0), "positive"),
        (lambda a: a.__setitem__("people_per_agent", np.ones(2)), "people_per_agent"),
        (lambda a: a.__setitem__("provided", {"amenity": np.zeros(2)}), "shape"),
    ],
)
def test_bad_arguments_are_value_errors(change, match):
    c, hist, good, flows, provided, scale = _synthetic()
    args = {"counts": c, "hist": hist, "hist_good": good, "flows": flows,
            "provided": provided, "people_per_agent": scale, "good_job_pay_fraction": 0.5}
    change(args)
    with pytest.raises(ValueError, match=match):
        aggregate(**args)


# --------------------------------------------------------------------- the model
@pytest.fixture(scope="module")
def model() -> LabourMarket:
    scenario = parse_scenario(
        {"run": {"scale": 0.0005, "burn_in_months": 2, "months": 2, "seed": 3}}, source="<test>"
    )
    m = LabourMarket(scenario, rng=3)
    m.run_for(2)
    return m


def test_recorded_columns_are_the_registry(model):
    places = model.places_frame()
    assert tuple(places.columns) == ("month", "calendar_month", "place", "name",
                                    *PLACE_INDICATORS)
    national = model.national_frame()
    assert tuple(national.columns) == ("month", "calendar_month", *NATIONAL_COLUMNS)
    assert tuple(model.national) == NATIONAL_COLUMNS


def test_model_national_values_follow_the_regions(model):
    regions = sorted(model.regions, key=lambda r: r.index)
    nat = model.national
    values = {k: np.array([getattr(r, k) for r in regions]) for k in PLACE_INDICATORS}
    w = values["working_age_population"]
    for entry in REGISTRY:
        if entry.aggregation == "sum":
            assert nat[entry.name] == pytest.approx(values[entry.name].sum()), entry.name
        elif entry.aggregation == "mean":
            expected = np.nansum(values[entry.name] * w) / w.sum()
            assert nat[entry.name] == pytest.approx(expected), entry.name
    # Ratios sum the agents' counts (people per agent differs a little by place).
    agents = model._counts
    e, u = agents[:, COL["employed"]], agents[:, COL["unemployed"]]
    assert nat["unemployment_rate"] == pytest.approx(u.sum() / (e + u).sum(), rel=1e-12)
    np.testing.assert_allclose(values["unemployment_rate"], u / (e + u), rtol=1e-12)
    assert values["median_wage"].min() < nat["median_wage"] < values["median_wage"].max()


def test_providers_are_mechanisms_and_provide_registry_entries(model):
    sections = {mech.SECTION for mech in model.mechanisms.values()}
    providers = {e.provider for e in REGISTRY if e.provider}
    assert providers <= sections
    for mech in model.mechanisms.values():
        for key in mech.place_indicators(model.state):
            provider = PROVIDED_COUNTS[key] if key in PROVIDED_COUNTS else INDICATORS[key].provider
            assert provider == mech.SECTION, key


def test_mechanisms_no_longer_declare_indicators(model):
    for mech in model.mechanisms.values():
        assert not hasattr(mech, "INDICATORS") and not hasattr(mech, "SUMS")


def test_cli_summary_formats_from_the_registry(model):
    text = _summary(model)
    first = text.splitlines()[0]
    for header in SUMMARY_COLUMNS.values():
        assert header in first
    london = next(line for line in text.splitlines() if line.startswith("London"))
    r = next(r for r in model.regions if r.code == "TLI")
    assert INDICATORS["unemployment_rate"].format(r.unemployment_rate) in london
    assert INDICATORS["median_wage"].format(r.median_wage) in london
    assert "%" in london


# --------------------------------------------------------------------- Parquet metadata
def test_parquet_metadata_round_trip(tmp_path):
    df = pd.DataFrame({
        "month": [1, 2], "place": ["A", "A"], "unemployment_rate": [0.04, 0.05],
        "median_wage": [500.0, 510.0], "theil_median_wage": [0.01, 0.02], "foo": [1.0, 2.0],
    })
    path = write_table(df, tmp_path / "t.parquet", {"seed": 7})
    units = read_units(path)
    assert units == {"month": "month number", "place": "code", "unemployment_rate": "share",
                     "median_wage": "GBP a week", "theil_median_wage": "index"}
    meta = read_indicator_metadata(path)
    assert meta["median_wage"]["description"] == INDICATORS["median_wage"].description
    assert meta["unemployment_rate"]["aggregation"] == AGGREGATIONS["ratio"]
    field = pq.read_schema(path).field("unemployment_rate")
    assert field.metadata[b"unit"] == b"share"
    assert pq.read_schema(path).field("foo").metadata is None
    assert b"placejobs" in pq.read_schema(path).metadata
    pd.testing.assert_frame_equal(pd.read_parquet(path), df)


def test_model_outputs_carry_units(model, tmp_path):
    write_table(model.places_frame(), tmp_path / "places.parquet")
    write_table(model.national_frame(), tmp_path / "national.parquet")
    keys = {"month": "month number", "calendar_month": "date (first day of the month)"}
    assert read_units(tmp_path / "places.parquet") == {
        **keys, "place": "code", "name": "text", **{k: INDICATORS[k].unit for k in PLACE_INDICATORS}
    }
    assert read_units(tmp_path / "national.parquet") == {
        **keys, **{k: INDICATORS[k].unit for k in NATIONAL_COLUMNS}
    }


# --------------------------------------------------------------------- ODD table
def test_odd_table_matches_the_registry():
    text = (ROOT / "docs" / "ODD.md").read_text()
    begin, end = "<!-- indicators:begin -->", "<!-- indicators:end -->"
    assert text.count(begin) == 1 and text.count(end) == 1
    block = text.split(begin)[1].split(end)[0]
    assert block == "\n" + markdown_table(), "run tools/indicator_table.py"


def test_markdown_table_has_one_row_per_indicator():
    rows = [line for line in markdown_table().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(NATIONAL_COLUMNS)
    row = next(r for r in rows if r.startswith("| `gva_per_worker`"))
    assert "GBP a year" in row and "x 52" in row
