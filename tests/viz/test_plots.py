"""Tests of sim.viz.plots: time series (lines, small multiples, band) and the standard PNGs."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PIL import Image

from sim.viz import plots
from sim.viz.captions import CAPTION_GID
from sim.viz.maps import INSET_GID
from sim.viz.palette import CONTEXT_GREY, HIGHLIGHT
from tests.viz.conftest import ITL1, MONTHS, last_values


def _few(places: pd.DataFrame, n: int) -> pd.DataFrame:
    return places[places["place"].isin(sorted(ITL1)[:n])]


def _tick_texts(fig: Figure, axis: str = "y") -> list[str]:
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


# --------------------------------------------------------------------------------------------
# Lines, small multiples, band
# --------------------------------------------------------------------------------------------


def test_few_places_are_lines_in_distinct_colours_with_names(places):
    fig = plots.plot_indicator_over_time(_few(places, 6), "unemployment_rate")
    ax = fig.axes[0]
    assert len(fig.axes) == 1 and len(ax.lines) == 6
    assert {line.get_label() for line in ax.lines} == {ITL1[c][0] for c in sorted(ITL1)[:6]}
    colours = {to_rgba(line.get_color()) for line in ax.lines}
    assert len(colours) == 6
    for line in ax.lines:
        assert list(line.get_xdata()) == list(range(1, MONTHS + 1))
    assert len(ax.get_legend().get_texts()) == 6


def test_twelve_regions_are_small_multiples_on_a_shared_axis(places):
    fig = plots.plot_indicator_over_time(places, "unemployment_rate")
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 12
    assert {ax.get_title() for ax in panels} == {name for name, *_ in ITL1.values()}
    ylims = {ax.get_ylim() for ax in panels}
    assert len(ylims) == 1  # shared y
    for ax in panels:
        assert len(ax.lines) == 12
        highlighted = [line for line in ax.lines if line.get_gid().startswith("place:")]
        grey = [line for line in ax.lines if line.get_gid().startswith("context:")]
        assert len(highlighted) == 1 and len(grey) == 11
        assert to_rgba(highlighted[0].get_color()) == to_rgba(HIGHLIGHT)
        assert all(to_rgba(line.get_color()) == to_rgba(CONTEXT_GREY) for line in grey)
        code = highlighted[0].get_gid().removeprefix("place:")
        assert ax.get_title() == ITL1[code][0]
        expected = places[places["place"] == code].sort_values("month")["unemployment_rate"]
        np.testing.assert_allclose(highlighted[0].get_ydata(), expected.to_numpy())
    assert fig.get_suptitle() == "Unemployment rate by place"
    assert fig.get_supylabel() == "Unemployment rate (%)"
    assert sum(ax.get_xlabel() == "Month" for ax in panels) == 4  # bottom of each column


def test_layout_can_be_chosen(places):
    fig = plots.plot_indicator_over_time(places, "unemployment_rate", layout="lines")
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 12
    styles = {(to_rgba(line.get_color()), line.get_linestyle()) for line in fig.axes[0].lines}
    assert len(styles) == 12  # ten colours, then a second line style
    fig = plots.plot_indicator_over_time(places, "unemployment_rate", layout="band")
    assert len(fig.axes[0].lines) == 1
    with pytest.raises(ValueError, match="unknown layout"):
        plots.plot_indicator_over_time(places, "unemployment_rate", layout="pie")
    with pytest.raises(ValueError, match="ax"):
        plots.plot_indicator_over_time(places, "unemployment_rate", layout="panels",
                                       ax=Figure().add_subplot())


def test_many_places_show_a_percentile_band_not_one_line_each():
    n = plots.MAX_LINES + 10
    rows = [
        {"month": m, "place": f"P{i:03d}", "name": f"Place {i}", "unemployment_rate": 0.01 * i}
        for m in range(1, 7) for i in range(n)
    ]
    fig = plots.plot_indicator_over_time(pd.DataFrame(rows), "unemployment_rate")
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 1  # the median place
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), np.full(6, 0.01 * (n - 1) / 2))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("percentile" in t for t in labels) and len(labels) == 2


def test_units_are_written_once_in_the_axis_label(places):
    fig = plots.plot_indicator_over_time(_few(places, 4), "unemployment_rate")
    assert fig.axes[0].get_ylabel() == "Unemployment rate (%)"
    texts = _tick_texts(fig)
    assert texts and not any("%" in t for t in texts)
    # Shares of 1 are written in percent, without needless zeros: 0.035 is "3.5", not "3.50".
    values = [float(t.replace("\u2212", "-")) for t in texts]
    assert 2.0 < np.median(values) < 6.0
    assert not any(t.endswith("0") and "." in t for t in texts)
    fig = plots.plot_indicator_over_time(_few(places, 4), "median_wage")
    assert fig.axes[0].get_ylabel() == "Median wage (GBP a week)"
    assert not any("GBP" in t or "£" in t for t in _tick_texts(fig))


def test_plain_percent_formatter_writes_few_digits():
    formatter = plots.PlainPercentFormatter()
    assert formatter.format_pct(0.065, 1.0) == "6.5"
    assert formatter.format_pct(0.07, 1.0) == "7"
    assert formatter.format_pct(0.0, 1.0) == "0"


def test_unknown_column_plots_with_its_name(places):
    frame = _few(places, 3).assign(foo_rate=lambda f: f["median_wage"])
    ax = plots.plot_indicator_over_time(frame, "foo_rate").axes[0]
    assert len(ax.lines) == 3
    assert ax.get_ylabel() == "Foo rate" and ax.get_title() == "Foo rate by place"
    ax = plots.plot_indicator_over_time(frame, "foo_rate", percent=True).axes[0]
    assert ax.get_ylabel() == "Foo rate (%)"


def test_time_series_draws_on_given_axes(places):
    fig = Figure()
    ax = fig.add_subplot()
    out = plots.plot_indicator_over_time(places, "vacancy_rate", ax=ax, percent=False)
    assert out is fig and len(ax.lines) == 12


def test_bad_input_raises(places):
    with pytest.raises(ValueError, match="unknown indicator 'nonsense'") as info:
        plots.plot_indicator_over_time(places, "nonsense")
    assert "good_jobs_share" in str(info.value)
    with pytest.raises(ValueError, match="empty"):
        plots.plot_indicator_over_time(places.iloc[0:0], "unemployment_rate")
    with pytest.raises(ValueError, match="more than one row"):
        plots.plot_indicator_over_time(pd.concat([places, places.iloc[:1]]), "unemployment_rate")


# --------------------------------------------------------------------------------------------
# Standard set
# --------------------------------------------------------------------------------------------

RUN = {"scenario": "small", "seed": 42, "scale": 0.001, "run_date": "2026-12-01"}


def _check_png(path: Path, caption: str) -> None:
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = mpimg.imread(path)
    assert 300 <= image.shape[0] <= 3000 and 300 <= image.shape[1] <= 3000
    rgb = np.round(image[..., :3] * 255).astype(np.uint32)
    assert np.unique((rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]).size > 20
    assert Image.open(path).info.get("Description") == caption


def test_standard_plots_say_the_geography_and_carry_a_caption(places, itl1, tmp_path,
                                                              monkeypatch):
    figures: list[Figure] = []
    real_save = Figure.savefig

    def keep(self, *args, **kwargs):
        figures.append(self)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    paths = plots.write_standard_plots(places, itl1, tmp_path / "plots", **RUN)
    assert [p.name for p in paths] == [
        "unemployment_rate_itl1.png", "good_jobs_share_itl1.png",
        "unemployment_rate_map_itl1.png",
    ]
    caption = "Scenario small · seed 42 · scale 0.001 · run 2026-12-01 · placejobs "
    for fig, path in zip(figures, paths, strict=True):
        texts = [t.get_text() for t in fig.texts if t.get_gid() == CAPTION_GID]
        assert len(texts) == 1 and texts[0].startswith(caption), path.name
        _check_png(path, texts[0])
    # The map is of the last month and holds London in an inset.
    assert str(MONTHS) in figures[2].axes[0].get_title()
    assert any(child.get_gid() == INSET_GID for child in figures[2].axes[0].child_axes)


def test_standard_plots_for_districts(lad, lad_places, tmp_path):
    paths = plots.write_standard_plots(lad_places, lad, tmp_path, **RUN)
    assert [p.name for p in paths] == [
        "unemployment_rate_lad.png", "good_jobs_share_lad.png", "unemployment_rate_map_lad.png",
    ]
    assert plots.standard_plot_names(lad) == [p.name for p in paths]


def test_standard_plots_for_a_synthetic_geography(synthetic, tmp_path):
    frame = pd.DataFrame(
        {
            "month": np.repeat([1, 2, 3], 4),
            "place": ["P0", "P1", "P2", "P3"] * 3,
            "name": ["A", "B", "C", "D"] * 3,
            "unemployment_rate": np.linspace(0.02, 0.08, 12),
            "good_jobs_share": np.linspace(0.3, 0.5, 12),
        }
    )
    paths = plots.write_standard_plots(frame, synthetic, tmp_path)
    assert paths[-1].name == "unemployment_rate_map_toy.png"
    assert mpimg.imread(paths[-1]).shape[0] > 300


def test_standard_plots_reject_an_empty_frame(places, itl1, tmp_path):
    with pytest.raises(ValueError, match="empty"):
        plots.write_standard_plots(places.iloc[0:0], itl1, tmp_path)


def test_map_values_are_the_last_month(places, itl1, tmp_path, monkeypatch):
    seen = {}
    real = plots.plot_map

    def spy(geography, values, **kwargs):
        seen["values"], seen["kwargs"] = values, kwargs
        return real(geography, values, **kwargs)

    monkeypatch.setattr(plots, "plot_map", spy)
    plots.write_standard_plots(places, itl1, tmp_path)
    pd.testing.assert_series_equal(seen["values"].sort_index(),
                                   last_values(places).sort_index(), check_names=False)
    assert seen["kwargs"]["label"] == "Unemployment rate (%)"
    assert seen["kwargs"]["percent"] is True
