"""Bar charts of sensitivity indices (the rows :func:`sim.sweeps.sensitivity.sensitivity` gives).

One horizontal group of bars per parameter, the most influential at the top:

* **Sobol**: the first-order index ``S1`` and the total-order index ``ST`` side by side,
  each with its bootstrap confidence interval (``*_conf``, the half-width) as an error bar.
  Both are shares of the output's variance; ``ST - S1`` is the part due to interactions.
* **Morris**: ``mu_star`` (mean absolute elementary effect) with its interval, and
  ``sigma`` (the spread of the effects: interactions and non-linearity) as a second bar,
  in the output's unit (the change over each parameter's whole range); shares of 1 (rates)
  are drawn in percentage points.

The figures follow the figure rules of :mod:`sim.viz`: colours of :mod:`sim.viz.palette`,
the unit once in the axis label (ticks plain numbers), a legend for the two series, and a
caption line (:mod:`sim.viz.captions`; also the PNG's ``Description``) when one is given.

Like :mod:`sim.viz.plots`, figures are built on an Agg canvas without ``pyplot``, so they
draw headless and in worker threads.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.core.indicators import INDICATORS
from sim.viz.captions import add_caption
from sim.viz.figures import blank_figure
from sim.viz.palette import colour
from sim.viz.plots import STANDARD_DPI

__all__ = ["plot_sensitivity", "sensitivity_figure"]

#: Columns each method's rows need.
_NEEDED = {
    "sobol": ("output", "parameter", "S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("output", "parameter", "mu_star", "mu_star_conf", "sigma"),
}
#: Which column ranks the parameters of each method.
_RANK_BY = {"sobol": "ST", "morris": "mu_star"}
#: Height of a bar (the two bars of a parameter fill 0.8 of its row).
_BAR = 0.38


def _check(indices: pd.DataFrame) -> str:
    """Return the method of ``indices``; raise ``ValueError`` unless it is one output's rows."""
    if not isinstance(indices, pd.DataFrame):
        raise ValueError(f"indices must be a pandas DataFrame, not {type(indices).__name__}")
    if indices.empty:
        raise ValueError("indices is empty: there is nothing to plot")
    if "method" not in indices.columns:
        raise ValueError("indices has no 'method' column; expected 'sobol' or 'morris' rows")
    methods = indices["method"].unique().tolist()
    if len(methods) != 1 or methods[0] not in _NEEDED:
        raise ValueError(f"indices must hold the rows of one method, sobol or morris, "
                         f"not {methods}")
    method = str(methods[0])
    missing = [c for c in _NEEDED[method] if c not in indices.columns]
    if missing:
        raise ValueError(f"indices lacks the {method} column(s) {', '.join(missing)}")
    for column in ("output", "place"):
        if column in indices.columns and indices[column].nunique() > 1:
            raise ValueError(
                f"indices must hold one {column}'s rows, not "
                f"{', '.join(map(str, indices[column].unique()))}; plot each separately"
            )
    return method


def _half_widths(values: pd.Series) -> np.ndarray:
    """Error-bar half-widths: NaN (no interval) drawn as none."""
    return np.nan_to_num(values.to_numpy(dtype=float), nan=0.0)


