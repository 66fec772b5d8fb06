"""Aggregation of the worker table into place totals (one pass, O(workers)).

Counts are by place of residence. Wages go into a log-spaced histogram per
place (``N_BINS`` bins from ``WAGE_MIN`` to ``WAGE_MAX`` GBP a week), from which
medians are read by linear interpolation inside a bin; with 512 bins a bin is
1.2% wide, so a median is exact to well under 1%. A second histogram holds
only the workers whose job uses their skill level (the firm demands at least
the worker's level), so the number of *good jobs* (skill used and pay at or
above a threshold set from the national median) can be read for any
threshold after the pass.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

N_BINS = 512
WAGE_MIN = 20.0
WAGE_MAX = 10_000.0
_LOG_MIN = math.log(WAGE_MIN)
_BIN_PER_LOG = N_BINS / (math.log(WAGE_MAX) - math.log(WAGE_MIN))

#: Columns of the ``counts`` array filled by :func:`aggregate_workers`.
COUNT_COLUMNS = (
    "population",
    "employed",
    "unemployed",
    "inactive",
    "training",
    "remote",
    "commute_minutes",
    "wage_sum",
    "skill_basic",
    "skill_intermediate",
    "skill_advanced",
)


def bin_edges() -> np.ndarray:
    """Wage at the lower edge of each bin, plus the upper edge of the last (GBP a week)."""
    return np.exp(_LOG_MIN + np.arange(N_BINS + 1) / _BIN_PER_LOG)


@njit(cache=True, inline="always")
def _bin(w):
    if w <= WAGE_MIN:
        return 0
    b = int((math.log(w) - _LOG_MIN) * _BIN_PER_LOG)
    return b if b < N_BINS else N_BINS - 1


#: Fixed number of slices the worker table is cut into for the parallel pass.
#: Fixed (not the thread count) so that sums are added in the same order on any machine.
N_SLICES = 8


@njit(cache=True, parallel=True)
def aggregate_workers(
    home, status, skill, wage, employer, remote, firm_place, firm_skill_demand, minutes,
    hybrid_factor, counts, hist, hist_good_skill,
):
    """Fill ``counts`` (P, len(COUNT_COLUMNS)), ``hist`` and ``hist_good_skill`` (P, N_BINS).

    All outputs are overwritten. The table is cut into :data:`N_SLICES` contiguous slices
    summed in parallel into private arrays, then added in slice order.
    """
    n = home.shape[0]
    n_places = counts.shape[0]
    n_cols = counts.shape[1]
    part_counts = np.zeros((N_SLICES, n_places, n_cols))
    part_hist = np.zeros((N_SLICES, n_places, N_BINS), dtype=np.int32)
    part_good = np.zeros((N_SLICES, n_places, N_BINS), dtype=np.int32)
    size = (n + N_SLICES - 1) // N_SLICES
    for sl in prange(N_SLICES):
        c = part_counts[sl]
        h = part_hist[sl]
        g = part_good[sl]
        for i in range(sl * size, min(n, (sl + 1) * size)):
            p = home[i]
            st = status[i]
            c[p, 0] += 1.0
            c[p, 8 + skill[i]] += 1.0
            if st == 0:
                c[p, 1] += 1.0
                j = employer[i]
                m = minutes[p, firm_place[j]]
                if remote[i]:
                    c[p, 5] += 1.0
                    m *= hybrid_factor
                c[p, 6] += m
                w = wage[i]
                c[p, 7] += w
                b = _bin(w)
                h[p, b] += 1
                if firm_skill_demand[j] >= skill[i]:
                    g[p, b] += 1
            elif st == 1:
                c[p, 2] += 1.0
            elif st == 2:
                c[p, 3] += 1.0
            else:
                c[p, 4] += 1.0
    counts[:] = 0.0
    hist[:] = 0
    hist_good_skill[:] = 0
    for sl in range(N_SLICES):
        counts += part_counts[sl]
        hist += part_hist[sl]
        hist_good_skill += part_good[sl]


def histogram_quantile(hist: np.ndarray, q: float, edges: np.ndarray) -> np.ndarray:
    """Quantile ``q`` of each row of a histogram (rows = places), NaN for empty rows."""
    hist = np.atleast_2d(hist)
    cum = np.cumsum(hist, axis=1)
    total = cum[:, -1]
    out = np.full(hist.shape[0], np.nan)
    for r in np.flatnonzero(total > 0):
        target = q * total[r]
        b = int(np.searchsorted(cum[r], target, side="left"))
        b = min(b, hist.shape[1] - 1)
        below = cum[r, b - 1] if b > 0 else 0.0
        inside = hist[r, b]
        frac = (target - below) / inside if inside > 0 else 0.5
        lo, hi = np.log(edges[b]), np.log(edges[b + 1])
        out[r] = float(np.exp(lo + frac * (hi - lo)))
    return out


def count_at_or_above(hist: np.ndarray, threshold: float, edges: np.ndarray) -> np.ndarray:
    """Workers at or above ``threshold`` in each row, interpolating inside the threshold's bin."""
    hist = np.atleast_2d(hist)
    b = int(np.clip(np.searchsorted(edges, threshold, side="right") - 1, 0, hist.shape[1] - 1))
    lo, hi = np.log(edges[b]), np.log(edges[b + 1])
    frac_above = float(np.clip((hi - np.log(threshold)) / (hi - lo), 0.0, 1.0))
    return hist[:, b + 1 :].sum(axis=1) + frac_above * hist[:, b]
