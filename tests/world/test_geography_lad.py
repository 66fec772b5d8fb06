"""Tests for sim.world.geography_lad: the 374 UK local authority districts ("uk-lad")."""

from __future__ import annotations

import time
from importlib.resources import files

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PatchCollection

from sim.viz import plots
from sim.world import geography_lad
from sim.world.distance import haversine_km
from sim.world.geographies import load_geography
from sim.world.geography import (
    RATE_COLUMNS,
    REQUIRED_COLUMNS,
    SKILL_COLUMNS,
    Geography,
    internal_commute_from_area,
    uk_itl1,
)
from sim.world.geography_lad import FALLBACK_COLUMNS, SUCCESSORS, fallback_report, uk_lad

UK_POPULATION_MID2020 = 67_081_234
WESTMINSTER, MANCHESTER, SALFORD = "E09000033", "E08000003", "E08000006"
LEEDS, BRADFORD, BELFAST, GLASGOW = "E08000035", "E08000032", "N09000003", "S12000049"
ISLE_OF_WIGHT, PORTSMOUTH = "E06000046", "E06000044"
ISLANDS = ("E06000046", "E06000053", "S12000013", "S12000023", "S12000027")

#: Raw series behind each fallback column of the local indicators file.
SERIES = {
    "employment_rate": ("Employment rate", "Employment rate (Northern Ireland)"),
    "unemployment_rate": ("Modelled unemployment rate",),
    "median_weekly_pay_gbp": ("Gross median weekly pay",),
    "gva_per_hour_gbp": ("Gross value added per hour worked",),
    "skill_share_intermediate": (
        "Level 3 or above qualifications (Great Britain)",
        "Level 3 or above qualifications (Northern Ireland)",
    ),
    "broadband_share": ("Premises below 30Mbps",),
    "gigabit_share": ("Gigabit capable broadband",),
}


def _csv(*parts: str) -> pd.DataFrame:
    resource = files("sim") / "data"
    for part in parts:
        resource = resource / part
    with resource.open("rb") as handle:
        return pd.read_csv(handle)


@pytest.fixture(scope="module")
def lad() -> Geography:
    return uk_lad()


@pytest.fixture(scope="module")
def centroids() -> pd.DataFrame:
    return _csv("geo", "uk_lad21_centroids_population.csv")


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return uk_itl1().places


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return _csv("uk", "local", "ons_local_indicators.csv")


def _minutes(geo: Geography, a: str, b: str) -> float:
    return float(geo.travel_minutes[geo.index_of(a), geo.index_of(b)])


def _access(geo: Geography, code: str) -> float:
    return float(geo.places.at[code, "access_minutes"])


def _fallbacks(geo: Geography, code: str) -> set[str]:
    text = geo.places.at[code, "fallback"]
    return set(text.split(",")) if text else set()


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


def test_374_districts_with_the_codes_of_the_centroids_file(lad, centroids):
    assert lad.name == "uk-lad"
    assert lad.n_places == 374
    assert lad.places.index.is_unique
    assert lad.codes == list(centroids["lad21cd"])
    assert list(lad.places["name"]) == list(centroids["lad21nm"])
    assert list(lad.places["itl1"]) == list(centroids["itl121cd"])
    assert list(lad.places.columns[: len(REQUIRED_COLUMNS)]) == list(REQUIRED_COLUMNS)


def test_required_columns_are_finite_and_in_range(lad):
    places = lad.places
    numeric = places[[c for c in REQUIRED_COLUMNS if c != "name"]]
    assert np.isfinite(numeric.to_numpy(dtype=float)).all()
    for column in RATE_COLUMNS:
        assert places[column].between(0.0, 1.0).all(), column
    np.testing.assert_allclose(places[list(SKILL_COLUMNS)].sum(axis=1), 1.0, atol=1e-9)
    assert places["employment_rate"].between(0.55, 0.95).all()
    assert places["unemployment_rate"].between(0.01, 0.12).all()
    assert places["median_weekly_pay_gbp"].between(300.0, 1000.0).all()
    assert places["gva_per_hour_gbp"].between(15.0, 100.0).all()
    assert places["broadband_share"].between(0.8, 1.0).all()
    assert (places[["area_km2", "population", "working_age"]] > 0).all().all()
    assert (places["working_age"] < places["population"]).all()
    assert (places[["rd_business_gbp_m", "rd_public_gbp_m"]] > 0).all().all()


def test_population_sums_to_the_uk_total(lad, centroids):
    assert int(centroids["pop_mid2020"].sum()) == UK_POPULATION_MID2020
    assert abs(lad.places["population"].sum() - UK_POPULATION_MID2020) <= 1.0


