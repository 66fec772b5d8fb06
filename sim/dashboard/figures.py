"""The dashboard's figures: the map of this month and the series of both runs.

Plain matplotlib figures on Agg canvases (no ``pyplot``), built from a
:class:`~sim.dashboard.model.PolicyDashboardModel`, so they can be drawn and tested
without a browser; :mod:`sim.dashboard.components` shows them. Units are the indicator
registry's (:data:`sim.core.indicators.INDICATORS`): shares as percentages, pay in GBP a
week, counts in people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from sim.core.indicators import INDICATORS
from sim.viz.plots import plot_map

if TYPE_CHECKING:
    from sim.dashboard.model import PolicyDashboardModel

__all__ = ["MAP_INDICATORS", "MAP_VIEWS", "SERIES_INDICATORS", "map_figure", "series_figure"]

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


def _unit(indicator: str) -> tuple[str, bool]:
    """The label with its unit, and whether the values are shares shown as % (then the
    ticks carry the unit and the label does not repeat it)."""
    entry = INDICATORS[indicator]
    if entry.percent:
        return entry.label, True
    return f"{entry.label} ({entry.unit})", False


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
    label, percent = _unit(indicator)
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    what = {"difference": "policy less baseline", "policy": "policy run",
            "baseline": "baseline run"}[view]
    diff = view == "difference"
    plot_map(model.baseline.geography, values, ax=ax,
             title=f"{INDICATORS[indicator].label}, {what}\nmonth {model.month}",
             label=f"{label}: policy less baseline" if diff else label,
             cmap="RdBu_r" if diff else "viridis", percent=percent,
             centre=0.0 if diff else None)
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
        label, percent = _unit(indicator)
        for run, style in (("baseline", {"color": "0.45", "ls": "--"}),
                           ("policy", {"color": "tab:blue", "ls": "-"})):
            rows = national[national["run"] == run]
            ax.plot(rows["month"], rows[indicator], lw=1.6, label=f"{run} run", **style)
        ax.axvline(model.first_month - 0.5, color="tab:red", ls=":", lw=1.0,
                   label="lever starts")
        ax.set_ylabel(label, fontsize="small")
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0) if percent
                                     else FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize="x-small", loc="best")
    axes[0].set_title(f"United Kingdom, policy against baseline (seed {model.seed})",
                      fontsize="medium")
    axes[-1].set_xlabel("Recorded month")
    axes[-1].set_xlim(0.5, max(model.month, model.first_month, 1) + 0.5)
    if model.month == 0:
        axes[0].text(0.5, 0.5, "press Step or Play", transform=axes[0].transAxes,
                     ha="center", va="center", color="0.4")
    return fig
