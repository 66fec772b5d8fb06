"""Firm dynamics kernel: one pass over the worker table a month.

:func:`firm_worker_pass` does, in one pass over the workers (``O(N)``, no
random numbers):

* **layoffs at exiting firms**: an employed worker whose employer exits this
  month becomes unemployed (employer -1, remote flag cleared, spell 0,
  reservation wage ``max(benefit, replacement_ratio x wage)``); the flows
  kernel, which runs next, makes them search;
* **profit by firm**: for every other employed worker ``i`` at firm ``j``,
  ``profit_j += A_j q_s h_i - w_i`` (weekly value added less the wage, GBP a
  week; the caller converts to a month).

The pass is serial (about 5 ms a month at a million workers on the 2-core
benchmark machine; a chunked parallel version with per-chunk partial sums was
slower there), so results do not depend on threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["firm_worker_pass"]

_EMPLOYED, _UNEMPLOYED = 0, 1


@njit(cache=True)
def _lay_off(i, status, employer, wage, reservation_wage, months_unemployed, remote, benefit,
             replacement_ratio):
    status[i] = _UNEMPLOYED
    employer[i] = -1
    remote[i] = False
    months_unemployed[i] = 0
    r = replacement_ratio * wage[i]
    reservation_wage[i] = r if r > benefit else benefit


@njit(cache=True)
def _pass(
    status, employer, skill, human_capital, wage, reservation_wage, months_unemployed,
    remote, firm_productivity, exiting, skill_premium, benefit, replacement_ratio, profit,
    laid_off,
):
    # The main loop only reads the worker table (writes there would stop the compiler
    # from keeping loads in registers: measured 2x slower); the workers of exiting firms
    # are collected in ``laid_off`` and changed afterwards.
    k = 0
    n_buffer = laid_off.shape[0]
    for i in range(status.shape[0]):
        if status[i] != _EMPLOYED:
            continue
        j = employer[i]
        if exiting[j]:
            if k < n_buffer:
                laid_off[k] = i
            k += 1
            continue
        profit[j] += firm_productivity[j] * skill_premium[skill[i]] * human_capital[i] - wage[i]
    for m in range(min(k, n_buffer)):
        _lay_off(laid_off[m], status, employer, wage, reservation_wage, months_unemployed,
                 remote, benefit, replacement_ratio)
    if k > n_buffer:  # the buffer was too small (employment counts out of date): rescan
        for i in range(status.shape[0]):
            if status[i] == _EMPLOYED and exiting[employer[i]]:
                _lay_off(i, status, employer, wage, reservation_wage, months_unemployed,
                         remote, benefit, replacement_ratio)
    return k


def firm_worker_pass(
    status: np.ndarray,
    employer: np.ndarray,
    skill: np.ndarray,
    human_capital: np.ndarray,
    wage: np.ndarray,
    reservation_wage: np.ndarray,
    months_unemployed: np.ndarray,
    remote: np.ndarray,
    firm_productivity: np.ndarray,
    exiting: np.ndarray,
    skill_premium: np.ndarray,
    benefit: float,
    replacement_ratio: float,
    expected_layoffs: int = 0,
) -> np.ndarray:
    """Lay off the workers of exiting firms and total the others' profit by firm.

    Args:
        status, employer, skill, human_capital, wage, reservation_wage, months_unemployed,
            remote: worker columns (status, employer, reservation_wage, months_unemployed
            and remote are changed in place for laid-off workers).
        firm_productivity: (F,) weekly value added per efficiency unit, GBP a week.
        exiting: (F,) bool, firms that exit this month.
        skill_premium: (3,) productivity multiplier by skill level.
        benefit: reservation-wage floor, GBP a week.
        replacement_ratio: reservation wage on entering unemployment / last wage.
        expected_layoffs: size of the buffer for laid-off workers (the exiting firms'
            employment); a wrong guess costs a second pass, never a wrong result.

    Returns:
        Weekly profit by firm, GBP a week (0 for exiting firms and firms with no workers).
    """
    profit = np.zeros(firm_productivity.shape[0])
    laid_off = np.empty(max(int(expected_layoffs), 0) + 16, dtype=np.int64)
    _pass(
        status, employer, skill, human_capital, wage, reservation_wage, months_unemployed,
        remote, firm_productivity, exiting, np.asarray(skill_premium, dtype=np.float64),
        float(benefit), float(replacement_ratio), profit, laid_off,
    )
    return profit