def sensitivity_figure(indices: pd.DataFrame, *, title: str | None = None,
                       caption: str | None = None) -> Figure:
    """Draw the bar chart of one output's sensitivity indices.

    Args:
        indices: The rows of one output (and one place) from
            :func:`sim.sweeps.sensitivity.sensitivity`: one per parameter, with ``method``
            ``"sobol"`` (``S1``, ``S1_conf``, ``ST``, ``ST_conf``) or ``"morris"``
            (``mu_star``, ``mu_star_conf``, ``sigma``). An optional ``note`` column's text
            is written on the chart.
        title: Title of the chart; by default the output's label and the method.
        caption: The caption line at the figure's bottom (see
            :func:`sim.viz.captions.caption_text`); none when None.

    Returns:
        A figure on an Agg canvas (not registered with ``pyplot``).

    Raises:
        ValueError: If ``indices`` is empty, mixes methods, outputs or places, or lacks a
            column the method needs.
    """
    method = _check(indices)
    rows = indices.sort_values(_RANK_BY[method], ascending=False, kind="stable")
    output = str(rows["output"].iloc[0])
    entry = INDICATORS.get(output)
    label = entry.label if entry is not None else output
    n = len(rows)

    fig = blank_figure((7.5, max(2.6, 0.5 * n + 1.6)))
    ax = fig.add_subplot()
    y = np.arange(n)[::-1].astype(float)  # the first row (most influential) at the top
    error = {"capsize": 3, "elinewidth": 1.0, "ecolor": "0.2"}

    if method == "sobol":
        ax.barh(y + _BAR / 2, rows["S1"], _BAR, xerr=_half_widths(rows["S1_conf"]),
                color=colour(0), label="First order S1 (alone)", error_kw=error)
        ax.barh(y - _BAR / 2, rows["ST"], _BAR, xerr=_half_widths(rows["ST_conf"]),
                color=colour(3), label="Total order ST (with interactions)", error_kw=error)
        ax.set_xlabel("Sobol index (share of the output's variance)")
        default = f"{label}: Sobol indices"
    else:
        points = entry is not None and entry.percent  # shares: in percentage points
        k = 100.0 if points else 1.0
        unit = ("" if entry is None else
                " (percentage points)" if points else f" ({entry.unit})")
        ax.barh(y + _BAR / 2, k * rows["mu_star"], _BAR,
                xerr=k * _half_widths(rows["mu_star_conf"]),
                color=colour(0), label="\u03bc* (mean absolute effect)", error_kw=error)
        ax.barh(y - _BAR / 2, k * rows["sigma"], _BAR, color=colour(3),
                label="\u03c3 (spread of the effects)")
        what = label[:1].lower() + label[1:]
        ax.set_xlabel(f"Change in {what} over a parameter's range{unit}")
        default = f"{label}: Morris elementary effects"

    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_yticks(y, rows["parameter"].astype(str).tolist(), fontsize=9)
    ax.set_ylim(-0.7, n - 0.3)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    ax.set_title(title if title is not None else default, fontsize=10)
    notes = [str(t) for t in rows.get("note", pd.Series(dtype=str)).unique() if t and t == t]
    if notes:
        ax.text(0.5, 0.5, "\n".join(notes), transform=ax.transAxes, ha="center", va="center",
                fontsize=9, wrap=True,
                bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85})
    if caption:
        add_caption(fig, caption)
    return fig


def plot_sensitivity(
    indices: pd.DataFrame,
    path: str | Path,
    *,
    title: str | None = None,
    caption: str | None = None,
    dpi: int = STANDARD_DPI,
) -> Path:
    """Write the bar chart of one output's sensitivity indices to a PNG file.

    The chart is :func:`sensitivity_figure`'s; the file is written to a temporary name
    beside ``path`` and renamed into place, so a reader never sees half a PNG.

    Args:
        indices: The rows of one output (see :func:`sensitivity_figure`).
        path: The PNG file to write (its directory must exist).
        title: Title of the chart; by default the output's label and the method.
        caption: The caption line at the figure's bottom, also written as the PNG's
            ``Description`` (see :func:`sim.viz.captions.caption_text`).
        dpi: Resolution in dots per inch.

    Returns:
        ``path``.

    Raises:
        ValueError: As :func:`sensitivity_figure`.
    """
    fig = sensitivity_figure(indices, title=title, caption=caption)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    metadata = {"Software": "placejobs"}
    if caption:
        metadata["Description"] = caption
    try:
        fig.savefig(tmp, format="png", dpi=dpi, metadata=metadata)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
