"""Places with too few worker agents for their indicators: one SmallPlaceWarning.

The threshold (:data:`sim.config.checks.MIN_PLACE_AGENTS`, 400 agents: a standard error of
about 1.1 percentage points on a 4% unemployment rate) and the message are in
:mod:`sim.config.checks`. Checked at region level at a tiny scale (the warning comes once,
whether the model is built by hand or by :func:`sim.run`) and at district level, where
``baseline-lad.toml`` at scale 0.003 warns and the default baseline at 0.01 does not.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pytest

import sim
from sim.config.checks import MIN_PLACE_AGENTS, SmallPlaceWarning, count_agents
from sim.world.geographies import geography_from_options

ROOT = Path(__file__).resolve().parents[2]


def _small_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SmallPlaceWarning)]


def _check(path: str, scale: float) -> list[str]:
    scenario = sim.load_scenario(ROOT / path).with_overrides(scale=scale)
    geography = geography_from_options(scenario.run.geography,
                                       scenario.geography_options.model_dump())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.validate_for_geography(scenario, geography)
    return _small_warnings(caught)


def test_the_threshold_gives_about_one_point_of_standard_error():
    """At 4% unemployment and about 78% of residents in the labour force."""
    labour_force = 0.78 * MIN_PLACE_AGENTS
    assert 0.009 < math.sqrt(0.04 * 0.96 / labour_force) < 0.012
    assert issubclass(SmallPlaceWarning, UserWarning)
    assert sim.SmallPlaceWarning is SmallPlaceWarning


def test_building_a_model_at_a_tiny_scale_warns_once_naming_the_places():
    scenario = sim.load_scenario(ROOT / "scenarios/baseline.toml").with_overrides(
        scale=1e-4, burn_in_months=0, months=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.LabourMarket(scenario, rng=1)
    (message,) = _small_warnings(caught)
    assert "9 of 12 places fewer than 400 worker agents" in message
    assert message.index("Northern Ireland (117 agents)") < message.index("North East (164)")
    assert "and 1 more" in message and "London" not in message
    # the scale it suggests lifts every place over the threshold
    suggested = float(message.split("run.scale = ")[-1].split(" or more")[0])
    geography = geography_from_options("uk-itl1", {})
    lifted = count_agents(scenario.with_overrides(scale=suggested), geography)
    assert lifted.per_place.min() >= MIN_PLACE_AGENTS
    below = count_agents(scenario.with_overrides(scale=suggested * 0.95), geography)
    assert below.per_place.min() < MIN_PLACE_AGENTS


def test_sim_run_warns_once(tmp_path):
    scenario = sim.load_scenario(ROOT / "scenarios/baseline.toml").with_overrides(
        scale=1e-4, burn_in_months=0, months=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.run(scenario, progress=False)
    assert len(_small_warnings(caught)) == 1


def test_district_baseline_at_scale_0_003_warns():
    (message,) = _check("scenarios/baseline-lad.toml", 0.003)
    assert "of 374 places fewer than 400 worker agents" in message
    assert "Isles of Scilly (4 agents), City of London (22)" in message
    assert "more;" in message  # more than 8 places: the rest are counted


def test_default_baselines_at_scale_0_01_do_not_warn_at_region_level():
    assert _check("scenarios/baseline.toml", 0.01) == []


@pytest.mark.parametrize("scale", [0.0005, 0.002])
def test_region_scales_the_tests_use_do_not_warn(scale):
    """Northern Ireland, the smallest region, has 1.17 million people of working age."""
    assert _check("scenarios/baseline.toml", scale) == []
