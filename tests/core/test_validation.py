"""Validation against published figures (shared/VALIDATION.md) that the model must reproduce.

These are statistical checks with fixed seeds. Tolerances: the Census figures are the
targets; the bounds are the issue's (own district within 10 points) or, for the ITL1
matrix the distance decay is fitted to, 3 points (the month-to-month s.e. of the share at
scale 0.002 is about 0.2 points, so 3 points only fails if the mechanism changes).
"""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.world.resources import read_data_csv

NOT_WORKPLACES = {"HOME", "NO_FIXED_PLACE", "OFFSHORE", "OUTSIDE_UK"}


def _census_own_region_share() -> float:
    d = read_data_csv("geo/uk_commute_2011_itl1_long.csv")
    d = d[~d["workplace_itl121cd"].isin(NOT_WORKPLACES)]
    own = d.loc[d["residence_itl121cd"] == d["workplace_itl121cd"], "persons"].sum()
    return own / d["persons"].sum()


def _run(scenario_file: str, months: int = 12) -> pd.DataFrame:
    scenario = sim.load_scenario(scenario_file).with_overrides(scale=0.002, months=months)
    model = sim.LabourMarket(scenario, rng=1)
    model.run_for(months)
    return model.national_frame()


def test_census_own_region_share_is_read_correctly() -> None:
    assert _census_own_region_share() == pytest.approx(0.9146, abs=0.001)


def test_own_region_commuting_matches_the_2011_census_at_itl1() -> None:
    national = _run("scenarios/baseline.toml")
    share = national["own_place_work_share"].iloc[-1]
    assert abs(share - _census_own_region_share()) < 0.03, share


@pytest.mark.parametrize("scale", [0.005, 0.01])
def test_own_district_share_within_three_points_of_the_census(scale: float) -> None:
    """Jobs where the Census workplaces are and the decay fitted at district level: the
    share working in their own district is within 3 points of 44% from scale 0.005 up
    (measured, 12 months after burn-in, seed 42: 42.9% at 0.005, 44.3% at 0.01, 45.3% at
    0.02; 39.9% at 0.002, where small districts hold too few firms)."""
    result = sim.run("scenarios/baseline-lad.toml", scale=scale, months=12, seed=42,
                     out=None, progress=False)
    share = result.national["own_place_work_share"].iloc[-1]
    assert abs(share - 0.44) < 0.03, share


def test_own_district_commuting_near_the_2011_census_at_lad() -> None:
    # 2011 Census (WU03UK): about 44% live and work in the same local authority district.
    national = _run("scenarios/baseline-lad.toml")
    share = national["own_place_work_share"].iloc[-1]
    assert abs(share - 0.44) < 0.10, share
    # Unemployment stays in the band at district level too.
    assert national["unemployment_rate"].between(0.03, 0.06).all()


def test_every_scenario_parameter_is_in_the_odd_document() -> None:
    from pathlib import Path

    from sim.config.scenario import Scenario

    odd = (Path(__file__).resolve().parents[2] / "docs" / "ODD.md").read_text()
    scenario = Scenario()
    missing = []
    for section, field in Scenario.model_fields.items():
        if section in ("source", "policy"):  # the levers' keys: docs/policies.md
            continue
        for name in field.annotation.model_fields:
            if section in ("run", "geography_options"):
                if f"`{name}`" not in odd:
                    missing.append(f"{section}.{name}")
            elif f"`{section}.{name}`" not in odd:
                missing.append(f"{section}.{name}")
    assert not missing, missing
    assert scenario.run.geography in odd


def _twenty_years(scenario_file: str, scale: float):
    scenario = sim.load_scenario(scenario_file).with_overrides(scale=scale, months=240)
    model = sim.LabourMarket(scenario, rng=42)
    model.run_for(240)
    places = model.places_frame()
    pop = places.pivot(index="month", columns="place", values="working_age_population")
    agents = places.pivot(index="month", columns="place", values="worker_agents").iloc[0]
    ratio = pop.iloc[-1] / pop.iloc[0]
    ratio.attrs["agents_at_start"] = agents
    return model.national_frame(), ratio


def test_uk_baseline_stable_over_twenty_years_at_itl1() -> None:
    national, ratio = _twenty_years("scenarios/baseline.toml", 0.002)
    assert national["unemployment_rate"].between(0.03, 0.06).all()
    assert 0.05 <= national["job_finding_rate"].mean() <= 0.15
    # No region empties or explodes: measured 0.90 to 1.11 after 20 years.
    assert ratio.between(0.75, 1.25).all(), ratio


def test_uk_baseline_stable_over_twenty_years_at_lad() -> None:
    national, ratio = _twenty_years("scenarios/baseline-lad.toml", 0.004)
    assert national["unemployment_rate"].between(0.03, 0.06).all()
    # A stability band, not the calibration target (8-10% a month, missed for now: with
    # jobs placed by the Census workplaces the mean is 15.0% at this scale, from 13.2% in
    # the first year to about 15% in the last; the validation report states the miss).
    assert 0.05 <= national["job_finding_rate"].mean() <= 0.16
    # No district empties or explodes. Districts hold a few dozen agents and up at this
    # scale (the Isles of Scilly, 5), so their populations are noisy: the bounds are
    # wide but exclude both, for every district with at least 50 agents at the start;
    # the few smaller ones must not empty.
    agents = ratio.attrs["agents_at_start"]
    big = ratio[agents >= 50]
    assert big.size > 350
    assert (big > 0.4).all() and (big < 2.5).all(), big.describe()
    assert (ratio > 0).all(), ratio.nsmallest(3)
