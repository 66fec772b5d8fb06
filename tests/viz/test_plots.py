"""Tests of sim.viz.plots: time series, choropleth maps and the standard set of PNG files."""

from __future__ import annotations

import json
import math
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace

import matplotlib.image as mpimg
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib import colormaps
from matplotlib.collections import LineCollection, PatchCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.viz import plots

ITL1 = {
    "TLC": ("North East", 55.0, -1.9, 2.7e6),
    "TLD": ("North West", 54.0, -2.7, 7.4e6),
    "TLE": ("Yorkshire and The Humber", 53.9, -1.3, 5.5e6),
    "TLF": ("East Midlands", 52.8, -0.8, 4.9e6),
    "TLG": ("West Midlands", 52.5, -2.2, 5.9e6),
    "TLH": ("East of England", 52.2, 0.5, 6.3e6),
    "TLI": ("London", 51.5, -0.1, 8.9e6),
    "TLJ": ("South East", 51.4, -1.0, 9.2e6),
    "TLK": ("South West", 50.8, -3.6, 5.7e6),
    "TLL": ("Wales", 52.1, -4.0, 3.1e6),
    "TLM": ("Scotland", 56.2, -4.0, 5.5e6),
    "TLN": ("Northern Ireland", 54.6, -6.9, 1.9e6),
}
ITL1_FILE = "uk_itl1_regions_ons_buc_2018.geojson"
MONTHS = 24


