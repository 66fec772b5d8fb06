"""Places, their attributes and the transport network that joins them.

A :class:`Geography` is the spatial frame of the model: a table of places (one row per place,
indexed by a place code), a transport graph and the door-to-door travel-time matrix derived from
it. Five geographies are available through :func:`load_geography`:

* ``"uk-itl1"`` (:func:`uk_itl1`): the 12 UK ITL1 regions, built from the real published data
  shipped in ``sim/data/uk`` (see ``sim/data/README.md`` for sources and licences).
* ``"uk-lad"`` (:func:`sim.world.geography_lad.uk_lad`): the 374 UK local authority districts
  (2021), from the same data plus ``sim/data/uk/local`` and ``sim/data/geo``; cached.
* ``"grid"`` (:func:`grid`): a rectangular lattice of identical-looking places.
* ``"random-geometric"`` (:func:`random_geometric`): places scattered in the unit square, joined
  when they are close (a networkx random geometric graph).
* ``"core-periphery"`` (:func:`core_periphery`): a research "golden triangle" of three core
  places surrounded by a ring of peripheral places.

Travel times. ``travel_minutes[i, j]`` is the typical one-way door-to-door commute from place
``i`` to place ``j``:

* Inside a place (``i == j``) it is ``internal_commute_minutes``, an approximation
  (:func:`internal_commute_from_area`): a commuter crosses half the radius of the place's local
  labour market (a disc of the place's area, but no larger than a typical travel-to-work area,
  1,500 km2) at a speed that falls with population density (30 km/h at the UK density of
  275 people per km2, times ``(density / 275) ** -0.25``, within 12..40 km/h); the result is
  clipped to 20..50 minutes, the range of mean one-way commute times across UK regions (DfT
  National Travel Survey: about 25 minutes outside London, 45 in London)::

      radius = sqrt(min(area_km2, 1500) / pi)
      speed = clip(30 * (population / area_km2 / 275) ** -0.25, 12, 40)
      internal_commute_minutes = clip(60 * 0.5 * radius / speed, 20, 50)

* Between places it is the shortest path over the transport graph (edge weight: the fastest mode
  of each link) plus ``access_minutes`` at both ends, the time from home to the main station and
  from the station to work, taken as half the internal commute::

      travel_minutes[i, j] = shortest_path(i, j) + access_minutes[i] + access_minutes[j]

Every bad input raises :class:`GeographyError` (a ``ValueError``) with a one-line message that
names the offending item and says what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse.csgraph import shortest_path

from sim.world.resources import read_data_csv

__all__ = [
    "ACCESS_SHARE",
    "COMMUTE_MINUTES_RANGE",
    "COMMUTE_SPEED_KMH",
    "GEOGRAPHIES",
    "GEOGRAPHY_OPTIONS",
    "RATE_COLUMNS",
    "REQUIRED_COLUMNS",
    "SKILL_COLUMNS",
    "Geography",
    "GeographyError",
    "build_from_tables",
    "core_periphery",
    "grid",
    "internal_commute_from_area",
    "internal_commute_km",
    "random_geometric",
    "travel_time_matrix",
    "uk_itl1",
]

#: Columns every ``places`` table has, in this order (``name`` is a string, the rest floats).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "name",
    "lat",
    "lon",
    "area_km2",
    "population",
    "working_age",
    "employment_rate",
    "unemployment_rate",
    "skill_share_basic",
    "skill_share_intermediate",
    "skill_share_advanced",
    "gva_per_hour_gbp",
    "median_weekly_pay_gbp",
    "broadband_share",
    "gigabit_share",
    "rd_business_gbp_m",
    "rd_public_gbp_m",
    "internal_commute_minutes",
    "access_minutes",
)

#: Columns that are shares in 0..1 (not percentages).
RATE_COLUMNS: tuple[str, ...] = (
    "employment_rate",
    "unemployment_rate",
    "skill_share_basic",
    "skill_share_intermediate",
    "skill_share_advanced",
    "broadband_share",
    "gigabit_share",
)

#: Skill shares of the working-age population; they sum to 1.
SKILL_COLUMNS: tuple[str, ...] = (
    "skill_share_basic",
    "skill_share_intermediate",
    "skill_share_advanced",
)

#: Columns that must be strictly positive.
_POSITIVE_COLUMNS: tuple[str, ...] = (
    "area_km2",
    "population",
    "working_age",
    "internal_commute_minutes",
    "access_minutes",
)

#: Columns that must not be negative.
_NON_NEGATIVE_COLUMNS: tuple[str, ...] = (
    "gva_per_hour_gbp",
    "median_weekly_pay_gbp",
    "rd_business_gbp_m",
    "rd_public_gbp_m",
)

#: Columns that :func:`build_from_tables` derives from ``area_km2`` when they are absent.
_DERIVED_COLUMNS: tuple[str, ...] = ("internal_commute_minutes", "access_minutes")

#: Speed of a commute inside a place (km/h).
COMMUTE_SPEED_KMH: float = 30.0
#: Range of UK mean one-way commute times (minutes), DfT National Travel Survey.
COMMUTE_MINUTES_RANGE: tuple[float, float] = (20.0, 50.0)
#: Largest area (km2) of a place's own local labour market (a typical travel-to-work area).
LOCAL_MARKET_AREA_KM2: float = 1500.0
#: Reference density (people per km2, UK) at which the commute speed is COMMUTE_SPEED_KMH.
REFERENCE_DENSITY: float = 275.0
#: Range of commute speeds (km/h) allowed by the density adjustment.
COMMUTE_SPEED_RANGE: tuple[float, float] = (12.0, 40.0)
#: Access time (home to station, station to work) as a share of the internal commute.
ACCESS_SHARE: float = 0.5

#: Tolerance within which skill shares count as summing to 1.
_SKILL_SUM_TOL: float = 1e-6
#: Skill shares whose sum is within this distance of 1 are rescaled to sum to 1.
_SKILL_NORMALISE_TOL: float = 0.02

#: Names accepted by :func:`load_geography`.
GEOGRAPHIES: tuple[str, ...] = (
    "uk-itl1",
    "grid",
    "random-geometric",
    "core-periphery",
    "uk-lad",
)

_UK_BOUNDARIES = "uk_itl1_regions_ons_buc_2018.geojson"
_UK_BOUNDARY_KEY = "itl121cd"


class GeographyError(ValueError):
    """A geography or its input tables are invalid; the message is one line."""


@dataclass(frozen=True, eq=False)
class Geography:
    """Places, the transport network between them and door-to-door travel times.

    Instances compare and hash by identity (``eq=False``): their fields hold a DataFrame, a
    graph and an array, which have no single truth value for ``==``.

    Attributes:
        name: Geography name: ``"uk-itl1"``, ``"grid"``, ``"random-geometric"`` or
            ``"core-periphery"`` (or any name given to :func:`build_from_tables`).
        places: One row per place, indexed by place code (``str``), with the
            :data:`REQUIRED_COLUMNS` first and any extra columns after them.
        graph: Transport network. Place nodes are place codes; there may be extra transit nodes
            (e.g. ``"Edinburgh"``). Edge attributes: ``minutes`` (the fastest mode), ``mode``
            (that mode) and ``modes`` (``{mode: minutes}`` for every mode given).
        travel_minutes: ``(P, P)`` read-only float64 array; ``T[i, j]`` is the door-to-door
            minutes from place ``i`` to place ``j`` in the order of ``places.index`` and
            ``T[i, i]`` the typical commute inside place ``i``.
        boundaries: File name of the shipped GeoJSON in ``sim/data/geo`` for maps, or ``None``.
        boundary_key: GeoJSON feature property that matches ``places.index``, or ``None``.
    """

    name: str
    places: pd.DataFrame
    graph: nx.Graph
    travel_minutes: np.ndarray
    boundaries: str | None = None
    boundary_key: str | None = None

    def __post_init__(self) -> None:
        """Store ``travel_minutes`` as a read-only float64 copy and check its shape."""
        matrix = np.array(self.travel_minutes, dtype=np.float64, copy=True)
        n = len(self.places)
        if matrix.shape != (n, n):
            raise GeographyError(
                f"travel_minutes has shape {matrix.shape}, expected ({n}, {n}) for {n} places"
            )
        matrix.flags.writeable = False
        object.__setattr__(self, "travel_minutes", matrix)

    @property
    def n_places(self) -> int:
        """Number of places."""
        return len(self.places)

    @property
    def codes(self) -> list[str]:
        """Place codes in matrix order."""
        return [str(code) for code in self.places.index]

    def index_of(self, code_or_name: str) -> int:
        """Return the matrix index of a place.

        Args:
            code_or_name: A place code (``"TLI"``) or display name (``"London"``); an exact
                match wins, otherwise the match is case-insensitive.

        Returns:
            The row/column of the place in :attr:`travel_minutes` and :attr:`places`.

        Raises:
            GeographyError: If no place has that code or name; the message lists valid ones.
        """
        key = str(code_or_name)
        codes = self.codes
        names = [str(name) for name in self.places["name"]]
        for candidates in (codes, names):
            if key in candidates:
                return candidates.index(key)
        folded = key.strip().casefold()
        for candidates in (codes, names):
            lowered = [c.casefold() for c in candidates]
            if folded in lowered:
                return lowered.index(folded)
        raise GeographyError(
            f"unknown place {key!r} in geography {self.name!r}; valid places: "
            f"{_describe_places(self.places)}"
        )


# --------------------------------------------------------------------------------------------
# Travel times
# --------------------------------------------------------------------------------------------


def internal_commute_km(area_km2: np.ndarray | Sequence[float] | float) -> np.ndarray:
    """Typical one-way commute inside a place, straight-line km: half the radius of its
    local labour market, a disc of the place's area capped at :data:`LOCAL_MARKET_AREA_KM2`::

        internal_commute_km = 0.5 * sqrt(min(area_km2, 1500) / pi)

    The distance :func:`internal_commute_from_area` turns into minutes, and the one the
    commuting-distance indicators use inside a place (:func:`sim.world.places.straight_line_km`),
    so that behaviour and measurement share one geometry.

    Args:
        area_km2: Area(s) in square kilometres, > 0.

    Returns:
        km, float64, same shape as ``area_km2``.
    """
    area = np.asarray(area_km2, dtype=np.float64)
    return 0.5 * np.sqrt(np.minimum(area, LOCAL_MARKET_AREA_KM2) / math.pi)


def internal_commute_from_area(
    area_km2: np.ndarray | Sequence[float] | float,
    population: np.ndarray | Sequence[float] | float | None = None,
) -> np.ndarray:
    """Typical one-way commute inside a place from its area and density (an approximation).

    A commuter crosses half the radius of the place's local labour market, a disc of the
    place's area capped at :data:`LOCAL_MARKET_AREA_KM2`, at a speed that falls with density:
    :data:`COMMUTE_SPEED_KMH` times ``(density / REFERENCE_DENSITY) ** -0.25`` within
    :data:`COMMUTE_SPEED_RANGE`. The result is clipped to :data:`COMMUTE_MINUTES_RANGE`
    (20..50 minutes, the range of UK regional mean commute times, DfT National Travel
    Survey). Without a population the reference speed is used.

    Args:
        area_km2: Area(s) in square kilometres, > 0.
        population: People living in the place(s), or None.

    Returns:
        Minutes, float64, same shape as ``area_km2``.
    """
    area = np.asarray(area_km2, dtype=np.float64)
    distance_km = internal_commute_km(area)
    if population is None:
        speed = np.full_like(area, COMMUTE_SPEED_KMH)
    else:
        density = np.asarray(population, dtype=np.float64) / area
        speed = np.clip(
            COMMUTE_SPEED_KMH * (density / REFERENCE_DENSITY) ** -0.25, *COMMUTE_SPEED_RANGE
        )
    minutes = 60.0 * distance_km / speed
    low, high = COMMUTE_MINUTES_RANGE
    return np.clip(minutes, low, high)


def travel_time_matrix(
    graph: nx.Graph, places: list[str], internal_minutes: np.ndarray
) -> np.ndarray:
    """Door-to-door travel minutes between places over a transport graph.

    ``T[i, j] = d(i, j) + a[i] + a[j]`` for ``i != j``, where ``d`` is the shortest-path minutes
    over edge attribute ``minutes`` (Dijkstra, :func:`scipy.sparse.csgraph.shortest_path`,
    undirected, possibly through transit nodes that are not places) and
    ``a = ACCESS_SHARE * internal_minutes``; ``T[i, i] = internal_minutes[i]``.

    Args:
        graph: Undirected transport graph whose edges carry a finite ``minutes`` > 0.
        places: Graph nodes that are places, in matrix order.
        internal_minutes: ``(P,)`` typical commute inside each place, finite and > 0.

    Returns:
        ``(P, P)`` read-only (``writeable=False``) float64 array.

    Raises:
        GeographyError: If a place is missing from the graph or repeated, an edge has a bad
            ``minutes``, ``internal_minutes`` has the wrong shape or bad values, or a place
            cannot be reached from the others.
    """
    nodes = list(places)
    n = len(nodes)
    if n == 0:
        raise GeographyError("travel_time_matrix needs at least one place; got none")
    if len(set(nodes)) != n:
        repeated = sorted({str(p) for p in nodes if nodes.count(p) > 1})
        raise GeographyError(f"places are repeated in the place list: {', '.join(repeated)}")
    absent = [str(p) for p in nodes if p not in graph]
    if absent:
        raise GeographyError(
            f"places {', '.join(absent)} are not nodes of the transport graph; "
            f"graph nodes: {', '.join(map(str, graph.nodes))}"
        )
    internal = np.asarray(internal_minutes, dtype=np.float64)
    if internal.shape != (n,):
        raise GeographyError(
            f"internal_minutes has shape {internal.shape}, expected ({n},) for {n} places"
        )
    bad = [str(p) for p, m in zip(nodes, internal, strict=True) if not (np.isfinite(m) and m > 0)]
    if bad:
        raise GeographyError(f"internal commute minutes of {', '.join(bad)} must be finite and > 0")
    for u, v, data in graph.edges(data=True):
        _check_minutes(data.get("minutes"), f"link {u}-{v}")

    place_set = set(nodes)
    order = nodes + [node for node in graph.nodes if node not in place_set]
    adjacency = nx.to_scipy_sparse_array(graph, nodelist=order, weight="minutes", format="csr")
    dist = shortest_path(adjacency, method="D", directed=False, indices=np.arange(n))[:, :n]
    if not np.all(np.isfinite(dist)):
        unreachable = [str(nodes[j]) for j in np.flatnonzero(~np.isfinite(dist[0]))]
        if not unreachable:  # place 0 reaches all; some other pair is cut off
            i = int(np.flatnonzero(~np.all(np.isfinite(dist), axis=1))[0])
            unreachable = [str(nodes[j]) for j in np.flatnonzero(~np.isfinite(dist[i]))]
        raise GeographyError(
            f"places {', '.join(unreachable)} cannot be reached from {nodes[0]} over the "
            "transport graph; every place must be connected"
        )
    dist = np.minimum(dist, dist.T)  # exact symmetry despite rounding along different paths
    access = ACCESS_SHARE * internal
    matrix = dist + (access[:, None] + access[None, :])
    np.fill_diagonal(matrix, internal)
    matrix = np.ascontiguousarray(matrix, dtype=np.float64)
    matrix.flags.writeable = False
    return matrix


# --------------------------------------------------------------------------------------------
# Building and validating from tables
# --------------------------------------------------------------------------------------------


def build_from_tables(
    name: str,
    places: pd.DataFrame,
    links: pd.DataFrame,
    *,
    extra_nodes: Iterable[str] = (),
    aliases: Mapping[str, str] | None = None,
    boundaries: str | None = None,
    boundary_key: str | None = None,
) -> Geography:
    """Validate a places table and a links table and build a :class:`Geography`.

    ``places`` must be indexed by place code and have every column of
    :data:`REQUIRED_COLUMNS`, except that ``internal_commute_minutes`` (when absent) is derived
    from ``area_km2`` with :func:`internal_commute_from_area` and ``access_minutes`` (when
    absent) is ``ACCESS_SHARE * internal_commute_minutes``. Extra columns are kept after the
    required ones.

    Skill shares: if ``basic + intermediate + advanced`` differs from 1 by more than 1e-6 but
    at most 0.02 (rounding in published percentages), the three shares are rescaled to sum to
    exactly 1; a larger difference is an error.

    ``links`` has columns ``origin``, ``destination``, ``minutes`` and optionally ``mode``
    (default ``"link"``). Origins and destinations may be place codes, place display names,
    keys of ``aliases`` or ``extra_nodes`` (transit nodes that are not places). When several
    rows join the same pair of nodes (e.g. rail and road) the fastest becomes the edge's
    ``minutes`` and ``mode`` (on a tie, the row listed first); all are kept in ``modes``.

    Args:
        name: Geography name.
        places: The places table (see above).
        links: The links table (see above).
        extra_nodes: Transit nodes that links may use but that are not places.
        aliases: Other names for places in ``links`` (e.g. main city -> region code).
        boundaries: File name of the shipped GeoJSON in ``sim/data/geo``, or ``None``.
        boundary_key: GeoJSON feature property matching the place codes, or ``None``.

    Returns:
        The validated geography, with its travel-time matrix.

    Raises:
        GeographyError: If a required column is missing, a value is missing, not finite or out
            of range (rates outside 0..1, skill shares not summing to 1, non-positive
            population or area), a link names an unknown place or has a missing, non-positive
            or non-finite travel time, or the network is disconnected.
    """
    if not isinstance(name, str) or not name.strip():
        raise GeographyError(f"geography name must be a non-empty string, got {name!r}")
    table = _validate_places(places)
    transit = _validate_extra_nodes(extra_nodes, table)
    lookup = _node_lookup(table, transit, aliases)
    graph = _build_graph(table, links, transit, lookup)
    _check_connected(graph, table)
    matrix = travel_time_matrix(
        graph, list(table.index), table["internal_commute_minutes"].to_numpy()
    )
    return Geography(
        name=name,
        places=table,
        graph=graph,
        travel_minutes=matrix,
        boundaries=boundaries,
        boundary_key=boundary_key,
    )


def _describe_places(places: pd.DataFrame, limit: int = 40) -> str:
    """``"CODE (name), ..."`` for the first ``limit`` places."""
    items = [f"{code} ({name})" for code, name in zip(places.index, places["name"], strict=True)]
    if len(items) > limit:
        items = items[:limit] + [f"... {len(items) - limit} more"]
    return ", ".join(items)


def _place_label(places: pd.DataFrame, code: str) -> str:
    """``"CODE (name)"`` of one place."""
    return f"{code} ({places.at[code, 'name']})"


def _check_minutes(value: object, what: str) -> float:
    """Return ``value`` as a float or raise unless it is a finite number > 0."""
    if value is None or isinstance(value, bool):
        raise GeographyError(f"{what} has a missing travel time; minutes must be finite and > 0")
    try:
        minutes = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise GeographyError(
            f"{what} has travel time {value!r}, not a number; minutes must be finite and > 0"
        ) from None
    if math.isnan(minutes):
        raise GeographyError(f"{what} has a missing travel time; minutes must be finite and > 0")
    if not math.isfinite(minutes) or minutes <= 0:
        raise GeographyError(
            f"{what} has travel time {minutes:g} minutes; minutes must be finite and > 0"
        )
    return minutes


def _validate_places(places: pd.DataFrame) -> pd.DataFrame:
    """Check the places table and return a clean copy with the required columns first."""
    if not isinstance(places, pd.DataFrame):
        raise GeographyError(f"places must be a pandas DataFrame, not {type(places).__name__}")
    if places.empty:
        raise GeographyError("places table has no rows; a geography needs at least one place")
    table = places.copy()
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns and c not in _DERIVED_COLUMNS]
    if missing:
        raise GeographyError(
            f"places table is missing required column(s) {', '.join(missing)}; "
            f"required: {', '.join(REQUIRED_COLUMNS)}"
        )
    codes = [str(code) for code in table.index]
    if any(not code.strip() or code == "nan" for code in codes):
        raise GeographyError("places index must hold non-empty place codes (str)")
    if len(set(codes)) != len(codes):
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        raise GeographyError(
            f"place codes are repeated: {', '.join(repeated)}; codes must be unique"
        )
    table.index = pd.Index(codes, name="code")

    names = table["name"]
    if names.isna().any() or any(not str(n).strip() for n in names):
        bad = [c for c, n in zip(codes, names, strict=True) if pd.isna(n) or not str(n).strip()]
        raise GeographyError(f"places {', '.join(bad)} have no name; every place needs a name")
    table["name"] = names.astype(str)
    name_list = list(table["name"])
    if len(set(name_list)) != len(name_list):
        repeated = sorted({n for n in name_list if name_list.count(n) > 1})
        raise GeographyError(
            f"place names are repeated: {', '.join(repeated)}; names must be unique"
        )

    numeric = [c for c in REQUIRED_COLUMNS if c != "name" and c in table.columns]
    for column in numeric:
        values = pd.to_numeric(table[column], errors="coerce").astype(np.float64)
        bad = [c for c, v in zip(codes, values, strict=True) if not np.isfinite(v)]
        if bad:
            raise GeographyError(
                f"places column {column} has a missing or non-finite value for "
                f"{_place_label(table, bad[0])}; every required column needs a finite number"
            )
        table[column] = values

    for column in _POSITIVE_COLUMNS:
        if column in table.columns:
            _check_range(table, column, low=0.0, low_inclusive=False, allowed="> 0")
    for column in _NON_NEGATIVE_COLUMNS:
        _check_range(table, column, low=0.0, low_inclusive=True, allowed=">= 0")
    over = table.index[table["working_age"] > table["population"]]
    if len(over):
        raise GeographyError(
            f"places column working_age exceeds population for {_place_label(table, over[0])}; "
            "working_age must be <= population"
        )
    for column in RATE_COLUMNS:
        values = table[column]
        outside = table.index[(values < 0.0) | (values > 1.0)]
        if len(outside):
            code = outside[0]
            raise GeographyError(
                f"places column {column} is {values[code]:g} for {_place_label(table, code)}, "
                "outside 0..1 (rates are shares, not percentages)"
            )

    skills = table[list(SKILL_COLUMNS)].to_numpy()
    totals = skills.sum(axis=1)
    off = np.abs(totals - 1.0)
    if np.any(off > _SKILL_NORMALISE_TOL):
        k = int(np.argmax(off > _SKILL_NORMALISE_TOL))
        raise GeographyError(
            f"skill shares of {_place_label(table, codes[k])} sum to {totals[k]:.6g}; "
            f"skill_share_basic + skill_share_intermediate + skill_share_advanced must be 1 "
            f"(within {_SKILL_SUM_TOL:g}; sums within {_SKILL_NORMALISE_TOL:g} are normalised)"
        )
    rescale = off > _SKILL_SUM_TOL
    if np.any(rescale):
        skills[rescale] = skills[rescale] / totals[rescale, None]
        table[list(SKILL_COLUMNS)] = skills

    if "internal_commute_minutes" not in places.columns:
        table["internal_commute_minutes"] = internal_commute_from_area(
            table["area_km2"].to_numpy(), table["population"].to_numpy()
        )
    if "access_minutes" not in places.columns:
        table["access_minutes"] = ACCESS_SHARE * table["internal_commute_minutes"]
    for column in _DERIVED_COLUMNS:
        _check_range(table, column, low=0.0, low_inclusive=False, allowed="> 0")

    extras = [c for c in table.columns if c not in REQUIRED_COLUMNS]
    return table[list(REQUIRED_COLUMNS) + extras]


def _check_range(
    table: pd.DataFrame, column: str, *, low: float, low_inclusive: bool, allowed: str
) -> None:
    """Raise unless every value of ``column`` is above ``low`` (or equal when inclusive)."""
    values = table[column]
    bad = table.index[values < low] if low_inclusive else table.index[values <= low]
    if len(bad):
        code = bad[0]
        raise GeographyError(
            f"places column {column} is {values[code]:g} for {_place_label(table, code)}; "
            f"it must be {allowed}"
        )


def _validate_extra_nodes(extra_nodes: Iterable[str], table: pd.DataFrame) -> list[str]:
    """Check transit node names: strings, unique, not clashing with place codes or names."""
    if isinstance(extra_nodes, str):
        extra_nodes = [extra_nodes]
    transit = [str(node) for node in extra_nodes]
    taken = set(table.index) | set(table["name"])
    clash = [node for node in transit if node in taken]
    if clash:
        raise GeographyError(
            f"extra node {clash[0]!r} has the code or name of a place; transit nodes need "
            "their own names"
        )
    if len(set(transit)) != len(transit):
        raise GeographyError(f"extra nodes are repeated: {', '.join(transit)}")
    return transit


def _node_lookup(
    table: pd.DataFrame, transit: list[str], aliases: Mapping[str, str] | None
) -> dict[str, str]:
    """Map every name a link may use (code, display name, alias, transit node) to a node."""
    lookup: dict[str, str] = {node: node for node in transit}
    lookup.update({str(n): str(code) for code, n in table["name"].items()})
    lookup.update({str(code): str(code) for code in table.index})
    for alias, target in (aliases or {}).items():
        if str(target) not in table.index:
            raise GeographyError(
                f"alias {alias!r} points to unknown place code {target!r}; valid codes: "
                f"{', '.join(table.index)}"
            )
        lookup.setdefault(str(alias), str(target))
    return lookup


def _build_graph(
    table: pd.DataFrame, links: pd.DataFrame, transit: list[str], lookup: dict[str, str]
) -> nx.Graph:
    """Check the links table and build the transport graph (fastest mode per pair)."""
    if not isinstance(links, pd.DataFrame):
        raise GeographyError(f"links must be a pandas DataFrame, not {type(links).__name__}")
    missing = [c for c in ("origin", "destination", "minutes") if c not in links.columns]
    if missing:
        raise GeographyError(
            f"links table is missing required column(s) {', '.join(missing)}; "
            "required: origin, destination, minutes (mode optional)"
        )
    graph = nx.Graph()
    graph.add_nodes_from(table.index, kind="place")
    graph.add_nodes_from(transit, kind="transit")
    modes = links["mode"] if "mode" in links.columns else pd.Series("link", index=links.index)
    valid = f"valid places: {_describe_places(table)}"
    if transit:
        valid += f"; transit nodes: {', '.join(transit)}"
    if aliases := sorted(set(lookup) - set(table.index) - set(table["name"]) - set(transit)):
        valid += f"; aliases: {', '.join(aliases)}"
    for row, (origin, destination, minutes, mode) in enumerate(
        zip(links["origin"], links["destination"], links["minutes"], modes, strict=True)
    ):
        what = f"link {origin}-{destination} (row {row})"
        ends = []
        for end in (origin, destination):
            key = "" if pd.isna(end) else str(end).strip()
            if key not in lookup:
                raise GeographyError(f"{what} names unknown place {key!r}; {valid}")
            ends.append(lookup[key])
        u, v = ends
        if u == v:
            raise GeographyError(f"{what} joins a place to itself; links must join two places")
        value = _check_minutes(None if pd.isna(minutes) else minutes, what)
        mode_name = "link" if pd.isna(mode) else str(mode)
        if graph.has_edge(u, v):
            data = graph.edges[u, v]
            data["modes"][mode_name] = min(value, data["modes"].get(mode_name, math.inf))
            if value < data["minutes"]:
                data["minutes"], data["mode"] = value, mode_name
        else:
            graph.add_edge(u, v, minutes=value, mode=mode_name, modes={mode_name: value})
    return graph


def _check_connected(graph: nx.Graph, table: pd.DataFrame) -> None:
    """Raise naming the places (and transit nodes) not reachable from the first place."""
    if nx.is_connected(graph):
        return
    first = str(table.index[0])
    reached = nx.node_connected_component(graph, first)
    cut_off = [node for node in graph.nodes if node not in reached]
    labels = [
        _place_label(table, node) if node in table.index else f"transit node {node}"
        for node in cut_off
    ]
    if len(labels) > 40:
        labels = labels[:40] + [f"... {len(labels) - 40} more"]
    raise GeographyError(
        f"transport network is disconnected: {', '.join(labels)} cannot be reached from "
        f"{_place_label(table, first)}; add links so every place is connected"
    )


# --------------------------------------------------------------------------------------------
# The UK ITL1 regions
# --------------------------------------------------------------------------------------------


def census_workers_ratio() -> pd.Series:
    """People working in each ITL1 region per resident in work (2011 Census, WU03UK).

    Workers in region ``r``: everyone whose fixed workplace is in ``r``, wherever they
    live, plus ``r``'s residents who work mainly at home or have no fixed place of work;
    residents in work: all of ``r``'s residents in work (also those working offshore or
    abroad). Both sides count the same people (aged 16-74, main job), so the ratio says
    only where work is. ``sim/data/geo/uk_commute_2011_itl1_long.csv``.
    """
    d = read_data_csv("geo/uk_commute_2011_itl1_long.csv")
    workplace, persons = d["workplace_itl121cd"], d["persons"]
    by_residence = persons.groupby(d["residence_itl121cd"])
    fixed = persons[workplace.isin(by_residence.groups)].groupby(workplace).sum()
    at_home = persons[workplace.isin(["HOME", "NO_FIXED_PLACE"])].groupby(
        d["residence_itl121cd"]).sum()
    return (fixed + at_home) / by_residence.sum()


def uk_itl1() -> Geography:
    """The 12 UK ITL1 regions (TLC North East .. TLN Northern Ireland) from shipped data.

    Places come from ``sim/data/uk/itl1_regions.csv`` (sources in ``column_sources.csv``):

    * ``lat``/``lon``: geographic (area-weighted, not population-weighted) centroid.
    * ``population``: ONS mid-2019; ``working_age``: people aged 16-64 (APS 2019).
    * ``employment_rate`` (16-64) and ``unemployment_rate`` (16+): 2019, as shares. Northern
      Ireland's unemployment is the direct APS Apr 2019-Mar 2020 figure (not modelled).
    * Skills: ``skill_share_advanced`` = Level 4+ share (2019),
      ``skill_share_intermediate`` = Level 3+ share (APS 2021) minus the Level 4+ share,
      ``skill_share_basic`` = the remainder. The two inputs come from different years.
      ESTIMATE: the Level 4+ shares of every region except London are estimates (Census 2021
      Level 4+ x 1.19, +/-2 points; Scotland and Northern Ireland are judgement values from
      ranges 42-48 and 32-38); the column ``skill_share_advanced_status`` keeps the flag.
    * ``gva_per_hour_gbp``: smoothed GVA per hour worked, 2019; ``median_weekly_pay_gbp``: ASHE
      2019 median, all employees (the full-time column kept as
      ``median_weekly_pay_fulltime_gbp_estimate`` is an ESTIMATE).
    * ``workplace_jobs``: where the jobs are: the region's employed residents (APS 2019)
      times the people working in the region per resident in work in the 2011 Census
      (:func:`census_workers_ratio`; London 1.13, the East of England 0.93). ONS workforce
      jobs 2019 (kept as ``workforce_jobs``) count jobs, not people: second jobs, the
      self-employed and workers over 64 as well, against residents in work aged 16-64.
      Their ratio to employed residents differs by region for reasons other than where work
      is: relative to the UK's, Scotland's is 5.4% and the North East's 9.4% lower, where
      the Census's count of the same people on both sides has 0.3% and 2.1%; and in the
      model every missing job is an unemployed resident.
    * ``broadband_share``/``gigabit_share``: Ofcom, January 2024 (no regional 2019 figures).
    * ``rd_business_gbp_m``: BERD 2022; ``rd_public_gbp_m``: public-funded R&D, FYE 2021.
    * ``internal_commute_minutes``/``access_minutes``: the area-based approximation of the
      module docstring (every region but London is larger than the disc that reaches the
      45-minute cap).

    Extra columns: ``ons_code``, ``main_city``, ``main_city_lat``, ``main_city_lon``,
    ``employed`` (16-64), ``workplace_jobs``, ``workforce_jobs``, ``hours_worked_per_week``,
    ``median_weekly_pay_fulltime_gbp_estimate`` and ``skill_share_advanced_status``.

    The transport graph joins the regions' main cities (mapped to region codes) plus Edinburgh
    as a transit node, with the rail, road, ferry+road and air links of
    ``sim/data/uk/travel_times.csv``; the fastest mode of each pair is the edge. Northern
    Ireland is joined only by ferry+road and air links. ESTIMATE: most times in that file are
    approximate timetable or route-planner values (flagged "NOT verified" in its source
    column); only the London-Birmingham, London-Manchester, Birmingham-Manchester and
    Birmingham-Leeds rail times cite a source.

    Returns:
        The ``"uk-itl1"`` geography, with boundaries ``uk_itl1_regions_ons_buc_2018.geojson``
        keyed by ``itl121cd``.
    """
    raw = read_data_csv("uk/itl1_regions.csv").set_index("itl1_code")
    advanced = raw["nvq4plus_pct_16_64_2019"] / 100.0
    level3_plus = raw["nvq3plus_pct_16_64_aps_2021"] / 100.0
    intermediate = level3_plus - advanced
    places = pd.DataFrame(
        {
            "name": raw["region"],
            "lat": raw["geo_centroid_lat"],
            "lon": raw["geo_centroid_lon"],
            "area_km2": raw["area_km2"],
            "population": raw["pop_total_mid2019"],
            "working_age": raw["pop_16_64_aps_2019"],
            "employment_rate": raw["employment_rate_16_64_2019"] / 100.0,
            "unemployment_rate": raw["unemployment_rate_16plus_2019"] / 100.0,
            "skill_share_basic": 1.0 - level3_plus,
            "skill_share_intermediate": intermediate,
            "skill_share_advanced": advanced,
            "gva_per_hour_gbp": raw["gva_per_hour_gbp_2019_smoothed"],
            "median_weekly_pay_gbp": raw["median_weekly_pay_all_employees_2019"],
            "broadband_share": raw["superfast_30mbps_pct_premises_jan2024"] / 100.0,
            "gigabit_share": raw["gigabit_capable_pct_premises_jan2024"] / 100.0,
            "rd_business_gbp_m": raw["berd_2022_gbp_m"],
            "rd_public_gbp_m": raw["public_funded_rd_fye2021_gbp_m"],
            "ons_code": raw["ons_code"],
            "main_city": raw["main_city"],
            "main_city_lat": raw["main_city_lat"],
            "main_city_lon": raw["main_city_lon"],
            "employed": raw["employed_16_64_aps_2019"].astype(np.float64),
            "workplace_jobs": raw["employed_16_64_aps_2019"].astype(np.float64)
            * census_workers_ratio().reindex(raw.index).to_numpy(),
            "workforce_jobs": raw["workplace_jobs_2019"].astype(np.float64),
            "hours_worked_per_week": raw["hours_worked_per_week_2019"].astype(np.float64),
            "median_weekly_pay_fulltime_gbp_estimate": raw[
                "median_weekly_pay_fulltime_2019_ESTIMATE"
            ],
            "skill_share_advanced_status": raw["nvq4plus_status"],
        },
        index=raw.index.astype(str),
    )
    links = read_data_csv("uk/travel_times.csv")
    aliases = dict(zip(places["main_city"], places.index, strict=True))
    return build_from_tables(
        "uk-itl1",
        places,
        links,
        extra_nodes=("Edinburgh",),
        aliases=aliases,
        boundaries=_UK_BOUNDARIES,
        boundary_key=_UK_BOUNDARY_KEY,
    )


# --------------------------------------------------------------------------------------------
# Synthetic geographies
# --------------------------------------------------------------------------------------------


def _as_int(value: object, what: str, minimum: int) -> int:
    """Return ``value`` as an int >= ``minimum`` or raise a one-line error."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise GeographyError(f"{what} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise GeographyError(f"{what} must be an integer >= {minimum}, got {value}")
    return int(value)