def test_working_age_is_population_times_the_regional_share(lad, regions):
    places = lad.places
    share = (regions["working_age"] / regions["population"]).reindex(places["itl1"])
    np.testing.assert_allclose(
        places["working_age"] / places["population"], share.to_numpy(), rtol=1e-12
    )
    regional_total = regions["working_age"].sum()
    assert abs(places["working_age"].sum() / regional_total - 1.0) < 0.02


def test_rd_is_the_regional_figure_shared_by_population(lad, regions):
    places = lad.places
    for column in ("rd_business_gbp_m", "rd_public_gbp_m"):
        by_region = places.groupby("itl1")[column].sum()
        np.testing.assert_allclose(by_region, regions[column].reindex(by_region.index))
        per_head = places[column] / places["population"]
        assert per_head.groupby(places["itl1"]).std().max() < 1e-12


def test_london_pay_is_above_the_median_district(lad):
    pay = lad.places["median_weekly_pay_gbp"]
    london = pay[lad.places["itl1"] == "TLI"]
    assert len(london) == 33
    assert (london > pay.median()).all()


def test_own_values_are_the_2019_figures_as_shares(lad, raw):
    manchester = raw[(raw["areacd"] == MANCHESTER) & raw["period"].str.startswith("2019")]
    observed = dict(zip(manchester["indicator"], manchester["observation"], strict=True))
    places = lad.places
    assert places.at[MANCHESTER, "employment_rate"] == pytest.approx(
        observed["Employment rate"] / 100.0
    )
    assert places.at[MANCHESTER, "unemployment_rate"] == pytest.approx(
        observed["Modelled unemployment rate"] / 100.0
    )
    assert places.at[MANCHESTER, "gva_per_hour_gbp"] == pytest.approx(
        observed["Gross value added per hour worked"]
    )
    assert places.at[MANCHESTER, "median_weekly_pay_gbp"] == pytest.approx(
        observed["Gross median weekly pay"]
    )


def test_advanced_share_is_census_level4_times_1_19(lad):
    census = _csv("uk", "local", "census2021_qualifications_la.csv")
    census.columns = census.columns.str.strip()
    level4 = census.set_index("Area code")["Level 4 qualifications and above (percent)"]
    places = lad.places
    england_wales = places.index[places["nation"].isin(["England", "Wales"])]
    assert len(england_wales) == 331
    np.testing.assert_allclose(
        places.loc[england_wales, "skill_share_advanced"],
        level4.reindex(england_wales) / 100.0 * 1.19,
    )


def test_merged_districts_take_the_value_of_their_2023_authority(lad, raw):
    places = lad.places
    for new_code, old_codes in SUCCESSORS.items():
        rows = raw[
            (raw["areacd"] == new_code)
            & (raw["indicator"] == "Employment rate")
            & raw["period"].str.startswith("2019")
        ]
        expected = float(rows["observation"].iloc[0]) / 100.0
        for old in old_codes:
            assert places.at[old, "successor_code"] == new_code
            assert places.at[old, "employment_rate"] == pytest.approx(expected)
            assert "employment_rate" not in _fallbacks(lad, old)
    assert (places["successor_code"] != "").sum() == 17


def test_pay_from_another_year_is_rescaled_by_the_region_change(lad, raw, regions):
    pay = raw[raw["indicator"] == "Gross median weekly pay"].assign(
        year=lambda f: f["period"].str[:4].astype(int)
    )
    value = pay.set_index(["areacd", "year"])["observation"]
    north_west = regions.at["TLD", "ons_code"]
    expected = value["E06000063", 2022] * value[north_west, 2019] / value[north_west, 2022]
    for code in SUCCESSORS["E06000063"]:  # Cumberland has no pay before 2022
        assert lad.places.at[code, "median_weekly_pay_gbp"] == pytest.approx(expected)
    assert fallback_report().at["median_weekly_pay_gbp", "rescaled"] == 11


def test_recoded_districts_find_their_broadband_figures(lad, raw):
    below = raw[raw["indicator"] == "Premises below 30Mbps"].set_index("areacd")["observation"]
    for lad21, newer in (("E08000016", "E08000038"), ("E08000019", "E08000039")):
        assert lad21 not in below.index
        expected = 1.0 - below[newer] / 100.0
        assert lad.places.at[lad21, "broadband_share"] == pytest.approx(expected)
        assert "broadband_share" not in _fallbacks(lad, lad21)


