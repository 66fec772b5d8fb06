"""Choropleth maps of one value per place, on the British National Grid, with classed colours.

* Real geographies (``geography.boundaries`` names a GeoJSON file in ``sim/data/geo``) are
  read with geopandas, projected to the British National Grid (EPSG:27700, metres east and
  north of a point south-west of the Isles of Scilly) and cached (:func:`load_boundaries`).
  A projected map keeps shapes and areas as they are; no aspect trick is needed.
* Colours are classes, not a linear scale: quantiles by default (five, fewer when there are
  few places), natural breaks (Fisher-Jenks) or equal intervals on request, computed with
  mapclassify. One outlier then takes one class instead of squeezing every other place
  into one colour. The legend lists the class ranges with the unit written once, in its
  title; places without a value are grey and have their own legend entry.
* UK maps that hold London (the region ``TLI`` or the districts ``E09*``) get an inset
  zoomed on it, and a rectangle on the main map shows where it is.
* Synthetic geographies (no boundaries) are drawn simply: circles at (lon, lat), their
  area proportional to population, over the transport links.

Figures are built on an Agg canvas without ``pyplot``, so maps draw headless and in
worker threads.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from matplotlib import colormaps, patheffects
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import Colormap, to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from sim.viz.figures import figure_of, new_figure
from sim.viz.palette import MISSING_COLOUR, lab
from sim.world.resources import data_path

if TYPE_CHECKING:  # geopandas and mapclassify take about 2 s to import: only when drawn
    import geopandas as gpd

__all__ = [
    "BNG",
    "INSET_GID",
    "LONDON_BOX_GID",
    "MISSING_LABEL",
    "class_labels",
    "SCHEMES",
    "Classes",
    "classify",
    "load_boundaries",
    "london_codes",
    "plot_map",
]

#: The British National Grid: metres, the projection of Ordnance Survey maps.
BNG = "EPSG:27700"
#: Classification schemes :func:`plot_map` accepts, and how the legend names them.
SCHEMES: dict[str, str] = {
    "quantiles": "quantile classes",
    "fisher_jenks": "natural breaks (Fisher-Jenks)",
    "equal_interval": "equal intervals",
    "symmetric": "equal intervals around {centre:g}",
}
#: Legend entry of places without a value.
MISSING_LABEL = "no data"
#: ``gid`` (and label) of the London inset axes and of its rectangle on the main map.
INSET_GID = "london-inset"
LONDON_BOX_GID = "london-box"
#: Margin (metres) around London in the inset.
_LONDON_MARGIN_M = 4_000.0
#: Inset position (left, bottom, width, height) in the main map's axes fraction: the North
#: Sea east of Scotland. The legend goes in the Atlantic, upper left.
_INSET_BOUNDS = (0.64, 0.52, 0.36, 0.30)
#: Marker area (points squared) of the most populous place on a synthetic map.
_MAX_MARKER_AREA = 900.0

_LOAD_LOCK = threading.Lock()


# --------------------------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------------------------


def load_boundaries(filename: str, key: str) -> gpd.GeoDataFrame:
    """Read a GeoJSON file shipped in ``sim/data/geo``, projected to the British National Grid.

    Args:
        filename: File name inside ``sim/data/geo``, e.g.
            ``"uk_itl1_regions_ons_buc_2018.geojson"``.
        key: Feature property holding the place code, e.g. ``"itl121cd"``.

    Returns:
        One row per place code (the index, as ``str``) with its ``geometry`` in EPSG:27700
        (metres); features sharing a code are merged. Cached: do not modify it.

    Raises:
        FileNotFoundError: If the file is not in ``sim/data/geo``.
        ValueError: If a feature lacks ``key`` or a geometry is not a (multi)polygon.
    """
    with _LOAD_LOCK:  # geopandas reads are not worth doing twice from two threads
        return _load_boundaries(filename, key)


@cache
def _load_boundaries(filename: str, key: str) -> gpd.GeoDataFrame:
    try:
        resource = data_path(f"geo/{filename}")
    except FileNotFoundError:
        raise FileNotFoundError(f"boundary file {filename!r} is not in sim/data/geo") from None
    import geopandas as gpd

    frame = gpd.read_file(resource)
    if key not in frame.columns:
        raise ValueError(
            f"{filename} has no feature property {key!r}; it has "
            f"{sorted(c for c in frame.columns if c != 'geometry')}"
        )
    if frame[key].isna().any():
        raise ValueError(f"a feature of {filename} has no value for {key!r}")
    kinds = set(frame.geom_type.dropna())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise ValueError(f"{filename} holds {sorted(kinds)}, not only polygons")
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    frame = frame.to_crs(BNG)
    frame[key] = frame[key].astype(str)
    if frame[key].duplicated().any():
        frame = frame.dissolve(by=key)
    else:
        frame = frame.set_index(key)
    frame.index = frame.index.astype(str).rename("code")
    return frame[["geometry"]]


def london_codes(codes: Sequence[str]) -> list[str]:
    """The codes among ``codes`` that are London: the ITL1 region ``TLI`` or districts ``E09*``."""
    return [c for c in codes if c == "TLI" or c.startswith("E09")]


# --------------------------------------------------------------------------------------------
# Classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classes:
    """A classification of the finite values of a map.

    Attributes:
        lower: Lower bound of each class (the smallest value for the first).
        upper: Upper bound of each class (inclusive).
        colours: Hex fill colour of each class.
        index: Class of each value passed in (-1 for a missing value).
        scheme: The scheme's name, one of :data:`SCHEMES`.
        centre: The centre of ``"symmetric"`` classes, else None.
    """

    lower: np.ndarray
    upper: np.ndarray
    colours: tuple[str, ...]
    index: np.ndarray
    scheme: str
    centre: float | None = None

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.upper)


def classify(
    values: np.ndarray,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    cmap: str | Colormap = "viridis",
    centre: float | None = None,
) -> Classes:
    """Sort the finite values into at most ``k`` classes and colour each class.

    The number of classes is at most ``k``, at most the number of distinct values and at
    most half the number of places (so that a class holds two places on average).

    Args:
        values: One value per place; NaN for a missing one.
        scheme: ``"quantiles"``, ``"fisher_jenks"`` or ``"equal_interval"``.
        k: Largest number of classes.
        cmap: Colormap (or its name).
        centre: With a value (0 for differences), ``scheme`` is ignored: the classes are
            ``k`` equal intervals symmetric around ``centre`` reaching the value farthest
            from it (all kept, even empty ones, so that a diverging colormap shows its
            middle colour at the centre: with an odd ``k`` the middle class holds it).

    Returns:
        The classes (empty when no value is finite).

    Raises:
        ValueError: If the scheme or the colormap is unknown, or ``k`` is below 1.
    """
    if scheme not in SCHEMES or scheme == "symmetric":
        known = ", ".join(s for s in SCHEMES if s != "symmetric")
        raise ValueError(f"unknown scheme {scheme!r}; use one of {known} (or a centre)")
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    colormap = _colormap(cmap)
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    index = np.full(len(values), -1, dtype=int)
    y = values[finite]
    if y.size == 0:
        return Classes(np.array([]), np.array([]), (), index, scheme)
    if centre is not None:
        return _symmetric(y, finite, index, k=k, colormap=colormap, centre=centre)
    n_classes = max(1, min(k, np.unique(y).size, y.size // 2))
    if n_classes == 1:
        upper = np.array([y.max()])
        inner = np.zeros(y.size, dtype=int)
    else:
        import mapclassify

        maker = {
            "quantiles": mapclassify.Quantiles,
            "fisher_jenks": mapclassify.FisherJenks,
            "equal_interval": mapclassify.EqualInterval,
        }[scheme]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "not enough unique values": handled below
            result = maker(y, k=n_classes)
        upper = np.asarray(result.bins, dtype=float)
        inner = np.asarray(result.yb, dtype=int)
        used = np.unique(inner)  # drop empty classes (ties in quantiles)
        upper = upper[used]
        inner = np.searchsorted(used, inner)
    index[finite] = inner
    lower = np.concatenate([[y.min()], upper[:-1]])
    spots = np.linspace(0.0, 1.0, len(upper)) if len(upper) > 1 else np.array([0.5])
    colours = tuple(to_hex(colormap(float(s))) for s in spots)
    return Classes(lower, upper, colours, index, scheme)


def _symmetric(y: np.ndarray, finite: np.ndarray, index: np.ndarray, *, k: int,
               colormap: Colormap, centre: float) -> Classes:
    """``k`` equal classes symmetric around ``centre``, in evenly spaced colours."""
    reach = float(np.max(np.abs(y - centre))) or 1.0
    edges = centre + reach * np.linspace(-1.0, 1.0, k + 1)
    index[finite] = np.clip(np.digitize(y, edges[1:-1], right=True), 0, k - 1)
    spots = np.linspace(0.0, 1.0, k) if k > 1 else np.array([0.5])
    colours = tuple(to_hex(colormap(float(s))) for s in spots)
    return Classes(edges[:-1], edges[1:], colours, index, "symmetric", centre)


def _colormap(cmap: str | Colormap) -> Colormap:
    if isinstance(cmap, Colormap):
        return cmap
    try:
        return colormaps[cmap]
    except KeyError as exc:
        raise ValueError(f"unknown colormap {cmap!r}") from exc


def _decimals(bounds: np.ndarray) -> int:
    """Fewest decimals (0..4) that keep neighbouring class bounds apart.

    At least one below 100 (e.g. percentages), so that a bound of 4.4 is not written 4.
    """
    start = 1 if bounds.size and np.max(np.abs(bounds)) < 100 else 0
    for decimals in range(start, 5):
        rounded = np.round(bounds, decimals)
        if np.all(np.diff(rounded) > 0) or bounds.size < 2:
            return decimals
    return 4


def class_labels(classes: Classes, factor: float = 1.0) -> list[str]:
    """Legend texts of the classes, e.g. ``"3.5 – 4.2"`` (numbers only, no unit).

    Args:
        classes: The classes.
        factor: Multiplies the bounds before writing them (100 for percentages of 1).
    """
    lower, upper = classes.lower * factor, classes.upper * factor
    bounds = np.unique(np.concatenate([lower, upper]))
    d = _decimals(bounds)
    return [
        f"{lo:,.{d}f}" if round(lo, d) == round(hi, d) else f"{lo:,.{d}f} – {hi:,.{d}f}"
        for lo, hi in zip(lower, upper, strict=True)
    ]


# --------------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------------


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


def _draw_polygons(ax: Axes, shapes: gpd.GeoDataFrame, classes: Classes, codes: list[str]) -> None:
    """Fill each class's places in its colour (one collection per class, gid ``class-i``)."""
    position = {code: i for i, code in enumerate(codes)}
    cls = np.array([classes.index[position[c]] for c in shapes.index], dtype=int)
    groups = [(f"class-{i}", colour, cls == i) for i, colour in enumerate(classes.colours)]
    groups.append(("missing", MISSING_COLOUR, cls < 0))
    for gid, colour, mask in groups:
        if not mask.any():
            continue
        before = len(ax.collections)
        edge = "0.6" if lab([colour])[0, 0] > 90 else "white"  # pale fills need an edge
        shapes[mask].plot(ax=ax, color=colour, edgecolor=edge, linewidth=0.25)
        for collection in ax.collections[before:]:
            collection.set_gid(gid)


