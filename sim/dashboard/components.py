"""The dashboard's Solara components: the map, the series and the account.

Each is a Solara component taking the model, as SolaraViz's components do; each reads
Mesa's ``update_counter`` so it is drawn again after every step, and redraws its figure
only when the month, the model or its own picker changes (``solara.use_memo``). The
pickers (the map's indicator and view, the series' indicators) belong to the component:
changing one redraws it without a reset. The figures come from
:mod:`sim.dashboard.figures`; the CSS classes (``placejobs-map``, ``placejobs-series``,
``placejobs-account``) are what the browser test looks for.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import solara
from mesa.visualization.utils import update_counter

from sim.dashboard.figures import (
    MAP_INDICATORS,
    MAP_VIEWS,
    SERIES_INDICATORS,
    map_figure,
    series_figure,
)
from sim.dashboard.model import PolicyDashboardModel

__all__ = ["AccountView", "MapView", "SeriesView", "format_account"]


@solara.component
def MapView(model: PolicyDashboardModel):
    """This month's indicator by place: either run or their difference."""
    update_counter.get()
    indicator, set_indicator = solara.use_state("unemployment_rate")
    view, set_view = solara.use_state("policy")
    fig = solara.use_memo(lambda: map_figure(model, indicator, view),
                          dependencies=[id(model), model.month, indicator, view])
    with solara.Card("UK map", classes=["placejobs-map"]):
        with solara.Row():
            solara.Select(label="Map indicator", value=indicator,
                          values=list(MAP_INDICATORS), on_value=set_indicator)
            solara.ToggleButtonsSingle(value=view, values=list(MAP_VIEWS), on_value=set_view)
        solara.FigureMatplotlib(fig, format="png", dependencies=[id(fig)])


@solara.component
def SeriesView(model: PolicyDashboardModel):
    """National indicators month by month, the policy run against the baseline."""
    update_counter.get()
    chosen, set_chosen = solara.use_state(["unemployment_rate", "employed"])
    fig = solara.use_memo(lambda: series_figure(model, chosen),
                          dependencies=[id(model), model.month, tuple(chosen)])
    with solara.Card("Policy against baseline", classes=["placejobs-series"]):
        solara.SelectMultiple("Series", values=chosen, all_values=list(SERIES_INDICATORS),
                              on_value=set_chosen)
        solara.FigureMatplotlib(fig, format="png", dependencies=[id(fig)])


def format_account(table: pd.DataFrame) -> pd.DataFrame:
    """The account table as text: people with thousands separators, GBP in pounds."""
    out = table.astype(object).copy()
    for row in table.index:
        money = "GBP" in row
        for col in table.columns:
            v = float(table.at[row, col])
            out.at[row, col] = ("-" if not math.isfinite(v)
                                else f"£{v:,.0f}" if money else f"{v:,.0f}")
    out.columns = ["target places' residents", "United Kingdom"]
    out.index.name = None
    return out


@solara.component
def AccountView(model: PolicyDashboardModel):
    """The additionality account of the latest month, with spend and cost per net job."""
    update_counter.get()
    table = format_account(model.account_table())
    lever = model.scenario_policy.policy[0]
    months = f"months {lever.start_month} to {lever.start_month + lever.months - 1}"
    target = lever.target if isinstance(lever.target, str) else ", ".join(lever.target)
    with solara.Card("Additionality account", classes=["placejobs-account"]):
        solara.HTML(tag="p", unsafe_innerHTML=(
            f"<b>{html.escape(lever.lever)}</b> in {html.escape(target)}, "
            f"£{lever.budget_gbp / 1e6:,.0f} m over {months}; month {model.month} of "
            f"{model.horizon}. Jobs held, people: net = gross - deadweight - leakage - "
            "displacement + multiplier, measured against the baseline run."))
        solara.HTML(tag="div", unsafe_innerHTML=table.to_html(
            classes="placejobs-account-table", border=0))