def test_fallback_column_matches_the_missing_raw_data(lad, raw, regions):
    places = lad.places
    successor_of = {old: new for new, olds in SUCCESSORS.items() for old in olds}
    recoded = {"E08000016": "E08000038", "E08000019": "E08000039"}
    present = raw.dropna(subset=["observation"])
    region_level3 = 1.0 - regions["skill_share_basic"]
    for column, indicators in SERIES.items():
        have = set(present.loc[present["indicator"].isin(indicators), "areacd"])
        for code in places.index:
            candidates = {code, successor_of.get(code, code), recoded.get(code, code)}
            has_own = bool(candidates & have)
            assert (column in _fallbacks(lad, code)) == (not has_own), (column, code)
            if not has_own and column != "skill_share_intermediate":
                region = places.at[code, "itl1"]
                assert places.at[code, column] == pytest.approx(regions.at[region, column])
    # Level 3+ fallback: the region's Level 3+ share minus the district's advanced share.
    for code in places.index[places["fallback"].str.contains("skill_share_intermediate")]:
        level3 = places.loc[code, ["skill_share_intermediate", "skill_share_advanced"]].sum()
        assert level3 == pytest.approx(region_level3[places.at[code, "itl1"]])
    # Census Level 4+ covers England and Wales; Scotland and NI are imputed (flagged).
    outside = places["nation"].isin(["Scotland", "Northern Ireland"])
    flagged = places["fallback"].str.contains("skill_share_advanced")
    assert (flagged == outside).all()


def test_advanced_share_outside_england_and_wales_follows_level3_and_keeps_the_region(
    lad, regions
):
    """Scotland's and NI's districts: imputed from Level 3+, region's mean kept, in order."""
    places = lad.places
    for nation, region in [("Scotland", "TLM"), ("Northern Ireland", "TLN")]:
        own = places[places["nation"] == nation]
        assert (own["itl1"] == region).all()
        advanced = own["skill_share_advanced"]
        level3 = advanced + own["skill_share_intermediate"]
        mean = np.average(advanced, weights=own["working_age"])
        assert mean == pytest.approx(regions.at[region, "skill_share_advanced"], rel=1e-9)
        assert advanced.std() > 0.02, nation  # the districts differ (one share before)
        assert (advanced <= level3 + 1e-12).all()
        # Uncapped districts are ordered as their Level 3+ shares (a rising line).
        uncapped = own["skill_share_intermediate"] > 0
        order = level3[uncapped].sort_values().index
        assert advanced[order].is_monotonic_increasing, nation
    edinburgh = places.loc[places["name"] == "City of Edinburgh", "skill_share_advanced"]
    lanarkshire = places.loc[places["name"] == "North Lanarkshire", "skill_share_advanced"]
    assert edinburgh.item() > lanarkshire.item() + 0.1


def test_fallback_report_counts_the_fallback_column(lad):
    report = fallback_report()
    assert list(report.index) == [*FALLBACK_COLUMNS, "rd_business_gbp_m", "rd_public_gbp_m"]
    for column in FALLBACK_COLUMNS:
        listed = lad.places["fallback"].map(lambda s, c=column: c in s.split(",")).sum()
        assert report.at[column, "region"] == listed, column
        total = report.loc[column, ["own", "successor", "region"]].sum()
        assert total == 374, column
    assert (report.loc[["rd_business_gbp_m", "rd_public_gbp_m"], "population_share"] == 374).all()
    # Every NI district lacks a modelled unemployment rate.
    ni = lad.places["nation"] == "Northern Ireland"
    assert lad.places.loc[ni, "fallback"].str.contains("unemployment_rate").all()
    # The report is a copy.
    report.loc["employment_rate", "own"] = -1
    assert fallback_report().at["employment_rate", "own"] != -1


# --------------------------------------------------------------------------------------------
# Transport network and travel times
# --------------------------------------------------------------------------------------------


def test_graph_is_connected_over_the_districts_only(lad):
    assert nx.is_connected(lad.graph)
    assert set(lad.graph.nodes) == set(lad.codes)


def test_matrix_is_symmetric_positive_with_internal_commute_diagonal(lad):
    matrix = lad.travel_minutes
    assert matrix.shape == (374, 374)
    assert np.isfinite(matrix).all() and (matrix > 0).all()
    np.testing.assert_array_equal(matrix, matrix.T)
    expected = internal_commute_from_area(
        lad.places["area_km2"].to_numpy(), lad.places["population"].to_numpy()
    )
    np.testing.assert_allclose(np.diag(matrix), expected)
    np.testing.assert_allclose(np.diag(matrix), lad.places["internal_commute_minutes"])
    assert not matrix.flags.writeable


def test_neighbouring_districts_are_close_by_road(lad):
    assert lad.graph.edges[MANCHESTER, SALFORD]["mode"] == "road"
    assert _minutes(lad, MANCHESTER, SALFORD) < 40.0
    assert lad.graph.has_edge(LEEDS, BRADFORD)
    assert _minutes(lad, LEEDS, BRADFORD) < 60.0


