"""The figures of ``placejobs compare``'s report follow the figure rules.

A synthetic comparison (two places on a stand-in geography without boundaries, 6 months,
shares of 1 and counts of people) is written by :func:`sim.comparison.report.write_report`;
every figure must carry the caption line (on the figure and as the PNG's
``Description``), have no ``%`` tick, a legend wherever it draws more than one series, and
the map's file name must say the geography. No simulation runs.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.comparison import report
from sim.comparison.api import CompareResults
from tests.viz.figure_rules import (
    axes_without_legend,
    caption_of,
    keep_saved_figures,
    percent_ticks,
    png_description,
)

PLACES = {"P1": ("Northtown", 54.0, -2.0, 2.0e6), "P2": ("Southville", 51.5, -0.5, 3.0e6)}
MONTHS = 6


def _geography() -> SimpleNamespace:
    places = pd.DataFrame(
        [{"code": c, "name": n, "lat": la, "lon": lo, "population": p}
         for c, (n, la, lo, p) in PLACES.items()]).set_index("code")
    return SimpleNamespace(name="test-grid", places=places, boundaries=None, boundary_key=None)


def _interval(value: float, k: float = 0.3) -> dict[str, float]:
    return {"ci_low": value * (1 - k), "ci_high": value * (1 + k)}


def _results(out) -> CompareResults:
    s = "grants"
    impact = []
    for area in ("UK", "target", *PLACES):
        for name, value, unit in (("employed", 1500.0, "people"), ("good_jobs", 800.0, "people"),
                                  ("jobs_at_workplace", 1200.0, "people"),
                                  ("good_jobs_share", 0.004, "share"),
                                  ("unemployment_rate", -0.002, "share")):
            v = value if area in ("UK", "target") else value * (0.5 if area == "P1" else -0.5)
            impact.append({"scenario": s, "area": area,
                           "name": PLACES.get(area, ("",))[0] or None, "indicator": name,
                           "period": "whole", "month": pd.NA, "difference": v,
                           **_interval(v), "replications": 2, "unit": unit})
    account = []
    costs = []
    for area in ("UK", "target"):
        for month in range(1, MONTHS + 1):
            net = 200.0 * month
            account.append({"scenario": s, "area": area, "term": "net", "period": "month",
                            "month": month, "value": net, **_interval(net, 0.8),
                            "replications": 2})
            costs.append({"scenario": s, "area": area, "per": "net additional job",
                          "period": "month", "month": month, "spend_gbp": 1e7 * month,
                          "net": net, "net_ci_low": 0.0, "net_ci_high": 2 * net,
                          "cost_gbp": 1e7 / 200.0 * (1 + 0.1 * month), "ci_low": 1e4,
                          "ci_high": np.inf, "replications": 2, "note": ""})
    info = {"placejobs_version": "9.9.9", "created_at": "2026-11-30T10:00:00+00:00",
            "baseline_file": "tiny.toml", "replications": 2, "seed": 11, "scale": 0.001,
            "months": MONTHS, "burn_in_months": 12, "git_commit": "abc",
            "baseline": {"run": {"name": "tiny"}}}
    return CompareResults(impact=pd.DataFrame(impact), account=pd.DataFrame(account),
                          costs=pd.DataFrame(costs), info=info, out=out, failures=[])


@pytest.fixture
def drawn(tmp_path, monkeypatch):
    """Write the report; return its page, directory and the figures saved (name -> figure)."""
    figures = keep_saved_figures(monkeypatch, report)
    page = report.write_report(_results(tmp_path), _geography(), {"grants": ["P1"]})
    return page.read_text(encoding="utf-8"), tmp_path, figures


def test_every_figure_carries_the_caption_and_units_once(drawn):
    page, out, figures = drawn
    expected = ("Scenario grants vs tiny · base seed 11 · 2 replications · scale 0.001 · "
                "run 2026-11-30 · placejobs 9.9.9")
    assert sorted(figures) == ["effects-grants.png", "map-grants-test_grid.png",
                               "paths-grants.png"]
    for name, fig in figures.items():
        assert caption_of(fig) == expected, name
        assert png_description(out / name) == expected, name
        assert f"src='{name}'" in page  # the page links the file written
        assert percent_ticks(fig) == [], name
        assert axes_without_legend(fig) == [], name


def test_units_are_in_the_axis_labels_and_log_ticks_are_plain_numbers(drawn):
    _, _, figures = drawn
    (effects,) = figures["effects-grants.png"].axes
    assert effects.get_xlabel().endswith("(people)")
    assert [t.get_text() for t in effects.get_legend().get_texts()] == ["UK", "Target places"]
    net, cost = figures["paths-grants.png"].axes
    assert net.get_ylabel() == "Net additional jobs (people)"
    assert cost.get_ylabel() == "Cost per net additional job (GBP)"
    ticks = [t.get_text() for t in cost.yaxis.get_ticklabels(which="both") if t.get_text()]
    assert ticks and all(t.replace(",", "").isdigit() for t in ticks), ticks
    colours = {line.get_color() for line in net.get_lines() if not line.get_label()
               .startswith("_")}
    assert len(colours) == 2  # UK and target places in two palette colours
