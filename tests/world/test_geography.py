"""Tests for sim.world.geography: the UK ITL1 geography, synthetic geographies and validation."""

from __future__ import annotations

import dataclasses
import json
import math
from importlib.resources import files

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sim.world.geographies import load_geography
from sim.world.geography import (
    REQUIRED_COLUMNS,
    SKILL_COLUMNS,
    Geography,
    GeographyError,
    build_from_tables,
    census_workers_ratio,
    core_periphery,
    grid,
    internal_commute_from_area,
    random_geometric,
    travel_time_matrix,
    uk_itl1,
)

UK_CODES = ["TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK", "TLL", "TLM", "TLN"]


@pytest.fixture(scope="module")
def uk() -> Geography:
    return uk_itl1()


def _tiny_places() -> pd.DataFrame:
    """Three valid places A, B, C (internal commute columns derived from area)."""
    return pd.DataFrame(
        {
            "name": ["Alpha", "Beta", "Gamma"],
            "lat": [0.0, 0.0, 1.0],
            "lon": [0.0, 1.0, 0.0],
            "area_km2": [1000.0, 2000.0, 50000.0],
            "population": [1e6, 2e6, 3e6],
            "working_age": [6e5, 1.2e6, 1.8e6],
            "employment_rate": [0.75, 0.7, 0.8],
            "unemployment_rate": [0.04, 0.05, 0.03],
            "skill_share_basic": [0.4, 0.5, 0.3],
            "skill_share_intermediate": [0.2, 0.2, 0.2],
            "skill_share_advanced": [0.4, 0.3, 0.5],
            "gva_per_hour_gbp": [35.0, 30.0, 45.0],
            "median_weekly_pay_gbp": [480.0, 450.0, 560.0],
            "broadband_share": [0.96, 0.95, 0.97],
            "gigabit_share": [0.8, 0.7, 0.9],
            "rd_business_gbp_m": [500.0, 300.0, 5000.0],
            "rd_public_gbp_m": [100.0, 80.0, 900.0],
        },
        index=["A", "B", "C"],
    )


def _tiny_links() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "origin": ["A", "Beta", "A"],
            "destination": ["B", "C", "C"],
            "minutes": [30.0, 40.0, 100.0],
            "mode": ["rail", "road", "road"],
        }
    )


def _error(places: pd.DataFrame, links: pd.DataFrame, **kwargs: object) -> str:
    with pytest.raises(GeographyError) as info:
        build_from_tables("tiny", places, links, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


# ---------------------------------------------------------------------------------------------
# uk-itl1
# ---------------------------------------------------------------------------------------------


def test_uk_has_12_regions_in_code_order(uk: Geography) -> None:
    assert uk.name == "uk-itl1"
    assert uk.n_places == 12
    assert uk.codes == UK_CODES
    assert list(uk.places.index) == UK_CODES
    assert list(uk.places.columns[: len(REQUIRED_COLUMNS)]) == list(REQUIRED_COLUMNS)
    assert uk.places.loc["TLI", "name"] == "London"
    assert uk.places.loc["TLM", "main_city"] == "Glasgow"


def test_uk_values_are_converted_from_percentages(uk: Geography) -> None:
    london = uk.places.loc["TLI"]
    assert london["employment_rate"] == pytest.approx(0.745)
    assert london["unemployment_rate"] == pytest.approx(0.046)
    assert london["skill_share_advanced"] == pytest.approx(0.542)
    assert london["skill_share_intermediate"] == pytest.approx(0.714 - 0.542)
    assert london["broadband_share"] == pytest.approx(0.978)
    assert london["gva_per_hour_gbp"] == pytest.approx(48.2)
    assert london["population"] == 8961989
    assert london["working_age"] == 6069200
    assert london["rd_business_gbp_m"] == 10816
    for column in ("employment_rate", "unemployment_rate", "broadband_share", "gigabit_share"):
        assert uk.places[column].between(0, 1).all(), column


def test_uk_jobs_are_employed_residents_times_the_census_workers_ratio(uk: Geography) -> None:
    """Jobs by region: employed residents (APS 2019) times the 2011 Census's people working
    in the region per resident in work (WU03UK); ONS workforce jobs are kept apart."""
    ratio = census_workers_ratio()
    assert list(ratio.index) == list(uk.places.index)
    # Hand-checked from sim/data/geo/uk_commute_2011_itl1_long.csv: London draws in
    # commuters (1.126), the East of England and the South East send them (0.931, 0.954),
    # Scotland and Northern Ireland are nearly closed (0.994, 0.986).
    assert ratio["TLI"] == pytest.approx(1.1263, abs=1e-4)
    assert ratio["TLH"] == pytest.approx(0.9310, abs=1e-4)
    assert ratio["TLJ"] == pytest.approx(0.9544, abs=1e-4)
    assert ratio["TLM"] == pytest.approx(0.9942, abs=1e-4)
    assert ratio["TLN"] == pytest.approx(0.9864, abs=1e-4)
    places = uk.places
    np.testing.assert_allclose(places["workplace_jobs"], places["employed"] * ratio)
    assert places["workforce_jobs"]["TLI"] == 5_748_843  # ONS workforce jobs 2019, kept


def test_uk_skill_shares_sum_to_one(uk: Geography) -> None:
    shares = uk.places[list(SKILL_COLUMNS)]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, atol=1e-9)
    assert (shares > 0).all().all()