def test_road_link_minutes_follow_distance_detour_and_speed(lad):
    places = lad.places
    km = haversine_km(
        places.at[LEEDS, "lon"],
        places.at[LEEDS, "lat"],
        places.at[BRADFORD, "lon"],
        places.at[BRADFORD, "lat"],
    )
    assert 20.0 < km < 30.0
    expected = km * 1.3 / 60.0 * 60.0
    assert lad.graph.edges[LEEDS, BRADFORD]["minutes"] == pytest.approx(expected)


def test_westminster_to_manchester_goes_by_rail(lad):
    rail = _csv("uk", "travel_times.csv")
    rail = rail[(rail["mode"] == "rail") & (rail["origin"] == "London")]
    minutes = float(rail.loc[rail["destination"] == "Manchester", "minutes"].iloc[0])
    edge = lad.graph.edges[WESTMINSTER, MANCHESTER]
    assert edge["mode"] == "rail" and edge["minutes"] == minutes
    expected = minutes + _access(lad, WESTMINSTER) + _access(lad, MANCHESTER)
    assert abs(_minutes(lad, WESTMINSTER, MANCHESTER) - expected) <= 0.15 * expected


def test_northern_ireland_reaches_great_britain_only_by_sea_or_air(lad):
    places = lad.places
    ni = set(places.index[places["nation"] == "Northern Ireland"])
    assert len(ni) == 11
    crossing = [(u, v, d) for u, v, d in lad.graph.edges(data=True) if (u in ni) != (v in ni)]
    assert crossing
    assert all(d["mode"] in {"air", "ferry+road"} for *_, d in crossing)
    road = nx.Graph(
        (u, v) for u, v, d in lad.graph.edges(data=True) if d["mode"] == "road" and u in ni
    )
    assert set(road.nodes) == ni and nx.is_connected(road)
    rows = [lad.index_of(c) for c in ni]
    cols = [lad.index_of(c) for c in places.index if c not in ni]
    assert lad.travel_minutes[np.ix_(rows, cols)].min() > 120.0
    assert _minutes(lad, BELFAST, GLASGOW) == pytest.approx(
        165.0 + _access(lad, BELFAST) + _access(lad, GLASGOW)
    )


def test_islands_are_joined_by_ferry_or_air(lad):
    for island in ISLANDS:
        modes = {d["mode"] for _, _, d in lad.graph.edges(island, data=True)}
        assert modes and modes <= {"ferry", "air"}, island
    assert lad.graph.edges[ISLE_OF_WIGHT, PORTSMOUTH]["mode"] == "ferry"
    assert {d["mode"] for *_, d in lad.graph.edges(ISLE_OF_WIGHT, data=True)} == {"ferry"}
    assert 30.0 < _minutes(lad, ISLE_OF_WIGHT, PORTSMOUTH) < 120.0


# --------------------------------------------------------------------------------------------
# Loading, caching, maps
# --------------------------------------------------------------------------------------------


def test_load_geography_returns_the_cached_object(lad):
    assert uk_lad() is lad
    assert load_geography("uk-lad") is lad
    assert load_geography("UK_LAD") is lad


def test_a_fresh_build_is_fast():
    start = time.perf_counter()
    geography, _ = geography_lad._build.__wrapped__()
    assert time.perf_counter() - start < 5.0
    assert geography.n_places == 374


def test_map_draws_all_374_districts(lad):
    from sim.viz import maps

    fig = plots.plot_map(lad, lad.places["unemployment_rate"], percent=True)
    drawn = [
        c
        for c in fig.axes[0].collections
        if isinstance(c, PatchCollection) and (c.get_gid() or "").startswith("class-")
    ]
    # One (compound) path per district, every district with a value.
    assert sum(len(c.get_paths()) for c in drawn) == 374
    shapes = maps.load_boundaries(lad.boundaries, lad.boundary_key)
    assert set(shapes.index) == set(lad.codes)


def test_jobs_are_where_the_census_workplaces_are():
    """workplace_jobs: regional jobs shared out by the 2011 Census fixed workplaces."""
    from scipy.stats import spearmanr

    from sim.world.geography import uk_itl1
    from sim.world.resources import read_data_csv

    places = uk_lad().places
    regions = uk_itl1().places
    by_region = places.groupby("itl1").workplace_jobs.sum()
    np.testing.assert_allclose(by_region, regions.workplace_jobs.reindex(by_region.index))
    census = read_data_csv("geo/uk_workplace_2011_lad21.csv").set_index("lad21cd")
    ratio = places.workplace_jobs / (places.working_age * places.employment_rate)
    data = (census.workplace_persons / census.resident_workers).reindex(places.index)
    both = pd.concat([ratio, data], axis=1).dropna()
    assert spearmanr(both.iloc[:, 0], both.iloc[:, 1])[0] > 0.9
    assert ratio.idxmax() in ("E09000033", "E09000001")  # Westminster or the City
    assert ratio.min() < 0.6 and ratio.max() > 5
