"""Plots of simulated place-level labour-market indicators.

Every function here builds its own :class:`matplotlib.figure.Figure` attached to an Agg
canvas (or draws on an ``ax`` the caller passes in) and never touches ``pyplot``'s global
state, so plotting works headless, in worker threads and inside notebooks alike.

* :func:`plot_indicator_over_time` draws one line per place for an indicator column of the
  ``places`` frame (one row per place and month).
* :func:`plot_map` draws a choropleth of one value per place: the polygons of the GeoJSON
  boundaries shipped in ``sim/data/geo`` for real geographies, or circles sized by population
  (with the transport links) for synthetic geographies without boundaries.
* :func:`write_standard_plots` writes the standard set of PNG files of a run.

Boundary files are read with :mod:`json` and drawn with matplotlib patches only; no GIS
library is needed.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import PercentFormatter

from sim.core.indicators import INDICATORS
from sim.world.resources import data_path

__all__ = [
    "MISSING_COLOUR",
    "STANDARD_DPI",
    "load_boundaries",
    "plot_indicator_over_time",
    "plot_map",
    "write_standard_plots",
]

#: Fill colour of places that have no value in a map.
MISSING_COLOUR = "lightgrey"
#: Resolution of the PNG files written by :func:`write_standard_plots`.
STANDARD_DPI = 120

#: Places above this count get their legend outside the axes, in columns.
_LEGEND_INSIDE_MAX = 6
#: Beyond this many places a time series shows the median and a percentile band instead
#: of one line per place.
MAX_LINES = 40
#: Line styles cycled through when there are more places than colours.
_LINE_STYLES = ("-", "--", ":", "-.")
#: Marker area (points squared) of the most populous place on a synthetic map.
_MAX_MARKER_AREA = 900.0

#: One ring: an (n, 2) array of (longitude, latitude); one polygon: its exterior ring then
#: its holes.
Ring = np.ndarray
PolygonRings = tuple[Ring, ...]


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _new_figure(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """Return a new figure on an Agg canvas and its single axes."""
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _figure_of(ax: Axes) -> Figure:
    """Return the top-level figure an axes belongs to (also for axes in subfigures)."""
    fig: Any = ax.figure
    while fig is not None and not isinstance(fig, Figure):
        fig = fig.figure
    if fig is None:  # pragma: no cover - axes added to a figure always have one
        raise ValueError("ax does not belong to a figure")
    return fig


def _pretty(indicator: str) -> str:
    """Turn a column name such as ``good_jobs_share`` into ``Good jobs share``."""
    text = indicator.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _label(indicator: str) -> str:
    """The registry's label of an indicator, or its name made readable if it has none."""
    entry = INDICATORS.get(indicator)
    return entry.label if entry is not None else _pretty(indicator)


def _axis_label(indicator: str, percent: bool) -> str:
    """Axis label with the unit from the registry (``(%)`` for percentages)."""
    entry = INDICATORS.get(indicator)
    if percent:
        return f"{_label(indicator)} (%)"
    if entry is None or entry.percent:
        return _label(indicator)
    return f"{entry.label} ({entry.unit})"


def _is_percent(indicator: str) -> bool:
    """Whether the registry writes the indicator as a percentage (False if unknown)."""
    entry = INDICATORS.get(indicator)
    return entry is not None and entry.percent


