"""The shift-share of ``tools/stationarity.py``: its parts add up and land where they should."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

_PATH = Path(__file__).resolve().parents[2] / "tools" / "stationarity.py"
_spec = importlib.util.spec_from_file_location("stationarity_tool", _PATH)
stationarity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stationarity)

MONTHS = 240


def _counts(weights_first, weights_last, rates_first, rates_last, seed=1):
    """Counts of two groups over MONTHS months: the first 120 months at the first weights
    and rates, the rest at the last ones (1,000,000 in all each month)."""
    rows = []
    for month in range(1, MONTHS + 1):
        w, r = ((weights_first, rates_first) if month <= MONTHS // 2
                else (weights_last, rates_last))
        for group, (wg, rg) in enumerate(zip(w, r, strict=True)):
            den = 1_000_000 * wg
            rows.append({"seed": seed, "month": month, "group": group,
                         "num": den * rg, "den": den})
    return pd.DataFrame(rows)


def test_a_shift_of_weights_alone_is_all_composition():
    c = _counts((0.6, 0.4), (0.4, 0.6), (0.10, 0.02), (0.10, 0.02))
    parts = stationarity._split(c, "group", "num", "den", MONTHS)
    assert parts["drift"] == pytest.approx(0.2 * 0.02 - 0.2 * 0.10)
    assert parts["composition"] == pytest.approx(parts["drift"])
    assert parts["within"] == pytest.approx(0.0, abs=1e-15)
    assert parts["interaction"] == pytest.approx(0.0, abs=1e-15)


def test_a_change_of_rates_alone_is_all_within():
    c = _counts((0.6, 0.4), (0.6, 0.4), (0.10, 0.02), (0.08, 0.03))
    parts = stationarity._split(c, "group", "num", "den", MONTHS)
    assert parts["within"] == pytest.approx(0.6 * -0.02 + 0.4 * 0.01)
    assert parts["composition"] == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("seed", range(5))
def test_the_parts_add_up_to_the_drift(seed):
    rng = np.random.default_rng(seed)
    wa, wb = rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(3))
    ra, rb = rng.uniform(0, 0.2, 3), rng.uniform(0, 0.2, 3)
    c = _counts(wa, wb, ra, rb)
    parts = stationarity._split(c, "group", "num", "den", MONTHS)
    assert parts["composition"] + parts["within"] + parts["interaction"] == pytest.approx(
        parts["drift"], rel=1e-12, abs=1e-15)
    assert parts["drift"] == pytest.approx(wb @ rb - wa @ ra)


def test_place_split_and_drifts_read_home_places():
    c = _counts((0.5, 0.5), (0.5, 0.5), (0.9, 0.8), (0.9, 0.7)).rename(
        columns={"group": "place", "num": "own_place", "den": "employed"})
    split = stationarity.place_split(c, MONTHS)
    assert split.loc["own-place work share", "within"] == pytest.approx(100 * 0.5 * -0.1)
    drifts = stationarity.place_drifts(c, ["A", "B"], MONTHS)
    assert drifts.loc["B", "own_share_change"] == pytest.approx(-10.0)
    assert drifts.loc["A", "own_share_change"] == pytest.approx(0.0, abs=1e-9)
    assert drifts["employed_share_change"].abs().max() == pytest.approx(0.0, abs=1e-9)