def test_uk_matrix_is_symmetric_positive_finite_read_only(uk: Geography) -> None:
    t = uk.travel_minutes
    assert t.shape == (12, 12)
    assert t.dtype == np.float64
    assert np.all(np.isfinite(t))
    assert np.all(t > 0)
    np.testing.assert_array_equal(t, t.T)
    assert not t.flags.writeable
    with pytest.raises(ValueError):
        t[0, 1] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        uk.name = "other"  # type: ignore[misc]


def test_uk_diagonal_is_internal_commute(uk: Geography) -> None:
    internal = uk.places["internal_commute_minutes"].to_numpy()
    np.testing.assert_array_equal(np.diag(uk.travel_minutes), internal)
    np.testing.assert_allclose(
        internal, internal_commute_from_area(uk.places["area_km2"], uk.places["population"])
    )
    np.testing.assert_allclose(uk.places["access_minutes"], internal / 2)
    # London: dense, so slow (about 14 km/h across half its 22 km radius): about 47 minutes,
    # against 20 to 26 minutes elsewhere (DfT NTS: about 45 in London, 25 outside).
    density = 8_961_989 / 1584.0
    speed = 30 * (density / 275) ** -0.25
    london = 60 * 0.5 * math.sqrt(min(1584.0, 1500.0) / math.pi) / speed
    assert internal[uk.index_of("TLI")] == pytest.approx(london)
    assert internal[uk.index_of("TLI")] == internal.max()
    assert internal.min() >= 20 and internal.max() <= 50


def test_uk_off_diagonal_is_shortest_path_plus_access(uk: Geography) -> None:
    access = uk.places["access_minutes"].to_numpy()
    d = uk.travel_minutes - access[:, None] - access[None, :]
    np.fill_diagonal(d, 0.0)
    # triangle inequality: d is a shortest-path metric
    assert np.all(d[:, None, :] <= d[:, :, None] + d[None, :, :] + 1e-9)
    # and it agrees with networkx on the transport graph
    lengths = dict(nx.all_pairs_dijkstra_path_length(uk.graph, weight="minutes"))
    for i, a in enumerate(uk.codes):
        for j, b in enumerate(uk.codes):
            if i != j:
                assert d[i, j] == pytest.approx(lengths[a][b]), (a, b)
    london, south_east = uk.index_of("London"), uk.index_of("South East")
    assert d[london, south_east] == 25.0  # the London-Reading rail link


def test_uk_graph_keeps_fastest_mode_and_edinburgh(uk: Geography) -> None:
    assert "Edinburgh" in uk.graph
    assert set(uk.codes) < set(uk.graph.nodes)
    london_se = uk.graph.edges["TLI", "TLJ"]
    assert (london_se["minutes"], london_se["mode"]) == (25.0, "rail")
    assert london_se["modes"] == {"rail": 25.0, "road": 60.0}
    nw_em = uk.graph.edges["TLD", "TLF"]
    assert (nw_em["minutes"], nw_em["mode"]) == (105.0, "road")


