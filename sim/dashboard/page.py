"""The dashboard's page: Mesa's controls, the levers and main parameters, and the components.

:func:`model_params` lists the inputs the way Mesa's apps do (``{"type": "SliderFloat",
...}``; fixed values pass through), each with a ``"format"`` for its value shown beside
it: the lever, its target, budget (GBP million), first month and spending months, the
geography, two search parameters and the scale, and the seed. Changing one and pressing
Reset builds a new :class:`~sim.dashboard.model.PolicyDashboardModel` from them; the
burn-in is rerun only when the geography, scale, seed or a search parameter changed
(:mod:`sim.dashboard.cache`). :func:`build_page` returns the page for ``solara run``.

:func:`DashboardPage` is laid out like Mesa's ``SolaraViz`` page, from Mesa's own parts
(``ModelController``: reset, play/pause, step; ``ShowSteps``: the clock) and
:func:`~sim.dashboard.inputs.ParameterInputs` (Mesa's ``ModelCreator`` with each value
shown), but not with ``SolaraViz`` itself nor ``solara.Sidebar``: with Solara 1.58.2 and
its matching browser assets (the ``solara-assets`` package), SolaraViz's draggable grid
still stays blank in Chromium, and the Sidebar's drawer lies over the page's content
instead of beside it (the map was hidden behind it). So the controls are the left column
of two and the components are in fixed rows in the right one (the map beside the series,
the account below); images shrink to their column (CSS), so the page reads at 1280 pixels
wide as at 1600.
"""

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization.solara_viz import ModelController, ShowSteps

from sim.config.scenario import Scenario
from sim.dashboard.components import AccountView, InformationView, MapView, SeriesView
from sim.dashboard.inputs import ParameterInputs
from sim.dashboard.levers import GEOGRAPHIES, target_choices
from sim.dashboard.model import PolicyDashboardModel
from sim.policies.levers import LEVERS

__all__ = ["DashboardPage", "build_page", "initial_values", "model_params"]

#: The page's title.
TITLE = "placejobs: a policy against its baseline"
#: The page's CSS: images no wider than their card; the account table readable.
CSS = """
.placejobs-dashboard img { max-width: 100%; height: auto; }
.placejobs-account-table { border-collapse: collapse; font-size: 14px; margin-top: 8px; }
.placejobs-account-table th, .placejobs-account-table td { padding: 4px 14px; }
.placejobs-account-table td { text-align: right; font-variant-numeric: tabular-nums; }
.placejobs-account-table thead th { text-align: right; border-bottom: 1px solid #999; }
.placejobs-account-table tbody th { text-align: left; font-weight: normal; }
.placejobs-account-table tbody tr:nth-child(even) { background: #f4f4f4; }
.placejobs-account-table tbody tr.placejobs-net th { font-weight: bold; }
"""


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
                         "step": 10.0, "label": "Budget",
                         "format": "£{:,.0f} m"},
        "start_month": {"type": "SliderInt", "value": 6, "min": 1, "max": 60, "step": 1,
                        "label": "First month",
                        "format": "month {}"},
        "policy_months": {"type": "SliderInt", "value": 24, "min": 1, "max": 120, "step": 1,
                          "label": "Spending",
                          "format": "{} months"},
        "geography": {"type": "Select", "value": geography, "values": list(GEOGRAPHIES),
                      "label": "Geography"},
        "distance_decay_per_minute": {
            "type": "SliderFloat", "value": float(base.search.distance_decay_per_minute),
            "min": 0.005, "max": 0.2, "step": 0.005,
            "label": "Distance decay",
            "format": "{:.3f} a minute"},
        "applications_per_searcher": {
            "type": "SliderInt", "value": int(base.search.applications_per_searcher),
            "min": 1, "max": 10, "step": 1, "label": "Applications",
            "format": "{} a round"},
        "scale": {"type": "SliderFloat", "value": scale, "min": min(0.0005, scale),
                  "max": max(0.02, scale), "step": 0.0005, "label": "Scale",
                  "format": "{:g} per person"},
        "rng": {"type": "InputText", "value": str(base.run.seed), "label": "Seed"},
    }


def initial_values(params: dict[str, Any]) -> dict[str, Any]:
    """The values the inputs start at (as Mesa passes them on reset)."""
    return {k: v["value"] if isinstance(v, dict) and "type" in v else v
            for k, v in params.items()}


@solara.component
def DashboardPage(model: PolicyDashboardModel, params: dict[str, Any]):
    """The page: Mesa's controls and the inputs on the left, the components beside them.

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
    solara.Style(CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Columns([1, 3], classes=["placejobs-page"]):
        with solara.Column(classes=["placejobs-controls"]):
            with solara.Card("Controls"):
                with solara.Row(style={"align-items": "center", "gap": "8px"}):
                    with solara.Column(style={"flex": "1 1 auto", "min-width": "0"}):
                        solara.SliderInt(label="Play interval (ms)", value=play_interval,
                                         min=1, max=1000, step=10)
                    solara.Text(f"{play_interval.value} ms", classes=["placejobs-value"])
                with solara.Row(style={"align-items": "center", "gap": "8px"}):
                    with solara.Column(style={"flex": "1 1 auto", "min-width": "0"}):
                        solara.SliderInt(label="Months a step", value=render_interval,
                                         min=1, max=24)
                    solara.Text(f"{render_interval.value}", classes=["placejobs-value"])
                ModelController(reactive_model, model_parameters=model_parameters,
                                play_interval=play_interval,
                                render_interval=render_interval, use_threads=use_threads)
            with solara.Card("Information", classes=["placejobs-information"]), \
                    solara.Column(gap="4px"):
                ShowSteps(current)
                InformationView(current)
            with solara.Card("Parameters (Reset applies them)"):
                ParameterInputs(params, model_parameters)
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
