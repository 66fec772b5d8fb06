"""The dashboard's Solara components: the map, the series, the account and the information.

Each is a Solara component taking the model, as SolaraViz's components do; each reads
Mesa's ``update_counter`` so it is drawn again after every step, and redraws its figure
only when the month, the model or its own picker changes (``solara.use_memo``). The
pickers (the map's indicator and view, the series' indicators) belong to the component:
changing one redraws it without a reset. The figures come from
:mod:`sim.dashboard.figures`; the CSS classes (``placejobs-map``, ``placejobs-series``,
``placejobs-account``, ``placejobs-information``) are what the browser test looks for.

The account is shown as a table whose rows say what each term is and its unit (people,
GBP) and whose columns say whose jobs they are (:data:`ACCOUNT_ROWS`).
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

__all__ = ["ACCOUNT_ROWS", "AccountView", "InformationView", "MapView", "SeriesView",
           "format_account", "information_lines"]

#: The account's rows as shown: what each term of ``account_table`` is, with its unit.
ACCOUNT_ROWS = {
    "gross": "Gross: jobs created at supported units (people)",
    "deadweight": "− Deadweight: created there anyway, in the baseline (people)",
    "leakage": "− Leakage: taken by in-commuters (people)",
    "displacement": "− Displacement: residents' jobs lost elsewhere (people)",
    "multiplier": "+ Multiplier: residents' jobs gained elsewhere (people)",
    "net": "= Net additional jobs (people)",
    "measured": "Measured: jobs held, policy less baseline (people; checks the net)",
    "spend so far (GBP)": "Spend so far (GBP)",
    "cost per net job (GBP)": "Cost per net additional job (GBP)",
}
#: The account's columns as shown.
ACCOUNT_COLUMNS = {"target": "Target places' residents", "national": "United Kingdom"}


@solara.component
def MapView(model: PolicyDashboardModel):
    """This month's indicator by place: either run or their difference."""
    update_counter.get()
    indicator, set_indicator = solara.use_state("unemployment_rate")
    view, set_view = solara.use_state("policy")
    fig = solara.use_memo(lambda: map_figure(model, indicator, view),
                          dependencies=[id(model), model.month, indicator, view])
    with solara.Card("UK map", classes=["placejobs-map"]):
        with solara.Row(style={"flex-wrap": "wrap"}):
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
    """The account table as text: rows named with their units (:data:`ACCOUNT_ROWS`),
    people with thousands separators, GBP in pounds, ``-`` where there is no value (a
    cost per job while the net is not positive)."""
    out = table.astype(object).copy()
    for row in table.index:
        money = "GBP" in row
        for col in table.columns:
            v = float(table.at[row, col])
            out.at[row, col] = ("-" if not math.isfinite(v)
                                else f"£{v:,.0f}" if money else f"{v:,.0f}")
    out.index = [ACCOUNT_ROWS.get(r, r) for r in table.index]
    out.columns = [ACCOUNT_COLUMNS.get(c, c) for c in table.columns]
    return out


def information_lines(model: PolicyDashboardModel) -> list[str]:
    """The Information card's lines: the month with its calendar month, the lever's
    status, the burn-in cache."""
    lever = model.scenario_policy.policy[0]
    last = lever.start_month + lever.months - 1
    when = f"{model.calendar_month:%B %Y}"
    month = (f"Month 0 of {model.horizon} (end of the burn-in, {when})" if model.month == 0
             else f"Month {model.month} of {model.horizon} ({when})")
    status = model.lever_status
    lever_line = {"before start": f"Lever: before start (spends months {lever.start_month} "
                                  f"to {last})",
                  "spending": f"Lever: spending (months {lever.start_month} to {last})",
                  "after": f"Lever: after (spent months {lever.start_month} to {last})"}[status]
    cache = model.cache
    return [month, lever_line,
            f"Burn-in cache: {cache.hits} copies served, {cache.misses} burn-ins run"]


@solara.component
def InformationView(model: PolicyDashboardModel):
    """The month (recorded and calendar), the lever's status and the burn-in cache."""
    update_counter.get()
    for line in information_lines(model):
        solara.Text(line)


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
        solara.HTML(tag="div", unsafe_innerHTML=_account_html(table))


def _account_html(table: pd.DataFrame) -> str:
    """The formatted account as an HTML table, the net row marked (CSS ``placejobs-net``)."""
    html_text = table.to_html(classes="placejobs-account-table", border=0)
    net = html.escape(ACCOUNT_ROWS["net"])
    return html_text.replace(f"<tr>\n      <th>{net}</th>",
                             f'<tr class="placejobs-net">\n      <th>{net}</th>')