def _as_positive(value: object, what: str) -> float:
    """Return ``value`` as a finite float > 0 or raise a one-line error."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise GeographyError(f"{what} must be a finite number > 0, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise GeographyError(f"{what} must be a finite number > 0, got {value!r}")
    return number


def _synthetic_places(
    rng: np.random.Generator,
    codes: list[str],
    names: list[str],
    x: np.ndarray,
    y: np.ndarray,
    area_km2: np.ndarray,
    population: np.ndarray,
    *,
    core: np.ndarray | None = None,
) -> pd.DataFrame:
    """Plausible UK-like place attributes, drawn from ``rng`` (deterministic for a seed).

    Central values: employment rate 0.75, unemployment 0.04, skill shares 0.41/0.21/0.38
    (basic/intermediate/advanced), GVA 35 GBP/hour, pay 480 GBP/week, superfast broadband 0.96,
    gigabit 0.78, business R&D 690 GBP and public R&D 200 GBP per resident (UK 2022 and
    FYE2021 totals over population). Places in ``core`` get GVA 48, pay 560, advanced share
    0.50, intermediate 0.18 and three times the R&D per resident; the rest get 0.6 times.
    """
    n = len(codes)
    core_mask = np.zeros(n, dtype=bool) if core is None else np.asarray(core, dtype=bool)
    population = population * rng.lognormal(0.0, 0.1, n)
    gva_centre = np.where(core_mask, 48.0, 35.0 if core is None else 31.0)
    pay_centre = np.where(core_mask, 560.0, 480.0 if core is None else 450.0)
    advanced_centre = np.where(core_mask, 0.50, 0.38 if core is None else 0.33)
    intermediate_centre = np.where(core_mask, 0.18, 0.21)
    rd_factor = np.where(core_mask, 3.0, 1.0 if core is None else 0.6)
    advanced = np.clip(advanced_centre + rng.normal(0.0, 0.02, n), 0.15, 0.65)
    intermediate = np.clip(intermediate_centre + rng.normal(0.0, 0.015, n), 0.10, 0.30)
    return pd.DataFrame(
        {
            "name": names,
            "lat": y,
            "lon": x,
            "area_km2": area_km2,
            "population": population,
            "working_age": population * np.clip(rng.normal(0.62, 0.01, n), 0.55, 0.70),
            "employment_rate": np.clip(rng.normal(0.75, 0.02, n), 0.60, 0.90),
            "unemployment_rate": np.clip(rng.normal(0.04, 0.008, n), 0.02, 0.08),
            "skill_share_basic": 1.0 - advanced - intermediate,
            "skill_share_intermediate": intermediate,
            "skill_share_advanced": advanced,
            "gva_per_hour_gbp": gva_centre * rng.lognormal(0.0, 0.05, n),
            "median_weekly_pay_gbp": pay_centre * rng.lognormal(0.0, 0.03, n),
            "broadband_share": np.clip(rng.normal(0.96, 0.01, n), 0.85, 0.995),
            "gigabit_share": np.clip(rng.normal(0.78, 0.05, n), 0.50, 0.98),
            "rd_business_gbp_m": population * 690e-6 * rd_factor * rng.lognormal(0.0, 0.2, n),
            "rd_public_gbp_m": population * 200e-6 * rd_factor * rng.lognormal(0.0, 0.2, n),
        },
        index=pd.Index(codes, name="code"),
    )


def _links_frame(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    """A links table from ``(origin, destination, minutes, mode)`` rows."""
    return pd.DataFrame(rows, columns=["origin", "destination", "minutes", "mode"])


def grid(
    rows: int = 3,
    cols: int = 3,
    *,
    minutes_per_edge: float = 40.0,
    population: float = 1_000_000,
    seed: int = 0,
) -> Geography:
    """A ``rows x cols`` lattice of places, each linked to its 4 neighbours by road.

    Place ``R{r}C{c}`` sits at abstract planar coordinates ``lon = c``, ``lat = r`` (units of
    one grid step, not degrees). Each place is a square whose side is the distance covered in
    ``minutes_per_edge`` at 60 km/h, so ``area_km2 = minutes_per_edge ** 2``. Attributes are
    drawn around UK-like values with ``numpy.random.default_rng(seed)``; populations vary by
    about 10% around ``population``.

    Args:
        rows: Number of rows, >= 1.
        cols: Number of columns, >= 1.
        minutes_per_edge: Travel minutes between neighbouring places, > 0.
        population: Typical population of each place, > 0.
        seed: Seed for the attributes.

    Returns:
        The ``"grid"`` geography (no boundaries).
    """
    rows = _as_int(rows, "rows", 1)
    cols = _as_int(cols, "cols", 1)
    minutes = _as_positive(minutes_per_edge, "minutes_per_edge")
    population = _as_positive(population, "population")
    seed = _as_int(seed, "seed", 0)
    rng = np.random.default_rng(seed)
    rr, cc = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    rr, cc = rr.ravel(), cc.ravel()
    codes = [f"R{r}C{c}" for r, c in zip(rr, cc, strict=True)]
    names = [f"Grid r{r} c{c}" for r, c in zip(rr, cc, strict=True)]
    n = rows * cols
    places = _synthetic_places(
        rng,
        codes,
        names,
        cc.astype(np.float64),
        rr.astype(np.float64),
        np.full(n, minutes**2),
        np.full(n, population),
    )
    link_rows = []
    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols:
                link_rows.append((f"R{r}C{c}", f"R{r}C{c + 1}", minutes, "road"))
            if r + 1 < rows:
                link_rows.append((f"R{r}C{c}", f"R{r + 1}C{c}", minutes, "road"))
    return build_from_tables("grid", places, _links_frame(link_rows))


def random_geometric(
    n: int = 10,
    *,
    radius: float = 0.45,
    seed: int = 0,
    minutes_per_unit: float = 300.0,
    population: float = 1_000_000,
    connect: bool = True,
) -> Geography:
    """Places scattered in the unit square, linked by road when closer than ``radius``.

    Uses :func:`networkx.random_geometric_graph` (positions from ``seed``). Place ``P{k}`` has
    abstract planar coordinates ``lon = x``, ``lat = y`` in the unit square. A link takes
    ``distance * minutes_per_unit`` minutes (at least 1); at 60 km/h the square's side is
    ``minutes_per_unit`` km and each place gets an equal share of its area.

    If the random graph is disconnected and ``connect`` is true, components are joined
    deterministically: repeatedly, the shortest straight link between the component that holds
    ``P0`` and any other component is added (mode ``"added"``), until the graph is connected.
    With ``connect=False`` a disconnected graph raises :class:`GeographyError`.

    Args:
        n: Number of places, >= 1.
        radius: Link distance threshold in unit-square units, > 0.
        seed: Seed for positions and attributes.
        minutes_per_unit: Minutes per unit of straight-line distance, > 0.
        population: Typical population of each place, > 0.
        connect: Join a disconnected graph (see above) instead of raising.

    Returns:
        The ``"random-geometric"`` geography (no boundaries).
    """
    n = _as_int(n, "n", 1)
    radius = _as_positive(radius, "radius")
    seed = _as_int(seed, "seed", 0)
    scale = _as_positive(minutes_per_unit, "minutes_per_unit")
    population = _as_positive(population, "population")
    raw = nx.random_geometric_graph(n, radius, seed=seed)
    xy = np.array([raw.nodes[k]["pos"] for k in range(n)], dtype=np.float64)
    distance = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    edges = [(int(u), int(v), "road") for u, v in raw.edges()]
    if connect:
        labels = _component_labels(n, [(u, v) for u, v, _ in edges])
        while labels.max() > 0:
            inside = labels == labels[0]
            masked = np.where(inside[:, None] & ~inside[None, :], distance, np.inf)
            u, v = np.unravel_index(int(np.argmin(masked)), masked.shape)
            edges.append((int(u), int(v), "added"))
            labels = _component_labels(n, [(a, b) for a, b, _ in edges])
    codes = [f"P{k}" for k in range(n)]
    rng = np.random.default_rng(seed)
    places = _synthetic_places(
        rng,
        codes,
        [f"Place {k}" for k in range(n)],
        xy[:, 0],
        xy[:, 1],
        np.full(n, scale**2 / n),
        np.full(n, population),
    )
    links = _links_frame(
        [(codes[u], codes[v], max(1.0, float(distance[u, v]) * scale), m) for u, v, m in edges]
    )
    return build_from_tables("random-geometric", places, links)


def _component_labels(n: int, edges: list[tuple[int, int]]) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes; node 0's component is labelled 0."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    labels = np.empty(n, dtype=np.int64)
    components = sorted(nx.connected_components(graph), key=min)
    for label, component in enumerate(components):
        labels[list(component)] = label
    return labels


def core_periphery(
    n_periphery: int = 8,
    *,
    seed: int = 0,
    core_minutes: float = 45.0,
    spoke_minutes: float = 100.0,
    ring_minutes: float = 120.0,
    core_population: float = 6_000_000,
    periphery_population: float = 3_000_000,
) -> Geography:
    """A research 'golden triangle' of 3 core places and a ring of peripheral places.

    Core places ``C1``..``C3`` (like London, Oxford and Cambridge) sit on a small triangle and
    are linked to each other by fast rail (``core_minutes``); they have higher productivity
    (GVA about 48 vs 31 GBP/hour), pay (about 560 vs 450 GBP/week), advanced-skill share
    (about 0.50 vs 0.33) and five times the R&D per resident, so most R&D is in the core.
    Peripheral places ``P1``..``Pn`` sit on the unit circle (abstract planar coordinates,
    ``lon = x``, ``lat = y``); each is linked to its nearest core place (``spoke_minutes``) and
    to its ring neighbours (``ring_minutes``). Attributes vary around those values with
    ``numpy.random.default_rng(seed)``.

    Args:
        n_periphery: Number of peripheral places, >= 0.
        seed: Seed for the attributes.
        core_minutes: Minutes between core places, > 0.
        spoke_minutes: Minutes from a peripheral place to its nearest core place, > 0.
        ring_minutes: Minutes between neighbouring peripheral places, > 0.
        core_population: Typical population of a core place, > 0.
        periphery_population: Typical population of a peripheral place, > 0.

    Returns:
        The ``"core-periphery"`` geography (no boundaries).
    """
    n_periphery = _as_int(n_periphery, "n_periphery", 0)
    seed = _as_int(seed, "seed", 0)
    core_minutes = _as_positive(core_minutes, "core_minutes")
    spoke_minutes = _as_positive(spoke_minutes, "spoke_minutes")
    ring_minutes = _as_positive(ring_minutes, "ring_minutes")
    core_population = _as_positive(core_population, "core_population")
    periphery_population = _as_positive(periphery_population, "periphery_population")

    core_angle = np.pi / 2 + 2 * np.pi * np.arange(3) / 3
    ring_angle = np.pi / 2 + 2 * np.pi * (np.arange(n_periphery) + 0.5) / max(n_periphery, 1)
    x = np.concatenate([0.15 * np.cos(core_angle), np.cos(ring_angle)])
    y = np.concatenate([0.15 * np.sin(core_angle), np.sin(ring_angle)])
    core_codes = [f"C{k + 1}" for k in range(3)]
    ring_codes = [f"P{k + 1}" for k in range(n_periphery)]
    codes = core_codes + ring_codes
    names = [f"Core {k + 1}" for k in range(3)] + [f"Periphery {k + 1}" for k in range(n_periphery)]
    is_core = np.arange(3 + n_periphery) < 3
    rng = np.random.default_rng(seed)
    places = _synthetic_places(
        rng,
        codes,
        names,
        x,
        y,
        np.where(is_core, 1600.0, 15000.0),
        np.where(is_core, core_population, periphery_population),
        core=is_core,
    )
    link_rows = [
        (core_codes[a], core_codes[b], core_minutes, "rail") for a, b in ((0, 1), (1, 2), (0, 2))
    ]
    for k in range(n_periphery):
        px, py = x[3 + k], y[3 + k]
        nearest = int(np.argmin(np.hypot(x[:3] - px, y[:3] - py)))
        link_rows.append((ring_codes[k], core_codes[nearest], spoke_minutes, "rail"))
    ring_pairs = (
        [(k, (k + 1) % n_periphery) for k in range(n_periphery)]
        if n_periphery >= 3
        else [(0, 1)]
        if n_periphery == 2
        else []
    )
    link_rows += [(ring_codes[a], ring_codes[b], ring_minutes, "road") for a, b in ring_pairs]
    return build_from_tables("core-periphery", places, _links_frame(link_rows))


#: The ``[geography_options]`` each geography uses (the others must be left out).
GEOGRAPHY_OPTIONS: dict[str, tuple[str, ...]] = {
    "uk-itl1": (),
    "uk-lad": (),
    "grid": ("rows", "cols", "minutes_per_edge", "population", "seed"),
    "random-geometric": ("n", "seed"),
    "core-periphery": ("n_periphery", "seed"),
}