def test_london_to_south_east_is_quicker_than_to_scotland(uk: Geography) -> None:
    t = uk.travel_minutes
    london = uk.index_of("London")
    assert t[london, uk.index_of("South East")] < t[london, uk.index_of("Scotland")]
    assert t[london, uk.index_of("TLJ")] < t[london, uk.index_of("TLM")]


def test_northern_ireland_only_by_sea_and_air(uk: Geography) -> None:
    ni = uk.index_of("Northern Ireland")
    for _, _, data in uk.graph.edges("TLN", data=True):
        assert set(data["modes"]) <= {"air", "ferry+road"}
    assert uk.graph.degree("TLN") >= 1
    gb = [i for i in range(uk.n_places) if i != ni]
    assert np.all(uk.travel_minutes[ni, gb] > 150)
    land = nx.Graph(
        (u, v) for u, v, m in uk.graph.edges(data="mode") if m not in ("air", "ferry+road")
    )
    assert "TLN" not in land


def test_uk_boundaries_ship_and_match_codes(uk: Geography) -> None:
    assert uk.boundaries == "uk_itl1_regions_ons_buc_2018.geojson"
    assert uk.boundary_key == "itl121cd"
    text = (files("sim") / "data" / "geo" / uk.boundaries).read_text(encoding="utf-8")
    keys = [f["properties"][uk.boundary_key] for f in json.loads(text)["features"]]
    assert sorted(keys) == UK_CODES


def test_package_data_readme_keeps_attribution() -> None:
    readme = (files("sim") / "data" / "README.md").read_text(encoding="utf-8")
    assert "shared data" in readme.splitlines()[0]
    assert "Open Government Licence v3.0" in readme
    assert "Dingel and Neiman (2020)" in readme


def test_index_of_accepts_code_or_name(uk: Geography) -> None:
    assert uk.index_of("TLI") == uk.index_of("London") == uk.index_of("london") == 6
    with pytest.raises(GeographyError, match=r"unknown place 'Atlantis'.*TLI \(London\)"):
        uk.index_of("Atlantis")


# ---------------------------------------------------------------------------------------------
# travel_time_matrix and build_from_tables
# ---------------------------------------------------------------------------------------------


def test_travel_time_matrix_uses_transit_nodes_and_access() -> None:
    graph = nx.Graph()
    graph.add_edge("A", "hub", minutes=10.0)
    graph.add_edge("hub", "B", minutes=15.0)
    graph.add_edge("A", "B", minutes=40.0)
    t = travel_time_matrix(graph, ["A", "B"], np.array([20.0, 30.0]))
    np.testing.assert_allclose(t, [[20.0, 25.0 + 10.0 + 15.0], [50.0, 30.0]])
    assert not t.flags.writeable


def test_build_from_tables_tiny() -> None:
    geo = build_from_tables("tiny", _tiny_places(), _tiny_links())
    assert geo.codes == ["A", "B", "C"]
    assert geo.boundaries is None and geo.boundary_key is None
    access = geo.places["access_minutes"].to_numpy()
    assert geo.travel_minutes[0, 2] == pytest.approx(70.0 + access[0] + access[2])
    assert geo.graph.edges["A", "C"]["minutes"] == 100.0


def test_build_normalises_skill_shares_close_to_one() -> None:
    places = _tiny_places()
    places.loc["A", "skill_share_basic"] = 0.41  # sums to 1.01
    geo = build_from_tables("tiny", places, _tiny_links())
    np.testing.assert_allclose(geo.places[list(SKILL_COLUMNS)].sum(axis=1), 1.0, atol=1e-12)
    assert geo.places.loc["A", "skill_share_basic"] == pytest.approx(0.41 / 1.01)


def test_disconnected_graph_names_unreachable_places() -> None:
    links = _tiny_links().iloc[:1]
    message = _error(_tiny_places(), links)
    assert "disconnected" in message and "C (Gamma)" in message
    assert "B (Beta)" not in message.split("cannot")[0]


