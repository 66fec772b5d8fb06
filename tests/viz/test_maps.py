"""Tests of sim.viz.maps: boundaries on the British National Grid, classed colours, the
legend, the London inset, missing places and synthetic geographies."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib import colormaps
from matplotlib.collections import LineCollection, PatchCollection, PathCollection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.path import Path as MplPath

from sim.viz import maps
from sim.viz.palette import MISSING_COLOUR
from tests.viz.conftest import ITL1, last_values


def _collections(ax, prefix: str = "") -> dict[str, list[PatchCollection]]:
    found: dict[str, list[PatchCollection]] = {}
    for c in ax.collections:
        if isinstance(c, PatchCollection) and (c.get_gid() or "").startswith(prefix):
            found.setdefault(c.get_gid(), []).append(c)
    return found


def _rings(geometries) -> int:
    """Rings (exteriors and holes) of the polygons of some geometries."""
    return sum(
        1 + len(part.interiors) for g in geometries for part in getattr(g, "geoms", [g])
    )


def _rings_drawn(collections) -> int:
    """Rings drawn: one MOVETO each in the compound paths (one path per place)."""
    return sum(
        int(np.sum(path.codes == MplPath.MOVETO)) for c in collections for path in c.get_paths()
    )


def _legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_boundaries_are_on_the_british_national_grid():
    shapes = maps.load_boundaries("uk_lad21_ons_buc.geojson", "LAD21CD")
    assert shapes.crs.to_epsg() == 27700
    assert len(shapes) == 374 and shapes.index.is_unique
    x0, y0, x1, y1 = shapes.total_bounds  # metres east and north of the grid's origin
    assert -1_000 < x0 < 20_000 and 640_000 < x1 < 700_000
    assert 0 < y0 < 20_000 and 1_200_000 < y1 < 1_230_000
    assert maps.load_boundaries("uk_lad21_ons_buc.geojson", "LAD21CD") is shapes  # cached


def test_missing_boundary_file_raises(places, itl1):
    geography = SimpleNamespace(**{**vars(itl1), "boundaries": "no_such_file.geojson"})
    with pytest.raises(FileNotFoundError, match="no_such_file"):
        maps.plot_map(geography, last_values(places))


def test_map_axes_are_in_metres_and_draw_every_region(places, itl1):
    fig = maps.plot_map(itl1, last_values(places), title="U", label="Rate (%)", percent=True)
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert -30_000 < x0 < 0 < 650_000 < x1 < 700_000
    assert -30_000 < y0 < 10_000 and 1_210_000 < y1 < 1_250_000
    assert ax.get_aspect() == 1.0
    shapes = maps.load_boundaries(itl1.boundaries, itl1.boundary_key)
    drawn = [c for cs in _collections(ax, "class-").values() for c in cs]
    assert sum(len(c.get_paths()) for c in drawn) == 12  # one (compound) path per region
    assert _rings_drawn(drawn) == _rings(shapes.geometry) > 100  # Scotland's islands too


def test_quantile_classes_and_their_legend(places, itl1):
    values = pd.Series({code: (i + 1) / 100 for i, code in enumerate(ITL1)})  # 1% .. 12%
    fig = maps.plot_map(itl1, values, label="Unemployment rate (%)", percent=True)
    ax = fig.axes[0]
    classes = _collections(ax, "class-")
    assert len(classes) == 5
    texts = _legend_texts(ax)
    assert len(texts) == 5  # nothing is missing: no "no data" entry
    assert texts[0] == "1.0 – 3.2" and texts[-1] == "9.8 – 12.0"
    assert not any("%" in t for t in texts)
    title = ax.get_legend().get_title().get_text()
    assert title.startswith("Unemployment rate (%)") and "quantile" in title
    # Each class's colour is the legend's colour of that class.
    handles = ax.get_legend().legend_handles
    for i in range(5):
        face = classes[f"class-{i}"][0].get_facecolor()[0]
        np.testing.assert_allclose(face, to_rgba(handles[i].get_facecolor()), atol=1e-6)


def test_natural_breaks_isolate_an_outlier():
    values = np.array([0.04, 0.041, 0.042, 0.043, 0.05, 0.051, 0.052, 0.06, 0.061, 0.34])
    jenks = maps.classify(values, scheme="fisher_jenks", k=4)
    assert jenks.k == 4 and jenks.scheme == "fisher_jenks"
    assert np.sum(jenks.index == jenks.index[-1]) == 1  # the outlier alone in its class
    quantiles = maps.classify(values, k=5)
    assert quantiles.k == 5 and np.bincount(quantiles.index).tolist() == [2, 2, 2, 2, 2]
    with pytest.raises(ValueError, match="unknown scheme"):
        maps.classify(values, scheme="jenks")


def test_few_places_get_fewer_classes():
    assert maps.classify(np.array([0.1, 0.2, 0.3, 0.4]), k=5).k == 2  # two places a class
    assert maps.classify(np.array([0.1, 0.1, 0.1, 0.2, 0.2, 0.2]), k=5).k == 2  # two values
    one = maps.classify(np.array([0.3, 0.3, np.nan]), k=5)
    assert one.k == 1 and one.index.tolist() == [0, 0, -1]
    assert maps.classify(np.array([np.nan]), k=5).k == 0


def test_missing_places_are_grey_and_in_the_legend(places, itl1):
    values = last_values(places).drop("TLL")
    values["TLK"] = np.nan
    fig = maps.plot_map(itl1, values)
    ax = fig.axes[0]
    missing = _collections(ax, "missing")["missing"]
    shapes = maps.load_boundaries(itl1.boundaries, itl1.boundary_key)
    assert sum(len(c.get_paths()) for c in missing) == 2
    assert _rings_drawn(missing) == _rings(shapes.loc[["TLL", "TLK"]].geometry)
    for c in missing:
        faces = c.get_facecolor()
        np.testing.assert_allclose(faces, np.tile(to_rgba(MISSING_COLOUR), (len(faces), 1)))
    texts = _legend_texts(ax)
    assert texts[-1] == maps.MISSING_LABEL
    assert to_hex(ax.get_legend().legend_handles[-1].get_facecolor()) == to_hex(MISSING_COLOUR)
    for gid, cs in _collections(ax, "class-").items():
        assert not np.allclose(cs[0].get_facecolor()[0], to_rgba(MISSING_COLOUR)), gid


def _inset(ax):
    found = [child for child in ax.child_axes if child.get_gid() == maps.INSET_GID]
    assert len(found) == 1
    return found[0]


def test_region_map_has_a_london_inset(places, itl1):
    ax = maps.plot_map(itl1, last_values(places)).axes[0]
    inset = _inset(ax)
    x0, x1 = inset.get_xlim()
    y0, y1 = inset.get_ylim()
    # Greater London spans about 504-562 km east and 156-201 km north of the grid origin.
    assert 490_000 < x0 < 510_000 and 555_000 < x1 < 580_000
    assert 140_000 < y0 < 160_000 and 195_000 < y1 < 215_000
    boxes = [p for p in ax.patches if p.get_gid() == maps.LONDON_BOX_GID]
    assert len(boxes) == 1
    assert boxes[0].get_x() == pytest.approx(x0, abs=20_000)
    assert inset.get_title() == "London"
    no_inset = maps.plot_map(itl1, last_values(places), inset=False).axes[0]
    assert not no_inset.child_axes


def test_district_map_has_a_london_inset_with_the_boroughs(lad):
    values = lad.places["unemployment_rate"]
    fig = maps.plot_map(lad, values, percent=True, label="Unemployment rate (%)",
                        scheme="fisher_jenks")
    ax = fig.axes[0]
    inset = _inset(ax)
    drawn = sum(len(c.get_paths()) for cs in _collections(inset, "class-").values() for c in cs)
    assert 33 < drawn < 80  # the 33 boroughs (E09*) and their neighbours, not all 374
    assert "natural breaks" in ax.get_legend().get_title().get_text()
    assert len(_legend_texts(ax)) == 5


def test_map_without_london_has_no_inset(places, itl1):
    north = SimpleNamespace(**{**vars(itl1), "places": itl1.places.loc[["TLC", "TLD", "TLE"]]})
    ax = maps.plot_map(north, last_values(places)).axes[0]
    assert not ax.child_axes


def test_centred_classes_are_symmetric_with_the_middle_colour_at_the_centre():
    values = np.array([-0.3, -0.2, -0.01, 0.0, 0.02, 0.1, 0.25, np.nan])
    classes = maps.classify(values, k=5, cmap="RdBu", centre=0.0)
    assert classes.scheme == "symmetric" and classes.k == 5
    np.testing.assert_allclose(classes.lower, [-0.3, -0.18, -0.06, 0.06, 0.18])
    np.testing.assert_allclose(classes.upper, -classes.lower[::-1])
    assert classes.index.tolist() == [0, 0, 2, 2, 2, 3, 4, -1]
    assert classes.colours[2] == to_hex(colormaps["RdBu"](0.5))  # the neutral middle
    assert maps.class_labels(classes, 100.0)[2] == "-6.0 – 6.0"


def test_difference_map_legend_names_the_centre(places, itl1):
    values = last_values(places) - last_values(places).mean()
    ax = maps.plot_map(itl1, values, centre=0.0, cmap="RdBu", label="change (pp)").axes[0]
    title = ax.get_legend().get_title().get_text()
    assert title == "change (pp)\nequal intervals around 0"
    assert len(_legend_texts(ax)) == 5


def test_map_input_errors(places, itl1):
    values = pd.concat([last_values(places), last_values(places).iloc[:1]])
    with pytest.raises(ValueError, match="more than one value"):
        maps.plot_map(itl1, values)
    with pytest.raises(ValueError, match="unknown colormap"):
        maps.plot_map(itl1, last_values(places), cmap="nope")
    extra = last_values(places)
    extra["XX1"] = 0.9  # not a place: ignored
    ax = maps.plot_map(itl1, extra).axes[0]
    assert "missing" not in _collections(ax)


def test_synthetic_map_draws_sized_circles_and_links(synthetic):
    values = pd.Series({"P0": 0.1, "P1": 0.2, "P3": 0.4})
    fig = maps.plot_map(synthetic, values, title="Toy", label="u (%)", percent=True)
    ax = fig.axes[0]
    scatters = {c.get_gid(): c for c in ax.collections if isinstance(c, PathCollection)}
    assert set(scatters) == {"places", "missing"}
    np.testing.assert_allclose(scatters["places"].get_offsets(), [[0, 0], [1, 0.5], [1, 1.5]])
    np.testing.assert_allclose(scatters["missing"].get_offsets(), [[0.0, 1.0]])
    sizes = scatters["places"].get_sizes()
    assert sizes[1] == pytest.approx(4 * sizes[0])  # area proportional to population
    links = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(links) == 1 and len(links[0].get_segments()) == 4
    assert _legend_texts(ax)[-1] == maps.MISSING_LABEL and not ax.child_axes


def test_maps_render_in_worker_threads(places, itl1, tmp_path):
    values = last_values(places)

    def render(i: int):
        path = tmp_path / f"map_{i}.png"
        maps.plot_map(itl1, values * (i + 1), title=f"map {i}").savefig(path, dpi=40)
        return path

    with ThreadPoolExecutor(max_workers=3) as pool:
        paths = list(pool.map(render, range(3)))
    assert all(p.stat().st_size > 1000 for p in paths)


def test_a_percent_legend_without_a_unit_gets_one(itl1):
    values = pd.Series({code: (i + 1) / 100 for i, code in enumerate(ITL1)})
    fig = maps.plot_map(itl1, values, label="Unemployment rate", percent=True)
    title = fig.axes[0].get_legend().get_title().get_text()
    assert title.startswith("Unemployment rate (%)\n")
