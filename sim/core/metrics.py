"""Inequality across places: Theil index and coefficient of variation.

For a place indicator ``x_p`` (for example the median wage) with population
weights ``s_p`` (shares summing to 1) and weighted mean ``mu = sum s_p x_p``:

* Theil T index: ``T = sum_p s_p (x_p / mu) ln(x_p / mu)``; zero when every
  place has the same value, larger with more inequality (Theil 1967).
* coefficient of variation: ``CV = sqrt(sum_p s_p (x_p - mu)^2) / mu``.

Places with a missing value or zero weight are left out; both are NaN when
fewer than two places remain or the mean is not positive.

Which indicators have their spread reported (``INEQUALITY_INDICATORS``) is set in the
indicator registry, :mod:`sim.core.indicators`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["theil_index", "coefficient_of_variation"]


def _clean(x: np.ndarray, weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if x.shape != w.shape:
        raise ValueError(f"values and weights differ in shape: {x.shape} vs {w.shape}")
    keep = np.isfinite(x) & np.isfinite(w) & (w > 0)
    return x[keep], w[keep] / w[keep].sum() if keep.any() else w[keep]


def theil_index(x: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Population-weighted Theil T index of non-negative values ``x``."""
    x, s = _clean(x, weights)
    if x.size < 2 or np.any(x < 0):
        return float("nan")
    mu = float(np.dot(s, x))
    if mu <= 0:
        return float("nan")
    r = x / mu
    terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
    return float(np.dot(s, terms))


def coefficient_of_variation(x: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Population-weighted coefficient of variation of ``x``."""
    x, s = _clean(x, weights)
    if x.size < 2:
        return float("nan")
    mu = float(np.dot(s, x))
    if mu <= 0:
        return float("nan")
    return float(np.sqrt(np.dot(s, (x - mu) ** 2)) / mu)