@pytest.fixture(scope="module")
def places() -> pd.DataFrame:
    """Synthetic indicators for the 12 ITL1 regions over 24 months."""
    rng = np.random.default_rng(7)
    rows = []
    for i, (code, (name, *_)) in enumerate(ITL1.items()):
        for month in range(1, MONTHS + 1):
            rows.append(
                {
                    "month": month,
                    "place": code,
                    "name": name,
                    "unemployment_rate": 0.03 + 0.003 * i + 0.002 * rng.standard_normal(),
                    "good_jobs_share": 0.4 + 0.01 * i + 0.01 * rng.standard_normal(),
                    "employment_rate": 0.75 - 0.002 * i,
                    "median_wage": 550.0 + 10 * i,
                    "job_finding_rate": 0.2,
                    "vacancy_rate": 0.03,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def itl1() -> SimpleNamespace:
    """A stand-in for the UK ITL1 geography with its shipped boundaries."""
    table = pd.DataFrame(
        [(code, name, lat, lon, pop) for code, (name, lat, lon, pop) in ITL1.items()],
        columns=["place", "name", "lat", "lon", "population"],
    ).set_index("place")
    return SimpleNamespace(
        name="UK ITL1", places=table, boundaries=ITL1_FILE, boundary_key="itl121cd"
    )


@pytest.fixture(scope="module")
def synthetic() -> SimpleNamespace:
    """A synthetic geography without boundaries: four towns on a line and a ring road."""
    table = pd.DataFrame(
        {
            "name": ["A", "B", "C", "D"],
            "lat": [0.0, 0.5, 1.0, 1.5],
            "lon": [0.0, 1.0, 0.0, 1.0],
            "population": [1000, 4000, 250, 2000],
        },
        index=pd.Index(["P0", "P1", "P2", "P3"], name="place"),
    )
    graph = nx.Graph([("P0", "P1"), ("P1", "P2"), ("P2", "P3"), ("P3", "P0"), ("P0", "ELSE")])
    return SimpleNamespace(
        name="toy", places=table, boundaries=None, boundary_key=None, graph=graph
    )


def _geojson_parts() -> dict[str, int]:
    """Count the polygon parts per ITL1 code straight from the shipped file."""
    data = json.loads((files("sim") / "data" / "geo" / ITL1_FILE).read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        n = 1 if geometry["type"] == "Polygon" else len(geometry["coordinates"])
        counts[feature["properties"]["itl121cd"]] = n
    return counts


def _place_collections(fig: Figure) -> dict[str, PatchCollection]:
    """The per-place patch collections of a boundary map, by place code."""
    ax = fig.axes[0]
    return {
        c.get_gid(): c for c in ax.collections if isinstance(c, PatchCollection) and c.get_gid()
    }


def _last_values(places: pd.DataFrame, column: str = "unemployment_rate") -> pd.Series:
    last = places[places["month"] == places["month"].max()]
    return last.set_index("place")[column]


# --------------------------------------------------------------------------------------------
# write_standard_plots
# --------------------------------------------------------------------------------------------


def test_write_standard_plots_writes_three_valid_pngs(places, itl1, tmp_path):
    outdir = tmp_path / "nested" / "plots"
    paths = plots.write_standard_plots(places, itl1, outdir)

    names = ["unemployment_by_region.png", "good_jobs_share_by_region.png", "map_unemployment.png"]
    assert [p.name for p in paths] == names
    assert all(isinstance(p, Path) and p.parent == outdir for p in paths)
    for path in paths:
        assert path.is_file() and path.stat().st_size > 1000
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        image = mpimg.imread(path)
        height, width = image.shape[:2]
        assert image.ndim == 3 and image.shape[2] in (3, 4)
        assert 300 <= height <= 3000 and 300 <= width <= 3000
        # Not a blank canvas: a real plot has many distinct colours.
        rgb = np.round(image[..., :3] * 255).astype(np.uint32)
        packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
        assert np.unique(packed).size > 20


def test_write_standard_plots_map_is_of_the_last_month(places, itl1, tmp_path, monkeypatch):
    seen = {}
    real = plots.plot_map

    def spy(geography, values, **kwargs):
        seen["values"] = values
        seen["title"] = kwargs.get("title", "")
        seen["label"], seen["percent"] = kwargs.get("label"), kwargs.get("percent")
        return real(geography, values, **kwargs)

    monkeypatch.setattr(plots, "plot_map", spy)
    plots.write_standard_plots(places, itl1, tmp_path)
    expected = _last_values(places)
    pd.testing.assert_series_equal(
        seen["values"].sort_index(), expected.sort_index(), check_names=False
    )
    assert str(MONTHS) in seen["title"]
    # Label and percent formatting come from the indicator registry.
    assert seen["label"] == "Unemployment rate (%)" and seen["percent"] is True


def test_write_standard_plots_rejects_empty_frame(places, itl1, tmp_path):
    with pytest.raises(ValueError, match="empty"):
        plots.write_standard_plots(places.iloc[0:0], itl1, tmp_path)


# --------------------------------------------------------------------------------------------
# plot_indicator_over_time
# --------------------------------------------------------------------------------------------


def test_time_series_has_one_line_per_place_with_names(places):
    fig = plots.plot_indicator_over_time(places, "unemployment_rate")
    ax = fig.axes[0]
    assert len(ax.lines) == 12
    labels = {line.get_label() for line in ax.lines}
    assert labels == {name for name, *_ in ITL1.values()}
    for line in ax.lines:
        assert list(line.get_xdata()) == list(range(1, MONTHS + 1))
    legend = ax.get_legend()
    assert legend is not None and len(legend.get_texts()) == 12
    # Twelve places do not fit inside: the legend sits to the right of the axes.
    assert legend.get_bbox_to_anchor().x0 >= ax.get_window_extent().x1 - 1
    assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
    # Every line can be told apart (the default cycle would repeat after ten).
    looks = {(to_rgba(line.get_color()), line.get_linestyle()) for line in ax.lines}
    assert len(looks) == 12


def test_time_series_values_match_the_frame(places):
    fig = plots.plot_indicator_over_time(places, "median_wage", title="Wages")
    ax = fig.axes[0]
    assert ax.get_title() == "Wages"
    assert not isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
    london = next(line for line in ax.lines if line.get_label() == "London")
    expected = places[places["place"] == "TLI"].sort_values("month")["median_wage"]
    np.testing.assert_allclose(london.get_ydata(), expected.to_numpy())


def test_time_series_labels_units_and_percent_come_from_the_registry(places):
    ax = plots.plot_indicator_over_time(places, "unemployment_rate").axes[0]
    assert ax.get_ylabel() == "Unemployment rate (%)"
    assert ax.get_title() == "Unemployment rate by place"
    assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
    ax = plots.plot_indicator_over_time(places, "median_wage").axes[0]
    assert ax.get_ylabel() == "Median wage (GBP a week)"
    assert ax.get_title() == "Median wage by place"
    assert not isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)


def test_unknown_column_plots_with_its_name(places):
    frame = places.assign(foo_rate=places["median_wage"])
    ax = plots.plot_indicator_over_time(frame, "foo_rate").axes[0]
    assert len(ax.lines) == 12
    assert ax.get_ylabel() == "Foo rate"
    assert ax.get_title() == "Foo rate by place"
    # A suffix is no longer read as a share: only the registry makes percentages.
    assert not isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
    ax = plots.plot_indicator_over_time(frame, "foo_rate", percent=True).axes[0]
    assert ax.get_ylabel() == "Foo rate (%)"
    assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)


def test_time_series_draws_on_given_axes(places):
    fig = Figure()
    ax = fig.add_subplot()
    out = plots.plot_indicator_over_time(places, "vacancy_rate", ax=ax, percent=False)
    assert out is fig
    assert len(ax.lines) == 12
    assert not isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)


