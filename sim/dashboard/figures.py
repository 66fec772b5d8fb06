"""The dashboard's figures: the map of this month and the series of both runs.

Plain matplotlib figures on Agg canvases (no ``pyplot``), built from a
:class:`~sim.dashboard.model.PolicyDashboardModel`, so they can be drawn and tested
without a browser; :mod:`sim.dashboard.components` shows them. They follow the project's
figure rules (:mod:`sim.viz`): units are the indicator registry's
(:data:`sim.core.indicators.INDICATORS`) and written once, in the axis label or the
legend's title ("Unemployment rate (%)", ticks 6, 6.5: shares as percentages; pay in GBP
a week; counts in people; a difference of shares in percentage points); colours come
from :mod:`sim.viz.palette`; the map is :func:`sim.viz.maps.plot_map` (classed colours,
London inset); and each figure has the caption line of a run's figures (scenario, seed,
scale, date: :mod:`sim.viz.captions`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.core.indicators import INDICATORS
from sim.viz.captions import add_caption, caption_text
from sim.viz.maps import plot_map
from sim.viz.palette import QUALITATIVE
from sim.viz.plots import PlainPercentFormatter

if TYPE_CHECKING:
    from sim.dashboard.model import PolicyDashboardModel

__all__ = ["MAP_INDICATORS", "MAP_VIEWS", "RUN_STYLES", "SERIES_INDICATORS", "axis_label",
           "caption", "map_figure", "series_figure"]

#: Indicators the map offers (place indicators).
MAP_INDICATORS = ("unemployment_rate", "employment_rate", "good_jobs_share", "median_wage",
                  "job_finding_rate", "vacancy_rate", "mean_commute_minutes", "employed",
                  "policy_spend")
#: Indicators the series offer (national indicators).
SERIES_INDICATORS = ("unemployment_rate", "employment_rate", "employed", "good_jobs_share",
                     "median_wage", "job_finding_rate", "vacancy_rate", "policy_spend",
                     "theil_unemployment_rate")
#: What the map shows: either run, or the policy less the baseline.
MAP_VIEWS = ("policy", "baseline", "difference")
#: How the series draw each run: the policy in the palette's first colour, solid; the
#: baseline in its black, dashed; the lever's first month a dotted line in its red.
RUN_STYLES = {"baseline": {"color": QUALITATIVE[6], "ls": "--"},
              "policy": {"color": QUALITATIVE[0], "ls": "-"}}
_LEVER_COLOUR = QUALITATIVE[1]


def axis_label(indicator: str, difference: bool = False) -> tuple[str, bool]:
    """The label of an indicator with its unit, once, and whether it is a share.

    Shares are shown as percentages: the label says ``(%)`` (``(percentage points)`` for
    a difference of two shares) and the ticks are plain numbers.

    Args:
        indicator: an indicator of the registry.
        difference: the values are the policy run less the baseline.

    Returns:
        E.g. ``("Unemployment rate (%)", True)`` or ``("Median wage (GBP a week)", False)``.
    """
    entry = INDICATORS[indicator]
    unit = ("percentage points" if difference else "%") if entry.percent else entry.unit
    what = f"{entry.label}, policy less baseline" if difference else entry.label
    return f"{what} ({unit})", entry.percent


def caption(model: PolicyDashboardModel) -> str:
    """The caption line of the dashboard's figures: scenario, seed, scale and today."""
    run = model.scenario_base.run
    return caption_text(scenario=run.name, seed=model.seed, scale=float(run.scale),
                        run_date=date.today())


def map_figure(model: PolicyDashboardModel, indicator: str, view: str = "policy",
               figsize: tuple[float, float] = (5.5, 6.5)) -> Figure:
    """This month's ``indicator`` by place on the map of the model's geography.

    Args:
        model: the dashboard's model.
        indicator: a place indicator (:data:`MAP_INDICATORS` or any other).
        view: ``"policy"``, ``"baseline"`` or ``"difference"`` (policy less baseline, on a
            diverging scale centred on zero).
        figsize: inches.

    Returns:
        The figure.
    """
    values = model.places_now(indicator)[view]
    diff = view == "difference"
    label, percent = axis_label(indicator, difference=diff)
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    what = {"difference": "policy less baseline", "policy": "policy run",
            "baseline": "baseline run"}[view]
    when = f"month {model.month} ({model.calendar_month:%B %Y})"
    plot_map(model.baseline.geography, values, ax=ax,
             title=f"{INDICATORS[indicator].label}, {what}\n{when}", label=label,
             cmap="RdBu_r" if diff else "viridis", percent=percent,
             centre=0.0 if diff else None)
    add_caption(fig, caption(model))
    return fig


def series_figure(model: PolicyDashboardModel, indicators: list[str] | tuple[str, ...],
                  figsize: tuple[float, float] | None = None) -> Figure:
    """National ``indicators`` month by month, the policy run against the baseline.

    One panel per indicator; a dotted line marks the lever's first month.

    Args:
        model: the dashboard's model.
        indicators: national indicators (:data:`SERIES_INDICATORS` or others).
        figsize: inches (default: 6 wide, 2.2 a panel).

    Returns:
        The figure (a note instead of panels before the first month).
    """
    indicators = list(indicators) or ["unemployment_rate"]
    n = len(indicators)
    fig = Figure(figsize=figsize or (6.0, 0.6 + 2.2 * n), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    national = model.national()
    for ax, indicator in zip(axes, indicators, strict=True):
        label, percent = axis_label(indicator)
        for run, style in RUN_STYLES.items():
            rows = national[national["run"] == run]
            ax.plot(rows["month"], rows[indicator], lw=1.6, label=f"{run} run", **style)
        ax.axvline(model.first_month - 0.5, color=_LEVER_COLOUR, ls=":", lw=1.0,
                   label="lever starts")
        ax.set_ylabel(label, fontsize="small")
        ax.yaxis.set_major_formatter(PlainPercentFormatter() if percent
                                     else FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize="x-small", loc="best")
    axes[0].set_title("United Kingdom, policy against baseline",
                      fontsize="medium")
    axes[-1].set_xlabel("Recorded month")
    axes[-1].set_xlim(0.5, max(model.month, model.first_month, 1) + 0.5)
    if model.month == 0:
        axes[0].text(0.5, 0.5, "press Step or Play", transform=axes[0].transAxes,
                     ha="center", va="center", color="0.4")
    add_caption(fig, caption(model))
    return fig
