"""Plots of simulated place-level labour-market indicators over time, and a run's standard set.

* :func:`plot_indicator_over_time` draws an indicator column of the ``places`` frame (one
  row per place and month) over the months. A few places (up to
  :data:`MAX_DISTINCT_LINES`) are lines in colours of a palette that can be told apart
  (:mod:`sim.viz.palette`); more, up to :data:`MAX_LINES` (the 12 UK regions), are small
  multiples: one panel per place, that place in colour over the others in light grey, on a
  shared y axis; beyond that (the 374 districts) the median place and the band between the
  10th and 90th percentiles.
* Units are written once: the y axis label carries the unit, e.g. "Unemployment rate (%)",
  and its ticks are plain numbers (6, 6.5), shares being shown as percentages.
* :func:`write_standard_plots` writes the standard PNG files of a run, named after the
  geography, each with a caption line saying which run it shows (:mod:`sim.viz.captions`).

Maps are drawn by :mod:`sim.viz.maps`; :func:`plot_map` and :func:`load_boundaries` are
re-exported here for existing callers. Figures are built on an Agg canvas without
``pyplot`` (:mod:`sim.viz.figures`), so plotting works headless and in worker threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.core.indicators import INDICATORS
from sim.viz.captions import add_caption, caption_text, geography_slug
from sim.viz.figures import blank_figure, figure_of, new_figure
from sim.viz.maps import load_boundaries, plot_map
from sim.viz.palette import CONTEXT_GREY, HIGHLIGHT, MISSING_COLOUR, QUALITATIVE

__all__ = [
    "MAX_DISTINCT_LINES",
    "MAX_LINES",
    "MISSING_COLOUR",
    "STANDARD_DPI",
    "PlainPercentFormatter",
    "load_boundaries",
    "plot_indicator_over_time",
    "plot_map",
    "standard_plot_names",
    "write_standard_plots",
]

#: Resolution of the PNG files written by :func:`write_standard_plots`.
STANDARD_DPI = 120
#: Up to this many places, ``layout="auto"`` draws one line per place in distinct colours.
MAX_DISTINCT_LINES = 8
#: Beyond this many places a time series shows the median and a percentile band instead
#: of one line (or panel) per place.
MAX_LINES = 40
#: Places above this count get their legend outside the axes.
_LEGEND_INSIDE_MAX = 6
#: Line styles cycled through when there are more lines than colours.
_LINE_STYLES = ("-", "--", ":", "-.")
#: Columns of small multiples.
_PANEL_COLUMNS = 4

Layout = Literal["auto", "lines", "panels", "band"]


# --------------------------------------------------------------------------------------------
# Labels and checks
# --------------------------------------------------------------------------------------------


def _pretty(indicator: str) -> str:
    """Turn a column name such as ``good_jobs_share`` into ``Good jobs share``."""
    text = indicator.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _label(indicator: str) -> str:
    """The registry's label of an indicator, or its name made readable if it has none."""
    entry = INDICATORS.get(indicator)
    return entry.label if entry is not None else _pretty(indicator)


def _axis_label(indicator: str, percent: bool) -> str:
    """Axis label with the unit from the registry (``(%)`` for percentages)."""
    entry = INDICATORS.get(indicator)
    if percent:
        return f"{_label(indicator)} (%)"
    if entry is None or entry.percent:
        return _label(indicator)
    return f"{entry.label} ({entry.unit})"


def _is_percent(indicator: str) -> bool:
    """Whether the registry writes the indicator as a percentage (False if unknown)."""
    entry = INDICATORS.get(indicator)
    return entry is not None and entry.percent


class PlainPercentFormatter(PercentFormatter):
    """Ticks of shares of 1 as percentages without the sign and without trailing zeros.

    The axis label says ``(%)``, so a share of 0.065 is written ``6.5`` and 0.07 ``7``.
    """

    def __init__(self) -> None:
        super().__init__(xmax=1.0, symbol="")

    def format_pct(self, x: float, display_range: float) -> str:
        """Write the share ``x`` in percent with as few digits as it needs."""
        return f"{round(float(self.convert_to_pct(x)), 9):g}"


