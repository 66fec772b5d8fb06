"""The dashboard's wrapper model, without a browser: lockstep, common random numbers, reset.

A small UK economy (scale 0.001, 12 months of burn-in). The model is rebuilt the way
Mesa's SolaraViz does on Reset (``mesa.visualization.solara_viz._build_model_init_kwargs``
then the class called with the inputs), so a change in Mesa's reset path shows here.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from mesa.visualization.solara_viz import _build_model_init_kwargs

from sim.config.scenario import load_scenario
from sim.dashboard.cache import BurnInCache
from sim.dashboard.figures import map_figure, series_figure
from sim.dashboard.model import PolicyDashboardModel, cost_per_job
from sim.dashboard.page import initial_values, model_params

START = 4


@pytest.fixture(scope="module")
def base():
    return load_scenario("scenarios/baseline.toml").with_changes(
        {"run.scale": 0.001, "run.burn_in_months": 12, "run.months": 10, "run.seed": 5})


@pytest.fixture(scope="module")
def cache():
    return BurnInCache(size=2)


@pytest.fixture(scope="module")
def stepped(base, cache):
    """A grants lever from month 4, stepped 8 months."""
    model = PolicyDashboardModel(base=base, lever="business_grants", target="North East",
                                 budget_gbp_m=500.0, start_month=START, policy_months=6,
                                 cache=cache)
    for _ in range(8):
        model.step()
    return model


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def test_both_runs_step_together(stepped):
    assert stepped.month == stepped.baseline.month == stepped.policy.month == 8
    assert stepped.steps == 8
    national = stepped.national()
    assert sorted(national["run"].unique()) == ["baseline", "policy"]
    assert national.groupby("run")["month"].max().tolist() == [8, 8]


def test_the_runs_are_identical_until_the_lever_starts_then_differ(stepped):
    b = stepped.baseline.national_frame().set_index("month")
    p = stepped.policy.national_frame().set_index("month")
    pd.testing.assert_frame_equal(b.loc[: START - 1], p.loc[: START - 1], check_exact=True)
    assert (p.loc[START:, "policy_spend"] > 0).all()
    assert not b.loc[START:].drop(columns="policy_spend").equals(
        p.loc[START:].drop(columns="policy_spend"))


def test_a_break_in_common_random_numbers_is_caught(base, cache):
    model = PolicyDashboardModel(base=base, start_month=START, cache=cache)
    employed = np.flatnonzero(model.policy.workers.status == 1)
    model.policy.workers.status[employed[:50]] = 0  # a different policy run before month 4
    with pytest.raises(RuntimeError, match="common random numbers"):
        model.step()


def test_the_account_builds_up_and_prices_the_net_job(stepped):
    acc = stepped.account
    assert sorted(acc["month"].unique()) == list(range(1, 9))
    before = acc[acc["month"] < START]
    assert (before["value"] == 0).all()
    table = stepped.account_table()
    for area in ("target", "national"):
        assert table.at["net", area] == pytest.approx(table.at["measured", area], abs=1e-6)
    assert table.at["spend so far (GBP)", "target"] == pytest.approx(
        stepped.policy.national_frame()["policy_spend"].sum())
    spend, net = table.at["spend so far (GBP)", "target"], table.at["net", "target"]
    cost = table.at["cost per net job (GBP)", "target"]
    assert np.isnan(cost) if net <= 0 else cost == pytest.approx(spend / net)
    path = stepped.cost_path
    assert path["spend_gbp"].is_monotonic_increasing and len(path) == 8


def test_cost_per_job_is_undefined_without_spend_or_a_positive_net():
    assert cost_per_job(1e6, 50.0) == 2e4
    assert np.isnan(cost_per_job(0.0, 50.0))
    assert np.isnan(cost_per_job(1e6, -3.0))
    assert np.isnan(cost_per_job(1e6, float("nan")))


def test_reset_with_a_new_lever_reuses_the_burn_in_and_a_new_scale_does_not(base):
    cache = BurnInCache(size=2)
    params = model_params(base)
    values = initial_values(params)
    model = PolicyDashboardModel(**values, cache=cache)
    assert (cache.misses, cache.hits) == (1, 1)

    def reset(**changes):
        kwargs = _build_model_init_kwargs(model, {**values, **changes, "cache": cache},
                                          add_scenario_when_empty=True,
                                          require_model_accepts_scenario=True)
        return type(model)(**kwargs)

    moved = reset(lever="skills_funding", target="Wales", budget_gbp_m=900.0,
                  start_month=2, policy_months=12)
    assert (cache.misses, cache.hits) == (1, 3)
    assert moved.scenario_policy.policy[0].lever == "skills_funding"
    assert moved.scenario_policy.policy[0].budget_gbp == 9e8
    moved.step()
    assert moved.month == 1 and model.month == 0  # the cached state was copied, not shared

    rescaled = reset(scale=0.0015)
    assert cache.misses == 2 and rescaled.scenario_base.run.scale == 0.0015
    reseeded = reset(rng="6")
    assert cache.misses == 3 and reseeded.seed == 6
    assert reset(distance_decay_per_minute=0.05).scenario_base.search.distance_decay_per_minute \
        == 0.05
    assert cache.misses == 4


def test_the_figures_change_as_the_months_go_by(base, cache):
    model = PolicyDashboardModel(base=base, start_month=1, budget_gbp_m=2000.0, cache=cache)
    before = (_png(map_figure(model, "unemployment_rate", "policy")),
              _png(series_figure(model, ["unemployment_rate", "employed"])))
    for _ in range(3):
        model.step()
    after = (_png(map_figure(model, "unemployment_rate", "policy")),
             _png(series_figure(model, ["unemployment_rate", "employed"])))
    assert before[0] != after[0] and before[1] != after[1]
    diff = model.places_now("employed")["difference"]
    assert np.isfinite(diff).all() and (diff != 0).any()
    _png(map_figure(model, "employed", "difference"))  # a diverging map draws too
