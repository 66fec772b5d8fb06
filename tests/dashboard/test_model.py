"""The dashboard's wrapper model, without a browser: lockstep, common random numbers, reset.

A small UK economy (scale 0.001, 12 months of burn-in). The model is rebuilt the way
Mesa's SolaraViz does on Reset (``mesa.visualization.solara_viz._build_model_init_kwargs``
then the class called with the inputs), so a change in Mesa's reset path shows here.
Also what the page shows of it: the figures' labels, colours and captions, the account's
rows, the Information lines and the sliders' values.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from mesa.visualization.solara_viz import _build_model_init_kwargs

from sim.config.scenario import load_scenario
from sim.core.calendar import calendar_months
from sim.dashboard.cache import BurnInCache
from sim.dashboard.components import ACCOUNT_ROWS, format_account, information_lines
from sim.dashboard.figures import map_figure, series_figure
from sim.dashboard.inputs import format_value
from sim.dashboard.model import PolicyDashboardModel, cost_per_job, lever_status_at
from sim.dashboard.page import initial_values, model_params
from sim.viz.captions import CAPTION_GID
from sim.viz.maps import INSET_GID
from sim.viz.palette import QUALITATIVE

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


def _caption(fig) -> str:
    texts = [t.get_text() for t in fig.texts if t.get_gid() == CAPTION_GID]
    assert len(texts) == 1
    return texts[0]


def test_the_series_write_units_once_in_the_palette_with_a_caption(stepped):
    fig = series_figure(stepped, ["unemployment_rate", "employed"])
    fig.canvas.draw()
    rate, employed = fig.axes
    assert rate.get_ylabel() == "Unemployment rate (%)"
    assert employed.get_ylabel() == "Employed (people)"
    ticks = [t.get_text() for t in rate.get_yticklabels() if t.get_text()]
    assert ticks and not any("%" in t for t in ticks)
    assert all(float(t) > 1 for t in ticks)  # percentages, not shares of 1
    colours = {line.get_label(): line.get_color() for line in rate.get_lines()}
    assert colours["policy run"] == QUALITATIVE[0]
    assert colours["baseline run"] == QUALITATIVE[6]
    caption = _caption(fig)
    assert "Scenario baseline" in caption and "seed 5" in caption and "scale 0.001" in caption


def test_the_map_is_classed_with_a_london_inset_and_a_caption(stepped):
    fig = map_figure(stepped, "unemployment_rate", "policy")
    main = fig.axes[0]
    assert main.get_legend().get_title().get_text().startswith("Unemployment rate (%)\n")
    assert "quantile classes" in main.get_legend().get_title().get_text()
    assert any(ax.get_gid() == INSET_GID for ax in main.child_axes)
    when = calendar_months(stepped.scenario_base.run.start, [8])[0]
    assert f"month 8 ({when:%B %Y})" in main.get_title()
    assert "seed 5" in _caption(fig)
    diff = map_figure(stepped, "unemployment_rate", "difference").axes[0]
    assert "(percentage points)" in diff.get_legend().get_title().get_text()


def test_the_lever_is_before_start_spending_or_after():
    assert [lever_status_at(m, 4, 6) for m in (0, 3, 4, 9, 10, 40)] == [
        "before start", "before start", "spending", "spending", "after", "after"]


def test_the_information_says_the_calendar_month_and_the_lever_status(stepped):
    when = calendar_months(stepped.scenario_base.run.start, [8])[0]
    month, lever, cache = information_lines(stepped)
    assert month == f"Month 8 of 10 ({when:%B %Y})"
    assert lever == "Lever: spending (months 4 to 9)"
    assert cache.startswith("Burn-in cache:")


def test_the_account_rows_say_their_units(stepped):
    table = format_account(stepped.account_table())
    assert list(table.index) == list(ACCOUNT_ROWS.values())
    assert all(r.endswith("(people)") or r.endswith("(GBP)") or "(people;" in r
               for r in table.index)
    assert list(table.columns) == ["Target places' residents", "United Kingdom"]
    assert table.loc["Spend so far (GBP)"].str.startswith("£").all()


def test_every_slider_shows_its_value_in_its_unit(base):
    params = model_params(base)
    sliders = {k: v for k, v in params.items()
               if isinstance(v, dict) and str(v.get("type", "")).startswith("Slider")}
    assert sliders and all("format" in v for v in sliders.values())
    assert format_value(params["budget_gbp_m"], 300.0) == "£300 m"
    assert format_value(params["policy_months"], 24) == "24 months"
    assert format_value(params["distance_decay_per_minute"], 0.075) == "0.075 a minute"
