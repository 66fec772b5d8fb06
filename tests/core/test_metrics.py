"""Tests of sim.core.metrics: Theil T index and coefficient of variation across places."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.indicators import INEQUALITY_INDICATORS
from sim.core.metrics import coefficient_of_variation, theil_index

positive = st.floats(0.01, 1e4, allow_nan=False, allow_infinity=False)
values = st.lists(positive, min_size=2, max_size=20)


@pytest.mark.parametrize("x", [[5.0, 5.0], [1.0] * 12, [3.2, 3.2, 3.2]])
def test_equal_values_give_zero(x):
    assert theil_index(np.array(x)) == pytest.approx(0.0, abs=1e-15)
    assert coefficient_of_variation(np.array(x)) == pytest.approx(0.0, abs=1e-15)
    w = np.arange(1, len(x) + 1, dtype=float)
    assert theil_index(np.array(x), w) == pytest.approx(0.0, abs=1e-15)
    assert coefficient_of_variation(np.array(x), w) == pytest.approx(0.0, abs=1e-15)


def test_two_places_equal_weights_by_hand():
    # x = (1, 3), s = (1/2, 1/2): mu = 2, x/mu = (1/2, 3/2)
    # T = 1/2 (1/2 ln 1/2) + 1/2 (3/2 ln 3/2) = (ln(1/2) + 3 ln(3/2)) / 4
    # CV = sqrt(1/2 (1 - 2)^2 + 1/2 (3 - 2)^2) / 2 = 1/2
    expected = (math.log(0.5) + 3 * math.log(1.5)) / 4
    assert theil_index([1.0, 3.0]) == pytest.approx(expected, rel=1e-12)
    assert theil_index([1.0, 3.0]) == pytest.approx(0.1308120, abs=1e-7)
    assert coefficient_of_variation([1.0, 3.0]) == pytest.approx(0.5, rel=1e-12)


def test_two_places_with_population_weights_by_hand():
    # x = (1, 3), populations (3, 1) -> s = (3/4, 1/4): mu = 3/2, x/mu = (2/3, 2)
    # T = 3/4 (2/3 ln 2/3) + 1/4 (2 ln 2) = 1/2 ln(2/3) + 1/2 ln 2 = 1/2 ln(4/3)
    # var = 3/4 (1/2)^2 + 1/4 (3/2)^2 = 3/4 ; CV = sqrt(3/4) / (3/2) = 1/sqrt(3)
    x, pop = np.array([1.0, 3.0]), np.array([3e6, 1e6])
    assert theil_index(x, pop) == pytest.approx(0.5 * math.log(4 / 3), rel=1e-12)
    assert coefficient_of_variation(x, pop) == pytest.approx(1 / math.sqrt(3), rel=1e-12)


def test_a_zero_value_contributes_zero_to_theil():
    # x = (0, 2), equal weights: mu = 1, T = 1/2 * 0 + 1/2 * 2 ln 2 = ln 2
    assert theil_index([0.0, 2.0]) == pytest.approx(math.log(2), rel=1e-12)
    assert coefficient_of_variation([0.0, 2.0]) == pytest.approx(1.0, rel=1e-12)


def test_missing_values_and_zero_weights_are_left_out():
    ref_t, ref_cv = theil_index([1.0, 3.0]), coefficient_of_variation([1.0, 3.0])
    x = np.array([1.0, np.nan, 3.0, np.inf])
    assert theil_index(x) == pytest.approx(ref_t)
    assert coefficient_of_variation(x) == pytest.approx(ref_cv)
    # zero or missing weight drops the place, whatever its value
    x2, w2 = np.array([1.0, 100.0, 3.0, 50.0]), np.array([2.0, 0.0, 2.0, np.nan])
    assert theil_index(x2, w2) == pytest.approx(ref_t)
    assert coefficient_of_variation(x2, w2) == pytest.approx(ref_cv)


@pytest.mark.parametrize(
    "x",
    [[], [4.0], [np.nan, np.nan], [np.nan, 2.0], [0.0, 0.0], [-1.0, 1.0]],
    ids=["empty", "one", "all-nan", "one-left", "zero-mean", "non-positive-mean"],
)
def test_undefined_cases_are_nan(x):
    assert math.isnan(theil_index(np.array(x, dtype=float)))
    assert math.isnan(coefficient_of_variation(np.array(x, dtype=float)))


def test_negative_values_make_theil_nan():
    assert math.isnan(theil_index([-1.0, 3.0, 4.0]))
    assert coefficient_of_variation([-1.0, 3.0, 4.0]) > 0


def test_weights_all_zero_is_nan():
    assert math.isnan(theil_index([1.0, 2.0], [0.0, 0.0]))
    assert math.isnan(coefficient_of_variation([1.0, 2.0], [0.0, 0.0]))


@pytest.mark.parametrize("weights", [[1.0, 2.0], [1.0, 2.0, 3.0, 4.0], [[1.0, 2.0, 3.0]]])
def test_weights_shape_mismatch_is_a_value_error(weights):
    with pytest.raises(ValueError, match="shape"):
        theil_index(np.array([1.0, 2.0, 3.0]), np.array(weights))
    with pytest.raises(ValueError, match="shape"):
        coefficient_of_variation(np.array([1.0, 2.0, 3.0]), np.array(weights))


def test_returns_python_floats():
    assert type(theil_index([1.0, 2.0])) is float
    assert type(coefficient_of_variation([1.0, 2.0])) is float


def test_inequality_indicators_are_place_indicators():
    from sim.core.indicators import PLACE_INDICATORS

    assert set(INEQUALITY_INDICATORS) <= set(PLACE_INDICATORS)


@settings(max_examples=60, deadline=None)
@given(values, st.floats(0.1, 100.0))
def test_scale_invariance_and_non_negativity(x, c):
    x = np.array(x)
    t, cv = theil_index(x), coefficient_of_variation(x)
    assert t >= -1e-12 and cv >= 0
    assert theil_index(c * x) == pytest.approx(t, rel=1e-7, abs=1e-10)
    assert coefficient_of_variation(c * x) == pytest.approx(cv, rel=1e-7, abs=1e-10)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(positive, positive), min_size=2, max_size=15), st.floats(0.1, 1e6))
def test_weights_are_normalised_and_match_the_formula(pairs, c):
    x = np.array([p[0] for p in pairs])
    w = np.array([p[1] for p in pairs])
    s = w / w.sum()
    mu = s @ x
    expected_t = float(s @ ((x / mu) * np.log(x / mu)))
    expected_cv = float(np.sqrt(s @ (x - mu) ** 2) / mu)
    assert theil_index(x, w) == pytest.approx(expected_t, rel=1e-9, abs=1e-12)
    assert theil_index(x, c * w) == pytest.approx(expected_t, rel=1e-9, abs=1e-12)
    assert coefficient_of_variation(x, c * w) == pytest.approx(expected_cv, rel=1e-9, abs=1e-12)
