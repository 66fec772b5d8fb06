"""Figures drawn without ``pyplot``: an Agg canvas per figure, safe headless and in threads.

``pyplot`` keeps global state (the current figure, a GUI backend) that breaks in worker
threads and leaks figures in long sessions. Every figure of :mod:`sim.viz` is a plain
:class:`matplotlib.figure.Figure` attached to its own Agg canvas instead, with
constrained layout; sizes are in inches.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["blank_figure", "figure_of", "new_figure"]


def blank_figure(figsize: tuple[float, float]) -> Figure:
    """Return a new figure (``figsize`` in inches) on an Agg canvas, without axes."""
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def new_figure(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """Return a new figure (``figsize`` in inches) on an Agg canvas and its single axes."""
    fig = blank_figure(figsize)
    return fig, fig.add_subplot()


def figure_of(ax: Axes) -> Figure:
    """Return the top-level figure an axes belongs to (also for axes in subfigures)."""
    fig: Any = ax.figure
    while fig is not None and not isinstance(fig, Figure):
        fig = fig.figure
    if fig is None:  # pragma: no cover - axes added to a figure always have one
        raise ValueError("ax does not belong to a figure")
    return fig