def test_unknown_indicator_raises_naming_available(places):
    with pytest.raises(ValueError, match="unknown indicator 'nonsense'") as info:
        plots.plot_indicator_over_time(places, "nonsense")
    assert "unemployment_rate" in str(info.value)
    assert "good_jobs_share" in str(info.value)


def test_empty_frame_raises(places):
    with pytest.raises(ValueError, match="empty"):
        plots.plot_indicator_over_time(places.iloc[0:0], "unemployment_rate")


def test_duplicate_rows_raise(places):
    doubled = pd.concat([places, places.iloc[:1]])
    with pytest.raises(ValueError, match="more than one row"):
        plots.plot_indicator_over_time(doubled, "unemployment_rate")


# --------------------------------------------------------------------------------------------
# plot_map with boundaries
# --------------------------------------------------------------------------------------------


def test_map_draws_every_polygon_part_of_the_twelve_regions(places, itl1):
    fig = plots.plot_map(itl1, _last_values(places), title="U", label="Rate", percent=True)
    collections = _place_collections(fig)
    assert set(collections) == set(ITL1)
    expected_parts = _geojson_parts()
    assert set(expected_parts) == set(ITL1)
    for code, collection in collections.items():
        assert len(collection.get_paths()) == expected_parts[code], code
    # Multipolygons really are split: Scotland has hundreds of islands.
    assert len(collections["TLM"].get_paths()) > 100
    assert sum(len(c.get_paths()) for c in collections.values()) == sum(expected_parts.values())


def test_map_colours_follow_values_and_has_colourbar(places, itl1):
    values = pd.Series({code: i / 100 for i, code in enumerate(ITL1)})
    fig = plots.plot_map(itl1, values, label="Unemployment", percent=True, cmap="viridis")
    fig.canvas.draw()
    collections = _place_collections(fig)
    low = collections["TLC"].get_facecolor()[0]
    high = collections["TLN"].get_facecolor()[0]
    np.testing.assert_allclose(low, to_rgba(colormaps["viridis"](0.0)))
    np.testing.assert_allclose(high, to_rgba(colormaps["viridis"](1.0)))
    # Map axes plus the colour bar axes, labelled and formatted as percent.
    assert len(fig.axes) == 2
    cbar_ax = fig.axes[1]
    assert cbar_ax.get_ylabel() == "Unemployment"
    assert isinstance(cbar_ax.yaxis.get_major_formatter(), PercentFormatter)


def test_map_geometry_is_undistorted_without_ticks(places, itl1):
    fig = plots.plot_map(itl1, _last_values(places))
    ax = fig.axes[0]
    assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    # The UK spans about -8.7..1.8 E and 49.9..60.9 N, Shetland and Northern Ireland included.
    assert x0 < -8.6 and x1 > 1.7 and y0 < 49.9 and y1 > 60.8
    aspect = ax.get_aspect()
    expected = 1 / math.cos(math.radians((49.88 + 60.86) / 2))
    assert aspect == pytest.approx(expected, rel=0.02)


def test_map_place_without_value_is_grey(places, itl1):
    values = _last_values(places).drop("TLL")
    values["TLK"] = np.nan
    fig = plots.plot_map(itl1, values)
    fig.canvas.draw()
    collections = _place_collections(fig)
    grey = np.array(to_rgba(plots.MISSING_COLOUR))
    for code in ("TLL", "TLK"):
        facecolors = collections[code].get_facecolor()
        assert len(facecolors) >= 1
        np.testing.assert_allclose(facecolors, np.tile(grey, (len(facecolors), 1)))
    for code in set(ITL1) - {"TLL", "TLK"}:
        assert not np.allclose(collections[code].get_facecolor()[0], grey), code


