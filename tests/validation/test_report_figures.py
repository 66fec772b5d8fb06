"""The figures of ``placejobs validate``'s report follow the figure rules.

Synthetic groups of runs (no simulation): 2 replications of 12 months on six places of a
stand-in geography without boundaries named ``uk-itl1`` (regions, matching function, maps,
and, as the cycle scenario, the Beveridge curve), and six real district codes on one
named ``uk-lad`` (districts, commuting, maps), drawn by
:func:`sim.validation.report.write_report`. Every figure must carry the caption line (on
the figure and as the PNG's ``Description``), have no ``%`` tick and a legend wherever it
draws more than one series, and its file name must say its geography.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim import __version__
from sim.config.scenario import load_scenario
from sim.sweeps.store import SweepResults
from sim.validation import report
from sim.validation.report import ValidationReport, _Group, evaluate
from sim.validation.targets import workplace_ratio_data
from tests.viz.figure_rules import (
    axes_without_legend,
    caption_of,
    keep_saved_figures,
    percent_ticks,
    png_description,
)

SMALL = Path(__file__).resolve().parents[2] / "scenarios" / "small.toml"
MONTHS, REPLICATIONS = 12, 2


def _group(name: str, kind: str, codes: list[str], seed: int) -> _Group:
    rng = np.random.default_rng(seed)
    n = len(codes)
    places = pd.DataFrame({
        "lat": np.linspace(50.5, 57.0, n), "lon": np.linspace(-4.0, 0.5, n),
        "population": np.linspace(1e6, 6e6, n),
        "unemployment_rate": np.linspace(0.03, 0.06, n),
        "employment_rate": np.linspace(0.70, 0.78, n),
        "median_weekly_pay_gbp": np.linspace(550.0, 750.0, n),
        "gva_per_hour_gbp": np.linspace(32.0, 50.0, n),
    }, index=pd.Index(codes, name="code"))
    rows, national = [], []
    for rep in range(REPLICATIONS):
        for month in range(1, MONTHS + 1):
            for i, code in enumerate(codes):
                u = 500.0 * (1 + i) * np.exp(0.2 * rng.standard_normal())
                v = 300.0 * (1 + i) * np.exp(0.2 * rng.standard_normal())
                rows.append({
                    "replication": rep, "month": month, "place": code,
                    "unemployment_rate": 0.03 + 0.004 * i + 0.002 * rng.standard_normal(),
                    "employment_rate": 0.72 + 0.01 * rng.standard_normal(),
                    "median_wage": 560.0 + 30 * i, "gva_per_worker": 50_000.0 + 2_000 * i,
                    "unemployed_searching": u, "vacancies": v,
                    "hires_from_unemployment": 0.3 * u ** 0.6 * v ** 0.4,
                    "hires": 0.5 * u ** 0.5 * v ** 0.5,
                    "mean_commute_km_on_site": 10.0 + i, "employed": 1000.0 * (1 + i),
                    "jobs_per_resident_worker": 0.8 + 0.1 * i,
                })
            national.append({"replication": rep, "month": month,
                             "unemployment_rate": 0.04 + 0.005 * np.sin(month / 2 + rep),
                             "vacancy_rate": 0.03 - 0.004 * np.sin(month / 2 + rep),
                             "mean_commute_km_on_site": 13.0, "mean_commute_km": 11.0})
    results = SweepResults(places=pd.DataFrame(rows), national=pd.DataFrame(national),
                           failures=pd.DataFrame(), info={}, out=None)
    scenario = load_scenario(SMALL)
    geo = SimpleNamespace(name=name, places=places, boundaries=None, boundary_key=None)
    return _Group(name, kind, scenario, results, places, geo)


@pytest.fixture
def drawn(tmp_path, monkeypatch):
    """Write the report of the synthetic groups; return its page, directory and figures."""
    regions = [f"R{i}" for i in range(6)]
    districts = list(workplace_ratio_data().index[:6])
    groups = {("uk-itl1", "baseline"): _group("uk-itl1", "baseline", regions, 1),
              ("uk-itl1", "cycle"): _group("uk-itl1", "cycle", regions, 2),
              ("uk-lad", "baseline"): _group("uk-lad", "baseline", districts, 3)}
    figures = keep_saved_figures(monkeypatch, report)
    result = ValidationReport(table=evaluate({}), out=tmp_path)
    report.write_report(result, groups)
    return (tmp_path / "report.html").read_text(encoding="utf-8"), tmp_path, figures


def test_every_figure_carries_the_caption_and_says_its_geography(drawn):
    page, out, figures = drawn
    assert sorted(figures) == ["beveridge-itl1.png", "commute-lad.png", "districts-lad.png",
                               "maps-itl1.png", "maps-lad.png", "matching-itl1.png",
                               "regions-itl1.png"]
    run = load_scenario(SMALL).run
    expected = (f"Scenario {run.name} · base seed {run.seed} · {REPLICATIONS} replications · "
                f"scale {run.scale:g} · run {date.today()} · placejobs {__version__}")
    for name, fig in figures.items():
        assert caption_of(fig) == expected, name
        assert png_description(out / name) == expected, name
        assert f"src='{name}'" in page


def test_units_once_and_legends(drawn):
    _, _, figures = drawn
    for name, fig in figures.items():
        assert percent_ticks(fig) == [], name
        assert axes_without_legend(fig) == [], name
    unemployment = figures["regions-itl1.png"].axes[0]
    assert (unemployment.get_xlabel(), unemployment.get_ylabel()) == ("Data (%)", "Model (%)")
    beveridge = figures["beveridge-itl1.png"].axes[0]
    assert beveridge.get_xlabel() == "Unemployment rate (%)"
    assert len({line.get_color() for line in beveridge.get_lines()}) == REPLICATIONS
    ratio = figures["districts-lad.png"].axes[2]
    ticks = [t.get_text() for t in ratio.yaxis.get_ticklabels() if t.get_text()]
    assert ticks and not any("^" in t for t in ticks), ticks  # plain numbers, not 10^0
    commute = figures["commute-lad.png"].axes[0]
    assert commute.yaxis.get_offset_text().get_text() == ""  # no "1e6" above the axis
