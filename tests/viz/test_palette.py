"""Tests of sim.viz.palette: the qualitative palette's colours can be told apart.

The measure is the smallest CIE76 Delta E between two colours of the palette, in L*a*b*.
A Delta E of about 2.3 is the smallest difference seen between two large patches; thin
lines in a legend need far more. matplotlib's tab20, whose near-identical pairs were the
complaint, has a closest pair at 16.6; tab10, whose colours are commonly told apart, 27.7.
The palette must reach 30, above both.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib import colormaps

from sim.viz import palette

THRESHOLD = 30.0


def test_lab_of_reference_colours():
    np.testing.assert_allclose(palette.lab(["white"])[0], [100, 0, 0], atol=0.05)
    np.testing.assert_allclose(palette.lab(["black"])[0], [0, 0, 0], atol=0.05)
    # sRGB red is L*a*b* (53.24, 80.09, 67.20).
    np.testing.assert_allclose(palette.lab(["#FF0000"])[0], [53.24, 80.09, 67.20], atol=0.05)


def test_the_measure_rejects_tab20_and_accepts_the_palette():
    tab20 = [colormaps["tab20"](i) for i in range(20)]
    assert palette.min_lab_distance(tab20) < THRESHOLD
    assert palette.min_lab_distance(palette.QUALITATIVE) > THRESHOLD
    assert palette.min_lab_distance(palette.QUALITATIVE) == pytest.approx(38.7, abs=0.1)


def test_palette_colours_show_on_white_and_differ_from_context_grey():
    lightness = palette.lab(palette.QUALITATIVE)[:, 0]
    assert lightness.max() < 85  # none washes out on a white background
    assert palette.min_lab_distance([palette.HIGHLIGHT, palette.CONTEXT_GREY]) > THRESHOLD
    assert palette.colour(len(palette.QUALITATIVE)) == palette.QUALITATIVE[0]