def test_map_ignores_codes_outside_the_geography(places, itl1):
    values = _last_values(places)
    values["XX1"] = 0.9
    fig = plots.plot_map(itl1, values)
    assert set(_place_collections(fig)) == set(ITL1)


def test_map_rejects_duplicate_codes(places, itl1):
    values = pd.concat([_last_values(places), _last_values(places).iloc[:1]])
    with pytest.raises(ValueError, match="more than one value"):
        plots.plot_map(itl1, values)


def test_lad_boundaries_load_with_holes():
    shapes = plots.load_boundaries("uk_lad21_ons_buc.geojson", "LAD21CD")
    assert len(shapes) == 374
    assert any(len(rings) > 1 for parts in shapes.values() for rings in parts)


def test_missing_boundary_file_raises(places, itl1):
    geography = SimpleNamespace(**{**vars(itl1), "boundaries": "no_such_file.geojson"})
    with pytest.raises(FileNotFoundError, match="no_such_file"):
        plots.plot_map(geography, _last_values(places))


# --------------------------------------------------------------------------------------------
# plot_map for synthetic geographies
# --------------------------------------------------------------------------------------------


def test_synthetic_map_draws_sized_circles_and_links(synthetic):
    values = pd.Series({"P0": 0.1, "P1": 0.2, "P3": 0.4})
    fig = plots.plot_map(synthetic, values, title="Toy", label="u", percent=True)
    ax = fig.axes[0]
    scatters = {c.get_gid(): c for c in ax.collections if isinstance(c, PathCollection)}
    assert set(scatters) == {"places", "missing"}
    coloured, grey = scatters["places"], scatters["missing"]
    np.testing.assert_allclose(coloured.get_offsets(), [[0.0, 0.0], [1.0, 0.5], [1.0, 1.5]])
    np.testing.assert_allclose(grey.get_offsets(), [[0.0, 1.0]])
    # Area proportional to population: P1 has four times P0's people.
    sizes = coloured.get_sizes()
    assert sizes[1] == pytest.approx(4 * sizes[0])
    np.testing.assert_allclose(grey.get_facecolor()[0], to_rgba(plots.MISSING_COLOUR))
    links = [c for c in ax.collections if isinstance(c, LineCollection) and c.get_gid() == "links"]
    assert len(links) == 1
    # The ring road's four edges; the edge to a node that is not a place is skipped.
    assert len(links[0].get_segments()) == 4
    assert ax.get_title() == "Toy"


def test_synthetic_map_without_graph_renders_png(synthetic, tmp_path):
    geography = SimpleNamespace(**{k: v for k, v in vars(synthetic).items() if k != "graph"})
    places = pd.DataFrame(
        {
            "month": np.repeat([1, 2, 3], 4),
            "place": ["P0", "P1", "P2", "P3"] * 3,
            "name": ["A", "B", "C", "D"] * 3,
            "unemployment_rate": np.linspace(0.02, 0.08, 12),
            "good_jobs_share": np.linspace(0.3, 0.5, 12),
        }
    )
    paths = plots.write_standard_plots(places, geography, tmp_path)
    image = mpimg.imread(paths[-1])
    assert image.shape[0] > 300 and image.shape[1] > 300
    fig = plots.plot_map(geography, _last_values(places))
    assert not [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]


def test_maps_render_in_worker_threads(places, itl1, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    values = _last_values(places)

    def render(i: int) -> Path:
        path = tmp_path / f"map_{i}.png"
        plots.plot_map(itl1, values * (i + 1), title=f"map {i}").savefig(path, dpi=40)
        return path

    with ThreadPoolExecutor(max_workers=4) as pool:
        paths = list(pool.map(render, range(4)))
    for path in paths:
        assert mpimg.imread(path).shape[0] > 100


def test_many_places_show_a_percentile_band_not_one_line_each():
    import numpy as np
    import pandas as pd

    from sim.viz.plots import MAX_LINES, plot_indicator_over_time

    n = MAX_LINES + 10
    rows = [
        {"month": m, "place": f"P{i:03d}", "name": f"Place {i}", "unemployment_rate": 0.01 * i}
        for m in range(1, 7) for i in range(n)
    ]
    fig = plot_indicator_over_time(pd.DataFrame(rows), "unemployment_rate")
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 1  # the median place
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), np.full(6, 0.01 * (n - 1) / 2))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("percentile" in t for t in labels) and len(labels) == 2