def test_unlinked_transit_node_is_reported() -> None:
    message = _error(_tiny_places(), _tiny_links(), extra_nodes=["Hub"])
    assert "transit node Hub" in message


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (-5.0, r"link Beta-C \(row 1\) has travel time -5 minutes; minutes must be finite and > 0"),
        (0.0, r"link Beta-C \(row 1\) has travel time 0 minutes"),
        (float("nan"), r"link Beta-C \(row 1\) has a missing travel time"),
        (None, r"link Beta-C \(row 1\) has a missing travel time"),
        (float("inf"), r"link Beta-C \(row 1\) has travel time inf minutes"),
        ("soon", r"link Beta-C \(row 1\) has travel time 'soon', not a number"),
    ],
)
def test_bad_travel_time_names_the_link(minutes: object, expected: str) -> None:
    links = _tiny_links().astype({"minutes": object})
    links.loc[1, "minutes"] = minutes
    message = _error(_tiny_places(), links)
    assert pd.Series([message]).str.contains(expected).item(), message


def test_missing_minutes_column() -> None:
    message = _error(_tiny_places(), _tiny_links().drop(columns="minutes"))
    assert "links table is missing required column(s) minutes" in message


def test_unknown_place_in_links_lists_valid_ones() -> None:
    links = _tiny_links()
    links.loc[2, "destination"] = "Atlantis"
    message = _error(_tiny_places(), links)
    assert "unknown place 'Atlantis'" in message
    assert "A (Alpha), B (Beta), C (Gamma)" in message


def test_missing_required_column() -> None:
    message = _error(_tiny_places().drop(columns="gva_per_hour_gbp"), _tiny_links())
    assert message.startswith("places table is missing required column(s) gva_per_hour_gbp;")


def test_missing_value_in_required_column() -> None:
    places = _tiny_places()
    places.loc["B", "median_weekly_pay_gbp"] = np.nan
    message = _error(places, _tiny_links())
    assert "median_weekly_pay_gbp" in message and "B (Beta)" in message


@pytest.mark.parametrize(
    ("column", "value"),
    [("employment_rate", 74.5), ("unemployment_rate", -0.01), ("broadband_share", 96.0)],
)
def test_rate_outside_unit_interval(column: str, value: float) -> None:
    places = _tiny_places()
    places.loc["B", column] = value
    message = _error(places, _tiny_links())
    assert f"places column {column} is {value:g} for B (Beta), outside 0..1" in message


def test_skill_shares_not_summing_to_one() -> None:
    places = _tiny_places()
    places.loc["C", "skill_share_advanced"] = 0.4  # sums to 0.9
    message = _error(places, _tiny_links())
    assert "skill shares of C (Gamma) sum to 0.9" in message
    assert "must be 1" in message


def test_non_positive_population_and_bad_working_age() -> None:
    places = _tiny_places()
    places.loc["A", "population"] = 0.0
    assert "population is 0 for A (Alpha)" in _error(places, _tiny_links())
    places = _tiny_places()
    places.loc["A", "working_age"] = 2e6
    assert "working_age exceeds population for A (Alpha)" in _error(places, _tiny_links())


def test_link_to_itself_and_repeated_codes() -> None:
    links = _tiny_links()
    links.loc[0, "destination"] = "Alpha"
    assert "joins a place to itself" in _error(_tiny_places(), links)
    places = _tiny_places()
    places.index = ["A", "A", "C"]
    assert "place codes are repeated: A" in _error(places, _tiny_links())


# ---------------------------------------------------------------------------------------------
# Synthetic geographies and dispatch
# ---------------------------------------------------------------------------------------------

SYNTHETIC = [
    ("grid", {"rows": 3, "cols": 4}),
    ("random-geometric", {"n": 12}),
    ("core-periphery", {"n_periphery": 6}),
]


