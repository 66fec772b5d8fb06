"""Checks of the figure rules shared by the figure tests of several packages.

A figure follows the rules when it carries its caption line (a text artist with the
caption's ``gid``; in a PNG file, the ``Description`` metadata) and writes units once: no
tick label holds a ``%`` sign (the axis label says ``(%)``), and every axes with more than
one labelled series has a legend.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

from sim.viz.captions import CAPTION_GID


def png_description(path: Path) -> str | None:
    """The ``Description`` metadata of a PNG file (None if it has none)."""
    with Image.open(path) as image:
        return image.info.get("Description")


def caption_of(fig: Figure) -> str:
    """The text of the figure's caption line; fails the test if it has none or several."""
    texts = [t.get_text() for t in fig.texts if t.get_gid() == CAPTION_GID]
    assert len(texts) == 1, f"expected one caption line, found {texts}"
    return texts[0]


def _all_axes(fig: Figure) -> list[Axes]:
    found = list(fig.axes)
    for ax in fig.axes:  # insets (e.g. the London inset of a map) are children of an axes
        found.extend(c for c in ax.get_children() if isinstance(c, Axes))
    return found


def percent_ticks(fig: Figure) -> list[str]:
    """Tick labels (major and minor, insets included) that repeat the unit as a ``%``."""
    fig.canvas.draw()
    bad = []
    for ax in _all_axes(fig):
        for axis in (ax.xaxis, ax.yaxis):
            labels = axis.get_ticklabels(which="both")
            bad.extend(t.get_text() for t in labels if "%" in t.get_text())
    return bad


def axes_without_legend(fig: Figure) -> list[str]:
    """Titles of the axes that draw more than one labelled series but have no legend."""
    missing = []
    for ax in fig.axes:
        handles, labels = ax.get_legend_handles_labels()
        if len(handles) > 1 and ax.get_legend() is None:
            missing.append(ax.get_title() or "?")
    return missing


def keep_saved_figures(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> dict[str, Figure]:
    """Record every figure ``module.save_captioned`` saves (file name -> figure), still
    saving it, so a test can check the figures a report drew."""
    figures: dict[str, Figure] = {}
    save = module.save_captioned

    def keep(fig, path, caption, **kwargs):
        figures[path.name] = fig
        return save(fig, path, caption, **kwargs)

    monkeypatch.setattr(module, "save_captioned", keep)
    return figures
