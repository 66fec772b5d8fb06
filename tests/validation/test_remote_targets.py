"""The remote-work targets (sim.validation.targets): the scenarios they are measured on and
their statistics on a short run of each remote-work scenario."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.validation.targets import TARGETS, RunData

ROOT = Path(__file__).resolve().parents[2]


def _run_data(name: str) -> RunData:
    sc = sim.load_scenario(ROOT / "scenarios" / name).with_overrides(
        scale=0.002, burn_in_months=0, months=4)
    m = sim.LabourMarket(sc, rng=5)
    m.run_for(4)
    return RunData(places=m.places_frame(), national=m.national_frame(),
                   data=m.geography.places, scenario=sc)


@pytest.fixture(scope="module")
def runs() -> dict[str, RunData]:
    return {"2019": _run_data("remote-2019.toml"), "2024": _run_data("remote-2024.toml")}


def test_targets_name_their_scenarios():
    assert TARGETS["hybrid_share_2024"].scenario == "remote-2024"
    assert TARGETS["hybrid_degree_over_noqual"].scenario == "remote-2024"
    assert TARGETS["worked_from_home_2019"].scenario == "baseline"
    assert (TARGETS["worked_from_home_2019"].low, TARGETS["worked_from_home_2019"].high) == (
        pytest.approx(0.10), pytest.approx(0.14))
    assert (TARGETS["hybrid_share_2024"].low, TARGETS["hybrid_share_2024"].high) == (
        pytest.approx(0.25), pytest.approx(0.31))
    for name in ("hybrid_share_2024", "hybrid_degree_over_noqual", "worked_from_home_2019"):
        assert TARGETS[name].statistic is not None, name


def test_statistics_read_the_hybrid_shares(runs):
    n = runs["2024"].national
    assert TARGETS["hybrid_share_2024"].statistic(runs["2024"]) == pytest.approx(
        n["remote_share"].mean())
    ratio = TARGETS["hybrid_degree_over_noqual"].statistic(runs["2024"])
    assert ratio == pytest.approx(n["remote_share_advanced"].mean()
                                  / n["remote_share_basic"].mean())
    assert ratio > 1.5
    share_2019 = TARGETS["worked_from_home_2019"].statistic(runs["2019"])
    assert share_2019 < TARGETS["hybrid_share_2024"].statistic(runs["2024"]) - 0.1


def test_ratio_is_nan_without_basic_hybrid_work(runs):
    r = runs["2024"]
    national = r.national.assign(remote_share_basic=0.0)
    broken = RunData(places=r.places, national=national, data=r.data, scenario=r.scenario)
    assert pd.isna(TARGETS["hybrid_degree_over_noqual"].statistic(broken))
