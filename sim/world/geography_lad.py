"""The 374 UK local authority districts (May 2021 boundaries) as a geography, ``"uk-lad"``.

:func:`uk_lad` builds one place per local authority district (LAD21 code, e.g. ``E08000003``
Manchester) from data shipped in ``sim/data`` (sources and licences in ``sim/data/README.md``),
through :func:`sim.world.geography.build_from_tables`, so the validation, the internal commute and
the travel-time matrix are exactly those of the other geographies. The result is cached: every
call (and ``load_geography("uk-lad")``) returns the same :class:`~sim.world.geography.Geography`;
treat it as read-only.

Places (index ``lad21cd``; every column of :data:`sim.world.geography.REQUIRED_COLUMNS`):

* ``name``, ``lat``, ``lon`` (ONS BUC centroid), ``area_km2`` and ``population`` (ONS
  mid-2020) from ``geo/uk_lad21_centroids_population.csv``; the population sums to the UK
  total, 67,081,234.
* ``working_age`` = population x the working-age share of the district's ITL1 region
  (``pop_16_64_aps_2019 / pop_total_mid2019`` of ``uk/itl1_regions.csv``). APPROXIMATION: no
  district age structure is used, every district of a region has the region's share.
* ``employment_rate`` (16-64), ``unemployment_rate`` (ONS modelled, 16+),
  ``median_weekly_pay_gbp`` (ASHE, all employees, residence) and ``gva_per_hour_gbp`` (GBP):
  the district's own value from ``uk/local/ons_local_indicators.csv`` for 2019, or for the
  period closest to 2019 that has a value (on a tie the earlier one). Percentages become
  shares. Pay from another year is rescaled to 2019 by its region's (or nation's) pay change
  between the two years in the same file (nominal pay grew about 11% from 2019 to 2022):
  measured, 11 districts (10 from 2022: the 6 Cumbrian districts, East and West Suffolk,
  North and West Northamptonshire, all created 2019-2023; City of London from 2018). Rates
  are not rescaled. Northern Ireland's district employment rates exist only in the separate
  series ``Employment rate (Northern Ireland)`` for 2023 (NI 73.6% against 71.9% in 2019),
  which is used as it is; Northern Ireland has no modelled unemployment by district (region
  fallback). Modelled unemployment comes from 2022 for the 17 merged districts below and
  from 2020 for West Northamptonshire.
* Skills. ``skill_share_advanced`` = Census 2021 Level 4+ share (``uk/local/
  census2021_qualifications_la.csv``, England and Wales, residents 16+) x
  :data:`ADVANCED_APS_CENSUS_RATIO` (1.19, the UK APS 2019 / Census 2021 ratio 40.2 / 33.8
  used for the regions, see ``uk/column_sources.csv``; an ESTIMATE). Scotland and Northern
  Ireland have no district Census figure: their districts' shares are imputed from their
  Level 3+ shares by the England and Wales line (advanced = -0.216 + 0.924 x Level 3+,
  correlation 0.77 over 330 districts), scaled so each region's working-age mean is its
  region's advanced share (ESTIMATE; recorded as a fallback; Scotland 0.35 to 0.57, Northern
  Ireland 0.32 to 0.45; before 3 December 2026 every district took its region's share).
  ``skill_share_intermediate`` = the district's Level 3+ share (APS, the latest period
  <= 2021, else the nearest: 2022 for Great Britain, where the file starts in 2022 on the
  RQF basis; 2021 for Northern Ireland's own series) minus the advanced share,
  clipped at 0; ``skill_share_basic`` = the rest. The two inputs come from different sources
  and years; where Level 4+ x 1.19 exceeded Level 3+ the intermediate share would be 0
  (:func:`fallback_report` column ``clipped``; measured: none, the smallest is City of
  London, 0.004).
* ``broadband_share`` = 1 - share of premises below 30 Mbit/s and ``gigabit_share``: Ofcom via
  ONS, January 2026 (the only period in the file; the regions use January 2024).
* ``rd_business_gbp_m`` (BERD 2022) and ``rd_public_gbp_m`` (public-funded R&D, FYE 2021) are
  published for regions only: each region's figure (from :func:`sim.world.geography.uk_itl1`) is
  shared out to its districts in proportion to population. APPROXIMATION: R&D is far more
  concentrated than population (Cambridge, Oxford), so district R&D is only a regional level.
  These two columns are never listed as fallbacks.
* ``internal_commute_minutes`` and ``access_minutes``: derived by ``build_from_tables`` with
  :func:`sim.world.geography.internal_commute_from_area` (area and density).
* ``workplace_jobs``: where the jobs are. Each region's jobs (the ``workplace_jobs`` of
  :func:`sim.world.geography.uk_itl1`: its employed residents times the 2011 Census's people
  working in the region per resident in work) shared out to its districts in proportion to
  the people whose fixed place of work is there in the 2011 Census (``workplace_persons`` of
  ``geo/uk_workplace_2011_lad21.csv``, table WU03UK). The Census counts the City of London
  with Westminster and the Isles of Scilly with Cornwall; each pair's count is split in
  proportion to working-age population, so both of a pair have its jobs per resident
  (APPROXIMATION). Jobs per employed resident (measured): 0.40 to 9.26, median 0.89; the
  Census's fixed workplaces per resident worker run from 0.33 to 7.8 (median 0.72, before
  home workers and the 2019 regional totals).
* Extra columns: ``itl1`` (ITL1 region code), ``nation``, ``successor_code`` and
  ``fallback`` (see below).

Codes. The indicators follow the ONS vintage of each series (2023 codes), matched on LAD21
codes. What does not match and how it is handled (measured on the shipped files):

* 17 LAD21 districts were merged on 1 April 2023 into 4 unitary authorities, for which the file
  has only the new code. Their predecessors take the new authority's value (column
  ``successor_code`` names it): Allerdale, Carlisle, Copeland -> Cumberland E06000063;
  Barrow-in-Furness, Eden, South Lakeland -> Westmorland and Furness E06000064; Craven,
  Hambleton, Harrogate, Richmondshire, Ryedale, Scarborough, Selby -> North Yorkshire
  E06000065; Mendip, Sedgemoor, South Somerset, Somerset West and Taunton -> Somerset
  E06000066. APPROXIMATION: the merged districts share one value. Cumberland and Westmorland
  and Furness have no pay before 2022 and none of the four has modelled unemployment before
  2022, so those come from 2022 (pay rescaled, see above).
* Barnsley and Sheffield appear under their newer codes E08000038 and E08000039 in the
  broadband series (E08000016 and E08000019 elsewhere); they are mapped back.
* The 11 Northern Ireland districts are absent from the GB-only series (employment rate,
  modelled unemployment, Level 3+ for Great Britain); NI's own series are used where they
  exist.
* Business and public R&D exist only for regions and nations (see above).

Fallback. Wherever a district still has no figure, it takes its ITL1 region's value from
:func:`sim.world.geography.uk_itl1` (``places``); column ``fallback`` lists, comma-separated without
spaces in :data:`FALLBACK_COLUMNS` order, the columns that fell back ("" when none) and
:func:`fallback_report` counts them. For ``skill_share_intermediate`` the fallback is the
region's Level 3+ share (1 - its basic share) minus the district's advanced share. Measured
(328 districts have no fallback): employment_rate 1 (Isles of Scilly); unemployment_rate 14
(the 11 NI districts, City of London, Isles of Scilly, North Northamptonshire);
median_weekly_pay_gbp 0; gva_per_hour_gbp 0; skill_share_advanced 43 (32 Scottish and 11 NI
districts); skill_share_intermediate 1 (Isles of Scilly); broadband_share 0; gigabit_share 0.

Transport network (every approximation):

* Road: districts whose ultra-generalised boundaries touch (``shapely.STRtree``, predicate
  ``intersects`` after a buffer of :data:`BOUNDARY_TOLERANCE_DEG` = 1e-6 degrees, about 0.1 m,
  because neighbouring polygons need not share vertices exactly) are linked. Minutes =
  great-circle (haversine) distance between the centroids x :data:`DETOUR_FACTOR` (1.3, road
  distance over straight-line distance) / :data:`ROAD_SPEED_KMH` (60 km/h), i.e. 1.3 minutes
  per straight-line km. The speed is a judgement value (not sourced): short trips between
  neighbouring districts mix congested urban roads (30-40 km/h at peak) with trunk roads and
  motorways (90-110 km/h). Long road journeys hop between centroids, which zig-zag, so they
  come out slower than by motorway; the main cities are joined by rail instead.
* Fixed crossings over estuaries that the clipped boundaries leave apart are road links too
  (same formula): :data:`FIXED_CROSSINGS` (Severn bridges, Dartford Crossing, Forth,
  Kincardine and Tay bridges, Mersey tunnels, Menai bridges, Tamar Bridge).
* Sea and air: :data:`SEA_LINKS` join the islands with no land neighbour to the mainland:
  minutes = road time from the district centroid to the port or airport + the stated crossing
  time (including boarding) + road time from the port to the other centroid. ESTIMATES from
  general knowledge of 2019 timetables, NOT verified: Isle of Wight - Portsmouth (Ryde fast
  ferry, 40) and - Southampton (Cowes fast ferry, 45); Isles of Scilly - Cornwall (air, 60);
  Orkney - Highland (Stromness - Scrabster ferry, 120); Shetland - Aberdeen City (air, 120) and
  - Orkney (air, 80); Na h-Eileanan Siar - Highland (Stornoway - Ullapool ferry, 180).
* Northern Ireland is joined to Great Britain only by the ferry+road and air links of
  ``uk/travel_times.csv`` (door-to-door city times, NOT verified), with Belfast -> N09000003,
  Glasgow -> S12000049, Manchester -> E08000003 and London -> Westminster E09000033; NI
  districts are joined among themselves by road (they share land boundaries).
* Rail: the rail rows of ``uk/travel_times.csv`` between the 12 regional main cities and
  Edinburgh, each city mapped to its district (:data:`CITY_DISTRICTS`). The minutes are
  station-to-station timetable values (mostly NOT verified, see that file) used
  centroid-to-centroid. The file's road rows between cities are not used (the district road
  network replaces them). No other rail line is modelled.
* Between districts, travel minutes = shortest path over the fastest mode of each link + the
  access minutes at both ends, exactly as :func:`sim.world.geography.build_from_tables`.

Measured with the shipped data: 374 places; 950 road links (942 shared boundaries + 8 fixed
crossings), 32 rail, 4 ferry and 6 air links (the fastest mode of each pair). Nearly every
district is small or dense enough that its internal commute is the 20-minute floor (access
10 minutes; 6 districts are above, at most 23.2). Door-to-door: Westminster - Manchester
146 min (rail 126 + access 10 + 10); Leeds - Bradford 51.5 (road 31.4 + 10 + 10); Manchester -
Salford 33.1; Belfast - Glasgow 185 (air 165 + 10 + 10); Isle of Wight - Portsmouth 82.3
(ferry link 62.3 + 10 + 10); Westminster - Edinburgh 280. Building takes about 0.5-0.8 s
(then cached).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from sim.world.distance import haversine_km
from sim.world.geography import Geography, GeographyError, build_from_tables, uk_itl1
from sim.world.resources import data_path, read_data_csv

__all__ = [
    "ADVANCED_APS_CENSUS_RATIO",
    "BOUNDARIES",
    "BOUNDARY_KEY",
    "BOUNDARY_TOLERANCE_DEG",
    "CITY_DISTRICTS",
    "DETOUR_FACTOR",
    "FALLBACK_COLUMNS",
    "FIXED_CROSSINGS",
    "NAME",
    "ROAD_SPEED_KMH",
    "SEA_LINKS",
    "SUCCESSORS",
    "SeaLink",
    "fallback_report",
    "road_minutes",
    "uk_lad",
]

#: Name of the geography.
NAME = "uk-lad"
#: District boundaries shipped in ``sim/data/geo`` and the property holding the LAD21 code.
BOUNDARIES = "uk_lad21_ons_buc.geojson"
BOUNDARY_KEY = "LAD21CD"

#: Average road speed (km/h) over the road distance between neighbouring district centroids.
ROAD_SPEED_KMH: float = 60.0
#: Road distance over great-circle distance.
DETOUR_FACTOR: float = 1.3
#: Buffer (degrees) within which two district boundaries count as touching.
BOUNDARY_TOLERANCE_DEG: float = 1e-6

#: UK APS 2019 Level 4+ share over Census 2021 Level 4+ share (40.2 / 33.8), as for the regions.
ADVANCED_APS_CENSUS_RATIO: float = 1.19
#: Year of the labour-market indicators (the nearest period with a value when it is missing).
TARGET_YEAR: int = 2019
#: Latest year of the Level 3+ qualification share (else the nearest later period).
QUALIFICATION_YEAR: int = 2021

#: Columns that may fall back to the region's value, in the order used in ``fallback``.
FALLBACK_COLUMNS: tuple[str, ...] = (
    "employment_rate",
    "unemployment_rate",
    "median_weekly_pay_gbp",
    "gva_per_hour_gbp",
    "skill_share_advanced",
    "skill_share_intermediate",
    "broadband_share",
    "gigabit_share",
)

#: 2023 unitary authorities (codes in the indicators file) -> the LAD21 districts they replaced.
SUCCESSORS: dict[str, tuple[str, ...]] = {
    "E06000063": ("E07000026", "E07000028", "E07000029"),  # Cumberland
    "E06000064": ("E07000027", "E07000030", "E07000031"),  # Westmorland and Furness
    "E06000065": (  # North Yorkshire
        "E07000163",
        "E07000164",
        "E07000165",
        "E07000166",
        "E07000167",
        "E07000168",
        "E07000169",
    ),
    "E06000066": ("E07000187", "E07000188", "E07000189", "E07000246"),  # Somerset
}

#: Newer codes of the same district in some series -> the LAD21 code.
RECODED: dict[str, str] = {"E08000038": "E08000016", "E08000039": "E08000019"}

#: Main cities of ``uk/itl1_regions.csv`` (plus Edinburgh) -> their district's LAD21 code.
CITY_DISTRICTS: dict[str, str] = {
    "London": "E09000033",  # Westminster
    "Manchester": "E08000003",
    "Birmingham": "E08000025",
    "Leeds": "E08000035",
    "Newcastle upon Tyne": "E08000021",
    "Nottingham": "E06000018",
    "Cambridge": "E07000008",
    "Reading": "E06000038",
    "Bristol": "E06000023",
    "Cardiff": "W06000015",
    "Glasgow": "S12000049",
    "Edinburgh": "S12000036",
    "Belfast": "N09000003",
}

#: Road bridges and tunnels between districts whose clipped boundaries do not touch.
FIXED_CROSSINGS: tuple[tuple[str, str, str], ...] = (
    ("E06000025", "W06000021", "Severn bridges (South Gloucestershire - Monmouthshire)"),
    ("E06000034", "E07000107", "Dartford Crossing (Thurrock - Dartford)"),
    ("S12000036", "S12000047", "Forth bridges (Edinburgh - Fife)"),
    ("S12000014", "S12000047", "Kincardine bridges (Falkirk - Fife)"),
    ("S12000042", "S12000047", "Tay Road Bridge (Dundee - Fife)"),
    ("E08000012", "E08000015", "Mersey tunnels (Liverpool - Wirral)"),
    ("W06000001", "W06000002", "Menai bridges (Isle of Anglesey - Gwynedd)"),
    ("E06000026", "E06000052", "Tamar Bridge (Plymouth - Cornwall)"),
)


@dataclass(frozen=True)
class SeaLink:
    """A ferry or air link from an island district to another district.

    Attributes:
        island: LAD21 code of the island district.
        other: LAD21 code of the district at the other end.
        mode: ``"ferry"`` or ``"air"``.
        crossing_minutes: Crossing or flight time including boarding (an ESTIMATE).
        island_port: (lon, lat) of the island's port or airport.
        other_port: (lon, lat) of the port or airport at the other end.
        route: Description.
    """

    island: str
    other: str
    mode: str
    crossing_minutes: float
    island_port: tuple[float, float]
    other_port: tuple[float, float]
    route: str


#: Ferry and air links of the islands without a land neighbour (ESTIMATES, NOT verified).
SEA_LINKS: tuple[SeaLink, ...] = (
    SeaLink("E06000046", "E06000044", "ferry", 40.0, (-1.160, 50.737), (-1.108, 50.797),
            "Ryde - Portsmouth fast ferry, 22 min + boarding"),
    SeaLink("E06000046", "E06000045", "ferry", 45.0, (-1.298, 50.764), (-1.405, 50.894),
            "West Cowes - Southampton fast ferry, 28 min + boarding"),
    SeaLink("E06000053", "E06000052", "air", 60.0, (-6.292, 49.913), (-5.671, 50.103),
            "St Mary's - Land's End flight, 20 min + check-in"),
    SeaLink("S12000023", "S12000017", "ferry", 120.0, (-3.296, 58.963), (-3.546, 58.611),
            "Stromness - Scrabster ferry, 90 min + boarding"),
    SeaLink("S12000027", "S12000033", "air", 120.0, (-1.296, 59.879), (-2.198, 57.202),
            "Sumburgh - Aberdeen flight, 60 min + check-in"),
    SeaLink("S12000027", "S12000023", "air", 80.0, (-1.296, 59.879), (-2.905, 58.958),
            "Sumburgh - Kirkwall flight, 35 min + check-in"),
    SeaLink("S12000013", "S12000017", "ferry", 180.0, (-6.387, 58.208), (-5.160, 57.896),
            "Stornoway - Ullapool ferry, 150 min + boarding"),
)  # fmt: skip

#: Local indicator series per column: (indicator names, target year, latest <= target first).
_LOCAL_SERIES: dict[str, tuple[tuple[str, ...], int, bool]] = {
    "employment_rate": (
        ("Employment rate", "Employment rate (Northern Ireland)"),
        TARGET_YEAR,
        False,
    ),
    "unemployment_rate": (("Modelled unemployment rate",), TARGET_YEAR, False),
    "median_weekly_pay_gbp": (("Gross median weekly pay",), TARGET_YEAR, False),
    "gva_per_hour_gbp": (("Gross value added per hour worked",), TARGET_YEAR, False),
    "level3_plus": (
        (
            "Level 3 or above qualifications (Great Britain)",
            "Level 3 or above qualifications (Northern Ireland)",
        ),
        QUALIFICATION_YEAR,
        True,
    ),
    "below_30mbps": (("Premises below 30Mbps",), TARGET_YEAR, False),
    "gigabit_share": (("Gigabit capable broadband",), TARGET_YEAR, False),
}

#: Money series whose values from another year are rescaled to TARGET_YEAR by the region's
#: change over the same years (UK nominal median pay grew about 11% from 2019 to 2022).
_RESCALED_SERIES: tuple[str, ...] = ("median_weekly_pay_gbp",)

#: R&D columns: regional figures shared out by population (never a fallback).
_RD_COLUMNS: tuple[str, ...] = ("rd_business_gbp_m", "rd_public_gbp_m")

#: Output column each local series feeds (for the report and the fallback list).
_SERIES_COLUMN: dict[str, str] = {
    "employment_rate": "employment_rate",
    "unemployment_rate": "unemployment_rate",
    "median_weekly_pay_gbp": "median_weekly_pay_gbp",
    "gva_per_hour_gbp": "gva_per_hour_gbp",
    "level3_plus": "skill_share_intermediate",
    "below_30mbps": "broadband_share",
    "gigabit_share": "gigabit_share",
}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def road_minutes(distance_km: np.ndarray | float) -> np.ndarray:
    """Road minutes for a great-circle distance: ``km * DETOUR_FACTOR / ROAD_SPEED_KMH * 60``."""
    return np.asarray(distance_km, dtype=np.float64) * DETOUR_FACTOR / ROAD_SPEED_KMH * 60.0


def _pick_series(
    raw: pd.DataFrame,
    codes: pd.Index,
    indicators: tuple[str, ...],
    target: int,
    latest_at_most: bool,
) -> pd.DataFrame:
    """One value per LAD21 code from the long indicator table.

    The district's own rows (after :data:`RECODED`) come first, then those of its 2023
    successor authority (:data:`SUCCESSORS`); among them the period is chosen by distance to
    ``target`` (ties: the earlier year), or, with ``latest_at_most``, the latest year
    ``<= target`` and otherwise the earliest later one. Rows without a value are ignored.

    Returns:
        Frame indexed like ``codes`` with ``value`` (NaN when none), ``year`` and ``source``
        (``"own"``, ``"successor"`` or NaN).
    """
    rows = raw.loc[
        raw["indicator"].isin(indicators) & raw["observation"].notna(),
        ["areacd", "period", "observation"],
    ]
    year = rows["period"].str[:4].astype(int).to_numpy()
    if latest_at_most:
        rank = np.where(year <= target, target - year, 1000 + year - target)
    else:
        rank = 2 * np.abs(year - target) + (year > target)
    rows = rows.assign(year=year, rank=rank)
    own = rows.assign(code=rows["areacd"].replace(RECODED), source="own")
    own = own[own["code"].isin(codes)]
    successor = rows[rows["areacd"].isin(SUCCESSORS)]
    successor = successor.assign(
        code=successor["areacd"].map(lambda c: list(SUCCESSORS[c])), source="successor"
    ).explode("code")
    both = pd.concat([own, successor], ignore_index=True)
    both["later_source"] = both["source"] == "successor"
    best = both.sort_values(["code", "later_source", "rank"]).drop_duplicates("code")
    best = best.set_index("code").reindex(codes)
    return pd.DataFrame(
        {"value": best["observation"], "year": best["year"], "source": best["source"]},
        index=codes,
    )


def _region_change(
    raw: pd.DataFrame,
    indicators: tuple[str, ...],
    region_codes: pd.Series,
    years: pd.Series,
    target: int,
) -> pd.Series:
    """Factor ``region value in target / region value in year`` per district (1 if unknown).

    ``region_codes`` holds each district's region or nation GSS code (``E12...``, ``W92...``,
    ``S92...``, ``N92...``) and ``years`` the year of its value.
    """
    rows = raw[raw["indicator"].isin(indicators) & raw["areacd"].isin(set(region_codes))]
    rows = rows.dropna(subset=["observation"])
    value = {
        (code, int(period[:4])): float(obs)
        for code, period, obs in zip(
            rows["areacd"], rows["period"], rows["observation"], strict=True
        )
    }
    factors = []
    for code, year in zip(region_codes, years, strict=True):
        now = value.get((code, target), np.nan)
        then = np.nan if pd.isna(year) else value.get((code, int(year)), np.nan)
        usable = pd.notna(year) and int(year) != target and now > 0 and then > 0
        factors.append(now / then if usable else 1.0)
    return pd.Series(factors, index=years.index, dtype=np.float64)


def _describe_years(years: pd.Series) -> str:
    """``"2019: 345, 2022: 12"`` for the years used (missing ones left out)."""
    counts = years.dropna().astype(int).value_counts().sort_index()
    return ", ".join(f"{year}: {n}" for year, n in counts.items())


# --------------------------------------------------------------------------------------------
# Transport network
# --------------------------------------------------------------------------------------------


def _boundary_neighbours(codes: pd.Index) -> list[tuple[str, str]]:
    """Pairs of districts whose boundaries touch (within BOUNDARY_TOLERANCE_DEG)."""
    data = json.loads(data_path(f"geo/{BOUNDARIES}").read_text(encoding="utf-8"))
    feature_codes = [str(f["properties"][BOUNDARY_KEY]) for f in data["features"]]
    if sorted(feature_codes) != sorted(codes):
        missing = sorted(set(codes) - set(feature_codes))
        extra = sorted(set(feature_codes) - set(codes))
        raise GeographyError(
            f"{BOUNDARIES} does not match the district list: missing {missing}, extra {extra}"
        )
    geometries = shapely.make_valid(
        np.array([shape(f["geometry"]) for f in data["features"]], dtype=object)
    )
    tree = shapely.STRtree(geometries)
    left, right = tree.query(
        shapely.buffer(geometries, BOUNDARY_TOLERANCE_DEG), predicate="intersects"
    )
    pairs = {
        tuple(sorted((feature_codes[i], feature_codes[j])))
        for i, j in zip(left, right, strict=True)
        if i != j
    }
    return sorted(pairs)  # type: ignore[arg-type]


def _links(centroids: pd.DataFrame) -> pd.DataFrame:
    """The links table: road (land borders and fixed crossings), sea/air and rail."""
    lon, lat = centroids["lon"], centroids["lat"]
    road_pairs = _boundary_neighbours(centroids.index)
    road_pairs += [(a, b) for a, b, _ in FIXED_CROSSINGS]
    origin = [a for a, _ in road_pairs]
    destination = [b for _, b in road_pairs]
    minutes = road_minutes(
        haversine_km(
            lon[origin].to_numpy(), lat[origin].to_numpy(),
            lon[destination].to_numpy(), lat[destination].to_numpy(),
        )
    )  # fmt: skip
    rows = list(zip(origin, destination, minutes.tolist(), ["road"] * len(origin), strict=True))

    for link in SEA_LINKS:
        to_port = haversine_km(lon[link.island], lat[link.island], *link.island_port)
        from_port = haversine_km(*link.other_port, lon[link.other], lat[link.other])
        total = float(road_minutes(to_port) + link.crossing_minutes + road_minutes(from_port))
        rows.append((link.island, link.other, total, link.mode))

    table = read_data_csv("uk/travel_times.csv")
    for origin_city, destination_city, mins, mode in zip(
        table["origin"], table["destination"], table["minutes"], table["mode"], strict=True
    ):
        involves_belfast = "Belfast" in (origin_city, destination_city)
        if mode == "rail" or involves_belfast:
            rows.append(
                (CITY_DISTRICTS[origin_city], CITY_DISTRICTS[destination_city], float(mins), mode)
            )
    return pd.DataFrame(rows, columns=["origin", "destination", "minutes", "mode"])


# --------------------------------------------------------------------------------------------
# The geography
# --------------------------------------------------------------------------------------------


#: Districts the 2011 Census counts with a neighbour: district -> the code that holds both.
CENSUS_COUNTED_WITH = {"E09000001": "E09000033", "E06000053": "E06000052"}


def _workplace_persons(codes: pd.Index, working_age: pd.Series) -> pd.Series:
    """2011 Census fixed workplaces by district, each merged pair split by working age."""
    census = read_data_csv("geo/uk_workplace_2011_lad21.csv").set_index("lad21cd")
    persons = census["workplace_persons"].astype(np.float64).reindex(codes)
    for small, big in CENSUS_COUNTED_WITH.items():
        pair = working_age[small] + working_age[big]
        total = persons[big]
        persons[small] = total * working_age[small] / pair
        persons[big] = total * working_age[big] / pair
    if persons.isna().any():
        missing = ", ".join(persons.index[persons.isna()][:5])
        raise ValueError(f"geo/uk_workplace_2011_lad21.csv has no row for {missing}")
    return persons


@lru_cache(maxsize=1)
def _build() -> tuple[Geography, pd.DataFrame]:
    """Build the geography and its fallback report once."""
    centroids = read_data_csv("geo/uk_lad21_centroids_population.csv").set_index("lad21cd")
    centroids.index = centroids.index.astype(str)
    codes = centroids.index
    region = centroids["itl121cd"].astype(str)
    regions = uk_itl1().places
    raw = read_data_csv("uk/local/ons_local_indicators.csv")

    def regional(column: str | pd.Series) -> pd.Series:
        values = regions[column] if isinstance(column, str) else column
        return pd.Series(values.reindex(region).to_numpy(), index=codes)

    picked = {
        key: _pick_series(raw, codes, indicators, target, latest)
        for key, (indicators, target, latest) in _LOCAL_SERIES.items()
    }
    local = {key: frame["value"] for key, frame in picked.items()}
    region_gss = region.map(regions["ons_code"].astype(str))
    rescaled = {}
    for key in _RESCALED_SERIES:
        factor = _region_change(
            raw, _LOCAL_SERIES[key][0], region_gss, picked[key]["year"], TARGET_YEAR
        )
        rescaled[key] = int((factor != 1.0).sum())
        local[key] = local[key] * factor
    local["employment_rate"] = local["employment_rate"] / 100.0
    local["unemployment_rate"] = local["unemployment_rate"] / 100.0
    local["level3_plus"] = local["level3_plus"] / 100.0
    local["below_30mbps"] = 1.0 - local["below_30mbps"] / 100.0
    local["gigabit_share"] = local["gigabit_share"] / 100.0

    census = read_data_csv("uk/local/census2021_qualifications_la.csv")
    census.columns = census.columns.str.strip()
    census_l4 = census.set_index("Area code")["Level 4 qualifications and above (percent)"]
    advanced_own = census_l4.reindex(codes) / 100.0 * ADVANCED_APS_CENSUS_RATIO

    region_values = {
        "employment_rate": regional("employment_rate"),
        "unemployment_rate": regional("unemployment_rate"),
        "median_weekly_pay_gbp": regional("median_weekly_pay_gbp"),
        "gva_per_hour_gbp": regional("gva_per_hour_gbp"),
        "level3_plus": regional(1.0 - regions["skill_share_basic"]),
        "below_30mbps": regional("broadband_share"),
        "gigabit_share": regional("gigabit_share"),
    }
    fell_back: dict[str, pd.Series] = {}
    values: dict[str, pd.Series] = {}
    for key, series in local.items():
        column = _SERIES_COLUMN[key]
        fell_back[column] = series.isna()
        values[key] = series.fillna(region_values[key])
    fell_back["skill_share_advanced"] = advanced_own.isna()
    level3_plus = values["level3_plus"]
    population = centroids["pop_mid2020"].astype(np.float64)
    working_share = regional(regions["working_age"] / regions["population"])
    working_age = population * working_share
    advanced = _impute_advanced(
        advanced_own, level3_plus, fell_back["skill_share_intermediate"], region,
        regional("skill_share_advanced"), working_age,
    )
    clipped = level3_plus < advanced
    intermediate = (level3_plus - advanced).clip(lower=0.0)

    region_population = population.groupby(region).transform("sum")
    population_share = population / region_population

    workplace = _workplace_persons(codes, working_age)
    region_workplace = workplace.groupby(region).transform("sum")
    workplace_jobs = regional("workplace_jobs") * workplace / region_workplace

    flags = pd.DataFrame({c: fell_back[c] for c in FALLBACK_COLUMNS})
    fallback = flags.apply(lambda row: ",".join(row.index[row.to_numpy()]), axis=1)
    successor_of = {old: new for new, olds in SUCCESSORS.items() for old in olds}
    successor_code = pd.Series([successor_of.get(c, "") for c in codes], index=codes)

    places = pd.DataFrame(
        {
            "name": centroids["lad21nm"].astype(str),
            "lat": centroids["lat"],
            "lon": centroids["lon"],
            "area_km2": centroids["area_km2"].astype(np.float64),
            "population": population,
            "working_age": working_age,
            "employment_rate": values["employment_rate"],
            "unemployment_rate": values["unemployment_rate"],
            "skill_share_basic": 1.0 - advanced - intermediate,
            "skill_share_intermediate": intermediate,
            "skill_share_advanced": advanced,
            "gva_per_hour_gbp": values["gva_per_hour_gbp"],
            "median_weekly_pay_gbp": values["median_weekly_pay_gbp"],
            "broadband_share": values["below_30mbps"],
            "gigabit_share": values["gigabit_share"],
            "rd_business_gbp_m": regional("rd_business_gbp_m") * population_share,
            "rd_public_gbp_m": regional("rd_public_gbp_m") * population_share,
            "workplace_jobs": workplace_jobs,
            "itl1": region,
            "nation": centroids["nation"].astype(str),
            "successor_code": successor_code,
            "fallback": fallback,
        },
        index=pd.Index(codes, name="code"),
    )
    geography = build_from_tables(
        NAME, places, _links(centroids), boundaries=BOUNDARIES, boundary_key=BOUNDARY_KEY
    )

    counts = ["own", "successor", "region", "population_share", "other_period", "rescaled"]
    report = pd.DataFrame(
        0,
        index=pd.Index([*FALLBACK_COLUMNS, *_RD_COLUMNS], name="column"),
        columns=[*counts, "clipped"],
    )
    report["years"] = ""
    for key, frame in picked.items():
        column = _SERIES_COLUMN[key]
        target = _LOCAL_SERIES[key][1]
        report.loc[column, counts] = [
            int((frame["source"] == "own").sum()),
            int((frame["source"] == "successor").sum()),
            int(fell_back[column].sum()),
            0,
            int((frame["year"].notna() & (frame["year"] != target)).sum()),
            rescaled.get(key, 0),
        ]
        report.loc[column, "years"] = _describe_years(frame["year"])
    report.loc["skill_share_intermediate", "clipped"] = int(clipped.sum())
    report.loc["skill_share_advanced", ["own", "region"]] = [
        int(advanced_own.notna().sum()),
        int(advanced_own.isna().sum()),
    ]
    report.loc["skill_share_advanced", "years"] = f"2021: {int(advanced_own.notna().sum())}"
    report.loc[list(_RD_COLUMNS), "population_share"] = len(codes)
    return geography, report


def _impute_advanced(
    advanced_own: pd.Series,
    level3_plus: pd.Series,
    level3_fell_back: pd.Series,
    region: pd.Series,
    region_advanced: pd.Series,
    working_age: pd.Series,
) -> pd.Series:
    r"""Advanced shares: the district's own, else imputed from its Level 3+ share.

    Districts without a Census Level 4+ figure (Scotland, Northern Ireland) get
    :math:`\hat a_d = c_r (\alpha + \beta\,L3_d)`, with :math:`\alpha, \beta` the least
    squares line of the advanced share on the APS Level 3+ share across the districts that
    have both (330 districts of England and Wales; measured: :math:`\alpha` = -0.216,
    :math:`\beta` = 0.924, correlation 0.77) and
    :math:`c_r` the factor that makes the working-age-weighted mean of the region's imputed
    districts its region's advanced share (so the region keeps its data). Capped at the
    district's Level 3+ share. ESTIMATE: the England and Wales relation is assumed to hold
    in Scotland and Northern Ireland; a region whose districts all lack the Level 3+ share
    too keeps its region's share everywhere.
    """
    have = advanced_own.notna() & ~level3_fell_back
    beta, alpha = np.polyfit(level3_plus[have], advanced_own[have], 1)
    missing = advanced_own.isna()
    raw = (alpha + beta * level3_plus[missing]).clip(lower=1e-3)
    weight, group = working_age[missing], region[missing]
    total = group.map(weight.groupby(group).sum())
    weighted = group.map((raw * weight).groupby(group).sum())
    imputed = np.minimum(raw * (region_advanced[missing] * total / weighted),
                         level3_plus[missing])
    return advanced_own.fillna(imputed)


def uk_lad() -> Geography:
    """The 374 UK local authority districts (LAD21) with their transport network.

    See the module docstring for every source, approximation and fallback. The result is
    built once and cached (about 0.5-0.8 s); every call returns the same object, which must not
    be modified.

    Returns:
        The ``"uk-lad"`` geography, indexed by LAD21 code, with boundaries
        ``uk_lad21_ons_buc.geojson`` keyed by ``LAD21CD``. Extra columns: ``itl1``,
        ``nation``, ``successor_code`` and ``fallback``.
    """
    return _build()[0]


def fallback_report() -> pd.DataFrame:
    """Where each column's district values came from, counted over the 374 districts.

    Returns:
        A new frame indexed by column name (:data:`FALLBACK_COLUMNS` plus the two R&D
        columns) with integer counts ``own`` (the district's own figure), ``successor``
        (the figure of its 2023 successor authority), ``region`` (the ITL1 region's value:
        a fallback, listed in the places' ``fallback`` column), ``population_share`` (the
        region's figure shared by population), ``other_period`` (own or successor figures
        from a year other than the target), ``rescaled`` (values from another year rescaled to
        2019 by the region's change: pay only), ``clipped`` (districts whose intermediate share
        was clipped at 0) and ``years`` (the years used, with counts). For
        ``skill_share_intermediate`` the counts are those of the Level 3+ share; for
        ``skill_share_advanced`` ``region`` counts the districts imputed from their Level 3+
        share and their region's share (Scotland, Northern Ireland).
    """
    return _build()[1].copy()
