"""Tests of sim.viz.sensitivity: bar charts of Sobol and Morris indices."""

from __future__ import annotations

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from sim.viz.palette import min_lab_distance
from sim.viz.sensitivity import plot_sensitivity, sensitivity_figure
from tests.viz.figure_rules import (
    axes_without_legend,
    caption_of,
    percent_ticks,
    png_description,
)

PARAMETERS = ["search.hiring_standard", "training.subsidy", "search.applications_per_searcher"]


def sobol_rows(note: str = "") -> pd.DataFrame:
    s1 = np.array([0.70, 0.25, -0.01])
    st = np.array([0.74, 0.27, 0.0])
    conf = np.array([0.10, 0.05, 0.01])
    return pd.DataFrame({
        "method": "sobol", "output": "unemployment_rate", "place": "national",
        "rank": [1, 2, 3], "parameter": PARAMETERS,
        "S1": s1, "S1_conf": conf, "S1_low": s1 - conf, "S1_high": s1 + conf,
        "ST": st, "ST_conf": conf, "ST_low": st - conf, "ST_high": st + conf, "note": note,
    })


def morris_rows() -> pd.DataFrame:
    mu_star = np.array([5.0, 3.1, 0.0])
    conf = np.array([0.0, 0.3, np.nan])
    return pd.DataFrame({
        "method": "morris", "output": "good_jobs_share", "place": "P1",
        "rank": [1, 2, 3], "parameter": PARAMETERS,
        "mu": mu_star, "mu_star": mu_star, "mu_star_conf": conf,
        "mu_star_low": mu_star - conf, "mu_star_high": mu_star + conf,
        "sigma": [0.0, 1.0, 0.0], "note": "",
    })


def bars(ax) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


@pytest.mark.parametrize("rows", [sobol_rows, morris_rows], ids=["sobol", "morris"])
def test_the_chart_is_written_as_a_png(tmp_path, rows):
    path = plot_sensitivity(rows(), tmp_path / "chart.png", title="A title")
    assert path == tmp_path / "chart.png"
    assert path.stat().st_size > 0
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]  # no temporary file left


def test_sobol_bars_are_sorted_with_intervals_and_labelled():
    shuffled = sobol_rows().iloc[[2, 0, 1]]
    fig = sensitivity_figure(shuffled)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    # The most influential parameter at the top.
    ticks = sorted(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()],
                       strict=True), reverse=True)
    assert [t for _, t in ticks] == PARAMETERS
    containers = bars(ax)
    assert len(containers) == 2
    widths = [[bar.get_width() for bar in c.patches] for c in containers]
    np.testing.assert_allclose(widths[0], [0.70, 0.25, -0.01])
    np.testing.assert_allclose(widths[1], [0.74, 0.27, 0.0])
    assert all(c.errorbar is not None for c in containers)
    assert "Sobol" in ax.get_xlabel()
    assert ax.get_title() == "Unemployment rate: Sobol indices"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("First order S1") and legend[1].startswith("Total order ST")


def test_morris_bars_show_mu_star_with_intervals_and_sigma():
    ax = sensitivity_figure(morris_rows(), title="T").axes[0]
    mu_star, sigma = bars(ax)
    # good_jobs_share is a share of 1: drawn in percentage points
    np.testing.assert_allclose([b.get_width() for b in mu_star.patches], [500.0, 310.0, 0.0])
    np.testing.assert_allclose([b.get_width() for b in sigma.patches], [0.0, 100.0, 0.0])
    assert mu_star.errorbar is not None and sigma.errorbar is None
    assert ax.get_xlabel().endswith("(percentage points)") and ax.get_title() == "T"


def test_morris_bars_of_an_output_with_a_unit_are_in_that_unit():
    rows = morris_rows().assign(output="median_wage")
    ax = sensitivity_figure(rows).axes[0]
    mu_star, _ = bars(ax)
    np.testing.assert_allclose([b.get_width() for b in mu_star.patches], [5.0, 3.1, 0.0])
    assert ax.get_xlabel().endswith("(GBP a week)")


@pytest.mark.parametrize("rows", [sobol_rows, morris_rows], ids=["sobol", "morris"])
def test_the_chart_follows_the_figure_rules(tmp_path, rows):
    caption = "Scenario small · base seed 3 · 2 replications · sweep s, 8 runs · placejobs 1"
    fig = sensitivity_figure(rows(), caption=caption)
    assert caption_of(fig) == caption
    assert percent_ticks(fig) == [] and axes_without_legend(fig) == []
    colours = [c.patches[0].get_facecolor() for c in bars(fig.axes[0])]
    assert min_lab_distance(colours) > 30  # two colours of the palette, far apart
    path = plot_sensitivity(rows(), tmp_path / "chart.png", caption=caption)
    assert png_description(path) == caption
    assert png_description(plot_sensitivity(rows(), tmp_path / "bare.png")) is None


def test_a_note_is_written_on_the_chart():
    ax = sensitivity_figure(sobol_rows(note="constant output")).axes[0]
    assert "constant output" in [t.get_text() for t in ax.texts]


def test_rows_that_are_not_one_outputs_indices_are_refused(tmp_path):
    with pytest.raises(ValueError, match="empty"):
        sensitivity_figure(sobol_rows().iloc[:0])
    two = pd.concat([sobol_rows(), sobol_rows().assign(output="good_jobs_share")])
    with pytest.raises(ValueError, match="one output's rows"):
        plot_sensitivity(two, tmp_path / "x.png")
    with pytest.raises(ValueError, match="one method"):
        sensitivity_figure(pd.concat([sobol_rows(), morris_rows()]))
    with pytest.raises(ValueError, match="lacks the morris column"):
        sensitivity_figure(morris_rows().drop(columns="sigma"))
    assert not (tmp_path / "x.png").exists()
