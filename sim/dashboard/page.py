"""The dashboard's page: Mesa's SolaraViz with the levers and main parameters as inputs.

:func:`model_params` lists the inputs the way Mesa's apps do (``{"type": "SliderFloat",
...}``; fixed values pass through): the lever, its target, budget (GBP million), first
month and spending months, the geography, two search parameters and the scale, and the
seed. Changing one and pressing Reset builds a new
:class:`~sim.dashboard.model.PolicyDashboardModel` from them; the burn-in is rerun only
when the geography, scale, seed or a search parameter changed
(:mod:`sim.dashboard.cache`). :func:`build_page` returns the page for ``solara run``.

:func:`DashboardPage` is SolaraViz's page with its own layout: the same sidebar, built
from Mesa's own components (``ModelController``: reset, play/pause, step;
``ModelCreator``: the inputs of ``model_params``; ``ShowSteps``), and the components in
fixed rows (the map beside the series, the account below) instead of SolaraViz's
draggable grid, whose Vue 3 grid layout stays blank when Solara's browser assets are
served from a local copy (no network), as on the project's test machines.
"""

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization.solara_viz import ModelController, ModelCreator, ShowSteps

from sim.config.scenario import Scenario
from sim.dashboard.components import AccountView, MapView, SeriesView
from sim.dashboard.levers import GEOGRAPHIES, target_choices
from sim.dashboard.model import PolicyDashboardModel
from sim.policies.levers import LEVERS

__all__ = ["DashboardPage", "build_page", "initial_values", "model_params"]

#: The page's title.
TITLE = "placejobs: a policy against its baseline"


def model_params(base: Scenario) -> dict[str, Any]:
    """SolaraViz's ``model_params`` for a dashboard on ``base`` (its values as defaults)."""
    geography = {v: k for k, v in GEOGRAPHIES.items()}.get(base.run.geography, "regions")
    scale = float(base.run.scale)
    return {
        "base": base,
        "lever": {"type": "Select", "value": "business_grants", "values": list(LEVERS),
                  "label": "Lever"},
        "target": {"type": "Select", "value": "North East", "values": target_choices(),
                   "label": "Target (region or group)"},
        "budget_gbp_m": {"type": "SliderFloat", "value": 200.0, "min": 10.0, "max": 5000.0,
                         "step": 10.0, "label": "Budget (GBP m)"},
        "start_month": {"type": "SliderInt", "value": 6, "min": 1, "max": 60, "step": 1,
                        "label": "Lever's first month"},
        "policy_months": {"type": "SliderInt", "value": 24, "min": 1, "max": 120, "step": 1,
                          "label": "Months of spending"},
        "geography": {"type": "Select", "value": geography, "values": list(GEOGRAPHIES),
                      "label": "Geography"},
        "distance_decay_per_minute": {
            "type": "SliderFloat", "value": float(base.search.distance_decay_per_minute),
            "min": 0.005, "max": 0.2, "step": 0.005,
            "label": "Search distance decay (per minute)"},
        "applications_per_searcher": {
            "type": "SliderInt", "value": int(base.search.applications_per_searcher),
            "min": 1, "max": 10, "step": 1, "label": "Applications per searcher"},
        "scale": {"type": "SliderFloat", "value": scale, "min": min(0.0005, scale),
                  "max": max(0.02, scale), "step": 0.0005, "label": "Scale (agents per person)"},
        "rng": {"type": "InputText", "value": str(base.run.seed), "label": "Seed"},
    }


def initial_values(params: dict[str, Any]) -> dict[str, Any]:
    """The values the inputs start at (as Mesa passes them on reset)."""
    return {k: v["value"] if isinstance(v, dict) and "type" in v else v
            for k, v in params.items()}


@solara.component
def DashboardPage(model: PolicyDashboardModel, params: dict[str, Any]):
    """The page: Mesa's controls and inputs in the sidebar, the components beside them.

    Args:
        model: the first model (each browser session steps its own reactive copy of the
            reference, as SolaraViz does).
        params: :func:`model_params`.
    """
    reactive_model = solara.use_reactive(model)
    model_parameters = solara.use_reactive({})
    play_interval = solara.use_reactive(100)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    current = reactive_model.value
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            solara.SliderInt(label="Play interval (ms)", value=play_interval, min=1, max=1000,
                             step=10)
            solara.SliderInt(label="Months a step", value=render_interval, min=1, max=24)
            ModelController(reactive_model, model_parameters=model_parameters,
                            play_interval=play_interval, render_interval=render_interval,
                            use_threads=use_threads)
        with solara.Card("Model parameters (press Reset to apply)"):
            ModelCreator(reactive_model, params, model_parameters=model_parameters)
        with solara.Card("Information"):
            with solara.Column():
                ShowSteps(current)
                cache = current.cache
                solara.Text(f"Burn-in cache: {cache.hits} copies served, {cache.misses} "
                            "burn-ins run")
    with solara.Column(classes=["placejobs-dashboard"]):
        with solara.Columns([1, 1]):
            MapView(current)
            SeriesView(current)
        AccountView(current)


def build_page(base: Scenario):
    """The page of a dashboard on ``base`` (the first model built and burned in)."""
    params = model_params(base)
    model = PolicyDashboardModel(**initial_values(params))
    return DashboardPage(model, params)