def _percent_ticks() -> PercentFormatter:
    """Ticks of shares as percentages without the sign: the axis label says ``(%)``."""
    return PlainPercentFormatter()


def _check_places(places: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise ``ValueError`` unless ``places`` is a non-empty frame with ``columns``."""
    if not isinstance(places, pd.DataFrame):
        raise ValueError(f"places must be a pandas DataFrame, not {type(places).__name__}")
    if places.empty:
        raise ValueError("places is empty: there is nothing to plot")
    missing = [c for c in columns if c not in places.columns]
    if missing:
        raise ValueError(
            f"places lacks the column(s) {missing}; it has {sorted(map(str, places.columns))}"
        )


def _check_indicator(places: pd.DataFrame, indicator: str) -> None:
    """Raise ``ValueError`` unless ``indicator`` is a numeric indicator column of ``places``."""
    if indicator not in places.columns:
        available = [
            str(c)
            for c in places.columns
            if c not in ("month", "place", "name") and pd.api.types.is_numeric_dtype(places[c])
        ]
        raise ValueError(
            f"unknown indicator {indicator!r}; available indicators: {', '.join(available)}"
        )
    if not pd.api.types.is_numeric_dtype(places[indicator]):
        raise ValueError(f"indicator {indicator!r} is not numeric ({places[indicator].dtype})")


# --------------------------------------------------------------------------------------------
# Time series
# --------------------------------------------------------------------------------------------


def _line_style(i: int) -> tuple[str, str]:
    """Colour and line style of the i-th line: palette colours, then new line styles."""
    n = len(QUALITATIVE)
    return QUALITATIVE[i % n], _LINE_STYLES[(i // n) % len(_LINE_STYLES)]


def _choose_layout(layout: Layout, n: int, has_ax: bool) -> Layout:
    """Resolve ``"auto"``; refuse panels on a single given axes."""
    if layout not in ("auto", "lines", "panels", "band"):
        raise ValueError(f"unknown layout {layout!r}; use auto, lines, panels or band")
    if layout == "panels" and has_ax:
        raise ValueError("layout='panels' draws its own figure; do not pass ax")
    if layout != "auto":
        return layout
    if n > MAX_LINES:
        return "band"
    if n <= MAX_DISTINCT_LINES or has_ax:
        return "lines"
    return "panels"


def _draw_band(ax: Axes, wide: pd.DataFrame) -> None:
    """The median place and the band between the 10th and 90th percentiles, by month."""
    months = wide.index.to_numpy()
    q10, q50, q90 = (wide.quantile(q, axis=1).to_numpy() for q in (0.1, 0.5, 0.9))
    ax.fill_between(months, q10, q90, color=HIGHLIGHT, alpha=0.25, linewidth=0,
                    label=f"10th-90th percentile of {wide.shape[1]} places")
    ax.plot(months, q50, color=HIGHLIGHT, lw=2.0, label="median place")
    ax.legend(fontsize="small")


def _draw_lines(ax: Axes, wide: pd.DataFrame, names: dict[str, str]) -> None:
    """One line per place, in distinct colours, with a legend."""
    months = wide.index.to_numpy()
    for i, code in enumerate(wide.columns):
        colour, style = _line_style(i)
        ax.plot(months, wide[code].to_numpy(), label=names.get(code, code), color=colour,
                linestyle=style, lw=1.6)
    n = wide.shape[1]
    if n > _LEGEND_INSIDE_MAX:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
                  ncol=1 if n <= 16 else 2, frameon=False)
    else:
        ax.legend(fontsize="small")


def _draw_panels(fig: Figure, wide: pd.DataFrame, names: dict[str, str], *, title: str,
                 ylabel: str, percent: bool) -> None:
    """Small multiples: one panel per place, in colour over the others in light grey."""
    n = wide.shape[1]
    ncols = min(_PANEL_COLUMNS, n)
    nrows = -(-n // ncols)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
    months = wide.index.to_numpy()
    for ax, code in zip(axes, wide.columns, strict=False):
        for other in wide.columns:
            if other != code:
                ax.plot(months, wide[other].to_numpy(), color=CONTEXT_GREY, lw=0.8,
                        zorder=1, gid=f"context:{other}")
        ax.plot(months, wide[code].to_numpy(), color=HIGHLIGHT, lw=1.8, zorder=3,
                label=names.get(code, code), gid=f"place:{code}")
        ax.set_title(names.get(code, code), fontsize="small", pad=3)
        ax.grid(True, alpha=0.3)
        if percent:
            ax.yaxis.set_major_formatter(_percent_ticks())
        ax.tick_params(labelsize="small")
    for ax in axes[n:]:
        ax.set_visible(False)
    for ax in axes[max(0, n - ncols):n]:  # the lowest panel of each column
        ax.set_xlabel("Month", fontsize="small")
        ax.xaxis.set_tick_params(labelbottom=True)
    if months.size and months.min() < months.max():
        axes[0].set_xlim(months.min(), months.max())
    fig.suptitle(title)
    fig.supylabel(ylabel, fontsize="medium")


def plot_indicator_over_time(
    places: pd.DataFrame,
    indicator: str,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    percent: bool | None = None,
    layout: Layout = "auto",
) -> Figure:
    """Plot one indicator over time for every place.

    Args:
        places: One row per place and month, with columns ``month``, ``place`` and the
            indicator; an optional ``name`` column gives the labels (else the codes).
        indicator: Name of the indicator column to plot, e.g. ``"unemployment_rate"``.
        ax: Axes to draw on; a new figure is made when None.
        title: Title; defaults to ``"<label> by place"`` with the indicator's label from
            the registry (:mod:`sim.core.indicators`), or its name for a column the registry
            does not know.
        percent: Show shares of 1 as percentages (the axis label says ``(%)``, the ticks are
            plain numbers). When None, as the registry formats the indicator (never for an
            unknown column). The y axis is labelled with the registry's label and unit.
        layout: ``"lines"`` (one line per place, distinct colours, then line styles),
            ``"panels"`` (small multiples, one panel per place on a shared y axis; needs
            ``ax`` None), ``"band"`` (median and 10th-90th percentile band) or ``"auto"``:
            lines up to :data:`MAX_DISTINCT_LINES` places (or whenever ``ax`` is given),
            panels up to :data:`MAX_LINES`, the band beyond.

    Returns:
        The figure drawn on (the new one, or the one ``ax`` belongs to).

    Raises:
        ValueError: If ``places`` is empty, lacks ``month``/``place``, the indicator is not a
            numeric column of it, a place has more than one row for a month, or the layout
            is unknown (or ``"panels"`` with ``ax``).
    """
    _check_places(places, ["month", "place"])
    _check_indicator(places, indicator)
    duplicated = places.duplicated(["place", "month"])
    if duplicated.any():
        first = places.loc[duplicated, ["place", "month"]].iloc[0]
        raise ValueError(
            "places has more than one row per place and month "
            f"(e.g. place {first['place']!r}, month {first['month']}); aggregate it first"
        )
    if percent is None:
        percent = _is_percent(indicator)
    frame = places.assign(place=places["place"].astype(str))
    wide = frame.pivot(index="month", columns="place", values=indicator).sort_index()
    wide = wide[sorted(wide.columns)]
    names = (
        {str(k): str(v) for k, v in frame.groupby("place")["name"].first().items()}
        if "name" in frame.columns
        else {}
    )
    chosen = _choose_layout(layout, wide.shape[1], ax is not None)
    title = title if title is not None else f"{_label(indicator)} by place"
    ylabel = _axis_label(indicator, percent)

    if chosen == "panels":
        rows = -(-wide.shape[1] // _PANEL_COLUMNS)
        fig = blank_figure((11.0, 2.2 * rows + 1.2))
        _draw_panels(fig, wide, names, title=title, ylabel=ylabel, percent=percent)
        return fig

    if ax is None:
        fig, ax = new_figure((9.0, 5.0))
    else:
        fig = figure_of(ax)
    if chosen == "band":
        _draw_band(ax, wide)
    else:
        _draw_lines(ax, wide, names)
    ax.set_xlabel("Month")
    ax.set_ylabel(ylabel)
    if percent:
        ax.yaxis.set_major_formatter(_percent_ticks())
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    first_month, last_month = wide.index.min(), wide.index.max()
    if first_month < last_month:
        ax.set_xlim(first_month, last_month)
    return fig


# --------------------------------------------------------------------------------------------
# Standard set
# --------------------------------------------------------------------------------------------

#: The standard figures: (indicator, kind) in the order they are written.
_STANDARD = (("unemployment_rate", "series"), ("good_jobs_share", "series"),
             ("unemployment_rate", "map"))


def standard_plot_names(geography: Any) -> list[str]:
    """File names of the standard plots for a geography, in the order they are written.

    E.g. for ``"uk-itl1"``: ``unemployment_rate_itl1.png``, ``good_jobs_share_itl1.png``
    and ``unemployment_rate_map_itl1.png``.
    """
    slug = geography_slug(geography)
    return [
        f"{indicator}_{slug}.png" if kind == "series" else f"{indicator}_map_{slug}.png"
        for indicator, kind in _STANDARD
    ]


def write_standard_plots(
    places: pd.DataFrame,
    geography: Any,
    outdir: str | Path,
    *,
    scenario: str | None = None,
    seed: int | None = None,
    scale: float | None = None,
    run_date: date | datetime | str | None = None,
) -> list[Path]:
    """Write the standard plots of a run as PNG files, named after the geography.

    Writes (for the geography ``uk-itl1``; ``lad`` for ``uk-lad``, the name for others)
    ``unemployment_rate_itl1.png`` and ``good_jobs_share_itl1.png`` (over time, see
    :func:`plot_indicator_over_time`) and ``unemployment_rate_map_itl1.png`` (the last
    month on a map, see :func:`plot_map`) into ``outdir``, which is created if needed, at
    :data:`STANDARD_DPI` dots per inch. Every figure has a caption line at its bottom with
    what is known of the run (scenario, seed, scale, date, placejobs version), also stored
    as the PNG's ``Description``.

    Args:
        places: One row per place and month with ``month``, ``place``, ``name``,
            ``unemployment_rate`` and ``good_jobs_share``.
        geography: The geography the places belong to (see :func:`plot_map`).
        outdir: Directory to write into.
        scenario: Scenario name of the run.
        seed: Its seed.
        scale: Its scale (agents per person).
        run_date: When it ran.

    Returns:
        The paths written, in the order above.

    Raises:
        ValueError: If ``places`` is empty or lacks a column the plots need.
    """
    _check_places(places, ["month", "place", "unemployment_rate", "good_jobs_share"])
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    where = f" ({geography.name})" if getattr(geography, "name", "") else ""
    caption = caption_text(scenario=scenario, seed=seed, scale=scale, run_date=run_date)
    meta = {"Software": "placejobs", "Description": caption}
    last = places["month"].max()
    written: list[Path] = []
    for (indicator, kind), filename in zip(_STANDARD, standard_plot_names(geography),
                                           strict=True):
        if kind == "series":
            fig = plot_indicator_over_time(places, indicator, title=_label(indicator) + where)
        else:
            rows = places.loc[places["month"] == last]
            latest = rows.set_index("place")[indicator]
            percent = _is_percent(indicator)
            when = f"month {last}"
            if "calendar_month" in rows and len(rows):
                when += f" ({pd.Timestamp(rows['calendar_month'].iloc[0]):%B %Y})"
            fig = plot_map(
                geography,
                latest,
                title=f"{_label(indicator)}, {when}{where}",
                label=_axis_label(indicator, percent),
                cmap="viridis",
                percent=percent,
            )
        add_caption(fig, caption)
        path = out / filename
        fig.savefig(path, dpi=STANDARD_DPI, metadata=meta)
        written.append(path)
    return written