def _draw_london_inset(ax: Axes, shapes: gpd.GeoDataFrame, classes: Classes,
                       codes: list[str], london: list[str]) -> Axes:
    """Add an inset zoomed on London and a rectangle on the main map around it."""
    x0, y0, x1, y1 = shapes.loc[london].total_bounds
    x0, y0 = x0 - _LONDON_MARGIN_M, y0 - _LONDON_MARGIN_M
    x1, y1 = x1 + _LONDON_MARGIN_M, y1 + _LONDON_MARGIN_M
    inset = ax.inset_axes(_INSET_BOUNDS)
    inset.set_gid(INSET_GID)
    inset.set_label(INSET_GID)
    near = shapes.cx[x0:x1, y0:y1]
    _draw_polygons(inset, near, classes, codes)
    inset.set_xlim(x0, x1)
    inset.set_ylim(y0, y1)
    inset.set_aspect("equal", adjustable="box")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    for spine in inset.spines.values():
        spine.set_edgecolor("0.25")
    inset.set_title("London", fontsize="small", pad=2)
    box = Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="black", linewidth=0.9,
                    gid=LONDON_BOX_GID, zorder=5)
    box.set_path_effects([patheffects.withStroke(linewidth=2.4, foreground="white")])
    ax.add_patch(box)
    return inset


