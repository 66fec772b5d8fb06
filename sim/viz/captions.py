"""Captions and file names of figures: what run a figure shows, written on the figure.

A PNG that leaves the results directory (a slide, a paper draft) must still say where it
came from, so every standard figure carries a line of small text at its bottom: the
scenario, seed, scale, date of the run and placejobs version (:func:`caption_text`,
:func:`add_caption`); figures of several runs (a comparison, a sweep, a validation) say
the scenarios compared, the base seed and the number of replications;
:func:`save_captioned` also stores the caption as the PNG's ``Description``. File names
say the geography (:func:`geography_slug`): ``itl1`` for the 12 UK regions, ``lad`` for
the 374 districts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from sim import __version__

__all__ = ["CAPTION_GID", "add_caption", "caption_text", "geography_slug", "save_captioned"]

#: ``gid`` of the caption's text artist, so tests and tools can find it.
CAPTION_GID = "caption"
#: Height (fraction of the figure) kept free at the bottom for the caption.
_CAPTION_BAND = 0.035


def geography_slug(geography: Any) -> str:
    """Short name of a geography for file names: ``"uk-itl1"`` -> ``"itl1"``.

    Args:
        geography: An object with a ``name`` (``"uk-itl1"``, ``"uk-lad"``, ``"grid"``...).

    Returns:
        The name without a ``uk-`` prefix, lower case, with runs of characters other than
        letters and digits turned into ``_``; ``"places"`` when the name is empty.
    """
    name = str(getattr(geography, "name", "") or "").lower()
    name = name.removeprefix("uk-")
    slug = re.sub(r"[^a-z0-9]+", "_", name).strip("_")
    return slug or "places"


def caption_text(
    *,
    scenario: str | None = None,
    seed: int | None = None,
    scale: float | None = None,
    run_date: date | datetime | str | None = None,
    version: str | None = None,
    compared: Sequence[str] | None = None,
    replications: int | None = None,
    detail: str | None = None,
) -> str:
    """The caption of a run's (or a set of runs') figures, leaving out what is not known.

    Args:
        scenario: Scenario name, e.g. ``"baseline"``.
        seed: Random seed of the run; with ``replications``, the base seed the
            replications' seeds are drawn from.
        scale: Agents per person (e.g. 0.001: one agent per 1,000 people).
        run_date: Date (or time) of the run; a datetime is written as its date.
        version: placejobs version; the installed one when None.
        compared: Scenarios compared with ``scenario`` (e.g. the policies compared with
            the baseline), written ``"Scenario grants vs baseline"``.
        replications: Number of replications (runs with seeds drawn from ``seed``).
        detail: One more part written before the date (e.g. ``"64 runs"``).

    Returns:
        E.g. ``"Scenario baseline · seed 42 · scale 0.001 · run 2026-12-01 · placejobs 0.9.0"``,
        or with ``compared=["grants"]`` and ``replications=5``: ``"Scenario grants vs
        baseline · base seed 42 · 5 replications · scale 0.001 · ..."``.
    """
    if version is None:
        version = __version__
    if isinstance(run_date, datetime):
        run_date = run_date.date()
    parts = []
    names = [str(n) for n in compared or ()]
    if names:
        against = f" vs {scenario}" if scenario else ""
        parts.append(f"Scenario{'s' if len(names) > 1 else ''} {', '.join(names)}{against}")
    elif scenario:
        parts.append(f"Scenario {scenario}")
    if seed is not None:
        parts.append(f"{'base seed' if replications is not None else 'seed'} {seed}")
    if replications is not None:
        parts.append(f"{replications} replication{'s' if replications != 1 else ''}")
    if scale is not None:
        parts.append(f"scale {scale:g}")
    if detail:
        parts.append(detail)
    if run_date:
        parts.append(f"run {run_date}")
    parts.append(f"placejobs {version}")
    return " · ".join(parts)


def add_caption(fig: Figure, text: str) -> None:
    """Write ``text`` in small grey type at the bottom left of ``fig``.

    With constrained layout, the band the caption sits in is kept free of axes (but not of
    a figure-level ``supxlabel``, which constrained layout puts at the very bottom: label
    the bottom axes instead).

    Args:
        fig: The figure.
        text: The caption (see :func:`caption_text`).
    """
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, _CAPTION_BAND, 1.0, 1.0 - _CAPTION_BAND))
    fig.text(
        0.01, 0.008, text, ha="left", va="bottom", fontsize=7, color="0.35", gid=CAPTION_GID
    )


def save_captioned(fig: Figure, path: str | Path, caption: str, *, dpi: int = 120) -> Path:
    """Add ``caption`` to ``fig`` (:func:`add_caption`) and write it as a PNG file.

    The caption is also stored as the PNG's ``Description`` (``Software`` is
    ``placejobs``), so it can be read back without looking at the image.

    Args:
        fig: The figure.
        path: The PNG file to write.
        caption: The caption (see :func:`caption_text`).
        dpi: Resolution in dots per inch.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.
    """
    path = Path(path)
    add_caption(fig, caption)
    fig.savefig(path, format="png", dpi=dpi,
                metadata={"Software": "placejobs", "Description": caption})
    return path
