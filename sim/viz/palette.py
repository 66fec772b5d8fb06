"""Colours of the figures: a qualitative palette whose colours can be told apart.

Lines of different places need colours that differ at a glance. matplotlib's ``tab20``
comes in pairs of one hue (a dark and a light orange, blue, ...), and its closest pair
is only 16.6 apart in CIE L*a*b* (CIE76 Delta E; about 2.3 is the smallest difference
a person notices between two large patches), so North East and North West looked alike.
:data:`QUALITATIVE` holds ten colours (from Paul Tol's and the Okabe-Ito palettes,
ordered so that the first few are the most distinct) whose closest pair is 38.7 apart;
:func:`min_lab_distance` measures it. Figures with more places than that use small
multiples (one panel per place) or a percentile band instead of more colours.

Colours are matplotlib colour strings; distances are CIE76 Delta E in L*a*b* (D65).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import to_rgb

__all__ = [
    "CONTEXT_GREY",
    "HIGHLIGHT",
    "MISSING_COLOUR",
    "QUALITATIVE",
    "colour",
    "lab",
    "min_lab_distance",
]

#: Ten qualitative colours, most distinct first (min pairwise CIE76 Delta E 38.7).
QUALITATIVE: tuple[str, ...] = (
    "#0077BB",  # blue
    "#CC3311",  # red
    "#117733",  # green
    "#E69F00",  # amber
    "#AA3377",  # purple
    "#66CCEE",  # cyan
    "#000000",  # black
    "#999933",  # olive
    "#8C564B",  # brown
    "#332288",  # indigo
)
#: Colour of the place a small-multiple panel is about.
HIGHLIGHT = QUALITATIVE[0]
#: Colour of the other places drawn behind it, for context.
CONTEXT_GREY = "#D0D0D0"
#: Fill colour of places that have no value in a map.
MISSING_COLOUR = "#BDBDBD"

#: sRGB (linear) to CIE XYZ, D65 white.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def colour(i: int) -> str:
    """The i-th colour of :data:`QUALITATIVE`, cycling after the last."""
    return QUALITATIVE[i % len(QUALITATIVE)]


def lab(colours: Sequence[object]) -> np.ndarray:
    """Convert matplotlib colours to CIE L*a*b* (D65).

    Args:
        colours: Any colours matplotlib understands (names, hex strings, RGB tuples).

    Returns:
        An (n, 3) array of L* (0..100), a* and b*.
    """
    rgb = np.array([to_rgb(c) for c in colours], dtype=float).reshape(-1, 3)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _RGB_TO_XYZ.T / _WHITE_D65
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1
    )


def min_lab_distance(colours: Sequence[object]) -> float:
    """Smallest CIE76 Delta E between two of the colours (``inf`` for fewer than two)."""
    points = lab(colours)
    if len(points) < 2:
        return float("inf")
    d = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1)
    return float(d[np.triu_indices(len(points), 1)].min())