def _draw_points(ax: Axes, geography: Any, classes: Classes, codes: list[str]) -> None:
    """Draw places as circles sized by population, over any transport links."""
    table = geography.places
    missing = [c for c in ("lat", "lon") if c not in table.columns]
    if missing:
        raise ValueError(f"geography.places lacks the column(s) {missing} needed for a map")
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

    has = classes.index >= 0
    fill = np.array([classes.colours[i] if i >= 0 else MISSING_COLOUR for i in classes.index])
    for gid, mask, z in (("missing", ~has, 2), ("places", has, 3)):
        if mask.any():
            dots = ax.scatter(lon[mask], lat[mask], s=sizes[mask], c=list(fill[mask]),
                              edgecolors="0.3", linewidths=0.5, zorder=z)
            dots.set_gid(gid)
    span_x = max(float(np.ptp(lon)), 1e-6)
    span_y = max(float(np.ptp(lat)), 1e-6)
    ax.set_xlim(lon.min() - 0.08 * span_x, lon.max() + 0.08 * span_x)
    ax.set_ylim(lat.min() - 0.08 * span_y, lat.max() + 0.08 * span_y)


def _legend(ax: Axes, classes: Classes, *, label: str, percent: bool, any_missing: bool,
            loc: str, below: bool) -> None:
    """Legend of the class ranges; the unit is in its title, once.

    Inside the map at ``loc``, or (``below``) under it in columns, for maps drawn on axes
    of the caller's, which may be too small to hold it over the sea.
    """
    handles = [
        Patch(facecolor=colour, edgecolor="0.5", linewidth=0.5, label=text)
        for colour, text in zip(classes.colours, class_labels(classes, 100.0 if percent else 1.0),
                                strict=True)
    ]
    if any_missing:
        handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor="0.5", linewidth=0.5,
                             label=MISSING_LABEL))
    how = SCHEMES[classes.scheme].format(centre=classes.centre)
    if percent and label and "%" not in label and "percentage points" not in label:
        label = f"{label} (%)"  # the class bounds are numbers only: the unit goes here
    title = f"{label}\n{how}" if label else how
    if below:
        ax.legend(handles=handles, title=title, loc="upper center",
                  bbox_to_anchor=(0.5, 0.0), ncol=min(3, len(handles)), fontsize="small",
                  title_fontsize="small", frameon=False, columnspacing=1.0)
        return
    ax.legend(handles=handles, title=title, loc=loc, fontsize="small",
              title_fontsize="small", frameon=False, alignment="left")


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
    scheme: Literal["quantiles", "fisher_jenks", "equal_interval"] = "quantiles",
    k: int = 5,
    inset: bool = True,
) -> Figure:
    """Draw a choropleth map of one value per place, in classes.

    With boundaries (``geography.boundaries`` names a GeoJSON file in ``sim/data/geo``) each
    place of ``geography.places`` is drawn as its polygons on the British National Grid
    (axes in metres), matched on the feature property ``geography.boundary_key``; there is
    one collection per class (``gid`` ``"class-0"``, ``"class-1"``...) and one for places
    without a value (``gid`` ``"missing"``). A map holding London gets an inset of it
    (axes ``gid`` :data:`INSET_GID`). Without boundaries (synthetic geographies) places are
    circles at (lon, lat) whose area is proportional to ``population``, over the links of
    ``geography.graph`` if it has one.

    Args:
        geography: Object with ``name``, ``places`` (a DataFrame indexed by place code with
            ``lat``, ``lon`` and ``population``), ``boundaries`` (a file name or None),
            ``boundary_key`` (a feature property or None) and optionally ``graph``.
        values: The value of each place, indexed by place code; places absent or NaN are
            drawn grey, and codes that are not places of the geography are ignored.
        title: Axes title.
        label: What the values are, with their unit, e.g. ``"Unemployment rate (%)"``: the
            legend's title. Class bounds are numbers only; with ``percent`` a label
            without a unit gets ``" (%)"``.
        cmap: Name of a matplotlib colormap.
        percent: Values are shares of 1, written as percentages in the legend.
        centre: With a value (0 for differences), equal classes symmetric around it
            replace ``scheme`` (use a diverging colormap, e.g. ``"RdBu"``).
        ax: Axes to draw on; a new figure is made when None. The legend goes inside a
            map of its own figure (over the Atlantic for UK maps), under a map on ``ax``.
        scheme: ``"quantiles"`` (default), ``"fisher_jenks"`` (natural breaks) or
            ``"equal_interval"``.
        k: Largest number of classes (fewer with few places or few distinct values).
        inset: Add the London inset when the map holds London.

    Returns:
        The figure drawn on (the new one, or the one ``ax`` belongs to).

    Raises:
        ValueError: If ``values`` is not a numeric Series with unique codes, the geography has
            no places, ``cmap`` or ``scheme`` is unknown, or it has boundaries but no
            ``boundary_key``.
        FileNotFoundError: If the boundary file is not shipped in ``sim/data/geo``.
    """
    table = getattr(geography, "places", None)
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ValueError("geography.places must be a non-empty DataFrame indexed by place code")
    numeric = _map_values(values)
    codes = [str(c) for c in table.index]
    known = numeric.reindex(codes).to_numpy(dtype=float)
    classes = classify(known, scheme=scheme, k=k, cmap=cmap, centre=centre)

    own_figure = ax is None
    if ax is None:
        fig, ax = new_figure((7.0, 8.0))
    else:
        fig = figure_of(ax)

    boundaries = getattr(geography, "boundaries", None)
    if boundaries:
        key = getattr(geography, "boundary_key", None)
        if not key:
            raise ValueError(
                f"geography {getattr(geography, 'name', '?')!r} has boundaries but no "
                "boundary_key"
            )
        shapes = load_boundaries(str(boundaries), str(key))
        absent = [c for c in codes if c not in shapes.index]
        if absent:
            warnings.warn(
                f"{len(absent)} place(s) have no boundary in {boundaries} "
                f"(e.g. {absent[:5]}); they are not drawn",
                stacklevel=2,
            )
        shapes = shapes[shapes.index.isin(codes)]
        _draw_polygons(ax, shapes, classes, codes)
        x0, y0, x1, y1 = shapes.total_bounds
        pad = 0.02 * max(x1 - x0, y1 - y0)
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y0 - pad, y1 + pad)
        london = london_codes(list(shapes.index))
        if inset and london:
            _draw_london_inset(ax, shapes, classes, codes, london)
        legend_loc = "upper left" if london else "best"
    else:
        _draw_points(ax, geography, classes, codes)
        legend_loc = "best"
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    _legend(ax, classes, label=label, percent=percent,
            any_missing=bool((classes.index < 0).any()), loc=legend_loc, below=not own_figure)
    return fig