@pytest.mark.parametrize(("name", "options"), SYNTHETIC)
def test_synthetic_is_deterministic_for_a_seed(name: str, options: dict) -> None:
    first = load_geography(name, seed=3, **options)
    second = load_geography(name, seed=3, **options)
    other = load_geography(name, seed=4, **options)
    pd.testing.assert_frame_equal(first.places, second.places)
    np.testing.assert_array_equal(first.travel_minutes, second.travel_minutes)
    assert first.name == name
    assert not first.places["gva_per_hour_gbp"].equals(other.places["gva_per_hour_gbp"])


@pytest.mark.parametrize(("name", "options"), SYNTHETIC)
def test_synthetic_places_are_valid_and_uk_like(name: str, options: dict) -> None:
    geo = load_geography(name, **options)
    assert list(geo.places.columns[: len(REQUIRED_COLUMNS)]) == list(REQUIRED_COLUMNS)
    np.testing.assert_allclose(geo.places[list(SKILL_COLUMNS)].sum(axis=1), 1.0, atol=1e-9)
    assert geo.places["employment_rate"].between(0.6, 0.9).all()
    assert geo.places["unemployment_rate"].between(0.02, 0.08).all()
    assert geo.places["broadband_share"].between(0.85, 1.0).all()
    assert geo.places["gva_per_hour_gbp"].between(20, 70).all()
    assert geo.places["median_weekly_pay_gbp"].between(350, 700).all()
    assert np.all(np.isfinite(geo.travel_minutes)) and np.all(geo.travel_minutes > 0)
    np.testing.assert_array_equal(geo.travel_minutes, geo.travel_minutes.T)


def test_grid_travel_times() -> None:
    geo = grid(2, 3, minutes_per_edge=30.0)
    assert geo.codes == ["R0C0", "R0C1", "R0C2", "R1C0", "R1C1", "R1C2"]
    access = geo.places["access_minutes"].to_numpy()
    corner = geo.travel_minutes[geo.index_of("R0C0"), geo.index_of("R1C2")]
    assert corner == pytest.approx(3 * 30.0 + access[0] + access[5])


def test_core_periphery_core_leads() -> None:
    geo = core_periphery(8, seed=1)
    places = geo.places
    core = places.index.str.startswith("C")
    assert core.sum() == 3 and geo.n_places == 11
    assert places.loc[core, "gva_per_hour_gbp"].min() > places.loc[~core, "gva_per_hour_gbp"].max()
    assert places["gva_per_hour_gbp"].idxmax() in {"C1", "C2", "C3"}
    assert (
        places.loc[core, "median_weekly_pay_gbp"].min()
        > places.loc[~core, "median_weekly_pay_gbp"].max()
    )
    assert (
        places.loc[core, "skill_share_advanced"].mean()
        > places.loc[~core, "skill_share_advanced"].mean() + 0.1
    )
    rd = places["rd_business_gbp_m"] + places["rd_public_gbp_m"]
    assert rd[core].sum() > 0.5 * rd.sum()
    for a, b in (("C1", "C2"), ("C2", "C3"), ("C1", "C3")):
        assert geo.graph.edges[a, b]["minutes"] == 45.0
    for k in range(1, 9):
        assert geo.graph.degree(f"P{k}") == 3  # one spoke to the core, two ring neighbours


def test_random_geometric_connects_or_raises() -> None:
    with pytest.raises(GeographyError, match="disconnected"):
        random_geometric(20, radius=0.05, seed=0, connect=False)
    geo = random_geometric(20, radius=0.05, seed=0)
    assert nx.is_connected(geo.graph)
    added = [m for _, _, m in geo.graph.edges(data="mode") if m == "added"]
    assert len(added) >= 1
    dense = random_geometric(10, radius=2.0, seed=0)
    assert dense.graph.number_of_edges() == 45


def test_load_geography_rejects_unknown_name_and_option() -> None:
    with pytest.raises(GeographyError, match=r"unknown geography 'mars'; allowed: uk-itl1, grid"):
        load_geography("mars")
    with pytest.raises(GeographyError, match=r"unknown option\(s\) colour .*rows, cols"):
        load_geography("grid", colour="red")
    with pytest.raises(GeographyError, match="rows must be an integer >= 1"):
        load_geography("grid", rows=0)
    assert load_geography("UK_ITL1").codes == UK_CODES