def _line_style(i: int, n: int) -> tuple[Any, str]:
    """Colour and line style of the i-th of n lines, distinct for up to 40 lines."""
    if n <= 10:
        return colormaps["tab10"](i), "-"
    if n <= 20:
        return colormaps["tab20"](i), "-"
    return colormaps["tab10"](i % 10), _LINE_STYLES[(i // 10) % len(_LINE_STYLES)]


def _check_places(places: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise ``ValueError`` unless ``places`` is a non-empty frame with ``columns``."""
    if not isinstance(places, pd.DataFrame):
        raise ValueError(f"places must be a pandas DataFrame, not {type(places).__name__}")
    if places.empty:
        raise ValueError("places is empty: there is nothing to plot")
    missing = [c for c in columns if c not in places.columns]
    if missing:
        raise ValueError(
            f"places lacks the column(s) {missing}; it has {sorted(map(str, places.columns))}"
        )


def _check_indicator(places: pd.DataFrame, indicator: str) -> None:
    """Raise ``ValueError`` unless ``indicator`` is a numeric indicator column of ``places``."""
    if indicator not in places.columns:
        available = [
            str(c)
            for c in places.columns
            if c not in ("month", "place", "name") and pd.api.types.is_numeric_dtype(places[c])
        ]
        raise ValueError(
            f"unknown indicator {indicator!r}; available indicators: {', '.join(available)}"
        )
    if not pd.api.types.is_numeric_dtype(places[indicator]):
        raise ValueError(f"indicator {indicator!r} is not numeric ({places[indicator].dtype})")


# --------------------------------------------------------------------------------------------
# Time series
# --------------------------------------------------------------------------------------------


def plot_indicator_over_time(
    places: pd.DataFrame,
    indicator: str,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    percent: bool | None = None,
) -> Figure:
    """Plot one indicator over time, one line per place.

    Args:
        places: One row per place and month, with columns ``month``, ``place`` and the
            indicator; an optional ``name`` column gives the legend labels (else the codes).
        indicator: Name of the indicator column to plot, e.g. ``"unemployment_rate"``.
        ax: Axes to draw on; a new figure is made when None.
        title: Axes title; defaults to ``"<label> by place"`` with the indicator's label
            from the registry (:mod:`sim.core.indicators`), or its name for a column the
            registry does not know.
        percent: Show the y axis as percentages of 1. When None, as the registry formats
            the indicator (shares as percentages; never for an unknown column). The y axis
            is labelled with the registry's label and unit.

    Returns:
        The figure drawn on (the new one, or the one ``ax`` belongs to).

    Raises:
        ValueError: If ``places`` is empty, lacks ``month``/``place``, the indicator is not a
            numeric column of it, or a place has more than one row for a month.
    """
    _check_places(places, ["month", "place"])
    _check_indicator(places, indicator)
    duplicated = places.duplicated(["place", "month"])
    if duplicated.any():
        first = places.loc[duplicated, ["place", "month"]].iloc[0]
        raise ValueError(
            "places has more than one row per place and month "
            f"(e.g. place {first['place']!r}, month {first['month']}); aggregate it first"
        )
    if percent is None:
        percent = _is_percent(indicator)

    if ax is None:
        fig, ax = _new_figure((9.0, 5.0))
    else:
        fig = _figure_of(ax)

    codes = sorted(places["place"].unique(), key=str)
    many = len(codes) > MAX_LINES
    if many:
        # Too many places for one line each (districts): the median place and the band
        # between the 10th and 90th percentiles across places, month by month.
        wide = places.pivot(index="month", columns="place", values=indicator).sort_index()
        months = wide.index.to_numpy()
        q10, q50, q90 = (wide.quantile(q, axis=1).to_numpy() for q in (0.1, 0.5, 0.9))
        ax.fill_between(months, q10, q90, color="tab:blue", alpha=0.25,
                        label=f"10th-90th percentile of {len(codes)} places")
        ax.plot(months, q50, color="tab:blue", lw=2.0, label="median place")
    else:
        names = (
            places.groupby("place", sort=True)["name"].first()
            if "name" in places.columns
            else pd.Series(dtype=object)
        )
        for i, code in enumerate(codes):
            series = places.loc[places["place"] == code].sort_values("month")
            label = str(names.get(code, code)) if len(names) else str(code)
            colour, style = _line_style(i, len(codes))
            ax.plot(
                series["month"].to_numpy(),
                series[indicator].to_numpy(),
                label=label,
                color=colour,
                linestyle=style,
                lw=1.5,
            )

    ax.set_xlabel("Month")
    ax.set_ylabel(_axis_label(indicator, percent))
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_title(title if title is not None else f"{_label(indicator)} by place")
    ax.grid(True, alpha=0.3)
    first_month, last_month = places["month"].min(), places["month"].max()
    if first_month < last_month:
        ax.set_xlim(first_month, last_month)

    if not many and len(codes) > _LEGEND_INSIDE_MAX:
        ncol = 1 if len(codes) <= 16 else 2
        ax.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", ncol=ncol, frameon=False
        )
    else:
        ax.legend(fontsize="small")
    return fig


# --------------------------------------------------------------------------------------------
# Maps
# --------------------------------------------------------------------------------------------


def _ring(coords: Sequence[Sequence[float]]) -> Ring:
    """Return a GeoJSON ring as a read-only (n, 2) float array of (lon, lat)."""
    arr = np.asarray(coords, dtype=float)[:, :2]
    arr.setflags(write=False)
    return arr


@cache
def load_boundaries(filename: str, key: str) -> dict[str, tuple[PolygonRings, ...]]:
    """Read a GeoJSON file shipped in ``sim/data/geo`` into polygons per place code.

    Args:
        filename: File name inside ``sim/data/geo``, e.g.
            ``"uk_itl1_regions_ons_buc_2018.geojson"``.
        key: Feature property holding the place code, e.g. ``"itl121cd"``.

    Returns:
        For each place code, its polygons (one for a Polygon, one per part for a
        MultiPolygon); each polygon is a tuple of rings, exterior first, then holes, each a
        read-only (n, 2) array of (longitude, latitude). The result is cached: do not mutate.

    Raises:
        FileNotFoundError: If the file is not in ``sim/data/geo``.
        ValueError: If the file is not a GeoJSON FeatureCollection, a feature lacks ``key``,
            or a geometry is neither a Polygon nor a MultiPolygon.
    """
    try:
        resource = data_path(f"geo/{filename}")
    except FileNotFoundError:
        raise FileNotFoundError(f"boundary file {filename!r} is not in sim/data/geo") from None
    data = json.loads(resource.read_text(encoding="utf-8"))
    if data.get("type") != "FeatureCollection":
        raise ValueError(f"{filename} is not a GeoJSON FeatureCollection")

    shapes: dict[str, list[PolygonRings]] = {}
    for i, feature in enumerate(data.get("features", [])):
        props = feature.get("properties") or {}
        if key not in props:
            raise ValueError(
                f"feature {i} of {filename} has no property {key!r}; it has {sorted(props)}"
            )
        geometry = feature.get("geometry") or {}
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["coordinates"]]
        elif kind == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            raise ValueError(f"feature {i} ({props[key]}) of {filename} is a {kind}, not a polygon")
        parts = shapes.setdefault(str(props[key]), [])
        parts.extend(tuple(_ring(r) for r in rings) for rings in polygons if rings)
    return {code: tuple(parts) for code, parts in shapes.items()}


def _signed_area(ring: Ring) -> float:
    """Shoelace signed area of a ring (positive when counter-clockwise)."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _polygon_path(rings: PolygonRings) -> MplPath:
    """Build a compound path of a polygon whose holes stay unfilled.

    The exterior is oriented counter-clockwise and holes clockwise, so matplotlib's nonzero
    fill rule leaves the holes empty whatever the orientation in the file.
    """
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for i, ring in enumerate(rings):
        if len(ring) < 3:
            continue
        ccw = _signed_area(ring) > 0
        if ccw != (i == 0):
            ring = ring[::-1]
        closed = np.vstack([ring, ring[:1]])
        ring_codes = np.full(len(closed), MplPath.LINETO, dtype=MplPath.code_type)
        ring_codes[0] = MplPath.MOVETO
        ring_codes[-1] = MplPath.CLOSEPOLY
        vertices.append(closed)
        codes.append(ring_codes)
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _map_values(values: pd.Series) -> pd.Series:
    """Check and convert the values of a map to floats indexed by string place codes."""
    if not isinstance(values, pd.Series):
        raise ValueError(f"values must be a pandas Series, not {type(values).__name__}")
    if values.index.has_duplicates:
        dupes = sorted(map(str, values.index[values.index.duplicated()].unique()))
        raise ValueError(f"values has more than one value for place(s) {dupes}")
    try:
        numeric = pd.to_numeric(values, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"values must be numeric: {exc}") from exc
    numeric.index = numeric.index.map(str)
    return numeric


def _norm(values: np.ndarray) -> Normalize:
    """Colour normalisation over the finite values (0..1 when there are none)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return Normalize(0.0, 1.0)
    low, high = float(finite.min()), float(finite.max())
    if low == high:
        pad = abs(low) * 0.05 or 0.05
        low, high = low - pad, high + pad
    return Normalize(low, high)


def _equal_area_aspect(ax: Axes, latitudes: np.ndarray) -> None:
    """Give degrees of longitude their true width at the mean latitude; hide the ticks."""
    lat = float(np.nanmean(latitudes)) if latitudes.size else 0.0
    coslat = max(math.cos(math.radians(lat)), 0.1)
    ax.set_aspect(1.0 / coslat)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _draw_boundaries(
    ax: Axes,
    geography: Any,
    values: pd.Series,
    norm: Normalize,
    cmap: Any,
) -> np.ndarray:
    """Draw one PatchCollection per place (gid = place code); return all latitudes drawn."""
    key = getattr(geography, "boundary_key", None)
    if not key:
        raise ValueError(
            f"geography {getattr(geography, 'name', '?')!r} has boundaries but no boundary_key"
        )
    shapes = load_boundaries(str(geography.boundaries), str(key))
    codes = [str(c) for c in geography.places.index]
    absent = [c for c in codes if c not in shapes]
    if absent:
        warnings.warn(
            f"{len(absent)} place(s) have no boundary in {geography.boundaries} "
            f"(e.g. {absent[:5]}); they are not drawn",
            stacklevel=3,
        )
    latitudes: list[np.ndarray] = []
    xs: list[float] = []
    ys: list[float] = []
    for code in codes:
        polygons = shapes.get(code)
        if not polygons:
            continue
        patches = [PathPatch(_polygon_path(rings)) for rings in polygons]
        collection = PatchCollection(patches, edgecolor="white", linewidth=0.3)
        collection.set_gid(code)
        value = values.get(code, np.nan)
        if np.isfinite(value):
            collection.set_cmap(cmap)
            collection.set_norm(norm)
            collection.set_array(np.full(len(patches), value))
        else:
            collection.set_facecolor(to_rgba(MISSING_COLOUR))
        ax.add_collection(collection)
        for rings in polygons:
            xs.extend((rings[0][:, 0].min(), rings[0][:, 0].max()))
            ys.extend((rings[0][:, 1].min(), rings[0][:, 1].max()))
            latitudes.append(rings[0][:, 1])
    if xs:
        pad_x = 0.02 * (max(xs) - min(xs))
        pad_y = 0.02 * (max(ys) - min(ys))
        ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
        ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
    all_lat = np.concatenate(latitudes) if latitudes else np.array([])
    # Centre of the latitude range, not the mean vertex, so detailed coasts don't bias it.
    return np.array([all_lat.min(), all_lat.max()]) if all_lat.size else all_lat


def _draw_points(
    ax: Axes,
    geography: Any,
    values: pd.Series,
    norm: Normalize,
    cmap: Any,
) -> np.ndarray:
    """Draw places as circles sized by population, with any transport links; return lats."""
    table = geography.places
    missing = [c for c in ("lat", "lon") if c not in table.columns]
    if missing:
        raise ValueError(f"geography.places lacks the column(s) {missing} needed for a map")
    codes = [str(c) for c in table.index]
    lon = table["lon"].to_numpy(dtype=float)
    lat = table["lat"].to_numpy(dtype=float)
    position = {code: (x, y) for code, x, y in zip(codes, lon, lat, strict=True)}

    graph = getattr(geography, "graph", None)
    if graph is not None:
        segments = [
            (position[str(a)], position[str(b)])
            for a, b in graph.edges()
            if str(a) in position and str(b) in position and str(a) != str(b)
        ]
        if segments:
            links = LineCollection(segments, colors="0.6", linewidths=0.8, zorder=1)
            links.set_gid("links")
            ax.add_collection(links)

    if "population" in table.columns:
        population = table["population"].to_numpy(dtype=float)
        population = np.where(np.isfinite(population) & (population > 0), population, 0.0)
        top = population.max() if population.size else 0.0
        sizes = _MAX_MARKER_AREA * population / top if top > 0 else np.full(len(codes), 100.0)
        sizes = np.maximum(sizes, 8.0)
    else:
        sizes = np.full(len(codes), 100.0)

    value = np.array([values.get(code, np.nan) for code in codes], dtype=float)
    has = np.isfinite(value)
    if (~has).any():
        grey = ax.scatter(
            lon[~has],
            lat[~has],
            s=sizes[~has],
            c=MISSING_COLOUR,
            edgecolors="0.3",
            linewidths=0.5,
            zorder=2,
        )
        grey.set_gid("missing")
    if has.any():
        dots = ax.scatter(
            lon[has],
            lat[has],
            s=sizes[has],
            c=value[has],
            cmap=cmap,
            norm=norm,
            edgecolors="0.3",
            linewidths=0.5,
            zorder=3,
        )
        dots.set_gid("places")

    if len(codes):
        span_x = max(float(np.ptp(lon)), 1e-6)
        span_y = max(float(np.ptp(lat)), 1e-6)
        ax.set_xlim(lon.min() - 0.08 * span_x, lon.max() + 0.08 * span_x)
        ax.set_ylim(lat.min() - 0.08 * span_y, lat.max() + 0.08 * span_y)
    return np.array([lat.min(), lat.max()]) if len(codes) else np.array([])


def plot_map(
    geography: Any,
    values: pd.Series,
    *,
    title: str = "",
    label: str = "",
    cmap: str = "viridis",
    percent: bool = False,
    centre: float | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw a choropleth map of one value per place.

    With boundaries (``geography.boundaries`` names a GeoJSON file in ``sim/data/geo``) each
    place of ``geography.places`` is drawn as its polygons, matched on the feature property
    ``geography.boundary_key``: one :class:`~matplotlib.collections.PatchCollection` per place,
    whose ``gid`` is the place code and which holds one patch per polygon part. Without
    boundaries (synthetic geographies) places are circles at (lon, lat) whose area is
    proportional to ``population``, over the links of ``geography.graph`` if it has one.
    Places without a (finite) value are drawn in :data:`MISSING_COLOUR`. Longitude is
    shrunk by the cosine of the mean latitude so that shapes are not stretched.

    Args:
        geography: Object with ``name``, ``places`` (a DataFrame indexed by place code with
            ``lat``, ``lon`` and ``population``), ``boundaries`` (a file name or None),
            ``boundary_key`` (a feature property or None) and optionally ``graph``.
        values: The value of each place, indexed by place code; places absent or NaN are
            drawn grey, and codes that are not places of the geography are ignored.
        title: Axes title.
        label: Label of the colour bar.
        cmap: Name of a matplotlib colormap.
        percent: Show the colour bar as percentages of 1.
        centre: With a value (0 for differences), the colour scale runs symmetrically
            around it, so a diverging colormap shows its middle colour there.
        ax: Axes to draw on; a new figure is made when None.

    Returns:
        The figure drawn on (the new one, or the one ``ax`` belongs to).

    Raises:
        ValueError: If ``values`` is not a numeric Series with unique codes, the geography has
            no places, ``cmap`` is unknown, or it has boundaries but no ``boundary_key``.
        FileNotFoundError: If the boundary file is not shipped in ``sim/data/geo``.
    """
    table = getattr(geography, "places", None)
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ValueError("geography.places must be a non-empty DataFrame indexed by place code")
    numeric = _map_values(values)
    try:
        colormap = colormaps[cmap]
    except KeyError as exc:
        raise ValueError(f"unknown colormap {cmap!r}") from exc

    codes = [str(c) for c in table.index]
    known = numeric.reindex(codes).to_numpy(dtype=float)
    norm = _norm(known)
    if centre is not None:
        finite = known[np.isfinite(known)]
        reach = float(np.max(np.abs(finite - centre))) if finite.size else 0.0
        reach = reach if reach > 0 else 1.0
        norm = Normalize(centre - reach, centre + reach)

    if ax is None:
        fig, ax = _new_figure((7.0, 8.0))
    else:
        fig = _figure_of(ax)

    if getattr(geography, "boundaries", None):
        latitudes = _draw_boundaries(ax, geography, numeric, norm, colormap)
    else:
        latitudes = _draw_points(ax, geography, numeric, norm, colormap)
    _equal_area_aspect(ax, latitudes)
    if title:
        ax.set_title(title)

    mappable = ScalarMappable(norm=norm, cmap=colormap)
    colorbar = ax.figure.colorbar(mappable, ax=ax, shrink=0.6, pad=0.02)
    if label:
        colorbar.set_label(label)
    if percent:
        colorbar.formatter = PercentFormatter(xmax=1.0)
        colorbar.update_ticks()
    return fig


# --------------------------------------------------------------------------------------------
# Standard set
# --------------------------------------------------------------------------------------------


def write_standard_plots(
    places: pd.DataFrame,
    geography: Any,
    outdir: str | Path,
    *,
    caption: str | None = None,
) -> list[Path]:
    """Write the standard plots of a run as PNG files.

    Writes ``unemployment_by_region.png`` and ``good_jobs_share_by_region.png`` (time series,
    one line per place) and ``map_unemployment.png`` (the unemployment rate of the last month
    on a map) into ``outdir``, which is created if needed, at :data:`STANDARD_DPI` dots per
    inch.

    Args:
        places: One row per place and month with ``month``, ``place``, ``name``,
            ``unemployment_rate`` and ``good_jobs_share``.
        geography: The geography the places belong to (see :func:`plot_map`).
        outdir: Directory to write into.
        caption: Text stored in each PNG's ``Description`` metadata (for example the
            scenario, seed and version of the run).

    Returns:
        The paths written, in the order above.

    Raises:
        ValueError: If ``places`` is empty or lacks a column the plots need.
    """
    _check_places(places, ["month", "place", "unemployment_rate", "good_jobs_share"])
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    where = f" ({geography.name})" if getattr(geography, "name", "") else ""
    written: list[Path] = []
    meta = {"Software": "placejobs"}
    if caption:
        meta["Description"] = caption

    for indicator, filename in (
        ("unemployment_rate", "unemployment_by_region.png"),
        ("good_jobs_share", "good_jobs_share_by_region.png"),
    ):
        fig = plot_indicator_over_time(places, indicator, title=_label(indicator) + where)
        path = out / filename
        fig.savefig(path, dpi=STANDARD_DPI, metadata=meta)
        written.append(path)

    last = places["month"].max()
    latest = places.loc[places["month"] == last].set_index("place")["unemployment_rate"]
    fig = plot_map(
        geography,
        latest,
        title=f"{_label('unemployment_rate')}, month {last}{where}",
        label=_axis_label("unemployment_rate", _is_percent("unemployment_rate")),
        cmap="viridis",
        percent=_is_percent("unemployment_rate"),
    )
    path = out / "map_unemployment.png"
    fig.savefig(path, dpi=STANDARD_DPI, metadata=meta)
    written.append(path)
    return written
